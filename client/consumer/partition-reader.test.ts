/** One-shot reads against fake Subscribe streams: leaving a read cancels every stream it opened. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../proto/codec/index.js';
import type { Cluster } from '../cluster.js';
import { PartitionReader } from './partition-reader.js';

interface FakeCall extends Readable {
  cancelled: boolean;
  cancel(): void;
}

function fakeCluster(leaderGate: Promise<void> = Promise.resolve()) {
  const calls: FakeCall[] = [];
  const connection = {
    client: {
      Subscribe(): FakeCall {
        const call = new Readable({ objectMode: true, read() {} }) as FakeCall;
        call.cancelled = false;
        call.cancel = () => {
          call.cancelled = true;
          call.destroy(Object.assign(new Error('cancelled'), { code: 1, details: 'cancelled' }));
        };
        calls.push(call);
        return call;
      },
    },
  };
  const cluster = {
    leaderFor: async () => {
      await leaderGate;
      return { brokerId: 1, connection };
    },
    invalidateFor: () => {},
    topic: async (name: string) => ({ name, topicId: 'x', partitions: [{ partition: 0 }, { partition: 1 }] }),
  } as unknown as Cluster;
  return { cluster, calls };
}

function message(from: number, count: number) {
  const batches = encodeRecordBatch(
    Array.from({ length: count }, (_, i) => ({ value: Buffer.from(`v${from + i}`) })),
    { baseOffset: from },
  );
  return { next_offset: String(from + count), high_watermark: String(from + count), batches };
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('PartitionReader', () => {
  it('leaving a topic read after one record cancels every partition stream', async () => {
    const { cluster, calls } = fakeCluster();
    const reader = new PartitionReader(cluster);
    const records = reader.consumeTopic({ topic: 't', from: { offset: 0 }, follow: true });
    const first = records.next();
    await until(() => calls.length === 2);
    calls[0]!.push(message(0, 3));
    expect((await first).value?.value?.toString()).toBe('v0');
    await records.return(undefined);
    expect(calls.map((c) => c.cancelled)).toEqual([true, true]);
  });

  it('an abort while the leader is looked up opens no stream', async () => {
    let open = (): void => {};
    const { cluster, calls } = fakeCluster(new Promise<void>((r) => (open = r)));
    const controller = new AbortController();
    const reading = new PartitionReader(cluster)
      .consume({ topic: 't', partition: 0, from: { offset: 0 }, follow: true, signal: controller.signal })
      .next();
    controller.abort();
    open();
    expect((await reading).done).toBe(true);
    expect(calls).toHaveLength(0);
  });
});

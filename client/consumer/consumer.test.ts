/**
 * The Consumer's flow control, seek, pause and reconnect logic against fake Subscribe streams: a fake
 * cluster whose leader connection hands out object-mode Readables the test pushes messages into.
 */
import { Readable } from 'node:stream';
import { Metadata } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../proto/codec/index.js';
import type { Cluster } from '../cluster.js';
import { reasonOf } from '../errors.js';
import { Consumer } from './consumer.js';

interface FakeCall extends Readable {
  request: { topic: string; partition: number; offset: string };
  cancelled: boolean;
  cancel(): void;
}

function fakeCluster() {
  const calls: FakeCall[] = [];
  const connection = {
    client: {
      Subscribe(request: FakeCall['request']): FakeCall {
        const call = new Readable({ objectMode: true, read() {} }) as FakeCall;
        call.request = request;
        call.cancelled = false;
        call.cancel = () => {
          call.cancelled = true;
        };
        calls.push(call);
        return call;
      },
    },
  };
  const invalidated: string[] = [];
  const cluster = {
    connection,
    leaderFor: async () => ({ brokerId: 1, connection }),
    invalidateFor: (reason: string) => invalidated.push(reason),
    topic: async (name: string) => ({ name, topicId: 'x', partitions: [{ partition: 0 }, { partition: 1 }] }),
  } as unknown as Cluster;
  return { cluster, calls, invalidated };
}

/** A Subscribe message holding records [from, from + count), each value `size` bytes. */
function message(from: number, count: number, size = 100) {
  const batches = encodeRecordBatch(
    Array.from({ length: count }, (_, i) => ({ value: Buffer.alloc(size, from + i) })),
    { baseOffset: from },
  );
  return { next_offset: String(from + count), high_watermark: String(from + count), batches };
}

function grpcError(code: number, reason?: string) {
  const metadata = new Metadata();
  if (reason !== undefined) metadata.set('tributary-reason', reason);
  return Object.assign(new Error(reason ?? 'unavailable'), { code, details: reason ?? 'gone', metadata });
}

const tick = () => new Promise((r) => setTimeout(r, 5));

/** Waits until `condition` holds (a loaded machine may take longer than a fixed tick). */
async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await tick();
  }
}

describe('Consumer (fake streams)', () => {
  it('pauses every stream at the prefetch bound and resumes when drained', async () => {
    const { cluster, calls } = fakeCluster();
    const first = message(0, 10, 100);
    const consumer = new Consumer(cluster, { maxPrefetchBytes: first.batches.length * 2 });
    await consumer.assign({ topic: 't', from: { offset: 0 } });
    await tick();
    expect(calls).toHaveLength(2);
    const [c0, c1] = calls as [FakeCall, FakeCall];
    c0.push(first);
    await tick();
    expect(c0.isPaused() || c1.isPaused()).toBe(false);
    c1.push(message(0, 10, 100));
    await tick();
    expect(consumer.bufferedBytes).toBe(first.batches.length * 2);
    expect(c0.isPaused() && c1.isPaused()).toBe(true);
    // Taking the first chunk brings the buffer under the bound.
    for (let i = 0; i < 10; i++) await consumer.next();
    expect(c0.isPaused() || c1.isPaused()).toBe(false);
    await consumer.close();
    expect(c0.cancelled && c1.cancelled).toBe(true);
  });

  it('skips records before the offset asked for and keeps offsets increasing', async () => {
    const { cluster, calls } = fakeCluster();
    const consumer = new Consumer(cluster);
    await consumer.assign([{ topic: 't', partition: 0, from: { offset: 5 } }]);
    await tick();
    expect(calls[0]!.request.offset).toBe('5');
    calls[0]!.push(message(0, 8)); // a batch starting before 5
    calls[0]!.push(message(8, 2));
    const offsets: number[] = [];
    for (let i = 0; i < 5; i++) offsets.push((await consumer.next())!.offset);
    expect(offsets).toEqual([5, 6, 7, 8, 9]);
    expect(consumer.position({ topic: 't', partition: 0 })).toBe(10);
    await consumer.close();
  });

  it('seek drops the buffer and reopens at the new offset; pause drops and resume reopens at the position', async () => {
    const { cluster, calls } = fakeCluster();
    const consumer = new Consumer(cluster);
    const tp = { topic: 't', partition: 0 };
    await consumer.assign([{ ...tp, from: { offset: 0 } }]);
    await tick();
    calls[0]!.push(message(0, 10));
    await consumer.next();
    consumer.seek({ ...tp, offset: 3 });
    expect(consumer.stats().bufferedRecords).toBe(0);
    expect(calls[0]!.cancelled).toBe(true);
    await tick();
    expect(calls[1]!.request.offset).toBe('3');
    calls[1]!.push(message(3, 5));
    expect((await consumer.next())!.offset).toBe(3);
    consumer.pause([tp]);
    expect(calls[1]!.isPaused()).toBe(true);
    expect(consumer.stats().bufferedRecords).toBe(0);
    expect(await consumer.next({ signal: AbortSignal.timeout(20) })).toBeUndefined();
    consumer.resume([tp]);
    await tick();
    expect(calls[2]!.request.offset).toBe('4');
    await consumer.close();
  });

  it('reconnects after a retriable failure from the next offset, and surfaces a non-retriable one', async () => {
    const { cluster, calls, invalidated } = fakeCluster();
    const consumer = new Consumer(cluster, { reconnect: { backoffMs: 1, backoffMaxMs: 1 } });
    const tp = { topic: 't', partition: 0 };
    await consumer.assign([{ ...tp, from: { offset: 0 } }]);
    await tick();
    calls[0]!.push(message(0, 4));
    await tick();
    calls[0]!.destroy(grpcError(14));
    await until(() => calls.length === 2);
    expect(invalidated).toContain('UNAVAILABLE');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.request.offset).toBe('4');
    calls[1]!.push(message(4, 1));
    const offsets: number[] = [];
    for (let i = 0; i < 5; i++) offsets.push((await consumer.next())!.offset);
    expect(offsets).toEqual([0, 1, 2, 3, 4]);
    expect(consumer.stats().reconnects).toBe(1);

    calls[1]!.destroy(grpcError(11, 'OFFSET_OUT_OF_RANGE'));
    await expect(consumer.next()).rejects.toMatchObject({ reason: 'OFFSET_OUT_OF_RANGE', retriable: false });
    expect(calls).toHaveLength(2);
    await consumer.close();
  });

  it('validates run options and closes waiting readers', async () => {
    const { cluster } = fakeCluster();
    const consumer = new Consumer(cluster);
    expect(() => consumer.run({})).toThrow(/exactly one/);
    const waiting = consumer.next();
    const running = consumer.run({ eachRecord: () => {} });
    await consumer.close();
    expect(await waiting).toBeUndefined();
    await running;
    expect(() => consumer.position({ topic: 't', partition: 0 })).toThrow(/not assigned/);
  });

  it('emits reconnect when a stream fails retriably', async () => {
    const { cluster, calls } = fakeCluster();
    const consumer = new Consumer(cluster, { reconnect: { backoffMs: 1, backoffMaxMs: 1 } });
    const reconnects: Array<{ attempt: number; reason: string; partition: number }> = [];
    consumer.on('reconnect', (e) =>
      reconnects.push({ attempt: e.attempt, reason: reasonOf(e.error), partition: e.partition }),
    );
    await consumer.assign([{ topic: 't', partition: 0, from: { offset: 0 } }]);
    await until(() => calls.length === 1);
    calls[0]!.destroy(grpcError(14));
    await until(() => calls.length === 2);
    expect(reconnects).toEqual([{ attempt: 1, reason: 'UNAVAILABLE', partition: 0 }]);
    await consumer.close();
  });

  it('emits commitFailed when an auto-commit fails', async () => {
    const { cluster } = fakeCluster();
    const consumer = new Consumer(cluster, { groupId: 'g', autoCommitIntervalMs: 10 });
    const failures: Array<{ auto: boolean; offsets: unknown }> = [];
    consumer.on('commitFailed', (e) => failures.push({ auto: e.auto, offsets: e.offsets }));
    await consumer.assign([{ topic: 't', partition: 0, from: { offset: 3 } }]);
    // The fake cluster has no group coordinator: every commit fails.
    await until(() => failures.length > 0);
    expect(failures[0]).toEqual({ auto: true, offsets: [{ topic: 't', partition: 0, offset: 3 }] });
    await consumer.close();
  });
});

/** A compacted topic on a real broker: the cleaner runs in the background, consumers see the latest per key. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tributary } from '../../client/index.js';
import { type BrokerProcess, removeDataDirs, startBroker } from '../helpers/broker-process.js';
import { waitFor } from '../helpers/cluster.js';

let broker: BrokerProcess;
let client: Tributary;

beforeAll(async () => {
  broker = await startBroker({ args: ['--set', 'logCleanerIntervalMs=100'] });
  client = new Tributary({ bootstrap: broker.address });
});

afterAll(async () => {
  client?.close();
  await broker?.stop();
  removeDataDirs();
});

async function readAll(topic: string): Promise<Array<{ offset: number; key: string; value: string | null }>> {
  const end = (await client.admin().listOffsets(topic, 'latest'))[0]!.offset;
  const out: Array<{ offset: number; key: string; value: string | null }> = [];
  if (end === 0) return out;
  for await (const r of client.consumer().consume({ topic, partition: 0, from: 'earliest' })) {
    out.push({ offset: r.offset, key: r.key!.toString(), value: r.value?.toString() ?? null });
    if (r.offset >= end - 1) break;
  }
  return out;
}

describe('log compaction', () => {
  it('keeps the latest value of every key (and recent tombstones) while offsets stay as written', async () => {
    await client.admin().createTopic({
      name: 'table',
      partitions: 1,
      configs: { 'segment.bytes': '2048', 'min.cleanable.dirty.ratio': '0.01' },
    });
    // Made compacted after creation: the change must reach the open log.
    await client.admin().alterConfig('table', [{ op: 'set', name: 'cleanup.policy', value: 'compact' }]);
    const producer = client.producer({ lingerMs: 0 });
    for (let i = 0; i < 300; i++) {
      await producer.send({
        topic: 'table',
        messages: [{ key: `user-${i % 10}`, value: i === 295 ? null : `v${i}` }],
      });
    }
    // What was written: offset i holds user-(i % 10) = v<i> (offset 295 is a tombstone).
    const before = Array.from({ length: 300 }, (_, i) => ({
      offset: i,
      key: `user-${i % 10}`,
      value: i === 295 ? null : `v${i}`,
    }));
    const after = await waitFor('compaction', async () => {
      const now = await readAll('table');
      return now.length < 60 ? now : undefined;
    });
    for (const r of after) expect(r).toEqual(before[r.offset]);
    // Offsets never move; the last record of each key is still there (user-5's is a tombstone, kept).
    const last = new Map<string, { offset: number; value: string | null }>();
    for (const r of before) last.set(r.key, { offset: r.offset, value: r.value });
    for (const [key, l] of last) expect(after).toContainEqual({ key, ...l });
    for (let i = 1; i < after.length; i++) expect(after[i]!.offset).toBeGreaterThan(after[i - 1]!.offset);
    // Appends continue at the old log end.
    const [ack] = await producer.send({ topic: 'table', messages: [{ key: 'user-1', value: 'later' }] });
    expect(ack!.baseOffset).toBe(300);
    await producer.close();
  });

  it('refuses an unknown cleanup policy', async () => {
    await expect(
      client.admin().createTopic({ name: 'bad-policy', configs: { 'cleanup.policy': 'shred' } }),
    ).rejects.toMatchObject({ reasonName: 'INVALID_CONFIG' });
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { decodeBatches, encodeRecordBatch } from '../../proto/codec/index.js';
import type { CreateTopicsResponse__Output } from '../../proto/generated/tributary/v1/CreateTopicsResponse.js';
import type { FetchResponse__Output } from '../../proto/generated/tributary/v1/FetchResponse.js';
import type { ProduceResponse__Output } from '../../proto/generated/tributary/v1/ProduceResponse.js';
import { makeDataDir, removeDataDirs, startBroker } from '../helpers/broker-process.js';
import { call, type RawStubs, rawStubs } from '../helpers/grpc.js';

afterAll(() => removeDataDirs());

async function createTopic(stubs: RawStubs, name: string, configs: Record<string, string> = {}) {
  const res = await call<CreateTopicsResponse__Output>(stubs.admin, 'CreateTopics', {
    topics: [
      { name, partitions: 1, configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) },
    ],
  });
  expect(res.topics[0]!.error).toBeNull();
}

function recordBatch(from: number, count: number): Buffer {
  return encodeRecordBatch(
    Array.from({ length: count }, (_, i) => ({
      key: `k${from + i}`,
      value: `value-${from + i}-${'x'.repeat(40)}`,
    })),
  );
}

async function produceBatch(stubs: RawStubs, topic: string, from: number, count: number) {
  const res = await call<ProduceResponse__Output>(stubs.client, 'Produce', {
    acks: 'ACKS_LEADER',
    topics: [{ topic, partitions: [{ partition: 0, batches: recordBatch(from, count) }] }],
  });
  const p = res.topics[0]!.partitions[0]!;
  if (p.error) throw new Error(`${p.error.reason}: ${p.error.message}`);
  return { base: Number(p.base_offset), last: Number(p.last_offset) };
}

/** Reads the whole partition with Fetch and returns the values in offset order, checking offsets are dense. */
async function readAll(stubs: RawStubs, topic: string): Promise<string[]> {
  const values: string[] = [];
  let offset = 0;
  for (;;) {
    const res = await call<FetchResponse__Output>(stubs.client, 'Fetch', {
      max_wait_ms: 0,
      max_bytes: 4 * 1024 * 1024,
      topics: [
        { topic, partitions: [{ partition: 0, fetch_offset: String(offset), max_bytes: 4 * 1024 * 1024 }] },
      ],
    });
    const p = res.topics[0]!.partitions[0]!;
    if (p.error) throw new Error(`${p.error.reason}: ${p.error.message}`);
    const records = decodeBatches(p.batches).filter((r) => r.offset >= offset);
    if (records.length === 0) return values;
    for (const r of records) {
      expect(r.offset).toBe(offset);
      values.push(r.value!.toString());
      offset++;
    }
  }
}

const expectedValue = (i: number) => `value-${i}-${'x'.repeat(40)}`;

describe('durability with a real broker process', () => {
  it('keeps 100k records across a clean restart, in order', async () => {
    const dataDir = makeDataDir();
    let broker = await startBroker({ dataDir, args: ['--set', 'logSegmentBytes=1048576'] });
    let stubs = rawStubs(broker.address);
    await createTopic(stubs, 'hundredk');
    const total = 100_000;
    const perBatch = 1000;
    // Several produce requests in flight at once, as a real producer would have.
    for (let from = 0; from < total; from += perBatch * 4) {
      const acks = await Promise.all(
        [0, 1, 2, 3].map((j) => produceBatch(stubs, 'hundredk', from + j * perBatch, perBatch)),
      );
      expect(acks.map((a) => a.last - a.base + 1)).toEqual([perBatch, perBatch, perBatch, perBatch]);
    }
    const before = await readAll(stubs, 'hundredk');
    expect(before).toHaveLength(total);

    stubs.close();
    expect(await broker.stop()).toBe(0);
    expect(broker.output()).toContain('"msg":"broker stopped"');
    broker = await startBroker({ dataDir });
    stubs = rawStubs(broker.address);
    const after = await readAll(stubs, 'hundredk');
    expect(after).toHaveLength(total);
    // Values are unique by position; compare sets of positions via the embedded counter.
    const positions = after.map((v) => Number(v.split('-')[1]));
    expect(new Set(positions).size).toBe(total);
    expect(after).toEqual(before);
    stubs.close();
    await broker.stop();
  });

  it('keeps every acknowledged record after kill -9 during writes (flush.ms=0), and keeps appending', async () => {
    const dataDir = makeDataDir();
    let broker = await startBroker({ dataDir, args: ['--set', 'logSegmentBytes=262144'] });
    let stubs = rawStubs(broker.address);
    await createTopic(stubs, 'crashy', { 'flush.ms': '0' });

    // Writers append records numbered by a shared counter; each records the counters it saw acknowledged.
    const acked = new Map<number, string>();
    let next = 0;
    let stop = false;
    const writer = async () => {
      while (!stop) {
        const from = next;
        next += 50;
        try {
          const { base } = await produceBatch(stubs, 'crashy', from, 50);
          for (let i = 0; i < 50; i++) acked.set(base + i, expectedValue(from + i));
        } catch {
          return; // The broker is gone.
        }
      }
    };
    let running = 3;
    const writers = [writer(), writer(), writer()].map((w) => w.finally(() => running--));
    // Wait for real progress (a condition, not a fixed sleep), then kill the broker mid-stream.
    while (acked.size < 20_000 && running === 3) await new Promise((r) => setImmediate(r));
    expect(running, 'writers failed before the kill').toBe(3);
    await broker.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    stubs.close();

    broker = await startBroker({ dataDir });
    stubs = rawStubs(broker.address);
    const values = await readAll(stubs, 'crashy');
    for (const [offset, value] of acked) expect(values[offset], `offset ${offset}`).toBe(value);
    expect(values.length).toBeGreaterThanOrEqual(acked.size);

    // The recovered log takes new appends at its end.
    const { base } = await produceBatch(stubs, 'crashy', 1_000_000, 10);
    expect(base).toBe(values.length);
    stubs.close();
    await broker.stop();
  });
});

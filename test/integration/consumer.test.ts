/** The assigning Consumer against real broker processes: start positions, iteration, handlers, seek,
 * pause/resume, the prefetch bound, typed errors, abort, and a broker restart mid-stream. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Consumer, type Record, Tributary, TributaryClientError } from '../../client/index.js';
import { type BrokerProcess, makeDataDir, removeDataDirs, startBroker } from '../helpers/broker-process.js';

let broker: BrokerProcess;
let tributary: Tributary;

beforeAll(async () => {
  broker = await startBroker();
  tributary = new Tributary({ bootstrap: broker.address });
});

afterAll(async () => {
  tributary?.close();
  await broker?.stop();
  removeDataDirs();
});

const T0 = 1_700_000_000_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The next `n` records, failing after `timeoutMs`. */
async function take(consumer: Consumer, n: number, timeoutMs = 20_000): Promise<Record[]> {
  const signal = AbortSignal.timeout(timeoutMs);
  const out: Record[] = [];
  while (out.length < n) {
    const record = await consumer.next({ signal });
    if (record === undefined) throw new Error(`got ${out.length} of ${n} records before timeout or close`);
    out.push(record);
  }
  return out;
}

async function produceNumbered(topic: string, partition: number, from: number, count: number): Promise<void> {
  const producer = tributary.producer();
  for (let i = 0; i < count; i += 1000) {
    const n = Math.min(1000, count - i);
    await producer.send({
      topic,
      messages: Array.from({ length: n }, (_, j) => ({
        value: String(from + i + j),
        partition,
        timestamp: T0 + (from + i + j) * 1000,
      })),
    });
  }
}

describe('Consumer.assign start positions', () => {
  beforeAll(async () => {
    await tributary.admin().createTopic({ name: 'k-start', partitions: 1 });
    await produceNumbered('k-start', 0, 0, 10);
  });

  it('starts at earliest, an offset, and a time', async () => {
    const cases = [
      { from: 'earliest' as const, first: 0 },
      { from: { offset: 5 }, first: 5 },
      { from: { timestamp: T0 + 3500 }, first: 4 },
      { from: { timestamp: T0 + 3000 }, first: 3 },
    ];
    for (const { from, first } of cases) {
      const consumer = tributary.consumer();
      await consumer.assign([{ topic: 'k-start', partition: 0, from }]);
      expect(consumer.position({ topic: 'k-start', partition: 0 })).toBe(first);
      const records = await take(consumer, 10 - first);
      expect(records.map((r) => r.offset)).toEqual(Array.from({ length: 10 - first }, (_, i) => first + i));
      expect(records[0]!.value!.toString()).toBe(String(first));
      expect(records[0]!.timestamp).toBe(T0 + first * 1000);
      expect(consumer.position({ topic: 'k-start', partition: 0 })).toBe(10);
      await consumer.close();
    }
  });

  it('starts at latest, and at the end for a time after every record', async () => {
    for (const from of ['latest' as const, { timestamp: T0 + 1_000_000 }]) {
      const consumer = tributary.consumer();
      await consumer.assign({ topic: 'k-start', from });
      const end = consumer.position({ topic: 'k-start', partition: 0 });
      expect(end).toBeGreaterThanOrEqual(10);
      await tributary.producer().send({ topic: 'k-start', messages: [{ value: 'new', partition: 0 }] });
      const [record] = await take(consumer, 1);
      expect(record!.offset).toBe(end);
      expect(record!.value!.toString()).toBe('new');
      await consumer.close();
    }
  });

  it('surfaces OFFSET_OUT_OF_RANGE as a typed, non-retriable error', async () => {
    const consumer = tributary.consumer();
    await consumer.assign([{ topic: 'k-start', partition: 0, from: { offset: 1_000_000 } }]);
    const error = await consumer.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TributaryClientError);
    expect(error).toMatchObject({ reason: 'OFFSET_OUT_OF_RANGE', retriable: false });
    // The partition can be moved back into range.
    consumer.seek({ topic: 'k-start', partition: 0, offset: 9 });
    expect((await take(consumer, 1))[0]!.offset).toBe(9);
    await consumer.close();
  });

  it('rejects unknown topics and partitions at assign', async () => {
    const consumer = tributary.consumer();
    await expect(consumer.assign({ topic: 'k-missing' })).rejects.toMatchObject({ reason: 'UNKNOWN_TOPIC' });
    await expect(consumer.assign([{ topic: 'k-start', partition: 7 }])).rejects.toMatchObject({
      reason: 'UNKNOWN_PARTITION',
    });
    await consumer.close();
  });
});

describe('Consumer delivery', () => {
  it('iterates 20k records across 3 partitions, each partition in offset order, exactly once', async () => {
    await tributary.admin().createTopic({ name: 'k-20k', partitions: 3 });
    const counts = [7000, 6000, 7000];
    await Promise.all(counts.map((n, p) => produceNumbered('k-20k', p, 0, n)));
    const consumer = tributary.consumer({ maxPrefetchBytes: 1024 * 1024 });
    await consumer.assign({ topic: 'k-20k', partitions: 'all', from: 'earliest' });
    expect(consumer.assignment()).toEqual([0, 1, 2].map((partition) => ({ topic: 'k-20k', partition })));
    const next = [0, 0, 0];
    let total = 0;
    for await (const record of consumer) {
      expect(record.topic).toBe('k-20k');
      expect(record.offset).toBe(next[record.partition]);
      expect(record.value!.toString()).toBe(String(record.offset));
      next[record.partition]! += 1;
      total += 1;
      if (total === 20_000) break;
    }
    expect(next).toEqual(counts);
    // Breaking out leaves the consumer open; close ends it.
    expect(consumer.position({ topic: 'k-20k', partition: 1 })).toBe(6000);
    await consumer.close();
    expect(await consumer.next()).toBeUndefined();
  });

  it('runs a batch handler until closed', async () => {
    await tributary.admin().createTopic({ name: 'k-batch', partitions: 2 });
    await Promise.all([produceNumbered('k-batch', 0, 0, 3000), produceNumbered('k-batch', 1, 0, 2000)]);
    const consumer = tributary.consumer();
    await consumer.assign({ topic: 'k-batch' });
    const seen = new Map<number, number[]>([
      [0, []],
      [1, []],
    ]);
    let batches = 0;
    await consumer.run({
      eachBatch: async ({ topic, partition, records, highWatermark }) => {
        expect(topic).toBe('k-batch');
        expect(records.length).toBeGreaterThan(0);
        expect(records.every((r) => r.partition === partition)).toBe(true);
        expect(highWatermark).toBe(partition === 0 ? 3000 : 2000);
        seen.get(partition)!.push(...records.map((r) => r.offset));
        batches += 1;
        if (seen.get(0)!.length + seen.get(1)!.length === 5000) await consumer.close();
      },
    });
    expect(seen.get(0)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(seen.get(1)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    expect(batches).toBeGreaterThan(1);
  });

  it('runs a record handler; a throwing handler rejects the run', async () => {
    const consumer = tributary.consumer();
    await consumer.assign({ topic: 'k-batch', partitions: [1] });
    let n = 0;
    await expect(
      consumer.run({
        eachRecord: (record) => {
          expect(record.offset).toBe(n);
          n += 1;
          if (n === 100) throw new Error('handler failed');
        },
      }),
    ).rejects.toThrow('handler failed');
    expect(consumer.position({ topic: 'k-batch', partition: 1 })).toBe(100);
    await consumer.close();
  });

  it('seeks: drops buffered records and continues from the new offset', async () => {
    const consumer = tributary.consumer();
    await consumer.assign([{ topic: 'k-batch', partition: 0 }]);
    const first = await take(consumer, 50);
    expect(first.at(-1)!.offset).toBe(49);
    consumer.seek({ topic: 'k-batch', partition: 0, offset: 10 });
    expect(consumer.position({ topic: 'k-batch', partition: 0 })).toBe(10);
    expect((await take(consumer, 5)).map((r) => r.offset)).toEqual([10, 11, 12, 13, 14]);
    consumer.seek({ topic: 'k-batch', partition: 0, offset: 2990 });
    expect((await take(consumer, 10)).map((r) => r.offset)).toEqual(
      Array.from({ length: 10 }, (_, i) => 2990 + i),
    );
    expect(() => consumer.seek({ topic: 'k-batch', partition: 1, offset: 0 })).toThrow(/not assigned/);
    await consumer.close();
  });

  it('pauses a partition while the others continue, and resumes it where it was', async () => {
    await tributary.admin().createTopic({ name: 'k-pause', partitions: 2 });
    await Promise.all([produceNumbered('k-pause', 0, 0, 500), produceNumbered('k-pause', 1, 0, 500)]);
    const consumer = tributary.consumer();
    await consumer.assign({ topic: 'k-pause' });
    const p0 = { topic: 'k-pause', partition: 0 };
    // Read until partition 0 has delivered something, then pause it.
    while (consumer.position(p0) === 0) await take(consumer, 1);
    consumer.pause([p0]);
    expect(consumer.paused()).toEqual([p0]);
    const pausedAt = consumer.position(p0);
    await produceNumbered('k-pause', 0, 500, 100);
    await produceNumbered('k-pause', 1, 500, 100);
    const p1Left = 600 - consumer.position({ topic: 'k-pause', partition: 1 });
    const others = await take(consumer, p1Left);
    expect(others.every((r) => r.partition === 1)).toBe(true);
    // Nothing more arrives while partition 0 is paused.
    expect(await consumer.next({ signal: AbortSignal.timeout(300) })).toBeUndefined();
    expect(consumer.position(p0)).toBe(pausedAt);
    consumer.resume([p0]);
    const rest = await take(consumer, 600 - pausedAt);
    expect(rest.map((r) => r.offset)).toEqual(Array.from({ length: 600 - pausedAt }, (_, i) => pausedAt + i));
    await consumer.close();
  });

  it('holds the prefetch bound while a slow application reads 64 MiB', async () => {
    await tributary.admin().createTopic({ name: 'k-bound', partitions: 2 });
    const value = Buffer.alloc(4096, 7);
    const producer = tributary.producer();
    const perSend = 128; // 512 KiB per send
    const sends = 64; // per partition: 32 MiB, 64 MiB in all
    for (let s = 0; s < sends; s++) {
      await Promise.all(
        [0, 1].map((partition) =>
          producer.send({
            topic: 'k-bound',
            messages: Array.from({ length: perSend }, () => ({ value, partition })),
          }),
        ),
      );
    }
    const total = 2 * sends * perSend;
    const maxPrefetchBytes = 4 * 1024 * 1024;
    const maxBytesPerPartition = 1024 * 1024;
    const consumer = tributary.consumer({ maxPrefetchBytes, maxBytesPerPartition });
    await consumer.assign({ topic: 'k-bound' });
    let maxSeen = 0;
    let maxQueued = 0;
    const sample = setInterval(() => {
      maxSeen = Math.max(maxSeen, consumer.bufferedBytes);
      maxQueued = Math.max(maxQueued, consumer.stats().queuedMessages);
    }, 1);
    let n = 0;
    try {
      await consumer.run({
        eachRecord: async () => {
          maxSeen = Math.max(maxSeen, consumer.bufferedBytes);
          n += 1;
          if (n % 512 === 0) await sleep(10);
          if (n === total) await consumer.close();
        },
      });
    } finally {
      clearInterval(sample);
    }
    expect(n).toBe(total);
    // One message (whole batches up to maxBytesPerPartition, at least one batch) past the bound at most.
    expect(maxSeen).toBeLessThanOrEqual(maxPrefetchBytes + maxBytesPerPartition);
    expect(maxSeen).toBeGreaterThan(maxPrefetchBytes / 2);
    // Paused gRPC streams hold about one message each, not Node's default of 16.
    expect(maxQueued).toBeLessThanOrEqual(2 * 2);
  });
});

describe('Consumer signals', () => {
  it('aborts a waiting next(), an assign, and the whole consumer', async () => {
    await tributary.admin().createTopic({ name: 'k-abort', partitions: 1 });
    const controller = new AbortController();
    const consumer = tributary.consumer({ signal: controller.signal });
    await consumer.assign({ topic: 'k-abort', from: 'latest' });
    expect(await consumer.next({ signal: AbortSignal.timeout(100) })).toBeUndefined();
    await expect(
      consumer.assign({ topic: 'k-abort' }, { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ reasonName: 'CANCELLED', retriable: false });
    const running = consumer.run({ eachRecord: () => {} });
    setTimeout(() => controller.abort(), 100);
    await running;
    expect(() => consumer.seek({ topic: 'k-abort', partition: 0, offset: 0 })).toThrow(/closed/);
  });

  it('ends a run when its own signal aborts, leaving the consumer open', async () => {
    const consumer = tributary.consumer();
    await consumer.assign({ topic: 'k-abort' });
    await consumer.run({ eachRecord: () => {}, signal: AbortSignal.timeout(100) });
    expect(consumer.assignment()).toEqual([{ topic: 'k-abort', partition: 0 }]);
    await consumer.close();
  });
});

describe('Consumer across a broker restart', () => {
  it('resumes where it was: every record exactly once, in order', async () => {
    const dataDir = makeDataDir();
    let own = await startBroker({ dataDir });
    const port = own.port;
    const client = new Tributary({ bootstrap: own.address });
    try {
      await client.admin().createTopic({ name: 'k-restart', partitions: 2 });
      const produce = async (from: number, count: number) => {
        for (const partition of [0, 1]) {
          await client.producer({ retries: 20, retryBackoffMs: 200 }).send({
            topic: 'k-restart',
            messages: Array.from({ length: count }, (_, i) => ({ value: String(from + i), partition })),
          });
        }
      };
      await produce(0, 2000);
      const consumer = client.consumer({
        maxPrefetchBytes: 64 * 1024,
        maxBytesPerPartition: 16 * 1024,
        reconnect: { backoffMs: 50, backoffMaxMs: 500, attemptsMax: 100 },
      });
      await consumer.assign({ topic: 'k-restart' });
      const next = [0, 0];
      const check = (records: Record[]) => {
        for (const r of records) {
          expect(r.offset).toBe(next[r.partition]);
          expect(r.value!.toString()).toBe(String(r.offset));
          next[r.partition]! += 1;
        }
      };
      check(await take(consumer, 1500));
      await own.stop();
      // Records already buffered keep flowing while the broker is away.
      own = await startBroker({ dataDir, args: ['--port', String(port)] });
      expect(own.address).toBe(client.connection.bootstrap);
      await produce(2000, 1000);
      check(await take(consumer, 6000 - 1500, 60_000));
      expect(next).toEqual([3000, 3000]);
      expect(await consumer.next({ signal: AbortSignal.timeout(300) })).toBeUndefined();
      expect(consumer.stats().reconnects).toBeGreaterThan(0);
      await consumer.close();
    } finally {
      client.close();
      await own.stop();
    }
  });
});

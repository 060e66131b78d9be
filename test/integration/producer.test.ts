/** The batching producer against real broker processes: volume, codecs, batching, and a broker restart. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../../client/cluster.js';
import { Connection } from '../../client/connection.js';
import { Producer, type ProducerOptions, type RecordMetadata } from '../../client/index.js';
import { Compression, type CompressionName, readBatchHeader, scanBatches } from '../../proto/codec/index.js';
import { decodeRecordBatch } from '../../proto/codec/record-decoder.js';
import type { FetchResponse__Output } from '../../proto/generated/tributary/v1/FetchResponse.js';
import { type BrokerProcess, removeDataDirs, startBroker } from '../helpers/broker-process.js';

let broker: BrokerProcess;
let cluster: Cluster;

beforeAll(async () => {
  broker = await startBroker();
  cluster = new Cluster(new Connection({ bootstrap: broker.address }));
});

afterAll(async () => {
  cluster?.close();
  await broker?.stop();
  removeDataDirs();
});

async function createTopic(c: Cluster, name: string, partitions: number): Promise<void> {
  await c.connection.unary((md, opts, cb) =>
    c.connection.admin.CreateTopics({ topics: [{ name, partitions, replication_factor: 1 }] }, md, opts, cb),
  );
}

interface Stored {
  offset: number;
  key: string | null;
  value: string | null;
}

/** Every record of a partition, and the stored batches' (base offset, record count, compression). */
async function readAll(
  c: Cluster,
  topic: string,
  partition: number,
): Promise<{ records: Stored[]; batches: Array<{ base: number; count: number; compression: number }> }> {
  const records: Stored[] = [];
  const batches: Array<{ base: number; count: number; compression: number }> = [];
  let offset = 0;
  for (;;) {
    const response = await c.connection.unary<FetchResponse__Output>((md, opts, cb) =>
      c.connection.client.Fetch(
        {
          max_wait_ms: 0,
          max_bytes: 8 * 1024 * 1024,
          topics: [
            { topic, partitions: [{ partition, fetch_offset: String(offset), max_bytes: 8 * 1024 * 1024 }] },
          ],
        },
        md,
        opts,
        cb,
      ),
    );
    const p = response.topics[0]!.partitions[0]!;
    const bytes = p.batches;
    if (bytes.length === 0) break;
    for (const scanned of scanBatches(bytes)) {
      const header = readBatchHeader(bytes, scanned.position);
      const { records: decoded } = decodeRecordBatch(bytes, scanned.position);
      batches.push({ base: header.baseOffset, count: header.recordCount, compression: header.compression });
      for (const r of decoded) {
        records.push({
          offset: r.offset,
          key: r.key?.toString() ?? null,
          value: r.value?.toString() ?? null,
        });
      }
      offset = header.baseOffset + header.recordCount;
    }
    if (offset >= Number(p.high_watermark)) break;
  }
  return { records, batches };
}

function producer(options: ProducerOptions = {}): Producer {
  return new Producer(cluster, options);
}

describe('producer against a broker', () => {
  it('produces 50k keyed records across 4 partitions with dense offsets, and reads them back', async () => {
    await createTopic(cluster, 'p-volume', 4);
    const p = producer();
    const n = 50_000;
    const promises: Array<Promise<RecordMetadata>> = [];
    for (let i = 0; i < n; i++) {
      promises.push(p.produce({ topic: 'p-volume', key: `key-${i % 997}`, value: `value-${i}` }));
    }
    const results = await Promise.all(promises);
    await p.close();
    const byPartition = new Map<number, Array<{ offset: number; i: number }>>();
    results.forEach((m, i) => {
      const list = byPartition.get(m.partition) ?? [];
      list.push({ offset: m.offset, i });
      byPartition.set(m.partition, list);
    });
    expect([...byPartition.keys()].sort()).toEqual([0, 1, 2, 3]);
    for (const [partition, list] of byPartition) {
      // Offsets are dense and follow produce order within the partition.
      expect(list.map((x) => x.offset)).toEqual(list.map((_, j) => j));
      const { records, batches } = await readAll(cluster, 'p-volume', partition);
      expect(records).toHaveLength(list.length);
      for (const { offset, i } of list) expect(records[offset]!.value).toBe(`value-${i}`);
      // Batching happened: far fewer stored batches than records.
      expect(batches.length).toBeLessThan(list.length / 10);
    }
    expect(p.stats.requests).toBeLessThan(p.stats.batches + 1);
    expect(p.stats.records).toBe(n);
    expect(p.bufferedBytes).toBe(0);
  });

  for (const compression of ['gzip', 'snappy', 'lz4', 'zstd'] as CompressionName[]) {
    it(`${compression} batches are accepted by the broker and read back`, async () => {
      const topic = `p-codec-${compression}`;
      await createTopic(cluster, topic, 1);
      const p = producer({ compression });
      const promises = Array.from({ length: 2000 }, (_, i) =>
        p.produce({ topic, key: `k${i}`, value: `compressible value ${i % 10} `.repeat(8) }),
      );
      const results = await Promise.all(promises);
      expect(results.map((r) => r.offset)).toEqual(results.map((_, i) => i));
      const { records, batches } = await readAll(cluster, topic, 0);
      expect(records.map((r) => r.key)).toEqual(results.map((_, i) => `k${i}`));
      expect(batches.every((b) => b.compression === Compression[compression])).toBe(true);
      await p.close();
    });
  }

  it('closes batches by size: batchBytes bounds what one stored batch holds', async () => {
    await createTopic(cluster, 'p-size', 1);
    const p = producer({ batchBytes: 4096, lingerMs: 1000 });
    const value = 'x'.repeat(100); // ~125 estimated bytes a record: ~32 a batch
    const results = await Promise.all(
      Array.from({ length: 640 }, () => p.produce({ topic: 'p-size', partition: 0, value })),
    );
    expect(results.at(-1)!.offset).toBe(639);
    const { batches } = await readAll(cluster, 'p-size', 0);
    for (const b of batches.slice(0, -1)) {
      expect(b.count).toBeGreaterThanOrEqual(25);
      expect(b.count).toBeLessThanOrEqual(33);
    }
    await p.close();
  });

  it('closes batches by linger: a lone record goes after lingerMs, flush sends at once', async () => {
    await createTopic(cluster, 'p-linger', 1);
    const p = producer({ lingerMs: 300 });
    const started = Date.now();
    await p.produce({ topic: 'p-linger', partition: 0, value: 'a' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    const flushed = p.produce({ topic: 'p-linger', partition: 0, value: 'b' });
    const flushStarted = Date.now();
    await p.flush();
    expect(Date.now() - flushStarted).toBeLessThan(250);
    expect((await flushed).offset).toBe(1);
    await p.close();
  });

  it('applies backpressure: produce() waits while the buffer is full, resumes, and can be aborted', async () => {
    await createTopic(cluster, 'p-buffer', 1);
    const p = producer({ bufferBytes: 4096, lingerMs: 200, batchBytes: 1_000_000 });
    const value = 'y'.repeat(1000); // ~1 KiB estimated: 4 fill the buffer
    const first = Array.from({ length: 4 }, () => p.produce({ topic: 'p-buffer', partition: 0, value }));
    let fifthBuffered = false;
    const fifth = p.produce({ topic: 'p-buffer', partition: 0, value }).then((m) => {
      fifthBuffered = true;
      return m;
    });
    const controller = new AbortController();
    const aborted = p.produce({ topic: 'p-buffer', partition: 0, value }, { signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ reasonName: 'CANCELLED' });
    expect(fifthBuffered).toBe(false);
    expect(p.bufferedBytes).toBeLessThanOrEqual(4096);
    // The linger sends the first four; their acknowledgement frees the buffer and the fifth goes in.
    expect((await Promise.all(first)).map((m) => m.offset)).toEqual([0, 1, 2, 3]);
    await p.flush();
    expect((await fifth).offset).toBe(4);
    expect(p.bufferedBytes).toBe(0);
    await p.close();
    await expect(p.produce({ topic: 'p-buffer', partition: 0, value })).rejects.toMatchObject({
      reasonName: 'CANCELLED',
    });
  });

  it('disconnect() fails what it has not sent with CANCELLED, leaving no promise or flush hanging', async () => {
    await createTopic(cluster, 'p-disconnect', 1);
    const p = producer({ lingerMs: 60_000, batchBytes: 1_000_000 });
    const pending = [1, 2, 3].map((i) => p.produce({ topic: 'p-disconnect', partition: 0, value: `v${i}` }));
    // Wait until all three are buffered in the open (lingering) batch.
    await expect.poll(() => p.bufferedBytes).toBeGreaterThan(0);
    const flushing = p.flush().catch(() => undefined);
    p.disconnect();
    // flush() closed the batch and queued a send for the next microtask; disconnect() ran first.
    for (const r of await Promise.allSettled(pending)) {
      expect(r.status === 'rejected' ? (r.reason as { reasonName: string }).reasonName : 'sent').toBe(
        'CANCELLED',
      );
    }
    await flushing;
    expect(p.bufferedBytes).toBe(0);
    await expect(p.produce({ topic: 'p-disconnect', partition: 0, value: 'late' })).rejects.toMatchObject({
      reasonName: 'CANCELLED',
    });
  });

  it('send() keeps working and answers per partition', async () => {
    await createTopic(cluster, 'p-send', 2);
    const acks = await producer().send({
      topic: 'p-send',
      messages: [
        { value: 'a', partition: 0 },
        { value: 'b', partition: 0 },
        { value: 'c', partition: 1 },
      ],
    });
    expect(acks).toEqual([
      { partition: 0, baseOffset: 0, lastOffset: 1, logAppendTimeMs: -1 },
      { partition: 1, baseOffset: 0, lastOffset: 0, logAppendTimeMs: -1 },
    ]);
  });

  it('rejects non-retriable errors at once with the typed error', async () => {
    const p = producer({ retries: 5 });
    await expect(p.produce({ topic: 'p-missing', value: 'v' })).rejects.toMatchObject({
      reason: 'UNKNOWN_TOPIC',
    });
    await createTopic(cluster, 'p-one', 1);
    await expect(p.produce({ topic: 'p-one', partition: 7, value: 'v' })).rejects.toMatchObject({
      reason: 'UNKNOWN_PARTITION',
    });
    expect(p.stats.retries).toBe(0);
  });

  it('keeps producing through a broker restart; nothing acknowledged is lost', async () => {
    const own = await startBroker();
    const dataDir = own.dataDir;
    const port = own.port;
    const c = new Cluster(new Connection({ bootstrap: own.address, requestTimeoutMs: 5000 }));
    let restarted: BrokerProcess | null = null;
    try {
      await createTopic(c, 'p-restart', 4);
      const p = new Producer(c, {
        retries: 1000,
        retryBackoffMaxMs: 200,
        deliveryTimeoutMs: 60_000,
        lingerMs: 2,
      });
      const acked: Array<{ m: RecordMetadata; value: string; seq: number }> = [];
      const failed: unknown[] = [];
      let stop = false;
      let i = 0;
      const loop = (async () => {
        while (!stop) {
          const seq = i;
          const value = `v-${seq}`;
          const key = `k-${seq % 50}`;
          i++;
          p.produce({ topic: 'p-restart', key, value }).then(
            (m) => acked.push({ m, value, seq }),
            (err) => failed.push(err),
          );
          if (i % 200 === 0) await new Promise((r) => setTimeout(r, 5));
        }
      })();
      const until = async (condition: () => boolean) => {
        const deadline = Date.now() + 30_000;
        while (!condition()) {
          if (Date.now() > deadline) throw new Error('condition not reached');
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      await until(() => acked.length >= 5000);
      const before = acked.length;
      await own.stop(); // SIGTERM, while the producer keeps producing
      await until(() => p.stats.retries > 0); // the outage was felt
      restarted = await startBroker({ dataDir, args: ['--port', String(port)] });
      expect(restarted.address).toBe(own.address);
      const afterRestart = acked.length;
      await until(() => acked.length >= afterRestart + 5000);
      stop = true;
      await loop;
      await p.close();
      expect(failed.map((e) => String(e)).slice(0, 3)).toEqual([]);
      expect(acked.length).toBe(i);
      expect(acked.length).toBeGreaterThan(before);
      const stored = new Map<number, Stored[]>();
      for (let partition = 0; partition < 4; partition++) {
        stored.set(partition, (await readAll(c, 'p-restart', partition)).records);
      }
      for (const { m, value } of acked) {
        expect(stored.get(m.partition)![m.offset]?.value, `partition ${m.partition} offset ${m.offset}`).toBe(
          value,
        );
      }
      // Order: within a partition, records acknowledged later in produce order have higher offsets.
      const lastOffset = new Map<number, { seq: number; offset: number }>();
      for (const a of [...acked].sort((x, y) => x.seq - y.seq)) {
        const prev = lastOffset.get(a.m.partition);
        if (prev !== undefined)
          expect(a.m.offset, `seq ${a.seq} after ${prev.seq}`).toBeGreaterThan(prev.offset);
        lastOffset.set(a.m.partition, { seq: a.seq, offset: a.m.offset });
      }
    } finally {
      c.close();
      await restarted?.stop();
      await own.stop().catch(() => {});
    }
  }, 60_000);
});

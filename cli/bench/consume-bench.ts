import { Connection } from '../../client/connection.js';
import { scanBatches } from '../../proto/codec/index.js';
import type { FetchResponse__Output } from '../../proto/generated/tributary/v1/FetchResponse.js';

export interface TributaryConsumeOptions {
  bootstrap: string;
  topic: string;
  partition: number;
  /** Stop after this many records (catch-up of what was produced). */
  records: number;
  recordBytes: number;
  /** Bytes per Fetch request. */
  maxBytes?: number;
  timeoutMs?: number;
}

export interface TributaryConsumeResult {
  records: number;
  bytes: number;
  seconds: number;
  recordsPerSecond: number;
  megabytesPerSecond: number;
}

/**
 * Catch-up consume: reads `records` records from offset 0 of one partition with back-to-back Fetch
 * requests in batch format (RecordBatch v2 bytes, CRC-checked here, as a Kafka consumer does by default).
 * Minimal implementation for `bench compare`; the SDK consume bench can replace it.
 */
export async function runTributaryConsume(opts: TributaryConsumeOptions): Promise<TributaryConsumeResult> {
  const connection = new Connection({ bootstrap: opts.bootstrap });
  const deadline = Date.now() + (opts.timeoutMs ?? 300_000);
  try {
    let offset = 0;
    let count = 0;
    const start = process.hrtime.bigint();
    while (count < opts.records) {
      if (Date.now() > deadline) throw new Error(`consume read ${count} of ${opts.records} before timeout`);
      const res = await new Promise<FetchResponse__Output>((resolve, reject) =>
        connection.client.Fetch(
          {
            max_wait_ms: 500,
            min_bytes: 1,
            max_bytes: opts.maxBytes ?? 4 * 1024 * 1024,
            format: 'RECORD_FORMAT_BATCHES',
            topics: [
              { topic: opts.topic, partitions: [{ partition: opts.partition, fetch_offset: offset }] },
            ],
          },
          (err: Error | null, r?: FetchResponse__Output) => (err || !r ? reject(err) : resolve(r)),
        ),
      );
      const p = res.topics[0]?.partitions[0];
      if (p?.error) throw new Error(`fetch failed: ${p.error.message}`);
      const buf = p?.batches ?? Buffer.alloc(0);
      for (const b of scanBatches(buf, 0, { verifyCrc: true })) {
        if (b.lastOffset < offset) continue;
        count += b.lastOffset + 1 - Math.max(b.baseOffset, offset);
        offset = b.lastOffset + 1;
      }
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const payload = count * opts.recordBytes;
    return {
      records: count,
      bytes: payload,
      seconds,
      recordsPerSecond: count / seconds,
      megabytesPerSecond: payload / 1e6 / seconds,
    };
  } finally {
    connection.close();
  }
}

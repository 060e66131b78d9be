import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Connection } from '../../client/connection.js';
import { encodeRecordBatch } from '../../proto/codec/index.js';
import type { ProduceResponse__Output } from '../../proto/generated/tributary/v1/ProduceResponse.js';

export interface TributaryLatencyOptions {
  bootstrap: string;
  /** An existing topic; partition 0 is written. */
  topic: string;
  recordBytes: number;
  records: number;
  /** Fixed offered rate, records per second. */
  rate: number;
  /** Records due are sent together every `lingerMs` (Kafka's producer default linger is 5 ms). */
  lingerMs: number;
  /** At most this many records per request. */
  maxBatchRecords: number;
  acks: 'ACKS_NONE' | 'ACKS_LEADER' | 'ACKS_ALL';
  timeoutMs?: number;
}

export interface TributaryLatencyResult {
  records: number;
  bytes: number;
  seconds: number;
  recordsPerSecond: number;
  megabytesPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; p999: number; max: number; avg: number };
}

/**
 * Produce latency at a fixed rate: record i is due at start + i / rate; every `lingerMs` the records due
 * so far go out as one request. A record's latency runs from its due time to the acknowledgement, so
 * lingering and any backlog count (no coordinated omission). Minimal implementation for `bench compare`.
 */
export async function runTributaryLatency(opts: TributaryLatencyOptions): Promise<TributaryLatencyResult> {
  const connection = new Connection({ bootstrap: opts.bootstrap });
  const pool = randomBytes(opts.recordBytes * 64);
  const values = Array.from({ length: 64 }, (_, i) =>
    pool.subarray(i * opts.recordBytes, (i + 1) * opts.recordBytes),
  );
  const samples: number[] = [];
  try {
    const start = performance.now();
    await new Promise<void>((resolve, reject) => {
      let sent = 0;
      let acked = 0;
      const deadline = setTimeout(() => {
        clearInterval(tick);
        reject(new Error(`latency bench: ${acked} of ${opts.records} acked before timeout`));
      }, opts.timeoutMs ?? 300_000);
      const flush = () => {
        const now = performance.now();
        const due = Math.min(opts.records, Math.floor(((now - start) * opts.rate) / 1000) + 1);
        while (sent < due) {
          const first = sent;
          const n = Math.min(due - sent, opts.maxBatchRecords);
          sent += n;
          const batch = encodeRecordBatch(
            Array.from({ length: n }, (_, k) => ({ key: null, value: values[(first + k) % values.length]! })),
          );
          connection.client.Produce(
            {
              acks: opts.acks,
              topics: [{ topic: opts.topic, partitions: [{ partition: 0, batches: batch }] }],
            },
            (err: Error | null, res?: ProduceResponse__Output) => {
              const e = err ?? res?.topics[0]?.partitions[0]?.error;
              if (e) {
                clearInterval(tick);
                clearTimeout(deadline);
                reject(new Error(`produce failed: ${e.message}`));
                return;
              }
              const t = performance.now();
              for (let k = 0; k < n; k++) samples.push(t - (start + ((first + k) * 1000) / opts.rate));
              acked += n;
              if (acked === opts.records) {
                clearInterval(tick);
                clearTimeout(deadline);
                resolve();
              }
            },
          );
        }
        if (sent === opts.records) clearInterval(tick);
      };
      const tick = setInterval(flush, opts.lingerMs);
      flush();
    });
    const seconds = (performance.now() - start) / 1000;
    samples.sort((a, b) => a - b);
    const at = (p: number) =>
      samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)]!;
    let sum = 0;
    for (const s of samples) sum += s;
    const bytes = opts.records * opts.recordBytes;
    return {
      records: opts.records,
      bytes,
      seconds,
      recordsPerSecond: opts.records / seconds,
      megabytesPerSecond: bytes / 1e6 / seconds,
      latencyMs: {
        p50: at(50),
        p95: at(95),
        p99: at(99),
        p999: at(99.9),
        max: samples[samples.length - 1]!,
        avg: sum / samples.length,
      },
    };
  } finally {
    connection.close();
  }
}

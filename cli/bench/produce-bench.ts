import { randomBytes } from 'node:crypto';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '../../client/connection.js';
import { encodeRecordBatch } from '../../proto/codec/index.js';
import type { ProduceResponse__Output } from '../../proto/generated/tributary/v1/ProduceResponse.js';
import { type BrokerProcess, spawnBroker } from './broker-process.js';
import { percentile, processUsage } from './stats.js';

export interface ProduceBenchOptions {
  /** Use a running broker instead of starting one. */
  bootstrap?: string;
  recordBytes: number;
  records: number;
  batchRecords: number;
  inflight: number;
  acks: 'ACKS_NONE' | 'ACKS_LEADER' | 'ACKS_ALL';
  partitions: number;
  /** `raised`: 4 MiB stream windows on both sides (the broker default); `default`: HTTP/2's 64 KiB. */
  windows: 'raised' | 'default';
  /** Extra node flags for a broker the bench starts, e.g. ['--cpu-prof', '--cpu-prof-dir=prof']. */
  brokerNodeArgs?: string[];
  progress?: (done: number, total: number) => void;
}

export interface ProduceBenchResult {
  records: number;
  bytes: number;
  seconds: number;
  recordsPerSecond: number;
  megabytesPerSecond: number;
  latencyMs: { p50: number; p99: number; p999: number; max: number };
  broker?: { cpuSeconds: number; rssBytes: number } | undefined;
}

export interface FileBaselineResult {
  bytes: number;
  seconds: number;
  megabytesPerSecond: number;
}

const DEFAULT_WINDOW = 65_535;

/** Builds `count` distinct batches of `batchRecords` random (incompressible) records, cycled by the bench. */
function makeBatches(opts: ProduceBenchOptions, count: number): Buffer[] {
  const value = randomBytes(opts.recordBytes * 64);
  return Array.from({ length: count }, (_, b) =>
    encodeRecordBatch(
      Array.from({ length: opts.batchRecords }, (_, i) => {
        const start = ((b * opts.batchRecords + i) % 64) * opts.recordBytes;
        return { key: null, value: value.subarray(start, start + opts.recordBytes) };
      }),
    ),
  );
}

/**
 * Produces `records` records of `recordBytes` to one topic, keeping `inflight` requests of `batchRecords`
 * records each outstanding, and measures throughput and per-request latency (send to acknowledgement;
 * every record in a request shares its latency, as in Kafka's ProducerPerformance).
 */
export async function runProduceBench(opts: ProduceBenchOptions): Promise<ProduceBenchResult> {
  let broker: BrokerProcess | undefined;
  let dataDir: string | undefined;
  if (opts.bootstrap === undefined) {
    dataDir = mkdtempSync(join(tmpdir(), 'tributary-bench-'));
    const windowArgs =
      opts.windows === 'default'
        ? [
            '--set',
            `http2StreamWindowBytes=${DEFAULT_WINDOW}`,
            '--set',
            `http2ConnectionWindowBytes=${DEFAULT_WINDOW}`,
          ]
        : [];
    broker = await spawnBroker({
      dataDir,
      args: ['--metrics-port', '-1', ...windowArgs],
      nodeArgs: opts.brokerNodeArgs ?? [],
    });
  }
  const connection = new Connection({
    bootstrap: opts.bootstrap ?? broker!.address,
    channelOptions: opts.windows === 'default' ? { 'grpc-node.flow_control_window': DEFAULT_WINDOW } : {},
  });
  try {
    const topic = `bench-${Date.now()}`;
    await new Promise<void>((resolve, reject) =>
      connection.admin.CreateTopics(
        { topics: [{ name: topic, partitions: opts.partitions }] },
        (err, res) => {
          const e = err ?? res?.topics[0]?.error;
          if (e) reject(new Error(`cannot create ${topic}: ${e.message}`));
          else resolve();
        },
      ),
    );
    const batches = makeBatches(opts, 16);
    const requests = Math.ceil(opts.records / opts.batchRecords);
    const latenciesMs: number[] = [];
    const startUsage = broker ? processUsage(broker.pid) : undefined;
    let sent = 0;
    let done = 0;
    const startNs = process.hrtime.bigint();
    await new Promise<void>((resolve, reject) => {
      const sendOne = () => {
        const i = sent++;
        const t0 = process.hrtime.bigint();
        connection.client.Produce(
          {
            acks: opts.acks,
            topics: [
              {
                topic,
                partitions: [{ partition: i % opts.partitions, batches: batches[i % batches.length]! }],
              },
            ],
          },
          (err: Error | null, res?: ProduceResponse__Output) => {
            const e = err ?? res?.topics[0]?.partitions[0]?.error;
            if (e) {
              reject(new Error(`produce failed: ${e.message}`));
              return;
            }
            latenciesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
            done++;
            opts.progress?.(done * opts.batchRecords, requests * opts.batchRecords);
            if (done === requests) resolve();
            else if (sent < requests) sendOne();
          },
        );
      };
      for (let k = 0; k < Math.min(opts.inflight, requests); k++) sendOne();
    });
    const seconds = Number(process.hrtime.bigint() - startNs) / 1e9;
    const endUsage = broker ? processUsage(broker.pid) : undefined;
    const records = requests * opts.batchRecords;
    const bytes = records * opts.recordBytes;
    latenciesMs.sort((a, b) => a - b);
    return {
      records,
      bytes,
      seconds,
      recordsPerSecond: records / seconds,
      megabytesPerSecond: bytes / 1e6 / seconds,
      latencyMs: {
        p50: percentile(latenciesMs, 50),
        p99: percentile(latenciesMs, 99),
        p999: percentile(latenciesMs, 99.9),
        max: latenciesMs[latenciesMs.length - 1] ?? Number.NaN,
      },
      broker:
        startUsage && endUsage
          ? { cpuSeconds: endUsage.cpuSeconds - startUsage.cpuSeconds, rssBytes: endUsage.rssBytes }
          : undefined,
    };
  } finally {
    connection.close();
    await broker?.stop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The machine's own ceiling for the same work: one Node process appending the same encoded batches to a
 * file with synchronous writes, then one fdatasync, on the same disk the broker uses (the temp dir).
 */
export function runFileBaseline(opts: ProduceBenchOptions): FileBaselineResult {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-baseline-'));
  try {
    const batches = makeBatches(opts, 16);
    const requests = Math.ceil(opts.records / opts.batchRecords);
    const fd = openSync(join(dir, 'baseline.log'), 'a');
    const startNs = process.hrtime.bigint();
    for (let i = 0; i < requests; i++) writeSync(fd, batches[i % batches.length]!);
    fdatasyncSync(fd);
    const seconds = Number(process.hrtime.bigint() - startNs) / 1e9;
    closeSync(fd);
    const bytes = requests * opts.batchRecords * opts.recordBytes;
    return { bytes, seconds, megabytesPerSecond: bytes / 1e6 / seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

import { randomBytes } from 'node:crypto';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AcksMode, Compression } from '../client/index.js';
import { Connection, Tributary } from '../client/index.js';
import { encodeRecordBatch } from '../proto/codec/index.js';
import type { ProduceResponse__Output } from '../proto/generated/tributary/v1/ProduceResponse.js';
import { type BrokerResources, clientChannelOptions, type WindowsMode, withBenchBroker } from './harness.js';
import type { TopicReplication } from './peers/common.js';
import type { Progress } from './progress.js';
import {
  cpuSecondsSince,
  LatencyRecorder,
  type LatencySummary,
  summarizeRecorders,
  type Throughput,
  throughput,
} from './stats.js';

export type ClientKind = 'sdk' | 'raw';
/** `letters`: random A-Z per byte, as Kafka's ProducerPerformance (compresses to ~60%); `random`: incompressible. */
export type PayloadKind = 'letters' | 'random';

/** The producer settings every produce workload and `bench compare` take from the command line. */
export interface ProducerSettings {
  recordBytes: number;
  acks: AcksMode;
  /** Producer batch.size; for `raw`, records per request = batchBytes / recordBytes. */
  batchBytes: number;
  lingerMs: number;
  compression: Compression;
  /** Producer instances, each with its own `Tributary` client (own HTTP/2 connection), in this process. */
  producers: number;
  /** Producer maxInFlightRequests; for `raw`, requests in flight per producer. */
  maxInFlight: number;
}

/** One produce workload against an existing topic. */
export interface ProduceWorkload extends ProducerSettings {
  /** Total records over all producers; exclusive with durationS (one of them is required). */
  records?: number | undefined;
  /** Produce for this long instead of a record count. */
  durationS?: number | undefined;
  /** Producer bufferBytes (default: the SDK's 32 MiB, as Kafka's buffer.memory). */
  bufferBytes?: number | undefined;
  payload: PayloadKind;
  client: ClientKind;
  windows: WindowsMode;
  progress?: Progress | undefined;
  timeoutMs?: number | undefined;
}

/** `bytes`: payload bytes (records x recordBytes), as Kafka's tools count. */
export interface ProduceRunResult extends Throughput {
  /** SDK: per record, produce() call to ack. raw: per request, every record of a request sharing it. */
  latencyMs: LatencySummary;
  /** SDK producer counters, summed over producers (requests, batches, retries). */
  requests?: number;
  retries?: number;
}

export interface ProduceBenchResult extends ProduceRunResult {
  topic: string;
  broker: BrokerResources;
}

export interface ProduceBenchOptions extends ProduceWorkload {
  /** Use a running broker instead of starting one. */
  target?: string | undefined;
  partitions: number;
  brokerNodeArgs?: string[] | undefined;
}

export interface FileBaselineResult {
  bytes: number;
  seconds: number;
  megabytesPerSecond: number;
}

/** A pool of payload bytes; record i is the slice at (i x recordBytes) mod pool, so a batch never repeats. */
export class PayloadPool {
  private readonly pool: Buffer;
  private readonly slots: number;
  constructor(
    readonly recordBytes: number,
    kind: PayloadKind,
    poolBytes = 8 * 1024 * 1024,
  ) {
    this.slots = Math.max(64, Math.ceil(poolBytes / recordBytes));
    this.pool = randomBytes(this.slots * recordBytes);
    if (kind === 'letters')
      for (let i = 0; i < this.pool.length; i++) this.pool[i] = 65 + (this.pool[i]! % 26);
  }
  value(i: number): Buffer {
    const start = (i % this.slots) * this.recordBytes;
    return this.pool.subarray(start, start + this.recordBytes);
  }
}

/** Splits `total` into `n` near-equal parts. */
export function splitEvenly(total: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.floor(total / n) + (i < total % n ? 1 : 0));
}

function checkWorkload(w: ProduceWorkload): void {
  if ((w.records === undefined) === (w.durationS === undefined)) {
    throw new Error('give exactly one of records and durationS');
  }
}

/**
 * Produces with the SDK, as Kafka's ProducerPerformance drives the Java client: each producer calls
 * `produce(record)` in a loop, one promise per record, and a record's latency runs from the produce() call
 * to its acknowledgement (so time waiting in the producer's buffer counts, as in ProducerPerformance's
 * callback latency). Outstanding records are bounded by the producer's own buffer: produce() waits when
 * `bufferBytes` are reserved; the loop also stops issuing calls beyond bufferBytes / recordBytes
 * unacknowledged records, so the promises waiting for buffer space stay bounded too.
 */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: one timed loop: producers, acknowledgements and progress share its clocks and counters, and a split would put calls between the measured points
export async function runSdkProduce(
  bootstrap: string,
  topic: string,
  w: ProduceWorkload,
): Promise<ProduceRunResult> {
  checkWorkload(w);
  const pool = new PayloadPool(w.recordBytes, w.payload);
  const clients = Array.from(
    { length: w.producers },
    () => new Tributary({ bootstrap, channelOptions: clientChannelOptions(w.windows) }),
  );
  const producers = clients.map((c) =>
    c.producer({
      acks: w.acks,
      batchBytes: w.batchBytes,
      lingerMs: w.lingerMs,
      compression: w.compression,
      maxInFlightRequests: w.maxInFlight,
      ...(w.bufferBytes === undefined ? {} : { bufferBytes: w.bufferBytes }),
    }),
  );
  const bufferBytes = w.bufferBytes ?? producers[0]!.options.bufferBytes;
  const cap = Math.max(1, Math.ceil(bufferBytes / w.recordBytes));
  const quotas = w.records === undefined ? undefined : splitEvenly(w.records, w.producers);
  const recorders = producers.map((_, i) => new LatencyRecorder(Math.min(quotas?.[i] ?? 1 << 20, 1 << 24)));
  const durationMs = (w.durationS ?? 0) * 1000;
  const timeoutMs = w.timeoutMs ?? 600_000;
  let acked = 0;
  let failure: unknown;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const report = () => {
    if (quotas) w.progress?.update(acked, w.records!);
    else w.progress?.update(Math.min(durationMs, performance.now() - start), durationMs, acked);
  };
  const ticker = setInterval(report, 200);
  try {
    await Promise.all(
      producers.map(async (producer, p) => {
        const recorder = recorders[p]!;
        let outstanding = 0;
        let wake: (() => void) | null = null;
        const quota = quotas?.[p];
        for (let i = 0; ; i++) {
          const now = performance.now();
          if (quota !== undefined ? i >= quota : now - start >= durationMs) break;
          if (failure !== undefined) break;
          if (now - start > timeoutMs) throw new Error(`produce did not finish in ${timeoutMs} ms`);
          if (outstanding >= cap) {
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            continue;
          }
          outstanding++;
          const t0 = performance.now();
          producer.produce({ topic, value: pool.value(i * w.producers + p) }).then(
            () => {
              recorder.add(performance.now() - t0);
              acked++;
              outstanding--;
              const f = wake;
              wake = null;
              f?.();
            },
            (err: unknown) => {
              failure ??= err;
              outstanding--;
              const f = wake;
              wake = null;
              f?.();
            },
          );
          // Yield now and then so acks, timers and the sender run even when the buffer never fills.
          if ((i & 1023) === 1023) await new Promise<void>((resolve) => setImmediate(resolve));
        }
        await producer.flush();
      }),
    );
    if (failure !== undefined) throw failure;
    const seconds = (performance.now() - start) / 1000;
    const bytes = acked * w.recordBytes;
    const stats = producers.reduce(
      (s, p) => ({ requests: s.requests + p.stats.requests, retries: s.retries + p.stats.retries }),
      { requests: 0, retries: 0 },
    );
    return {
      ...throughput(acked, bytes, seconds),
      clientCpuSeconds: cpuSecondsSince(cpuStart),
      latencyMs: summarizeRecorders(recorders),
      ...stats,
    };
  } finally {
    clearInterval(ticker);
    report();
    w.progress?.done();
    await Promise.allSettled(producers.map((p) => p.close()));
    for (const c of clients) c.close();
  }
}

/** `count` distinct pre-encoded batches of `batchRecords` records, cycled by the raw bench. */
function makeBatches(w: ProduceWorkload, batchRecords: number, count: number): Buffer[] {
  const pool = new PayloadPool(w.recordBytes, w.payload);
  return Array.from({ length: count }, (_, b) =>
    encodeRecordBatch(
      Array.from({ length: batchRecords }, (_, i) => ({
        key: null,
        value: pool.value(b * batchRecords + i),
      })),
      { compression: w.compression },
    ),
  );
}

/**
 * The transport measurement (`--client raw`): bare gRPC `Produce` calls of pre-encoded batches
 * (batchBytes / recordBytes records each, encoded once up front), `maxInFlight` requests outstanding per
 * producer connection, request i to partition i mod partitions; latency per request, send to ack.
 */
export async function runRawProduce(
  bootstrap: string,
  topic: string,
  partitions: number,
  w: ProduceWorkload,
): Promise<ProduceRunResult> {
  checkWorkload(w);
  const acks = ({ none: 'ACKS_NONE', leader: 'ACKS_LEADER', all: 'ACKS_ALL' } as const)[w.acks];
  const batchRecords = Math.max(1, Math.floor(w.batchBytes / w.recordBytes));
  const batches = makeBatches(w, batchRecords, 16);
  const quotas =
    w.records === undefined
      ? undefined
      : splitEvenly(Math.ceil(w.records / batchRecords), w.producers).map((x) => Math.max(x, 0));
  const durationMs = (w.durationS ?? 0) * 1000;
  const totalRecords = w.records ?? 0;
  const recorders = Array.from({ length: w.producers }, () => new LatencyRecorder(1 << 12));
  const connections = Array.from(
    { length: w.producers },
    () => new Connection({ bootstrap, channelOptions: clientChannelOptions(w.windows) }),
  );
  let acked = 0;
  const start = performance.now();
  try {
    await Promise.all(
      connections.map(
        (connection, p) =>
          new Promise<void>((resolve, reject) => {
            const quota = quotas?.[p];
            let sent = 0;
            let done = 0;
            const more = () => (quota !== undefined ? sent < quota : performance.now() - start < durationMs);
            const sendOne = () => {
              const i = sent++;
              const t0 = performance.now();
              connection.client.Produce(
                {
                  acks,
                  topics: [
                    {
                      topic,
                      partitions: [
                        {
                          partition: (i * w.producers + p) % partitions,
                          batches: batches[i % batches.length]!,
                        },
                      ],
                    },
                  ],
                },
                (err: Error | null, res?: ProduceResponse__Output) => {
                  const e = err ?? res?.topics[0]?.partitions[0]?.error;
                  if (e) {
                    reject(new Error(`produce failed: ${e.message}`));
                    return;
                  }
                  recorders[p]!.add(performance.now() - t0);
                  done++;
                  acked += batchRecords;
                  if (quota !== undefined) w.progress?.update(acked, totalRecords);
                  else w.progress?.update(performance.now() - start, durationMs, acked);
                  if (more()) sendOne();
                  else if (done === sent) resolve();
                },
              );
            };
            if (!more()) resolve();
            for (let k = 0; k < w.maxInFlight && more(); k++) sendOne();
          }),
      ),
    );
    const seconds = (performance.now() - start) / 1000;
    const bytes = acked * w.recordBytes;
    return { ...throughput(acked, bytes, seconds), latencyMs: summarizeRecorders(recorders) };
  } finally {
    w.progress?.done();
    for (const c of connections) c.close();
  }
}

/** How long a replicated bench topic may take to get a leader and a full ISR on every partition. */
const TOPIC_READY_MS_MAX = 30_000;

/**
 * Creates `topic` with `partitions` partitions (replication factor: the broker default unless
 * `replication` is given). A replicated topic is waited for until every partition has a leader that
 * answers ListOffsets and all its replicas in the ISR, so the measurement does not start while leaders
 * are still being set up (the SDK could fail its first requests with LEADER_NOT_AVAILABLE).
 */
/** A new topic for one round of `bench`, named after it and the time; returns its name. */
export async function createRoundTopic(
  bootstrap: string,
  bench: string,
  partitions: number,
  windows: WindowsMode,
): Promise<string> {
  const topic = `bench-${bench}-${Date.now()}`;
  await createBenchTopic(bootstrap, topic, partitions, windows);
  return topic;
}

export async function createBenchTopic(
  bootstrap: string,
  topic: string,
  partitions: number,
  windows: WindowsMode = 'raised',
  replication?: TopicReplication,
): Promise<void> {
  const t = new Tributary({ bootstrap, channelOptions: clientChannelOptions(windows) });
  try {
    const admin = t.admin();
    if (replication === undefined) {
      await admin.createTopic({ name: topic, partitions });
      return;
    }
    await admin.createTopic({
      name: topic,
      partitions,
      replicationFactor: replication.factor,
      configs: { 'min.insync.replicas': String(replication.minInsync) },
    });
    const deadline = performance.now() + TOPIC_READY_MS_MAX;
    for (;;) {
      const d = await admin.describeTopic(topic).catch(() => undefined);
      const assigned =
        d?.partitions.length === partitions &&
        d.partitions.every((p) => p.leader >= 0 && p.isr.length === replication.factor);
      // The controller's assignment can run ahead of the leaders taking it up: ask the leaders too.
      const served = assigned
        ? await admin
            .listOffsets(topic, 'latest')
            .then((os) => os.length === partitions && os.every((o) => o.error === null))
            .catch(() => false)
        : false;
      if (served) return;
      if (performance.now() > deadline)
        throw new Error(
          `topic ${topic}: no leader and full ISR on every partition in ${TOPIC_READY_MS_MAX} ms`,
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    t.close();
  }
}

/** Runs one produce workload with the chosen client against `topic` (which must exist). */
export function produceTo(
  bootstrap: string,
  topic: string,
  partitions: number,
  w: ProduceWorkload,
): Promise<ProduceRunResult> {
  return w.client === 'raw'
    ? runRawProduce(bootstrap, topic, partitions, w)
    : runSdkProduce(bootstrap, topic, w);
}

/**
 * One round of `bench produce`: a fresh broker (unless `target`), a new topic of `partitions` partitions,
 * the workload, and the broker's CPU and RSS over it.
 */
export async function runProduceBench(opts: ProduceBenchOptions): Promise<ProduceBenchResult> {
  const brokerOptions = { target: opts.target, windows: opts.windows, nodeArgs: opts.brokerNodeArgs };
  return withBenchBroker(brokerOptions, async (broker) => {
    const topic = await createRoundTopic(broker.address, 'produce', opts.partitions, opts.windows);
    const { value, resources } = await broker.measure(() =>
      produceTo(broker.address, topic, opts.partitions, opts),
    );
    return { ...value, topic, broker: resources };
  });
}

/**
 * The machine's own ceiling for the same bytes: one Node process appending encoded batches of
 * batchBytes / recordBytes records to a file with synchronous writes, then one fdatasync, on the same
 * disk the broker uses (the temp dir). Needs a record count (with --duration-s, `records` is the count the
 * produce run reached).
 */
export function runFileBaseline(w: ProduceWorkload, records: number): FileBaselineResult {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-baseline-'));
  try {
    const batchRecords = Math.max(1, Math.floor(w.batchBytes / w.recordBytes));
    const batches = makeBatches({ ...w, compression: 'none' }, batchRecords, 16);
    const requests = Math.ceil(records / batchRecords);
    const fd = openSync(join(dir, 'baseline.log'), 'a');
    const startNs = process.hrtime.bigint();
    for (let i = 0; i < requests; i++) writeSync(fd, batches[i % batches.length]!);
    fdatasyncSync(fd);
    const seconds = Number(process.hrtime.bigint() - startNs) / 1e9;
    closeSync(fd);
    const bytes = requests * batchRecords * w.recordBytes;
    return { bytes, seconds, megabytesPerSecond: bytes / 1e6 / seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

import { performance } from 'node:perf_hooks';
import type { AcksMode, Compression } from '../client/index.js';
import { Tributary } from '../client/index.js';
import { type BrokerResources, clientChannelOptions, type WindowsMode, withBenchBroker } from './harness.js';
import { createRoundTopic, type PayloadKind, PayloadPool } from './produce-bench.js';
import type { Progress } from './progress.js';
import { LatencyRecorder, type LatencySummary, type Throughput, throughput } from './stats.js';

export interface TributaryLatencyOptions {
  bootstrap: string;
  /** An existing, empty topic. */
  topic: string;
  recordBytes: number;
  records: number;
  /** Fixed offered rate, records per second (over the whole run, one producer). */
  rate: number;
  acks: AcksMode;
  batchBytes: number;
  lingerMs: number;
  compression: Compression;
  maxInFlight: number;
  payload?: PayloadKind;
  /** Also run a consumer following the topic and measure end-to-end latency (default true). */
  endToEnd?: boolean;
  maxPrefetchBytes?: number | undefined;
  windows?: WindowsMode;
  timeoutMs?: number;
  progress?: Progress | undefined;
}

/** `recordsPerSecond`: the achieved produce rate (acknowledged records / run time). */
export interface TributaryLatencyResult extends Throughput {
  /** Produce-ack latency: produce() call to acknowledgement, per record. */
  latencyMs: LatencySummary;
  /** End-to-end: the consumer's receipt minus the produce() call, same process clock, per record. */
  endToEndMs?: LatencySummary | undefined;
  /** How late produce() calls were against their schedule (timer and event-loop lag), per record. */
  scheduleLagMs: LatencySummary;
}

/**
 * Latency at a fixed rate: record i is due at start + i / rate; a timer calls `producer.produce()` for
 * every record due (so a late timer sends a burst, and the lag is reported). Each record's value carries
 * its index in its first 4 bytes; a consumer (its own `Tributary` client, `assign({ partitions: 'all',
 * from: 'earliest' })`) following the topic looks the index up to get the produce() time.
 */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: one timed loop: the schedule, the produce callbacks and the consumer share its clocks and counters, and a split would put calls between the measured points
export async function runTributaryLatency(opts: TributaryLatencyOptions): Promise<TributaryLatencyResult> {
  if (opts.recordBytes < 4) throw new Error('the latency bench needs records of at least 4 bytes');
  const endToEnd = opts.endToEnd ?? true;
  const channelOptions = clientChannelOptions(opts.windows ?? 'raised');
  const producerClient = new Tributary({ bootstrap: opts.bootstrap, channelOptions });
  const consumerClient = endToEnd ? new Tributary({ bootstrap: opts.bootstrap, channelOptions }) : undefined;
  const producer = producerClient.producer({
    acks: opts.acks,
    batchBytes: opts.batchBytes,
    lingerMs: opts.lingerMs,
    compression: opts.compression,
    maxInFlightRequests: opts.maxInFlight,
  });
  const consumer = consumerClient?.consumer(
    opts.maxPrefetchBytes === undefined ? {} : { maxPrefetchBytes: opts.maxPrefetchBytes },
  );
  const pool = new PayloadPool(opts.recordBytes, opts.payload ?? 'letters');
  const n = opts.records;
  const sentAt = new Float64Array(n);
  const ack = new LatencyRecorder(n);
  const e2e = new LatencyRecorder(n);
  const lag = new LatencyRecorder(n);
  const timeoutMs = opts.timeoutMs ?? 300_000;
  let timer: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  try {
    await consumer?.assign({ topic: opts.topic, partitions: 'all', from: 'earliest' });
    let consumed = 0;
    const consuming = consumer
      ? (async () => {
          for await (const record of consumer) {
            const t = performance.now();
            const i = record.value?.readUInt32BE(0) ?? -1;
            if (i >= 0 && i < n && sentAt[i]! > 0) e2e.add(t - sentAt[i]!);
            if (++consumed >= n) break;
          }
        })()
      : Promise.resolve();
    const start = performance.now();
    let acked = 0;
    const produced = new Promise<void>((resolve, reject) => {
      deadline = setTimeout(() => {
        reject(new Error(`latency bench: ${acked} of ${n} acked, ${consumed} consumed in ${timeoutMs} ms`));
        void consumer?.close();
      }, timeoutMs);
      let sent = 0;
      const tick = () => {
        timer = undefined;
        const now = performance.now();
        while (sent < n) {
          const due = start + (sent * 1000) / opts.rate;
          if (due > now) break;
          const i = sent++;
          const value = Buffer.allocUnsafe(opts.recordBytes);
          pool.value(i).copy(value);
          value.writeUInt32BE(i, 0);
          const t0 = performance.now();
          sentAt[i] = t0;
          lag.add(t0 - due);
          producer.produce({ topic: opts.topic, value }).then(
            () => {
              ack.add(performance.now() - t0);
              if (++acked === n) resolve();
            },
            (err: unknown) => reject(err),
          );
        }
        opts.progress?.update(sent, n);
        if (sent < n) {
          const nextDue = start + (sent * 1000) / opts.rate;
          timer = setTimeout(tick, Math.max(0, nextDue - performance.now()));
        }
      };
      tick();
    });
    await produced;
    const seconds = (performance.now() - start) / 1000;
    await producer.flush();
    await Promise.race([
      consuming,
      new Promise<void>((_, reject) =>
        setTimeout(
          () => reject(new Error(`latency bench: consumed ${consumed} of ${n}`)),
          Math.max(5_000, timeoutMs - (performance.now() - start)),
        ).unref(),
      ),
    ]);
    const bytes = n * opts.recordBytes;
    return {
      ...throughput(n, bytes, seconds),
      latencyMs: ack.summary(),
      endToEndMs: endToEnd ? e2e.summary() : undefined,
      scheduleLagMs: lag.summary(),
    };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (deadline !== undefined) clearTimeout(deadline);
    opts.progress?.done();
    await consumer?.close();
    await producer.close().catch(() => {});
    consumerClient?.close();
    producerClient.close();
  }
}

export interface LatencyBenchOptions
  extends Omit<TributaryLatencyOptions, 'bootstrap' | 'topic' | 'rate' | 'records'> {
  target?: string | undefined;
  brokerNodeArgs?: string[] | undefined;
  partitions: number;
  records?: number | undefined;
  durationS?: number | undefined;
  /** Offered rate; undefined: half of the max rate measured first (`maxRate`). */
  rate?: number | undefined;
  /** Measures the max produce rate on the same broker (used when `rate` is undefined). */
  maxRate?: (bootstrap: string) => Promise<number>;
}

export interface LatencyBenchResult extends TributaryLatencyResult {
  topic: string;
  rate: number;
  /** The max rate measured to derive `rate`, when it was. */
  maxRate?: number | undefined;
  broker: BrokerResources;
}

/** One round of `bench latency`: fresh broker, (max-rate probe), then the fixed-rate run. */
export async function runLatencyBench(opts: LatencyBenchOptions): Promise<LatencyBenchResult> {
  const windows = opts.windows ?? 'raised';
  return withBenchBroker({ target: opts.target, windows, nodeArgs: opts.brokerNodeArgs }, async (broker) => {
    let maxRate: number | undefined;
    let rate = opts.rate;
    if (rate === undefined) {
      if (opts.maxRate === undefined) throw new Error('give a rate or a way to measure the max rate');
      maxRate = await opts.maxRate(broker.address);
      rate = Math.max(1, Math.round(maxRate / 2));
    }
    const records = opts.records ?? Math.max(1, Math.round(rate * (opts.durationS ?? 10)));
    const topic = await createRoundTopic(broker.address, 'latency', opts.partitions, windows);
    const r = rate;
    const { value, resources } = await broker.measure(() =>
      runTributaryLatency({ ...opts, bootstrap: broker.address, topic, rate: r, records }),
    );
    return { ...value, topic, rate, maxRate, broker: resources };
  });
}

import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { AcksMode, Compression } from '../client/index.js';
import { type BenchTributary, startBenchTributary } from './bench-tributary.js';
import { runTributaryConsume } from './consume-bench.js';
import { runTributaryLatency } from './latency-bench.js';
import {
  installCleanupHandlers,
  type ResourceSample,
  rssBytes,
  sampleProcess,
  sleep,
  type TopicReplication,
  type WorkloadResult,
} from './peers/common.js';
import {
  createKafkaTopic,
  installKafka,
  type KafkaPeer,
  runKafkaConsume,
  runKafkaProduce,
  startKafka,
} from './peers/kafka.js';
// The NATS peer needs the `nats` package, a dev dependency: it is loaded only when NATS runs (installed
// images carry production dependencies only, and their CLI help must still load this module).
import type { NatsPeer } from './peers/nats.js';
import { createBenchTopic, runSdkProduce } from './produce-bench.js';
import { median } from './stats.js';
import { int } from './summary.js';

export const WORKLOADS = ['produce', 'consume', 'latency', 'small'] as const;
export type Workload = (typeof WORKLOADS)[number];
export const PEERS = ['kafka', 'nats'] as const;
export type Peer = (typeof PEERS)[number];
export type System = 'tributary' | Peer;

const SMALL_RECORD_BYTES = 100;
const LABEL: Record<System, string> = { tributary: 'Tributary', kafka: 'Kafka', nats: 'NATS' };

export interface CompareOptions {
  workloads: Workload[];
  peers: Peer[];
  /**
   * Brokers of each system: 1, or a cluster on this machine (Tributary: brokers sharing an etcd; Kafka:
   * combined broker+controller nodes) whose topics have replication factor min(3, brokers) and
   * min.insync.replicas min(2, brokers). NATS runs single-server only.
   */
  brokers: number;
  recordBytes: number;
  records: number;
  rounds: number;
  /** Producer batchBytes / Kafka batch.size. */
  batchBytes: number;
  /** Producer maxInFlightRequests / Kafka max.in.flight.requests.per.connection. */
  maxInFlight: number;
  /** Producer acks / Kafka acks (none=0, leader=1, all=all); NATS: every publish is acknowledged. */
  acks: AcksMode;
  /** Producer compression / Kafka compression.type; NATS has no producer-side compression. */
  compression: Compression;
  /** Partitions of every Tributary and Kafka topic (NATS: one stream, no partitions). */
  partitions: number;
  /** Producer instances (Tributary: N Tributary clients in one process; Kafka: N ProducerPerformance processes). */
  producers: number;
  /** NATS JetStream publishes awaiting an ack at once. */
  natsWindow: number;
  /** Producer lingerMs / Kafka linger.ms. */
  lingerMs: number;
  /** Fixed rate for the latency workload; default: half of Kafka's max produce rate in the same round. */
  latencyRate?: number;
  /** Cap on the latency workload's length: it sends min(records, rate x this) records. */
  latencySeconds: number;
  /** Seconds each system sits idle after start before its idle RSS is read (startup garbage settles). */
  idleSettleS: number;
  /** Per workload. */
  timeoutMs: number;
  /** Run Tributary's brokers under `node --cpu-prof`, writing profiles here. */
  cpuProfDir?: string;
}

export interface WorkloadRun {
  result?: WorkloadResult;
  resources?: ResourceSample;
  /** The fixed offered rate (latency workload). */
  rate?: number;
  error?: string;
}

export interface SystemRound {
  system: System;
  round: number;
  /** Summed over the system's broker processes. */
  idleRssBytes?: number;
  /** Tributary cluster: its etcd's RSS at the same moment (not in idleRssBytes). */
  etcdIdleRssBytes?: number;
  workloads: Partial<Record<Workload, WorkloadRun>>;
  error?: string;
}

function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

/** Runs a workload while sampling the CPU and (summed) RSS of the system's broker processes. */
async function measured(pids: readonly number[], fn: () => Promise<WorkloadResult>): Promise<WorkloadRun> {
  const sampler = sampleProcess(pids);
  try {
    const result = await fn();
    const resources = sampler.stop();
    return resources ? { result, resources } : { result };
  } catch (err) {
    sampler.stop();
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** The replication of every bench topic: none on one broker, else RF min(3, n) and min ISR min(2, n). */
export function topicReplication(brokers: number): TopicReplication | undefined {
  return brokers === 1 ? undefined : { factor: Math.min(3, brokers), minInsync: Math.min(2, brokers) };
}

function latencyRecords(o: CompareOptions, rate: number): number {
  return Math.max(1, Math.min(o.records, Math.round(rate * o.latencySeconds)));
}

async function runTributaryRound(
  o: CompareOptions,
  round: SystemRound,
  rate: () => number | undefined,
): Promise<void> {
  let tributary: BenchTributary | undefined;
  let finished = false;
  const replication = topicReplication(o.brokers);
  try {
    tributary = await startBenchTributary({
      brokers: o.brokers,
      nodeArgs: o.cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`],
    });
    const b = tributary;
    await sleep(o.idleSettleS * 1000);
    round.idleRssBytes = rssBytes(b.pids);
    if (b.etcdPid !== undefined) round.etcdIdleRssBytes = rssBytes(b.etcdPid);
    let n = 0;
    const produce = (recordBytes: number) =>
      measured(b.pids, async () => {
        const topic = `bench-produce-${++n}`;
        await createBenchTopic(b.bootstrap, topic, o.partitions, 'raised', replication);
        const r = await runSdkProduce(b.bootstrap, topic, {
          recordBytes,
          records: o.records,
          acks: o.acks,
          batchBytes: o.batchBytes,
          lingerMs: o.lingerMs,
          compression: o.compression,
          producers: o.producers,
          maxInFlight: o.maxInFlight,
          payload: 'letters',
          client: 'sdk',
          windows: 'raised',
          timeoutMs: o.timeoutMs,
        });
        if (recordBytes === o.recordBytes) producedTopic = topic;
        return r;
      });
    let producedTopic: string | undefined;
    if (o.workloads.includes('produce') || o.workloads.includes('consume')) {
      round.workloads.produce = await produce(o.recordBytes);
    }
    if (o.workloads.includes('consume')) {
      const topic = producedTopic;
      const records = round.workloads.produce?.result?.records ?? 0;
      round.workloads.consume =
        topic === undefined || records === 0
          ? { error: 'nothing produced to consume' }
          : await measured(b.pids, () =>
              runTributaryConsume({
                bootstrap: b.bootstrap,
                topic,
                partitions: o.partitions,
                records,
                recordBytes: o.recordBytes,
                timeoutMs: o.timeoutMs,
              }),
            );
    }
    if (o.workloads.includes('latency')) {
      const r = rate();
      if (r === undefined) round.workloads.latency = { error: 'no rate (Kafka produce failed?)' };
      else {
        await createBenchTopic(b.bootstrap, 'bench-latency', o.partitions, 'raised', replication);
        const run = await measured(b.pids, () =>
          runTributaryLatency({
            bootstrap: b.bootstrap,
            topic: 'bench-latency',
            recordBytes: o.recordBytes,
            records: latencyRecords(o, r),
            rate: r,
            acks: o.acks,
            batchBytes: o.batchBytes,
            lingerMs: o.lingerMs,
            compression: o.compression,
            maxInFlight: o.maxInFlight,
            timeoutMs: o.timeoutMs,
          }),
        );
        round.workloads.latency = { ...run, rate: r };
      }
    }
    if (o.workloads.includes('small')) round.workloads.small = await produce(SMALL_RECORD_BYTES);
    finished = true;
  } finally {
    const failed = !finished || Object.values(round.workloads).some((w) => w?.error !== undefined);
    const logs = await tributary?.stop(failed ? `tributary-compare-logs-r${round.round}` : undefined);
    if (logs !== undefined) log(`  a workload failed: the cluster's logs are in ${logs}`);
  }
}

async function runKafkaRound(o: CompareOptions, round: SystemRound, rate: () => number | undefined) {
  let peer: KafkaPeer | undefined;
  try {
    peer = await startKafka(o.brokers);
    const p = peer;
    for (const t of ['bench-produce', 'bench-latency', 'bench-small'])
      await createKafkaTopic(p, t, o.partitions, topicReplication(o.brokers));
    await sleep(o.idleSettleS * 1000);
    round.idleRssBytes = rssBytes(p.pids);
    const produce = (topic: string, recordBytes: number, records: number, throughput: number) =>
      measured(p.pids, () =>
        runKafkaProduce(p, {
          topic,
          records,
          recordBytes,
          throughput,
          batchBytes: o.batchBytes,
          lingerMs: o.lingerMs,
          acks: o.acks,
          compression: o.compression,
          maxInFlight: o.maxInFlight,
          producers: throughput === -1 ? o.producers : 1,
          timeoutMs: o.timeoutMs,
        }),
      );
    if (
      o.workloads.includes('produce') ||
      o.workloads.includes('consume') ||
      o.workloads.includes('latency')
    ) {
      round.workloads.produce = await produce('bench-produce', o.recordBytes, o.records, -1);
    }
    if (o.workloads.includes('consume')) {
      round.workloads.consume = await measured(p.pids, () =>
        runKafkaConsume(p, {
          topic: 'bench-produce',
          records: round.workloads.produce?.result?.records ?? o.records,
          recordBytes: o.recordBytes,
          timeoutMs: o.timeoutMs,
        }),
      );
    }
    if (o.workloads.includes('latency')) {
      const r = rate();
      if (r === undefined) round.workloads.latency = { error: 'no rate' };
      else {
        const run = await produce('bench-latency', o.recordBytes, latencyRecords(o, r), Math.round(r));
        round.workloads.latency = { ...run, rate: r };
      }
    }
    if (o.workloads.includes('small')) {
      round.workloads.small = await produce('bench-small', SMALL_RECORD_BYTES, o.records, -1);
    }
  } finally {
    await peer?.stop();
  }
}

async function runNatsRound(o: CompareOptions, round: SystemRound, rate: () => number | undefined) {
  const { runNatsConsume, runNatsProduce, startNats } = await import('./peers/nats.js');
  let peer: NatsPeer | undefined;
  try {
    peer = await startNats();
    const p = peer;
    await sleep(o.idleSettleS * 1000);
    round.idleRssBytes = rssBytes(p.pid);
    const produce = (stream: string, recordBytes: number, records: number, r?: number) =>
      measured([p.pid], () =>
        runNatsProduce(p, {
          stream,
          records,
          recordBytes,
          window: o.natsWindow,
          ...(r === undefined ? {} : { rate: r }),
          timeoutMs: o.timeoutMs,
        }),
      );
    if (o.workloads.includes('produce') || o.workloads.includes('consume')) {
      round.workloads.produce = await produce('PRODUCE', o.recordBytes, o.records);
    }
    if (o.workloads.includes('consume')) {
      round.workloads.consume = await measured([p.pid], () =>
        runNatsConsume(p, {
          stream: 'PRODUCE',
          records: round.workloads.produce?.result?.records ?? o.records,
          recordBytes: o.recordBytes,
          timeoutMs: o.timeoutMs,
        }),
      );
    }
    if (o.workloads.includes('latency')) {
      const r = rate();
      if (r === undefined) round.workloads.latency = { error: 'no rate' };
      else {
        const run = await produce('LATENCY', o.recordBytes, latencyRecords(o, r), r);
        round.workloads.latency = { ...run, rate: r };
      }
    }
    if (o.workloads.includes('small')) {
      round.workloads.small = await produce('SMALL', SMALL_RECORD_BYTES, o.records);
    }
  } finally {
    await peer?.stop();
  }
}

function summarize(run: WorkloadRun | undefined): string {
  if (!run) return 'skipped';
  if (run.error !== undefined) return `FAILED: ${run.error.split('\n')[0]}`;
  const r = run.result!;
  const lat = r.latencyMs ? `, p99 ${fmt(r.latencyMs.p99, 2)} ms` : '';
  return `${Math.round(r.recordsPerSecond)} rec/s, ${fmt(r.megabytesPerSecond)} MB/s${lat}`;
}

/**
 * Runs every round: in each, Kafka first (its max produce rate sets the latency workload's fixed rate),
 * then Tributary, then NATS, each on a fresh broker and data dir, one after another (never at once).
 */
export async function runCompare(o: CompareOptions): Promise<SystemRound[]> {
  installCleanupHandlers();
  if (o.peers.includes('kafka')) {
    log('provisioning Kafka (hack/peers/kafka.sh install)...');
    await installKafka();
  }
  if (o.peers.includes('nats')) {
    log('provisioning NATS (hack/peers/nats.sh install)...');
    await (await import('./peers/nats.js')).installNats();
  }
  const order: System[] = [...(o.peers.includes('kafka') ? ['kafka' as const] : []), 'tributary'];
  if (o.peers.includes('nats')) order.push('nats');
  const rounds: SystemRound[] = [];
  for (let r = 1; r <= o.rounds; r++) {
    const inRound: SystemRound[] = [];
    const rate = (): number | undefined => {
      if (o.latencyRate !== undefined) return o.latencyRate;
      const anchor =
        inRound.find((x) => x.system === 'kafka') ?? inRound.find((x) => x.system === 'tributary');
      const max = anchor?.workloads.produce?.result?.recordsPerSecond;
      return max === undefined ? undefined : Math.max(1, Math.round(max / 2));
    };
    for (const system of order) {
      const round: SystemRound = { system, round: r, workloads: {} };
      inRound.push(round);
      log(`round ${r}/${o.rounds}: ${LABEL[system]}...`);
      try {
        if (system === 'tributary') await runTributaryRound(o, round, rate);
        else if (system === 'kafka') await runKafkaRound(o, round, rate);
        else await runNatsRound(o, round, rate);
      } catch (err) {
        round.error = err instanceof Error ? err.message : String(err);
        log(`  ${LABEL[system]} failed: ${round.error}`);
      }
      if (round.idleRssBytes !== undefined)
        log(
          `  idle RSS: ${fmt(round.idleRssBytes / 1e6, 0)} MB${round.etcdIdleRssBytes === undefined ? '' : ` (etcd ${fmt(round.etcdIdleRssBytes / 1e6, 0)} MB more)`}`,
        );
      for (const w of o.workloads) {
        const run = round.workloads[w];
        const rateNote = run?.rate === undefined ? '' : ` (offered ${Math.round(run.rate)} rec/s)`;
        log(`  ${w}: ${summarize(run)}${rateNote}`);
      }
      rounds.push(round);
    }
  }
  return rounds;
}

function fmt(n: number | undefined, digits = 1): string {
  return n !== undefined && Number.isFinite(n) ? n.toFixed(digits) : '-';
}

type Metric = { label: string; get: (r: WorkloadResult) => number | undefined; digits: number };

const THROUGHPUT: Metric[] = [
  { label: 'records/s', get: (r) => r.recordsPerSecond, digits: 0 },
  { label: 'MB/s', get: (r) => r.megabytesPerSecond, digits: 1 },
];
const LATENCY: Metric[] = [
  { label: 'p50 ms', get: (r) => r.latencyMs?.p50, digits: 2 },
  { label: 'p99 ms', get: (r) => r.latencyMs?.p99, digits: 2 },
  { label: 'p99.9 ms', get: (r) => r.latencyMs?.p999, digits: 2 },
  { label: 'max ms', get: (r) => r.latencyMs?.max, digits: 2 },
];
const METRICS: Record<Workload, Metric[]> = {
  produce: [...THROUGHPUT, ...LATENCY],
  consume: THROUGHPUT,
  latency: [
    { label: 'achieved rec/s', get: (r) => r.recordsPerSecond, digits: 0 },
    ...LATENCY,
    { label: 'e2e p50 ms', get: (r) => r.endToEndMs?.p50, digits: 2 },
    { label: 'e2e p99 ms', get: (r) => r.endToEndMs?.p99, digits: 2 },
  ],
  small: [...THROUGHPUT, ...LATENCY],
};

function medianOf(values: (number | undefined)[]): number | undefined {
  const xs = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  return xs.length === 0 ? undefined : median(xs);
}

export interface Summary {
  workloads: Partial<
    Record<
      Workload,
      {
        medians: Partial<Record<System, Record<string, number | undefined>>>;
        ratios: Partial<Record<Peer, Record<string, number | undefined>>>;
        rounds: Partial<Record<System, number>>;
      }
    >
  >;
  resources: Partial<
    Record<
      System,
      {
        idleRssMB?: number | undefined;
        loadRssMB?: number | undefined;
        produceCpuSecondsPerGB?: number | undefined;
        produceCpuPercent?: number | undefined;
      }
    >
  >;
}

export function summarizeRounds(o: CompareOptions, rounds: SystemRound[]): Summary {
  const systems: System[] = ['tributary', ...o.peers];
  const summary: Summary = { workloads: {}, resources: {} };
  for (const w of o.workloads) {
    const medians: Partial<Record<System, Record<string, number | undefined>>> = {};
    const counts: Partial<Record<System, number>> = {};
    for (const s of systems) {
      const ok = rounds
        .filter((r) => r.system === s)
        .map((r) => r.workloads[w]?.result)
        .filter((r): r is WorkloadResult => r !== undefined);
      counts[s] = ok.length;
      medians[s] = Object.fromEntries(METRICS[w].map((m) => [m.label, medianOf(ok.map(m.get))]));
    }
    const ratios: Partial<Record<Peer, Record<string, number | undefined>>> = {};
    for (const p of o.peers) {
      ratios[p] = Object.fromEntries(
        METRICS[w].map((m) => {
          const a = medians.tributary?.[m.label];
          const b = medians[p]?.[m.label];
          return [m.label, a !== undefined && b !== undefined && b !== 0 ? a / b : undefined];
        }),
      );
    }
    summary.workloads[w] = { medians, ratios, rounds: counts };
  }
  for (const s of systems) {
    const mine = rounds.filter((r) => r.system === s);
    const produce = mine.map((r) => r.workloads.produce).filter((x) => x?.result && x.resources);
    summary.resources[s] = {
      idleRssMB: medianOf(mine.map((r) => (r.idleRssBytes === undefined ? undefined : r.idleRssBytes / 1e6))),
      loadRssMB: medianOf(
        mine.map((r) => {
          const peaks = Object.values(r.workloads)
            .map((x) => x?.resources?.rssPeakBytes)
            .filter((x): x is number => x !== undefined);
          return peaks.length ? Math.max(...peaks) / 1e6 : undefined;
        }),
      ),
      produceCpuSecondsPerGB: medianOf(
        produce.map((x) => x!.resources!.cpuSeconds / (x!.result!.bytes / 1e9)),
      ),
      produceCpuPercent: medianOf(produce.map((x) => (100 * x!.resources!.cpuSeconds) / x!.result!.seconds)),
    };
  }
  return summary;
}

function producerSettings(o: CompareOptions): string {
  const r = topicReplication(o.brokers);
  const cluster =
    r === undefined ? '' : ` brokers=${o.brokers} RF=${r.factor} min.insync.replicas=${r.minInsync}`;
  return `acks=${o.acks} batch=${o.batchBytes} B linger=${o.lingerMs} ms compression=${o.compression} in-flight=${o.maxInFlight} partitions=${o.partitions} producers=${o.producers}${cluster}`;
}

const TITLES: Record<Workload, (o: CompareOptions) => string> = {
  produce: (o) =>
    `produce: ${o.records} x ${o.recordBytes} B, max rate, ${producerSettings(o)}${o.peers.includes('nats') ? `; NATS ${o.natsWindow} async publishes` : ''}`,
  consume: (o) =>
    `consume: catch-up read of the produce workload's ${o.records} x ${o.recordBytes} B from offset 0`,
  latency: (o) =>
    `latency: ${o.recordBytes} B at a fixed rate (${o.latencyRate === undefined ? "half of Kafka's max produce rate in the round" : `${o.latencyRate} rec/s`}; at most ${o.latencySeconds} s), one producer, ${producerSettings(o)}; p* = produce-ack latency, e2e = Tributary produce() to consumer receipt`,
  small: (o) => `small: ${o.records} x ${SMALL_RECORD_BYTES} B records, max rate, ${producerSettings(o)}`,
};

export function printSummary(o: CompareOptions, rounds: SystemRound[], summary: Summary): void {
  const systems: System[] = ['tributary', ...o.peers];
  if (o.peers.length)
    console.log(
      '\nratios "Tributary / peer": above 1 is better for records/s and MB/s; below 1 is better for every ms column (latency)',
    );
  for (const w of o.workloads) {
    const s = summary.workloads[w]!;
    console.log(`\n${TITLES[w](o)}; medians of ${o.rounds} round(s)`);
    const rows: Record<string, Record<string, string>> = {};
    for (const sys of systems) {
      const row: Record<string, string> = {};
      for (const m of METRICS[w]) row[m.label] = fmt(s.medians[sys]?.[m.label], m.digits);
      row.rounds = `${s.rounds[sys] ?? 0}/${o.rounds}`;
      rows[LABEL[sys]] = row;
    }
    for (const p of o.peers) {
      const row: Record<string, string> = {};
      for (const m of METRICS[w]) row[m.label] = fmt(s.ratios[p]?.[m.label], 2);
      row.rounds = '';
      rows[`Tributary / ${LABEL[p]}`] = row;
    }
    if (w === 'latency') {
      const offered = medianOf(
        rounds
          .filter((r) => r.system === 'tributary' || o.peers.length)
          .map((r) => r.workloads.latency?.rate),
      );
      console.log(`offered rate: ${fmt(offered, 0)} records/s (median)`);
    }
    console.table(rows);
  }
  const over = o.brokers === 1 ? '' : `, summed over the ${o.brokers} brokers of each system`;
  console.log(
    `\nbroker resources (medians${over}): RSS idle ${o.idleSettleS} s after start, peak RSS over the workloads, CPU in produce`,
  );
  const rows: Record<string, Record<string, string>> = {};
  for (const sys of systems) {
    const r = summary.resources[sys] ?? {};
    rows[LABEL[sys]] = {
      'idle RSS MB': fmt(r.idleRssMB, 0),
      'load RSS MB': fmt(r.loadRssMB, 0),
      'produce CPU s/GB': fmt(r.produceCpuSecondsPerGB, 2),
      'produce CPU % of a core': fmt(r.produceCpuPercent, 0),
    };
  }
  console.table(rows);
  const etcd = medianOf(rounds.map((r) => r.etcdIdleRssBytes));
  if (etcd !== undefined)
    console.log(`Tributary's etcd (metadata, not in the figures above): idle RSS ${fmt(etcd / 1e6, 0)} MB`);
  const failures = rounds.flatMap((r) => [
    ...(r.error ? [`round ${r.round} ${LABEL[r.system]}: ${r.error.split('\n')[0]}`] : []),
    ...Object.entries(r.workloads)
      .filter(([, x]) => x?.error !== undefined)
      .map(([w, x]) => `round ${r.round} ${LABEL[r.system]} ${w}: ${x!.error!.split('\n')[0]}`),
  ]);
  if (failures.length) console.log(`\nfailures:\n  ${failures.join('\n  ')}`);
}

const ACKS = ['none', 'leader', 'all'] as const;
const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

function oneOf<T extends string>(name: string, allowed: readonly T[]) {
  return (raw: string): T => {
    if (!allowed.includes(raw as T))
      throw new Error(`--${name} must be one of ${allowed.join(', ')}, got ${raw}`);
    return raw as T;
  };
}

function list<T extends string>(name: string, allowed: readonly T[]) {
  return (raw: string): T[] => {
    const xs = raw
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x.length > 0);
    for (const x of xs) {
      if (!allowed.includes(x as T)) throw new Error(`--${name}: ${x} is not one of ${allowed.join(', ')}`);
    }
    return xs as T[];
  };
}

/** `tributary bench compare`: Tributary beside Apache Kafka and NATS JetStream, same parameters, same run. */
export function registerCompareCommand(bench: Command): void {
  bench
    .command('compare')
    .description(
      'run Tributary, Apache Kafka (KRaft, from Maven Central) and NATS JetStream back to back on fresh data dirs, several rounds; print medians and Tributary / peer ratios',
    )
    .option('--workloads <list>', `comma-separated: ${WORKLOADS.join(',')}`, list('workloads', WORKLOADS), [
      ...WORKLOADS,
    ])
    .option(
      '--peers <list>',
      `comma-separated: ${PEERS.join(',')} (empty: Tributary alone)`,
      list('peers', PEERS),
      [...PEERS],
    )
    .option(
      '--record-bytes <n>',
      'record value size for produce, consume and latency',
      int('record-bytes', 1),
      1024,
    )
    .option('--records <n>', 'records per workload per round', int('records', 1), 500_000)
    .option('--rounds <n>', 'rounds; figures are medians', int('rounds', 1), 3)
    .option('--batch-bytes <n>', 'producer batchBytes / Kafka batch.size', int('batch-bytes', 1), 262_144)
    .option('--linger-ms <n>', 'producer lingerMs / Kafka linger.ms', int('linger-ms', 0), 5)
    .option('--acks <acks>', 'none | leader | all (Kafka acks=0 | 1 | all)', oneOf('acks', ACKS), 'leader')
    .option(
      '--compression <codec>',
      'none | gzip | snappy | lz4 | zstd (Kafka compression.type)',
      oneOf('compression', COMPRESSIONS),
      'none',
    )
    .option(
      '--brokers <n>',
      'brokers per system: a cluster on this machine, topics with RF min(3, n) and min.insync.replicas min(2, n); NATS is skipped when n > 1',
      int('brokers', 1),
      1,
    )
    .option(
      '--partitions <n>',
      'partitions of the Tributary and Kafka topics (default: --brokers)',
      int('partitions', 1),
    )
    .option(
      '--producers <n>',
      'producers (Tributary: clients in one process; Kafka: ProducerPerformance processes)',
      int('producers', 1),
      1,
    )
    .option(
      '--max-in-flight <n>',
      'producer maxInFlightRequests / Kafka max.in.flight.requests.per.connection',
      int('max-in-flight', 1),
      5,
    )
    .option('--nats-window <n>', 'NATS async publishes awaiting an ack', int('nats-window', 1), 256)
    .option(
      '--latency-rate <n>',
      "fixed rate for latency (default: half of Kafka's max)",
      int('latency-rate', 1),
    )
    .option('--latency-seconds <n>', 'cap on the latency workload length', int('latency-seconds', 1), 20)
    .option(
      '--idle-settle-s <n>',
      'seconds each system idles after start before its idle RSS is read',
      int('idle-settle-s', 1),
      15,
    )
    .option('--timeout-s <n>', 'timeout per workload', int('timeout-s', 1), 300)
    .option('--json <file>', 'also write options, every round and the summary as JSON here')
    .option('--cpu-prof-dir <dir>', "run Tributary's brokers under node --cpu-prof, writing profiles here")
    .action(async (raw: Record<string, unknown>) => {
      const brokers = raw.brokers as number;
      let peers = raw.peers as Peer[];
      if (brokers > 1 && peers.includes('nats')) {
        log('NATS runs as one server only: skipped with --brokers > 1');
        peers = peers.filter((p) => p !== 'nats');
      }
      const o: CompareOptions = {
        workloads: raw.workloads as Workload[],
        peers,
        brokers,
        recordBytes: raw.recordBytes as number,
        records: raw.records as number,
        rounds: raw.rounds as number,
        batchBytes: raw.batchBytes as number,
        maxInFlight: raw.maxInFlight as number,
        acks: raw.acks as AcksMode,
        compression: raw.compression as Compression,
        partitions: (raw.partitions as number | undefined) ?? brokers,
        producers: raw.producers as number,
        natsWindow: raw.natsWindow as number,
        lingerMs: raw.lingerMs as number,
        ...(raw.latencyRate === undefined ? {} : { latencyRate: raw.latencyRate as number }),
        latencySeconds: raw.latencySeconds as number,
        idleSettleS: raw.idleSettleS as number,
        timeoutMs: (raw.timeoutS as number) * 1000,
        ...(raw.cpuProfDir === undefined ? {} : { cpuProfDir: String(raw.cpuProfDir) }),
      };
      const rounds = await runCompare(o);
      const summary = summarizeRounds(o, rounds);
      printSummary(o, rounds, summary);
      if (raw.json !== undefined) {
        writeFileSync(String(raw.json), `${JSON.stringify({ options: o, summary, rounds }, null, 2)}\n`);
        log(`wrote ${raw.json}`);
      }
    });
}

/**
 * The rounds of `tributary bench compare`: in each, Kafka, Tributary and NATS one after another on fresh
 * brokers and data dirs, every workload measured with its brokers' CPU and RSS.
 */
import type { AcksMode, Compression } from '../client/index.js';
import { type BenchTributary, startBenchTributary } from './bench-tributary.js';
import { runTributaryConsume } from './consume-bench.js';
import { runTributaryLatency } from './latency-bench.js';
import { log } from './option-parsers.js';
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
import { fmt } from './summary.js';

export const WORKLOADS = ['produce', 'consume', 'latency', 'small'] as const;
export type Workload = (typeof WORKLOADS)[number];
export const PEERS = ['kafka', 'nats'] as const;
export type Peer = (typeof PEERS)[number];
export type System = 'tributary' | Peer;

export const SMALL_RECORD_BYTES = 100;
export const LABEL: Record<System, string> = { tributary: 'Tributary', kafka: 'Kafka', nats: 'NATS' };

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

/** The consume workload on Tributary: the produce workload's topic read from the start. */
async function tributaryConsume(
  o: CompareOptions,
  b: BenchTributary,
  topic: string | undefined,
  records: number,
): Promise<WorkloadRun> {
  if (topic === undefined || records === 0) return { error: 'nothing produced to consume' };
  return measured(b.pids, () =>
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

/** The latency workload on Tributary, at the round's fixed rate `r`. */
async function tributaryLatency(
  o: CompareOptions,
  b: BenchTributary,
  r: number | undefined,
): Promise<WorkloadRun> {
  if (r === undefined) return { error: 'no rate (Kafka produce failed?)' };
  await createBenchTopic(b.bootstrap, 'bench-latency', o.partitions, 'raised', topicReplication(o.brokers));
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
  return { ...run, rate: r };
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
      const records = round.workloads.produce?.result?.records ?? 0;
      round.workloads.consume = await tributaryConsume(o, b, producedTopic, records);
    }
    if (o.workloads.includes('latency')) round.workloads.latency = await tributaryLatency(o, b, rate());
    if (o.workloads.includes('small')) round.workloads.small = await produce(SMALL_RECORD_BYTES);
    finished = true;
  } finally {
    const failed = !finished || Object.values(round.workloads).some((w) => w?.error !== undefined);
    const logs = await tributary?.stop(failed ? `tributary-compare-logs-r${round.round}` : undefined);
    if (logs !== undefined) log(`  a workload failed: the cluster's logs are in ${logs}`);
  }
}

/** The three topics (Kafka) or streams (NATS) a peer round produces to. */
type PeerTarget = 'produce' | 'latency' | 'small';

/** How one peer produces and consumes; runPeerWorkloads decides what runs, in which order. */
interface PeerWorkloads {
  /** Produces `records` records to `target`, at `rate` records/s, or as fast as it can without one. */
  produce(target: PeerTarget, recordBytes: number, records: number, rate?: number): Promise<WorkloadRun>;
  /** Reads back the `records` records the produce workload wrote. */
  consume(records: number): Promise<WorkloadRun>;
  /** Whether the latency workload alone also runs the produce workload first (Kafka's does). */
  produceForLatency: boolean;
}

/** A peer round's workloads, in the order Tributary's run: produce, consume, latency, small. */
async function runPeerWorkloads(
  o: CompareOptions,
  round: SystemRound,
  rate: () => number | undefined,
  peer: PeerWorkloads,
): Promise<void> {
  const has = (w: Workload) => o.workloads.includes(w);
  if (has('produce') || has('consume') || (peer.produceForLatency && has('latency'))) {
    round.workloads.produce = await peer.produce('produce', o.recordBytes, o.records);
  }
  if (has('consume')) {
    round.workloads.consume = await peer.consume(round.workloads.produce?.result?.records ?? o.records);
  }
  if (has('latency')) {
    const r = rate();
    if (r === undefined) round.workloads.latency = { error: 'no rate' };
    else {
      const run = await peer.produce('latency', o.recordBytes, latencyRecords(o, r), r);
      round.workloads.latency = { ...run, rate: r };
    }
  }
  if (has('small')) round.workloads.small = await peer.produce('small', SMALL_RECORD_BYTES, o.records);
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
    await runPeerWorkloads(o, round, rate, {
      produceForLatency: true,
      produce: (target, recordBytes, records, r) => {
        // Kafka's ProducePerformance takes -1 for "no rate", and whole records per second.
        const throughput = r === undefined ? -1 : Math.round(r);
        return measured(p.pids, () =>
          runKafkaProduce(p, {
            topic: `bench-${target}`,
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
      },
      consume: (records) =>
        measured(p.pids, () =>
          runKafkaConsume(p, {
            topic: 'bench-produce',
            records,
            recordBytes: o.recordBytes,
            timeoutMs: o.timeoutMs,
          }),
        ),
    });
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
    await runPeerWorkloads(o, round, rate, {
      produceForLatency: false,
      produce: (target, recordBytes, records, r) =>
        measured([p.pid], () =>
          runNatsProduce(p, {
            stream: target.toUpperCase(),
            records,
            recordBytes,
            window: o.natsWindow,
            ...(r === undefined ? {} : { rate: r }),
            timeoutMs: o.timeoutMs,
          }),
        ),
      consume: (records) =>
        measured([p.pid], () =>
          runNatsConsume(p, {
            stream: 'PRODUCE',
            records,
            recordBytes: o.recordBytes,
            timeoutMs: o.timeoutMs,
          }),
        ),
    });
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

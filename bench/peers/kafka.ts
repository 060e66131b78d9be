import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { throughput } from '../stats.js';
import {
  freePort,
  freePortRange,
  repoRoot,
  run,
  runScript,
  sleep,
  stopPid,
  type TopicReplication,
  tail,
  trackPid,
  type WorkloadResult,
} from './common.js';

/**
 * Apache Kafka 4.x as a benchmark peer: one KRaft combined broker+controller, or a cluster of them (each a
 * voter of the controller quorum), started by `hack/peers/kafka.sh` on 127.0.0.1, driven by Kafka's own
 * ProducerPerformance and ConsumerPerformance.
 */
export interface KafkaPeer {
  /** Every node's host:port, comma-separated (bootstrap.servers). */
  readonly bootstrap: string;
  /** One JVM per node. */
  readonly pids: readonly number[];
  readonly dataDir: string;
  /**
   * A broker-only node `nodeId` joining a cluster (`kafka.sh add-broker`), in `<dataDir>/node-<nodeId>`; it
   * is in `pids` and stopped with the rest. Its host:port.
   */
  addBroker(nodeId: number): Promise<string>;
  stop(): Promise<void>;
}

function script(): string {
  return join(repoRoot(), 'hack', 'peers', 'kafka.sh');
}

/** The jars' directory as a `java -cp` value (`.../libs-<version>/*`). */
let classpath: string | undefined;

export async function installKafka(): Promise<void> {
  await runScript(script(), ['install'], 600_000);
  classpath = await runScript(script(), ['classpath'], 10_000);
}

/**
 * A fresh Kafka on a temp data dir: one node (`kafka.sh start`, 1 GiB heap), or `nodes` combined nodes
 * (`kafka.sh start-cluster`: a quorum of `nodes` voters, 512 MiB heap each, replication factor min(3, n) and
 * min.insync.replicas min(2, n) by default).
 */
export async function startKafka(nodes = 1): Promise<KafkaPeer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-peer-kafka-'));
  let ports: number[];
  let out: string;
  try {
    if (nodes === 1) {
      const port = await freePort();
      let controllerPort = await freePort();
      while (controllerPort === port) controllerPort = await freePort();
      ports = [port];
      out = await runScript(script(), ['start', dataDir, String(port), String(controllerPort)], 150_000);
    } else {
      const base = await freePortRange(2 * nodes);
      ports = Array.from({ length: nodes }, (_, i) => base + 2 * i);
      out = await runScript(script(), ['start-cluster', dataDir, String(nodes), String(base)], 240_000);
    }
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const pids = out.split('\n').slice(-nodes).map(Number);
  if (pids.length !== nodes || pids.some((pid) => !Number.isSafeInteger(pid) || pid <= 0))
    throw new Error(`kafka.sh printed no ${nodes} pid(s): ${out}`);
  for (const pid of pids) trackPid(pid);
  return {
    bootstrap: ports.map((p) => `127.0.0.1:${p}`).join(','),
    pids,
    dataDir,
    addBroker: async (nodeId) => {
      if (nodes === 1) throw new Error('a broker joins a cluster started with nodes > 1');
      const port = await freePort();
      const pid = Number(
        await runScript(script(), ['add-broker', dataDir, String(nodeId), String(port)], 180_000),
      );
      if (!Number.isSafeInteger(pid) || pid <= 0) throw new Error(`kafka.sh add-broker printed no pid`);
      trackPid(pid);
      pids.push(pid);
      return `127.0.0.1:${port}`;
    },
    stop: async () => {
      await Promise.all(pids.map((pid) => stopPid(pid, 20_000)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs one of Kafka's tools (a main class of its jars) in its own JVM; rejects on a non-zero exit. */
export async function kafkaTool(mainClass: string, args: string[], timeoutMs: number) {
  return java(mainClass, args, timeoutMs);
}

async function java(mainClass: string, args: string[], timeoutMs: number) {
  if (classpath === undefined) classpath = await runScript(script(), ['classpath'], 10_000);
  return run(
    'java',
    [
      `-Dlog4j2.configurationFile=${join(repoRoot(), 'hack', 'peers', 'kafka-log4j2.properties')}`,
      '-Xmx512m',
      '-XX:+UseG1GC',
      '-cp',
      classpath,
      mainClass,
      ...args,
    ],
    { timeoutMs },
  );
}

/**
 * Creates a topic (replication factor 1 unless given). A cluster's brokers register with the controller
 * some seconds after their ports answer, so with a replication factor above 1 a refused creation is retried
 * for up to a minute.
 */
export async function createKafkaTopic(
  peer: KafkaPeer,
  topic: string,
  partitions = 1,
  replication: TopicReplication = { factor: 1, minInsync: 1 },
): Promise<void> {
  const args = [
    '--bootstrap-server',
    peer.bootstrap,
    '--create',
    '--if-not-exists',
    '--topic',
    topic,
    '--partitions',
    String(partitions),
    '--replication-factor',
    String(replication.factor),
    ...(replication.factor > 1 ? ['--config', `min.insync.replicas=${replication.minInsync}`] : []),
  ];
  const deadline = Date.now() + (replication.factor > 1 ? 60_000 : 0);
  for (;;) {
    try {
      await java('org.apache.kafka.tools.TopicCommand', args, 60_000);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(1000);
    }
  }
}

export interface KafkaProduceOptions {
  topic: string;
  records: number;
  recordBytes: number;
  /** Records per second, or -1 for as fast as possible. */
  throughput: number;
  batchBytes: number;
  lingerMs: number;
  /** Kafka acks: none -> 0, leader -> 1, all -> all. */
  acks?: 'none' | 'leader' | 'all';
  /** compression.type (none, gzip, snappy, lz4, zstd). */
  compression?: string;
  /** max.in.flight.requests.per.connection (Kafka's default is 5). */
  maxInFlight?: number;
  /** Concurrent ProducerPerformance processes, each sending records / producers (default 1). */
  producers?: number;
  timeoutMs: number;
}

const KAFKA_ACKS = { none: '0', leader: '1', all: 'all' } as const;

/**
 * ProducerPerformance's final line (Kafka 4.1, `Stats.printTotal`):
 * `%d%s records sent, %f records/sec (%.2f MB/sec), %.2f ms avg latency, %.2f ms max latency, %d ms 50th,
 * %d ms 95th, %d ms 99th, %d ms 99.9th.` where %s is "" or " steady state" (with --warmup-records). The
 * periodic window lines have no percentiles and do not match.
 */
const PRODUCER_SUMMARY =
  /(\d+)( steady state)? records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, ([\d.]+) ms 50th, ([\d.]+) ms 95th, ([\d.]+) ms 99th, ([\d.]+) ms 99\.9th/;

/** Parses ProducerPerformance's final summary line (the one with percentiles). Exported for tests. */
export function parseProducerPerformance(stdout: string, recordBytes: number): WorkloadResult {
  // The whole-run total (not the steady-state one, which covers fewer records).
  const lines = stdout
    .split('\n')
    .filter((l) => PRODUCER_SUMMARY.exec(l)?.[2] === undefined && PRODUCER_SUMMARY.test(l));
  const m = PRODUCER_SUMMARY.exec(lines[lines.length - 1] ?? '');
  if (!m) throw new Error(`no ProducerPerformance summary in:\n${tail(stdout, 20)}`);
  // Group 1 is the count, group 2 the optional " steady state"; the figures follow from group 3.
  const n = (i: number) => Number(m[i + 1]);
  const records = Number(m[1]);
  const recordsPerSecond = n(2);
  return {
    records,
    bytes: records * recordBytes,
    seconds: records / recordsPerSecond,
    recordsPerSecond,
    // Kafka prints MiB/s ("MB/sec" = bytes / 1024 / 1024); report MB (1e6) like the rest of the bench.
    megabytesPerSecond: (recordsPerSecond * recordBytes) / 1e6,
    latencyMs: { avg: n(4), max: n(5), p50: n(6), p95: n(7), p99: n(8), p999: n(9) },
  };
}

/**
 * Several ProducerPerformance runs at once, as one: records and bytes add up, throughput is the total
 * over the longest run; latency percentiles cannot be merged from summaries, so each is the worst (max)
 * of the runs' (an upper bound of the merged percentile), and avg is weighted by records.
 */
export function combineProducerResults(results: readonly WorkloadResult[]): WorkloadResult {
  if (results.length === 1) return results[0]!;
  const records = results.reduce((s, r) => s + r.records, 0);
  const bytes = results.reduce((s, r) => s + r.bytes, 0);
  const seconds = Math.max(...results.map((r) => r.seconds));
  const lat = results.map((r) => r.latencyMs!);
  const worst = (k: 'p50' | 'p99' | 'p999' | 'max') => Math.max(...lat.map((l) => l[k]));
  return {
    ...throughput(records, bytes, seconds),
    latencyMs: {
      p50: worst('p50'),
      p95: Math.max(...lat.map((l) => l.p95 ?? Number.NaN)),
      p99: worst('p99'),
      p999: worst('p999'),
      max: worst('max'),
      avg: results.reduce((s, r) => s + (r.latencyMs?.avg ?? 0) * r.records, 0) / records,
    },
  };
}

/**
 * Kafka's ProducerPerformance with the same producer settings as the Tributary run (acks, batch.size,
 * linger.ms, compression.type, max.in.flight.requests.per.connection); `producers` processes at once.
 */
export async function runKafkaProduce(peer: KafkaPeer, o: KafkaProduceOptions): Promise<WorkloadResult> {
  const producers = o.producers ?? 1;
  const shares = Array.from(
    { length: producers },
    (_, i) => Math.floor(o.records / producers) + (i < o.records % producers ? 1 : 0),
  ).filter((x) => x > 0);
  const results = await Promise.all(
    shares.map((records) =>
      runOneKafkaProducer(peer, {
        ...o,
        records,
        throughput: o.throughput < 0 ? o.throughput : o.throughput / shares.length,
      }),
    ),
  );
  return combineProducerResults(results);
}

async function runOneKafkaProducer(peer: KafkaPeer, o: KafkaProduceOptions): Promise<WorkloadResult> {
  const res = await java(
    'org.apache.kafka.tools.ProducerPerformance',
    [
      '--topic',
      o.topic,
      '--num-records',
      String(o.records),
      '--record-size',
      String(o.recordBytes),
      '--throughput',
      String(o.throughput),
      '--producer-props',
      `bootstrap.servers=${peer.bootstrap}`,
      `acks=${KAFKA_ACKS[o.acks ?? 'leader']}`,
      `batch.size=${o.batchBytes}`,
      `linger.ms=${o.lingerMs}`,
      `compression.type=${o.compression ?? 'none'}`,
      `max.in.flight.requests.per.connection=${o.maxInFlight ?? 5}`,
      'max.request.size=4194304',
    ],
    o.timeoutMs,
  );
  return parseProducerPerformance(res.stdout, o.recordBytes);
}

/**
 * Parses ConsumerPerformance's output (Kafka 4.1): the header `start.time, end.time, data.consumed.in.MB,
 * MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec`
 * and one value line. A run that timed out prints "WARNING: Exiting before consuming the expected number
 * of messages" first; that is an error when `expected` is given. Exported for tests.
 */
export function parseConsumerPerformance(
  stdout: string,
  recordBytes: number,
  expected?: number,
): WorkloadResult {
  const lines = stdout.split('\n').map((l) => l.trim());
  if (expected !== undefined && lines.some((l) => l.startsWith('WARNING: Exiting before consuming'))) {
    throw new Error(`ConsumerPerformance timed out before ${expected} records:\n${tail(stdout, 5)}`);
  }
  const h = lines.findIndex((l) => l.startsWith('start.time'));
  const header = (lines[h] ?? '').split(',').map((x) => x.trim());
  const values = (lines[h + 1] ?? '').split(',').map((x) => x.trim());
  const get = (name: string) => Number(values[header.indexOf(name)]);
  const records = get('data.consumed.in.nMsg');
  const fetchMs = get('fetch.time.ms');
  if (h < 0 || !Number.isFinite(records) || !Number.isFinite(fetchMs)) {
    throw new Error(`no ConsumerPerformance result in:\n${tail(stdout, 20)}`);
  }
  // fetch.time.ms excludes the consumer group join (rebalance.time.ms): the catch-up read itself.
  const seconds = fetchMs / 1000;
  return throughput(records, records * recordBytes, seconds);
}

/** Kafka's ConsumerPerformance: reads `records` from the start of the topic (catch-up). */
export async function runKafkaConsume(
  peer: KafkaPeer,
  o: { topic: string; records: number; recordBytes: number; timeoutMs: number },
): Promise<WorkloadResult> {
  const res = await java(
    'org.apache.kafka.tools.ConsumerPerformance',
    [
      '--bootstrap-server',
      peer.bootstrap,
      '--topic',
      o.topic,
      '--messages',
      String(o.records),
      '--timeout',
      String(Math.max(10_000, o.timeoutMs - 15_000)),
    ],
    o.timeoutMs,
  );
  return parseConsumerPerformance(res.stdout, o.recordBytes, o.records);
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  repoRoot,
  run,
  runScript,
  stopPid,
  tail,
  trackPid,
  type WorkloadResult,
} from './common.js';

/**
 * Apache Kafka 4.x as a benchmark peer: a KRaft combined broker+controller started by
 * `hack/peers/kafka.sh` on 127.0.0.1, driven by Kafka's own ProducerPerformance and ConsumerPerformance.
 */
export interface KafkaPeer {
  readonly bootstrap: string;
  readonly pid: number;
  readonly dataDir: string;
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

export async function startKafka(): Promise<KafkaPeer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-peer-kafka-'));
  const port = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  const out = await runScript(script(), ['start', dataDir, String(port), String(controllerPort)], 150_000);
  const pid = Number(out.split('\n').pop());
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new Error(`kafka.sh start printed no pid: ${out}`);
  trackPid(pid);
  return {
    bootstrap: `127.0.0.1:${port}`,
    pid,
    dataDir,
    stop: async () => {
      await stopPid(pid, 20_000);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
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

export async function createKafkaTopic(peer: KafkaPeer, topic: string): Promise<void> {
  await java(
    'org.apache.kafka.tools.TopicCommand',
    [
      '--bootstrap-server',
      peer.bootstrap,
      '--create',
      '--topic',
      topic,
      '--partitions',
      '1',
      '--replication-factor',
      '1',
    ],
    60_000,
  );
}

export interface KafkaProduceOptions {
  topic: string;
  records: number;
  recordBytes: number;
  /** Records per second, or -1 for as fast as possible. */
  throughput: number;
  batchBytes: number;
  lingerMs: number;
  timeoutMs: number;
}

const PRODUCER_SUMMARY =
  /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, ([\d.]+) ms 50th, ([\d.]+) ms 95th, ([\d.]+) ms 99th, ([\d.]+) ms 99\.9th/;

/** Parses ProducerPerformance's final summary line (the one with percentiles). Exported for tests. */
export function parseProducerPerformance(stdout: string, recordBytes: number): WorkloadResult {
  const lines = stdout.split('\n').filter((l) => PRODUCER_SUMMARY.test(l));
  const m = PRODUCER_SUMMARY.exec(lines[lines.length - 1] ?? '');
  if (!m) throw new Error(`no ProducerPerformance summary in:\n${tail(stdout, 20)}`);
  const n = (i: number) => Number(m[i]);
  const records = n(1);
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

/** Kafka's ProducerPerformance, acks=1 (leader), no compression, the given batch size and linger. */
export async function runKafkaProduce(peer: KafkaPeer, o: KafkaProduceOptions): Promise<WorkloadResult> {
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
      'acks=1',
      `batch.size=${o.batchBytes}`,
      `linger.ms=${o.lingerMs}`,
      'compression.type=none',
      'max.request.size=4194304',
    ],
    o.timeoutMs,
  );
  return parseProducerPerformance(res.stdout, o.recordBytes);
}

/** Parses ConsumerPerformance's CSV-ish header and value line. Exported for tests. */
export function parseConsumerPerformance(stdout: string, recordBytes: number): WorkloadResult {
  const lines = stdout.split('\n').map((l) => l.trim());
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
  return {
    records,
    bytes: records * recordBytes,
    seconds,
    recordsPerSecond: records / seconds,
    megabytesPerSecond: (records * recordBytes) / 1e6 / seconds,
  };
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
  return parseConsumerPerformance(res.stdout, o.recordBytes);
}

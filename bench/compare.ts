import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  type CompareOptions,
  PEERS,
  type Peer,
  runCompare,
  WORKLOADS,
  type Workload,
} from './compare-rounds.js';
import { printSummary, summarizeRounds } from './compare-summary.js';
import { ACKS, COMPRESSIONS, int, list, log, oneOf, producerSettings } from './option-parsers.js';

/** `tributary bench compare`: Tributary beside Apache Kafka and NATS JetStream, same parameters, same run. */
export function registerCompareCommand(bench: Command): void {
  systemOptions(
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
      ),
  )
    .option('--timeout-s <n>', 'timeout per workload', int('timeout-s', 1), 300)
    .option('--json <file>', 'also write options, every round and the summary as JSON here')
    .option('--cpu-prof-dir <dir>', "run Tributary's brokers under node --cpu-prof, writing profiles here")
    .action(async (raw: Record<string, unknown>) => {
      const o = compareOptions(raw);
      const rounds = await runCompare(o);
      const summary = summarizeRounds(o, rounds);
      printSummary(o, rounds, summary);
      if (raw.json !== undefined) {
        writeFileSync(String(raw.json), `${JSON.stringify({ options: o, summary, rounds }, null, 2)}\n`);
        log(`wrote ${raw.json}`);
      }
    });
}

/** The options of a run, from the parsed command line (NATS dropped when there are several brokers). */
function compareOptions(raw: Record<string, unknown>): CompareOptions {
  const brokers = raw.brokers as number;
  let peers = raw.peers as Peer[];
  if (brokers > 1 && peers.includes('nats')) {
    log('NATS runs as one server only: skipped with --brokers > 1');
    peers = peers.filter((p) => p !== 'nats');
  }
  return {
    workloads: raw.workloads as Workload[],
    peers,
    brokers,
    ...producerSettings(raw),
    records: raw.records as number,
    rounds: raw.rounds as number,
    partitions: (raw.partitions as number | undefined) ?? brokers,
    natsWindow: raw.natsWindow as number,
    ...(raw.latencyRate === undefined ? {} : { latencyRate: raw.latencyRate as number }),
    latencySeconds: raw.latencySeconds as number,
    idleSettleS: raw.idleSettleS as number,
    timeoutMs: (raw.timeoutS as number) * 1000,
    ...(raw.cpuProfDir === undefined ? {} : { cpuProfDir: String(raw.cpuProfDir) }),
  };
}

/** How each system runs: brokers, partitions, producers, in-flight requests, rates, settle time. */
function systemOptions(cmd: Command): Command {
  return cmd
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
    );
}

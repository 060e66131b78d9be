import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { registerCompareCommand } from './compare.js';
import { runConsumeBench } from './consume-bench.js';
import type { WindowsMode } from './harness.js';
import { runLatencyBench } from './latency-bench.js';
import { ACKS, COMPRESSIONS, int, log, oneOf, producerSettings } from './option-parsers.js';
import {
  type ClientKind,
  createRoundTopic,
  type PayloadKind,
  type ProduceWorkload,
  runFileBaseline,
  runProduceBench,
  runSdkProduce,
} from './produce-bench.js';
import { progressBar } from './progress.js';
import { brokerRow, fmt, formatRow, medianRow, type Row } from './summary.js';

/** Options every workload takes (records or duration, producer settings, broker, rounds, output). */
function workloadOptions(cmd: Command, defaults: { records?: number; lingerMs?: number } = {}): Command {
  return cmd
    .option('--target <host:port>', 'benchmark a running broker instead of starting one per round')
    .option('--record-bytes <n>', 'record value size in bytes', int('record-bytes', 1), 1024)
    .option(
      '--records <n>',
      `records per round, over all producers (default ${defaults.records ?? 500_000} unless --duration-s)`,
      int('records', 1),
    )
    .option('--duration-s <n>', 'run each round this long instead of a record count', int('duration-s', 1))
    .option('--acks <acks>', 'none | leader | all', oneOf('acks', ACKS), 'leader')
    .option('--batch-bytes <n>', 'producer batchBytes (Kafka batch.size)', int('batch-bytes', 1), 262_144)
    .option(
      '--linger-ms <n>',
      'producer lingerMs (Kafka linger.ms)',
      int('linger-ms', 0),
      defaults.lingerMs ?? 5,
    )
    .option(
      '--compression <codec>',
      `${COMPRESSIONS.join(' | ')} (Kafka compression.type)`,
      oneOf('compression', COMPRESSIONS),
      'none',
    )
    .option('--partitions <n>', 'partitions of the bench topic', int('partitions', 1), 1)
    .option('--producers <n>', 'producer instances, each its own Tributary client', int('producers', 1), 1)
    .option(
      '--max-in-flight <n>',
      'producer maxInFlightRequests (raw client: requests in flight per producer)',
      int('max-in-flight', 1),
      5,
    )
    .option(
      '--buffer-bytes <n>',
      'producer bufferBytes (Kafka buffer.memory; default 32 MiB)',
      int('buffer-bytes', 1),
    )
    .option(
      '--payload <kind>',
      "letters (random A-Z, as Kafka's ProducerPerformance) | random (incompressible)",
      oneOf('payload', ['letters', 'random'] as const),
      'letters',
    )
    .option(
      '--windows <mode>',
      'raised | default | both: HTTP/2 flow-control windows of client and broker (default = 64 KiB)',
      oneOf('windows', ['raised', 'default', 'both'] as const),
      'raised',
    )
    .option('--rounds <n>', 'rounds; figures are medians', int('rounds', 1), 3)
    .option('--timeout-s <n>', 'timeout per round', int('timeout-s', 1), 600)
    .option('--json <file>', 'also write options, every round and the medians as JSON here')
    .option('--cpu-prof-dir <dir>', 'run the bench broker under node --cpu-prof, writing profiles here');
}

type Raw = Record<string, unknown>;

function workload(o: Raw, windows: WindowsMode, defaultRecords: number): ProduceWorkload {
  if (o.records !== undefined && o.durationS !== undefined)
    throw new Error('give --records or --duration-s, not both');
  return {
    ...producerSettings(o),
    records: o.durationS === undefined ? ((o.records as number | undefined) ?? defaultRecords) : undefined,
    durationS: o.durationS as number | undefined,
    bufferBytes: o.bufferBytes as number | undefined,
    payload: o.payload as PayloadKind,
    client: ((o.client as ClientKind | undefined) ?? 'sdk') as ClientKind,
    windows,
    timeoutMs: (o.timeoutS as number) * 1000,
  };
}

function modes(o: Raw): WindowsMode[] {
  return o.windows === 'both' ? ['default', 'raised'] : [o.windows as WindowsMode];
}

function brokerNodeArgs(o: Raw): string[] | undefined {
  return o.cpuProfDir === undefined ? undefined : ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`];
}

interface RoundRecord {
  round: number;
  windows: WindowsMode;
  row: Row;
  detail: unknown;
}

/** What one round of one windows mode gives: the table's title, its row, its log line, its JSON detail. */
interface RoundOutcome {
  title: string;
  row: Row;
  line: string;
  detail: unknown;
}

/** Runs `round` for every round and windows mode in turn, logging each, then reports the medians. */
async function runRounds(
  command: string,
  o: Raw,
  round: (r: number, windows: WindowsMode) => Promise<RoundOutcome>,
): Promise<void> {
  const rounds: RoundRecord[] = [];
  let title = '';
  for (let r = 1; r <= (o.rounds as number); r++) {
    for (const windows of modes(o)) {
      const outcome = await round(r, windows);
      title = outcome.title;
      log(`round ${r} (${windows} windows): ${outcome.line}`);
      rounds.push({ round: r, windows, row: outcome.row, detail: outcome.detail });
    }
  }
  report(command, title, o, rounds);
}

/** Prints the medians per windows mode and writes the JSON file. */
function report(command: string, title: string, o: Raw, rounds: RoundRecord[]): void {
  const summary = modes(o).map((windows) => ({
    windows,
    medians: medianRow(rounds.filter((r) => r.windows === windows).map((r) => r.row)),
  }));
  console.log(`${title}; medians of ${o.rounds} round(s)`);
  console.table(Object.fromEntries(summary.map((s) => [`${s.windows} windows`, formatRow(s.medians)])));
  if (o.json !== undefined) {
    const { json: _json, ...options } = o;
    writeFileSync(String(o.json), `${JSON.stringify({ command, options, summary, rounds }, null, 2)}\n`);
    log(`wrote ${o.json}`);
  }
}

function settings(w: ProduceWorkload, o: Raw): string {
  const size = w.records === undefined ? `${w.durationS} s` : `${w.records}`;
  return `${size} x ${w.recordBytes} B, acks=${w.acks}, batch ${w.batchBytes} B, linger ${w.lingerMs} ms, ${w.compression}, ${o.partitions} partition(s), ${w.producers} producer(s), ${w.maxInFlight} in flight, ${w.client} client`;
}

function registerProduce(bench: Command): void {
  workloadOptions(
    bench
      .command('produce')
      .description(
        'produce with the SDK (produce() per record, latency to ack) to a fresh broker per round, beside a plain file-append baseline of the same bytes; medians over rounds',
      ),
  )
    .option(
      '--client <kind>',
      'sdk (Producer) | raw (bare gRPC Produce calls)',
      oneOf('client', ['sdk', 'raw'] as const),
      'sdk',
    )
    .option('--no-baseline', 'skip the file-append baseline')
    .action((o: Raw) =>
      runRounds('produce', o, async (r, windows) => {
        const w = workload(o, windows, 500_000);
        const res = await runProduceBench({
          ...w,
          target: o.target as string | undefined,
          partitions: o.partitions as number,
          brokerNodeArgs: brokerNodeArgs(o),
          progress: progressBar({ label: `round ${r} ${windows}` }),
        });
        const base = o.baseline === false ? undefined : runFileBaseline(w, res.records);
        const row: Row = {
          'records/s': res.recordsPerSecond,
          'MB/s': res.megabytesPerSecond,
          'p50 ms': res.latencyMs.p50,
          'p99 ms': res.latencyMs.p99,
          'p99.9 ms': res.latencyMs.p999,
          'max ms': res.latencyMs.max,
          'file MB/s': base?.megabytesPerSecond,
          'ratio to file': base ? res.megabytesPerSecond / base.megabytesPerSecond : undefined,
          'client CPU s': res.clientCpuSeconds,
          ...brokerRow(res.broker, res.bytes, res.seconds),
        };
        return {
          title: `produce: ${settings(w, o)}`,
          row,
          line: `${Math.round(res.recordsPerSecond)} rec/s, ${fmt(res.megabytesPerSecond)} MB/s, p99 ${fmt(res.latencyMs.p99, 2)} ms${base ? `; file ${fmt(base.megabytesPerSecond)} MB/s` : ''}`,
          detail: { produce: res, baseline: base },
        };
      }),
    );
}

function registerConsume(bench: Command): void {
  workloadOptions(
    bench
      .command('consume')
      .description(
        'catch-up consume: per round a fresh broker, --records produced first (not measured), then read from the earliest offset with the SDK Consumer (or raw Fetch); medians over rounds',
      ),
  )
    .option(
      '--client <kind>',
      'sdk (Consumer, Subscribe streams) | raw (Fetch loop)',
      oneOf('client', ['sdk', 'raw'] as const),
      'sdk',
    )
    .option(
      '--max-prefetch-bytes <n>',
      'SDK consumer maxPrefetchBytes (default 16 MiB)',
      int('max-prefetch-bytes', 1),
    )
    .action(async (o: Raw) => {
      if (o.durationS !== undefined) throw new Error('bench consume takes --records, not --duration-s');
      await runRounds('consume', o, async (r, windows) => {
        const w = workload(o, windows, 500_000);
        const res = await runConsumeBench({
          target: o.target as string | undefined,
          brokerNodeArgs: brokerNodeArgs(o),
          partitions: o.partitions as number,
          records: w.records!,
          fill: { ...w, client: 'sdk' },
          client: w.client,
          maxPrefetchBytes: o.maxPrefetchBytes as number | undefined,
          windows,
          timeoutMs: w.timeoutMs!,
          fillProgress: progressBar({ label: `round ${r} ${windows} writing` }),
          progress: progressBar({ label: `round ${r} ${windows} reading` }),
        });
        const row: Row = {
          'records/s': res.recordsPerSecond,
          'MB/s': res.megabytesPerSecond,
          'client CPU s': res.clientCpuSeconds,
          ...brokerRow(res.broker, res.bytes, res.seconds),
        };
        return {
          title: `consume (catch-up): ${w.records} x ${w.recordBytes} B, ${o.partitions} partition(s), ${w.client} client, written with ${w.compression} compression`,
          row,
          line: `${Math.round(res.recordsPerSecond)} rec/s, ${fmt(res.megabytesPerSecond)} MB/s`,
          detail: res,
        };
      });
    });
}

function registerLatency(bench: Command): void {
  workloadOptions(
    bench
      .command('latency')
      .description(
        'end-to-end latency at a fixed rate: one SDK producer at --rate records/s and a consumer following the topic; latency = receipt - produce() call (same clock), and produce-ack latency; medians over rounds',
      ),
    { records: 0 },
  )
    .option(
      '--rate <n>',
      'offered records/s (default: half of the max rate measured first on the same broker)',
      int('rate', 1),
    )
    .option(
      '--max-prefetch-bytes <n>',
      'SDK consumer maxPrefetchBytes (default 16 MiB)',
      int('max-prefetch-bytes', 1),
    )
    .action(async (o: Raw) => {
      if ((o.producers as number) !== 1) log('bench latency uses one producer; --producers is ignored');
      await runRounds('latency', o, async (r, windows) => {
        const w = workload(
          { ...o, durationS: o.records === undefined ? (o.durationS ?? 10) : undefined },
          windows,
          0,
        );
        const res = await runLatencyBench({
          ...w,
          target: o.target as string | undefined,
          brokerNodeArgs: brokerNodeArgs(o),
          partitions: o.partitions as number,
          records: w.records,
          durationS: w.durationS,
          rate: o.rate as number | undefined,
          maxPrefetchBytes: o.maxPrefetchBytes as number | undefined,
          maxRate: async (bootstrap) => {
            const topic = await createRoundTopic(bootstrap, 'maxrate', o.partitions as number, windows);
            const probe = await runSdkProduce(bootstrap, topic, {
              ...w,
              producers: 1,
              records: w.records ?? 200_000,
              durationS: undefined,
              progress: progressBar({ label: `round ${r} max-rate probe` }),
            });
            log(`round ${r}: max rate ${Math.round(probe.recordsPerSecond)} rec/s`);
            return probe.recordsPerSecond;
          },
          progress: progressBar({ label: `round ${r} ${windows} latency` }),
        });
        const title = `latency: ${res.records} x ${w.recordBytes} B at ${o.rate === undefined ? 'half the max rate' : `${res.rate} rec/s`}, acks=${w.acks}, batch ${w.batchBytes} B, linger ${w.lingerMs} ms, ${w.compression}, ${o.partitions} partition(s)`;
        const row: Row = {
          'offered rec/s': res.rate,
          'achieved rec/s': res.recordsPerSecond,
          'e2e p50 ms': res.endToEndMs?.p50,
          'e2e p99 ms': res.endToEndMs?.p99,
          'e2e p99.9 ms': res.endToEndMs?.p999,
          'e2e max ms': res.endToEndMs?.max,
          'ack p50 ms': res.latencyMs.p50,
          'ack p99 ms': res.latencyMs.p99,
          'ack p99.9 ms': res.latencyMs.p999,
          'lag p99 ms': res.scheduleLagMs.p99,
          ...brokerRow(res.broker, res.bytes, res.seconds),
        };
        return {
          title,
          row,
          line: `${res.rate} rec/s offered; e2e p50 ${fmt(res.endToEndMs?.p50, 2)} p99 ${fmt(res.endToEndMs?.p99, 2)} ms; ack p99 ${fmt(res.latencyMs.p99, 2)} ms`,
          detail: res,
        };
      });
    });
}

/** `tributary bench produce|consume|latency|compare`. */
export function registerBenchCommands(program: Command): void {
  const bench = program.command('bench').description('benchmarks (not tests): results as a table and JSON');
  registerProduce(bench);
  registerConsume(bench);
  registerLatency(bench);
  registerCompareCommand(bench);
}

import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { registerCompareCommand } from '../bench/compare.js';
import {
  type FileBaselineResult,
  type ProduceBenchOptions,
  type ProduceBenchResult,
  runFileBaseline,
  runProduceBench,
} from '../bench/produce-bench.js';
import { median } from '../bench/stats.js';

function int(name: string, min: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < min)
      throw new Error(`--${name} must be an integer >= ${min}, got ${raw}`);
    return n;
  };
}

const ACKS = { none: 'ACKS_NONE', leader: 'ACKS_LEADER', all: 'ACKS_ALL' } as const;

function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

interface Round {
  windows: ProduceBenchOptions['windows'];
  produce: ProduceBenchResult;
  baseline: FileBaselineResult;
}

/** `tributary bench produce`: broker throughput and latency beside a plain file-append baseline. */
export function registerBenchCommand(program: Command): void {
  const bench = program.command('bench').description('benchmarks (not tests): results as a table and JSON');
  registerCompareCommand(bench);
  bench
    .command('produce')
    .description(
      'produce records to one broker (started by the bench unless --target is given) and, in the same run, append the same bytes straight to a file; report medians over rounds',
    )
    .option('--target <host:port>', 'benchmark a running broker instead of starting one')
    .option('--record-bytes <n>', 'record value size', int('record-bytes', 1), 1024)
    .option('--records <n>', 'records per round', int('records', 1), 500_000)
    .option('--batch-records <n>', 'records per produce request (one batch)', int('batch-records', 1), 256)
    .option('--inflight <n>', 'produce requests in flight', int('inflight', 1), 8)
    .option('--acks <acks>', 'none | leader | all', 'leader')
    .option('--partitions <n>', 'partitions of the bench topic', int('partitions', 1), 1)
    .option('--windows <mode>', 'raised | default | both (HTTP/2 flow-control windows)', 'raised')
    .option('--rounds <n>', 'rounds; figures are medians', int('rounds', 1), 3)
    .option('--json <file>', 'also write the results as JSON here')
    .option('--cpu-prof-dir <dir>', 'run the bench broker under node --cpu-prof, writing profiles here')
    .action(async (o: Record<string, string | number | undefined>) => {
      const acks = ACKS[o.acks as keyof typeof ACKS];
      if (acks === undefined) throw new Error(`--acks must be none, leader or all, got ${o.acks}`);
      if (!['raised', 'default', 'both'].includes(String(o.windows))) {
        throw new Error(`--windows must be raised, default or both, got ${o.windows}`);
      }
      const modes: ProduceBenchOptions['windows'][] =
        o.windows === 'both' ? ['default', 'raised'] : [o.windows as 'raised'];
      const base: Omit<ProduceBenchOptions, 'windows'> = {
        recordBytes: o.recordBytes as number,
        records: o.records as number,
        batchRecords: o.batchRecords as number,
        inflight: o.inflight as number,
        acks,
        partitions: o.partitions as number,
        ...(o.target === undefined ? {} : { bootstrap: String(o.target) }),
        ...(o.cpuProfDir === undefined
          ? {}
          : { brokerNodeArgs: ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] }),
      };
      const rounds: Round[] = [];
      for (let r = 1; r <= (o.rounds as number); r++) {
        for (const windows of modes) {
          const opts: ProduceBenchOptions = {
            ...base,
            windows,
            progress: (done, total) => {
              if (process.stderr.isTTY)
                process.stderr.write(`\rround ${r} ${windows}: ${Math.floor((100 * done) / total)}%  `);
            },
          };
          const baseline = runFileBaseline(opts);
          const produce = await runProduceBench(opts);
          if (process.stderr.isTTY) process.stderr.write('\r');
          process.stderr.write(
            `round ${r} (${windows} windows): ${fmt(produce.megabytesPerSecond)} MB/s, p99 ${fmt(produce.latencyMs.p99, 2)} ms; file ${fmt(baseline.megabytesPerSecond)} MB/s\n`,
          );
          rounds.push({ windows, produce, baseline });
        }
      }
      const summary = modes.map((windows) => {
        const mine = rounds.filter((x) => x.windows === windows);
        const mbps = median(mine.map((x) => x.produce.megabytesPerSecond));
        const fileMbps = median(mine.map((x) => x.baseline.megabytesPerSecond));
        return {
          windows,
          recordsPerSecond: median(mine.map((x) => x.produce.recordsPerSecond)),
          megabytesPerSecond: mbps,
          p50Ms: median(mine.map((x) => x.produce.latencyMs.p50)),
          p99Ms: median(mine.map((x) => x.produce.latencyMs.p99)),
          p999Ms: median(mine.map((x) => x.produce.latencyMs.p999)),
          fileMegabytesPerSecond: fileMbps,
          ratioToFile: mbps / fileMbps,
          brokerCpuSecondsPerGB: median(
            mine.map((x) =>
              x.produce.broker ? x.produce.broker.cpuSeconds / (x.produce.bytes / 1e9) : Number.NaN,
            ),
          ),
          brokerRssMB: median(
            mine.map((x) => (x.produce.broker ? x.produce.broker.rssBytes / 1e6 : Number.NaN)),
          ),
        };
      });
      console.log(
        `produce: ${base.records} x ${base.recordBytes} B records, ${base.batchRecords} per request, ${base.inflight} in flight, ${o.acks} acks, ${base.partitions} partition(s); medians of ${o.rounds} rounds`,
      );
      console.table(
        summary.map((s) => ({
          windows: s.windows,
          'records/s': Math.round(s.recordsPerSecond),
          'MB/s': fmt(s.megabytesPerSecond),
          'p50 ms': fmt(s.p50Ms, 2),
          'p99 ms': fmt(s.p99Ms, 2),
          'p99.9 ms': fmt(s.p999Ms, 2),
          'file MB/s': fmt(s.fileMegabytesPerSecond),
          'ratio to file': fmt(s.ratioToFile, 2),
          'broker CPU s/GB': fmt(s.brokerCpuSecondsPerGB, 2),
          'broker RSS MB': fmt(s.brokerRssMB, 0),
        })),
      );
      if (o.json !== undefined) {
        writeFileSync(String(o.json), `${JSON.stringify({ options: base, summary, rounds }, null, 2)}\n`);
        process.stderr.write(`wrote ${o.json}\n`);
      }
    });
}

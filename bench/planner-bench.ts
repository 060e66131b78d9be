/**
 * The partition balancer's planner benchmark (docs/benchmarks.md, "Partition balancing: the planner"):
 * `npm run bench:planner` (builds, then `node dist/bench/planner-bench.js [--runs N] [--json FILE]
 * [--scenario NAME]`, the last running only the scenario so named).
 * Plans generated clusters of 10,000 partitions (100 topics x 100, RF 3) over 50 brokers, each scenario
 * `--runs` times after one warm-up run, and prints the median wall time per plan beside what the plan
 * does. Pure CPU in one process: no brokers are started. The clusters come from a seeded generator, so
 * every run plans the same input.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { planBalance } from '../broker/balance/planner.js';
import type { BalanceBroker, BalanceInput, BalancePartition, BalancePlan } from '../broker/balance/types.js';
import { assignReplicas } from '../broker/metadata/assignment.js';
import { median } from './stats.js';

const TOPICS = 100;
const PARTITIONS_PER_TOPIC = 100;
const REPLICATION_FACTOR = 3;
const BROKERS = 50;
const MiB = 1024 * 1024;

/** mulberry32: a small seeded generator, so every run plans the same clusters. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sizes spread over a factor of 20 (1-20 MiB, most near the low end), as topics of unequal traffic are. */
const sizeOf = (random: () => number) => Math.round(MiB * Math.exp(random() * 3));

const brokers = (count: number, racks = 0): BalanceBroker[] =>
  Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    rack: racks > 0 ? `zone-${i % racks}` : '',
    state: 'active' as const,
  }));

/** Placed by the controller's own rule over `over`, each topic's ring starting elsewhere. */
function placedOver(over: readonly BalanceBroker[], random: () => number): BalancePartition[] {
  const partitions: BalancePartition[] = [];
  for (let t = 0; t < TOPICS; t++) {
    const start = Math.floor(random() * over.length);
    assignReplicas(over, PARTITIONS_PER_TOPIC, REPLICATION_FACTOR, start).forEach((a, i) => {
      partitions.push({
        topic: `topic-${t}`,
        partition: i,
        replicas: a.replicas,
        leader: a.leader,
        sizeBytes: 0,
      });
    });
  }
  return partitions.map((p) => ({ ...p, sizeBytes: sizeOf(random) }));
}

/** Replicas on random brokers, a few brokers favoured (squared uniform draw): far from balanced. */
function randomlyPlaced(count: number, random: () => number): BalancePartition[] {
  const partitions: BalancePartition[] = [];
  for (let t = 0; t < TOPICS; t++) {
    for (let i = 0; i < PARTITIONS_PER_TOPIC; i++) {
      const ids = new Set<number>();
      while (ids.size < REPLICATION_FACTOR) ids.add(1 + Math.floor(random() ** 2 * count));
      const replicas = [...ids];
      partitions.push({ topic: `topic-${t}`, partition: i, replicas, leader: replicas[0]!, sizeBytes: 0 });
    }
  }
  return partitions.map((p) => ({ ...p, sizeBytes: sizeOf(random) }));
}

const SCENARIOS: Record<string, () => BalanceInput> = {
  'scale-up 45->50': () => ({ brokers: brokers(BROKERS), partitions: placedOver(brokers(45), seeded(1)) }),
  'random unbalanced': () => ({ brokers: brokers(BROKERS), partitions: randomlyPlaced(BROKERS, seeded(2)) }),
  'scale-down 50->45': () => ({
    brokers: brokers(BROKERS).map((b) => (b.id > 45 ? { ...b, state: 'leaving' as const } : b)),
    partitions: placedOver(brokers(BROKERS), seeded(3)),
  }),
  'scale-up 45->50, 3 racks': () => ({
    brokers: brokers(BROKERS, 3),
    partitions: placedOver(brokers(45, 3), seeded(4)),
  }),
};

interface Row {
  scenario: string;
  runs: number;
  medianMs: number;
  /** CPU time of the process (user + system): on a shared machine, less disturbed than wall time. */
  medianCpuMs: number;
  maxCpuMs: number;
  minMs: number;
  maxMs: number;
  moves: number;
  leaderMoves: number;
  bytesToMoveGiB: number;
  ratioToLowerBound: number;
  replicasAfter: string;
  leadersAfter: string;
  bytesAfterOfMean: string;
  unsatisfiable: number;
}

function measure(scenario: string, input: BalanceInput, runs: number): Row {
  planBalance(input); // warm-up: the first run also compiles
  const timesMs: number[] = [];
  const cpuMs: number[] = [];
  let plan: BalancePlan | undefined;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    plan = planBalance(input);
    const cpu = process.cpuUsage(cpuStarted);
    timesMs.push(performance.now() - started);
    cpuMs.push((cpu.user + cpu.system) / 1000);
  }
  const p = plan!;
  const active = new Set(input.brokers.filter((b) => b.state === 'active').map((b) => b.id));
  const after = p.after.filter((l) => active.has(l.id));
  const range = (values: number[], digits = 0) =>
    `${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)}`;
  const meanBytes = after.reduce((sum, l) => sum + l.bytes, 0) / after.length;
  return {
    scenario,
    runs,
    medianMs: median(timesMs),
    medianCpuMs: median(cpuMs),
    maxCpuMs: Math.max(...cpuMs),
    minMs: Math.min(...timesMs),
    maxMs: Math.max(...timesMs),
    moves: p.moves.length,
    leaderMoves: p.moves.filter((m) => m.kind === 'leader').length,
    bytesToMoveGiB: p.bytesToMove / 1024 ** 3,
    ratioToLowerBound: p.lowerBoundBytes > 0 ? p.bytesToMove / p.lowerBoundBytes : Number.NaN,
    replicasAfter: range(after.map((l) => l.replicas)),
    leadersAfter: range(after.map((l) => l.leaders)),
    bytesAfterOfMean: range(
      after.map((l) => l.bytes / meanBytes),
      3,
    ),
    unsatisfiable: p.unsatisfiable.length,
  };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '7' },
      json: { type: 'string' },
      scenario: { type: 'string' },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 1000)
    throw new Error(`--runs must be 1..1000, got ${values.runs}`);
  console.log(
    `planner: ${TOPICS * PARTITIONS_PER_TOPIC} partitions (RF ${REPLICATION_FACTOR}) over ${BROKERS} brokers, median of ${runs} runs; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const rows: Row[] = [];
  for (const [scenario, build] of Object.entries(SCENARIOS)) {
    if (values.scenario !== undefined && scenario !== values.scenario) continue;
    const row = measure(scenario, build(), runs);
    rows.push(row);
    console.log(
      `${scenario.padEnd(28)} median ${row.medianMs.toFixed(0).padStart(5)} ms (${row.minMs.toFixed(0)}-${row.maxMs.toFixed(0)}), cpu ${row.medianCpuMs.toFixed(0)} ms (max ${row.maxCpuMs.toFixed(0)})` +
        `  moves ${row.moves} (${row.leaderMoves} leader)  ${row.bytesToMoveGiB.toFixed(1)} GiB, ${row.ratioToLowerBound.toFixed(3)}x bound` +
        `  after: replicas ${row.replicasAfter}, leaders ${row.leadersAfter}, bytes ${row.bytesAfterOfMean} of mean`,
    );
  }
  if (values.json !== undefined) {
    const report = { at: new Date().toISOString(), node: process.version, loadAverage: loadavg(), rows };
    writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
  }
}

main();

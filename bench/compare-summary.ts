/** The figures of `tributary bench compare`: medians over rounds per system and workload, and the ratios. */
import {
  type CompareOptions,
  LABEL,
  type Peer,
  SMALL_RECORD_BYTES,
  type System,
  type SystemRound,
  topicReplication,
  type Workload,
} from './compare-rounds.js';
import type { WorkloadResult } from './peers/common.js';
import { median } from './stats.js';
import { fmt } from './summary.js';

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

import type { BrokerResources } from './harness.js';
import { median, ratio } from './stats.js';

/** One round's figures, flat: metric name -> value (undefined when not measured). */
export type Row = Record<string, number | undefined>;

/** The median of every metric over rounds (metrics missing or NaN in a round are skipped). */
export function medianRow(rounds: readonly Row[]): Row {
  const keys = [...new Set(rounds.flatMap((r) => Object.keys(r)))];
  return Object.fromEntries(
    keys.map((k) => {
      const m = median(rounds.map((r) => r[k]));
      return [k, Number.isFinite(m) ? m : undefined];
    }),
  );
}

/** `a[k] / b[k]` for every metric of `a` (undefined where either side is missing or b is 0). */
export function ratioRow(a: Row, b: Row): Row {
  return Object.fromEntries(
    Object.keys(a).map((k) => {
      const r = ratio(a[k], b[k]);
      return [k, Number.isFinite(r) ? r : undefined];
    }),
  );
}

/** Broker resource metrics of a round: idle and peak RSS in MB, CPU seconds, per GB and % of a core. */
export function brokerRow(b: BrokerResources | undefined, bytes: number, seconds: number): Row {
  const cpu = b?.cpuSeconds;
  return {
    'broker idle RSS MB': b?.idleRssBytes === undefined ? undefined : b.idleRssBytes / 1e6,
    'broker peak RSS MB': b?.peakRssBytes === undefined ? undefined : b.peakRssBytes / 1e6,
    'broker CPU s': cpu,
    'broker CPU s/GB': cpu === undefined || bytes === 0 ? undefined : cpu / (bytes / 1e9),
    'broker CPU %': cpu === undefined || seconds === 0 ? undefined : (100 * cpu) / seconds,
  };
}

/** Digits to print per metric, by its name: the first test that matches wins, else 1. */
const METRIC_DIGITS: ReadonlyArray<readonly [digits: number, matches: (metric: string) => boolean]> = [
  [0, (m) => m.endsWith('records/s') || m.endsWith('rec/s') || m.includes('RSS') || m.endsWith('%')],
  [2, (m) => m.endsWith(' ms') || m.includes('/GB') || m.startsWith('ratio') || m.endsWith('CPU s')],
];

export function digitsFor(metric: string): number {
  return METRIC_DIGITS.find(([, matches]) => matches(metric))?.[0] ?? 1;
}

export function fmt(n: number | undefined, digits = 1): string {
  return n !== undefined && Number.isFinite(n) ? n.toFixed(digits) : '-';
}

/** A row formatted for console.table. */
export function formatRow(row: Row): Record<string, string> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, fmt(v, digitsFor(k))]));
}

/** A commander option parser for integers of at least `min`, naming the option in its error. */

import { percentile as nearestRank } from '../../bench/stats.js';
import type { AckedRecord } from './fault-workload.js';

/** An acknowledged record with the time it was sent: its latency is `ackedAtMs - sentAtMs`. */
export interface TimedAck extends AckedRecord {
  sentAtMs: number;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  // The benchmark lab's nearest-rank rule, so every figure in docs/benchmarks.md is computed one way.
  return nearestRank(
    [...values].sort((a, b) => a - b),
    p,
  );
}

/** The longest time between two consecutive acknowledgements within [fromMs, toMs]. */
export function longestStallMs(acks: readonly TimedAck[], fromMs: number, toMs: number): number {
  const times = acks
    .map((a) => a.ackedAtMs)
    .filter((t) => t >= fromMs && t <= toMs)
    .sort((a, b) => a - b);
  let longest = 0;
  let prev = fromMs;
  for (const t of [...times, toMs]) {
    longest = Math.max(longest, t - prev);
    prev = t;
  }
  return longest;
}

/** Send-to-acknowledgement latencies of the records acknowledged within [fromMs, toMs]. */
export function latenciesMs(acks: readonly TimedAck[], fromMs: number, toMs: number): number[] {
  return acks
    .filter((a) => a.ackedAtMs >= fromMs && a.ackedAtMs <= toMs)
    .map((a) => a.ackedAtMs - a.sentAtMs);
}

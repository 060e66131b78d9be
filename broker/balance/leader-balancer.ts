import type { BalanceModel } from './balance-model.js';
import { outsideBand } from './bytes-balancer.js';

/**
 * Step 4 of the planner (planner.ts): preferred leaders within one per active broker, by reordering replica
 * lists where that suffices (a leadership change moves no data). A broker d with the most leaderships looks
 * for a chain d -> u1 -> ... -> v (breadth first): d leads a partition u1 holds, u1 leads one u2 holds,
 * ..., ending at a broker v leading at least two fewer than d; shifting each partition's leadership one
 * step along the chain leaves every broker in between with as many as before, d with one fewer and v with
 * one more, so the sum of squared counts falls and the loop ends. Partitions the plan already changes are
 * tried first: reordering them costs no extra move. Preferred leaders on cordoned brokers stay.
 *
 * When no chain reaches such a v (the replicas the brokers hold do not allow it: say d leads partitions
 * whose other replicas are all on cordoned brokers), a replica moves: a broker u that the chains from d
 * reach hands a partition it leads to v, its replica moving to v (v leads it), and when the counts must
 * stay as they are, v hands u a replica it follows in exchange. Of those that keep the hard goals and the
 * counts within one: one that takes no broker further outside the bytes band, then the fewest bytes.
 */

/** A bound on chains shifted per pass, far above what balancing needs. */
const SHIFTS_PER_PARTITION_MAX = 4;
/** Replicas tried per broker pair when a replica must move: a bound on the cost of the search. */
const RELOCATION_CANDIDATES_MAX = 32;

/** Returns how many changes it made: chains shifted plus replicas moved. */
export function balanceLeaders(m: BalanceModel, meanBytes: number): number {
  if (m.active.length < 2) return 0;
  const shiftsMax = SHIFTS_PER_PARTITION_MAX * m.partitionCount + 16;
  let changes = 0;
  for (let shift = 0; shift < shiftsMax; shift++) {
    const order = [...m.active].sort((a, b) => m.leads[b]! - m.leads[a]! || a - b);
    const least = m.leads[order[order.length - 1]!]!;
    const stuck: { d: number; reached: Parents }[] = [];
    let shifted = false;
    for (const d of order) {
      if (m.leads[d]! - least < 2) break;
      const { end, reached } = chainFrom(m, d);
      if (end < 0) {
        stuck.push({ d, reached });
        continue;
      }
      shiftAlong(m, reached, end);
      changes++;
      shifted = true;
      break;
    }
    if (!shifted) {
      const relocated = stuck.reduce((done, { d, reached }) => done || relocate(m, d, reached, meanBytes), 0);
      if (relocated === 0) break;
      changes += relocated;
    }
  }
  return changes;
}

/** Per broker reached from d: the broker before it on the chain and the partition whose leadership shifts. */
type Parents = Map<number, { from: number; partition: number }>;

/** Breadth first from d; `end` is a broker leading at least two fewer than d, or -1 if none is reached. */
function chainFrom(m: BalanceModel, d: number): { end: number; reached: Parents } {
  const reached: Parents = new Map([[d, { from: -1, partition: -1 }]]);
  const queue = [d];
  for (let i = 0; i < queue.length; i++) {
    const u = queue[i]!;
    for (const preferChanged of [1, 0]) {
      for (const p of m.led[u]!) {
        if (m.changed[p] !== preferChanged) continue;
        for (const v of m.replicas[p]!) {
          if (reached.has(v) || !m.isActive(v)) continue;
          reached.set(v, { from: u, partition: p });
          if (m.leads[v]! <= m.leads[d]! - 2) return { end: v, reached };
          queue.push(v);
        }
      }
    }
  }
  return { end: -1, reached };
}

/** Shifts each leadership on the chain from its root to `end` one step towards `end`. */
function shiftAlong(m: BalanceModel, reached: Parents, end: number): void {
  for (let v = end; ; ) {
    const step = reached.get(v)!;
    if (step.from < 0) return;
    m.setPreferred(step.partition, v);
    v = step.from;
  }
}

interface Relocation {
  u: number;
  v: number;
  /** The partition u leads that moves to v, and the one v follows that moves to u (-1: none). */
  led: number;
  back: number;
  cost: number;
  /** Whether it takes u or v further outside the bytes band. */
  worsens: boolean;
}

/** The replica move described in the header; returns the replicas moved (0: none possible). */
function relocate(m: BalanceModel, d: number, reached: Parents, meanBytes: number): number {
  const bySize = (a: number, b: number) => m.sizes[a]! - m.sizes[b]! || a - b;
  const receivers = m.active.filter((v) => m.leads[v]! <= m.leads[d]! - 2);
  const followed = new Map(
    receivers.map((v) => [
      v,
      [...m.held[v]!]
        .filter((q) => m.replicas[q]![0] !== v)
        .sort(bySize)
        .slice(0, RELOCATION_CANDIDATES_MAX),
    ]),
  );
  // Leaders come before bytes (planner.ts), so a move may push bytes out of the band; one that does not
  // wins over any that does, then the fewest bytes.
  const worsens = (u: number, v: number, delta: number) =>
    outsideBand(m.bytes[u]! - delta, meanBytes) > outsideBand(m.bytes[u]!, meanBytes) ||
    outsideBand(m.bytes[v]! + delta, meanBytes) > outsideBand(m.bytes[v]!, meanBytes);
  const rank = (r: Relocation) => (r.worsens ? Number.MAX_SAFE_INTEGER / 2 : 0) + r.cost;
  let best: Relocation | null = null;
  const consider = (r: Relocation) => {
    if (best === null || rank(r) < rank(best)) best = r;
  };
  for (const u of reached.keys()) {
    const led = [...m.led[u]!].sort(bySize).slice(0, RELOCATION_CANDIDATES_MAX);
    for (const v of receivers) {
      for (const p of led) {
        if (!m.canPlace(p, u, v)) continue;
        const topicOk = m.keepsTopicSpread(p, u, v);
        const size = m.sizes[p]!;
        if (topicOk && m.counts[u]! > m.counts[v]!) {
          consider({ u, v, led: p, back: -1, cost: size, worsens: worsens(u, v, size) });
          continue;
        }
        for (const q of followed.get(v)!) {
          const sameTopic = m.topicOf[q] === m.topicOf[p];
          if (!sameTopic && !(topicOk && m.keepsTopicSpread(q, v, u))) continue;
          if (!m.canPlace(q, v, u)) continue;
          const delta = size - m.sizes[q]!;
          consider({ u, v, led: p, back: q, cost: size + m.sizes[q]!, worsens: worsens(u, v, delta) });
          break;
        }
      }
    }
  }
  const chosen = best as Relocation | null;
  if (chosen === null) return 0;
  shiftAlong(m, reached, chosen.u);
  m.moveReplica(chosen.led, chosen.u, chosen.v);
  if (chosen.back < 0) return 1;
  m.moveReplica(chosen.back, chosen.v, chosen.u);
  return 2;
}

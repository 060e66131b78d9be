import type { BalanceModel } from './balance-model.js';

/**
 * Step 3 of the planner (planner.ts): bytes on disk within BYTES_TOLERANCE of the mean over the active
 * brokers, where partition sizes allow. While a broker is outside that band, the best transfer between a
 * broker above the mean and one below it (one of the two outside the band): a single replica move where
 * the counts allow it (the donor holds more replicas, and more of the topic), else a swap of two replicas
 * (one of the same topic, or of topics each side holds more of: counts stay within one); a preferred
 * leadership it hands over must not spread leaders further apart either. A transfer is
 * taken only if it lowers the bytes outside the band (the sum over brokers of how far each lies beyond
 * it), and is at most the two brokers' difference, so the sum of squared deviations falls too and the
 * pass ends. Of the candidates, the transfer nearest to what the pair needs, then the fewest bytes copied.
 */

/** A broker is balanced in bytes within this fraction of the mean. */
export const BYTES_TOLERANCE = 0.1;
/** Two byte transfers this close (as a share of the mean) are equally good; the cheaper one wins. */
const TRANSFER_SLACK_SHARE = 0.02;
/** A bound on planning steps per pass, far above what balancing needs. */
const STEPS_PER_REPLICA_MAX = 4;

/** How far `bytes` lies outside the band around `mean`. */
export function outsideBand(bytes: number, mean: number): number {
  return Math.max(0, Math.abs(bytes - mean) - BYTES_TOLERANCE * mean);
}

/** Returns how many replicas it moved. */
export function balanceBytes(m: BalanceModel, meanBytes: number): number {
  if (m.active.length < 2 || meanBytes <= 0) return 0;
  const stepsMax = STEPS_PER_REPLICA_MAX * m.replicaCount + 16;
  let moved = 0;
  for (let step = 0; step < stepsMax; step++) {
    const order = [...m.active].sort((a, b) => m.bytes[b]! - m.bytes[a]! || a - b);
    const lastMoved = transferOne(m, order, meanBytes);
    if (lastMoved === 0) break;
    moved += lastMoved;
  }
  return moved;
}

/**
 * Transfers between the first pair that has one, and goes on with that pair while one of the two is still
 * outside the band. Each receiver's replicas are sorted once per call and serve every pair it is in; an
 * entry a transfer made stale is skipped when met. Returns the replicas moved.
 */
function transferOne(m: BalanceModel, order: readonly number[], mean: number): number {
  const sorted = new Map<number, Returnable>();
  for (const d of order) {
    if (m.bytes[d]! <= mean) return 0;
    for (let i = order.length - 1; i >= 0; i--) {
      const r = order[i]!;
      if (m.bytes[r]! >= mean) break;
      if (!m.mayReach(d, r)) continue;
      const backs = sorted.get(r) ?? returnable(m, r);
      sorted.set(r, backs);
      let moved = 0;
      while (m.bytes[d]! > mean && m.bytes[r]! < mean) {
        if (outsideBand(m.bytes[d]!, mean) === 0 && outsideBand(m.bytes[r]!, mean) === 0) break;
        const t = bestTransfer(m, d, r, mean, backs);
        if (t === null) break;
        m.moveReplica(t.out, d, r);
        if (t.back >= 0) m.moveReplica(t.back, r, d);
        moved += t.back >= 0 ? 2 : 1;
      }
      if (moved > 0) return moved;
    }
  }
  return 0;
}

interface Transfer {
  /** The partition whose replica goes d -> r, and the one coming back r -> d (-1: none). */
  out: number;
  back: number;
  /** How far the transfer is from the wanted one, in slack units; then the bytes copied. */
  miss: number;
  cost: number;
}

function better(a: Transfer | null, b: Transfer): boolean {
  return a === null || b.miss < a.miss || (b.miss === a.miss && b.cost < a.cost);
}

function bestTransfer(
  m: BalanceModel,
  d: number,
  r: number,
  mean: number,
  backs: Returnable,
): Transfer | null {
  const want = Math.min(m.bytes[d]! - mean, mean - m.bytes[r]!);
  const outside = outsideBand(m.bytes[d]!, mean) + outsideBand(m.bytes[r]!, mean);
  const slack = Math.max(TRANSFER_SLACK_SHARE * mean, Number.MIN_VALUE);
  // Worth taking: lowers the bytes outside the band.
  const useful = (x: number) =>
    x > 0 && outsideBand(m.bytes[d]! - x, mean) + outsideBand(m.bytes[r]! + x, mean) < outside;
  const miss = (x: number) => Math.floor(Math.abs(x - want) / slack);
  const moveAllowed = m.counts[d]! > m.counts[r]!;
  // Leaderships the transfer hands from d to r must not spread leaders further apart (step 4 came first).
  const leadersOk = (handed: number) =>
    handed === 0 || (handed > 0 ? m.leads[d]! > m.leads[r]! : m.leads[r]! > m.leads[d]!);
  let best: Transfer | null = null;
  for (const p of m.held[d]!) {
    const size = m.sizes[p]!;
    if (size <= 0 || !m.canPlace(p, d, r)) continue;
    const topicAllowed = m.keepsTopicSpread(p, d, r);
    const handed = m.leadershipMoved(p, d);
    if (moveAllowed && topicAllowed && leadersOk(handed) && useful(size)) {
      const single = { out: p, back: -1, miss: miss(size), cost: size };
      if (better(best, single)) best = single;
    }
    // Any of r's replicas may come back when p's topic may leave d (else only one of p's topic): one of
    // the same topic, or one whose topic r holds more of than d.
    const t = m.topicOf[p]!;
    const backOk = (q: number) =>
      m.replicas[q]!.includes(r) &&
      m.canPlace(q, r, d) &&
      (m.topicOf[q] === t || m.keepsTopicSpread(q, r, d));
    const list = topicAllowed ? backs.all : backs.byTopic.get(t);
    if (list === undefined) continue;
    for (const q of nearest(m, list, size - want, backOk)) {
      const x = size - m.sizes[q]!;
      if (!useful(x) || !leadersOk(handed - m.leadershipMoved(q, r))) continue;
      const swap = { out: p, back: q, miss: miss(x), cost: size + m.sizes[q]! };
      if (better(best, swap)) best = swap;
    }
  }
  return best;
}

interface Returnable {
  /** r's replicas sorted by size: per topic, and all of them. */
  byTopic: Map<number, number[]>;
  all: number[];
}

function returnable(m: BalanceModel, r: number): Returnable {
  const byTopic = new Map<number, number[]>();
  const all = [...m.held[r]!];
  const bySize = (a: number, b: number) => m.sizes[a]! - m.sizes[b]! || a - b;
  all.sort(bySize);
  for (const q of all) {
    const list = byTopic.get(m.topicOf[q]!) ?? [];
    byTopic.set(m.topicOf[q]!, list);
    list.push(q);
  }
  return { byTopic, all };
}

/** How far `nearest` looks on each side for an entry that passes its test. */
const NEAREST_LOOK_MAX = 8;

/** The entries of `sorted` (by size) nearest `size` on either side that pass `ok`. */
function nearest(
  m: BalanceModel,
  sorted: readonly number[],
  size: number,
  ok: (q: number) => boolean,
): number[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (m.sizes[sorted[mid]!]! < size) lo = mid + 1;
    else hi = mid;
  }
  const found: number[] = [];
  for (let i = lo - 1; i >= Math.max(0, lo - NEAREST_LOOK_MAX); i--) {
    if (ok(sorted[i]!)) {
      found.push(sorted[i]!);
      break;
    }
  }
  for (let i = lo; i < Math.min(sorted.length, lo + NEAREST_LOOK_MAX); i++) {
    if (ok(sorted[i]!)) {
      found.push(sorted[i]!);
      break;
    }
  }
  return found;
}

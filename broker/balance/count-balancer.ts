import type { BalanceModel } from './balance-model.js';

/**
 * Step 2 of the planner (planner.ts): replica counts within one over the active brokers, per topic, then
 * overall. A replica moves from a broker with the most to one with at least two fewer (so the sum of
 * squared counts falls and the pass ends), never making a topic's spread worse and always keeping the hard
 * goals (`BalanceModel.canPlace`). When no replica can go straight from the one to the other (every
 * candidate's partition already has a replica on the receiver or in its rack), it goes through a third
 * broker whose count ends unchanged: one replica moves d -> x, another x -> r.
 *
 * Which replica: the one whose size best keeps both brokers' bytes near the mean, smallest first where
 * that allows (least data moved). The receiver should end within FILL_LOW..FILL_HIGH of the mean bytes
 * after taking what it still needs, and the donor likewise after giving what it must; the ideal size is
 * the least that satisfies both, or halfway between their wishes when they conflict. A donor that must
 * give away more of the scope than it keeps (a broker holding several times its share) instead keeps the
 * replicas nearest its share's average size and gives the others, furthest first: giving those nearest
 * the ideal would leave it holding the extremes, far from the mean in bytes.
 */

/**
 * Receivers fill to (and donors come down to) this band around the mean bytes: inside the 10% band with
 * a margin, and low enough that a receiver takes little more than the least it must (lower-bound.ts
 * counts 0.9 of the mean).
 */
const FILL_LOW = 0.92;
const FILL_HIGH = 1.08;
/** A bound on planning steps per pass, far above what balancing needs (each step strictly improves). */
const STEPS_PER_REPLICA_MAX = 4;
/** Broker pairs tried through a third broker per step: a bound on the cost of a pass that is stuck. */
const DETOUR_PAIRS_MAX = 8;

/** Returns how many replicas it moved. */
export function balanceReplicaCounts(m: BalanceModel, meanBytes: number): number {
  let moved = 0;
  for (let t = 0; t < m.topics.length; t++) moved += balanceCounts(m, t, meanBytes);
  return moved + balanceCounts(m, -1, meanBytes);
}

interface Pass {
  readonly m: BalanceModel;
  /** A topic's index, or -1 for all topics. */
  readonly scope: number;
  readonly key: ArrayLike<number>;
  readonly meanBytes: number;
  /** Replicas on active brokers per active broker: overall, and in the scope. */
  readonly share: number;
  readonly keyShare: number;
  /**
   * Broker pairs (d x brokers + r) known to have no replica d may hand r straight, and pairs known to have
   * no detour. A stuck pass would otherwise search every pair again at every step. A direct pair stays
   * blocked until a move changes what d holds, what r holds, or a partition d holds (that is all its
   * answer reads); any move unblocks every detour.
   */
  readonly blocked: Uint8Array;
  readonly detourBlocked: Uint8Array;
}

function balanceCounts(m: BalanceModel, scope: number, meanBytes: number): number {
  const brokers = m.active;
  if (brokers.length < 2) return 0;
  const key = scope >= 0 ? m.topicCounts[scope]! : m.counts;
  const share = brokers.reduce((sum, b) => sum + m.counts[b]!, 0) / brokers.length;
  const cells = m.brokerIds.length ** 2;
  const blocked = new Uint8Array(cells);
  const keyShare = brokers.reduce((sum, b) => sum + key[b]!, 0) / brokers.length;
  const detourBlocked = new Uint8Array(cells);
  const pass: Pass = { m, scope, key, meanBytes, share, keyShare, blocked, detourBlocked };
  // Donors: most first, ties to the most replicas overall, then bytes; receivers the other way round.
  const before = (a: number, b: number) =>
    key[a]! - key[b]! || m.counts[a]! - m.counts[b]! || m.bytes[a]! - m.bytes[b]! || a - b;
  const stepsMax = STEPS_PER_REPLICA_MAX * m.replicaCount + 16;
  let moved = 0;
  for (; moved < stepsMax; moved++) {
    let d = brokers[0]!;
    let r = d;
    for (const b of brokers) {
      if (before(b, d) > 0) d = b;
      if (before(b, r) < 0) r = b;
    }
    if (key[d]! - key[r]! <= 1) break;
    // The usual case moves from the fullest to the emptiest; only when that pair has no candidate are the
    // other pairs tried, fullest donors and emptiest receivers first.
    const p = candidate(pass, d, r);
    if (p >= 0) move(pass, p, d, r);
    else if (
      !moveOne(
        pass,
        [...brokers].sort((a, b) => before(b, a)),
        [...brokers].sort(before),
      )
    )
      break;
  }
  return moved;
}

function moveOne(pass: Pass, donors: readonly number[], receivers: readonly number[]): boolean {
  const { m, key } = pass;
  const pairs: [number, number][] = [];
  for (const d of donors) {
    for (const r of receivers) {
      if (key[d]! - key[r]! < 2) break;
      const p = candidate(pass, d, r);
      if (p >= 0) {
        move(pass, p, d, r);
        return true;
      }
      if (pass.detourBlocked[d * m.brokerIds.length + r] === 0) pairs.push([d, r]);
    }
  }
  return pairs.slice(0, DETOUR_PAIRS_MAX).some(([d, r]) => moveByDetour(pass, d, r));
}

/** d -> x -> r for some third active broker x (whose counts end as they were). */
function moveByDetour(pass: Pass, d: number, r: number): boolean {
  const { m } = pass;
  for (const x of m.active) {
    if (x === d || x === r || !m.mayReach(x, r)) continue;
    const p = candidate(pass, d, x);
    if (p < 0) continue;
    move(pass, p, d, x, false);
    const q = candidate(pass, x, r);
    if (q >= 0) {
      move(pass, q, x, r);
      return true;
    }
    move(pass, p, x, d, false);
  }
  pass.detourBlocked[d * m.brokerIds.length + r] = 1;
  return false;
}

/** `pickReplica`, remembering a pair that has none. */
function candidate(pass: Pass, d: number, r: number): number {
  const cell = d * pass.m.brokerIds.length + r;
  if (pass.blocked[cell] === 1) return -1;
  const p = pickReplica(pass, d, r);
  if (p < 0) pass.blocked[cell] = 1;
  return p;
}

/** Moves the replica and unblocks the pairs whose answer it may change (see `Pass`). */
function move(pass: Pass, p: number, from: number, to: number, settled = true): void {
  const { m, blocked } = pass;
  const width = m.brokerIds.length;
  for (const b of [...m.replicas[p]!, to]) blocked.fill(0, b * width, (b + 1) * width);
  for (let d = 0; d < width; d++) {
    blocked[d * width + from] = 0;
    blocked[d * width + to] = 0;
  }
  m.moveReplica(p, from, to);
  if (settled) pass.detourBlocked.fill(0);
}

/** The replica of d to move to r: allowed by the scope and the hard goals, its size closest to the ideal. */
function pickReplica(pass: Pass, d: number, r: number): number {
  const { m, scope } = pass;
  if (!m.mayReach(d, r)) return -1;
  const ideal = idealSize(pass, d, r);
  // A donor that gives away more of the scope than it keeps chooses what it keeps: replicas near the
  // average size of its share, giving the furthest from it first (else it would keep the extremes).
  const keep = Math.ceil(pass.keyShare);
  const keepsFew = pass.key[d]! - keep > keep;
  const keptSize = pass.meanBytes / Math.max(pass.share, 1);
  let best = -1;
  let bestScore = Number.POSITIVE_INFINITY;
  const consider = (p: number) => {
    const size = m.sizes[p]!;
    const score = keepsFew ? -Math.abs(size - keptSize) : Math.abs(size - ideal);
    if (score > bestScore || (score === bestScore && size >= m.sizes[best]!)) return;
    if (!m.canPlace(p, d, r)) return;
    best = p;
    bestScore = score;
  };
  if (scope >= 0) {
    // A topic's partitions are fewer than a broker's replicas: scan those when the scope is one topic.
    for (let p = m.topicStart[scope]!; p < m.topicStart[scope + 1]!; p++) {
      if (m.replicas[p]!.includes(d)) consider(p);
    }
  } else {
    for (const p of m.held[d]!) if (m.keepsTopicSpread(p, d, r)) consider(p);
  }
  return best;
}

function idealSize(pass: Pass, d: number, r: number): number {
  const { m, meanBytes: mean, share } = pass;
  const need = Math.max(1, Math.floor(share) - m.counts[r]!);
  const excess = Math.max(1, m.counts[d]! - Math.ceil(share));
  const low = Math.max(0, (FILL_LOW * mean - m.bytes[r]!) / need, (m.bytes[d]! - FILL_HIGH * mean) / excess);
  const high = Math.min((FILL_HIGH * mean - m.bytes[r]!) / need, (m.bytes[d]! - FILL_LOW * mean) / excess);
  return low <= high ? low : (low + Math.max(0, high)) / 2;
}

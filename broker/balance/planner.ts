/**
 * The partition balancer's planner (docs/architecture.md, "Partition balancing: the planner"): a pure
 * function from the cluster's brokers and partitions to an ordered list of moves. Deterministic: the same
 * input, in any order, gives the same plan. It starts from the current assignment and changes only what a
 * goal asks for. Goals by priority: (1) hard goals, (2) replica counts, (3) leaders, (4) bytes, (5) least
 * data moved. The steps:
 *
 * 1. Repair (hard goals), partition by partition: replicas on distinct brokers; none on a leaving broker
 *    or on one the input does not name (gone: its replicas are lost; a partition with none left has
 *    nothing to copy from and is only reported); `replicationFactor` replicas (missing ones added, surplus
 *    ones dropped); at most `maxPerRack` per rack, the even spread the racks allow
 *    (balance-model.ts). A replica that must go is replaced in place (its role as preferred leader passes
 *    to the newcomer) by the active broker, rack permitting, with the fewest replicas of the topic, then
 *    of all topics, then bytes. Cordoned brokers take nothing new and keep what they hold, unless a rack
 *    holds too many. When no broker can take a replica (the replication factor exceeds the brokers that
 *    can hold it) the replica stays, even on a leaving broker (which then at least loses the preferred
 *    leadership): nothing is made worse, and `unsatisfiable` says why.
 * 2. Replica counts within one over the active brokers, per topic then overall (count-balancer.ts): one
 *    replica at a time from a broker with the most to one with at least two fewer, never spreading a topic
 *    further, through a third broker when no replica can go straight. Of the candidates, the one whose size
 *    keeps both brokers' bytes near the mean, the smallest where that allows (least data moved).
 * 3. Bytes within 10% of the mean, where sizes allow (bytes-balancer.ts): single moves the counts allow,
 *    else swaps of two replicas, neither spreading counts nor preferred leaders further.
 * 4. Preferred leaders within one (leader-balancer.ts): by reordering replica lists (a leadership change,
 *    no data), and only when the placement allows no such change, by the cheapest replica move, even one
 *    that costs bytes balance (leaders rank above bytes).
 *    Leaders come last because reordering is free and fits any placement; steps 2-4 then run again until a
 *    round changes nothing (a swap for bytes can free a rack for a count move, balanced leaders can free a
 *    leader's replica to move for bytes), so the plan leaves nothing that a second plan would still do.
 * 5. The moves: one per changed partition, `leader` when only the preferred leader changed, else `reassign`
 *    (its `to[0]` is the preferred leader step 4 chose). Ordered: repairs first (off leaving or gone
 *    brokers, missing replicas), then moves onto brokers that held nothing, then the other reassignments,
 *    then leadership changes; within each group the smallest partitions first, taken round robin over the
 *    receiving brokers, so consecutive moves land on different brokers (the executor caps moves per
 *    broker). `maxMoves` keeps a prefix of that order; `after` is what the prefix reaches.
 *
 * Loads count `leaders` as preferred leaderships (replicas[0]): what a plan decides. Every step strictly
 * lowers a measure (squared counts, bytes outside the band, squared leaderships) and has a step bound, so
 * planning ends. `lowerBoundBytes` is defined in lower-bound.ts. Cost: about (moves x replicas per
 * broker) for steps 2-3 and (leader shifts x replicas) for step 4; docs/benchmarks.md has the figures.
 */
import { BalanceModel } from './balance-model.js';
import { balanceBytes } from './bytes-balancer.js';
import { balanceReplicaCounts } from './count-balancer.js';
import { balanceLeaders } from './leader-balancer.js';
import { lowerBoundBytes } from './lower-bound.js';
import type { BalanceInput, BalanceMove, BalanceOptions, BalancePlan, BrokerLoad } from './types.js';

/** Rounds of steps 2-4; in practice the second or third finds nothing left to do. */
const ROUNDS_MAX = 8;

export function planBalance(input: BalanceInput, options: BalanceOptions = {}): BalancePlan {
  const maxMoves = options.maxMoves ?? Number.POSITIVE_INFINITY;
  if (!(maxMoves >= 0)) throw new Error(`maxMoves must be at least 0, got ${maxMoves}`);
  const m = new BalanceModel(input);
  const repaired = repair(m);
  const activeBytes = m.active.reduce((sum, b) => sum + m.bytes[b]!, 0);
  const meanBytes = m.active.length === 0 ? 0 : activeBytes / m.active.length;
  // Steps 2-4 again until a round changes nothing: a step can open a move another found blocked (a swap
  // for bytes frees a rack for a count move, balanced leaders free a leader replica to move for bytes),
  // and the plan must leave nothing that a second plan would still do.
  for (let round = 0; round < ROUNDS_MAX; round++) {
    const changes = balanceReplicaCounts(m, meanBytes) + balanceBytes(m, meanBytes);
    if (changes + balanceLeaders(m, meanBytes) === 0) break;
  }
  const before = m.partitions.map((p) => p.replicas);
  const beforeLoads = loadsOf(input, m, before);
  const moves = orderMoves(m, movesOf(m), repaired, beforeLoads).slice(0, maxMoves);
  const after = applyMoves(m, before, moves);
  let bytesToMove = 0;
  for (const move of moves) if (move.kind === 'reassign') bytesToMove += move.bytes;
  return {
    moves,
    bytesToMove,
    // Whole bytes (a share of the mean may be fractional): it travels as an int64. Down, so it stays a bound.
    lowerBoundBytes: Math.floor(lowerBoundBytes(m, before, after)),
    before: beforeLoads,
    after: loadsOf(input, m, after),
    unsatisfiable: unsatisfiable(m),
  };
}

/** Step 1 for every partition; marks the partitions it changed. */
function repair(m: BalanceModel): Uint8Array {
  const repaired = new Uint8Array(m.partitionCount);
  for (let p = 0; p < m.partitionCount; p++) {
    const list = m.replicas[p]!;
    // Every replica lost: there is nothing to copy from, so nothing to plan (`unsatisfiable` says so).
    if (list.every((b) => m.states[b] === 'gone')) continue;
    const rf = m.replicationFactors[p]!;
    const keepers = list.filter((b) => m.states[b] === 'active' || m.states[b] === 'cordoned');
    const leavers = list.filter((b) => !keepers.includes(b));
    const surplus: number[] = [];
    while (keepers.length > rf) surplus.push(takeWorst(m, p, keepers, (b) => m.states[b] === 'cordoned'));
    const crowded = overRackLimit(m, p, keepers);
    let slots = rf - keepers.length;
    for (const b of [...leavers, ...crowded]) {
      if (slots <= 0) {
        m.removeReplica(p, b);
        continue;
      }
      slots--;
      const to = pickTarget(m, p, b);
      if (to >= 0) m.moveReplica(p, b, to);
    }
    for (const b of surplus) m.removeReplica(p, b);
    for (; slots > 0; slots--) {
      const to = pickTarget(m, p, -1);
      if (to < 0) break;
      m.addReplica(p, to);
    }
    // A replica left on a leaving broker (nowhere to go) at least gives up the preferred leadership.
    const leader = list.find((b) => m.isActive(b)) ?? list.find((b) => m.states[b] === 'cordoned');
    if (!m.mayHold(m.brokerIds[list[0]!]!) && leader !== undefined) m.setPreferred(p, leader);
    if (m.changed[p]) repaired[p] = 1;
  }
  return repaired;
}

/** Removes from `among` and returns the replica to give up first: per `first`, then the busiest broker. */
function takeWorst(m: BalanceModel, p: number, among: number[], first: (b: number) => boolean): number {
  let worst = among[among.length - 1]!;
  const rank = (b: number) => [first(b) ? 1 : 0, m.rackLoad(p, m.rackOf[b]!), m.counts[b]!, b];
  for (const b of among) {
    const [x, y] = [rank(b), rank(worst)];
    const i = x.findIndex((v, k) => v !== y[k]);
    if (i >= 0 && x[i]! > y[i]!) worst = b;
  }
  among.splice(among.indexOf(worst), 1);
  return worst;
}

/** Removes from `keepers` and returns replicas beyond their rack's limit (active ones go first). */
function overRackLimit(m: BalanceModel, p: number, keepers: number[]): number[] {
  const crowded: number[] = [];
  const limit = m.maxPerRack[p]!;
  for (const rack of new Set(keepers.map((b) => m.rackOf[b]!))) {
    const inRack = keepers.filter((b) => m.rackOf[b] === rack);
    while (inRack.length > limit) {
      const b = takeWorst(m, p, inRack, (x) => m.isActive(x));
      keepers.splice(keepers.indexOf(b), 1);
      crowded.push(b);
    }
  }
  return crowded;
}

/** The active broker to take partition p's replica from `from` (-1: a new one); -1 when none may. */
function pickTarget(m: BalanceModel, p: number, from: number): number {
  const topic = m.topicCounts[m.topicOf[p]!]!;
  let best = -1;
  for (const b of m.active) {
    if (!m.canPlace(p, from, b)) continue;
    if (
      best < 0 ||
      topic[b]! < topic[best]! ||
      (topic[b] === topic[best] &&
        (m.counts[b]! < m.counts[best]! || (m.counts[b] === m.counts[best] && m.bytes[b]! < m.bytes[best]!)))
    ) {
      best = b;
    }
  }
  return best;
}

/** One move per partition the plan changed (step 5), unordered. */
function movesOf(m: BalanceModel): BalanceMove[] {
  const moves: BalanceMove[] = [];
  for (let p = 0; p < m.partitionCount; p++) {
    if (!m.changed[p]) continue;
    const { topic, partition, replicas: from } = m.partitions[p]!;
    const to = m.replicas[p]!.map((b) => m.brokerIds[b]!);
    const sameSet =
      to.length === from.length && new Set(from).size === from.length && to.every((id) => from.includes(id));
    if (!sameSet) {
      const bytes = m.sizes[p]! * to.filter((id) => !from.includes(id)).length;
      moves.push({ kind: 'reassign', topic, partition, from: [...from], to, bytes });
    } else if (to[0] !== from[0]) {
      moves.push({ kind: 'leader', topic, partition, from: from[0]!, to: to[0]! });
    }
  }
  return moves;
}

/** Step 5's order: groups by kind, smallest first within a group, round robin over receiving brokers. */
function orderMoves(
  m: BalanceModel,
  moves: readonly BalanceMove[],
  repaired: Uint8Array,
  before: readonly BrokerLoad[],
): BalanceMove[] {
  const empty = new Set(before.filter((l) => l.replicas === 0).map((l) => l.id));
  const groups = [0, 1, 2, 3].map(() => new Map<number, { move: BalanceMove; size: number }[]>());
  for (const move of moves) {
    const p = m.partitionIndex(move.topic, move.partition);
    const receiver = move.kind === 'leader' ? move.to : (move.to.find((id) => !move.from.includes(id)) ?? -1);
    const group =
      move.kind === 'leader'
        ? 3
        : repaired[p]
          ? 0
          : move.to.some((id) => empty.has(id) && !move.from.includes(id))
            ? 1
            : 2;
    const byReceiver = groups[group]!;
    if (!byReceiver.has(receiver)) byReceiver.set(receiver, []);
    byReceiver.get(receiver)!.push({ move, size: m.sizes[p]! });
  }
  const ordered: BalanceMove[] = [];
  for (const byReceiver of groups) {
    const queues = [...byReceiver.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, queue]) => queue.sort((a, b) => a.size - b.size));
    for (let round = 0; ordered.length < moves.length; round++) {
      const taken = queues.filter((queue) => round < queue.length).map((queue) => queue[round]!.move);
      if (taken.length === 0) break;
      ordered.push(...taken);
    }
  }
  return ordered;
}

/** The replica lists (ids, in model order) after `moves`, applied in order as the executor would. */
function applyMoves(
  m: BalanceModel,
  before: readonly (readonly number[])[],
  moves: readonly BalanceMove[],
): number[][] {
  const lists = before.map((list) => [...list]);
  for (const move of moves) {
    const p = m.partitionIndex(move.topic, move.partition);
    lists[p] =
      move.kind === 'reassign' ? [...move.to] : [move.to, ...lists[p]!.filter((id) => id !== move.to)];
  }
  return lists;
}

/** Per input broker, sorted by id: replicas, preferred leaderships and bytes in `lists` (model order). */
function loadsOf(input: BalanceInput, m: BalanceModel, lists: readonly (readonly number[])[]): BrokerLoad[] {
  const loads = new Map(input.brokers.map((b) => [b.id, { id: b.id, replicas: 0, leaders: 0, bytes: 0 }]));
  lists.forEach((list, p) => {
    list.forEach((id, position) => {
      const load = loads.get(id);
      if (load === undefined) return;
      load.replicas++;
      load.bytes += m.sizes[p]!;
      if (position === 0) load.leaders++;
    });
  });
  return [...loads.values()].sort((a, b) => a.id - b.id);
}

/** The hard goals the plan leaves unmet, one line per topic or broker. */
function unsatisfiable(m: BalanceModel): string[] {
  const short = new Map<string, { rf: number; holders: number }>();
  const spread = new Map<string, number>();
  const lost = new Map<string, number>();
  for (let p = 0; p < m.partitionCount; p++) {
    const topic = m.topics[m.topicOf[p]!]!;
    const list = m.replicas[p]!;
    if (list.every((b) => m.states[b] === 'gone')) {
      lost.set(topic, (lost.get(topic) ?? 0) + 1);
      continue;
    }
    const rf = m.replicationFactors[p]!;
    const holders = m.holdersPossible(p);
    const kept = list.filter((b) => m.mayHold(m.brokerIds[b]!));
    if (kept.length < rf) {
      const seen = short.get(topic);
      if (seen === undefined || holders < seen.holders) short.set(topic, { rf, holders });
    }
    if (kept.some((b) => kept.filter((x) => m.rackOf[x] === m.rackOf[b]).length > m.maxPerRack[p]!)) {
      spread.set(topic, (spread.get(topic) ?? 0) + 1);
    }
  }
  const lines = [...short].map(
    ([t, s]) => `topic ${t} needs ${s.rf} brokers, ${s.holders} can hold replicas`,
  );
  const partitions = (n: number) => `${n} partition${n === 1 ? '' : 's'}`;
  for (const [t, n] of spread) lines.push(`topic ${t}: ${partitions(n)} cannot be spread over racks`);
  for (const [t, n] of lost) lines.push(`topic ${t}: ${partitions(n)} with no replica left to copy from`);
  m.brokerIds.forEach((id, b) => {
    const count = m.counts[b]!;
    if (count === 0 || m.mayHold(id) || m.states[b] === 'gone') return;
    const replicas = `${count} replica${count === 1 ? '' : 's'}`;
    lines.push(`broker ${id} is leaving but keeps ${replicas}: no active broker can take them`);
  });
  return lines;
}

import type {
  BalanceBroker,
  BalanceInput,
  BalanceMove,
  BalanceOptions,
  BalancePartition,
  BalancePlan,
  BrokerLoad,
} from './types.js';

/**
 * A minimal greedy planner (a stand-in: the full planner, with byte balance and its property tests,
 * replaces this file; the executor depends only on `planBalance`'s signature in types.ts).
 *
 * 1. Every replica on a leaving broker (or one the input does not know) moves to the active broker with
 *    the fewest replicas of its topic, then overall, on a rack the partition does not use yet if any.
 * 2. Per topic, then overall, a replica moves from the active broker holding most to the one holding
 *    fewest while they differ by more than one (overall moves only where they keep every topic within
 *    one), smallest partitions first, racks kept apart where they were. Cordoned brokers keep theirs.
 * 3. Preferred leaders (replicas[0]) are balanced over the active brokers by swapping replica order within
 *    a partition.
 * Reassignments replace a broker in place, so a new broker taking slot 0 becomes the preferred leader.
 */
interface Work {
  readonly p: BalancePartition;
  replicas: number[];
}

interface State {
  readonly brokers: Map<number, BalanceBroker>;
  readonly active: number[];
  readonly work: Work[];
  readonly count: Map<number, number>;
  readonly topicCount: Map<string, Map<number, number>>;
}

const rackOf = (s: State, id: number): string => s.brokers.get(id)?.rack ?? '';
const countOf = (s: State, id: number): number => s.count.get(id) ?? 0;
const topicCountOf = (s: State, topic: string, id: number): number => s.topicCount.get(topic)?.get(id) ?? 0;

function bump(s: State, topic: string, id: number, by: number): void {
  s.count.set(id, countOf(s, id) + by);
  const t = s.topicCount.get(topic) ?? new Map<number, number>();
  t.set(id, (t.get(id) ?? 0) + by);
  s.topicCount.set(topic, t);
}

/** Replacing `from` by `to` keeps the partition's replicas on distinct racks where they were. */
function rackOk(s: State, w: Work, from: number, to: number): boolean {
  const rack = rackOf(s, to);
  if (rack === '' || rack === rackOf(s, from)) return true;
  return !w.replicas.some((b) => b !== from && rackOf(s, b) === rack);
}

function replace(s: State, w: Work, from: number, to: number): void {
  w.replicas[w.replicas.indexOf(from)] = to;
  bump(s, w.p.topic, from, -1);
  bump(s, w.p.topic, to, 1);
}

function drain(s: State, unsatisfiable: string[]): void {
  for (const w of s.work) {
    for (const b of [...w.replicas]) {
      const state = s.brokers.get(b)?.state ?? 'leaving';
      if (state !== 'leaving') continue;
      const candidates = s.active
        .filter((c) => !w.replicas.includes(c))
        .sort(
          (x, y) =>
            Number(!rackOk(s, w, b, x)) - Number(!rackOk(s, w, b, y)) ||
            topicCountOf(s, w.p.topic, x) - topicCountOf(s, w.p.topic, y) ||
            countOf(s, x) - countOf(s, y) ||
            x - y,
        );
      const to = candidates[0];
      if (to === undefined)
        unsatisfiable.push(`${w.p.topic}/${w.p.partition}: no active broker can take the replica on ${b}`);
      else replace(s, w, b, to);
    }
  }
}

/** One move from a fuller to an emptier active broker, or false when none helps. */
function moveOne(s: State, topic: string | undefined): boolean {
  const load = (id: number) => (topic === undefined ? countOf(s, id) : topicCountOf(s, topic, id));
  const byLoad = [...s.active].sort((a, b) => load(b) - load(a) || countOf(s, b) - countOf(s, a) || a - b);
  for (const hi of byLoad) {
    for (const lo of [...byLoad].reverse()) {
      if (load(hi) - load(lo) <= 1) break;
      const candidates = s.work
        .filter(
          (w) =>
            (topic === undefined || w.p.topic === topic) &&
            w.replicas.includes(hi) &&
            !w.replicas.includes(lo) &&
            rackOk(s, w, hi, lo) &&
            (topic !== undefined || topicCountOf(s, w.p.topic, hi) > topicCountOf(s, w.p.topic, lo)),
        )
        .sort((a, b) => a.p.sizeBytes - b.p.sizeBytes);
      const w = candidates[0];
      if (w !== undefined) {
        replace(s, w, hi, lo);
        return true;
      }
    }
  }
  return false;
}

function balanceReplicas(s: State): void {
  const bound = s.work.reduce((n, w) => n + w.replicas.length, 0) * 2 + 10;
  const topics = [...new Set(s.work.map((w) => w.p.topic))].sort();
  for (const topic of topics) for (let i = 0; i < bound && moveOne(s, topic); i++);
  for (let i = 0; i < bound && moveOne(s, undefined); i++);
}

function balanceLeaders(s: State): void {
  const leads = new Map<number, number>();
  for (const w of s.work) leads.set(w.replicas[0]!, (leads.get(w.replicas[0]!) ?? 0) + 1);
  const leaders = s.active;
  const of = (id: number) => leads.get(id) ?? 0;
  for (let i = 0; i < s.work.length * 2 + 10; i++) {
    const byLeads = [...leaders].sort((a, b) => of(b) - of(a) || a - b);
    let moved = false;
    for (const hi of byLeads) {
      for (const lo of [...byLeads].reverse()) {
        if (of(hi) - of(lo) <= 1) break;
        const w = s.work.find((x) => x.replicas[0] === hi && x.replicas.includes(lo));
        if (w === undefined) continue;
        const j = w.replicas.indexOf(lo);
        w.replicas[j] = hi;
        w.replicas[0] = lo;
        leads.set(hi, of(hi) - 1);
        leads.set(lo, of(lo) + 1);
        moved = true;
        break;
      }
      if (moved) break;
    }
    if (!moved) return;
  }
}

function movesOf(s: State): BalanceMove[] {
  const leaderMoves: BalanceMove[] = [];
  const reassigns: Array<BalanceMove & { kind: 'reassign' }> = [];
  for (const w of s.work) {
    const { p } = w;
    const same = w.replicas.length === p.replicas.length && w.replicas.every((b) => p.replicas.includes(b));
    if (!same) {
      const added = w.replicas.filter((b) => !p.replicas.includes(b)).length;
      reassigns.push({
        kind: 'reassign',
        topic: p.topic,
        partition: p.partition,
        from: [...p.replicas],
        to: [...w.replicas],
        bytes: p.sizeBytes * added,
      });
    } else if (p.leader !== -1 && p.leader !== w.replicas[0]) {
      leaderMoves.push({
        kind: 'leader',
        topic: p.topic,
        partition: p.partition,
        from: p.leader,
        to: w.replicas[0]!,
      });
    }
  }
  reassigns.sort((a, b) => a.bytes - b.bytes || a.topic.localeCompare(b.topic) || a.partition - b.partition);
  return [...leaderMoves, ...reassigns];
}

function loads(
  s: State,
  assignment: (w: Work) => { replicas: readonly number[]; leader: number },
): BrokerLoad[] {
  const out = new Map<number, { replicas: number; leaders: number; bytes: number }>();
  const at = (id: number) => out.get(id) ?? out.set(id, { replicas: 0, leaders: 0, bytes: 0 }).get(id)!;
  for (const id of s.brokers.keys()) at(id);
  for (const w of s.work) {
    const a = assignment(w);
    for (const b of a.replicas) {
      at(b).replicas++;
      at(b).bytes += w.p.sizeBytes;
    }
    if (a.leader !== -1) at(a.leader).leaders++;
  }
  return [...out].sort(([a], [b]) => a - b).map(([id, l]) => ({ id, ...l }));
}

export function planBalance(input: BalanceInput, options: BalanceOptions = {}): BalancePlan {
  const brokers = new Map(input.brokers.map((b) => [b.id, b]));
  const s: State = {
    brokers,
    active: input.brokers
      .filter((b) => b.state === 'active')
      .map((b) => b.id)
      .sort((a, b) => a - b),
    work: input.partitions.map((p) => ({ p, replicas: [...p.replicas] })),
    count: new Map(),
    topicCount: new Map(),
  };
  for (const w of s.work) for (const b of w.replicas) bump(s, w.p.topic, b, 1);
  const unsatisfiable: string[] = [];
  const holders = input.brokers.filter((b) => b.state !== 'leaving').length;
  for (const rf of new Map(
    input.partitions.map((p) => [p.topic, p.replicationFactor ?? p.replicas.length]),
  )) {
    if (rf[1] > holders)
      unsatisfiable.push(`topic ${rf[0]} needs ${rf[1]} brokers, ${holders} can hold replicas`);
  }
  drain(s, unsatisfiable);
  balanceReplicas(s);
  balanceLeaders(s);
  const all = movesOf(s);
  const moves = options.maxMoves === undefined ? all : all.slice(0, options.maxMoves);
  const planned = new Set(moves.map((m) => `${m.topic}\u0000${m.partition}`));
  const final = (w: Work) => (planned.has(`${w.p.topic}\u0000${w.p.partition}`) ? w.replicas : w.p.replicas);
  const before = loads(s, (w) => ({ replicas: w.p.replicas, leader: w.p.leader }));
  const after = loads(s, (w) => {
    const replicas = final(w);
    const moved = planned.has(`${w.p.topic}\u0000${w.p.partition}`);
    return { replicas, leader: moved ? replicas[0]! : w.p.leader };
  });
  return {
    moves,
    bytesToMove: moves.reduce((n, m) => n + (m.kind === 'reassign' ? m.bytes : 0), 0),
    lowerBoundBytes: lowerBound(s, before),
    before,
    after,
    unsatisfiable,
  };
}

/** What the active brokers below the mean must receive, or what leaving brokers hold, whichever is more. */
function lowerBound(s: State, before: readonly BrokerLoad[]): number {
  const active = before.filter((l) => s.brokers.get(l.id)?.state === 'active');
  if (active.length === 0) return 0;
  const total = before.reduce((n, l) => n + l.bytes, 0);
  const mean = total / active.length;
  const deficit = active.reduce((n, l) => n + Math.max(0, mean - l.bytes), 0);
  const leaving = before
    .filter((l) => (s.brokers.get(l.id)?.state ?? 'leaving') === 'leaving')
    .reduce((n, l) => n + l.bytes, 0);
  return Math.floor(Math.max(deficit, leaving));
}

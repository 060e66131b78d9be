import type { BalanceModel } from './balance-model.js';
import { BYTES_TOLERANCE } from './bytes-balancer.js';

/**
 * `BalancePlan.lowerBoundBytes`: bytes that any plan must copy to end at least as balanced as the plan's
 * `after`, in each measure the planner balances (shares and the mean are over the active brokers in
 * `after`; a measure the plan leaves short, where sizes or racks did not allow it, counts only as far as
 * the plan takes it). Only a new replica copies data, and it lands on an active broker. The largest of:
 *
 * - receiving: each active broker b must gain, per topic t, max(0, min(floor(share of t), after_t(b)) -
 *   before_t(b)) replicas of t and in all max(0, min(floor(share), after(b)) - before(b)), each of a
 *   partition it did not hold, the cheapest being the smallest such (S_b); and it must gain
 *   max(0, min(0.9 x mean, after_bytes(b)) - before_bytes(b)) bytes (D_b). The sum over b of max(S_b, D_b).
 * - shedding: likewise each active broker must lose replicas down to max(ceil(share), after) per topic and
 *   in all (its smallest ones at least) and bytes down to max(1.1 x mean, after_bytes(b)). A replica
 *   removed from an active broker is copied elsewhere unless its partition ends with fewer replicas on
 *   active brokers, so the sum over b, less the bytes of such dropped replicas, is copied.
 * - repairs: a partition with fewer replicas on active or cordoned brokers before than after (replicas
 *   lost, or on leaving brokers) copies the difference whatever the plan.
 *
 * Rack repairs are not counted, so the bound may be low, never high.
 */
export function lowerBoundBytes(
  m: BalanceModel,
  before: readonly (readonly number[])[],
  after: readonly (readonly number[])[],
): number {
  const active = new Set(m.active.map((b) => m.brokerIds[b]!));
  if (active.size === 0) return 0;
  const bySize = (a: number, b: number) => m.sizes[a]! - m.sizes[b]! || a - b;
  const everyPartition = Array.from({ length: m.partitionCount }, (_, p) => p).sort(bySize);
  const ofTopic = m.topics.map(() => [] as number[]);
  for (const p of everyPartition) ofTopic[m.topicOf[p]!]!.push(p);
  const now = tallyOf(m, active, after);
  const bounds: Bounds = {
    m,
    active,
    before,
    was: tallyOf(m, active, before),
    now,
    meanBytes: sum([...now.bytes.values()]) / active.size,
    everyPartition,
    ofTopic,
  };
  let dropped = 0;
  let repairs = 0;
  for (let p = 0; p < m.partitionCount; p++) {
    const count = (list: readonly number[], holds: (id: number) => boolean) => list.filter(holds).length;
    const onActive = (id: number) => active.has(id);
    dropped += Math.max(0, count(before[p]!, onActive) - count(after[p]!, onActive)) * m.sizes[p]!;
    const mayHold = (id: number) => m.mayHold(id);
    repairs += Math.max(0, count(after[p]!, mayHold) - count(before[p]!, mayHold)) * m.sizes[p]!;
  }
  return Math.max(flowBound(bounds, 'receiving'), flowBound(bounds, 'shedding') - dropped, repairs);
}

interface Tally {
  counts: Map<number, number>;
  bytes: Map<number, number>;
  topics: Map<number, number>[];
}

interface Bounds {
  m: BalanceModel;
  active: ReadonlySet<number>;
  before: readonly (readonly number[])[];
  was: Tally;
  now: Tally;
  meanBytes: number;
  /** Partitions by ascending size: all, and per topic. */
  everyPartition: readonly number[];
  ofTopic: readonly (readonly number[])[];
}

/** The sum over active brokers of what each must receive, or shed (see the header). */
function flowBound(bounds: Bounds, flow: 'receiving' | 'shedding'): number {
  const { m, active, before, was, now, meanBytes } = bounds;
  const receiving = flow === 'receiving';
  // The count a broker must reach (receiving) or come down to (shedding), given the plan's own count.
  const goal = (total: number, planned: number) =>
    receiving
      ? Math.min(Math.floor(total / active.size), planned)
      : Math.max(Math.ceil(total / active.size), planned);
  const gap = (from: number, to: number) => (receiving ? to - from : from - to);
  const topicTotals = now.topics.map((perBroker) => sum([...perBroker.values()]));
  const total = sum([...now.counts.values()]);
  const taken = new Int32Array(m.partitionCount).fill(-1);
  let bound = 0;
  for (const id of active) {
    // Receiving takes partitions the broker did not hold; shedding gives up ones it held.
    const eligible = (p: number) => before[p]!.includes(id) !== receiving && taken[p] !== id;
    const take = (p: number) => {
      taken[p] = id;
    };
    let smallest = 0;
    let topicNeeds = 0;
    for (let t = 0; t < m.topics.length; t++) {
      const need = gap(was.topics[t]!.get(id) ?? 0, goal(topicTotals[t]!, now.topics[t]!.get(id) ?? 0));
      if (need <= 0) continue;
      topicNeeds += need;
      smallest += takeSmallest(bounds.ofTopic[t]!, need, eligible, take, m.sizes);
    }
    const extra = gap(was.counts.get(id) ?? 0, goal(total, now.counts.get(id) ?? 0)) - topicNeeds;
    if (extra > 0) smallest += takeSmallest(bounds.everyPartition, extra, eligible, take, m.sizes);
    const plannedBytes = now.bytes.get(id) ?? 0;
    const bytesGoal = receiving
      ? Math.min((1 - BYTES_TOLERANCE) * meanBytes, plannedBytes)
      : Math.max((1 + BYTES_TOLERANCE) * meanBytes, plannedBytes);
    bound += Math.max(smallest, gap(was.bytes.get(id) ?? 0, bytesGoal), 0);
  }
  return bound;
}

/** Replicas, bytes and replicas per topic of each active broker (by id) in `lists`. */
function tallyOf(m: BalanceModel, active: ReadonlySet<number>, lists: readonly (readonly number[])[]): Tally {
  const tally: Tally = { counts: new Map(), bytes: new Map(), topics: m.topics.map(() => new Map()) };
  lists.forEach((list, p) => {
    for (const id of list) {
      if (!active.has(id)) continue;
      const topic = tally.topics[m.topicOf[p]!]!;
      tally.counts.set(id, (tally.counts.get(id) ?? 0) + 1);
      tally.bytes.set(id, (tally.bytes.get(id) ?? 0) + m.sizes[p]!);
      topic.set(id, (topic.get(id) ?? 0) + 1);
    }
  });
  return tally;
}

/** The bytes of the `count` smallest eligible partitions of `sorted` (marking each taken). */
function takeSmallest(
  sorted: readonly number[],
  count: number,
  eligible: (p: number) => boolean,
  take: (p: number) => void,
  sizes: Float64Array,
): number {
  let bytes = 0;
  for (let i = 0, left = count; i < sorted.length && left > 0; i++) {
    const p = sorted[i]!;
    if (!eligible(p)) continue;
    take(p);
    bytes += sizes[p]!;
    left--;
  }
  return bytes;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

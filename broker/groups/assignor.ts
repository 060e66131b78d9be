/**
 * The consumer-group assignor the coordinator runs (Kafka KIP-848's server-side "uniform" assignor, written
 * for this project): a pure function from the group's members, their subscriptions and racks, the
 * subscribed topics' partitions (with the racks of their replicas), and the previous target assignment, to
 * the new target assignment.
 *
 * Algorithm, in three passes:
 * 1. Sticky: a partition stays with its previous owner while that member is still in the group and still
 *    subscribed to the topic, up to the member's quota for that topic's subscribers (a member that now
 *    has more than its share keeps the first ones, in partition order, so the choice is deterministic).
 * 2. Fill: each partition left over goes to the eligible member (subscribed to its topic) with the fewest
 *    partitions; among equals, one whose rack holds a replica of the partition (rack-aware: reads stay in
 *    the zone), then the smallest member id.
 * 3. Balance: while some member holds at least two more partitions than another eligible member of the
 *    same topic, one partition moves from the fuller to the emptier (preferring one whose rack is no worse
 *    for the receiver). With identical subscriptions this ends with counts differing by at most one.
 *
 * Every subscribed partition is assigned to exactly one member subscribed to its topic; partitions of
 * topics nobody subscribes to, or of unknown topics, are not assigned. Deterministic: same input, same
 * output, whatever the order of maps.
 */

export interface AssignorMember {
  memberId: string;
  /** The member's rack ('' when it has none). */
  rack: string;
  /** Topics the member subscribes to. */
  topics: readonly string[];
}

export interface AssignorTopic {
  name: string;
  /** For each partition index, the racks of its replicas (empty when unknown). */
  partitionRacks: ReadonlyArray<readonly string[]>;
}

/** memberId -> topic -> sorted partition indexes. */
export type GroupAssignment = Map<string, Map<string, number[]>>;

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: the algorithm's numbered steps (header) share their counters; split, each step would take and return all of them
export function assignPartitions(
  members: readonly AssignorMember[],
  topics: readonly AssignorTopic[],
  previous: GroupAssignment,
): GroupAssignment {
  const sortedMembers = [...members].sort((a, b) => cmp(a.memberId, b.memberId));
  const result: GroupAssignment = new Map(sortedMembers.map((m) => [m.memberId, new Map()]));
  // Partition counts per member across topics: balancing is per topic, ties consider the total so a
  // member with many partitions of one topic gets fewer of another.
  const totals = new Map<string, number>(sortedMembers.map((m) => [m.memberId, 0]));
  const byName = [...topics].sort((a, b) => cmp(a.name, b.name));

  for (const topic of byName) {
    const eligible = sortedMembers.filter((m) => m.topics.includes(topic.name));
    const count = topic.partitionRacks.length;
    if (eligible.length === 0 || count === 0) continue;
    const owner = new Array<string | undefined>(count).fill(undefined);
    const held = new Map<string, number[]>(eligible.map((m) => [m.memberId, []]));
    const quotaMax = Math.ceil(count / eligible.length);

    // 1. Sticky.
    for (const m of eligible) {
      const before = previous.get(m.memberId)?.get(topic.name) ?? [];
      const keep = [...new Set(before)].filter((p) => Number.isInteger(p) && p >= 0 && p < count).sort(num);
      for (const p of keep.slice(0, quotaMax)) {
        if (owner[p] !== undefined) continue;
        owner[p] = m.memberId;
        held.get(m.memberId)!.push(p);
      }
    }

    // 2. Fill.
    const rackOf = new Map(eligible.map((m) => [m.memberId, m.rack]));
    const matches = (memberId: string, p: number): boolean => {
      const rack = rackOf.get(memberId)!;
      return rack !== '' && (topic.partitionRacks[p] ?? []).includes(rack);
    };
    for (let p = 0; p < count; p++) {
      if (owner[p] !== undefined) continue;
      let best: AssignorMember | undefined;
      for (const m of eligible) {
        if (best === undefined || better(m, best, p)) best = m;
      }
      owner[p] = best!.memberId;
      held.get(best!.memberId)!.push(p);
    }

    // 3. Balance (bounded: each move lowers the sum of squared counts, so at most count^2 moves).
    for (let moves = 0; moves < count * count; moves++) {
      let fullest: string | undefined;
      let emptiest: string | undefined;
      for (const m of eligible) {
        const n = held.get(m.memberId)!.length;
        if (fullest === undefined || n > held.get(fullest)!.length) fullest = m.memberId;
        if (emptiest === undefined || n < held.get(emptiest)!.length) emptiest = m.memberId;
      }
      const from = held.get(fullest!)!;
      const to = held.get(emptiest!)!;
      if (from.length - to.length < 2) break;
      // Move the last partition that would not lose rack locality, else the last one.
      const pick =
        [...from].reverse().find((p) => matches(emptiest!, p) || !matches(fullest!, p)) ?? from.at(-1)!;
      from.splice(from.indexOf(pick), 1);
      to.push(pick);
      owner[pick] = emptiest;
    }

    for (const [memberId, partitions] of held) {
      if (partitions.length === 0) continue;
      result.get(memberId)!.set(topic.name, partitions.sort(num));
      totals.set(memberId, totals.get(memberId)! + partitions.length);
    }

    function better(a: AssignorMember, b: AssignorMember, p: number): boolean {
      const na = held.get(a.memberId)!.length;
      const nb = held.get(b.memberId)!.length;
      if (na !== nb) return na < nb;
      const ra = matches(a.memberId, p);
      const rb = matches(b.memberId, p);
      if (ra !== rb) return ra;
      const ta = totals.get(a.memberId)!;
      const tb = totals.get(b.memberId)!;
      if (ta !== tb) return ta < tb;
      return cmp(a.memberId, b.memberId) < 0;
    }
  }
  return result;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function num(a: number, b: number): number {
  return a - b;
}

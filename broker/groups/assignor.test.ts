import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AssignorMember,
  type AssignorTopic,
  assignPartitions,
  type GroupAssignment,
} from './assignor.js';

const topic = (name: string, partitions: number, racks: string[][] = []): AssignorTopic => ({
  name,
  partitionRacks: Array.from({ length: partitions }, (_, i) => racks[i] ?? []),
});

function counts(a: GroupAssignment): Map<string, number> {
  return new Map([...a].map(([m, ts]) => [m, [...ts.values()].reduce((n, ps) => n + ps.length, 0)]));
}

describe('assignPartitions', () => {
  it('splits partitions evenly and deterministically', () => {
    const members = ['c', 'a', 'b'].map((memberId) => ({ memberId, rack: '', topics: ['t'] }));
    const a = assignPartitions(members, [topic('t', 7)], new Map());
    expect(Object.fromEntries([...a].map(([m, ts]) => [m, ts.get('t')]))).toEqual({
      a: [0, 3, 6],
      b: [1, 4],
      c: [2, 5],
    });
    expect(assignPartitions([...members].reverse(), [topic('t', 7)], new Map())).toEqual(a);
  });

  it('is sticky: a joining member takes only what balance needs, from the fullest', () => {
    const two = ['a', 'b'].map((memberId) => ({ memberId, rack: '', topics: ['t'] }));
    const before = assignPartitions(two, [topic('t', 6)], new Map());
    const after = assignPartitions(
      [...two, { memberId: 'c', rack: '', topics: ['t'] }],
      [topic('t', 6)],
      before,
    );
    for (const m of ['a', 'b']) {
      const kept = after
        .get(m)!
        .get('t')!
        .filter((p) => before.get(m)!.get('t')!.includes(p));
      expect(kept).toHaveLength(2);
    }
    expect(after.get('c')!.get('t')).toHaveLength(2);
  });

  it('prefers a member in a rack that holds a replica', () => {
    const members = [
      { memberId: 'a', rack: 'zone-a', topics: ['t'] },
      { memberId: 'b', rack: 'zone-b', topics: ['t'] },
    ];
    const a = assignPartitions(members, [topic('t', 2, [['zone-b'], ['zone-a']])], new Map());
    expect(a.get('a')!.get('t')).toEqual([1]);
    expect(a.get('b')!.get('t')).toEqual([0]);
  });

  it('assigns only to subscribers, and nothing of unsubscribed topics', () => {
    const members = [
      { memberId: 'a', rack: '', topics: ['x'] },
      { memberId: 'b', rack: '', topics: ['x', 'y'] },
    ];
    const a = assignPartitions(members, [topic('x', 2), topic('y', 3), topic('z', 4)], new Map());
    expect(a.get('a')!.get('y')).toBeUndefined();
    expect(a.get('b')!.get('y')).toEqual([0, 1, 2]);
    expect([...a.values()].some((ts) => ts.has('z'))).toBe(false);
  });

  it('property: every subscribed partition exactly once, to a subscriber; balanced with equal subscriptions', () => {
    const arb = fc.record({
      members: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }),
      partitions: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 3 }),
      racks: fc.array(fc.constantFrom('', 'r1', 'r2'), { minLength: 8, maxLength: 8 }),
      subsetSeed: fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }),
      homogeneous: fc.boolean(),
      previousSeed: fc.array(fc.nat(), { maxLength: 40 }),
    });
    fc.assert(
      fc.property(arb, ({ members, partitions, racks, subsetSeed, homogeneous, previousSeed }) => {
        const topics = partitions.map((n, i) =>
          topic(
            `t${i}`,
            n,
            Array.from({ length: n }, (_, p) => [racks[p % 8]!].filter((r) => r !== '')),
          ),
        );
        const ms: AssignorMember[] = members.map((memberId, i) => ({
          memberId,
          rack: racks[i]!,
          topics: topics
            .filter((_, j) => homogeneous || subsetSeed[(i * 3 + j) % 24] === true)
            .map((t) => t.name),
        }));
        // An arbitrary (even inconsistent) previous assignment must not break the invariants.
        const previous: GroupAssignment = new Map();
        previousSeed.forEach((s, k) => {
          const m = members[s % members.length]!;
          const t = topics[k % topics.length]!;
          const map = previous.get(m) ?? new Map<string, number[]>();
          map.set(t.name, [...(map.get(t.name) ?? []), s % 25]);
          previous.set(m, map);
        });
        const result = assignPartitions(ms, topics, previous);
        for (const t of topics) {
          const subscribers = ms.filter((m) => m.topics.includes(t.name));
          const owners: string[] = [];
          for (let p = 0; p < t.partitionRacks.length; p++) {
            const holders = [...result].filter(([, ts]) => ts.get(t.name)?.includes(p));
            if (subscribers.length === 0) expect(holders).toHaveLength(0);
            else {
              expect(holders).toHaveLength(1);
              expect(subscribers.map((s) => s.memberId)).toContain(holders[0]![0]);
              owners.push(holders[0]![0]);
            }
          }
          if (subscribers.length > 0) {
            const per = subscribers.map((s) => owners.filter((o) => o === s.memberId).length);
            expect(Math.max(...per) - Math.min(...per)).toBeLessThanOrEqual(1);
          }
        }
        if (homogeneous) {
          const c = [...counts(result).values()];
          expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(topics.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});

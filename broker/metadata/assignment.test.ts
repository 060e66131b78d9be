import { describe, expect, it } from 'vitest';
import { assignReplicas, rackAlternatedList } from './assignment.js';

describe('assignReplicas without racks', () => {
  // The ring placement itself is covered in topic-config.test.ts (its original home).
  it('treats empty or missing racks as no rack information', () => {
    expect(assignReplicas([{ id: 2, rack: '' }, { id: 0 }, { id: 1, rack: '' }], 4, 2)).toEqual(
      assignReplicas([2, 0, 1], 4, 2),
    );
    expect(assignReplicas([0, 1], 1, 2)[0]).toEqual({
      replicas: [0, 1],
      leader: 0,
      leaderEpoch: 0,
      isr: [0, 1],
    });
  });

  it('refuses impossible placements', () => {
    expect(() => assignReplicas([0], 1, 2)).toThrow(/replication factor 2/);
    expect(() => assignReplicas([], 1, 1)).toThrow(/no brokers/);
    expect(() => assignReplicas([1, 1], 1, 1)).toThrow(/duplicate/);
  });
});

describe('assignReplicas with racks (Kafka rack-aware placement)', () => {
  // Kafka's own example (AdminUtils): racks 0->r1, 1->r3, 2->r3, 3->r2, 4->r2, 5->r1.
  const brokers = [
    { id: 0, rack: 'r1' },
    { id: 1, rack: 'r3' },
    { id: 2, rack: 'r3' },
    { id: 3, rack: 'r2' },
    { id: 4, rack: 'r2' },
    { id: 5, rack: 'r1' },
  ];
  const rackOf = new Map(brokers.map((b) => [b.id, b.rack]));

  it('alternates racks in the broker list', () => {
    expect(rackAlternatedList(brokers)).toEqual([0, 3, 1, 5, 4, 2]);
  });

  it('matches Kafka for start index 0', () => {
    expect(assignReplicas(brokers, 8, 3).map((a) => a.replicas)).toEqual([
      [0, 3, 1],
      [3, 1, 5],
      [1, 5, 4],
      [5, 4, 2],
      [4, 2, 0],
      [2, 0, 3],
      [0, 4, 2],
      [3, 2, 0],
    ]);
  });

  it('spreads every partition over min(RF, racks) racks and balances leaders', () => {
    for (const rf of [1, 2, 3, 4, 5, 6]) {
      const placed = assignReplicas(brokers, 60, rf);
      for (const a of placed) {
        expect(new Set(a.replicas).size).toBe(rf);
        expect(new Set(a.replicas.map((b) => rackOf.get(b))).size).toBe(Math.min(rf, 3));
      }
      const leaders = new Map<number, number>();
      for (const a of placed) leaders.set(a.leader, (leaders.get(a.leader) ?? 0) + 1);
      expect([...leaders.values()]).toEqual([10, 10, 10, 10, 10, 10]);
    }
  });

  it('continues the rotation for added partitions', () => {
    expect(assignReplicas(brokers, 3, 3, 5)).toEqual(assignReplicas(brokers, 8, 3).slice(5));
  });

  it('handles uneven racks and brokers without a rack', () => {
    const uneven = [
      { id: 1, rack: 'a' },
      { id: 2, rack: 'a' },
      { id: 3, rack: 'a' },
      { id: 4, rack: 'b' },
      { id: 5 },
    ];
    for (const a of assignReplicas(uneven, 20, 3)) {
      expect(new Set(a.replicas.map((b) => uneven.find((u) => u.id === b)!.rack ?? '')).size).toBe(3);
    }
  });
});

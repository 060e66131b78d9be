/**
 * What the executor relies on from any planner (the stand-in or the full one): hard goals hold, replica
 * and preferred-leader counts end within one over the active brokers, leaving brokers are emptied, and a
 * balanced cluster gets no move.
 */
import { describe, expect, it } from 'vitest';
import { planBalance } from './planner.js';
import type { BalanceInput, BalanceMove, BalancePartition, BrokerBalanceState } from './types.js';

function ring(topics: number, partitions: number, brokers: number[], rf: number): BalancePartition[] {
  const out: BalancePartition[] = [];
  for (let t = 0; t < topics; t++) {
    for (let p = 0; p < partitions; p++) {
      const replicas = Array.from({ length: rf }, (_, r) => brokers[(p + t + r) % brokers.length]!);
      out.push({ topic: `t${t}`, partition: p, replicas, leader: replicas[0]!, sizeBytes: 1000 + p });
    }
  }
  return out;
}

function apply(input: BalanceInput, moves: readonly BalanceMove[]): Map<string, number[]> {
  const out = new Map(input.partitions.map((p) => [`${p.topic}/${p.partition}`, [...p.replicas]]));
  for (const m of moves) {
    const key = `${m.topic}/${m.partition}`;
    if (m.kind === 'reassign') out.set(key, [...m.to]);
    else out.set(key, [m.to, ...out.get(key)!.filter((b) => b !== m.to)]);
  }
  return out;
}

function brokers(states: Record<number, BrokerBalanceState>) {
  return Object.entries(states).map(([id, state]) => ({ id: Number(id), rack: '', state }));
}

function spread(values: number[]): number {
  return Math.max(...values) - Math.min(...values);
}

describe('planner contract', () => {
  it('fills new brokers until replica and leader counts are within one', () => {
    const input: BalanceInput = {
      brokers: brokers({ 0: 'active', 1: 'active', 2: 'active', 3: 'active', 4: 'active' }),
      partitions: ring(4, 6, [0, 1, 2], 3),
    };
    const plan = planBalance(input);
    const after = apply(input, plan.moves);
    const replicas = [0, 1, 2, 3, 4].map((b) => [...after.values()].filter((r) => r.includes(b)).length);
    const leaders = [0, 1, 2, 3, 4].map((b) => [...after.values()].filter((r) => r[0] === b).length);
    expect(spread(replicas)).toBeLessThanOrEqual(1);
    expect(spread(leaders)).toBeLessThanOrEqual(1);
    for (const r of after.values()) expect(new Set(r).size).toBe(3);
    expect(plan.bytesToMove).toBeGreaterThan(0);
    expect(plan.after.map((l) => l.replicas)).toEqual(replicas);
    // Balanced now: nothing more to do.
    const again = planBalance({
      brokers: input.brokers,
      partitions: input.partitions.map((p) => {
        const r = after.get(`${p.topic}/${p.partition}`)!;
        return { ...p, replicas: r, leader: r[0]! };
      }),
    });
    expect(again.moves).toEqual([]);
  });

  it('empties leaving brokers, and puts nothing on cordoned ones', () => {
    const input: BalanceInput = {
      brokers: brokers({ 0: 'active', 1: 'active', 2: 'cordoned', 3: 'leaving', 4: 'leaving' }),
      partitions: ring(3, 6, [0, 1, 2, 3, 4], 2),
    };
    const plan = planBalance(input);
    const after = apply(input, plan.moves);
    for (const [key, r] of after) {
      expect(r.includes(3) || r.includes(4), key).toBe(false);
      const before = input.partitions.find((p) => `${p.topic}/${p.partition}` === key)!;
      if (r.includes(2)) expect(before.replicas).toContain(2);
    }
    expect(plan.after.find((l) => l.id === 3)!.replicas).toBe(0);
    expect(plan.unsatisfiable).toEqual([]);
  });
});

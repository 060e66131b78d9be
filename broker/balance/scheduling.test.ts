import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MoveState, PlannedMove } from './rebalance-record.js';
import { busyBrokers, startableMoves } from './scheduling.js';

function reassign(
  partition: number,
  from: number[],
  to: number[],
  state: MoveState = 'pending',
): PlannedMove {
  return { kind: 'reassign', topic: 't', partition, from, to, bytes: 100, state, attempts: 0 };
}

function leader(partition: number, from: number, to: number, state: MoveState = 'pending'): PlannedMove {
  return { kind: 'leader', topic: 't', partition, from, to, state, attempts: 0 };
}

const limits = { movesPerBroker: 2, leaderMovesPerStepMax: 10 };

describe('startableMoves', () => {
  it('starts moves until a broker, source or target, runs its cap', () => {
    const moves = [
      reassign(0, [0, 1, 2], [3, 1, 2]),
      reassign(1, [0, 1, 2], [3, 1, 2]),
      reassign(2, [1, 2, 0], [4, 2, 0]), // broker 1 is free, 4 too: starts
      reassign(3, [0, 2, 1], [4, 2, 1]), // broker 0 already in two moves: waits
      reassign(4, [1, 2, 0], [3, 2, 0]), // broker 3 already in two: waits
    ];
    expect(startableMoves(moves, limits)).toEqual([0, 1, 2]);
  });

  it('counts running moves, and lets later moves pass ones waiting for a busy broker', () => {
    const moves = [
      reassign(0, [0, 1], [3, 1], 'running'),
      reassign(1, [0, 1], [3, 1], 'done'),
      reassign(2, [0, 1], [4, 1], 'pending'),
      reassign(3, [0, 1], [4, 1], 'pending'), // 0 now at 2
      reassign(4, [1, 2], [5, 2], 'pending'),
    ];
    expect(startableMoves(moves, limits)).toEqual([2, 4]);
    expect(startableMoves(moves, { ...limits, movesPerBroker: 1 })).toEqual([4]);
  });

  it('runs the moves of one partition in plan order', () => {
    const moves = [
      reassign(0, [0, 1], [3, 1], 'running'),
      leader(0, 3, 1),
      reassign(1, [0, 1], [3, 1], 'pending'),
      leader(1, 1, 3),
      leader(2, 0, 1),
    ];
    expect(startableMoves(moves, limits)).toEqual([2, 4]);
  });

  it('bounds leader moves per step and does not count them against brokers', () => {
    const moves = [leader(0, 0, 1), leader(1, 0, 1), leader(2, 0, 1), reassign(3, [0, 1], [2, 1])];
    expect(startableMoves(moves, { movesPerBroker: 1, leaderMovesPerStepMax: 2 })).toEqual([0, 1, 3]);
  });

  it('never puts a broker above its cap, whatever the plan (property)', () => {
    const move = fc.record({
      from: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 3 }),
      to: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 3 }),
      state: fc.constantFrom<MoveState>('pending', 'pending', 'running', 'done'),
      partition: fc.integer({ min: 0, max: 20 }),
    });
    fc.assert(
      fc.property(fc.array(move, { maxLength: 40 }), fc.integer({ min: 1, max: 3 }), (specs, cap) => {
        // Running moves within the cap, as the executor keeps them; one running move per partition.
        const moves: PlannedMove[] = [];
        const runningParts = new Set<number>();
        for (const s of specs) {
          let m = reassign(s.partition, s.from, s.to, s.state);
          if (s.state === 'running') {
            const busy = busyBrokers([...moves, m]);
            if (runningParts.has(s.partition) || [...busy.values()].some((n) => n > cap))
              m = { ...m, state: 'pending' };
            else runningParts.add(s.partition);
          }
          moves.push(m);
        }
        const started = startableMoves(moves, { movesPerBroker: cap, leaderMovesPerStepMax: 5 });
        const after = moves.map((m, i) => (started.includes(i) ? { ...m, state: 'running' as const } : m));
        for (const n of busyBrokers(after).values()) expect(n).toBeLessThanOrEqual(cap);
        const running = after.filter((m) => m.state === 'running').map((m) => m.partition);
        expect(new Set(running).size).toBe(running.length);
      }),
    );
  });
});

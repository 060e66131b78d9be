import { describe, expect, it } from 'vitest';
import type { RebalancePlan } from '../client/balance.js';
import { formatBytes, formatDuration, formatPlan, progressLine } from './balance-output.js';

const plan: RebalancePlan = {
  id: 'p',
  reason: 'rebalance requested',
  status: 'planned',
  startedAtMs: 0,
  finishedAtMs: 0,
  movesTotal: 2,
  movesDone: 0,
  movesRunning: 0,
  movesFailed: 0,
  movesCancelled: 0,
  bytesTotal: 3 * 1024 * 1024,
  bytesDone: 0,
  estimatedMsLeft: 125_000,
  lowerBoundBytes: 2 * 1024 * 1024,
  before: [
    { brokerId: 0, replicas: 3, leaders: 2, bytes: 3 * 1024 * 1024 },
    { brokerId: 1, replicas: 0, leaders: 0, bytes: 0 },
  ],
  after: [
    { brokerId: 0, replicas: 2, leaders: 1, bytes: 2 * 1024 * 1024 },
    { brokerId: 1, replicas: 1, leaders: 1, bytes: 1024 * 1024 },
  ],
  unsatisfiable: [],
  moves: [
    { kind: 'leader', topic: 'a', partition: 0, from: [0], to: [1], bytes: 0, state: 'pending', error: '' },
    {
      kind: 'reassign',
      topic: 'a',
      partition: 1,
      from: [0],
      to: [1],
      bytes: 3 * 1024 * 1024,
      state: 'pending',
      error: '',
    },
  ],
};

describe('balance output', () => {
  it('prints sizes and durations for people', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB');
    expect(formatDuration(5_000)).toBe('5s');
    expect(formatDuration(125_000)).toBe('2m05s');
    expect(formatDuration(3_660_000)).toBe('1h01m');
    expect(formatDuration(-1)).toBe('?');
  });

  it('prints a plan: summary, balance before and after per broker, the moves', () => {
    const text = formatPlan(plan);
    expect(text.split('\n')[0]).toBe(
      '2 moves (1 reassignments, 1 leader changes), 3.0 MiB to copy (at least 2.0 MiB for this balance)',
    );
    expect(text).toMatch(/BROKER\s+REPLICAS\s+LEADERS\s+BYTES/);
    expect(text).toMatch(/1\s+0 -> 1\s+0 -> 1\s+0 B -> 1.0 MiB/);
    expect(text).toMatch(/a\s+1\s+reassign\s+0\s+1\s+3.0 MiB\s+pending/);
  });

  it('prints progress as a bar, counts, bytes and time left', () => {
    const running = { ...plan, status: 'running' as const, movesDone: 1, bytesDone: 1.5 * 1024 * 1024 };
    expect(progressLine(running)).toBe(
      '[##########----------] 1/2 moves, 1.5 MiB/3.0 MiB, about 2m05s left (running)',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { type BalancingConfig, DEFAULT_BALANCING_CONFIG } from './balancing-config.js';
import { automaticTriggers, imbalancePercent } from './triggers.js';

const config = (changes: Partial<BalancingConfig> = {}): BalancingConfig => ({
  ...DEFAULT_BALANCING_CONFIG,
  ...changes,
});
const live = [{ id: 0 }, { id: 1 }, { id: 2 }];

describe('automaticTriggers', () => {
  it('onScale: a broker that joined empty, a leaving broker that still holds replicas', () => {
    const replicas = new Map([
      [0, 4],
      [1, 4],
      [2, 0],
    ]);
    const input = { config: config(), states: new Map(), joined: live, replicas, goneForMs: () => 0 };
    expect(automaticTriggers(input)).toEqual(['broker 2 joined holding no replicas']);
    const leaving = { ...input, states: new Map([[1, 'leaving' as const]]) };
    expect(automaticTriggers(leaving)).toEqual([
      'broker 2 joined holding no replicas',
      'broker 1 is leaving and holds 4 replicas',
    ]);
    // Cordoned or stopping brokers holding nothing are not an invitation; an empty cluster neither.
    expect(automaticTriggers({ ...input, states: new Map([[2, 'cordoned' as const]]) })).toEqual([]);
    expect(automaticTriggers({ ...input, joined: [{ id: 2, shuttingDown: true }] })).toEqual([]);
    expect(automaticTriggers({ ...input, replicas: new Map() })).toEqual([]);
    // A broker that did not just join and holds nothing: no reason (small topics are balanced that way).
    expect(automaticTriggers({ ...input, joined: [] })).toEqual([]);
  });

  it('continuous adds brokers gone past the grace; off never triggers', () => {
    const replicas = new Map([
      [0, 4],
      [1, 4],
      [2, 4],
    ]);
    const gone = (id: number) => (id === 2 ? 120_000 : 0);
    const base = { states: new Map(), joined: [], replicas, goneForMs: gone };
    expect(automaticTriggers({ ...base, config: config({ goneBrokerGraceMs: 60_000 }) })).toEqual([]);
    expect(
      automaticTriggers({ ...base, config: config({ mode: 'continuous', goneBrokerGraceMs: 60_000 }) }),
    ).toEqual(['broker 2 has been gone 120 s (grace 60000 ms)']);
    expect(
      automaticTriggers({ ...base, config: config({ mode: 'continuous', goneBrokerGraceMs: 180_000 }) }),
    ).toEqual([]);
    const leaving = { ...base, states: new Map([[0, 'leaving' as const]]) };
    expect(automaticTriggers({ ...leaving, config: config({ mode: 'off' }) })).toEqual([]);
  });
});

describe('imbalancePercent', () => {
  const load = (id: number, replicas: number, bytes: number) => ({ id, replicas, leaders: 0, bytes });

  it('counts replica skew beyond rounding and byte skew against the mean', () => {
    // 7 replicas over 3 brokers: 3/2/2 is as good as it gets.
    expect(imbalancePercent([load(0, 3, 100), load(1, 2, 100), load(2, 2, 100)])).toBe(0);
    // 6/3/0: broker 0 holds 3 over the mean of 3, broker 2 three under.
    expect(imbalancePercent([load(0, 6, 100), load(1, 3, 100), load(2, 0, 100)])).toBe(100);
    // Equal counts, bytes 150/100/50: 50% off the mean.
    expect(imbalancePercent([load(0, 2, 150), load(1, 2, 100), load(2, 2, 50)])).toBe(50);
    expect(imbalancePercent([load(0, 9, 9)])).toBe(0);
  });
});

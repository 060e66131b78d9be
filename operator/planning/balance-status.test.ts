import { describe, expect, it } from 'vitest';
import type { Cluster } from '../api/v1alpha1.js';
import {
  type BalanceAnswer,
  balancedCondition,
  balancingStatus,
  formatBytes,
  type PlanSummary,
  planEvents,
  scaleDownEvents,
} from './balance-status.js';
import { balancingConfigChanges, wantedBalancingConfig } from './balancing-settings.js';
import { planCluster } from './cluster-plan.js';
import { clusterStatus } from './cluster-status.js';
import { rebalanceRequest } from './rebalance-request.js';

const MIB = 1024 * 1024;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function plan(over: Partial<PlanSummary> = {}): PlanSummary {
  return {
    id: 'p1',
    reason: 'broker 3 joined holding no replicas',
    status: 'running',
    startedAtMs: T0,
    finishedAtMs: 0,
    movesTotal: 40,
    movesDone: 10,
    bytesTotal: 100 * MIB,
    bytesDone: 25 * MIB,
    estimatedMsLeft: 30_500,
    lowerBoundBytes: 90 * MIB,
    ...over,
  };
}

function answer(replicas: number[], over: Partial<BalanceAnswer> = {}): BalanceAnswer {
  return {
    brokers: replicas.map((n, id) => ({
      brokerId: id,
      state: 'active' as const,
      live: true,
      replicas: n,
      leaders: Math.floor(n / 3),
      sizeBytes: n * 1.5 * MIB,
    })),
    current: null,
    last: null,
    ...over,
  };
}

describe('balancingStatus', () => {
  it('shows the running plan with its progress, the last one, and each broker', () => {
    const status = balancingStatus(
      answer([3, 2], {
        current: plan(),
        last: plan({ id: 'p0', status: 'completed', finishedAtMs: T0 - 1000, estimatedMsLeft: -1 }),
      }),
      'r1',
    );
    expect(status).toEqual({
      plan: {
        id: 'p1',
        reason: 'broker 3 joined holding no replicas',
        status: 'running',
        startedAt: '2026-01-01T12:00:00Z',
        movesDone: 10,
        movesTotal: 40,
        bytesDone: 25 * MIB,
        bytesTotal: 100 * MIB,
        lowerBoundBytes: 90 * MIB,
        estimatedSecondsLeft: 31,
      },
      lastPlan: {
        id: 'p0',
        reason: 'broker 3 joined holding no replicas',
        status: 'completed',
        startedAt: '2026-01-01T12:00:00Z',
        finishedAt: '2026-01-01T11:59:59Z',
        movesDone: 10,
        movesTotal: 40,
        bytesDone: 25 * MIB,
        bytesTotal: 100 * MIB,
        lowerBoundBytes: 90 * MIB,
      },
      brokers: [
        { id: 0, state: 'active', live: true, replicas: 3, leaders: 1, size: '4Mi' },
        { id: 1, state: 'active', live: true, replicas: 2, leaders: 0, size: '3Mi' },
      ],
      rebalanceRequest: 'r1',
    });
    // Sizes below a MiB show as 0: the status does not follow every write.
    expect(balancingStatus(answer([0]), undefined).brokers?.[0]?.size).toBe('0');
  });
});

describe('balancedCondition', () => {
  it('is True when no plan runs and replica counts are within one', () => {
    expect(balancedCondition(balancingStatus(answer([10, 11, 10]), undefined), undefined, 'onScale')).toEqual(
      {
        type: 'Balanced',
        status: 'True',
        reason: 'Balanced',
        message: '3 active brokers hold 10 to 11 replicas each; no plan running',
      },
    );
  });

  it('says Unbalanced, with a hint, when counts are further apart and no plan runs', () => {
    const c = balancedCondition(balancingStatus(answer([10, 12, 0]), undefined), undefined, 'off');
    expect(c).toMatchObject({ status: 'False', reason: 'Unbalanced' });
    expect(c.message).toBe(
      'replicas per active broker range from 0 (broker 2) to 12 (broker 1); spec.balancing.mode is off: annotate the Cluster with tributary.dev/rebalance to balance it',
    );
  });

  it('says Rebalancing with the progress while a plan runs', () => {
    const c = balancedCondition(
      balancingStatus(answer([10, 12, 0], { current: plan() }), undefined),
      undefined,
      'onScale',
    );
    expect(c).toMatchObject({ status: 'False', reason: 'Rebalancing' });
    expect(c.message).toBe(
      'plan p1 (broker 3 joined holding no replicas): 10/40 moves, 25.0 MiB of 100.0 MiB copied, about 31 s left',
    );
  });

  it('puts a scale-down first: Draining, or ScaleDownBlocked with its reason', () => {
    const status = balancingStatus(answer([10, 10, 10], { current: plan() }), undefined);
    const draining = balancedCondition(
      status,
      { brokers: [3], phase: 'Draining', startedAt: 'x', message: 'brokers 3 are leaving: 4 replicas' },
      'onScale',
    );
    expect(draining).toMatchObject({ status: 'False', reason: 'Draining' });
    expect(draining.message).toMatch(/^brokers 3 are leaving: 4 replicas; plan p1 /);
    expect(
      balancedCondition(
        status,
        { brokers: [3], phase: 'Blocked', startedAt: 'x', message: 'topic t needs 3' },
        'onScale',
      ),
    ).toMatchObject({ status: 'False', reason: 'ScaleDownBlocked', message: 'topic t needs 3' });
    expect(balancedCondition(undefined, undefined, 'onScale')).toMatchObject({
      status: 'Unknown',
      reason: 'NoAnswer',
    });
  });
});

describe('planEvents', () => {
  const before = balancingStatus(answer([1]), undefined);

  it('announces a plan that started, and one that finished, once each', () => {
    const running = balancingStatus(answer([1], { current: plan() }), undefined);
    expect(planEvents(before, running).map((e) => e.reason)).toEqual(['RebalanceStarted']);
    expect(planEvents(running, running)).toEqual([]);
    const done = balancingStatus(
      answer([1], { last: plan({ status: 'completed', finishedAtMs: T0 }) }),
      undefined,
    );
    const finished = planEvents(running, done);
    expect(finished).toEqual([
      {
        type: 'Normal',
        reason: 'RebalanceCompleted',
        note: 'plan p1 completed (broker 3 joined holding no replicas): 10/40 moves, 25.0 MiB copied',
      },
    ]);
    // Started and finished between two looks: both.
    expect(planEvents(before, done).map((e) => e.reason)).toEqual(['RebalanceStarted', 'RebalanceCompleted']);
    const failed = balancingStatus(
      answer([1], { last: plan({ status: 'failed', finishedAtMs: T0 }) }),
      undefined,
    );
    expect(planEvents(running, failed).map((e) => [e.type, e.reason])).toEqual([
      ['Warning', 'RebalanceFailed'],
    ]);
    // A superseded plan and its successor.
    const next = balancingStatus(
      answer([1], { current: plan({ id: 'p2' }), last: plan({ status: 'superseded', finishedAtMs: T0 }) }),
      undefined,
    );
    expect(planEvents(running, next).map((e) => e.reason)).toEqual([
      'RebalanceSuperseded',
      'RebalanceStarted',
    ]);
  });

  it('announces nothing on the first look at a Cluster', () => {
    expect(planEvents(undefined, balancingStatus(answer([1], { current: plan() }), undefined))).toEqual([]);
  });
});

describe('scaleDownEvents', () => {
  const draining = { brokers: [3, 4], phase: 'Draining' as const, startedAt: 'x', message: 'm' };
  it('announces a start, a block, a completion and a cancel', () => {
    expect(scaleDownEvents(undefined, draining, 3).map((e) => e.reason)).toEqual(['ScaleDownStarted']);
    expect(scaleDownEvents(draining, draining, 3)).toEqual([]);
    const blocked = { ...draining, phase: 'Blocked' as const };
    expect(scaleDownEvents(undefined, blocked, 3).map((e) => [e.type, e.reason])).toEqual([
      ['Warning', 'ScaleDownBlocked'],
    ]);
    expect(scaleDownEvents(blocked, blocked, 3)).toEqual([]);
    expect(scaleDownEvents(blocked, undefined, 5)).toEqual([]);
    expect(scaleDownEvents(draining, undefined, 3)[0]).toEqual({
      type: 'Normal',
      reason: 'ScaleDownCompleted',
      note: 'brokers 3,4 were drained and removed',
    });
    expect(scaleDownEvents(draining, undefined, 5).map((e) => e.reason)).toEqual(['ScaleDownCancelled']);
  });
});

describe('balancing settings', () => {
  const brokers = {
    mode: 'onScale' as const,
    throttleBytesPerSec: 25 * MIB,
    movesPerBroker: 2,
    imbalanceThresholdPercent: 10,
    goneBrokerGraceMs: 1_800_000,
  };

  it('owns the mode always and the other settings only when the spec gives them', () => {
    expect(wantedBalancingConfig({ mode: 'onScale' })).toEqual({ mode: 'onScale' });
    expect(balancingConfigChanges({ mode: 'onScale' }, brokers)).toEqual({});
    expect(balancingConfigChanges({ mode: 'off' }, brokers)).toEqual({ mode: 'off' });
    expect(
      balancingConfigChanges(
        {
          mode: 'continuous',
          throttleBytesPerSecond: '10Mi',
          movesPerBroker: 2,
          imbalanceThresholdPercent: 20,
          goneBrokerGraceSeconds: 600,
        },
        brokers,
      ),
    ).toEqual({
      mode: 'continuous',
      throttleBytesPerSec: 10 * MIB,
      imbalanceThresholdPercent: 20,
      goneBrokerGraceMs: 600_000,
    });
    // Quantities written another way are the same throttle; a fraction is rounded down.
    expect(balancingConfigChanges({ mode: 'onScale', throttleBytesPerSecond: '25Mi' }, brokers)).toEqual({});
    expect(
      wantedBalancingConfig({ mode: 'onScale', throttleBytesPerSecond: '1.5k' }).throttleBytesPerSec,
    ).toBe(1500);
    expect(
      wantedBalancingConfig({ mode: 'onScale', throttleBytesPerSecond: '1000.7' }).throttleBytesPerSec,
    ).toBe(1000);
    expect(() => wantedBalancingConfig({ mode: 'onScale', throttleBytesPerSecond: 'fast' })).toThrow(
      /not a size/,
    );
  });
});

describe('rebalanceRequest', () => {
  it('acts once per value: cancel values cancel, others start a rebalance', () => {
    expect(rebalanceRequest(undefined, undefined)).toEqual({ kind: 'none' });
    expect(rebalanceRequest('1', undefined)).toEqual({ kind: 'rebalance', value: '1' });
    expect(rebalanceRequest('1', '1')).toEqual({ kind: 'none' });
    expect(rebalanceRequest('2', '1')).toEqual({ kind: 'rebalance', value: '2' });
    expect(rebalanceRequest('cancel', '2')).toEqual({ kind: 'cancel', value: 'cancel' });
    expect(rebalanceRequest('cancel-3', 'cancel')).toEqual({ kind: 'cancel', value: 'cancel-3' });
    expect(rebalanceRequest('cancelled-by-me', undefined)).toEqual({
      kind: 'rebalance',
      value: 'cancelled-by-me',
    });
  });
});

describe('formatBytes', () => {
  it('reads like a size', () => {
    expect([formatBytes(512 * 1024), formatBytes(12.5 * MIB), formatBytes(3.2 * 1024 * MIB)]).toEqual([
      '512 KiB',
      '12.5 MiB',
      '3.2 GiB',
    ]);
  });
});

describe('clusterStatus with the balancing step', () => {
  const c: Cluster = {
    apiVersion: 'tributary.dev/v1alpha1',
    kind: 'Cluster',
    metadata: { name: 'demo', namespace: 'ns', uid: 'u', generation: 3 },
    spec: { brokers: 3, version: '0.1.0' } as Cluster['spec'],
  };
  const sts = { replicas: 5, readyReplicas: 5, updatedReplicas: 5 };
  const now = '2026-01-01T00:00:00Z';
  const scaleDown = { brokers: [3, 4], phase: 'Draining' as const, startedAt: now, message: 'm' };

  it('holds Ready on a scale-down, reports Balanced, and keeps what it did not observe', () => {
    const plan = planCluster(c, { replicas: 5 }, undefined, 5);
    const status = clusterStatus(
      c,
      plan,
      {
        statefulSet: sts,
        controllerId: 0,
        balancing: {
          status: balancingStatus(answer([10, 10, 10, 4, 4]), undefined),
          scaleDown,
          condition: balancedCondition(undefined, scaleDown, 'onScale'),
          hold: { reason: 'ScalingDown', message: 'spec.brokers is 3 but 5 brokers run; m' },
        },
      },
      now,
    );
    expect(status.conditions?.map((x) => [x.type, x.status, x.reason])).toEqual([
      ['Ready', 'False', 'ScalingDown'],
      ['Balanced', 'False', 'Draining'],
    ]);
    expect(status.scaleDown).toEqual(scaleDown);
    expect(status.balancing?.brokers).toHaveLength(5);
    // A round without the step (the reconcile failed before it): the last balancing report stays.
    const later = clusterStatus({ ...c, status }, plan, { statefulSet: sts, controllerId: 0 }, now);
    expect(later.balancing).toEqual(status.balancing);
    expect(later.scaleDown).toEqual(scaleDown);
    expect(later.conditions?.find((x) => x.type === 'Balanced')?.reason).toBe('Draining');
    // The brokers did not answer: the report stays, the condition says Unknown.
    const unknown = clusterStatus(
      { ...c, status },
      plan,
      {
        statefulSet: sts,
        controllerId: 0,
        balancing: {
          status: undefined,
          scaleDown: undefined,
          condition: balancedCondition(undefined, undefined, 'onScale'),
          hold: undefined,
        },
      },
      now,
    );
    expect(unknown.balancing).toEqual(status.balancing);
    expect(unknown.scaleDown).toBeUndefined();
    expect(unknown.conditions?.find((x) => x.type === 'Balanced')?.status).toBe('Unknown');
    expect(unknown.conditions?.[0]?.status).toBe('True');
  });
});

import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  type BalanceDescription,
  type BrokerBalance,
  type RebalancePlan,
  TributaryClientError,
} from '../../../client/index.js';
import type { Cluster } from '../../api/v1alpha1.js';
import { type BalanceAdmin, BalancerSync, type BalancingInputs } from './balancer-sync.js';

// The balancing step against a scripted admin client: what it asks the brokers, in which order, and what it
// reports. The brokers' side is tested in test/cluster/balancing*.test.ts; the whole on the pod tier in
// test/e2e/balancing.test.ts.

const NOW = '2026-01-01T00:00:00Z';

function cluster(over: {
  brokers?: number;
  annotations?: Record<string, string>;
  status?: Cluster['status'];
}) {
  return {
    apiVersion: 'tributary.dev/v1alpha1',
    kind: 'Cluster',
    metadata: {
      name: 'demo',
      namespace: 'ns',
      uid: 'u1',
      generation: 2,
      ...(over.annotations === undefined ? {} : { annotations: over.annotations }),
    },
    spec: { brokers: over.brokers ?? 3, version: '0.1.0' },
    ...(over.status === undefined ? {} : { status: over.status }),
  } as Cluster;
}

function broker(brokerId: number, over: Partial<BrokerBalance> = {}): BrokerBalance {
  return { brokerId, state: 'active', live: true, rack: '', replicas: 6, leaders: 2, sizeBytes: 0, ...over };
}

function plan(over: Partial<RebalancePlan> = {}): RebalancePlan {
  return {
    id: 'p1',
    reason: 'requested',
    status: 'running',
    startedAtMs: 1,
    finishedAtMs: 0,
    movesTotal: 4,
    movesDone: 1,
    movesRunning: 1,
    movesFailed: 0,
    movesCancelled: 0,
    bytesTotal: 0,
    bytesDone: 0,
    estimatedMsLeft: -1,
    lowerBoundBytes: 0,
    before: [],
    after: [],
    unsatisfiable: [],
    moves: [],
    ...over,
  };
}

/** An admin client that answers `description` and records every call; `refuse` maps calls to errors. */
function scripted(description: BalanceDescription, refuse: Record<string, Error> = {}) {
  const calls: Array<[string, unknown]> = [];
  const call = async <T>(name: string, args: unknown, answer: T): Promise<T> => {
    calls.push([name, args]);
    const error = refuse[name];
    if (error !== undefined) throw error;
    return answer;
  };
  const admin: BalanceAdmin = {
    describeBalance: (o) => call('describeBalance', o, description),
    alterBrokerStates: (changes) =>
      call(`alterBrokerStates:${changes[0]?.state}`, changes, description.brokers),
    rebalance: (o) => call('rebalance', o, plan({ id: 'p9' })),
    cancelRebalance: () => call('cancelRebalance', undefined, plan({ status: 'cancelling' })),
    alterBalancingConfig: (c) => call('alterBalancingConfig', c, description.config),
  };
  return { admin, calls };
}

function described(brokers: BrokerBalance[], current: RebalancePlan | null = null): BalanceDescription {
  return {
    brokers,
    current,
    last: null,
    config: {
      mode: 'onScale',
      throttleBytesPerSec: 25 * 1024 * 1024,
      movesPerBroker: 2,
      imbalanceThresholdPercent: 10,
      goneBrokerGraceMs: 1_800_000,
    },
  };
}

function step() {
  const events: Array<{ reason: string; note: string }> = [];
  const sync = new BalancerSync({
    events: { record: (_s, _t, reason, _a, note) => events.push({ reason, note }) },
    log: pino({ level: 'silent' }),
  });
  const run = (inputs: Partial<BalancingInputs> & Pick<BalancingInputs, 'cluster'>) =>
    sync.sync({ statefulSetReplicas: 3, pods: [0, 1, 2], admin: undefined, nowIso: NOW, ...inputs });
  return { run, events };
}

const five = [0, 1, 2, 3, 4];

describe('BalancerSync', () => {
  it('changes nothing without an answer: the StatefulSet keeps its brokers, Balanced is Unknown', async () => {
    const { run } = step();
    const result = await run({ cluster: cluster({}), statefulSetReplicas: 5, pods: five });
    expect(result.replicas).toBe(5);
    expect(result.observation).toMatchObject({
      status: undefined,
      condition: { status: 'Unknown', reason: 'NoAnswer' },
      hold: { reason: 'ScalingDown' },
    });
    const failing = scripted(described([]), { describeBalance: new Error('unavailable') });
    const again = await run({
      cluster: cluster({}),
      statefulSetReplicas: 5,
      pods: five,
      admin: failing.admin,
    });
    expect(again.replicas).toBe(5);
    expect(again.failure).toBeUndefined();
    expect(failing.calls.map(([name]) => name)).toEqual(['describeBalance']);
  });

  it('applies spec.balancing where the brokers differ, and reports a balanced cluster', async () => {
    const { run, events } = step();
    const c = cluster({});
    c.spec.balancing = { mode: 'off', movesPerBroker: 4 };
    const { admin, calls } = scripted(described([broker(0), broker(1), broker(2)]));
    const result = await run({ cluster: c, admin });
    expect(calls).toEqual([
      ['describeBalance', { includeMoves: false }],
      ['alterBalancingConfig', { mode: 'off', movesPerBroker: 4 }],
    ]);
    expect(events.map((e) => e.reason)).toEqual(['BalancingConfigChanged']);
    expect(result).toMatchObject({ replicas: 3, busy: true, failure: undefined });
    expect(result.observation.condition).toMatchObject({ status: 'True', reason: 'Balanced' });
    expect(result.observation.status?.brokers).toHaveLength(3);
  });

  it('marks the going brokers leaving and keeps their pods; a refusal blocks the scale-down with its reason', async () => {
    const brokers = five.map((id) => broker(id));
    const { run, events } = step();
    const ok = scripted(described(brokers));
    const draining = await run({ cluster: cluster({}), statefulSetReplicas: 5, pods: five, admin: ok.admin });
    expect(ok.calls).toEqual([
      ['describeBalance', { includeMoves: true }],
      [
        'alterBrokerStates:leaving',
        [
          { brokerId: 3, state: 'leaving' },
          { brokerId: 4, state: 'leaving' },
        ],
      ],
    ]);
    expect(draining.replicas).toBe(5);
    expect(draining.observation.scaleDown).toMatchObject({ brokers: [3, 4], phase: 'Draining' });
    expect(draining.observation.condition).toMatchObject({ status: 'False', reason: 'Draining' });
    expect(events.map((e) => e.reason)).toEqual(['ScaleDownStarted']);

    const refusal = new TributaryClientError(
      'INSUFFICIENT_BROKERS',
      'topic orders needs 3 brokers for its replicas; only 2 (0,1) would not be leaving',
    );
    const refused = scripted(described(brokers), { 'alterBrokerStates:leaving': refusal });
    const blocked = await run({
      cluster: cluster({ brokers: 2 }),
      statefulSetReplicas: 5,
      pods: five,
      admin: refused.admin,
    });
    expect(blocked.replicas).toBe(5);
    expect(blocked.failure).toBeUndefined();
    expect(blocked.observation.scaleDown).toMatchObject({ phase: 'Blocked', brokers: [2, 3, 4] });
    expect(blocked.observation.hold?.reason).toBe('ScaleDownBlocked');
    expect(blocked.observation.condition).toMatchObject({ status: 'False', reason: 'ScaleDownBlocked' });
    expect(blocked.observation.condition?.message).toContain('topic orders needs 3 brokers');
    expect(events.at(-1)?.reason).toBe('ScaleDownBlocked');
  });

  it('lets drained brokers go, and clears their states once their pods are gone', async () => {
    const { run, events } = step();
    const status = {
      scaleDown: { brokers: [3, 4], phase: 'Draining' as const, startedAt: NOW, message: '' },
    };
    const empty = { state: 'leaving' as const, replicas: 0, leaders: 0 };
    const drained = scripted(
      described([broker(0), broker(1), broker(2), broker(3, empty), broker(4, empty)]),
    );
    const shrink = await run({
      cluster: cluster({ status }),
      statefulSetReplicas: 5,
      pods: five,
      admin: drained.admin,
    });
    expect(shrink.replicas).toBe(3);
    expect(shrink.observation.scaleDown).toMatchObject({ phase: 'Removing' });
    const gone = { ...empty, live: false };
    const cleared = scripted(described([broker(0), broker(1), broker(2), broker(3, gone), broker(4, gone)]));
    const removing = { scaleDown: { ...status.scaleDown, phase: 'Removing' as const } };
    const done = await run({ cluster: cluster({ status: removing }), admin: cleared.admin });
    expect(cleared.calls.at(-1)).toEqual([
      'alterBrokerStates:active',
      [
        { brokerId: 3, state: 'active' },
        { brokerId: 4, state: 'active' },
      ],
    ]);
    expect(done.observation.scaleDown).toBeUndefined();
    expect(events.map((e) => e.reason)).toEqual(['ScaleDownCompleted']);
  });

  it('acts on each tributary.dev/rebalance value once, and records it', async () => {
    const { run, events } = step();
    const brokers = [broker(0), broker(1), broker(2)];
    const idle = scripted(described(brokers));
    const started = await run({
      cluster: cluster({ annotations: { 'tributary.dev/rebalance': '1' } }),
      admin: idle.admin,
    });
    expect(idle.calls.map(([name]) => name)).toEqual(['describeBalance', 'rebalance']);
    expect(started.observation.status?.rebalanceRequest).toBe('1');
    expect(started.busy).toBe(true);
    const handled = { balancing: { rebalanceRequest: '1' } };
    const again = scripted(described(brokers));
    await run({
      cluster: cluster({ annotations: { 'tributary.dev/rebalance': '1' }, status: handled }),
      admin: again.admin,
    });
    expect(again.calls.map(([name]) => name)).toEqual(['describeBalance']);

    const running = scripted(described(brokers, plan()));
    const cancel = await run({
      cluster: cluster({ annotations: { 'tributary.dev/rebalance': 'cancel' }, status: handled }),
      admin: running.admin,
    });
    expect(running.calls.map(([name]) => name)).toEqual(['describeBalance', 'cancelRebalance']);
    expect(cancel.observation.status?.rebalanceRequest).toBe('cancel');
    // A request while a plan runs starts nothing, and says so.
    const busy = scripted(described(brokers, plan()));
    await run({
      cluster: cluster({ annotations: { 'tributary.dev/rebalance': '2' }, status: handled }),
      admin: busy.admin,
    });
    expect(busy.calls.map(([name]) => name)).toEqual(['describeBalance']);
    // (Each round also announces the running plan it sees for the first time: RebalanceStarted.)
    expect(events.map((e) => e.reason).filter((r) => r !== 'RebalanceStarted')).toEqual([
      'RebalanceRequested',
      'RebalanceCancelRequested',
      'RebalanceNotStarted',
    ]);
  });

  it('reports a failed call as the step failure, keeps the request for the next round, and goes on', async () => {
    const { run } = step();
    const c = cluster({ annotations: { 'tributary.dev/rebalance': '1' } });
    c.spec.balancing = { mode: 'off' };
    const failing = scripted(described([broker(0), broker(1), broker(2)]), {
      alterBalancingConfig: new Error('deadline exceeded'),
    });
    const result = await run({ cluster: c, admin: failing.admin });
    expect(failing.calls.map(([name]) => name)).toEqual([
      'describeBalance',
      'alterBalancingConfig',
      'rebalance',
    ]);
    expect(result.failure).toEqual({ step: 'Balancing', message: 'AlterBalancingConfig: deadline exceeded' });
    expect(result.observation.status?.rebalanceRequest).toBe('1');
    const refused = scripted(described([broker(0), broker(1), broker(2)]), {
      rebalance: new Error('unavailable'),
    });
    const kept = await run({
      cluster: cluster({ annotations: { 'tributary.dev/rebalance': '1' } }),
      admin: refused.admin,
    });
    expect(kept.observation.status?.rebalanceRequest).toBeUndefined();
    expect(kept.failure?.message).toBe('Rebalance: unavailable');
  });
});

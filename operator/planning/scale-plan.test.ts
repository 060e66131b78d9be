import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BalanceBroker,
  type BalanceView,
  blockedScale,
  planScale,
  type ScaleDownStatus,
  type ScaleInputs,
} from './scale-plan.js';

const NOW = '2026-01-01T00:00:00Z';
const EARLIER = '2025-12-31T23:00:00Z';

function broker(id: number, over: Partial<BalanceBroker> = {}): BalanceBroker {
  return { id, state: 'active', live: true, replicas: 10, leaders: 3, ...over };
}

/** `planBrokers`: the brokers the running plan's moves name, or 'unasked' (a plan runs, moves not asked). */
function view(brokers: BalanceBroker[], planBrokers: number[] | 'unasked' = []): BalanceView {
  return { brokers, planBrokers: planBrokers === 'unasked' ? undefined : new Set(planBrokers) };
}

function inputs(over: Partial<ScaleInputs>): ScaleInputs {
  return {
    wanted: 3,
    running: 5,
    pods: [0, 1, 2, 3, 4],
    previous: undefined,
    balance: view([0, 1, 2, 3, 4].map((id) => broker(id))),
    nowIso: NOW,
    ...over,
  };
}

const draining = (brokers: number[]): ScaleDownStatus => ({
  brokers,
  phase: 'Draining',
  startedAt: EARLIER,
  message: '',
});

describe('planScale', () => {
  it('does nothing when spec.brokers is not below the running count', () => {
    expect(planScale(inputs({ wanted: 5 }))).toEqual({
      replicas: 5,
      activate: [],
      leave: [],
      status: undefined,
      hold: undefined,
    });
    // A scale-up: the StatefulSet grows at once.
    expect(planScale(inputs({ wanted: 7 })).replicas).toBe(7);
  });

  it('marks the highest ordinals leaving and keeps their pods while they hold replicas', () => {
    const plan = planScale(inputs({}));
    expect(plan.leave).toEqual([3, 4]);
    expect(plan.activate).toEqual([]);
    expect(plan.replicas).toBe(5);
    expect(plan.status).toMatchObject({ brokers: [3, 4], phase: 'Draining', startedAt: NOW });
    expect(plan.hold).toMatchObject({ reason: 'ScalingDown' });
    expect(plan.hold?.message).toContain('spec.brokers is 3 but 5 brokers run');
  });

  it('reports what is left to move, and never marks a leaving broker again', () => {
    const plan = planScale(
      inputs({
        previous: draining([3, 4]),
        balance: view([
          ...[0, 1, 2].map((id) => broker(id)),
          broker(3, { state: 'leaving', replicas: 4, leaders: 1 }),
          broker(4, { state: 'leaving', replicas: 2, leaders: 0 }),
        ]),
      }),
    );
    expect(plan.leave).toEqual([]);
    expect(plan.replicas).toBe(5);
    expect(plan.status).toMatchObject({ phase: 'Draining', startedAt: EARLIER });
    expect(plan.status?.message).toBe(
      'brokers 3,4 are leaving: 6 replicas and 1 leaderships left to move off',
    );
  });

  it('lets the highest pods go as soon as they are empty, highest first', () => {
    const balance = (b3: Partial<BalanceBroker>, b4: Partial<BalanceBroker>) =>
      view([
        ...[0, 1, 2].map((id) => broker(id)),
        broker(3, { state: 'leaving', ...b3 }),
        broker(4, { state: 'leaving', ...b4 }),
      ]);
    const empty = { replicas: 0, leaders: 0 };
    // 4 empty, 3 not: the StatefulSet may drop pod 4 only.
    expect(planScale(inputs({ previous: draining([3, 4]), balance: balance({}, empty) })).replicas).toBe(4);
    // 3 empty, 4 not: nothing can go (a StatefulSet removes the highest ordinal first).
    expect(planScale(inputs({ previous: draining([3, 4]), balance: balance(empty, {}) })).replicas).toBe(5);
    const done = planScale(inputs({ previous: draining([3, 4]), balance: balance(empty, empty) }));
    expect(done.replicas).toBe(3);
    expect(done.status).toMatchObject({ brokers: [3, 4], phase: 'Removing' });
    expect(done.status?.message).toBe('brokers 3,4 are empty; waiting for the pods of 3,4 to go');
    expect(done.hold).toBeUndefined();
  });

  it('does not count a broker as drained while a leadership or an unfinished move names it', () => {
    const brokers = [
      ...[0, 1, 2].map((id) => broker(id)),
      broker(3, { state: 'leaving', replicas: 0, leaders: 1 }),
    ];
    const base = { wanted: 3, running: 4, pods: [0, 1, 2, 3], previous: draining([3]) };
    expect(planScale(inputs({ ...base, balance: view(brokers) })).replicas).toBe(4);
    brokers[3] = broker(3, { state: 'leaving', replicas: 0, leaders: 0 });
    expect(planScale(inputs({ ...base, balance: view(brokers, [1, 3]) })).replicas).toBe(4);
    // A plan runs but its moves are unknown: not drained either.
    const unknown = planScale(inputs({ ...base, balance: view(brokers, 'unasked') }));
    expect(unknown.replicas).toBe(4);
    expect(unknown.status?.message).toBe(
      'brokers 3 are leaving; waiting for the running plan to finish with them',
    );
    expect(planScale(inputs({ ...base, balance: view(brokers, [0, 1]) })).replicas).toBe(3);
  });

  it('needs the balance to show a broker leaving before it counts as drained (never a state just set)', () => {
    const plan = planScale(
      inputs({
        wanted: 3,
        running: 4,
        pods: [0, 1, 2, 3],
        balance: view([...[0, 1, 2].map((id) => broker(id)), broker(3, { replicas: 0, leaders: 0 })]),
      }),
    );
    expect(plan.leave).toEqual([3]);
    expect(plan.replicas).toBe(4);
    // A broker the controller does not know yet (its pod never registered) waits one round too.
    const unknown = planScale(
      inputs({ wanted: 3, running: 4, pods: [0, 1, 2, 3], balance: view([0, 1, 2].map((id) => broker(id))) }),
    );
    expect(unknown).toMatchObject({ leave: [3], replicas: 4 });
  });

  it('clears the states of removed brokers once their pods are gone and they are unregistered', () => {
    const removing: ScaleDownStatus = { ...draining([3, 4]), phase: 'Removing' };
    const leavingGone = (id: number, over: Partial<BalanceBroker> = {}) =>
      broker(id, { state: 'leaving', replicas: 0, leaders: 0, live: false, ...over });
    const base = { wanted: 3, running: 3, previous: removing };
    // Pod 4 still terminating, broker 3 still registered: nothing cleared yet.
    const waiting = planScale(
      inputs({
        ...base,
        pods: [0, 1, 2, 4],
        balance: view([...[0, 1, 2].map((id) => broker(id)), leavingGone(3, { live: true }), leavingGone(4)]),
      }),
    );
    expect(waiting.activate).toEqual([]);
    expect(waiting.status).toMatchObject({ phase: 'Removing', brokers: [3, 4] });
    expect(waiting.status?.message).toBe('brokers 3,4 are empty; waiting for the pods of 3,4 to go');
    // Both gone: cleared, and the scale-down is over.
    const over = planScale(
      inputs({
        ...base,
        pods: [0, 1, 2],
        balance: view([...[0, 1, 2].map((id) => broker(id)), leavingGone(3), leavingGone(4)]),
      }),
    );
    expect(over).toEqual({ replicas: 3, activate: [3, 4], leave: [], status: undefined, hold: undefined });
    // Already cleared (the status write after the clearing failed): nothing more to do.
    const again = planScale(
      inputs({ ...base, pods: [0, 1, 2], balance: view([0, 1, 2].map((id) => broker(id))) }),
    );
    expect(again).toEqual({ replicas: 3, activate: [], leave: [], status: undefined, hold: undefined });
  });

  it('clears a left-over state of a gone id even when the status does not list it, so a scale-up is not blocked', () => {
    const plan = planScale(
      inputs({
        wanted: 3,
        running: 3,
        pods: [0, 1, 2],
        balance: view([
          ...[0, 1, 2].map((id) => broker(id)),
          broker(4, { state: 'leaving', live: false, replicas: 0, leaders: 0 }),
          // Holding replicas (a dead broker, not a removed one): left alone.
          broker(5, { state: 'cordoned', live: false, replicas: 2, leaders: 0 }),
        ]),
      }),
    );
    expect(plan.activate).toEqual([4]);
    expect(plan.status).toBeUndefined();
    // A scale-up over a left-over leaving id, its pod back: made active too (it is below spec.brokers now,
    // so only when the status marked it; a user's own state on a broker that stays is left alone).
    const up = planScale(
      inputs({
        wanted: 5,
        running: 5,
        previous: draining([3, 4]),
        balance: view([
          ...[0, 1, 2].map((id) => broker(id)),
          broker(3, { state: 'leaving', replicas: 2 }),
          broker(4, { state: 'leaving', replicas: 0, leaders: 0 }),
        ]),
      }),
    );
    expect(up).toEqual({ replicas: 5, activate: [3, 4], leave: [], status: undefined, hold: undefined });
    const users = planScale(
      inputs({
        wanted: 5,
        running: 5,
        balance: view([...[0, 1, 2, 3].map((id) => broker(id)), broker(4, { state: 'leaving' })]),
      }),
    );
    expect(users.activate).toEqual([]);
  });

  it('cancels the part of a drain that spec.brokers takes back, and goes on with the rest', () => {
    const plan = planScale(
      inputs({
        wanted: 4,
        previous: draining([3, 4]),
        balance: view([
          ...[0, 1, 2].map((id) => broker(id)),
          broker(3, { state: 'leaving', replicas: 5 }),
          broker(4, { state: 'leaving', replicas: 5 }),
        ]),
      }),
    );
    expect(plan.activate).toEqual([3]);
    expect(plan.leave).toEqual([]);
    expect(plan.replicas).toBe(5);
    expect(plan.status).toMatchObject({ brokers: [4], phase: 'Draining', startedAt: EARLIER });
  });

  it('changes nothing while the brokers cannot be asked, and says so', () => {
    const plan = planScale(inputs({ balance: undefined, previous: draining([3, 4]) }));
    expect(plan).toMatchObject({ replicas: 5, activate: [], leave: [], status: draining([3, 4]) });
    expect(plan.hold).toEqual({
      reason: 'ScalingDown',
      message:
        'spec.brokers is 3 but 5 brokers run; the scale-down waits for the brokers to answer (their balance cannot be read), and 5 are kept',
    });
    // Without a StatefulSet, the pods count.
    expect(planScale(inputs({ balance: undefined, running: undefined, pods: [0, 1, 2, 3] })).replicas).toBe(
      4,
    );
    expect(planScale(inputs({ balance: undefined, wanted: 5 })).hold).toBeUndefined();
  });

  it("is refused as a whole: nothing marked, every pod kept, the reason in the brokers' words", () => {
    const i = inputs({});
    const plan = planScale(i);
    const blocked = blockedScale(
      plan,
      i,
      'topic orders needs 3 brokers for its replicas; only 2 (0,1) would not be leaving',
    );
    expect(blocked.leave).toEqual([]);
    expect(blocked.replicas).toBe(5);
    expect(blocked.status).toMatchObject({ brokers: [3, 4], phase: 'Blocked', startedAt: NOW });
    expect(blocked.hold?.reason).toBe('ScaleDownBlocked');
    expect(blocked.hold?.message).toContain('topic orders needs 3 brokers');
    expect(() => blockedScale({ ...plan, leave: [] }, i, 'x')).toThrow();
    // Raising spec.brokers back ends it: nothing was marked, nothing to undo.
    const undone = planScale(inputs({ wanted: 5, previous: blocked.status }));
    expect(undone).toEqual({ replicas: 5, activate: [], leave: [], status: undefined, hold: undefined });
  });

  it('never lets a pod go whose broker holds anything, and never marks or clears a broker that stays', () => {
    const arbitrary = fc.record({
      wanted: fc.integer({ min: 1, max: 6 }),
      running: fc.integer({ min: 1, max: 8 }),
      brokers: fc.array(
        fc.record({
          state: fc.constantFrom('active' as const, 'cordoned' as const, 'leaving' as const),
          live: fc.boolean(),
          replicas: fc.integer({ min: 0, max: 2 }),
          leaders: fc.integer({ min: 0, max: 1 }),
          known: fc.boolean(),
        }),
        { minLength: 8, maxLength: 8 },
      ),
      planBrokers: fc.option(fc.subarray([0, 1, 2, 3, 4, 5, 6, 7]), { nil: undefined }),
      marked: fc.subarray([0, 1, 2, 3, 4, 5, 6, 7]),
    });
    fc.assert(
      fc.property(arbitrary, (a) => {
        const brokers = a.brokers.flatMap((b, id) => (b.known ? [{ id, ...b }] : []));
        const pods = Array.from({ length: a.running }, (_, i) => i);
        const i: ScaleInputs = {
          wanted: a.wanted,
          running: a.running,
          pods,
          previous: a.marked.length === 0 ? undefined : draining(a.marked),
          balance: view(brokers, a.planBrokers ?? 'unasked'),
          nowIso: NOW,
        };
        const plan = planScale(i);
        expect(plan.replicas).toBeGreaterThanOrEqual(a.wanted);
        expect(plan.replicas).toBeLessThanOrEqual(Math.max(a.wanted, a.running));
        for (let id = plan.replicas; id < a.running; id++) {
          const b = brokers.find((x) => x.id === id);
          expect(b?.state).toBe('leaving');
          expect(b?.replicas).toBe(0);
          expect(b?.leaders).toBe(0);
          expect(a.planBrokers !== undefined && !a.planBrokers.includes(id)).toBe(true);
        }
        for (const id of plan.leave) expect(id).toBeGreaterThanOrEqual(a.wanted);
        for (const id of plan.activate) {
          expect(plan.leave).not.toContain(id);
          // Made active: one this scale-down marked, or a gone id that holds nothing.
          const b = brokers.find((x) => x.id === id);
          expect(a.marked.includes(id) || (b?.replicas === 0 && !b.live && id >= a.running)).toBe(true);
          if (id >= a.wanted) expect(id).toBeGreaterThanOrEqual(a.running);
        }
      }),
      { numRuns: 500 },
    );
  });
});

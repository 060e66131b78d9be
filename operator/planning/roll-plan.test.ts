import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configMapsToDelete } from './config-map-retention.js';
import { planRoll, type RestartAnswer, type RollInputs, type RollPod } from './roll-plan.js';
import { rollingUpdateStatus } from './roll-status.js';

const NEW = 'demo-new';
const OLD = 'demo-old';
const NOW = 1_000_000;

function pod(ordinal: number, over: Partial<RollPod> = {}): RollPod {
  return {
    name: `demo-${ordinal}`,
    ordinal,
    uid: `uid-${ordinal}`,
    revision: OLD,
    ready: true,
    notReadySinceMs: undefined,
    crashLooping: false,
    terminating: false,
    ...over,
  };
}

const OK: RestartAnswer = { safe: true, caughtUp: true, unsafe: [], lagging: [], neverSafe: [] };

function inputs(pods: RollPod[], over: Partial<RollInputs> = {}): RollInputs {
  return {
    updateRevision: NEW,
    replicas: pods.length,
    pods,
    controllerId: undefined,
    paused: false,
    answers: new Map(pods.map((p) => [p.ordinal, OK])),
    inProgress: undefined,
    rolling: false,
    nowMs: NOW,
    staleUnreadyMs: 120_000,
    ...over,
  };
}

describe('planRoll', () => {
  it('does nothing when every pod runs the update revision and no roll is under way', () => {
    expect(planRoll(inputs([pod(0, { revision: NEW }), pod(1, { revision: NEW })]))).toEqual({
      kind: 'none',
    });
  });

  it('restarts by descending ordinal, the controller last', () => {
    const pods = [pod(0), pod(1), pod(2)];
    const first = planRoll(inputs(pods, { controllerId: 2 }));
    expect(first).toMatchObject({ kind: 'delete', pod: { name: 'demo-1' }, why: 'normal' });
    const next = planRoll(inputs([pod(0), pod(1, { revision: NEW }), pod(2)], { controllerId: 2 }));
    expect(next).toMatchObject({ kind: 'delete', pod: { name: 'demo-0' } });
    const last = planRoll(
      inputs([pod(0, { revision: NEW }), pod(1, { revision: NEW }), pod(2)], { controllerId: 2 }),
    );
    expect(last).toMatchObject({ kind: 'delete', pod: { name: 'demo-2' } });
  });

  it('waits, naming the partitions, when the next restart is unsafe; never skips ahead', () => {
    const answers = new Map([
      [0, OK],
      [1, OK],
      [2, { ...OK, safe: false, unsafe: ['events/3', 'events/7'] }],
    ]);
    const action = planRoll(inputs([pod(0), pod(1), pod(2)], { answers }));
    expect(action).toMatchObject({ kind: 'wait', reason: 'Unsafe', partitions: ['events/3', 'events/7'] });
    if (action.kind === 'wait') expect(action.message).toContain('events/3, events/7');
  });

  it('waits after a restart until the pod is ready and its broker back in every ISR', () => {
    const pods = [pod(0), pod(1), pod(2, { revision: NEW, ready: false })];
    expect(planRoll(inputs(pods))).toMatchObject({ kind: 'wait', reason: 'PodNotReady' });
    const lagging = new Map([
      [0, OK],
      [1, OK],
      [2, { ...OK, caughtUp: false, lagging: ['events/0'] }],
    ]);
    const back = [pod(0), pod(1), pod(2, { revision: NEW })];
    expect(planRoll(inputs(back, { answers: lagging }))).toMatchObject({
      kind: 'wait',
      reason: 'NotCaughtUp',
      partitions: ['events/0'],
    });
    expect(planRoll(inputs(back))).toMatchObject({ kind: 'delete', pod: { name: 'demo-1' } });
  });

  it('waits while the deleted pod has not been re-created (a stale cache), and while pods are missing', () => {
    const pods = [pod(0), pod(1), pod(2)];
    expect(
      planRoll(inputs(pods, { inProgress: { pod: 'demo-2', uid: 'uid-2' }, rolling: true })),
    ).toMatchObject({
      kind: 'wait',
      reason: 'PodTerminating',
    });
    expect(planRoll(inputs([pod(0), pod(1)], { replicas: 3 }))).toMatchObject({
      kind: 'wait',
      reason: 'PodsMissing',
    });
  });

  it('restarts a not-ready pod first, and a crash-looping or long unready one without asking', () => {
    const unsafe = new Map([
      [0, { ...OK, safe: false, unsafe: ['a/0'] }],
      [1, { ...OK, safe: false, unsafe: ['a/0'] }],
      [2, { ...OK, safe: false, unsafe: ['a/0'] }],
    ]);
    const notReady = [pod(0, { ready: false, notReadySinceMs: NOW - 1000 }), pod(1), pod(2)];
    expect(planRoll(inputs(notReady))).toMatchObject({
      kind: 'delete',
      pod: { name: 'demo-0' },
      why: 'unready-first',
    });
    expect(planRoll(inputs(notReady, { answers: unsafe }))).toMatchObject({ kind: 'wait', reason: 'Unsafe' });
    const looping = [pod(0), pod(1, { ready: false, crashLooping: true }), pod(2)];
    expect(planRoll(inputs(looping, { answers: unsafe }))).toMatchObject({
      kind: 'delete',
      pod: { name: 'demo-1' },
      why: 'crash-looping',
    });
    const long = [pod(0), pod(1), pod(2, { ready: false, notReadySinceMs: NOW - 120_000 })];
    expect(planRoll(inputs(long, { answers: new Map() }))).toMatchObject({
      kind: 'delete',
      pod: { name: 'demo-2' },
      why: 'stale-unready',
    });
  });

  it('stops at a new-revision pod that does not come up (a crash-looping version)', () => {
    const pods = [pod(0), pod(1), pod(2, { revision: NEW, ready: false, crashLooping: true })];
    expect(planRoll(inputs(pods))).toMatchObject({ kind: 'wait', reason: 'PodNotReady' });
  });

  it('pauses before the next pod, and is done once all are back', () => {
    expect(planRoll(inputs([pod(0), pod(1)], { paused: true }))).toMatchObject({
      kind: 'wait',
      reason: 'Paused',
    });
    const all = [pod(0, { revision: NEW }), pod(1, { revision: NEW })];
    expect(planRoll(inputs(all, { rolling: true }))).toEqual({ kind: 'done' });
  });

  it('warns about partitions that can never be safe, without waiting for them', () => {
    const answers = new Map([[0, { ...OK, neverSafe: ['single/0'] }]]);
    const action = planRoll(inputs([pod(0)], { answers }));
    expect(action).toMatchObject({ kind: 'delete' });
    if (action.kind === 'delete') expect(action.warnings[0]).toContain('single/0');
  });

  const arbitraryPod = (ordinal: number) =>
    fc
      .record({
        revision: fc.constantFrom(OLD, NEW),
        ready: fc.boolean(),
        crashLooping: fc.boolean(),
        unreadyForMs: fc.integer({ min: 0, max: 300_000 }),
        terminating: fc.boolean(),
      })
      .map((r) =>
        pod(ordinal, {
          revision: r.revision,
          ready: r.ready,
          crashLooping: !r.ready && r.crashLooping,
          notReadySinceMs: r.ready ? undefined : NOW - r.unreadyForMs,
          terminating: r.terminating,
        }),
      );
  const arbitraryAnswer = fc.record({
    safe: fc.boolean(),
    caughtUp: fc.boolean(),
    unsafe: fc.constant<string[]>(['t/0']),
    lagging: fc.constant<string[]>(['t/1']),
    neverSafe: fc.constant<string[]>([]),
  });
  const arbitraryInputs = fc.integer({ min: 1, max: 5 }).chain((n) =>
    fc.record({
      pods: fc.tuple(...Array.from({ length: n }, (_, i) => arbitraryPod(i))),
      answers: fc.array(fc.option(arbitraryAnswer, { nil: undefined }), { minLength: n, maxLength: n }),
      controllerId: fc.option(fc.integer({ min: 0, max: n - 1 }), { nil: undefined }),
      paused: fc.boolean(),
      rolling: fc.boolean(),
    }),
  );

  it('keeps its invariants on any cluster state', () => {
    fc.assert(
      fc.property(arbitraryInputs, ({ pods, answers, controllerId, paused, rolling }) => {
        const answerMap = new Map<number, RestartAnswer>();
        answers.forEach((a, i) => {
          if (a !== undefined) answerMap.set(i, a);
        });
        const action = planRoll(inputs(pods, { answers: answerMap, controllerId, paused, rolling }));
        if (action.kind !== 'delete') return;
        const target = action.pod;
        // Never a pod already on the update revision (no pod restarted twice), never while one terminates.
        expect(target.revision).not.toBe(NEW);
        expect(pods.some((p) => p.terminating)).toBe(false);
        expect(paused).toBe(false);
        // Never more than one pod down: a ready pod goes only when every other pod is ready.
        if (target.ready) expect(pods.every((p) => p.ready)).toBe(true);
        // Unsafe never deleted, except a pod that serves nothing (crash-looping or long unready).
        const answer = answerMap.get(target.ordinal);
        if (action.why === 'normal' || action.why === 'unready-first') expect(answer?.safe).toBe(true);
        else expect(target.ready).toBe(false);
        // Every pod already rolled is back (ready and caught up) first.
        for (const p of pods.filter((q) => q.revision === NEW)) {
          expect(p.ready && answerMap.get(p.ordinal)?.caughtUp).toBe(true);
        }
        // The controller last: a ready controller goes only when no other pod is stale.
        if (target.ordinal === controllerId && target.ready) {
          expect(pods.filter((p) => p.revision !== NEW && p.ordinal !== controllerId)).toEqual([]);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('rollingUpdateStatus', () => {
  const now = '2027-01-01T00:00:00Z';
  it('starts a roll, records the pod in progress and the wait, completes', () => {
    const pods = [pod(0), pod(1, { revision: NEW })];
    const started = rollingUpdateStatus(
      undefined,
      {
        updateRevision: NEW,
        pods,
        action: { kind: 'delete', pod: pod(0), why: 'normal', warnings: [] },
        inProgressHealed: false,
      },
      now,
    );
    expect(started).toEqual({
      targetRevision: NEW,
      startedAt: now,
      done: ['demo-1'],
      inProgress: { pod: 'demo-0', uid: 'uid-0', reason: 'normal', deletedAt: now },
    });
    const waiting = rollingUpdateStatus(
      started,
      {
        updateRevision: NEW,
        pods,
        action: { kind: 'wait', reason: 'NotCaughtUp', message: 'm', partitions: ['a/0'] },
        inProgressHealed: false,
      },
      '2027-01-01T00:01:00Z',
    );
    expect(waiting).toMatchObject({
      startedAt: now,
      inProgress: { pod: 'demo-0' },
      waiting: { reason: 'NotCaughtUp' },
    });
    const done = rollingUpdateStatus(
      waiting,
      {
        updateRevision: NEW,
        pods: [pod(0, { revision: NEW }), pod(1, { revision: NEW })],
        action: { kind: 'done' },
        inProgressHealed: true,
      },
      'later',
    );
    expect(done).toEqual({
      targetRevision: NEW,
      startedAt: now,
      done: ['demo-0', 'demo-1'],
      completedAt: 'later',
    });
    // A new target revision starts a new roll.
    const again = rollingUpdateStatus(
      done,
      {
        updateRevision: 'demo-newer',
        pods,
        action: { kind: 'wait', reason: 'Paused', message: 'p', partitions: [] },
        inProgressHealed: false,
      },
      'again',
    );
    expect(again).toMatchObject({ targetRevision: 'demo-newer', startedAt: 'again', done: [] });
  });
});

describe('configMapsToDelete', () => {
  const cm = (name: string, createdS: number) => ({
    metadata: { name, creationTimestamp: new Date(createdS * 1000) },
  });
  it('keeps the current, the previous and any a pod mounts; deletes the rest, legacy included', () => {
    const maps = [
      cm('demo-config', 1),
      cm('demo-config-aaaaaaaaaaaaaaaa', 2),
      cm('demo-config-bbbbbbbbbbbbbbbb', 3),
      cm('demo-config-cccccccccccccccc', 4),
      cm('demo-config-dddddddddddddddd', 5),
      cm('other-config-eeeeeeeeeeeeeeee', 0),
    ];
    const pods = [
      {
        spec: {
          containers: [],
          volumes: [{ name: 'config', configMap: { name: 'demo-config-aaaaaaaaaaaaaaaa' } }],
        },
      },
    ];
    expect(configMapsToDelete('demo', 'demo-config-dddddddddddddddd', maps, pods).sort()).toEqual([
      'demo-config',
      'demo-config-bbbbbbbbbbbbbbbb',
    ]);
  });
});

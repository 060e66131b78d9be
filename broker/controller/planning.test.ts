import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TributaryError } from '../../proto/errors.js';
import { thrownReason } from '../../test/helpers/thrown-reason.js';
import type { PartitionRegistration } from '../metadata/topic-registry.js';
import {
  type AlterPartitionInput,
  assertPartitionInvariants,
  type ClusterView,
  clusterView,
  completeReassignment,
  placePartitions,
  planAlterPartition,
  planControlledShutdown,
  planPartition,
  planPreferredElection,
  planReassignment,
  planUncleanElection,
  restartedSince,
} from './planning.js';

/** Brokers 1..n live at epoch 10·id, unless overridden. */
function view(
  live: Record<number, number | { epoch: number; shuttingDown?: boolean; incarnation?: string }>,
  restarted: number[] = [],
): ClusterView {
  return clusterView(
    Object.entries(live).map(([id, s]) =>
      typeof s === 'number' ? { id: Number(id), epoch: s } : { id: Number(id), ...s },
    ),
    restarted,
  );
}

const ALL = view({ 1: 10, 2: 20, 3: 30 });

function part(p: Partial<PartitionRegistration> = {}): PartitionRegistration {
  return {
    replicas: [1, 2, 3],
    leader: 1,
    leaderEpoch: 5,
    leaderBrokerEpoch: 10,
    isr: [1, 2, 3],
    partitionEpoch: 7,
    ...p,
  };
}

describe('planPartition', () => {
  const cases: Array<{
    name: string;
    a: PartitionRegistration;
    v: ClusterView;
    unclean?: boolean;
    want: Partial<PartitionRegistration> | null;
  }> = [
    { name: 'healthy: unchanged', a: part(), v: ALL, want: null },
    {
      name: 'leader dead: first ISR replica in replica order leads, old leader leaves the ISR',
      a: part(),
      v: view({ 2: 20, 3: 30 }),
      want: { leader: 2, leaderEpoch: 6, leaderBrokerEpoch: 20, isr: [2, 3], partitionEpoch: 8 },
    },
    {
      name: 'leader restarted (new broker epoch): re-election',
      a: part(),
      v: view({ 1: 11, 2: 20, 3: 30 }),
      want: { leader: 2, leaderEpoch: 6, leaderBrokerEpoch: 20, isr: [2, 3], partitionEpoch: 8 },
    },
    {
      name: 'leader shutting down: moves, and leaves the ISR',
      a: part(),
      v: view({ 1: { epoch: 10, shuttingDown: true }, 2: 20, 3: 30 }),
      want: { leader: 2, leaderEpoch: 6, isr: [2, 3], partitionEpoch: 8 },
    },
    {
      name: 'leader shutting down without successor: keeps leading',
      a: part({ isr: [1] }),
      v: view({ 1: { epoch: 10, shuttingDown: true }, 2: 20, 3: 30 }),
      want: null,
    },
    {
      name: 'skips an ISR member that is shutting down',
      a: part(),
      v: view({ 2: { epoch: 20, shuttingDown: true }, 3: 30 }),
      want: { leader: 3, isr: [2, 3] },
    },
    {
      name: 'follower dead: ISR shrinks',
      a: part(),
      v: view({ 1: 10, 3: 30 }),
      want: { leader: 1, leaderEpoch: 5, isr: [1, 3], partitionEpoch: 8 },
    },
    {
      name: 'follower restarted: ISR shrinks',
      a: part(),
      v: view({ 1: 10, 2: 21, 3: 30 }, [2]),
      want: { leader: 1, leaderEpoch: 5, isr: [1, 3], partitionEpoch: 8 },
    },
    {
      name: 'no ISR member alive: offline, ISR keeps its members',
      a: part({ isr: [1, 2] }),
      v: view({ 3: 30 }),
      want: { leader: -1, leaderEpoch: 6, leaderBrokerEpoch: undefined, isr: [1, 2], partitionEpoch: 8 },
    },
    {
      name: 'no ISR member alive, unclean enabled: a live replica leads alone',
      a: part({ isr: [1, 2] }),
      v: view({ 3: 30 }),
      unclean: true,
      want: { leader: 3, leaderEpoch: 6, leaderBrokerEpoch: 30, isr: [3] },
    },
    {
      name: 'offline and still nobody: unchanged',
      a: part({ leader: -1, leaderBrokerEpoch: undefined, isr: [1, 2], leaderEpoch: 6 }),
      v: view({ 3: 30 }),
      want: null,
    },
    {
      name: 'offline, an ISR member returns under a new epoch: elected',
      a: part({ leader: -1, leaderBrokerEpoch: undefined, isr: [1, 2], leaderEpoch: 6 }),
      v: view({ 2: 21, 3: 30 }, [2]),
      want: { leader: 2, leaderEpoch: 7, leaderBrokerEpoch: 21, isr: [2] },
    },
    {
      name: 'sole ISR leader restarted: re-elected under its new epoch',
      a: part({ isr: [1] }),
      v: view({ 1: 12, 2: 20, 3: 30 }, [1]),
      want: { leader: 1, leaderEpoch: 6, leaderBrokerEpoch: 12, isr: [1] },
    },
    {
      name: 'unconfirmed leader (no broker epoch, single-broker metadata): confirmed',
      a: part({ leaderBrokerEpoch: undefined }),
      v: ALL,
      want: { leader: 1, leaderEpoch: 6, leaderBrokerEpoch: 10, isr: [1, 2, 3], partitionEpoch: 8 },
    },
    {
      name: 'only in-sync survivors shutting down: one still leads (better than offline)',
      a: part({ isr: [1, 2] }),
      v: view({ 2: { epoch: 20, shuttingDown: true }, 3: 30 }),
      want: { leader: 2, isr: [2] },
    },
    {
      name: 'reassignment whose adding replica is in sync completes',
      a: part({ replicas: [4, 1, 2, 3], isr: [1, 2, 3, 4], addingReplicas: [4], removingReplicas: [3] }),
      v: view({ 1: 10, 2: 20, 3: 30, 4: 40 }),
      want: {
        replicas: [4, 1, 2],
        isr: [1, 2, 4],
        leader: 1,
        addingReplicas: undefined,
        removingReplicas: undefined,
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const change = planPartition(c.a, c.v, { uncleanElection: c.unclean === true });
      if (c.want === null) {
        expect(change).toBeNull();
        return;
      }
      expect(change).not.toBeNull();
      const next = change!.next;
      for (const [k, v] of Object.entries(c.want))
        expect(next[k as keyof PartitionRegistration], k).toEqual(v);
      expect(next.partitionEpoch).toBe((c.a.partitionEpoch ?? 0) + 1);
      expect(change!.reasons.length).toBeGreaterThan(0);
      assertPartitionInvariants(next);
      // Idempotent: planning the result again changes nothing.
      expect(planPartition(next, c.v, { uncleanElection: c.unclean === true })).toBeNull();
    });
  }
});

describe('planAlterPartition', () => {
  const ok: AlterPartitionInput = {
    brokerId: 1,
    brokerEpoch: 10,
    leaderEpoch: 5,
    partitionEpoch: 7,
    newIsr: [1, 2],
  };
  const table: Array<[string, Partial<AlterPartitionInput>, ClusterView, string]> = [
    ['stale broker epoch', { brokerEpoch: 9 }, ALL, 'STALE_BROKER_EPOCH'],
    ['unknown broker', { brokerId: 9 }, ALL, 'STALE_BROKER_EPOCH'],
    ['older leader epoch', { leaderEpoch: 4 }, ALL, 'FENCED_LEADER_EPOCH'],
    ['newer leader epoch', { leaderEpoch: 6 }, ALL, 'UNKNOWN_LEADER_EPOCH'],
    ['not the leader', { brokerId: 2, brokerEpoch: 20, newIsr: [2] }, ALL, 'NOT_LEADER'],
    ['stale partition epoch', { partitionEpoch: 6 }, ALL, 'INVALID_UPDATE_VERSION'],
    ['leader missing from ISR', { newIsr: [2, 3] }, ALL, 'INVALID_REQUEST'],
    ['duplicates', { newIsr: [1, 2, 2] }, ALL, 'INVALID_REQUEST'],
    ['adds a non-replica', { newIsr: [1, 4] }, view({ 1: 10, 2: 20, 3: 30, 4: 40 }), 'INELIGIBLE_REPLICA'],
    ['adds a dead replica', { newIsr: [1, 3] }, view({ 1: 10, 2: 20 }), 'INELIGIBLE_REPLICA'],
    [
      'adds a shutting-down replica',
      { newIsr: [1, 3] },
      view({ 1: 10, 2: 20, 3: { epoch: 30, shuttingDown: true } }),
      'INELIGIBLE_REPLICA',
    ],
  ];
  for (const [name, req, v, reason] of table) {
    it(`refuses: ${name}`, () => {
      expect(thrownReason(() => planAlterPartition(part({ isr: [1, 2] }), { ...ok, ...req }, v))).toBe(
        reason,
      );
    });
  }

  it('shrinks and expands, in replica order, bumping only the partition epoch', () => {
    const shrunk = planAlterPartition(part(), { ...ok, newIsr: [3, 1] }, ALL)!.next;
    expect(shrunk).toMatchObject({ isr: [1, 3], leader: 1, leaderEpoch: 5, partitionEpoch: 8 });
    const grown = planAlterPartition(shrunk, { ...ok, partitionEpoch: 8, newIsr: [1, 2, 3] }, ALL)!.next;
    expect(grown).toMatchObject({ isr: [1, 2, 3], partitionEpoch: 9 });
    expect(planAlterPartition(grown, { ...ok, partitionEpoch: 9, newIsr: [1, 2, 3] }, ALL)).toBeNull();
  });

  it('completes a reassignment once the adding replicas are in sync, moving leadership into the target', () => {
    const v = view({ 1: 10, 2: 20, 3: 30, 4: 40, 5: 50 });
    const started = planReassignment(part(), [4, 5, 2], v)!.next;
    expect(started).toMatchObject({
      replicas: [4, 5, 2, 1, 3],
      addingReplicas: [4, 5],
      removingReplicas: [1, 3],
      isr: [1, 2, 3],
      leader: 1,
    });
    const halfway = planAlterPartition(started, { ...ok, partitionEpoch: 8, newIsr: [1, 2, 3, 4] }, v)!.next;
    expect(halfway).toMatchObject({ isr: [4, 2, 1, 3], addingReplicas: [4, 5] });
    const done = planAlterPartition(halfway, { ...ok, partitionEpoch: 9, newIsr: [1, 2, 3, 4, 5] }, v)!.next;
    expect(done).toMatchObject({
      replicas: [4, 5, 2],
      isr: [4, 5, 2],
      leader: 4,
      leaderEpoch: 6,
      leaderBrokerEpoch: 40,
    });
    expect(done.addingReplicas).toBeUndefined();
    expect(done.removingReplicas).toBeUndefined();
    assertPartitionInvariants(done);
  });
});

describe('elections, controlled shutdown, reassignment', () => {
  it('preferred election', () => {
    expect(thrownReason(() => planPreferredElection(part(), ALL))).toBe('ELECTION_NOT_NEEDED');
    const a = part({ leader: 2, leaderBrokerEpoch: 20 });
    expect(planPreferredElection(a, ALL).next).toMatchObject({
      leader: 1,
      leaderEpoch: 6,
      leaderBrokerEpoch: 10,
    });
    expect(thrownReason(() => planPreferredElection({ ...a, isr: [2, 3] }, ALL))).toBe(
      'PREFERRED_LEADER_NOT_AVAILABLE',
    );
    expect(thrownReason(() => planPreferredElection(a, view({ 2: 20, 3: 30 })))).toBe(
      'PREFERRED_LEADER_NOT_AVAILABLE',
    );
  });

  it('unclean election only for offline partitions', () => {
    expect(thrownReason(() => planUncleanElection(part(), ALL))).toBe('ELECTION_NOT_NEEDED');
    const offline = part({ leader: -1, leaderBrokerEpoch: undefined, isr: [1] });
    expect(planUncleanElection(offline, view({ 3: 30 })).next).toMatchObject({ leader: 3, isr: [3] });
    expect(planUncleanElection(offline, view({ 1: 11, 3: 30 })).next).toMatchObject({ leader: 1, isr: [1] });
    expect(thrownReason(() => planUncleanElection(offline, view({})))).toBe('LEADER_NOT_AVAILABLE');
  });

  it('controlled shutdown moves leadership and leaves ISRs, never emptying one', () => {
    const v = view({ 1: { epoch: 10, shuttingDown: true }, 2: 20, 3: 30 });
    expect(planControlledShutdown(part(), 1, v).change?.next).toMatchObject({
      leader: 2,
      leaderEpoch: 6,
      isr: [2, 3],
    });
    expect(planControlledShutdown(part({ isr: [1] }), 1, v)).toEqual({ change: null, remainsLeader: true });
    const follower = planControlledShutdown(part({ leader: 2, leaderBrokerEpoch: 20 }), 1, v);
    expect(follower.change?.next).toMatchObject({ leader: 2, leaderEpoch: 5, isr: [2, 3] });
    expect(planControlledShutdown(part({ replicas: [2, 1], leader: 2, isr: [2] }), 1, v).change).toBeNull();
  });

  it('reassignment validation, no-op, cancel', () => {
    const v = view({ 1: 10, 2: 20, 3: 30, 4: 40 });
    expect(thrownReason(() => planReassignment(part(), [1, 1, 2], v))).toBe('INVALID_REPLICA_ASSIGNMENT');
    expect(thrownReason(() => planReassignment(part(), [1, 9], v))).toBe('INVALID_REPLICA_ASSIGNMENT');
    expect(thrownReason(() => planReassignment(part(), [], v))).toBe('NO_REASSIGNMENT_IN_PROGRESS');
    expect(planReassignment(part(), [1, 2, 3], v)).toBeNull();
    // Shrinking to replicas already in sync completes at once.
    expect(planReassignment(part(), [2, 3], v)!.next).toMatchObject({
      replicas: [2, 3],
      isr: [2, 3],
      leader: 2,
    });
    const started = planReassignment(part(), [1, 2, 4], v)!.next;
    expect(started).toMatchObject({ replicas: [1, 2, 4, 3], addingReplicas: [4], removingReplicas: [3] });
    const cancelled = planReassignment(started, [], v)!.next;
    expect(cancelled).toMatchObject({ replicas: [1, 2, 3], isr: [1, 2, 3], leader: 1 });
    expect(cancelled.addingReplicas).toBeUndefined();
    expect(completeReassignment(cancelled, v)).toBeNull();
    // A replica it keeps may be down; one it adds may not.
    const down = view({ 1: 10, 2: 20, 4: 40 });
    expect(planReassignment(part(), [4, 3, 2], down)!.next).toMatchObject({
      addingReplicas: [4],
      removingReplicas: [1],
    });
    expect(planReassignment(part(), [3, 1, 2], down)!.next.replicas).toEqual([3, 1, 2]);
    expect(thrownReason(() => planReassignment(part(), [1, 2, 5], down))).toBe('INVALID_REPLICA_ASSIGNMENT');
  });

  it('places new partitions led by replicas[0] under its epoch', () => {
    const placed = placePartitions(
      [
        { id: 1, epoch: 10 },
        { id: 2, epoch: 20 },
      ],
      2,
      2,
    );
    expect(placed).toEqual([
      { replicas: [1, 2], leader: 1, leaderEpoch: 0, leaderBrokerEpoch: 10, isr: [1, 2], partitionEpoch: 0 },
      { replicas: [2, 1], leader: 2, leaderEpoch: 0, leaderBrokerEpoch: 20, isr: [2, 1], partitionEpoch: 0 },
    ]);
  });
});

describe('planPartition under any sequence of deaths, restarts and catch-ups (property)', () => {
  type Step =
    | { kind: 'die'; broker: number }
    | { kind: 'return'; broker: number }
    | { kind: 'restart'; broker: number }
    | { kind: 'shutdown'; broker: number }
    | { kind: 'catch-up'; broker: number };
  const broker = fc.integer({ min: 1, max: 4 });
  const step: fc.Arbitrary<Step> = fc.oneof(
    broker.map((b) => ({ kind: 'die' as const, broker: b })),
    broker.map((b) => ({ kind: 'return' as const, broker: b })),
    broker.map((b) => ({ kind: 'restart' as const, broker: b })),
    broker.map((b) => ({ kind: 'shutdown' as const, broker: b })),
    broker.map((b) => ({ kind: 'catch-up' as const, broker: b })),
  );

  it('keeps the invariants, never lowers epochs, and elects outside the ISR only when unclean is enabled', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.boolean(), (steps, unclean) => {
        let revision = 100;
        const live = new Map<number, { epoch: number; shuttingDown: boolean }>(
          [1, 2, 3, 4].map((b) => [b, { epoch: ++revision, shuttingDown: false }]),
        );
        let seen = new Map([...live].map(([b, s]) => [b, s.epoch]));
        let a: PartitionRegistration = placePartitions(
          [...live].map(([id, s]) => ({ id, epoch: s.epoch })),
          1,
          3,
        )[0]!;
        for (const s of steps) {
          if (s.kind === 'die') live.delete(s.broker);
          else if (s.kind === 'return' && !live.has(s.broker)) {
            live.set(s.broker, { epoch: ++revision, shuttingDown: false });
          } else if (s.kind === 'restart' && live.has(s.broker)) {
            live.set(s.broker, { epoch: ++revision, shuttingDown: false });
          } else if (s.kind === 'shutdown' && live.has(s.broker)) {
            live.set(s.broker, { epoch: live.get(s.broker)!.epoch, shuttingDown: true });
          } else if (s.kind === 'catch-up' && a.leader !== -1 && !a.isr.includes(s.broker)) {
            // The leader adds a caught-up follower through AlterPartition; refusals are fine here.
            const v: ClusterView = { live, restarted: new Set() };
            try {
              const sender = live.get(a.leader);
              const change = planAlterPartition(
                a,
                {
                  brokerId: a.leader,
                  brokerEpoch: sender?.epoch ?? -1,
                  leaderEpoch: a.leaderEpoch,
                  partitionEpoch: a.partitionEpoch ?? 0,
                  newIsr: [...a.isr, s.broker],
                },
                v,
              );
              if (change !== null) a = check(a, change.next, false);
            } catch (err) {
              if (!(err instanceof TributaryError)) throw err;
            }
            continue;
          }
          const restarted = [...live]
            .filter(([b, st]) => (seen.get(b) ?? st.epoch) !== st.epoch)
            .map(([b]) => b);
          const v: ClusterView = { live, restarted: new Set(restarted) };
          const change = planPartition(a, v, { uncleanElection: unclean });
          if (change !== null) {
            a = check(a, change.next, unclean);
            expect(planPartition(a, v, { uncleanElection: unclean })).toBeNull();
          }
          seen = new Map([...live].map(([b, st]) => [b, st.epoch]));
          // A current leader is always live under the epoch it was elected with.
          if (a.leader !== -1) expect(live.get(a.leader)?.epoch).toBe(a.leaderBrokerEpoch);
        }
      }),
      { numRuns: 500 },
    );
  });
});

function check(
  before: PartitionRegistration,
  after: PartitionRegistration,
  uncleanAllowed: boolean,
): PartitionRegistration {
  assertPartitionInvariants(after);
  expect(after.leaderEpoch).toBeGreaterThanOrEqual(before.leaderEpoch);
  expect(after.partitionEpoch).toBe((before.partitionEpoch ?? 0) + 1);
  if (after.leader !== before.leader) expect(after.leaderEpoch).toBe(before.leaderEpoch + 1);
  if (after.leader !== -1 && after.leader !== before.leader && !uncleanAllowed) {
    expect(before.isr).toContain(after.leader);
  }
  return after;
}

describe('re-registration of the same process (a renewed session, not a restart)', () => {
  const renewed = (incarnation: string) =>
    view({ 1: { epoch: 11, incarnation }, 2: { epoch: 21, incarnation: 'b2' }, 3: 30 }, []);

  it('keeps the leader, its leader epoch and the ISR, and records the new broker epoch', () => {
    const a = part({ leaderIncarnation: 'b1' });
    const change = planPartition(a, renewed('b1'), { uncleanElection: false });
    expect(change?.next).toMatchObject({
      leader: 1,
      leaderEpoch: 5,
      leaderBrokerEpoch: 11,
      leaderIncarnation: 'b1',
      isr: [1, 2, 3],
      partitionEpoch: 8,
    });
    assertPartitionInvariants(change!.next);
  });

  it('elects another leader when the process is a new one (a restart), as before', () => {
    const a = part({ leaderIncarnation: 'b1' });
    const change = planPartition(a, renewed('b1-restarted'), { uncleanElection: false });
    expect(change?.next).toMatchObject({ leader: 2, leaderEpoch: 6, leaderBrokerEpoch: 21, isr: [2, 3] });
  });

  it('counts a follower with a new epoch as restarted only when its incarnation changed', () => {
    expect(restartedSince({ epoch: 20, incarnation: 'b2' }, { epoch: 21, incarnation: 'b2' })).toBe(false);
    expect(restartedSince({ epoch: 20, incarnation: 'b2' }, { epoch: 21, incarnation: 'x' })).toBe(true);
    expect(restartedSince({ epoch: 20 }, { epoch: 21 })).toBe(true);
    expect(restartedSince({ epoch: 20 }, { epoch: 20 })).toBe(false);
  });
});

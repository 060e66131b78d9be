import { TributaryError } from '../../proto/errors.js';
import type { OngoingReassignment } from '../../proto/generated/tributary/v1/OngoingReassignment.js';
import { assignReplicas } from '../metadata/assignment.js';
import type { PartitionRegistration, TopicRecord } from '../metadata/topic-registry.js';

/**
 * The controller's decisions about one partition, as pure functions: the current assignment and a view of
 * the cluster in, the next assignment (or "unchanged", or a refusal) out. The actor in controller.ts reads,
 * calls these, and writes the result with a guarded compare-and-set; nothing here touches the DCS.
 *
 * Invariants every function keeps (checked by `assertPartitionInvariants` and the property test):
 * - the ISR is never empty and is a subset of the replicas; the leader is in the ISR, or -1 (offline);
 * - leaderEpoch and partitionEpoch never decrease; every change bumps partitionEpoch, every change of
 *   leader (including to -1 and a re-election of the same broker after a restart) bumps leaderEpoch; a
 *   leader that only renewed its session (same process, new broker epoch) keeps its leader epoch;
 * - a broker outside the ISR becomes leader only by an unclean election, which needs the topic's
 *   `unclean.leader.election.enable` (automatic) or an explicit ElectLeaders(UNCLEAN) for an offline partition.
 *
 * Vocabulary. A broker is *live* while its registration exists; its *epoch* is that registration's version.
 * A leader is *current* while it is live and its epoch equals the partition's `leaderBrokerEpoch` (a broker
 * that restarted lost its in-memory replica state and leads again only after a new election). A broker *can
 * lead* when it is live, not shutting down, and not known to have restarted.
 */

export interface BrokerState {
  readonly epoch: number;
  /** The broker process (BrokerRegistration.incarnation), when it registered one. */
  readonly incarnation?: string;
  /** Registration says so, or the broker asked for a controlled shutdown in this incarnation. */
  readonly shuttingDown: boolean;
}

export interface ClusterView {
  readonly live: ReadonlyMap<number, BrokerState>;
  /**
   * Live brokers the controller saw come back under a new epoch since it last reconciled: their replica
   * state is gone, so they leave the ISR until their leader adds them back. (Leaders are checked precisely
   * through leaderBrokerEpoch; this covers followers, whose epochs the assignment does not record.)
   */
  readonly restarted: ReadonlySet<number>;
}

export interface PartitionChange {
  readonly next: PartitionRegistration;
  /** Why, in words, for the decision log. */
  readonly reasons: readonly string[];
}

export function clusterView(
  brokers: Iterable<{ id: number; epoch: number; shuttingDown?: boolean; incarnation?: string | undefined }>,
  restarted: Iterable<number> = [],
): ClusterView {
  const live = new Map<number, BrokerState>();
  for (const b of brokers) {
    live.set(b.id, {
      epoch: b.epoch,
      shuttingDown: b.shuttingDown === true,
      ...(b.incarnation === undefined ? {} : { incarnation: b.incarnation }),
    });
  }
  return { live, restarted: new Set(restarted) };
}

/** A broker as the controller last reconciled it. */
export interface SeenBroker {
  readonly epoch: number;
  readonly incarnation?: string | undefined;
}

export function seenBroker(b: { epoch: number; incarnation?: string | undefined }): SeenBroker {
  return { epoch: b.epoch, incarnation: b.incarnation };
}

/** A new epoch is a restart unless both registrations name the same process (a renewed session). */
export function restartedSince(before: SeenBroker | undefined, now: SeenBroker): boolean {
  if (before === undefined || before.epoch === now.epoch) return false;
  return before.incarnation === undefined || before.incarnation !== now.incarnation;
}

/** The view with broker `id` marked as shutting down (a controlled shutdown in progress). */
export function markShuttingDown(view: ClusterView, id: number): ClusterView {
  const live = new Map(view.live);
  const state = live.get(id);
  if (state !== undefined) live.set(id, { ...state, shuttingDown: true });
  return { live, restarted: view.restarted };
}

export function canLead(view: ClusterView, broker: number): boolean {
  const state = view.live.get(broker);
  return state !== undefined && !state.shuttingDown && !view.restarted.has(broker);
}

export function reassignmentInProgress(a: PartitionRegistration): boolean {
  return (a.addingReplicas?.length ?? 0) > 0 || (a.removingReplicas?.length ?? 0) > 0;
}

/** The reassignments in progress among `records`: all, or those of the given topics (and partitions). */
export function ongoingReassignments(
  records: readonly TopicRecord[],
  topics: ReadonlyArray<{ topic: string; partitions: readonly number[] }>,
): OngoingReassignment[] {
  const wanted = new Map(topics.map((t) => [t.topic, new Set(t.partitions)]));
  const out: OngoingReassignment[] = [];
  for (const record of records) {
    const only = wanted.get(record.name);
    if (wanted.size > 0 && only === undefined) continue;
    record.partitions.forEach((a, partition) => {
      if (!reassignmentInProgress(a) || (only !== undefined && only.size > 0 && !only.has(partition))) return;
      out.push({
        topic: record.name,
        partition,
        replicas: a.replicas,
        adding_replicas: a.addingReplicas ?? [],
        removing_replicas: a.removingReplicas ?? [],
      });
    });
  }
  return out;
}

type LeaderState = 'current' | 'unconfirmed' | 'reregistered' | 'shutting-down' | 'lost' | 'none';

/**
 * 'unconfirmed': alive but elected before leaderBrokerEpoch existed (single-broker metadata).
 * 'reregistered': live under a new broker epoch, but the same process (incarnation) that was elected: its
 * session lapsed (a DCS outage, a pause) and was renewed; it did not restart.
 */
export function leaderState(a: PartitionRegistration, view: ClusterView): LeaderState {
  if (a.leader === -1) return 'none';
  const state = view.live.get(a.leader);
  if (state === undefined) return 'lost';
  if (a.leaderBrokerEpoch !== undefined && a.leaderBrokerEpoch !== state.epoch) {
    const same = a.leaderIncarnation !== undefined && a.leaderIncarnation === state.incarnation;
    return same && !state.shuttingDown ? 'reregistered' : 'lost';
  }
  if (state.shuttingDown) return 'shutting-down';
  return a.leaderBrokerEpoch === undefined ? 'unconfirmed' : 'current';
}

/**
 * The next assignment with `leader` (and its broker epoch) and `isr`; epochs bumped as the change needs.
 * `leaderTerm`: 'new' starts a new leader epoch even for the same leader (a re-election after a restart);
 * 'renewed' records the same leader's new broker epoch in the same leader epoch (a renewed session).
 */
function withLeaderAndIsr(
  a: PartitionRegistration,
  view: ClusterView,
  leader: number,
  isr: readonly number[],
  leaderTerm: 'kept' | 'new' | 'renewed' = 'kept',
): PartitionRegistration {
  const next: PartitionRegistration = { ...a, isr: [...isr], partitionEpoch: (a.partitionEpoch ?? 0) + 1 };
  if (leader !== a.leader || leaderTerm !== 'kept') {
    next.leader = leader;
    if (leader !== a.leader || leaderTerm === 'new') next.leaderEpoch = a.leaderEpoch + 1;
    if (leader === -1) {
      delete next.leaderBrokerEpoch;
      delete next.leaderIncarnation;
    } else {
      const state = view.live.get(leader)!;
      next.leaderBrokerEpoch = state.epoch;
      if (state.incarnation === undefined) delete next.leaderIncarnation;
      else next.leaderIncarnation = state.incarnation;
    }
  }
  return next;
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Failover and ISR hygiene for one partition, after a change of live brokers (or at activation):
 * - ISR members that died or restarted leave the ISR, the leader too when it is no longer current; if that
 *   would empty the ISR, the ISR keeps its members (any of them coming back can lead without data loss);
 * - a leader that is not current (dead, restarted, unconfirmed) or is shutting down is replaced by the first
 *   replica, in replica order, that is in the remaining ISR and can lead; with none, a returning ISR member
 *   (live under a new epoch) is elected; with none either, an unclean election when `uncleanElection`
 *   (any live replica, ISR becomes [it]), else leader -1. A shutting-down leader with no successor keeps
 *   leading until it stops;
 * - then a reassignment whose adding replicas are all in sync is completed.
 * Returns null when nothing changes.
 */
export function planPartition(
  a: PartitionRegistration,
  view: ClusterView,
  options: { uncleanElection: boolean },
): PartitionChange | null {
  const state = leaderState(a, view);
  const reasons: string[] = [];
  const fenced = (b: number): boolean =>
    b === a.leader ? state === 'lost' : !view.live.has(b) || view.restarted.has(b);
  const kept = a.isr.filter((b) => !fenced(b));
  const dropped = a.isr.filter(fenced);
  let leader = a.leader;
  let isr = kept.length > 0 ? kept : [...a.isr];
  let leaderTerm: 'kept' | 'new' | 'renewed' = 'kept';

  if (state === 'reregistered') {
    // Same process under a new session: it keeps leading with its log and memory intact, in the same
    // leader epoch: nobody else led in it, and its log did not change while its session was lapsed
    // (docs/architecture.md, "Re-registration is not a restart"). Only its broker epoch is recorded.
    leaderTerm = 'renewed';
    reasons.push(
      `leader ${a.leader} re-registered (broker epoch ${a.leaderBrokerEpoch} -> ${view.live.get(a.leader)!.epoch}, same process): kept`,
    );
  } else if (state !== 'current') {
    const successor = state === 'unconfirmed' ? a.leader : pickSuccessor(a, view, kept, state);
    if (successor !== undefined) {
      leader = successor;
      if (successor === a.leader) leaderTerm = 'new';
      isr = kept.length > 0 ? kept.filter((b) => b === successor || b !== a.leader) : [successor];
      reasons.push(`leader ${describeLeader(a.leader, state)}: elected ${successor}`);
    } else if (state === 'shutting-down') {
      reasons.push(`leader ${a.leader} is shutting down but no in-sync replica can take over`);
    } else if (options.uncleanElection && a.replicas.some((b) => isUp(view, b))) {
      leader = a.replicas.find((b) => canLead(view, b)) ?? a.replicas.find((b) => isUp(view, b))!;
      isr = [leader];
      reasons.push(
        `leader ${describeLeader(a.leader, state)}, no in-sync replica alive: UNCLEAN election of ${leader}`,
      );
    } else if (a.leader !== -1) {
      leader = -1;
      reasons.push(
        `leader ${describeLeader(a.leader, state)}, no in-sync replica can lead: partition offline`,
      );
    }
  }
  if (dropped.length > 0 && kept.length > 0)
    reasons.push(`ISR shrink: ${dropped.join(',')} dead or restarted`);

  let change: PartitionChange | null = null;
  if (leader !== a.leader || leaderTerm !== 'kept' || !sameList(isr, a.isr)) {
    change = { next: withLeaderAndIsr(a, view, leader, isr, leaderTerm), reasons };
  }
  const completed = completeReassignment(change?.next ?? a, view);
  if (completed !== null) {
    return { next: completed.next, reasons: [...(change?.reasons ?? []), ...completed.reasons] };
  }
  return change;
}

/**
 * The clean successor of a leader that must go, in order of preference: an in-sync replica that can lead;
 * else, when every ISR member was fenced, one of them that is back (live under a new epoch); else an in-sync
 * replica that is shutting down but still serving (better than offline). Replica order within each tier.
 */
function pickSuccessor(
  a: PartitionRegistration,
  view: ClusterView,
  kept: readonly number[],
  state: LeaderState,
): number | undefined {
  const others = a.replicas.filter((b) => b !== a.leader || state === 'lost');
  return (
    others.find((b) => kept.includes(b) && canLead(view, b)) ??
    (kept.length === 0 ? others.find((b) => a.isr.includes(b) && isUp(view, b)) : undefined) ??
    (state === 'shutting-down' ? undefined : others.find((b) => kept.includes(b) && view.live.has(b)))
  );
}

/** Live and not shutting down, whether or not it restarted. */
function isUp(view: ClusterView, broker: number): boolean {
  const state = view.live.get(broker);
  return state !== undefined && !state.shuttingDown;
}

function describeLeader(leader: number, state: LeaderState): string {
  switch (state) {
    case 'none':
      return 'none (offline)';
    case 'lost':
      return `${leader} dead or restarted`;
    case 'unconfirmed':
      return `${leader} unconfirmed (no broker epoch)`;
    default:
      return `${leader} ${state}`;
  }
}

function refuse(reason: ConstructorParameters<typeof TributaryError>[0], message: string): never {
  throw new TributaryError(reason, message);
}

export interface AlterPartitionInput {
  readonly brokerId: number;
  readonly brokerEpoch: number;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
  readonly newIsr: readonly number[];
}

/**
 * A leader's request to change the ISR (KIP-497): refused unless it comes from the current incarnation of
 * the current leader at the current leader and partition epochs, names the leader, repeats nobody, and adds
 * only live, not shutting-down replicas. Returns null when the ISR is already that set.
 */
export function planAlterPartition(
  a: PartitionRegistration,
  req: AlterPartitionInput,
  view: ClusterView,
): PartitionChange | null {
  const sender = view.live.get(req.brokerId);
  if (sender === undefined || sender.epoch !== req.brokerEpoch) {
    refuse('STALE_BROKER_EPOCH', `broker ${req.brokerId} epoch ${req.brokerEpoch} is not its live epoch`);
  }
  if (req.leaderEpoch < a.leaderEpoch) {
    refuse('FENCED_LEADER_EPOCH', `leader epoch ${req.leaderEpoch} is older than ${a.leaderEpoch}`);
  }
  if (req.leaderEpoch > a.leaderEpoch) {
    refuse('UNKNOWN_LEADER_EPOCH', `leader epoch ${req.leaderEpoch} is newer than ${a.leaderEpoch}`);
  }
  if (a.leader !== req.brokerId || a.leaderBrokerEpoch !== req.brokerEpoch) {
    refuse('NOT_LEADER', `broker ${req.brokerId} does not lead this partition (leader ${a.leader})`);
  }
  const partitionEpoch = a.partitionEpoch ?? 0;
  if (req.partitionEpoch !== partitionEpoch) {
    refuse(
      'INVALID_UPDATE_VERSION',
      `partition epoch ${req.partitionEpoch} is not the current ${partitionEpoch}`,
    );
  }
  if (new Set(req.newIsr).size !== req.newIsr.length) refuse('INVALID_REQUEST', 'new ISR repeats a broker');
  if (!req.newIsr.includes(req.brokerId)) refuse('INVALID_REQUEST', 'new ISR must contain the leader');
  for (const b of req.newIsr) {
    if (a.isr.includes(b)) continue;
    if (!a.replicas.includes(b)) refuse('INELIGIBLE_REPLICA', `broker ${b} is not a replica`);
    const state = view.live.get(b);
    if (state === undefined) refuse('INELIGIBLE_REPLICA', `broker ${b} is not alive`);
    if (state.shuttingDown) refuse('INELIGIBLE_REPLICA', `broker ${b} is shutting down`);
  }
  const isr = a.replicas.filter((b) => req.newIsr.includes(b));
  if (sameList(isr, a.isr)) return null;
  const next = withLeaderAndIsr(a, view, a.leader, isr);
  const reasons = [`AlterPartition from leader ${a.leader}: ISR ${a.isr.join(',')} -> ${isr.join(',')}`];
  const completed = completeReassignment(next, view);
  return completed === null
    ? { next, reasons }
    : { next: completed.next, reasons: [...reasons, ...completed.reasons] };
}

/** ElectLeaders(PREFERRED): leadership to replicas[0] when it is in sync and can lead. */
export function planPreferredElection(a: PartitionRegistration, view: ClusterView): PartitionChange {
  const preferred = a.replicas[0]!;
  if (a.leader === preferred) refuse('ELECTION_NOT_NEEDED', `preferred replica ${preferred} already leads`);
  if (!a.isr.includes(preferred) || !canLead(view, preferred)) {
    refuse('PREFERRED_LEADER_NOT_AVAILABLE', `preferred replica ${preferred} is not alive and in sync`);
  }
  return {
    next: withLeaderAndIsr(a, view, preferred, a.isr),
    reasons: [`preferred leader election: ${a.leader} -> ${preferred}`],
  };
}

/** ElectLeaders(UNCLEAN): an offline partition gets a leader, from the ISR if possible, else any live replica. */
export function planUncleanElection(a: PartitionRegistration, view: ClusterView): PartitionChange {
  if (a.leader !== -1) refuse('ELECTION_NOT_NEEDED', `partition has a leader (${a.leader})`);
  const clean = a.replicas.find((b) => a.isr.includes(b) && isUp(view, b));
  if (clean !== undefined) {
    return { next: withLeaderAndIsr(a, view, clean, a.isr), reasons: [`election of in-sync ${clean}`] };
  }
  const any = a.replicas.find((b) => isUp(view, b));
  if (any === undefined) refuse('LEADER_NOT_AVAILABLE', 'no replica of the partition is alive');
  return {
    next: withLeaderAndIsr(a, view, any, [any]),
    reasons: [`UNCLEAN election (requested) of ${any}; ISR was ${a.isr.join(',')}`],
  };
}

/**
 * A stopping broker's part in one partition: if it leads, leadership moves to the first other in-sync
 * replica that can lead (none: it keeps leading, `remainsLeader`); it leaves the ISR unless it is the last.
 */
export function planControlledShutdown(
  a: PartitionRegistration,
  brokerId: number,
  view: ClusterView,
): { change: PartitionChange | null; remainsLeader: boolean } {
  if (a.leader === brokerId) {
    const successor = a.replicas.find((b) => b !== brokerId && a.isr.includes(b) && canLead(view, b));
    if (successor === undefined) return { change: null, remainsLeader: true };
    return {
      change: {
        next: withLeaderAndIsr(
          a,
          view,
          successor,
          a.isr.filter((b) => b !== brokerId),
        ),
        reasons: [`controlled shutdown of ${brokerId}: leader -> ${successor}, ISR without it`],
      },
      remainsLeader: false,
    };
  }
  if (a.isr.includes(brokerId) && a.isr.length > 1) {
    return {
      change: {
        next: withLeaderAndIsr(
          a,
          view,
          a.leader,
          a.isr.filter((b) => b !== brokerId),
        ),
        reasons: [`controlled shutdown of ${brokerId}: ISR without it`],
      },
      remainsLeader: false,
    };
  }
  return { change: null, remainsLeader: false };
}

/**
 * AlterPartitionReassignments for one partition. A target (preferred leader first) must name distinct brokers;
 * those it adds must be live and not shutting down (those it keeps may be down). The replicas become target ∪ original (target first), where original is the
 * replica list before any reassignment in progress; adding = target − original, removing = original −
 * target. An empty target cancels: back to the original replicas. Completes at once when nothing is added.
 */
export function planReassignment(
  a: PartitionRegistration,
  target: readonly number[],
  view: ClusterView,
): PartitionChange | null {
  const original = a.replicas.filter((b) => !(a.addingReplicas ?? []).includes(b));
  if (target.length === 0) {
    if (!reassignmentInProgress(a)) refuse('NO_REASSIGNMENT_IN_PROGRESS', 'no reassignment to cancel');
    return moveReplicas(
      a,
      original,
      [],
      [],
      view,
      `reassignment cancelled: replicas back to ${original.join(',')}`,
    );
  }
  if (new Set(target).size !== target.length) refuse('INVALID_REPLICA_ASSIGNMENT', 'target repeats a broker');
  for (const b of target) {
    // A replica it keeps may be down (it catches up when back, as before); a broker it adds must be up.
    if (original.includes(b)) continue;
    const state = view.live.get(b);
    if (state === undefined) refuse('INVALID_REPLICA_ASSIGNMENT', `broker ${b} is not alive`);
    if (state.shuttingDown) refuse('INVALID_REPLICA_ASSIGNMENT', `broker ${b} is shutting down`);
  }
  const replicas = [...target, ...original.filter((b) => !target.includes(b))];
  const adding = target.filter((b) => !original.includes(b));
  const removing = original.filter((b) => !target.includes(b));
  if (
    !reassignmentInProgress(a) &&
    adding.length === 0 &&
    removing.length === 0 &&
    sameList(replicas, a.replicas)
  ) {
    return null;
  }
  return moveReplicas(
    a,
    replicas,
    adding,
    removing,
    view,
    `reassignment to ${target.join(',')}: adding ${adding.join(',') || '-'}, removing ${removing.join(',') || '-'}`,
  );
}

function moveReplicas(
  a: PartitionRegistration,
  replicas: readonly number[],
  adding: readonly number[],
  removing: readonly number[],
  view: ClusterView,
  reason: string,
): PartitionChange {
  const isr = a.isr.filter((b) => replicas.includes(b));
  let leader = a.leader;
  if (leader !== -1 && !replicas.includes(leader)) {
    const successor = replicas.find((b) => isr.includes(b) && canLead(view, b));
    if (successor === undefined)
      refuse('LEADER_NOT_AVAILABLE', 'no in-sync replica of the new list can lead');
    leader = successor;
  }
  if (isr.length === 0) refuse('LEADER_NOT_AVAILABLE', 'no in-sync replica would remain');
  const next = withLeaderAndIsr(a, view, leader, isr);
  next.replicas = [...replicas];
  if (adding.length > 0) next.addingReplicas = [...adding];
  else delete next.addingReplicas;
  if (removing.length > 0) next.removingReplicas = [...removing];
  else delete next.removingReplicas;
  const change = { next, reasons: [reason] };
  const completed = completeReassignment(next, view);
  return completed === null ? change : { next: completed.next, reasons: [reason, ...completed.reasons] };
}

/**
 * Finishes a reassignment once every adding replica is in the ISR: a leader outside the target hands over to
 * the first target replica in sync that can lead; then replicas = target, ISR ∩ target, no adding/removing.
 * Null while it cannot finish yet.
 */
export function completeReassignment(a: PartitionRegistration, view: ClusterView): PartitionChange | null {
  if (!reassignmentInProgress(a)) return null;
  const adding = a.addingReplicas ?? [];
  if (!adding.every((b) => a.isr.includes(b))) return null;
  const target = a.replicas.filter((b) => !(a.removingReplicas ?? []).includes(b));
  const isr = a.isr.filter((b) => target.includes(b));
  if (isr.length === 0) return null;
  let leader = a.leader;
  if (!target.includes(leader)) {
    const successor = target.find((b) => isr.includes(b) && canLead(view, b));
    if (successor === undefined) return null;
    leader = successor;
  }
  const next = withLeaderAndIsr(a, view, leader, isr);
  next.replicas = [...target];
  delete next.addingReplicas;
  delete next.removingReplicas;
  return { next, reasons: [`reassignment complete: replicas ${target.join(',')}, leader ${leader}`] };
}

/** Throws if `a` breaks an invariant; the controller checks every assignment before writing it. */
export function assertPartitionInvariants(a: PartitionRegistration): void {
  const fail = (what: string): never => {
    throw new Error(`partition invariant broken: ${what} in ${JSON.stringify(a)}`);
  };
  if (a.replicas.length === 0 || new Set(a.replicas).size !== a.replicas.length)
    fail('replicas empty or repeated');
  if (a.isr.length === 0) fail('empty ISR');
  if (new Set(a.isr).size !== a.isr.length) fail('ISR repeats a broker');
  if (!a.isr.every((b) => a.replicas.includes(b))) fail('ISR not within replicas');
  if (a.leader !== -1 && !a.isr.includes(a.leader)) fail('leader outside the ISR');
  for (const b of [...(a.addingReplicas ?? []), ...(a.removingReplicas ?? [])]) {
    if (!a.replicas.includes(b)) fail('adding/removing replica outside replicas');
  }
}

/**
 * New partitions (a new topic, or partitions added from index `firstPartition`): rack-aware placement over
 * `brokers`, leader replicas[0] under its current broker epoch, every replica in the ISR, epochs 0.
 */
export function placePartitions(
  brokers: readonly { id: number; epoch: number; rack?: string; incarnation?: string | undefined }[],
  count: number,
  replicationFactor: number,
  firstPartition = 0,
): PartitionRegistration[] {
  const byId = new Map(brokers.map((b) => [b.id, b]));
  return assignReplicas(brokers, count, replicationFactor, firstPartition).map((p) => {
    const leader = byId.get(p.leader)!;
    return {
      ...p,
      leaderBrokerEpoch: leader.epoch,
      ...(leader.incarnation === undefined ? {} : { leaderIncarnation: leader.incarnation }),
      partitionEpoch: 0,
    };
  });
}

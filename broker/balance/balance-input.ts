import type { PartitionRegistration, TopicRecord } from '../metadata/topic-registry.js';
import { type BrokerStates, stateOf } from './broker-states.js';
import type { BalanceBroker, BalanceInput, BrokerBalanceState } from './types.js';

/**
 * What the planner is given (docs/architecture.md, "Partition balancing"): every broker that is registered
 * or holds a replica, in its balance state, and every partition of every topic not being deleted, with its
 * size as measured.
 *
 * A broker that holds replicas but is not registered (down, restarting) is `cordoned` for the planner: it
 * keeps its replicas (they come back with it) and gets nothing new. It is `leaving` when its state says so,
 * or in continuous mode once it has been gone longer than the grace (`gone`): its replicas are then
 * re-created elsewhere. A registered broker that is shutting down is `cordoned` too.
 */
export interface BalanceSnapshot {
  readonly records: readonly TopicRecord[];
  readonly live: ReadonlyArray<{ id: number; rack: string; shuttingDown?: boolean }>;
  readonly states: BrokerStates;
  /** Sizes by `sizeKey(topic, partition)`; a partition not measured counts 0 bytes. */
  readonly sizes: ReadonlyMap<string, number>;
  /** Brokers gone longer than the grace, in continuous mode. */
  readonly gone: ReadonlySet<number>;
}

export function sizeKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** The replicas a partition will have: during a reassignment, its target (replicas minus removing). */
export function targetReplicas(a: PartitionRegistration): number[] {
  const removing = a.removingReplicas ?? [];
  return a.replicas.filter((b) => !removing.includes(b));
}

export function balanceInput(snapshot: BalanceSnapshot): BalanceInput {
  const live = new Map(snapshot.live.map((b) => [b.id, b]));
  const ids = new Set(live.keys());
  for (const r of snapshot.records)
    for (const a of r.partitions) for (const b of targetReplicas(a)) ids.add(b);
  const brokers: BalanceBroker[] = [...ids]
    .sort((a, b) => a - b)
    .map((id) => ({ id, rack: live.get(id)?.rack ?? '', state: plannerState(snapshot, id) }));
  const partitions = snapshot.records.flatMap((r) =>
    r.partitions.map((a, partition) => ({
      topic: r.name,
      partition,
      replicas: targetReplicas(a),
      leader: a.leader,
      sizeBytes: snapshot.sizes.get(sizeKey(r.name, partition)) ?? 0,
      replicationFactor: r.replicationFactor,
    })),
  );
  return { brokers, partitions };
}

function plannerState(snapshot: BalanceSnapshot, id: number): BrokerBalanceState {
  const stored = stateOf(snapshot.states, id);
  if (stored === 'leaving' || snapshot.gone.has(id)) return 'leaving';
  const registration = snapshot.live.find((b) => b.id === id);
  if (registration === undefined || registration.shuttingDown === true) return 'cordoned';
  return stored;
}

/** Every broker worth describing: registered, holding a replica, or given a state. */
export function knownBrokerIds(snapshot: Pick<BalanceSnapshot, 'records' | 'live' | 'states'>): number[] {
  const ids = new Set(snapshot.live.map((b) => b.id));
  for (const id of snapshot.states.keys()) ids.add(id);
  for (const r of snapshot.records)
    for (const a of r.partitions) for (const b of targetReplicas(a)) ids.add(b);
  return [...ids].sort((a, b) => a - b);
}

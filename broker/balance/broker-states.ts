import { TributaryError } from '../../proto/errors.js';
import type { TopicRecord } from '../metadata/topic-registry.js';
import type { BrokerBalanceState } from './types.js';

/**
 * Balance states by broker id, stored in the `broker-states` key (docs/architecture.md, "Partition
 * balancing"). Only `cordoned` and `leaving` are stored; an id not listed is `active`. Ids need not be
 * registered: a state set for a broker that is down, or not started yet, holds when it comes.
 */
export type BrokerStates = ReadonlyMap<number, Exclude<BrokerBalanceState, 'active'>>;

export const BROKER_BALANCE_STATES: readonly BrokerBalanceState[] = ['active', 'cordoned', 'leaving'];

/** Broker ids are int32 on the wire and never negative. */
export const BROKER_ID_MAX = 2 ** 31 - 1;

/** States a broker may be given in one request, at most. */
export const STATE_CHANGES_MAX = 1000;

export interface BrokerStateChange {
  readonly brokerId: number;
  readonly state: BrokerBalanceState;
}

export function stateOf(states: BrokerStates, id: number): BrokerBalanceState {
  return states.get(id) ?? 'active';
}

/** Checks a request's changes (ids, duplicates, states) and returns the states after them. */
export function applyStateChanges(
  current: BrokerStates,
  changes: readonly BrokerStateChange[],
): BrokerStates {
  if (changes.length === 0) throw new TributaryError('INVALID_REQUEST', 'the request names no broker');
  if (changes.length > STATE_CHANGES_MAX) {
    throw new TributaryError('INVALID_REQUEST', `at most ${STATE_CHANGES_MAX} brokers per request`);
  }
  const next = new Map(current);
  const seen = new Set<number>();
  for (const c of changes) {
    if (!Number.isInteger(c.brokerId) || c.brokerId < 0 || c.brokerId > BROKER_ID_MAX) {
      throw new TributaryError(
        'INVALID_BROKER_ID',
        `broker id ${c.brokerId} is not a broker id (0..${BROKER_ID_MAX})`,
      );
    }
    if (seen.has(c.brokerId)) {
      throw new TributaryError('INVALID_BROKER_ID', `broker ${c.brokerId} is named twice in the request`);
    }
    seen.add(c.brokerId);
    if (c.state === 'active') next.delete(c.brokerId);
    else if (c.state === 'cordoned' || c.state === 'leaving') next.set(c.brokerId, c.state);
    else throw new TributaryError('INVALID_REQUEST', `unknown broker state ${String(c.state)}`);
  }
  return next;
}

/**
 * Scale-down safety: refuses (INSUFFICIENT_BROKERS, naming the topic) states under which some topic's
 * replication factor exceeds the brokers that may still hold replicas: the `known` brokers (registered
 * ones and those holding replicas) that are not leaving. A broker named only in the states, never seen,
 * is no capacity.
 */
export function assertEnoughBrokers(
  states: BrokerStates,
  known: Iterable<number>,
  topics: readonly TopicRecord[],
): void {
  const remaining = [...new Set(known)].filter((id) => stateOf(states, id) !== 'leaving');
  let worst: TopicRecord | undefined;
  for (const t of topics) {
    if (t.deleting) continue;
    if (t.replicationFactor > remaining.length && t.replicationFactor > (worst?.replicationFactor ?? 0))
      worst = t;
  }
  if (worst !== undefined) {
    throw new TributaryError(
      'INSUFFICIENT_BROKERS',
      `topic ${worst.name} needs ${worst.replicationFactor} brokers for its replicas; only ${remaining.length} (${remaining.sort((a, b) => a - b).join(',') || 'none'}) would not be leaving`,
    );
  }
}

/** Ids holding a replica of some partition (the current assignment, moves included). */
export function replicaHolders(topics: readonly TopicRecord[]): Set<number> {
  const out = new Set<number>();
  for (const t of topics) for (const a of t.partitions) for (const b of a.replicas) out.add(b);
  return out;
}

export function decodeBrokerStates(raw: Buffer | undefined): BrokerStates {
  const out = new Map<number, Exclude<BrokerBalanceState, 'active'>>();
  if (raw === undefined) return out;
  let parsed: { states?: Record<string, unknown> };
  try {
    parsed = JSON.parse(raw.toString('utf8')) as { states?: Record<string, unknown> };
  } catch {
    return out;
  }
  for (const [key, state] of Object.entries(parsed.states ?? {})) {
    const id = Number(key);
    if (!Number.isInteger(id) || id < 0) continue;
    if (state === 'cordoned' || state === 'leaving') out.set(id, state);
  }
  return out;
}

export function encodeBrokerStates(states: BrokerStates): Buffer {
  const sorted = [...states].sort(([a], [b]) => a - b);
  return Buffer.from(JSON.stringify({ states: Object.fromEntries(sorted) }), 'utf8');
}

/** Whether two state maps hold the same brokers in the same states. */
export function sameStates(a: BrokerStates, b: BrokerStates): boolean {
  return a.size === b.size && [...a].every(([id, s]) => b.get(id) === s);
}

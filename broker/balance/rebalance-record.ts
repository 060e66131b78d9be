import type { BalanceMove, BalancePlan, BrokerLoad } from './types.js';

/**
 * The durable form of a rebalance, stored in the `rebalance` key (docs/architecture.md, "Partition
 * balancing"): the plan's moves with a state each, written by the controller after every step, so a new
 * controller picks the plan up where the old one left it.
 *
 * Move states: `pending` (not started), `running` (its reassignment or leader change was issued; for a
 * reassignment the partition registration carries it until it completes), `done`, `cancelled`, `failed`.
 * A move is marked running and written *before* it is issued, so after a failover a running move either
 * shows in the partition registration, has already completed, or is issued again.
 *
 * Plan states: `running`; `cancelling` (a cancel was asked: running reassignments are reverted, nothing
 * new starts); `superseding` (the situation changed under the plan, a target broker died or a broker
 * state changed: nothing new starts, reverts the moves that can no longer finish, lets the others finish,
 * then plans again). Final: `completed`, `cancelled`, `superseded`, `failed`.
 */
export type MoveState = 'pending' | 'running' | 'done' | 'cancelled' | 'failed';
export type RebalanceStatus =
  | 'running'
  | 'cancelling'
  | 'superseding'
  | 'completed'
  | 'cancelled'
  | 'superseded'
  | 'failed';

export type PlannedMove = BalanceMove & {
  state: MoveState;
  /** Times it was issued (a failed issue or a vanished reassignment issues it again, a bounded number of times). */
  attempts: number;
  startedAtMs?: number;
  finishedAtMs?: number;
  /** Why it failed or was cancelled. */
  error?: string;
};

export interface RebalanceRecord {
  id: string;
  /** What started it: "rebalance requested", "broker 4 joined empty", ... */
  reason: string;
  status: RebalanceStatus;
  startedAtMs: number;
  finishedAtMs?: number;
  moves: PlannedMove[];
  bytesTotal: number;
  lowerBoundBytes: number;
  before: BrokerLoad[];
  after: BrokerLoad[];
  unsatisfiable: string[];
  /** The planner stopped at its move limit: another plan follows this one. */
  truncated: boolean;
  /** How many plans in a row this one continues (bounded, so a planner that never settles stops). */
  round: number;
  /** While superseding: why, and the reason the next plan will carry. */
  supersededBy?: string;
}

/** A finished plan, without its moves. */
export interface RebalanceSummary {
  id: string;
  reason: string;
  status: RebalanceStatus;
  startedAtMs: number;
  finishedAtMs: number;
  lowerBoundBytes: number;
  progress: RebalanceProgress;
}

export interface RebalanceDocument {
  current: RebalanceRecord | null;
  last: RebalanceSummary | null;
  /**
   * After a cancel: the fingerprint of the situation it left (brokers, states, assignment, config).
   * Automatic triggers stay quiet until the situation changes, so a cancelled plan is not started again
   * by the next tick, nor by the next controller.
   */
  quiet?: string;
  /**
   * Broker ids the balancer has seen registered (or holding replicas). An id not in it that registers is
   * a broker that joined; one made active again after a drain is taken out, so it joins anew. Absent in a
   * document from before: every broker there is counts as seen (no rebalance on upgrade).
   */
  brokersSeen?: number[];
}

export interface RebalanceProgress {
  movesTotal: number;
  movesDone: number;
  movesRunning: number;
  movesFailed: number;
  movesCancelled: number;
  bytesTotal: number;
  bytesDone: number;
  /** -1 when it cannot be estimated yet. */
  estimatedMsLeft: number;
}

export const FINAL_STATUSES: readonly RebalanceStatus[] = ['completed', 'cancelled', 'superseded', 'failed'];

export function newRecord(
  id: string,
  reason: string,
  plan: BalancePlan,
  nowMs: number,
  round = 0,
): RebalanceRecord {
  return {
    id,
    reason,
    status: 'running',
    startedAtMs: nowMs,
    moves: plan.moves.map((m) => ({ ...m, state: 'pending', attempts: 0 })),
    bytesTotal: plan.bytesToMove,
    lowerBoundBytes: plan.lowerBoundBytes,
    before: [...plan.before],
    after: [...plan.after],
    unsatisfiable: [...plan.unsatisfiable],
    truncated: false,
    round,
  };
}

/**
 * Counts and bytes of `record` at `nowMs`. Bytes done are those of finished reassignments; the time left
 * is extrapolated from the rate so far, or, before any byte is done, from the throttle per target broker.
 */
export function progressOf(
  record: RebalanceRecord,
  nowMs: number,
  throttleBytesPerSec: number,
): RebalanceProgress {
  const count = (s: MoveState) => record.moves.filter((m) => m.state === s).length;
  const bytesDone = record.moves.reduce(
    (sum, m) => sum + (m.kind === 'reassign' && m.state === 'done' ? m.bytes : 0),
    0,
  );
  const left = record.moves.reduce(
    (sum, m) =>
      sum + (m.kind === 'reassign' && (m.state === 'pending' || m.state === 'running') ? m.bytes : 0),
    0,
  );
  const elapsedMs = Math.max(1, nowMs - record.startedAtMs);
  let estimatedMsLeft = -1;
  if (left === 0) estimatedMsLeft = 0;
  else if (bytesDone > 0) estimatedMsLeft = Math.round((left / bytesDone) * elapsedMs);
  else if (throttleBytesPerSec > 0) {
    const targets = new Set(record.moves.flatMap((m) => (m.kind === 'reassign' ? addedBy(m) : [])));
    estimatedMsLeft = Math.round((left / (throttleBytesPerSec * Math.max(1, targets.size))) * 1000);
  }
  return {
    movesTotal: record.moves.length,
    movesDone: count('done'),
    movesRunning: count('running'),
    movesFailed: count('failed'),
    movesCancelled: count('cancelled'),
    bytesTotal: record.bytesTotal,
    bytesDone,
    estimatedMsLeft,
  };
}

export function summaryOf(
  record: RebalanceRecord,
  nowMs: number,
  throttleBytesPerSec: number,
): RebalanceSummary {
  return {
    id: record.id,
    reason: record.reason,
    status: record.status,
    startedAtMs: record.startedAtMs,
    finishedAtMs: record.finishedAtMs ?? nowMs,
    lowerBoundBytes: record.lowerBoundBytes,
    progress: progressOf(record, nowMs, throttleBytesPerSec),
  };
}

/** Brokers a reassignment adds (they receive data). */
export function addedBy(m: Extract<BalanceMove, { kind: 'reassign' }>): number[] {
  return m.to.filter((b) => !m.from.includes(b));
}

/** Brokers a reassignment removes. */
export function removedBy(m: Extract<BalanceMove, { kind: 'reassign' }>): number[] {
  return m.from.filter((b) => !m.to.includes(b));
}

export function decodeRebalance(raw: Buffer | undefined): RebalanceDocument {
  if (raw === undefined) return { current: null, last: null };
  const parsed = JSON.parse(raw.toString('utf8')) as Partial<RebalanceDocument>;
  const current = parsed.current ?? null;
  if (current !== null && (!Array.isArray(current.moves) || typeof current.id !== 'string')) {
    throw new Error('the rebalance document holds no readable plan');
  }
  return {
    current,
    last: parsed.last ?? null,
    ...(typeof parsed.quiet === 'string' ? { quiet: parsed.quiet } : {}),
    ...(Array.isArray(parsed.brokersSeen)
      ? { brokersSeen: parsed.brokersSeen.filter(Number.isInteger) }
      : {}),
  };
}

export function encodeRebalance(doc: RebalanceDocument): Buffer {
  return Buffer.from(JSON.stringify(doc), 'utf8');
}

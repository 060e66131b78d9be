import type { PartitionResult } from '../../proto/generated/tributary/v1/PartitionResult.js';
import type { PartitionRegistration } from '../metadata/topic-registry.js';
import { finish, observePlan } from './move-observer.js';
import { addedBy, FINAL_STATUSES, type PlannedMove, type RebalanceRecord } from './rebalance-record.js';
import { startableMoves } from './scheduling.js';

/**
 * The executor: one step of a plan at a time (docs/architecture.md, "Partition balancing"). It runs on the
 * active controller only; the balancer calls `advance` every tick and after every request that changes
 * the plan. A step:
 *
 * 1. observes the moves against the partition registrations (move-observer.ts): finished moves become
 *    done, vanished ones are issued again (bounded), moves a dead controller issued without recording
 *    become running;
 * 2. supersedes a running plan whose reassignment targets a broker gone longer than `targetGraceMs`;
 * 3. by status: `running` starts what the scheduling allows (scheduling.ts), writing the plan with those
 *    moves marked running *before* issuing them; `cancelling` reverts every running reassignment to its
 *    original replicas (Kafka's cancel) and cancels the rest; `superseding` cancels pending moves, reverts
 *    running ones whose target can no longer take them and waits for the others;
 * 4. finishes the plan when no move is left pending or running, and writes it when anything changed.
 *
 * Issuing goes through the controller's own reassignment machinery (port.reassign: planReassignment under
 * its queue and guarded writes), so the executor never writes a topic document itself.
 */
export interface ExecutorPort {
  partition(topic: string, index: number): PartitionRegistration | undefined;
  /** AlterPartitionReassignments for one partition (empty `replicas` reverts it); the error, if any. */
  reassign(topic: string, partition: number, replicas: readonly number[]): Promise<IssueError | null>;
  /** A preferred leader election for one partition; the error, if any. */
  electPreferred(topic: string, partition: number): Promise<IssueError | null>;
  /** Writes the plan (guarded); throws when this broker is no longer the controller. */
  persist(record: RebalanceRecord): Promise<void>;
  /** Registered and in state active: may receive a replica. */
  canReceive(brokerId: number): boolean;
  /** Registered now. */
  isLive(brokerId: number): boolean;
  /** How long the broker has been unregistered (0 while registered). */
  goneForMs(brokerId: number): number;
  now(): number;
}

export interface IssueError {
  readonly reason: string;
  readonly message: string;
}

export interface ExecutorOptions {
  readonly movesPerBroker: number;
  /** A move's target unregistered this long makes the plan supersede itself (re-plan without it). */
  readonly targetGraceMs: number;
  readonly leaderMovesPerStepMax: number;
}

export interface StepOutcome {
  readonly record: RebalanceRecord;
  /** The plan reached a final status in this step. */
  readonly finished: boolean;
}

export async function advancePlan(
  input: RebalanceRecord,
  port: ExecutorPort,
  options: ExecutorOptions,
): Promise<StepOutcome> {
  const nowMs = port.now();
  const observed = observePlan(input.moves, (t, p) => port.partition(t, p), nowMs);
  const record: RebalanceRecord = { ...input, moves: observed.moves };
  if (record.status === 'running') {
    supersedeOnDeadTargets(record, port, options);
    cancelLeaderMovesToGone(record, port, options);
  }
  if (record.status !== 'running') {
    // Not in effect any more and not to be issued again: a stopping plan lets them go.
    for (const i of observed.reissue) finish(record.moves[i]!, 'cancelled', nowMs, 'was not in effect');
  }
  if (record.status === 'cancelling') await revertRunning(record, port, () => true, 'cancelled');
  else if (record.status === 'superseding') {
    for (const m of record.moves) if (m.state === 'pending') finish(m, 'cancelled', nowMs, 'superseded');
    const stranded = (m: PlannedMove) => m.kind === 'reassign' && addedBy(m).some((b) => !port.canReceive(b));
    await revertRunning(record, port, stranded, 'superseded');
    for (const m of record.moves) {
      if (m.state === 'running' && m.kind === 'leader') finish(m, 'cancelled', nowMs, 'superseded');
    }
  } else if (record.status === 'running') {
    await startAndReissue(record, observed.reissue, port, options);
  }
  for (const i of observed.electAfterDone) {
    const m = record.moves[i]!;
    await port.electPreferred(m.topic, m.partition); // best effort: leadership follows the plan's order
  }
  const finished = !record.moves.some((m) => m.state === 'pending' || m.state === 'running');
  if (finished) {
    record.status = finalStatus(record);
    record.finishedAtMs = nowMs;
  }
  if (finished || JSON.stringify(record) !== JSON.stringify(input)) await port.persist(record);
  return { record, finished };
}

function finalStatus(record: RebalanceRecord): RebalanceRecord['status'] {
  if (FINAL_STATUSES.includes(record.status)) return record.status;
  if (record.status === 'cancelling') return 'cancelled';
  if (record.status === 'superseding') return 'superseded';
  return record.moves.some((m) => m.state === 'failed') ? 'failed' : 'completed';
}

function supersedeOnDeadTargets(record: RebalanceRecord, port: ExecutorPort, options: ExecutorOptions): void {
  for (const m of record.moves) {
    if (m.kind !== 'reassign' || (m.state !== 'pending' && m.state !== 'running')) continue;
    const dead = addedBy(m).find((b) => port.goneForMs(b) > options.targetGraceMs);
    if (dead !== undefined) {
      record.status = 'superseding';
      record.supersededBy = `broker ${dead}, a target of the plan, is gone`;
      return;
    }
  }
}

/** A leader move whose new leader has been gone past the grace is dropped (the plan goes on without it). */
function cancelLeaderMovesToGone(
  record: RebalanceRecord,
  port: ExecutorPort,
  options: ExecutorOptions,
): void {
  for (const m of record.moves) {
    if (m.kind !== 'leader' || (m.state !== 'pending' && m.state !== 'running')) continue;
    if (port.goneForMs(m.to) > options.targetGraceMs) {
      finish(m, 'cancelled', port.now(), `broker ${m.to}, its new leader, is gone`);
    }
  }
}

/** The brokers a move needs registered to be issued: the ones a reassignment adds, a leader move's new leader. */
function needed(m: PlannedMove): number[] {
  return m.kind === 'reassign' ? addedBy(m) : [m.to];
}

/** Reverts the running reassignments `which` selects (Kafka's cancel: back to the original replicas). */
async function revertRunning(
  record: RebalanceRecord,
  port: ExecutorPort,
  which: (m: PlannedMove) => boolean,
  why: string,
): Promise<void> {
  const nowMs = port.now();
  for (const m of record.moves) {
    if (m.state === 'pending') finish(m, 'cancelled', nowMs, why);
    if (m.state !== 'running' || !which(m)) continue;
    if (m.kind === 'leader') {
      finish(m, 'cancelled', nowMs, why);
      continue;
    }
    const error = await port.reassign(m.topic, m.partition, []);
    if (error === null) {
      finish(m, 'cancelled', nowMs, `${why}: reverted to ${m.from.join(',')}`);
      // A revert keeps the original brokers, not their order: put the preferred leader back (no data moves).
      const a = port.partition(m.topic, m.partition);
      if (a !== undefined && a.replicas.join() !== m.from.join())
        await port.reassign(m.topic, m.partition, m.from);
    } else if (error.reason === 'NO_REASSIGNMENT_IN_PROGRESS') finish(m, 'done', nowMs);
    else
      finish(m, 'failed', nowMs, `could not revert (${error.reason}: ${error.message}); it continues alone`);
  }
}

/** Marks the startable moves running, writes the plan, then issues them and the ones to issue again. */
async function startAndReissue(
  record: RebalanceRecord,
  reissue: readonly number[],
  port: ExecutorPort,
  options: ExecutorOptions,
): Promise<void> {
  const nowMs = port.now();
  // A move that needs a broker not registered now waits (attempts are not spent on it); one gone past the
  // grace ends the plan (supersede) or the move (leader moves).
  const ready = (m: PlannedMove) => needed(m).every((b) => port.isLive(b));
  const starting = startableMoves(record.moves, options, ready);
  for (const i of starting) {
    const m = record.moves[i]!;
    m.state = 'running';
    m.startedAtMs = nowMs;
  }
  const issuing = [...reissue.filter((i) => ready(record.moves[i]!)), ...starting];
  for (const i of issuing) record.moves[i]!.attempts++;
  if (starting.length > 0) await port.persist(record);
  for (const i of issuing) {
    const m = record.moves[i]!;
    const error = await issue(m, port);
    if (error === null) delete m.error;
    else m.error = `${error.reason}: ${error.message}`;
  }
}

async function issue(m: PlannedMove, port: ExecutorPort): Promise<IssueError | null> {
  if (m.kind === 'reassign') return port.reassign(m.topic, m.partition, m.to);
  const a = port.partition(m.topic, m.partition);
  if (a === undefined) return { reason: 'UNKNOWN_PARTITION', message: 'the partition is gone' };
  if (!a.replicas.includes(m.to)) {
    return { reason: 'INVALID_REPLICA_ASSIGNMENT', message: `broker ${m.to} is not a replica` };
  }
  if (a.replicas[0] !== m.to) {
    const reordered = await port.reassign(m.topic, m.partition, [
      m.to,
      ...a.replicas.filter((b) => b !== m.to),
    ]);
    if (reordered !== null) return reordered;
  }
  const elected = await port.electPreferred(m.topic, m.partition);
  return elected === null || elected.reason === 'ELECTION_NOT_NEEDED' ? null : elected;
}

/** The one result's error, or a thrown failure other than NOT_CONTROLLER, as an IssueError. */
export function issueError(results: readonly PartitionResult[]): IssueError | null {
  const error = results[0]?.error;
  if (error === undefined || error === null) return null;
  return { reason: error.reason ?? 'INTERNAL', message: error.message ?? '' };
}

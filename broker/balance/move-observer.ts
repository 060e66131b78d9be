import { reassignmentInProgress } from '../controller/planning.js';
import type { PartitionRegistration } from '../metadata/topic-registry.js';
import { targetReplicas } from './balance-input.js';
import type { PlannedMove } from './rebalance-record.js';

/**
 * What the partition registration says about one move (pure; the executor decides what follows):
 * - `running`: its reassignment is in the registration (adding/removing set, target = the move's `to`);
 * - `done`: the registration has reached it (a reassignment's replicas are `to`, or `to` leads);
 * - `replaced`: another reassignment of the partition is in progress (someone else's);
 * - `absent`: neither (not issued yet, or issued and gone: a cancel by hand, a failed write);
 * - `gone`: the topic or partition no longer exists.
 */
export type MoveObservation = 'running' | 'done' | 'replaced' | 'absent' | 'gone';

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

export function observeMove(m: PlannedMove, a: PartitionRegistration | undefined): MoveObservation {
  if (a === undefined) return 'gone';
  if (m.kind === 'leader') {
    if (reassignmentInProgress(a)) return 'replaced';
    return a.leader === m.to ? 'done' : 'absent';
  }
  if (reassignmentInProgress(a)) return sameSet(targetReplicas(a), m.to) ? 'running' : 'replaced';
  return sameSet(a.replicas, m.to) ? 'done' : 'absent';
}

/** Times a move is issued before it is given up as failed. */
export const MOVE_ATTEMPTS_MAX = 5;

/** What the executor must do after observing the moves (indexes into the plan's moves). */
export interface ObservedPlan {
  moves: PlannedMove[];
  /** Running moves to issue again (their reassignment vanished or their election did not happen). */
  reissue: number[];
  /** Reassignments just done whose new preferred leader (`to[0]`) does not lead yet. */
  electAfterDone: number[];
}

/**
 * Brings the moves' states up to date with the registrations (pure): running moves that finished become
 * done, vanished ones are issued again (at most MOVE_ATTEMPTS_MAX times, then failed), pending moves
 * already in the registration (issued by a controller that died before it could record it) become running.
 */
export function observePlan(
  moves: readonly PlannedMove[],
  partition: (topic: string, index: number) => PartitionRegistration | undefined,
  nowMs: number,
): ObservedPlan {
  const out: ObservedPlan = { moves: moves.map((m) => ({ ...m })), reissue: [], electAfterDone: [] };
  out.moves.forEach((m, i) => {
    if (m.state !== 'running' && m.state !== 'pending') return;
    const a = partition(m.topic, m.partition);
    const seen = observeMove(m, a);
    if (seen === 'gone') finish(m, 'cancelled', nowMs, 'the topic or partition was deleted');
    else if (seen === 'done') {
      finish(m, 'done', nowMs);
      if (m.kind === 'reassign' && a!.leader !== m.to[0]) out.electAfterDone.push(i);
    } else if (m.state === 'pending') {
      if (seen === 'running') {
        m.state = 'running';
        m.attempts = Math.max(1, m.attempts);
        m.startedAtMs ??= nowMs;
      }
    } else if (seen === 'replaced') {
      finish(m, 'failed', nowMs, 'another reassignment of the partition replaced it');
    } else if (seen === 'absent') {
      if (m.attempts >= MOVE_ATTEMPTS_MAX) {
        finish(m, 'failed', nowMs, m.error ?? `not in effect after ${m.attempts} attempts`);
      } else out.reissue.push(i);
    }
  });
  return out;
}

export function finish(
  m: PlannedMove,
  state: 'done' | 'cancelled' | 'failed',
  nowMs: number,
  why?: string,
): void {
  m.state = state;
  m.finishedAtMs = nowMs;
  if (why !== undefined) m.error = why;
}

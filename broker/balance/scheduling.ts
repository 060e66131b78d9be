import { addedBy, type PlannedMove, removedBy } from './rebalance-record.js';

/**
 * Which moves of a plan may start now (docs/architecture.md, "Partition balancing"). Pure.
 *
 * - A reassignment involves the brokers it adds (they copy the data) and the brokers it removes (their
 *   replicas go; the leader they may hold moves): at most `movesPerBroker` running reassignments may
 *   involve any one broker, counting both ends, as Cruise Control counts its partition movements.
 * - Moves of one partition run in plan order: none starts while an earlier move of its partition is
 *   pending or running.
 * - Leader moves copy nothing and finish within a step: they are not counted against brokers, only
 *   bounded per step (`leaderMovesPerStepMax`).
 * - Later moves may start past earlier ones that wait for a busy broker (no head-of-line blocking).
 * - A move that is not `ready` (a broker it needs is not registered) waits without taking a slot, and
 *   still holds back the later moves of its partition.
 */
export interface SchedulingLimits {
  readonly movesPerBroker: number;
  readonly leaderMovesPerStepMax: number;
}

/** Brokers a move keeps busy while it runs. */
export function involvedBrokers(m: PlannedMove): number[] {
  return m.kind === 'reassign' ? [...addedBy(m), ...removedBy(m)] : [];
}

function partitionKey(m: PlannedMove): string {
  return `${m.topic}\u0000${m.partition}`;
}

/** Running reassignments per broker. */
export function busyBrokers(moves: readonly PlannedMove[]): Map<number, number> {
  const busy = new Map<number, number>();
  for (const m of moves) {
    if (m.state !== 'running') continue;
    for (const b of involvedBrokers(m)) busy.set(b, (busy.get(b) ?? 0) + 1);
  }
  return busy;
}

/** Indexes (into `moves`, ascending) of the pending moves that may start now. */
export function startableMoves(
  moves: readonly PlannedMove[],
  limits: SchedulingLimits,
  ready: (m: PlannedMove) => boolean = () => true,
): number[] {
  if (!Number.isInteger(limits.movesPerBroker) || limits.movesPerBroker < 1) {
    throw new RangeError(`movesPerBroker must be a positive integer, got ${limits.movesPerBroker}`);
  }
  const busy = busyBrokers(moves);
  const blocked = new Set(moves.filter((m) => m.state === 'running').map(partitionKey));
  const out: number[] = [];
  let leaderMoves = 0;
  moves.forEach((m, i) => {
    if (m.state !== 'pending') return;
    const key = partitionKey(m);
    const free = !blocked.has(key);
    blocked.add(key);
    if (!free || !ready(m)) return;
    if (m.kind === 'leader') {
      if (leaderMoves >= limits.leaderMovesPerStepMax) return;
      leaderMoves++;
      out.push(i);
      return;
    }
    const involved = involvedBrokers(m);
    if (involved.some((b) => (busy.get(b) ?? 0) >= limits.movesPerBroker)) return;
    for (const b of involved) busy.set(b, (busy.get(b) ?? 0) + 1);
    out.push(i);
  });
  return out;
}

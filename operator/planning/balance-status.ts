/**
 * `status.balancing`, the `Balanced` condition and the balancing Events of a Cluster, from the brokers'
 * DescribeBalance answer and the scale-down (scale-plan.ts). Pure.
 *
 * `Balanced`:
 * - False, `ScaleDownBlocked`: the brokers refused to let the going brokers leave (the message names the
 *   topic); False, `Draining`: a scale-down moves replicas off the going brokers or waits for their pods;
 * - False, `Rebalancing`: a plan runs (its progress in the message);
 * - False, `Unbalanced`: no plan runs but the active brokers' replica counts differ by more than one (mode
 *   off, or the balancer has not planned yet);
 * - True, `Balanced` otherwise. `Unknown`, `NoAnswer`, when the brokers could not be asked.
 *
 * Bytes on disk change with every write: a broker's size is kept rounded down to the MiB so that the status
 * (one API write per change) does not follow every record.
 */
import type { ClusterBalancingPlan, ClusterStatus } from '../api/v1alpha1.js';
import { type ConditionUpdate, conditionTime } from './conditions.js';
import type { BrokerBalanceState, ScaleDownStatus, ScaleHold } from './scale-plan.js';

export const CONDITION_BALANCED = 'Balanced';

export type BalancingStatus = NonNullable<ClusterStatus['balancing']>;

/** A plan as the admin client shows it (client/balance.ts, RebalancePlan). */
export interface PlanSummary {
  id: string;
  reason: string;
  status: string;
  startedAtMs: number;
  /** 0 while not finished. */
  finishedAtMs: number;
  movesTotal: number;
  movesDone: number;
  bytesTotal: number;
  bytesDone: number;
  /** -1 when unknown. */
  estimatedMsLeft: number;
  lowerBoundBytes: number;
}

/** The brokers' DescribeBalance answer (client/balance.ts, BalanceDescription). */
export interface BalanceAnswer {
  brokers: ReadonlyArray<{
    brokerId: number;
    state: BrokerBalanceState;
    live: boolean;
    replicas: number;
    leaders: number;
    sizeBytes: number;
  }>;
  current: PlanSummary | null;
  last: PlanSummary | null;
}

/** What the reconcile's balancing step (controllers/cluster/balancer-sync.ts) saw, for the status. */
export interface BalancingObservation {
  /** status.balancing; undefined keeps the one written before. */
  status: BalancingStatus | undefined;
  scaleDown: ScaleDownStatus | undefined;
  /** The Balanced condition; undefined keeps the one written before. */
  condition: ConditionUpdate | undefined;
  /** Why spec.brokers has not taken effect (for Ready). */
  hold: ScaleHold | undefined;
}

export interface BalanceEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  note: string;
}

const MIB = 1024 * 1024;

/** `bytes` for people: `512 KiB`, `12.5 MiB`, `3.2 GiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < MIB) return `${Math.round(bytes / 1024)} KiB`;
  if (bytes < 1024 * MIB) return `${(bytes / MIB).toFixed(1)} MiB`;
  return `${(bytes / (1024 * MIB)).toFixed(1)} GiB`;
}

function planStatus(plan: PlanSummary): ClusterBalancingPlan {
  return {
    id: plan.id,
    reason: plan.reason,
    status: plan.status,
    ...(plan.startedAtMs > 0 ? { startedAt: conditionTime(plan.startedAtMs) } : {}),
    ...(plan.finishedAtMs > 0 ? { finishedAt: conditionTime(plan.finishedAtMs) } : {}),
    movesDone: plan.movesDone,
    movesTotal: plan.movesTotal,
    bytesDone: plan.bytesDone,
    bytesTotal: plan.bytesTotal,
    lowerBoundBytes: plan.lowerBoundBytes,
    ...(plan.finishedAtMs === 0 && plan.estimatedMsLeft >= 0
      ? { estimatedSecondsLeft: Math.ceil(plan.estimatedMsLeft / 1000) }
      : {}),
  };
}

/** status.balancing from the answer; `rebalanceRequest` is the annotation value acted on last. */
export function balancingStatus(
  answer: BalanceAnswer,
  rebalanceRequest: string | undefined,
): BalancingStatus {
  return {
    ...(answer.current === null ? {} : { plan: planStatus(answer.current) }),
    ...(answer.last === null ? {} : { lastPlan: planStatus(answer.last) }),
    brokers: [...answer.brokers]
      .sort((a, b) => a.brokerId - b.brokerId)
      .map((b) => ({
        id: b.brokerId,
        state: b.state,
        live: b.live,
        replicas: b.replicas,
        leaders: b.leaders,
        size: b.sizeBytes < MIB ? '0' : `${Math.floor(b.sizeBytes / MIB)}Mi`,
      })),
    ...(rebalanceRequest === undefined ? {} : { rebalanceRequest }),
  };
}

function progressText(plan: ClusterBalancingPlan): string {
  const left = plan.estimatedSecondsLeft === undefined ? '' : `, about ${plan.estimatedSecondsLeft} s left`;
  return `plan ${plan.id} (${plan.reason}): ${plan.movesDone}/${plan.movesTotal} moves, ${formatBytes(plan.bytesDone)} of ${formatBytes(plan.bytesTotal)} copied${left}`;
}

/** The Balanced condition; `status` undefined when the brokers could not be asked. */
export function balancedCondition(
  status: BalancingStatus | undefined,
  scaleDown: ScaleDownStatus | undefined,
  mode: string,
): ConditionUpdate {
  const type = CONDITION_BALANCED;
  if (scaleDown?.phase === 'Blocked') {
    return { type, status: 'False', reason: 'ScaleDownBlocked', message: scaleDown.message ?? '' };
  }
  if (scaleDown !== undefined) {
    const plan = status?.plan === undefined ? '' : `; ${progressText(status.plan)}`;
    return { type, status: 'False', reason: 'Draining', message: `${scaleDown.message ?? ''}${plan}` };
  }
  if (status === undefined) {
    return {
      type,
      status: 'Unknown',
      reason: 'NoAnswer',
      message: 'the brokers did not say how they are balanced',
    };
  }
  if (status.plan !== undefined) {
    return { type, status: 'False', reason: 'Rebalancing', message: progressText(status.plan) };
  }
  const active = (status.brokers ?? []).filter((b) => b.state === 'active' && b.live);
  if (active.length === 0) {
    return { type, status: 'True', reason: 'Balanced', message: 'no active broker holds replicas' };
  }
  const most = active.reduce((a, b) => (b.replicas > a.replicas ? b : a));
  const least = active.reduce((a, b) => (b.replicas < a.replicas ? b : a));
  if (most.replicas - least.replicas > 1) {
    const hint =
      mode === 'off'
        ? 'spec.balancing.mode is off: annotate the Cluster with tributary.dev/rebalance to balance it'
        : 'the balancer plans when a broker joins or leaves; annotate the Cluster with tributary.dev/rebalance to balance it now';
    return {
      type,
      status: 'False',
      reason: 'Unbalanced',
      message: `replicas per active broker range from ${least.replicas} (broker ${least.id}) to ${most.replicas} (broker ${most.id}); ${hint}`,
    };
  }
  const range =
    most.replicas === least.replicas ? `${most.replicas}` : `${least.replicas} to ${most.replicas}`;
  return {
    type,
    status: 'True',
    reason: 'Balanced',
    message: `${active.length} active brokers hold ${range} replicas each; no plan running`,
  };
}

const FINISHED: Record<string, { type: 'Normal' | 'Warning'; reason: string }> = {
  completed: { type: 'Normal', reason: 'RebalanceCompleted' },
  cancelled: { type: 'Normal', reason: 'RebalanceCancelled' },
  superseded: { type: 'Normal', reason: 'RebalanceSuperseded' },
  failed: { type: 'Warning', reason: 'RebalanceFailed' },
};

/**
 * Events for plans that started or finished since `prev` was written: a plan id not seen before. Nothing
 * when there is no `prev` (the first look at a Cluster would announce plans of the past).
 */
export function planEvents(prev: BalancingStatus | undefined, next: BalancingStatus): BalanceEvent[] {
  if (prev === undefined) return [];
  const events: BalanceEvent[] = [];
  const started = (p: ClusterBalancingPlan) =>
    events.push({
      type: 'Normal',
      reason: 'RebalanceStarted',
      note: `plan ${p.id} started (${p.reason}): ${p.movesTotal} moves, ${formatBytes(p.bytesTotal)} to copy (at least ${formatBytes(p.lowerBoundBytes ?? 0)} for any plan)`,
    });
  const last = next.lastPlan;
  if (last !== undefined && last.id !== prev.lastPlan?.id) {
    // A plan that started and finished between two looks gets both events.
    if (prev.plan?.id !== last.id) started(last);
    const finished = FINISHED[last.status] ?? { type: 'Normal', reason: 'RebalanceFinished' };
    events.push({
      ...finished,
      note: `plan ${last.id} ${last.status} (${last.reason}): ${last.movesDone}/${last.movesTotal} moves, ${formatBytes(last.bytesDone)} copied`,
    });
  }
  if (next.plan !== undefined && next.plan.id !== prev.plan?.id) started(next.plan);
  return events;
}

/** Events for a scale-down that started, was blocked, finished or was taken back. */
export function scaleDownEvents(
  prev: ScaleDownStatus | undefined,
  next: ScaleDownStatus | undefined,
  wanted: number,
): BalanceEvent[] {
  if (next !== undefined && next.phase === 'Blocked' && prev?.phase !== 'Blocked') {
    return [{ type: 'Warning', reason: 'ScaleDownBlocked', note: next.message ?? '' }];
  }
  if (next !== undefined && next.phase !== 'Blocked' && (prev === undefined || prev.phase === 'Blocked')) {
    return [
      {
        type: 'Normal',
        reason: 'ScaleDownStarted',
        note: `brokers ${next.brokers.join(',')} are leaving: their replicas and leaderships move to the others before their pods go`,
      },
    ];
  }
  if (prev !== undefined && next === undefined && prev.phase !== 'Blocked') {
    const removed = prev.brokers.filter((id) => id >= wanted);
    return removed.length === 0
      ? [
          {
            type: 'Normal',
            reason: 'ScaleDownCancelled',
            note: `spec.brokers is ${wanted}: brokers ${prev.brokers.join(',')} stay and take replicas again`,
          },
        ]
      : [
          {
            type: 'Normal',
            reason: 'ScaleDownCompleted',
            note: `brokers ${removed.join(',')} were drained and removed`,
          },
        ];
  }
  return [];
}

/**
 * Scaling a Cluster's brokers down, from what one reconcile observed. Pure: the reconcile (balancer-sync.ts)
 * reads the brokers' balance (admin DescribeBalance), asks this module, sets the broker states it says,
 * and gives the StatefulSet the replicas it allows. docs/architecture.md, "Scaling the brokers", says why
 * the operator only sets states and waits while the controller broker's balancer moves the data.
 *
 * Algorithm, every reconcile:
 *
 * 1. The brokers that go are the highest ordinals: ids `spec.brokers` .. running-1 (a StatefulSet keeps
 *    ordinals 0..replicas-1, so no other choice removes pods). Each not yet `leaving` is marked leaving
 *    (AlterBrokerStates). The controller refuses the whole request (INSUFFICIENT_BROKERS, naming the topic)
 *    when the brokers that stay could not hold some topic's replicas: the scale-down is Blocked, nothing
 *    changes, and the reconcile tries again later (a topic deleted, spec.brokers raised).
 * 2. The StatefulSet keeps every pod up to the highest going broker that is not drained. Drained means: the
 *    balance shows it `leaving` (as read at the start of this reconcile, so never a state set a moment ago
 *    while a plan could still be placing replicas on it), holding no replica and no leadership, and named
 *    by no unfinished move of the running plan. So pods go, highest first, only once empty.
 * 3. Brokers this scale-down marked that are below spec.brokers again (scaled back up mid-drain) are made
 *    `active`: they take replicas again, and the controller supersedes the plan that was emptying them.
 * 4. Once a going broker's pod is gone and it is no longer registered, its state is cleared (`active`), so
 *    a later scale-up's broker with the same id takes replicas. Gone ids at or above spec.brokers whose
 *    state is not active and that hold nothing are cleared too, whoever set them: a gone id has no use for
 *    a state, and one left over must not block the next scale-up.
 * 5. When the brokers cannot be asked, nothing changes: the StatefulSet keeps its count, and the Cluster
 *    says the scale-down waits for the brokers.
 *
 * `status.scaleDown` lists the brokers the scale-down marked until each is cleared or back below
 * spec.brokers, so an operator restarted mid-drain resumes from the status and the brokers' states alone.
 */
import type { ClusterStatus } from '../api/v1alpha1.js';

export type ScaleDownStatus = NonNullable<ClusterStatus['scaleDown']>;
export type BrokerBalanceState = 'active' | 'cordoned' | 'leaving';

/** One broker as the controller's DescribeBalance shows it. */
export interface BalanceBroker {
  id: number;
  state: BrokerBalanceState;
  /** Registered now. */
  live: boolean;
  replicas: number;
  leaders: number;
}

/** What the brokers said, when they answered. */
export interface BalanceView {
  brokers: readonly BalanceBroker[];
  /**
   * Brokers named by unfinished moves (pending or running) of the plan running now; empty without one.
   * Undefined when a plan runs but its moves were not asked for: no going broker counts as drained then.
   */
  planBrokers: ReadonlySet<number> | undefined;
}

export interface ScaleInputs {
  /** spec.brokers. */
  wanted: number;
  /** The StatefulSet's spec.replicas; undefined when it does not exist (the pods tell then). */
  running: number | undefined;
  /** Ordinals of the broker pods that exist (terminating ones too). */
  pods: readonly number[];
  previous: ScaleDownStatus | undefined;
  /** Undefined when the brokers could not be asked. */
  balance: BalanceView | undefined;
  nowIso: string;
}

/** What the Ready condition reports while spec.brokers has not taken effect. */
export interface ScaleHold {
  reason: 'ScalingDown' | 'ScaleDownBlocked';
  message: string;
}

export interface ScalePlan {
  /** Replicas the StatefulSet may have now: spec.brokers, or more while brokers that go are not drained. */
  replicas: number;
  /** Brokers to make active (never refused); set before `leave`. */
  activate: number[];
  /** Brokers to mark leaving; the controller may refuse (then see `blockedScale`). */
  leave: number[];
  /** status.scaleDown once the changes are made; undefined when no scale-down is under way. */
  status: ScaleDownStatus | undefined;
  hold: ScaleHold | undefined;
}

const IDS_SHOWN_MAX = 10;

function ids(list: readonly number[]): string {
  const shown = list.slice(0, IDS_SHOWN_MAX).join(',');
  return list.length > IDS_SHOWN_MAX ? `${shown},... (${list.length})` : shown;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** The brokers as one reconcile sees them, with the questions the plan asks of each. */
interface Seen {
  wanted: number;
  running: number;
  /** Ids spec.brokers .. running-1: the brokers that go. */
  going: number[];
  /** The brokers this scale-down marked (status.scaleDown.brokers). */
  marked: readonly number[];
  byId: ReadonlyMap<number, BalanceBroker>;
  planBrokers: ReadonlySet<number> | undefined;
  stateOf(id: number): BrokerBalanceState;
  /** No pod, not registered, not counted by the StatefulSet. */
  gone(id: number): boolean;
  drained(id: number): boolean;
}

function see(inputs: ScaleInputs, running: number, balance: BalanceView): Seen {
  const byId = new Map(balance.brokers.map((b) => [b.id, b]));
  const pods = new Set(inputs.pods);
  const { planBrokers } = balance;
  return {
    wanted: inputs.wanted,
    running,
    going: range(inputs.wanted, running),
    marked: inputs.previous?.brokers ?? [],
    byId,
    planBrokers,
    stateOf: (id) => byId.get(id)?.state ?? 'active',
    gone: (id) => id >= running && !pods.has(id) && byId.get(id)?.live !== true,
    drained: (id) => {
      const b = byId.get(id);
      return (
        b?.state === 'leaving' &&
        b.replicas === 0 &&
        b.leaders === 0 &&
        planBrokers !== undefined &&
        !planBrokers.has(id)
      );
    },
  };
}

/** Steps 1, 3 and 4: the brokers to mark leaving, and those to make active again. */
function stateChanges(
  seen: Seen,
  brokers: readonly BalanceBroker[],
): { activate: number[]; leave: number[] } {
  const { wanted, marked } = seen;
  const backUp = marked.filter((id) => id < wanted && seen.stateOf(id) === 'leaving');
  const forgotten = [
    ...marked.filter((id) => id >= wanted && seen.gone(id) && seen.stateOf(id) !== 'active'),
    ...brokers
      .filter(
        (b) =>
          b.id >= wanted &&
          !marked.includes(b.id) &&
          b.state !== 'active' &&
          seen.gone(b.id) &&
          b.replicas === 0 &&
          b.leaders === 0,
      )
      .map((b) => b.id),
  ];
  return {
    activate: [...new Set([...backUp, ...forgotten])].sort((a, b) => a - b),
    leave: seen.going.filter((id) => seen.stateOf(id) !== 'leaving'),
  };
}

/** status.scaleDown for the brokers still to see through, `undrained` among them. */
function progress(seen: Seen, tracked: number[], undrained: number[], startedAt: string): ScaleDownStatus {
  if (undrained.length > 0) {
    let replicas = 0;
    let leaders = 0;
    for (const id of undrained) {
      replicas += seen.byId.get(id)?.replicas ?? 0;
      leaders += seen.byId.get(id)?.leaders ?? 0;
    }
    const planned = seen.planBrokers === undefined || undrained.some((id) => seen.planBrokers?.has(id));
    const message =
      replicas === 0 && leaders === 0
        ? `brokers ${ids(undrained)} are leaving; ${planned ? 'waiting for the running plan to finish with them' : 'waiting for the balance to show them leaving'}`
        : `brokers ${ids(undrained)} are leaving: ${replicas} replicas and ${leaders} leaderships left to move off`;
    return { brokers: tracked, phase: 'Draining', startedAt, message };
  }
  const waiting = tracked.filter((id) => !seen.gone(id));
  return {
    brokers: tracked,
    phase: 'Removing',
    startedAt,
    message:
      waiting.length === 0
        ? `brokers ${ids(tracked)} are gone; clearing their states`
        : `brokers ${ids(tracked)} are empty; waiting for ${waiting.length === 1 ? 'the pod' : 'the pods'} of ${ids(waiting)} to go`,
  };
}

export function planScale(inputs: ScaleInputs): ScalePlan {
  const { wanted, previous, balance } = inputs;
  if (!Number.isInteger(wanted) || wanted < 1)
    throw new Error(`spec.brokers ${wanted} is not a broker count`);
  const podCount = inputs.pods.length === 0 ? 0 : Math.max(...inputs.pods) + 1;
  const running = inputs.running ?? podCount;

  if (balance === undefined) {
    const hold: ScaleHold | undefined =
      running <= wanted
        ? undefined
        : {
            reason: previous?.phase === 'Blocked' ? 'ScaleDownBlocked' : 'ScalingDown',
            message: `spec.brokers is ${wanted} but ${running} brokers run; the scale-down waits for the brokers to answer (their balance cannot be read), and ${running} are kept`,
          };
    return { replicas: Math.max(wanted, running), activate: [], leave: [], status: previous, hold };
  }

  const seen = see(inputs, running, balance);
  const { activate, leave } = stateChanges(seen, balance.brokers);
  const undrained = seen.going.filter((id) => !seen.drained(id));
  const replicas = undrained.length === 0 ? wanted : Math.max(wanted, Math.max(...undrained) + 1);

  // Brokers still to see through: those going, and those marked that are not yet gone and cleared.
  const cleared = (id: number) => seen.gone(id) && (activate.includes(id) || seen.stateOf(id) === 'active');
  const tracked = [...new Set([...seen.going, ...seen.marked.filter((id) => id >= wanted && !cleared(id))])];
  tracked.sort((a, b) => a - b);
  if (tracked.length === 0) return { replicas, activate, leave, status: undefined, hold: undefined };

  const status = progress(seen, tracked, undrained, previous?.startedAt ?? inputs.nowIso);
  const hold: ScaleHold | undefined =
    replicas > wanted
      ? {
          reason: 'ScalingDown',
          message: `spec.brokers is ${wanted} but ${running} brokers run; ${status.message}`,
        }
      : undefined;
  return { replicas, activate, leave, status, hold };
}

/**
 * The plan after the controller refused to mark `plan.leave` leaving (INSUFFICIENT_BROKERS): nothing was
 * marked, the StatefulSet keeps what the plan allowed without them (a broker not leaving is never drained),
 * and the Cluster says why, in the controller's words (they name the topic).
 */
export function blockedScale(plan: ScalePlan, inputs: ScaleInputs, refusal: string): ScalePlan {
  if (plan.leave.length === 0) throw new Error('a scale-down with no broker to mark cannot be refused');
  const running = Math.max(plan.replicas, inputs.running ?? 0);
  const message = `spec.brokers is ${inputs.wanted} but ${running} brokers run, and brokers ${ids(plan.leave)} cannot leave: ${refusal}. Delete the topic, lower its replication factor, or keep more brokers`;
  return {
    ...plan,
    leave: [],
    status: {
      brokers: [...new Set([...(plan.status?.brokers ?? []), ...plan.leave])].sort((a, b) => a - b),
      phase: 'Blocked',
      startedAt: plan.status?.startedAt ?? inputs.nowIso,
      message,
    },
    hold: { reason: 'ScaleDownBlocked', message },
  };
}

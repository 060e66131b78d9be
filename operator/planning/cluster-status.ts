/**
 * A Cluster's status from what one reconcile observed. Pure.
 *
 * `Ready` is True when the spec took effect and every broker the spec asks for is ready and a broker holds
 * the controller lease. Otherwise False, with the first reason that applies as its reason and every reason
 * that applies in its message (`...; also UpdatePending: ...`), in this order:
 * ApplyFailed (a step of the reconcile failed), InvalidConfig, StorageShrinkNotSupported (parts of the spec
 * held back, see cluster-plan.ts), StorageExpansionNotAllowed (the API server refused to expand a broker's
 * volume: its class does not allow it), ScaleDownBlocked or ScalingDown (spec.brokers is below the running
 * count: the brokers that go are drained first, or cannot go, see scale-plan.ts), RollingUpdate (a roll is
 * under way: what it does or waits for), BrokersNotReady, UpdatePending, NoController (no controller could be
 * learnt: none elected, or the brokers are not reachable from the operator). Volumes growing do not make the
 * cluster unready: their progress is `status.storage` and the `StorageResize` condition (volume-status.ts).
 *
 * UpdatePending: the StatefulSet's pod template changed (version, image, config, resources, pod template)
 * but not every broker pod runs it, and no roll is under way yet (the StatefulSet controller has not counted
 * the pods, or the roll step did not run). (With OnDelete the StatefulSet controller never advances
 * `currentRevision`, so `updatedReplicas` is what tells.)
 *
 * `RollingUpdate` (its own condition, once a roll ever ran): True while a roll is under way, with reason
 * Rolling (a pod is restarting) or the wait reason (Unsafe, NotCaughtUp, Paused, PodNotReady, ...) and a
 * message naming the blocking partitions; False with reason Completed once it finished.
 */
import type { Cluster, ClusterStatus } from '../api/v1alpha1.js';
import type { BalancingObservation } from './balance-status.js';
import type { ClusterPlan, ClusterStep } from './cluster-plan.js';
import { CONDITION_READY, setCondition } from './conditions.js';
import {
  CONDITION_STORAGE_RESIZE,
  storageResizeCondition,
  storageStatus,
  type VolumeObservation,
} from './volume-status.js';

export const CONDITION_ROLLING_UPDATE = 'RollingUpdate';

export interface ClusterObservation {
  /** The StatefulSet's status, when it exists. */
  statefulSet?:
    | {
        replicas?: number | undefined;
        readyReplicas?: number | undefined;
        /** Pods of the current template (the API omits 0). */
        updatedReplicas?: number | undefined;
        /** The StatefulSet generation its status describes, and its current generation. */
        observedGeneration?: number | undefined;
        generation?: number | undefined;
      }
    | undefined;
  /** The controller broker's id, when the brokers answered. */
  controllerId?: number | undefined;
  /** The step that failed, when one did, and why. */
  failure?: { step: ClusterStep; message: string } | undefined;
  /** The roll's progress (roll-status.ts). */
  rollingUpdate?: ClusterStatus['rollingUpdate'];
  /** The volumes after this reconcile's expansions (volume-status.ts); absent when the step did not run. */
  storage?: VolumeObservation | undefined;
  /** The balancing step's report (balance-status.ts); absent when it did not run. */
  balancing?: BalancingObservation | undefined;
}

type Roll = NonNullable<ClusterStatus['rollingUpdate']>;

function rollCondition(roll: Roll): { status: 'True' | 'False'; reason: string; message: string } {
  if (roll.completedAt !== undefined) {
    return {
      status: 'False',
      reason: 'Completed',
      message: `${roll.done.length} broker(s) rolled to ${roll.targetRevision}, completed at ${roll.completedAt}`,
    };
  }
  const done = `${roll.done.length} broker(s) on ${roll.targetRevision}`;
  if (roll.waiting !== undefined) {
    return { status: 'True', reason: roll.waiting.reason, message: `${done}; ${roll.waiting.message}` };
  }
  return {
    status: 'True',
    reason: 'Rolling',
    message:
      roll.inProgress === undefined
        ? done
        : `${done}; restarting ${roll.inProgress.pod} (${roll.inProgress.reason})`,
  };
}

/** A StatefulSet change its controller has not seen yet: the counts in its status are of the template before. */
function templateUnseen(sts: ClusterObservation['statefulSet']): boolean {
  const { observedGeneration, generation } = sts ?? {};
  return observedGeneration !== undefined && generation !== undefined && observedGeneration < generation;
}

function updatePending(sts: ClusterObservation['statefulSet'], brokers: number): boolean {
  if (sts === undefined) return false;
  return templateUnseen(sts) || (sts.updatedReplicas ?? 0) < brokers;
}

export function clusterStatus(
  cluster: Cluster,
  plan: ClusterPlan,
  observed: ClusterObservation,
  nowIso: string,
): ClusterStatus {
  const { generation } = plan.resolved;
  const brokers = observed.statefulSet?.replicas ?? 0;
  const readyBrokers = observed.statefulSet?.readyReplicas ?? 0;
  const roll = observed.rollingUpdate;
  const ready = readyCondition(plan, observed);
  const storage = observed.storage === undefined ? cluster.status?.storage : storageStatus(observed.storage);
  let conditions = withRollCondition(
    setCondition(cluster.status?.conditions, { type: CONDITION_READY, ...ready }, generation, nowIso),
    roll,
    generation,
    nowIso,
  );
  const resize =
    observed.storage === undefined || storage === undefined
      ? undefined
      : storageResizeCondition(storage, observed.storage.plan, cluster.status?.conditions);
  if (resize !== undefined) {
    conditions = setCondition(conditions, { type: CONDITION_STORAGE_RESIZE, ...resize }, generation, nowIso);
  }
  const status: ClusterStatus = {
    observedGeneration: generation,
    brokers,
    readyBrokers,
    ...(observed.controllerId === undefined ? {} : { controller: observed.controllerId }),
    bootstrap: plan.bootstrap,
    selector: plan.selector,
    ...(roll === undefined ? {} : { rollingUpdate: roll }),
    ...(storage === undefined ? {} : { storage }),
    ...balancingFields(cluster.status, observed.balancing),
    conditions,
  };
  const balanced = observed.balancing?.condition;
  if (balanced !== undefined)
    status.conditions = setCondition(status.conditions, balanced, generation, nowIso);
  return status;
}

/** status.balancing and status.scaleDown: the step's when it ran, the previous ones otherwise. */
function balancingFields(
  previous: ClusterStatus | undefined,
  observed: BalancingObservation | undefined,
): Pick<ClusterStatus, 'balancing' | 'scaleDown'> {
  const balancing = observed === undefined ? previous?.balancing : (observed.status ?? previous?.balancing);
  const scaleDown = observed === undefined ? previous?.scaleDown : observed.scaleDown;
  return {
    ...(balancing === undefined ? {} : { balancing }),
    ...(scaleDown === undefined ? {} : { scaleDown }),
  };
}

function withRollCondition(
  conditions: NonNullable<ClusterStatus['conditions']>,
  roll: Roll | undefined,
  generation: number,
  nowIso: string,
): NonNullable<ClusterStatus['conditions']> {
  if (roll === undefined) return conditions;
  return setCondition(
    conditions,
    { type: CONDITION_ROLLING_UPDATE, ...rollCondition(roll) },
    generation,
    nowIso,
  );
}

/** The Ready condition: True, or False with every reason that applies (see the file comment). */
function readyCondition(
  plan: ClusterPlan,
  observed: ClusterObservation,
): { status: 'True' | 'False'; reason: string; message: string } {
  const brokers = observed.statefulSet?.replicas ?? 0;
  const readyBrokers = observed.statefulSet?.readyReplicas ?? 0;
  const wanted = plan.resolved.spec.brokers;
  // Every reason that applies, most important first: Ready carries the first, and its message lists the
  // others too, so one problem (a held-back resize) never hides another (an update no broker runs yet).
  const reasons: Array<{ reason: string; message: string }> = [];
  if (observed.failure !== undefined) {
    reasons.push({
      reason: 'ApplyFailed',
      message: `step ${observed.failure.step} failed: ${observed.failure.message}`,
    });
  }
  reasons.push(...plan.problems);
  const refusal = observed.storage?.refusal;
  if (refusal !== undefined) {
    const size = observed.storage?.claims.find((c) => c.name === refusal.claim)?.requested;
    reasons.push({
      reason: 'StorageExpansionNotAllowed',
      message: `spec.storage.size is ${plan.resolved.spec.storage.size} but the API server refused to expand ${refusal.claim}: ${refusal.message}; set it back to ${size ?? "the volumes' size"} to undo`,
    });
  }
  if (observed.balancing?.hold !== undefined) reasons.push(observed.balancing.hold);
  const roll = observed.rollingUpdate;
  const rolling = roll !== undefined && roll.completedAt === undefined;
  if (rolling) reasons.push({ reason: 'RollingUpdate', message: rollCondition(roll).message });
  const brokersReady = readyBrokers >= wanted && brokers >= wanted;
  if (!brokersReady) {
    reasons.push({ reason: 'BrokersNotReady', message: `${readyBrokers}/${wanted} brokers ready` });
  }
  if (!rolling && updatePending(observed.statefulSet, brokers)) {
    const sts = observed.statefulSet;
    const counted = !templateUnseen(sts);
    const updated = Math.min(sts?.updatedReplicas ?? 0, brokers);
    reasons.push({
      reason: 'UpdatePending',
      message: `${counted ? `${updated}/${brokers} brokers run` : 'the StatefulSet controller has not yet counted the brokers that run'} the current pod template; the roll starts once the StatefulSet controller counted them`,
    });
  }
  // Without ready brokers (or with a failed step) no controller could be asked: not a reason of its own.
  if (brokersReady && observed.failure === undefined && observed.controllerId === undefined) {
    reasons.push({
      reason: 'NoController',
      message: `${readyBrokers}/${wanted} brokers ready, but no controller is known: none is elected, or the brokers do not answer the operator`,
    });
  }
  const [first, ...others] = reasons;
  return first === undefined
    ? {
        status: 'True',
        reason: 'BrokersReady',
        message: `${readyBrokers}/${wanted} brokers ready; broker ${observed.controllerId} is the controller`,
      }
    : {
        status: 'False',
        reason: first.reason,
        message: [first.message, ...others.map((o) => `also ${o.reason}: ${o.message}`)].join('; '),
      };
}

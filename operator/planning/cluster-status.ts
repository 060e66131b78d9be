/**
 * A Cluster's status from what one reconcile observed. Pure.
 *
 * `Ready` is True when the spec took effect and every broker the spec asks for is ready and a broker holds
 * the controller lease. Otherwise False, with the first reason that applies as its reason and every reason
 * that applies in its message (`...; also UpdatePending: ...`), in this order:
 * ApplyFailed (a step of the reconcile failed), InvalidConfig, ScaleDownNotSupported,
 * StorageResizeNotSupported (parts of the spec held back, see cluster-plan.ts), BrokersNotReady,
 * UpdatePending, NoController (no controller could be learnt: none elected, or the brokers are not reachable
 * from the operator).
 *
 * UpdatePending: the StatefulSet's pod template changed (version, image, config, resources, pod template)
 * but not every broker pod runs it. The StatefulSet updates on delete and the operator does not roll the
 * brokers yet, so the change takes effect only as pods are deleted: the message says so. (With OnDelete the
 * StatefulSet controller never advances `currentRevision`, so `updatedReplicas` is what tells.)
 */
import type { Cluster, ClusterStatus } from '../api/v1alpha1.js';
import type { ClusterPlan, ClusterStep } from './cluster-plan.js';
import { CONDITION_READY, setCondition } from './conditions.js';

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
  const brokersReady = readyBrokers >= wanted && brokers >= wanted;
  if (!brokersReady) {
    reasons.push({ reason: 'BrokersNotReady', message: `${readyBrokers}/${wanted} brokers ready` });
  }
  if (updatePending(observed.statefulSet, brokers)) {
    const sts = observed.statefulSet;
    const counted = !templateUnseen(sts);
    const updated = Math.min(sts?.updatedReplicas ?? 0, brokers);
    reasons.push({
      reason: 'UpdatePending',
      message: `${counted ? `${updated}/${brokers} brokers run` : 'the StatefulSet controller has not yet counted the brokers that run'} the current pod template; the operator does not restart brokers yet: delete the other broker pods one at a time, each after the previous one is ready again`,
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
  const ready: { status: 'True' | 'False'; reason: string; message: string } =
    first === undefined
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
  return {
    observedGeneration: generation,
    brokers,
    readyBrokers,
    ...(observed.controllerId === undefined ? {} : { controller: observed.controllerId }),
    bootstrap: plan.bootstrap,
    selector: plan.selector,
    conditions: setCondition(
      cluster.status?.conditions,
      { type: CONDITION_READY, ...ready },
      generation,
      nowIso,
    ),
  };
}

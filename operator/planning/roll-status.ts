/**
 * `status.rollingUpdate` of a Cluster: the roll's progress, kept so a person (and an operator restarted
 * mid-roll) sees what was done, what is in progress and what it waits for. Pure.
 *
 * A roll starts when pods run an older revision than the StatefulSet's updateRevision (or that revision
 * changes mid-roll: a new roll to the new target starts, and pods already on it are never restarted again).
 * `done` lists the pods on the target revision; `inProgress` the pod deleted last, until it is back (ready,
 * caught up); `waiting` why nothing happens now; `completedAt` when every pod ran the target and preferred
 * leaders were restored.
 */
import type { ClusterStatus } from '../api/v1alpha1.js';
import type { RollAction, RollPod } from './roll-plan.js';

export type RollingUpdateStatus = NonNullable<ClusterStatus['rollingUpdate']>;

export interface RollObservation {
  updateRevision: string | undefined;
  pods: readonly RollPod[];
  action: RollAction;
  /** The in-progress pod runs the target revision, ready and caught up. */
  inProgressHealed: boolean;
}

/** Whether `prev` describes a roll to `updateRevision` that has not finished. */
export function rollUnderWay(
  prev: RollingUpdateStatus | undefined,
  updateRevision: string | undefined,
): boolean {
  return prev !== undefined && prev.completedAt === undefined && prev.targetRevision === updateRevision;
}

export function rollingUpdateStatus(
  prev: RollingUpdateStatus | undefined,
  observed: RollObservation,
  nowIso: string,
): RollingUpdateStatus | undefined {
  const { updateRevision, action } = observed;
  if (action.kind === 'none' || updateRevision === undefined) return prev;
  const base: RollingUpdateStatus = rollUnderWay(prev, updateRevision)
    ? { ...prev! }
    : { targetRevision: updateRevision, startedAt: nowIso, done: [] };
  base.done = observed.pods
    .filter((p) => p.revision === updateRevision)
    .map((p) => p.name)
    .sort();
  if (observed.inProgressHealed) delete base.inProgress;
  delete base.waiting;
  if (action.kind === 'delete') {
    base.inProgress = { pod: action.pod.name, uid: action.pod.uid, reason: action.why, deletedAt: nowIso };
  } else if (action.kind === 'wait') {
    base.waiting = { reason: action.reason, message: action.message, partitions: action.partitions };
  } else {
    delete base.inProgress;
    base.completedAt = nowIso;
  }
  return base;
}

/**
 * The rolling update of a Cluster's brokers: the next action, from what one reconcile observed. Pure.
 * The StatefulSet updates OnDelete, so a broker moves to the new pod template (its `updateRevision`) only
 * when the operator deletes its pod; this module decides which pod, and when.
 *
 * Algorithm (Strimzi's KafkaRoller is the model; docs/architecture.md "Rolling updates"):
 *
 * 1. Observe first. The StatefulSet controller must have seen the current template (observedGeneration),
 *    every pod must exist and none may be terminating, and a pod deleted by the roll must have been
 *    re-created (a new uid): otherwise wait. Waiting is never a failure: the reconcile requeues.
 * 2. Stale pods are those whose `controller-revision-hash` differs from the updateRevision. A pod already on
 *    the updateRevision is never deleted: that is what lets an operator restarted mid-roll resume from the
 *    pods alone, restarting no pod twice.
 * 3. None stale: once every pod is ready and every broker is back in the ISR of all it replicates, the roll
 *    is done (the caller then moves leaderships back to the preferred replicas).
 * 4. Gate: every pod on the updateRevision must be ready and its broker caught up (in every ISR) before the
 *    next pod goes: this is "one at a time", waiting for the last restart to heal.
 * 5. Paused: wait.
 * 6. Not-ready stale pods first (they serve nothing; restarting them first costs no availability):
 *    - crash-looping, or not ready for `staleUnreadyMs`: deleted without asking the brokers (a broker that
 *      cannot start holds no ISR place worth protecting, and a safety check could block forever on it);
 *    - otherwise deleted when the brokers say its restart is safe.
 *    A ready pod is never deleted while another is not ready: at most one broker is down by the roll's doing.
 * 7. All ready: the stale pods by descending ordinal, the controller broker last. The first is deleted when
 *    its restart is safe (no partition falls below min.insync.replicas; partitions with RF <= min ISR are
 *    never safe and only warned about); else wait, naming the partitions. Never skip ahead to the next pod.
 */

export const REVISION_LABEL = 'controller-revision-hash';
/** Listing every blocking partition in a condition would make it unreadable: the first few, and a count. */
export const BLOCKING_LIST_MAX = 10;

/** A broker pod as the roll needs it. */
export interface RollPod {
  name: string;
  /** Its broker id (the pod ordinal). */
  ordinal: number;
  uid: string;
  /** The `controller-revision-hash` label. */
  revision: string | undefined;
  ready: boolean;
  /** Since when it has been not ready (the Ready condition's transition time), when it is not. */
  notReadySinceMs: number | undefined;
  /** Its broker container waits in CrashLoopBackOff (or has restarted and is not ready). */
  crashLooping: boolean;
  terminating: boolean;
}

/** A broker's answer to CheckBrokerRestart (client/admin.ts). */
export interface RestartAnswer {
  safe: boolean;
  caughtUp: boolean;
  /** `topic/partition` of the partitions its restart would drop below min ISR. */
  unsafe: string[];
  /** Partitions it replicates but is not in the ISR of. */
  lagging: string[];
  /** Partitions with RF <= min ISR (warnings only). */
  neverSafe: string[];
}

export interface RollInputs {
  /** The StatefulSet's status.updateRevision, once its controller observed the current template. */
  updateRevision: string | undefined;
  /** The StatefulSet's spec.replicas. */
  replicas: number;
  pods: readonly RollPod[];
  /** The controller broker's id, when known. */
  controllerId: number | undefined;
  paused: boolean;
  /** Answers by broker id; absent when the broker could not be asked. */
  answers: ReadonlyMap<number, RestartAnswer>;
  /** The pod the roll deleted last and its uid then, when one is in progress (from the Cluster status). */
  inProgress: { pod: string; uid: string } | undefined;
  /** A roll was under way (status.rollingUpdate without completedAt), for the updateRevision. */
  rolling: boolean;
  nowMs: number;
  staleUnreadyMs: number;
}

export type DeleteWhy = 'unready-first' | 'stale-unready' | 'crash-looping' | 'normal';

export type WaitReason =
  | 'StatefulSetNotObserved'
  | 'PodsMissing'
  | 'PodTerminating'
  | 'PodNotReady'
  | 'NotCaughtUp'
  | 'Paused'
  | 'Unsafe'
  | 'NoAnswer';

export type RollAction =
  /** Nothing to roll, and no roll to finish. */
  | { kind: 'none' }
  | { kind: 'delete'; pod: RollPod; why: DeleteWhy; warnings: string[] }
  | { kind: 'wait'; reason: WaitReason; message: string; partitions: string[] }
  /** Every pod runs the updateRevision, ready and caught up: restore preferred leaders, record the end. */
  | { kind: 'done' };

function list(items: readonly string[]): string {
  const shown = items.slice(0, BLOCKING_LIST_MAX).join(', ');
  return items.length > BLOCKING_LIST_MAX ? `${shown} and ${items.length - BLOCKING_LIST_MAX} more` : shown;
}

function wait(reason: WaitReason, message: string, partitions: string[] = []): RollAction {
  return { kind: 'wait', reason, message, partitions: partitions.slice(0, BLOCKING_LIST_MAX) };
}

/** Wait reasons for a pod that should be up: not ready, or its broker not back in every ISR. */
function unhealed(pods: readonly RollPod[], answers: RollInputs['answers']): RollAction | undefined {
  for (const pod of pods) {
    if (!pod.ready) return wait('PodNotReady', `waiting for ${pod.name} to be ready`);
    const answer = answers.get(pod.ordinal);
    if (answer === undefined) {
      return wait('NoAnswer', `waiting for the brokers to say whether broker ${pod.ordinal} is caught up`);
    }
    if (!answer.caughtUp) {
      return wait(
        'NotCaughtUp',
        `waiting for broker ${pod.ordinal} (${pod.name}) to rejoin the ISR of ${list(answer.lagging)}`,
        answer.lagging,
      );
    }
  }
  return undefined;
}

export function planRoll(inputs: RollInputs): RollAction {
  const { updateRevision, pods, answers } = inputs;
  if (updateRevision === undefined) {
    if (!inputs.rolling) return { kind: 'none' };
    return wait(
      'StatefulSetNotObserved',
      'waiting for the StatefulSet controller to observe the pod template',
    );
  }
  const stale = pods.filter((p) => p.revision !== updateRevision);
  const fresh = pods.filter((p) => p.revision === updateRevision);
  if (stale.length === 0 && !inputs.rolling) return { kind: 'none' };
  const terminating = pods.find((p) => p.terminating);
  if (terminating !== undefined) return wait('PodTerminating', `waiting for ${terminating.name} to stop`);
  const inProgress = inputs.inProgress;
  if (inProgress !== undefined) {
    const same = pods.find((p) => p.name === inProgress.pod && p.uid === inProgress.uid);
    if (same !== undefined) return wait('PodTerminating', `waiting for ${same.name} to be re-created`);
  }
  if (pods.length < inputs.replicas) {
    return wait('PodsMissing', `${pods.length}/${inputs.replicas} broker pods exist; waiting for the others`);
  }

  const blocked = unhealed(fresh, answers);
  if (blocked !== undefined) return blocked;
  if (stale.length === 0) return { kind: 'done' };
  if (inputs.paused) {
    return wait('Paused', `paused with ${stale.length} broker(s) on the previous pod template`);
  }

  const byOrder = (a: RollPod, b: RollPod) => {
    const ac = a.ordinal === inputs.controllerId ? 1 : 0;
    const bc = b.ordinal === inputs.controllerId ? 1 : 0;
    return ac - bc || b.ordinal - a.ordinal;
  };
  const unready = stale.filter((p) => !p.ready).sort(byOrder);
  const hopeless = unready.find(
    (p) =>
      p.crashLooping ||
      (p.notReadySinceMs !== undefined && inputs.nowMs - p.notReadySinceMs >= inputs.staleUnreadyMs),
  );
  if (hopeless !== undefined) {
    return {
      kind: 'delete',
      pod: hopeless,
      why: hopeless.crashLooping ? 'crash-looping' : 'stale-unready',
      warnings: [],
    };
  }
  const next = unready[0] ?? [...stale].sort(byOrder)[0];
  if (next === undefined) throw new Error('planRoll: stale pods but none chosen');
  const answer = answers.get(next.ordinal);
  if (answer === undefined) {
    return wait('NoAnswer', `waiting for the brokers to say whether broker ${next.ordinal} may restart`);
  }
  if (!answer.safe) {
    return wait(
      'Unsafe',
      `restarting broker ${next.ordinal} (${next.name}) now would drop ${list(answer.unsafe)} below min.insync.replicas; waiting for their ISR to grow`,
      answer.unsafe,
    );
  }
  return {
    kind: 'delete',
    pod: next,
    why: next.ready ? 'normal' : 'unready-first',
    warnings:
      answer.neverSafe.length === 0
        ? []
        : [
            `broker ${next.ordinal} restarts although ${list(answer.neverSafe)} have a replication factor at most their min.insync.replicas (never safe to restart a replica of; not waited for)`,
          ],
  };
}

/**
 * The roll step of a Cluster's reconcile: observe the broker pods and the brokers' restart-safety answers,
 * plan the next action (planning/roll-plan.ts, where the algorithm is written), act on it, and return the
 * roll's status. At most one pod is deleted per reconcile; waiting is an outcome, not an error (the reconcile
 * comes back after `requeueMs`), so an unsafe cluster never turns into a back-off loop.
 *
 *   observe   pods from the informer cache; the StatefulSet's updateRevision once its controller observed
 *             the current template; CheckBrokerRestart for each broker (only while something is to roll)
 *   plan      planRoll
 *   act       delete the chosen pod with its uid as precondition (a pod re-created meanwhile is not
 *             touched); at the end, ElectLeaders(preferred) for every partition
 *   prune     ConfigMaps of configs no pod mounts any more (planning/config-map-retention.ts)
 */
import {
  CoreV1Api,
  type KubeConfig,
  type V1ConfigMap,
  type V1Pod,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Admin, BrokerRestartCheck } from '../../../client/index.js';
import type { Cluster } from '../../api/v1alpha1.js';
import { errorText, isConflict, isNotFound } from '../../kube/api-error.js';
import { BROKER_CONTAINER } from '../../planning/broker-statefulset.js';
import { configMapsToDelete } from '../../planning/config-map-retention.js';
import {
  planRoll,
  REVISION_LABEL,
  type RestartAnswer,
  type RollAction,
  type RollPod,
} from '../../planning/roll-plan.js';
import { type RollingUpdateStatus, rollingUpdateStatus, rollUnderWay } from '../../planning/roll-status.js';

const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
const DEFAULT_STALE_UNREADY_SECONDS = 120;

export interface RollResult {
  status: RollingUpdateStatus | undefined;
  action: RollAction;
}

export interface PodDeleter {
  deletePod(namespace: string, name: string, uid: string): Promise<void>;
  deleteConfigMap(namespace: string, name: string): Promise<void>;
}

/** Deletes through the API; gone or re-created (uid precondition failed) counts as done. */
export function apiDeleter(kc: KubeConfig): PodDeleter {
  const core = kc.makeApiClient(CoreV1Api);
  const tolerant = async (work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  };
  return {
    deletePod: (namespace, name, uid) =>
      tolerant(() => core.deleteNamespacedPod({ namespace, name, body: { preconditions: { uid } } })),
    deleteConfigMap: (namespace, name) => tolerant(() => core.deleteNamespacedConfigMap({ namespace, name })),
  };
}

export function ordinalOf(pod: V1Pod): number {
  const label = pod.metadata?.labels?.[POD_INDEX_LABEL];
  const fromName = /-(\d+)$/.exec(pod.metadata?.name ?? '')?.[1];
  return Number(label ?? fromName ?? -1);
}

export function rollPod(pod: V1Pod): RollPod {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  const isReady = ready?.status === 'True';
  const since = ready?.lastTransitionTime ?? pod.metadata?.creationTimestamp;
  const broker = pod.status?.containerStatuses?.find((c) => c.name === BROKER_CONTAINER);
  const waiting = broker?.state?.waiting?.reason;
  return {
    name: pod.metadata?.name ?? '',
    ordinal: ordinalOf(pod),
    uid: pod.metadata?.uid ?? '',
    revision: pod.metadata?.labels?.[REVISION_LABEL],
    ready: isReady,
    notReadySinceMs: isReady || since === undefined ? undefined : new Date(since).getTime(),
    crashLooping: !isReady && (waiting === 'CrashLoopBackOff' || waiting === 'RunContainerError'),
    terminating: pod.metadata?.deletionTimestamp !== undefined,
  };
}

function answerOf(check: BrokerRestartCheck): RestartAnswer {
  const name = (p: { topic: string; partition: number }) => `${p.topic}/${p.partition}`;
  return {
    safe: check.safe,
    caughtUp: check.caughtUp,
    unsafe: check.unsafe.map(name),
    lagging: check.lagging.map(name),
    neverSafe: check.neverSafe.map(name),
  };
}

/** The updateRevision, once the StatefulSet controller has seen the current template. */
function updateRevisionOf(sts: V1StatefulSet | undefined): string | undefined {
  const observed = sts?.status?.observedGeneration;
  const generation = sts?.metadata?.generation;
  if (observed === undefined || generation === undefined || observed < generation) return undefined;
  return sts?.status?.updateRevision;
}

export interface BrokerRollerDeps {
  deleter: PodDeleter;
  log: Logger;
}

export class BrokerRoller {
  constructor(private readonly deps: BrokerRollerDeps) {}

  async roll(
    cluster: Cluster,
    inputs: {
      statefulSet: V1StatefulSet | undefined;
      pods: readonly V1Pod[];
      configMaps: readonly V1ConfigMap[];
      currentConfigMap: string | undefined;
      controllerId: number | undefined;
      admin: () => Admin;
      nowMs: number;
      nowIso: string;
    },
  ): Promise<RollResult> {
    const namespace = cluster.metadata.namespace ?? '';
    const prev = cluster.status?.rollingUpdate;
    const updateRevision = updateRevisionOf(inputs.statefulSet);
    const pods = inputs.pods.map(rollPod).sort((a, b) => a.ordinal - b.ordinal);
    const rolling = rollUnderWay(prev, updateRevision);
    const toRoll =
      rolling || (updateRevision !== undefined && pods.some((p) => p.revision !== updateRevision));
    const answers = toRoll ? await this.ask(inputs.admin(), pods) : new Map<number, RestartAnswer>();
    const inProgress =
      prev?.inProgress !== undefined && rolling
        ? { pod: prev.inProgress.pod, uid: prev.inProgress.uid }
        : undefined;
    let action = planRoll({
      updateRevision,
      replicas: inputs.statefulSet?.spec?.replicas ?? pods.length,
      pods,
      controllerId: inputs.controllerId,
      paused: cluster.spec?.rollingUpdate?.paused ?? false,
      answers,
      inProgress,
      rolling,
      nowMs: inputs.nowMs,
      staleUnreadyMs:
        (cluster.spec?.rollingUpdate?.staleUnreadySeconds ?? DEFAULT_STALE_UNREADY_SECONDS) * 1000,
    });

    const who = `${namespace}/${cluster.metadata.name}`;
    action = await this.act(who, namespace, action, updateRevision, inputs.admin);

    const healed = (() => {
      if (inProgress === undefined) return false;
      const pod = pods.find((p) => p.name === inProgress.pod);
      return (
        pod !== undefined &&
        pod.uid !== inProgress.uid &&
        pod.revision === updateRevision &&
        pod.ready &&
        answers.get(pod.ordinal)?.caughtUp === true
      );
    })();
    const status = rollingUpdateStatus(
      prev,
      { updateRevision, pods, action, inProgressHealed: healed },
      inputs.nowIso,
    );

    if (inputs.currentConfigMap !== undefined) {
      for (const name of configMapsToDelete(
        cluster.metadata.name ?? '',
        inputs.currentConfigMap,
        inputs.configMaps,
        inputs.pods,
      )) {
        this.deps.log.info({ cluster: who, configMap: name }, 'deleting a config no pod mounts');
        await this.deps.deleter.deleteConfigMap(namespace, name);
      }
    }
    return { status, action };
  }

  /** Every broker's restart check; a broker that cannot be asked is left out (the plan waits for it). */
  private async ask(admin: Admin, pods: readonly RollPod[]): Promise<Map<number, RestartAnswer>> {
    const answers = new Map<number, RestartAnswer>();
    await Promise.all(
      pods.map(async (p) => {
        try {
          answers.set(p.ordinal, answerOf(await admin.checkBrokerRestart(p.ordinal)));
        } catch (err) {
          this.deps.log.debug({ broker: p.ordinal, err: errorText(err) }, 'restart check failed');
        }
      }),
    );
    return answers;
  }

  /** Deletes the chosen pod, or restores preferred leaders at the end; a failed election is a wait. */
  private async act(
    who: string,
    namespace: string,
    planned: RollAction,
    updateRevision: string | undefined,
    admin: () => Admin,
  ): Promise<RollAction> {
    let action = planned;
    if (action.kind === 'delete') {
      const { pod, why, warnings } = action;
      for (const warning of warnings) this.deps.log.warn({ cluster: who, pod: pod.name }, warning);
      this.deps.log.info(
        { cluster: who, pod: pod.name, why, updateRevision },
        'rolling: deleting a broker pod',
      );
      await this.deps.deleter.deletePod(namespace, pod.name, pod.uid);
    } else if (action.kind === 'done') {
      try {
        await admin().electLeaders('preferred');
        this.deps.log.info(
          { cluster: who, updateRevision },
          'rolling update completed; preferred leaders elected',
        );
      } catch (err) {
        action = {
          kind: 'wait',
          reason: 'NoAnswer',
          message: `every broker runs the new template; restoring preferred leaders failed: ${errorText(err)}`,
          partitions: [],
        };
      }
    }

    return action;
  }
}

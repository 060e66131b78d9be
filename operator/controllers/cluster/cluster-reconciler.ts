/**
 * Reconciles one Cluster: a flat list of named steps, each idempotent.
 *
 *   read         the Cluster from the cache; gone means done
 *   finalize     (being deleted) delete the StatefulSet in the foreground and wait until it is gone, which
 *                is when its broker pods are gone; then drop the finalizer, and the garbage collector
 *                removes the other owned objects through their owner references. The brokers' identity
 *                (ServiceAccount, Role, RoleBinding) so outlives them: a broker shutting down still writes
 *                to the DCS, and would get 401s with its ServiceAccount gone.
 *   finalizer    add `tributary.dev/cluster` before anything is made
 *   balancing    spec.balancing to the brokers, the scale-down's broker states and how many brokers the
 *                StatefulSet may keep, the tributary.dev/rebalance annotation (balancer-sync.ts); a failed
 *                broker call fails the reconcile only after the later steps ran
 *   plan         desired objects and held-back parts of the spec (planning/cluster-plan.ts), from the
 *                Cluster, its StatefulSet, broker pods and volume claims as cached, and the replicas the
 *                balancing step allows
 *   apply        ServiceAccount, Role, RoleBinding, ConfigMap, HeadlessService, BootstrapService,
 *                StatefulSet, PodDisruptionBudget: server-side apply, in order, stopping at the first
 *                failure (later objects depend on earlier ones). A StatefulSet whose cached copy is
 *                terminating is not applied: the reconcile waits for its deletion event
 *   volumes      expand the brokers' claims below spec.storage.size; replace the StatefulSet (orphaning its
 *                pods) when its claim template must change (volume-resizer.ts, planning/volume-plan.ts)
 *   controller   ask the brokers which one is the controller (admin DescribeCluster), when they can be
 *                reached; unknown otherwise
 *   roll         when broker pods run an older revision than the StatefulSet's: at most one pod deleted,
 *                when safe, or a wait with its reason (broker-roller.ts, planning/roll-plan.ts); old
 *                ConfigMaps no pod mounts are deleted. Not while the StatefulSet is being replaced
 *   status       brokers and readiness from the StatefulSet (from the pods while it is being replaced),
 *                volumes, conditions; written only when changed, also after a failed step
 *
 * A successful reconcile comes back after `statusRefreshMs`: readiness has watch events (the StatefulSet's
 * status), but the controller moving between brokers has none. While a roll is under way it comes back
 * after `rollRequeueMs`: ISR changes have no watch events either; so does one while a rebalance plan runs or
 * a scale-down is under way (a plan's progress has none). A roll that waits is not a failure: no
 * back-off, the condition says what it waits for.
 */
import type { V1ConfigMap, V1PersistentVolumeClaim, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { reasonOf, TributaryError } from '../../../client/index.js';
import { API_VERSION, CLUSTER_KIND, type Cluster } from '../../api/v1alpha1.js';
import { describeApiError, errorText, isConflict } from '../../kube/api-error.js';
import type { Applier } from '../../kube/applier.js';
import type { EventRecorder } from '../../kube/event-recorder.js';
import { Finalizers } from '../../kube/finalizers.js';
import type { Informer } from '../../kube/informer.js';
import { splitKey } from '../../kube/object-key.js';
import type { StatusWriter } from '../../kube/status-writer.js';
import type { ReconcileOutcome } from '../../kube/work-queue.js';
import type { OperatorMetrics } from '../../metrics.js';
import { DATA_VOLUME } from '../../planning/broker-statefulset.js';
import { bootstrapAddress } from '../../planning/cluster-names.js';
import { type ClusterPlan, type ObservedStatefulSet, planCluster } from '../../planning/cluster-plan.js';
import { type ClusterObservation, clusterStatus } from '../../planning/cluster-status.js';
import { conditionTime } from '../../planning/conditions.js';
import { CLUSTER_FINALIZER, LABEL_INSTANCE } from '../../planning/labels.js';
import { controllerOf } from '../../planning/owner-reference.js';
import { resolveCluster } from '../../planning/resolved-cluster.js';
import type { ClaimObservation } from '../../planning/volume-plan.js';
import type { VolumeObservation } from '../../planning/volume-status.js';
import type { BrokerAddresses } from '../broker-addresses.js';
import type { BrokerClients } from '../broker-clients.js';
import { StatusReporter } from '../status-reporter.js';
import type { BalancerSync, BalancingResult } from './balancer-sync.js';
import { type BrokerRoller, ordinalOf, type RollResult } from './broker-roller.js';
import { claimObservation, type VolumeResizer } from './volume-resizer.js';

export const CONTROLLER_CLUSTER = 'cluster';

export interface ClusterReconcilerDeps {
  clusters: Informer<Cluster>;
  statefulSets: Informer<V1StatefulSet>;
  pods: Informer<V1Pod>;
  claims: Informer<V1PersistentVolumeClaim>;
  configMaps: Informer<V1ConfigMap>;
  roller: BrokerRoller;
  volumes: VolumeResizer;
  balancer: BalancerSync;
  rollRequeueMs: number;
  applier: Applier;
  finalizers: Finalizers;
  statuses: StatusWriter;
  brokers: BrokerClients;
  addresses: BrokerAddresses;
  events: EventRecorder;
  statusRefreshMs: number;
  metrics: OperatorMetrics;
  log: Logger;
}

/** The size in the StatefulSet's `data` claim template. */
function claimTemplateSize(sts: V1StatefulSet | undefined): string | undefined {
  const claim = sts?.spec?.volumeClaimTemplates?.find((t) => t.metadata?.name === DATA_VOLUME);
  const size = claim?.spec?.resources?.requests?.['storage'];
  return size === undefined ? undefined : String(size);
}

/** What planning needs of the existing StatefulSet. */
export function observedStatefulSet(sts: V1StatefulSet | undefined): ObservedStatefulSet | undefined {
  if (sts === undefined) return undefined;
  const claim = sts.spec?.volumeClaimTemplates?.find((t) => t.metadata?.name === DATA_VOLUME);
  const size = claimTemplateSize(sts);
  return {
    replicas: sts.spec?.replicas ?? 1,
    ...(size === undefined ? {} : { volume: { size, storageClassName: claim?.spec?.storageClassName } }),
    ...(sts.metadata?.deletionTimestamp === undefined ? {} : { terminating: true }),
    uid: sts.metadata?.uid,
  };
}

/** While there is no StatefulSet to count them (it is being replaced): the brokers as their pods show them. */
function countedFromPods(pods: readonly V1Pod[]): ClusterObservation['statefulSet'] {
  const ready = pods.filter((p) =>
    p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
  return { replicas: pods.length, readyReplicas: ready.length, updatedReplicas: pods.length };
}

type Failure = NonNullable<ClusterObservation['failure']>;

export class ClusterReconciler {
  private readonly status: StatusReporter;

  constructor(private readonly deps: ClusterReconcilerDeps) {
    this.status = new StatusReporter(deps, CONTROLLER_CLUSTER, CLUSTER_KIND);
  }

  async reconcile(key: string): Promise<ReconcileOutcome | undefined> {
    const { namespace, name } = splitKey(key);
    let cluster = this.deps.clusters.get(name, namespace);
    if (cluster === undefined) return undefined;
    if (cluster.metadata.deletionTimestamp !== undefined) return this.finalize(cluster);
    const added = await this.deps.finalizers.ensure(cluster, CLUSTER_FINALIZER);
    if ('done' in added) return added.done;
    cluster = added.object;

    const cached = this.deps.statefulSets.get(name, namespace);
    // Broker pods by their label, whatever owns them: orphaned ones too, while the StatefulSet is replaced.
    const pods = this.deps.pods.list(namespace).filter((p) => p.metadata?.labels?.[LABEL_INSTANCE] === name);
    const balancing = await this.balancing(cluster, cached, pods);
    const roll = cluster.status?.rollingUpdate;
    const plan = planCluster(
      cluster,
      observedStatefulSet(cached),
      {
        claims: this.claimsOf(namespace, name),
        podCount: Math.max(0, ...pods.map((p) => ordinalOf(p) + 1)),
        rollRestarting: roll !== undefined && roll.completedAt === undefined && roll.inProgress !== undefined,
      },
      balancing.replicas,
    );

    const applied = await this.apply(plan);
    let { failure } = applied;
    let statefulSet =
      plan.statefulSetTerminating || applied.gone ? undefined : (applied.statefulSet ?? cached);
    let storage: VolumeObservation | undefined;
    if (failure === undefined) {
      const volumes = await this.volumes(plan, statefulSet);
      ({ failure, storage } = volumes);
      if (volumes.replaced) statefulSet = undefined;
    }

    const stsStatus = statefulSet?.status;
    const counted =
      statefulSet === undefined
        ? pods.length === 0
          ? undefined
          : countedFromPods(pods)
        : { ...stsStatus, generation: statefulSet.metadata?.generation };
    const controllerId =
      failure === undefined
        ? await this.controllerId(cluster, plan.bootstrap, counted?.readyReplicas ?? 0)
        : undefined;

    let rolled: RollResult | undefined;
    if (failure === undefined && statefulSet !== undefined) {
      try {
        rolled = await this.roll(cluster, plan, statefulSet, controllerId);
      } catch (err) {
        failure = { step: 'RollingUpdate', message: describeApiError(err) };
      }
    }

    failure ??= balancing.failure;
    const status = clusterStatus(
      cluster,
      plan,
      {
        balancing: balancing.observation,
        statefulSet: counted,
        controllerId,
        failure,
        rollingUpdate: rolled === undefined ? roll : rolled.status,
        storage,
      },
      conditionTime(),
    );
    if (!(await this.status.write(cluster, status))) return undefined; // deleted meanwhile
    if (failure !== undefined) throw new Error(`step ${failure.step}: ${failure.message}`);
    const soon = rolled?.action.kind === 'wait' || rolled?.action.kind === 'delete' || balancing.busy;
    return { requeueAfterMs: soon ? this.deps.rollRequeueMs : this.deps.statusRefreshMs };
  }

  /**
   * The balancing step (balancer-sync.ts), with the StatefulSet and broker pods as cached. The brokers are
   * asked only once one is ready (or through an address override), as for the controller's id.
   */
  private balancing(
    cluster: Cluster,
    sts: V1StatefulSet | undefined,
    pods: readonly V1Pod[],
  ): Promise<BalancingResult> {
    const { name, namespace, spec } = resolveCluster(cluster);
    const override = this.deps.addresses.override(cluster);
    const reachable = override !== undefined || (sts?.status?.readyReplicas ?? 0) > 0;
    const bootstrap = override ?? bootstrapAddress(name, namespace, spec.listeners.client.port);
    return this.deps.balancer.sync({
      cluster,
      statefulSetReplicas: sts === undefined ? undefined : (sts.spec?.replicas ?? 1),
      pods: pods.map(ordinalOf).filter((o) => o >= 0),
      admin: reachable ? this.deps.brokers.admin(bootstrap) : undefined,
      nowIso: conditionTime(),
    });
  }

  /**
   * The planned objects, applied in order up to the first failure; the StatefulSet as stored. A StatefulSet
   * applied with the uid of the cached one and refused with 409 is gone meanwhile (the cache is behind its
   * deletion): not a failure, its deletion event brings the reconcile back to make it from the spec.
   */
  private async apply(
    plan: ClusterPlan,
  ): Promise<{ statefulSet: V1StatefulSet | undefined; gone: boolean; failure: Failure | undefined }> {
    let statefulSet: V1StatefulSet | undefined;
    let gone = false;
    for (const { step, object } of plan.objects) {
      try {
        const stored = await this.deps.applier.apply(object);
        if (step === 'StatefulSet') statefulSet = stored as V1StatefulSet;
      } catch (err) {
        if (step === 'StatefulSet' && object.metadata?.uid !== undefined && isConflict(err)) {
          gone = true;
          continue;
        }
        return { statefulSet, gone, failure: { step, message: describeApiError(err) } };
      }
    }
    return { statefulSet, gone, failure: undefined };
  }

  /** The claims of the Cluster's brokers, from the cache. */
  private claimsOf(namespace: string, name: string): ClaimObservation[] {
    return this.deps.claims
      .list(namespace)
      .filter((c) => c.metadata?.labels?.[LABEL_INSTANCE] === name)
      .flatMap((c) => claimObservation(c, name) ?? []);
  }

  /** The volumes step: claims expanded, the StatefulSet replaced when the plan says so. */
  private async volumes(
    plan: ClusterPlan,
    statefulSet: V1StatefulSet | undefined,
  ): Promise<{ storage: VolumeObservation; failure: Failure | undefined; replaced: boolean }> {
    const { name, namespace } = plan.resolved;
    const who = `${namespace}/${name}`;
    const expanded = await this.deps.volumes.expand(who, namespace, name, plan.volumes);
    const storage = (claimTemplate: string | undefined): VolumeObservation => ({
      plan: plan.volumes,
      claims: expanded.claims,
      refusal: expanded.refusal,
      claimTemplateSize: claimTemplate,
    });
    const template = claimTemplateSize(statefulSet);
    if (expanded.failure !== undefined) {
      return {
        storage: storage(template),
        failure: { step: 'VolumeExpansion', message: expanded.failure },
        replaced: false,
      };
    }
    const uid = statefulSet?.metadata?.uid;
    if (plan.volumes.replace.kind !== 'now' || uid === undefined) {
      return { storage: storage(template), failure: undefined, replaced: false };
    }
    try {
      await this.deps.volumes.replace(who, namespace, name, uid);
    } catch (err) {
      const failure = { step: 'StatefulSetReplacement' as const, message: describeApiError(err) };
      return { storage: storage(template), failure, replaced: false };
    }
    return { storage: storage(undefined), failure: undefined, replaced: true };
  }

  /**
   * The roll step (broker-roller.ts), over the pods the StatefulSet controls, read from the cache now: the
   * list the plan was made from is older by the applies, the volumes step and the controller's id, and a
   * roll judged on it (a pod deleted or re-created meanwhile) writes a wait that is already over.
   */
  private roll(
    cluster: Cluster,
    plan: ClusterPlan,
    statefulSet: V1StatefulSet,
    controllerId: number | undefined,
  ): Promise<RollResult> {
    const { name, namespace } = plan.resolved;
    return this.deps.roller.roll(cluster, {
      statefulSet,
      pods: this.deps.pods
        .list(namespace)
        .filter(
          (p) =>
            p.metadata?.labels?.[LABEL_INSTANCE] === name &&
            controllerOf(p, 'apps/v1', 'StatefulSet') === name,
        ),
      configMaps: this.deps.configMaps
        .list(namespace)
        .filter((c) => controllerOf(c, API_VERSION, CLUSTER_KIND) === name),
      currentConfigMap: plan.configMap,
      controllerId,
      admin: () => this.deps.brokers.admin(this.deps.addresses.override(cluster) ?? plan.bootstrap),
      nowMs: Date.now(),
      nowIso: conditionTime(),
    });
  }

  /**
   * The deletion path: the StatefulSet first, in the foreground (it stays until its pods are gone; its
   * deletion event queues this Cluster again), the finalizer last.
   */
  private async finalize(cluster: Cluster): Promise<ReconcileOutcome | undefined> {
    if (!Finalizers.has(cluster, CLUSTER_FINALIZER)) return undefined;
    const { name, namespace } = cluster.metadata as { name: string; namespace: string };
    const statefulSet = this.deps.statefulSets.get(name, namespace);
    if (statefulSet !== undefined) {
      if (statefulSet.metadata?.deletionTimestamp === undefined) {
        await this.deps.applier.deleteForeground({
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name, namespace },
        });
        this.deps.log.info({ cluster: `${namespace}/${name}` }, 'deleting the brokers before their identity');
      }
      // Its deletion is a watch event that queues this Cluster; the refresh only covers a missed one.
      return { requeueAfterMs: this.deps.statusRefreshMs };
    }
    const removed = await this.deps.finalizers.release(cluster, CLUSTER_FINALIZER);
    return 'done' in removed ? removed.done : undefined;
  }

  /**
   * The controller broker's id, or undefined when the brokers cannot say (none reachable, none elected).
   * Without an override they are asked only once a broker is ready: the bootstrap Service lists ready
   * brokers only, so before that the call could only time out.
   */
  private async controllerId(
    cluster: Cluster,
    serviceBootstrap: string,
    readyBrokers: number,
  ): Promise<number | undefined> {
    const override = this.deps.addresses.override(cluster);
    if (override === undefined && readyBrokers === 0) return undefined;
    const bootstrap = override ?? serviceBootstrap;
    try {
      const { controllerId } = await this.deps.brokers.admin(bootstrap).describeCluster();
      return controllerId >= 0 ? controllerId : undefined;
    } catch (err) {
      const reason = err instanceof TributaryError ? reasonOf(err) : 'error';
      this.deps.log.debug(
        { cluster: `${cluster.metadata.namespace}/${cluster.metadata.name}`, reason, err: errorText(err) },
        'brokers did not say which is the controller',
      );
      return undefined;
    }
  }
}

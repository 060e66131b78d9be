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
 *                Cluster and its StatefulSet as cached, and the replicas the balancing step allows
 *   apply        ServiceAccount, Role, RoleBinding, ConfigMap, HeadlessService, BootstrapService,
 *                StatefulSet, PodDisruptionBudget: server-side apply, in order, stopping at the first
 *                failure (later objects depend on earlier ones)
 *   controller   ask the brokers which one is the controller (admin DescribeCluster), when they can be
 *                reached; unknown otherwise
 *   roll         when broker pods run an older revision than the StatefulSet's: at most one pod deleted,
 *                when safe, or a wait with its reason (broker-roller.ts, planning/roll-plan.ts); old
 *                ConfigMaps no pod mounts are deleted
 *   status       brokers and readiness from the StatefulSet, conditions; written only when changed, also
 *                after a failed step
 *
 * A successful reconcile comes back after `statusRefreshMs`: readiness has watch events (the StatefulSet's
 * status), but the controller moving between brokers has none. While a roll is under way it comes back
 * after `rollRequeueMs`: ISR changes have no watch events either; so does one while a rebalance plan runs or
 * a scale-down is under way (a plan's progress has none). A roll that waits is not a failure: no
 * back-off, the condition says what it waits for.
 */
import type { V1ConfigMap, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { reasonOf, TributaryError } from '../../../client/index.js';
import { API_VERSION, CLUSTER_KIND, type Cluster } from '../../api/v1alpha1.js';
import { describeApiError, errorText } from '../../kube/api-error.js';
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
import { type ClusterStep, type ObservedStatefulSet, planCluster } from '../../planning/cluster-plan.js';
import { clusterStatus } from '../../planning/cluster-status.js';
import { conditionTime } from '../../planning/conditions.js';
import { CLUSTER_FINALIZER, LABEL_INSTANCE } from '../../planning/labels.js';
import { controllerOf } from '../../planning/owner-reference.js';
import { resolveCluster } from '../../planning/resolved-cluster.js';
import type { BrokerAddresses } from '../broker-addresses.js';
import type { BrokerClients } from '../broker-clients.js';
import { StatusReporter } from '../status-reporter.js';
import type { BalancerSync, BalancingResult } from './balancer-sync.js';
import { type BrokerRoller, ordinalOf, type RollResult } from './broker-roller.js';

export const CONTROLLER_CLUSTER = 'cluster';

export interface ClusterReconcilerDeps {
  clusters: Informer<Cluster>;
  statefulSets: Informer<V1StatefulSet>;
  pods: Informer<V1Pod>;
  configMaps: Informer<V1ConfigMap>;
  roller: BrokerRoller;
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

/** What planning needs of the existing StatefulSet. */
export function observedStatefulSet(sts: V1StatefulSet | undefined): ObservedStatefulSet | undefined {
  if (sts === undefined) return undefined;
  const claim = sts.spec?.volumeClaimTemplates?.find((t) => t.metadata?.name === DATA_VOLUME);
  const size = claim?.spec?.resources?.requests?.['storage'];
  return {
    replicas: sts.spec?.replicas ?? 1,
    ...(size === undefined
      ? {}
      : { volume: { size: String(size), storageClassName: claim?.spec?.storageClassName } }),
  };
}

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

    const balancing = await this.balancing(cluster);
    const plan = planCluster(
      cluster,
      observedStatefulSet(this.deps.statefulSets.get(name, namespace)),
      balancing.replicas,
    );

    let failure: { step: ClusterStep; message: string } | undefined;
    let statefulSet: V1StatefulSet | undefined = this.deps.statefulSets.get(name, namespace);
    for (const { step, object } of plan.objects) {
      try {
        const stored = await this.deps.applier.apply(object);
        if (step === 'StatefulSet') statefulSet = stored as V1StatefulSet;
      } catch (err) {
        failure = { step, message: describeApiError(err) };
        break;
      }
    }

    const stsStatus = statefulSet?.status;
    const controllerId =
      failure === undefined
        ? await this.controllerId(cluster, plan.bootstrap, stsStatus?.readyReplicas ?? 0)
        : undefined;

    let roll: RollResult | undefined;
    if (failure === undefined && statefulSet !== undefined) {
      try {
        roll = await this.deps.roller.roll(cluster, {
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
        statefulSet:
          statefulSet === undefined
            ? undefined
            : { ...stsStatus, generation: statefulSet.metadata?.generation },
        controllerId,
        failure,
        rollingUpdate: roll === undefined ? cluster.status?.rollingUpdate : roll.status,
      },
      conditionTime(),
    );
    if (!(await this.status.write(cluster, status))) return undefined; // deleted meanwhile
    if (failure !== undefined) throw new Error(`step ${failure.step}: ${failure.message}`);
    const soon = roll?.action.kind === 'wait' || roll?.action.kind === 'delete' || balancing.busy;
    return { requeueAfterMs: soon ? this.deps.rollRequeueMs : this.deps.statusRefreshMs };
  }

  /**
   * The balancing step (balancer-sync.ts), with the StatefulSet and broker pods as cached. The brokers are
   * asked only once one is ready (or through an address override), as for the controller's id.
   */
  private balancing(cluster: Cluster): Promise<BalancingResult> {
    const { name, namespace, spec } = resolveCluster(cluster);
    const sts = this.deps.statefulSets.get(name, namespace);
    const pods = this.deps.pods.list(namespace).filter((p) => p.metadata?.labels?.[LABEL_INSTANCE] === name);
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

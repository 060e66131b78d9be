/**
 * The operator, assembled: informer caches of Clusters, Topics and the objects made for Clusters, feeding
 * the cluster and topic controllers; leader election deciding when the controllers run; the HTTP
 * endpoints. `main.ts` runs it as a process.
 *
 * Start: endpoints, then informers (every replica keeps warm caches, and its queues fill while standing
 * by), then, once the Lease is won (or at once without leader election), the controllers' workers.
 *
 * Stop (SIGTERM): the controllers stop taking keys and running reconciles get `shutdownGraceMs` to finish;
 * then the informers stop, broker calls still waiting are cancelled, and only then is the Lease released,
 * so the next leader never overlaps with a reconcile of this one.
 *
 * Events to keys: a Cluster's change queues it, and its Topics when it appeared, went away or got another
 * broker address (a Topic waiting on a missing Cluster or on its address goes on at once); a change of an owned object (found by its controller owner reference)
 * queues its Cluster, so a deleted Service is back within a reconcile; a Topic's deletion queues the other
 * Topics of its Cluster and broker topic name (one of them may have been waiting on a name conflict).
 * Updates of Clusters and Topics that change only their status queue nothing. Every `resyncMs`, all
 * Clusters and Topics are queued again, for drift no event announces (a broker topic changed by hand).
 */
import {
  CustomObjectsApi,
  KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  KubernetesObjectApi,
  type V1ConfigMap,
  type V1Pod,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import {
  API_VERSION,
  CLUSTER_KIND,
  CLUSTER_PLURAL,
  type Cluster,
  GROUP,
  TOPIC_KIND,
  TOPIC_PLURAL,
  type Topic,
  VERSION,
} from './api/v1alpha1.js';
import { BrokerAddresses } from './controllers/broker-addresses.js';
import { BrokerClients, DEFAULT_BROKER_CLIENTS_OPTIONS } from './controllers/broker-clients.js';
import { apiDeleter, BrokerRoller } from './controllers/cluster/broker-roller.js';
import { ClusterReconciler, CONTROLLER_CLUSTER } from './controllers/cluster/cluster-reconciler.js';
import { Controller, errorText, objectKey } from './controllers/controller.js';
import { CONTROLLER_TOPIC, TopicReconciler } from './controllers/topic/topic-reconciler.js';
import { type Endpoints, serveEndpoints } from './endpoints.js';
import { describeApiError } from './kube/api-error.js';
import { Applier } from './kube/applier.js';
import { ChangeFilter } from './kube/change-filter.js';
import { EventRecorder } from './kube/event-recorder.js';
import { Finalizers } from './kube/finalizers.js';
import { Informer } from './kube/informer.js';
import { LeaderElector } from './kube/leader-election.js';
import { StatusWriter } from './kube/status-writer.js';
import { OperatorMetrics } from './metrics.js';
import type { OperatorOptions } from './options.js';
import { LABEL_INSTANCE, MANAGED_SELECTOR } from './planning/labels.js';
import { controllerOf } from './planning/owner-reference.js';
import { brokerTopicName } from './planning/topic-plan.js';

/** While a roll is under way, how soon a Cluster is reconciled again (ISR changes have no watch events). */
const ROLL_REQUEUE_MS = 2000;

/** Kinds the operator makes for Clusters, watched (by the managed-by label) to repair drift at once. */
const OWNED_KINDS = [
  { apiVersion: 'apps/v1', kind: 'StatefulSet', plural: 'statefulsets' },
  { apiVersion: 'v1', kind: 'Service', plural: 'services' },
  { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps' },
  { apiVersion: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', plural: 'roles' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', plural: 'rolebindings' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets' },
] as const;

function apiPath(apiVersion: string, plural: string, namespace: string | undefined): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return namespace === undefined ? `${base}/${plural}` : `${base}/namespaces/${namespace}/${plural}`;
}

export interface OperatorEvents {
  /** Leadership was lost: the process should end (main.ts exits), as client-go's users do. */
  onLostLeadership: () => void;
}

export class Operator {
  readonly metrics = new OperatorMetrics();
  private readonly kubeConfig = new KubeConfig();
  private readonly clusters: Informer<Cluster>;
  private readonly topics: Informer<Topic>;
  private readonly owned: Array<Informer<KubernetesObject>>;
  /** Broker pods (they carry the managed-by label of their template), for the roll. */
  private readonly pods: Informer<V1Pod>;
  private readonly clusterController: Controller;
  private readonly topicController: Controller;
  private readonly brokers: BrokerClients;
  private readonly addresses: BrokerAddresses;
  private readonly elector: LeaderElector | undefined;
  private endpoints: Endpoints | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private controllersStarted = false;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly options: OperatorOptions,
    private readonly log: Logger,
    hooks: OperatorEvents,
  ) {
    if (options.kubeconfig !== undefined) this.kubeConfig.loadFromFile(options.kubeconfig);
    else this.kubeConfig.loadFromDefault();
    const kc = this.kubeConfig;
    const ns = options.namespace;
    const custom = kc.makeApiClient(CustomObjectsApi);
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const onInformerError = (name: string, err: unknown, retryInMs: number) => {
      this.metrics.informerErrors.inc({ informer: name });
      this.log.warn({ informer: name, retryInMs, err: describeApiError(err) }, 'list or watch failed');
    };
    const customInformer = <T extends KubernetesObject>(plural: string) =>
      new Informer<T>(kc, {
        name: plural,
        path: apiPath(API_VERSION, plural, ns),
        list: async () =>
          (ns === undefined
            ? await custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural })
            : await custom.listNamespacedCustomObject({
                group: GROUP,
                version: VERSION,
                namespace: ns,
                plural,
              })) as KubernetesListObject<T>,
        onError: onInformerError,
      });
    this.clusters = customInformer<Cluster>(CLUSTER_PLURAL);
    this.topics = customInformer<Topic>(TOPIC_PLURAL);
    this.owned = OWNED_KINDS.map(
      ({ apiVersion, kind, plural }) =>
        new Informer<KubernetesObject>(kc, {
          name: plural,
          path: apiPath(apiVersion, plural, ns),
          labelSelector: MANAGED_SELECTOR,
          list: () =>
            objects.list(apiVersion, kind, ns, undefined, undefined, undefined, undefined, MANAGED_SELECTOR),
          onError: onInformerError,
        }),
    );

    this.pods = new Informer<V1Pod>(kc, {
      name: 'pods',
      path: apiPath('v1', 'pods', ns),
      labelSelector: MANAGED_SELECTOR,
      list: () =>
        objects.list('v1', 'Pod', ns, undefined, undefined, undefined, undefined, MANAGED_SELECTOR) as never,
      onError: onInformerError,
    });

    const addresses = new BrokerAddresses(options.bootstrapOverrides);
    this.addresses = addresses;
    this.brokers = new BrokerClients({
      ...DEFAULT_BROKER_CLIENTS_OPTIONS,
      requestTimeoutMs: options.brokerTimeoutMs,
    });
    const queueOptions = {
      workers: options.workers,
      retry: { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs },
    };
    const recorder = new EventRecorder(kc, 'tributary.dev/operator', options.identity, log);
    const clusterReconciler = new ClusterReconciler({
      clusters: this.clusters,
      statefulSets: this.ownedInformer<V1StatefulSet>('statefulsets'),
      pods: this.pods,
      configMaps: this.ownedInformer<V1ConfigMap>('configmaps'),
      roller: new BrokerRoller({
        deleter: apiDeleter(kc),
        log: log.child({ controller: CONTROLLER_CLUSTER }),
      }),
      rollRequeueMs: ROLL_REQUEUE_MS,
      applier: new Applier(kc),
      statuses: new StatusWriter(kc, GROUP, VERSION, CLUSTER_PLURAL, CLUSTER_KIND),
      brokers: this.brokers,
      addresses,
      events: recorder,
      statusRefreshMs: options.statusRefreshMs,
      metrics: this.metrics,
      log: log.child({ controller: CONTROLLER_CLUSTER }),
    });
    const topicReconciler = new TopicReconciler({
      topics: this.topics,
      clusters: this.clusters,
      finalizers: new Finalizers(kc, GROUP, VERSION, TOPIC_PLURAL),
      statuses: new StatusWriter(kc, GROUP, VERSION, TOPIC_PLURAL, TOPIC_KIND),
      brokers: this.brokers,
      addresses,
      events: recorder,
      metrics: this.metrics,
      log: log.child({ controller: CONTROLLER_TOPIC }),
    });
    this.clusterController = new Controller(
      CONTROLLER_CLUSTER,
      (key) => clusterReconciler.reconcile(key),
      this.metrics,
      log,
      queueOptions,
    );
    this.topicController = new Controller(
      CONTROLLER_TOPIC,
      (key) => topicReconciler.reconcile(key),
      this.metrics,
      log,
      queueOptions,
    );
    this.wireEvents();

    if (options.leaderElect) {
      this.elector = new LeaderElector(kc, {
        namespace: options.leaseNamespace,
        name: options.leaseName,
        identity: options.identity,
        leaseDurationSeconds: options.leaseDurationSeconds,
        renewDeadlineMs: options.renewDeadlineMs,
        retryPeriodMs: options.retryPeriodMs,
        onStartedLeading: () => {
          this.log.info(
            { identity: options.identity, lease: `${options.leaseNamespace}/${options.leaseName}` },
            'became the leader',
          );
          this.metrics.leader.set(1);
          this.startControllers();
        },
        onStoppedLeading: () => {
          this.metrics.leader.set(0);
          this.log.error({ identity: options.identity }, 'lost the leader lease');
          hooks.onLostLeadership();
        },
        onError: (message) => this.log.warn({ identity: options.identity }, message),
      });
    }
  }

  private ownedInformer<T extends KubernetesObject>(
    plural: (typeof OWNED_KINDS)[number]['plural'],
  ): Informer<T> {
    const i = OWNED_KINDS.findIndex((k) => k.plural === plural);
    return this.owned[i] as unknown as Informer<T>;
  }

  /** Ports the endpoints listen on (after `start`). */
  get ports(): { metrics: number; health: number } {
    return { metrics: this.endpoints?.metricsPort ?? 0, health: this.endpoints?.healthPort ?? 0 };
  }

  private informers(): Array<Informer<KubernetesObject>> {
    return [this.clusters, this.topics, ...this.owned, this.pods] as Array<Informer<KubernetesObject>>;
  }

  private notReady(): string | undefined {
    const pending = this.informers().filter((i) => !i.synced);
    return pending.length === 0 ? undefined : `${pending.length} informer caches not synced`;
  }

  private wireEvents(): void {
    // A Cluster's Topics depend on it existing and on its broker address: only those changes queue them,
    // not every status write (readiness, controller) of the Cluster.
    // Updates that change only the status (mostly the operator's own writes) queue nothing: a reconcile
    // does not read its status, and queueing at once would skip the key's backoff (kube/change-filter.ts).
    const clusterChanges = new ChangeFilter();
    const topicChanges = new ChangeFilter();
    const addressSeen = new Map<string, string | undefined>();
    this.clusters.onChange((cluster, event) => {
      const key = objectKey(cluster);
      if (clusterChanges.changed(key, cluster, event)) this.clusterController.enqueue(key);
      const address = event === 'delete' ? undefined : this.addresses.bootstrapOf(cluster);
      if (event === 'update' && addressSeen.get(key) === address) return;
      if (event === 'delete') addressSeen.delete(key);
      else addressSeen.set(key, address);
      for (const topic of this.topics.list(cluster.metadata.namespace)) {
        if (topic.spec.cluster === cluster.metadata.name) this.topicController.enqueue(objectKey(topic));
      }
    });
    this.topics.onChange((topic, event) => {
      const key = objectKey(topic);
      if (topicChanges.changed(key, topic, event)) this.topicController.enqueue(key);
      if (event !== 'delete') return;
      // Only a Topic of the same broker topic can have waited on this one (a name conflict): queueing
      // every Topic of the Cluster would make deleting N of them cost N^2 reconciles.
      const brokerName = brokerTopicName(topic);
      if (brokerName === undefined) return;
      for (const other of this.topics.list(topic.metadata.namespace)) {
        if (other.spec.cluster === topic.spec.cluster && brokerTopicName(other) === brokerName) {
          this.topicController.enqueue(objectKey(other));
        }
      }
    });
    // A broker pod's change (ready, re-created) is the roll's next step: its Cluster is its instance label.
    this.pods.onChange((pod) => {
      const cluster = pod.metadata?.labels?.[LABEL_INSTANCE];
      if (cluster !== undefined)
        this.clusterController.enqueue(`${pod.metadata?.namespace ?? ''}/${cluster}`);
    });
    for (const informer of this.owned) {
      informer.onChange((obj) => {
        const owner = controllerOf(obj, API_VERSION, CLUSTER_KIND);
        if (owner !== undefined) this.clusterController.enqueue(`${obj.metadata?.namespace ?? ''}/${owner}`);
      });
    }
  }

  async start(): Promise<void> {
    this.endpoints = await serveEndpoints({
      host: this.options.bindAddress,
      metricsPort: this.options.metricsPort,
      healthPort: this.options.healthPort,
      registry: this.metrics.registry,
      notReady: () => this.notReady(),
    });
    this.log.info(
      {
        metricsPort: this.endpoints.metricsPort,
        healthPort: this.endpoints.healthPort,
        namespace: this.options.namespace ?? '(all)',
        leaderElect: this.options.leaderElect,
        identity: this.options.identity,
      },
      'operator listening',
    );
    await Promise.all(this.informers().map((i) => i.start()));
    if (this.stopping !== undefined) return;
    this.log.info('informer caches synced');
    this.resyncTimer = setInterval(() => {
      for (const c of this.clusters.list()) this.clusterController.enqueue(objectKey(c));
      for (const t of this.topics.list()) this.topicController.enqueue(objectKey(t));
    }, this.options.resyncMs);
    if (this.elector !== undefined) {
      this.elector.start();
    } else {
      this.metrics.leader.set(1);
      this.startControllers();
    }
  }

  private startControllers(): void {
    if (this.controllersStarted || this.stopping !== undefined) return;
    this.controllersStarted = true;
    this.clusterController.start();
    this.topicController.start();
  }

  /**
   * Graceful stop (see the file comment). The Lease is released only when every reconcile finished:
   * with one still running, the next leader waits out the lease instead (this process exits meanwhile).
   */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    clearInterval(this.resyncTimer);
    const graceMs = this.options.shutdownGraceMs;
    const [clusters, topics] = await Promise.all([
      this.clusterController.stop(graceMs),
      this.topicController.stop(graceMs),
    ]);
    const abandoned = [...clusters.abandoned, ...topics.abandoned];
    if (abandoned.length > 0) {
      this.log.warn({ abandoned }, 'reconciles still running at the end of the grace period');
    }
    await Promise.all(
      this.informers().map((i) =>
        i.stop().catch((err) => this.log.warn({ err: errorText(err) }, 'informer stop')),
      ),
    );
    this.brokers.close();
    await this.elector?.stop({ release: abandoned.length === 0 });
    this.metrics.leader.set(0);
    await this.endpoints?.close();
    this.log.info('operator stopped');
  }
}

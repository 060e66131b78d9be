/**
 * The operator, assembled: informer caches of Clusters, Topics, Users and the objects made for them,
 * feeding the cluster, topic and user reconcile loops; leader election deciding when the loops run; the HTTP
 * endpoints. `main.ts` runs it as a process.
 *
 * Start: endpoints, then informers (every replica keeps warm caches, and its queues fill while standing
 * by), then, once the Lease is won (or at once without leader election), the loops' workers.
 *
 * Stop (SIGTERM): the loops stop taking keys and running reconciles get `shutdownGraceMs` to finish;
 * then the informers stop, broker calls still waiting are cancelled, and only then is the Lease released,
 * so the next leader never overlaps with a reconcile of this one.
 *
 * Events to keys: a Cluster's change queues it, and its Topics and Users when it appeared, went away, got
 * another broker address or turned Ready or not Ready (a Topic or User waiting on a missing Cluster, on its
 * address or on its brokers goes on at once); a change of an owned object (found by its controller owner reference)
 * queues its Cluster, so a deleted Service is back within a reconcile; a Topic's deletion queues the other
 * Topics of its Cluster and broker topic name (one of them may have been waiting on a name conflict), a
 * User's deletion the other Users of its Cluster and principal; a change of a User's Secret queues the
 * User, and of a Cluster's clients CA Secret the Cluster's Users.
 * Updates of Clusters and Topics that change only their status queue nothing. Every `resyncMs`, all
 * Clusters, Topics and Users are queued again, for drift no event announces (a broker topic or ACL changed
 * by hand, a password Secret a User refers to).
 */
import {
  KubeConfig,
  type KubernetesObject,
  type V1ConfigMap,
  type V1Secret,
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
  USER_KIND,
  USER_PLURAL,
  type User,
  VERSION,
} from './api/v1alpha1.js';
import { BrokerAddresses } from './controllers/broker-addresses.js';
import { BrokerClients, DEFAULT_BROKER_CLIENTS_OPTIONS } from './controllers/broker-clients.js';
import { BalancerSync } from './controllers/cluster/balancer-sync.js';
import { apiDeleter, BrokerRoller } from './controllers/cluster/broker-roller.js';
import { ClusterReconciler, CONTROLLER_CLUSTER } from './controllers/cluster/cluster-reconciler.js';
import { apiVolumeWriter, VolumeResizer } from './controllers/cluster/volume-resizer.js';
import { ReconcileLoop } from './controllers/reconcile-loop.js';
import { CONTROLLER_TOPIC, TopicReconciler } from './controllers/topic/topic-reconciler.js';
import { clientsCaCluster, SecretClientsCa } from './controllers/user/clients-ca.js';
import { sdkBrokerSecurity } from './controllers/user/sdk-broker-security.js';
import { CONTROLLER_USER, UserReconciler } from './controllers/user/user-reconciler.js';
import { type Endpoints, serveEndpoints } from './endpoints.js';
import { describeApiError, errorText } from './kube/api-error.js';
import { Applier } from './kube/applier.js';
import { ChangeFilter } from './kube/change-filter.js';
import { EventRecorder } from './kube/event-recorder.js';
import { Finalizers } from './kube/finalizers.js';
import type { Informer } from './kube/informer.js';
import { LeaderElector } from './kube/leader-election.js';
import { objectKey } from './kube/object-key.js';
import { SecretStore } from './kube/secret-store.js';
import { StatusWriter } from './kube/status-writer.js';
import { OperatorMetrics } from './metrics.js';
import type { OperatorOptions } from './options.js';
import { CONDITION_READY, findCondition } from './planning/conditions.js';
import { LABEL_INSTANCE } from './planning/labels.js';
import { controllerOf } from './planning/owner-reference.js';
import { brokerTopicName } from './planning/topic-plan.js';
import { userPrincipal } from './planning/user-plan.js';
import { ownedInformer, type WatchedObjects, watchedObjects } from './watched-objects.js';

/** While a roll is under way, how soon a Cluster is reconciled again (ISR changes have no watch events). */
const ROLL_REQUEUE_MS = 2000;

/**
 * Queues the objects of `deleted`'s Cluster that claim what it claimed (`claim`: a broker topic, a
 * principal): one of them may have waited on it (planning/claim-owner.ts).
 */
function queueClaimants<T extends KubernetesObject & { spec: { cluster: string } }>(
  deleted: T,
  informer: Informer<T>,
  loop: ReconcileLoop,
  claim: (obj: T) => string | undefined,
): void {
  const claimed = claim(deleted);
  if (claimed === undefined) return;
  for (const other of informer.list(deleted.metadata?.namespace)) {
    if (other.spec.cluster === deleted.spec.cluster && claim(other) === claimed)
      loop.enqueue(objectKey(other));
  }
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
  private readonly users: Informer<User>;
  private readonly owned: Array<Informer<KubernetesObject>>;
  private readonly watched: WatchedObjects;
  private readonly clusterLoop: ReconcileLoop;
  private readonly topicLoop: ReconcileLoop;
  private readonly userLoop: ReconcileLoop;
  private readonly brokers: BrokerClients;
  private readonly addresses: BrokerAddresses;
  private readonly elector: LeaderElector | undefined;
  private endpoints: Endpoints | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private loopsStarted = false;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly options: OperatorOptions,
    private readonly log: Logger,
    hooks: OperatorEvents,
  ) {
    if (options.kubeconfig !== undefined) this.kubeConfig.loadFromFile(options.kubeconfig);
    else this.kubeConfig.loadFromDefault();
    this.watched = watchedObjects(this.kubeConfig, options.namespace, (name, err, retryInMs) => {
      this.metrics.informerErrors.inc({ informer: name });
      this.log.warn({ informer: name, retryInMs, err: describeApiError(err) }, 'list or watch failed');
    });
    this.clusters = this.watched.clusters;
    this.topics = this.watched.topics;
    this.users = this.watched.users;
    this.owned = this.watched.owned;
    this.addresses = new BrokerAddresses(options.bootstrapOverrides);
    this.brokers = new BrokerClients({
      ...DEFAULT_BROKER_CLIENTS_OPTIONS,
      requestTimeoutMs: options.brokerTimeoutMs,
    });
    const loops = this.reconcileLoops();
    this.clusterLoop = loops.cluster;
    this.topicLoop = loops.topic;
    this.userLoop = loops.user;
    this.wireEvents();
    this.elector = options.leaderElect ? this.leaderElector(hooks) : undefined;
  }

  /** The cluster, topic and user reconcilers, each behind its own reconcile loop (work queue). */
  private reconcileLoops(): { cluster: ReconcileLoop; topic: ReconcileLoop; user: ReconcileLoop } {
    const { options, log, kubeConfig: kc } = this;
    const queueOptions = {
      workers: options.workers,
      retry: { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs },
    };
    const recorder = new EventRecorder(kc, 'tributary.dev/operator', options.identity, log);
    const shared = {
      brokers: this.brokers,
      addresses: this.addresses,
      events: recorder,
      metrics: this.metrics,
    };
    const clusterReconciler = new ClusterReconciler({
      ...shared,
      clusters: this.clusters,
      statefulSets: ownedInformer<V1StatefulSet>(this.watched, 'statefulsets'),
      pods: this.watched.pods,
      claims: this.watched.claims,
      configMaps: ownedInformer<V1ConfigMap>(this.watched, 'configmaps'),
      roller: new BrokerRoller({
        deleter: apiDeleter(kc),
        log: log.child({ controller: CONTROLLER_CLUSTER }),
      }),
      volumes: new VolumeResizer({
        writer: apiVolumeWriter(kc),
        log: log.child({ controller: CONTROLLER_CLUSTER }),
      }),
      balancer: new BalancerSync({ events: recorder, log: log.child({ controller: CONTROLLER_CLUSTER }) }),
      rollRequeueMs: ROLL_REQUEUE_MS,
      applier: new Applier(kc),
      finalizers: new Finalizers(kc, GROUP, VERSION, CLUSTER_PLURAL),
      statuses: new StatusWriter(kc, GROUP, VERSION, CLUSTER_PLURAL, CLUSTER_KIND),
      statusRefreshMs: options.statusRefreshMs,
      log: log.child({ controller: CONTROLLER_CLUSTER }),
    });
    const topicReconciler = new TopicReconciler({
      ...shared,
      topics: this.topics,
      clusters: this.clusters,
      finalizers: new Finalizers(kc, GROUP, VERSION, TOPIC_PLURAL),
      statuses: new StatusWriter(kc, GROUP, VERSION, TOPIC_PLURAL, TOPIC_KIND),
      log: log.child({ controller: CONTROLLER_TOPIC }),
    });
    const secrets = new SecretStore(kc, ownedInformer<V1Secret>(this.watched, 'secrets'));
    const userReconciler = new UserReconciler({
      ...shared,
      users: this.users,
      clusters: this.clusters,
      finalizers: new Finalizers(kc, GROUP, VERSION, USER_PLURAL),
      statuses: new StatusWriter(kc, GROUP, VERSION, USER_PLURAL, USER_KIND),
      secrets,
      applier: new Applier(kc),
      security: (bootstrap) => sdkBrokerSecurity(this.brokers.security(bootstrap)),
      clientsCa: new SecretClientsCa(secrets),
      log: log.child({ controller: CONTROLLER_USER }),
    });
    const loop = (name: string, reconcile: (key: string) => ReturnType<UserReconciler['reconcile']>) =>
      new ReconcileLoop(name, reconcile, this.metrics, log, queueOptions);
    return {
      cluster: new ReconcileLoop(
        CONTROLLER_CLUSTER,
        (key) => clusterReconciler.reconcile(key),
        this.metrics,
        log,
        queueOptions,
      ),
      topic: new ReconcileLoop(
        CONTROLLER_TOPIC,
        (key) => topicReconciler.reconcile(key),
        this.metrics,
        log,
        queueOptions,
      ),
      user: loop(CONTROLLER_USER, (key) => userReconciler.reconcile(key)),
    };
  }

  /** The Lease campaign: the reconcile loops run while this replica leads; losing the lead ends the process. */
  private leaderElector(hooks: OperatorEvents): LeaderElector {
    const { options } = this;
    return new LeaderElector(this.kubeConfig, {
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
        this.startLoops();
      },
      onStoppedLeading: () => {
        this.metrics.leader.set(0);
        this.log.error({ identity: options.identity }, 'lost the leader lease');
        hooks.onLostLeadership();
      },
      onError: (message) => this.log.warn({ identity: options.identity }, message),
    });
  }

  /** Ports the endpoints listen on (after `start`). */
  get ports(): { metrics: number; health: number } {
    return { metrics: this.endpoints?.metricsPort ?? 0, health: this.endpoints?.healthPort ?? 0 };
  }

  private informers(): Array<Informer<KubernetesObject>> {
    return [
      this.clusters,
      this.topics,
      this.users,
      ...this.owned,
      this.watched.pods,
      this.watched.claims,
    ] as Array<Informer<KubernetesObject>>;
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
    const reachSeen = new Map<string, string | undefined>();
    this.clusters.onChange((cluster, event) => {
      const key = objectKey(cluster);
      if (clusterChanges.changed(key, cluster, event)) this.clusterLoop.enqueue(key);
      // A Topic created before its brokers answered is in its backoff (up to --retry-max-ms): the Cluster
      // turning Ready, like a new address, sends its Topics to the brokers at once.
      const reach =
        event === 'delete'
          ? undefined
          : `${this.addresses.bootstrapOf(cluster)} ${findCondition(cluster.status?.conditions, CONDITION_READY)?.status}`;
      if (event === 'update' && reachSeen.get(key) === reach) return;
      if (event === 'delete') reachSeen.delete(key);
      else reachSeen.set(key, reach);
      for (const topic of this.topics.list(cluster.metadata.namespace)) {
        if (topic.spec.cluster === cluster.metadata.name) this.topicLoop.enqueue(objectKey(topic));
      }
      this.enqueueUsers(cluster.metadata.namespace, cluster.metadata.name);
    });
    this.topics.onChange((topic, event) => {
      const key = objectKey(topic);
      if (topicChanges.changed(key, topic, event)) this.topicLoop.enqueue(key);
      // Only a Topic of the same broker topic can have waited on this one (a name conflict): queueing
      // every Topic of the Cluster would make deleting N of them cost N^2 reconciles.
      if (event === 'delete') queueClaimants(topic, this.topics, this.topicLoop, brokerTopicName);
    });
    const userChanges = new ChangeFilter();
    this.users.onChange((user, event) => {
      const key = objectKey(user);
      if (userChanges.changed(key, user, event)) this.userLoop.enqueue(key);
      // Only a User of the same principal can have waited on this one (a principal conflict).
      if (event === 'delete') queueClaimants(user, this.users, this.userLoop, userPrincipal);
    });
    // A broker pod's change (ready, re-created) is the roll's next step, a claim's (expansion accepted, done)
    // the volume step's: their Cluster is their instance label.
    for (const informer of [this.watched.pods, this.watched.claims] as Array<Informer<KubernetesObject>>) {
      informer.onChange((obj) => {
        const cluster = obj.metadata?.labels?.[LABEL_INSTANCE];
        if (cluster !== undefined) this.clusterLoop.enqueue(`${obj.metadata?.namespace ?? ''}/${cluster}`);
      });
    }
    for (const informer of this.owned) {
      informer.onChange((obj) => {
        const namespace = obj.metadata?.namespace ?? '';
        const owner = controllerOf(obj, API_VERSION, CLUSTER_KIND);
        if (owner !== undefined) this.clusterLoop.enqueue(`${namespace}/${owner}`);
        const user = controllerOf(obj, API_VERSION, USER_KIND);
        if (user !== undefined) this.userLoop.enqueue(`${namespace}/${user}`);
      });
    }
    // A new or renewed clients CA: its Cluster's tls Users get certificates from it.
    ownedInformer<V1Secret>(this.watched, 'secrets').onChange((secret) => {
      const cluster = clientsCaCluster(secret);
      if (cluster !== undefined) this.enqueueUsers(secret.metadata?.namespace, cluster);
    });
  }

  /** Queues the Users of Cluster `namespace`/`cluster`. */
  private enqueueUsers(namespace: string | undefined, cluster: string | undefined): void {
    for (const user of this.users.list(namespace)) {
      if (user.spec.cluster === cluster) this.userLoop.enqueue(objectKey(user));
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
      for (const c of this.clusters.list()) this.clusterLoop.enqueue(objectKey(c));
      for (const t of this.topics.list()) this.topicLoop.enqueue(objectKey(t));
      for (const u of this.users.list()) this.userLoop.enqueue(objectKey(u));
    }, this.options.resyncMs);
    if (this.elector !== undefined) {
      this.elector.start();
    } else {
      this.metrics.leader.set(1);
      this.startLoops();
    }
  }

  private startLoops(): void {
    if (this.loopsStarted || this.stopping !== undefined) return;
    this.loopsStarted = true;
    this.clusterLoop.start();
    this.topicLoop.start();
    this.userLoop.start();
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
    const stopped = await Promise.all([
      this.clusterLoop.stop(graceMs),
      this.topicLoop.stop(graceMs),
      this.userLoop.stop(graceMs),
    ]);
    const abandoned = stopped.flatMap((s) => s.abandoned);
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

import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SerialLane } from '../kit/serial-lane.js';
import { sleep } from '../kit/sleep.js';
import type { AlterPartitionResponse__Output } from '../proto/generated/tributary/v1/AlterPartitionResponse.js';
import type { DescribeLogDirsResponse__Output } from '../proto/generated/tributary/v1/DescribeLogDirsResponse.js';
import { Lifecycle } from './api/context.js';
import { type GrpcListener, setServing, startGrpcServer } from './api/server.js';
import { Balancer } from './balance/balancer.js';
import { followBalancingConfig } from './balance/balancing-config.js';
import { type LocalPartitionSize, surveySizes } from './balance/size-survey.js';
import { ClusterDirectory } from './cluster/cluster-directory.js';
import { Membership } from './cluster/membership.js';
import type { BrokerConfig } from './config.js';
import { Controller } from './controller/controller.js';
import type { Dcs } from './dcs/dcs.js';
import { openDcs } from './dcs/index.js';
import { GroupCoordinator, type OffsetsTopicSettings } from './groups/coordinator.js';
import { GroupLag } from './groups/group-lag.js';
import { createLogger, type Logger } from './logger.js';
import { CLUSTER_ID_KEY } from './metadata/keys.js';
import { logConfigFor, minInsyncReplicasOf } from './metadata/topic-config.js';
import { TopicRegistry } from './metadata/topic-registry.js';
import { BrokerMetrics } from './metrics.js';
import { callPeer } from './replication/peers.js';
import { ReplicaManager, type ReplicaManagerDeps } from './replication/replica-manager.js';
import { LeaderReplicationThrottle, ReplicationThrottle } from './replication/replication-throttle.js';
import { BrokerSecurity } from './security/broker-security.js';
import { BrokerTokenSource } from './security/inter-broker-credential.js';
import { SecurityStore } from './security/security-store.js';
import { LogManager, type LogManagerOptions } from './storage/log-manager.js';
import { etcdSecurity, logTransportSecurity, peerChannel } from './transport-security.js';
import { BUILD_VERSION } from './version.js';

/** Creates the cluster id once (22 characters of base64url, like Kafka's) and reads it back afterwards. */
async function clusterId(dcs: Dcs): Promise<string> {
  const existing = await dcs.get(CLUSTER_ID_KEY);
  if (existing !== null) return existing.value.toString('utf8');
  const id = randomBytes(16).toString('base64url');
  const result = await dcs.compareAndSet(CLUSTER_ID_KEY, Buffer.from(id), 0);
  if (result.ok) return id;
  return (await dcs.get(CLUSTER_ID_KEY))!.value.toString('utf8');
}

/** The DCS a broker with this config uses (also for `tributary broker add-scram-user`, before start). */
export function openStore(config: BrokerConfig, logger: Logger): Promise<Dcs> {
  if (config.dcs === 'local') return openDcs({ kind: 'local', dir: join(config.dataDir, 'metadata') });
  if (config.dcs === 'kubernetes') {
    return openDcs({
      kind: 'kubernetes',
      prefix: config.dcsPrefix,
      namespace: config.dcsKubeNamespace,
      kubeconfig: config.dcsKubeconfig,
      logger,
    });
  }
  return openDcs({
    kind: 'etcd',
    endpoints: config.dcsEtcdEndpoints
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== ''),
    prefix: config.dcsPrefix,
    logger,
    ...etcdSecurity(config),
  });
}

/** How long start waits for the controller to hand this broker its leaderships before serving anyway. */
const LEADERSHIP_WAIT_MS = 15_000;

/**
 * One broker process: metadata store, logs, partitions and their replication, the controller candidate,
 * the gRPC listener and the metrics endpoint. Data directory layout: `metadata/` (the local DCS, when
 * used) and `logs/<topic>-<partition>/` (partition logs).
 *
 * Start order: open the DCS and the logs, bind the listener (clients are refused with NOT_SERVING health
 * until the end), register in the cluster (the registration names the bound port), campaign for the
 * controller, then follow topic metadata: each change is applied to the hosted partitions, in order.
 */
export class Broker {
  private stopping: Promise<void> | undefined;
  private readonly unsubscribe: Array<() => void> = [];

  private constructor(
    readonly config: BrokerConfig,
    readonly logger: Logger,
    private readonly dcs: Dcs,
    private readonly topics: TopicRegistry,
    private readonly logs: LogManager,
    private readonly replicas: ReplicaManager,
    private readonly cluster: ClusterDirectory,
    private readonly lifecycle: Lifecycle,
    private readonly grpc: GrpcListener,
    private readonly metricsServer: { port: number; close: () => Promise<void> } | undefined,
  ) {}

  get port(): number {
    return this.grpc.port;
  }

  get address(): string {
    return `${this.config.advertisedHost}:${this.grpc.port}`;
  }

  get metricsPort(): number | undefined {
    return this.metricsServer?.port;
  }

  // biome-ignore lint/complexity/noExcessiveLinesPerFunction: the ordered start sequence, a cleanup registered after each step; its helpers are the named functions it calls
  static async start(config: BrokerConfig, logger: Logger = createLogger(config.logLevel)): Promise<Broker> {
    await mkdir(config.dataDir, { recursive: true });
    // First, so a certificate that cannot be read fails the start before anything else is opened.
    logTransportSecurity(config, logger);
    const dcs = await openStore(config, logger);
    const cleanups: Array<() => Promise<unknown>> = [() => dcs.close()];
    let replicasRef: ReplicaManager | undefined;
    try {
      const id = await clusterId(dcs);
      const securityStore = new SecurityStore(dcs, logger);
      await securityStore.start();
      cleanups.unshift(async () => securityStore.stop());
      const brokerToken = new BrokerTokenSource(() => securityStore.interBrokerSecret, config.nodeId);
      const topics = new TopicRegistry(dcs);
      await topics.load();
      cleanups.unshift(async () => topics.stop());
      const logs = new LogManager(
        logManagerOptions(
          config,
          logger,
          (topic, partition) => replicasRef?.find(topic, partition)?.highWatermark ?? 0,
        ),
      );
      await logs.open((name) => {
        const topic = topics.list(true).find((t) => t.name === name);
        return topic === undefined ? undefined : logConfigFor(topic.configs, config);
      });
      cleanups.unshift(() => logs.close());
      const cluster = new ClusterDirectory(
        config.nodeId,
        config.replicaFetchMaxBytes + 1024 * 1024,
        peerChannel(config),
        () => brokerToken.current(),
      );
      // One rate for both sides, as Kafka's kafka-reassign-partitions --throttle sets both.
      const throttle = new ReplicationThrottle();
      const leaderThrottle = new LeaderReplicationThrottle();
      cleanups.unshift(
        await followBalancingConfig(dcs, logger, (c) => {
          throttle.setRate(c.throttleBytesPerSec);
          leaderThrottle.setRate(c.throttleBytesPerSec);
        }).then((unwatch) => async () => unwatch()),
      );
      const replicas: ReplicaManager = new ReplicaManager(
        logs,
        config,
        replicaManagerDeps(config, cluster, logger, throttle, leaderThrottle),
      );
      replicasRef = replicas;
      await replicas.loadHighWatermarks();
      cleanups.unshift(() => replicas.stop());
      const lifecycle = new Lifecycle();
      const metrics = new BrokerMetrics(
        () => replicas,
        (topic) => minInsyncReplicasOf(topics.get(topic)?.configs),
      );
      metrics.trackDisk(config.dataDir);
      // The listener once bound: its health is served on the metrics port too (GET /healthz).
      let listener: GrpcListener | undefined;
      const metricsServer =
        config.metricsPort >= 0
          ? await metrics.serve(config.metricsHost, config.metricsPort, () => listener?.serving === true)
          : undefined;
      if (metricsServer) cleanups.unshift(() => metricsServer.close());
      const groups = new GroupCoordinator({
        replicas,
        topics,
        cluster,
        logger,
        settings: offsetsTopicSettings(config),
      });
      cleanups.unshift(async () => groups.close());
      metrics.trackGroupLag(
        new GroupLag({
          committedOffsets: (max) => groups.committedOffsets(max),
          replicas: () => replicas,
          topics,
          clientOf: (brokerId) => cluster.clientService(brokerId),
          nodeId: config.nodeId,
        }),
      );
      const security = new BrokerSecurity(config, securityStore, metrics, logger);
      const grpc: GrpcListener = await startGrpcServer(
        { config, clusterId: id, topics, replicas, cluster, groups, metrics, logger, lifecycle, security },
        () => {},
      );
      listener = grpc;
      cleanups.unshift(async () => grpc.server.forceShutdown());

      const membership = await Membership.start(
        dcs,
        {
          id: config.nodeId,
          host: config.advertisedHost,
          port: grpc.port,
          rack: config.rack,
          registeredAtMs: Date.now(),
          incarnation: randomBytes(12).toString('hex'),
        },
        { sessionTtlMs: config.sessionTimeoutMs, logger },
      );
      cluster.membership = membership;
      cleanups.unshift(() => membership.stop());
      // Half a session: brokers re-registering after a DCS outage are back before the first failover.
      let balancer: Balancer | undefined;
      const controller = new Controller({
        dcs,
        membership,
        logger,
        options: { activationGraceMs: Math.floor(config.sessionTimeoutMs / 2) },
        placementExcluded: () => balancer?.placementExcluded() ?? Promise.resolve(new Set<number>()),
      });
      cluster.controller = controller;
      metrics.trackCluster({
        topics: () => topics.list(),
        isActiveController: () => controller.isActive,
      });
      let seenControllerId = cluster.controllerId();
      metrics.countChanges(replicas, (changed) =>
        membership.on('controller', () => {
          const now = cluster.controllerId();
          if (now !== seenControllerId) changed();
          seenControllerId = now;
        }),
      );
      await controller.start();
      cleanups.unshift(() => controller.stop());
      balancer = new Balancer({
        dcs,
        controller,
        membership,
        logger,
        sizes: (brokers) => surveySizes(brokers, (b) => localSizes(config, cluster, replicas, b)),
      });
      cluster.balancer = balancer;
      balancer.start();
      const started = balancer;
      cleanups.unshift(() => started.stop());

      const broker = new Broker(
        config,
        logger,
        dcs,
        topics,
        logs,
        replicas,
        cluster,
        lifecycle,
        grpc,
        metricsServer,
      );
      broker.unsubscribe.push(() => groups.close());
      broker.unsubscribe.push(() => securityStore.stop());
      await broker.goLive(membership, id, topics.list().length);
      return broker;
    } catch (err) {
      for (const cleanup of cleanups) await cleanup().catch(() => undefined);
      throw err;
    }
  }

  /** Follows metadata, starts the background tasks, waits for leaderships, then serves and says so. */
  private async goLive(membership: Membership, clusterId: string, topicCount: number): Promise<void> {
    await this.followMetadata(membership);
    this.logs.startBackgroundTasks();
    this.replicas.startBackgroundTasks();
    await this.awaitLeaderships(LEADERSHIP_WAIT_MS);
    setServing(this.grpc, true);
    const metrics = this.metricsServer;
    this.logger.info(
      {
        address: this.address,
        metrics: metrics ? `http://${this.config.metricsHost}:${metrics.port}/metrics` : null,
        dataDir: this.config.dataDir,
        clusterId,
        nodeId: this.config.nodeId,
        brokerEpoch: membership.brokerEpoch,
        dcs: this.config.dcs,
        version: BUILD_VERSION,
        topics: topicCount,
      },
      'broker listening',
    );
  }

  /**
   * Applies every topic change to the hosted partitions, one change at a time in arrival order, and
   * re-applies everything when this broker registers again (a new epoch voids its old leaderships).
   */
  private async followMetadata(membership: Membership): Promise<void> {
    const changes = new SerialLane();
    const enqueue = (name: string) =>
      changes.run(async () => {
        const record = this.topics.list(true).find((t) => t.name === name);
        try {
          if (record === undefined) await this.replicas.drop(name);
          else await this.replicas.applyTopic(record);
        } catch (err) {
          this.logger.error({ topic: name, err }, 'applying topic metadata failed');
        }
      });
    this.unsubscribe.push(this.topics.onChange((name) => void enqueue(name)));
    const applyAll = () => Promise.all(this.topics.list(true).map((t) => enqueue(t.name)));
    // Fail-safe mode between a lost session and the next registration (docs/architecture.md): leaderships
    // go on while their ISR confirms them; once registered, the metadata decides again.
    const onSession = () => {
      this.replicas.leaveFailSafe();
      void applyAll();
    };
    const onSessionLost = () => this.replicas.enterFailSafe();
    membership.on('session', onSession);
    membership.on('session-lost', onSessionLost);
    this.unsubscribe.push(() => {
      membership.off('session', onSession);
      membership.off('session-lost', onSessionLost);
    });
    await applyAll();
    await this.dropOrphanLogs();
  }

  /** Logs of partitions this broker no longer hosts (moved or deleted while it was down) are removed. */
  private async dropOrphanLogs(): Promise<void> {
    for (const { topic, partition } of [...this.logs.logs()]) {
      const record = this.topics.get(topic);
      const assigned = record?.partitions[partition]?.replicas.includes(this.config.nodeId) === true;
      if (!assigned && this.replicas.find(topic, partition) === undefined) {
        this.logger.info({ topic, partition }, 'removing the log of a partition this broker no longer hosts');
        await this.logs.deletePartition(topic, partition);
      }
    }
  }

  /** Waits until the partitions that name this broker as leader are led by it (or the time runs out). */
  private async awaitLeaderships(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const pending = () =>
      this.topics
        .list()
        .some((t) =>
          t.partitions.some(
            (a, i) =>
              a.replicas[0] === this.config.nodeId &&
              a.leader === this.config.nodeId &&
              this.replicas.find(t.name, i)?.isLeader !== true,
          ),
        );
    while (pending() && Date.now() < deadline) await sleep(20);
  }

  /**
   * Graceful stop: report NOT_SERVING, hand leaderships to other in-sync replicas (controlled shutdown),
   * refuse new requests, end long polls and streams, wait for in-flight requests (at most
   * shutdownGraceMs), close the listener, stop replication, resign as controller, deregister, flush and
   * close every log.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const startedMs = Date.now();
      setServing(this.grpc, false);
      await this.controlledShutdown();
      this.lifecycle.beginShutdown();
      const drained = await this.lifecycle.drain(this.config.shutdownGraceMs);
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          this.grpc.server.forceShutdown();
          resolve();
        }, 1000);
        this.grpc.server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      for (const u of this.unsubscribe) u();
      await this.replicas.stop();
      await this.cluster.balancer?.stop().catch(() => undefined);
      await this.cluster.controller?.stop().catch(() => undefined);
      await this.cluster.membership?.stop();
      this.cluster.close();
      this.topics.stop();
      await this.logs.close();
      await this.metricsServer?.close();
      await this.dcs.close();
      this.logger.info({ drained, tookMs: Date.now() - startedMs }, 'broker stopped');
    })();
    return this.stopping;
  }

  /** Asks the controller to move this broker's leaderships away first, so producers fail over at once. */
  private async controlledShutdown(): Promise<void> {
    const membership = this.cluster.membership;
    if (membership === undefined || this.cluster.liveBrokers().length <= 1) return;
    const epoch = membership.brokerEpoch;
    try {
      const res = await this.cluster.viaController(
        (c) => c.controlledShutdown(this.config.nodeId, membership.brokerEpoch),
        ({ replication }) =>
          callPeer<{ error?: { reason: string } | null; remaining_leaderships: number }>(
            replication.ControlledShutdown.bind(replication) as never,
            { broker_id: this.config.nodeId, broker_epoch: String(membership.brokerEpoch) },
            this.config.controllerRequestTimeoutMs,
          ),
      );
      this.logger.info(
        { epoch, error: res.error?.reason, remainingLeaderships: res.remaining_leaderships },
        'controlled shutdown',
      );
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'controlled shutdown failed; stopping anyway');
    }
  }
}

/** The log manager's settings; `highWatermark` bounds compaction to committed data. */
function logManagerOptions(
  config: BrokerConfig,
  logger: Logger,
  highWatermark: (topic: string, partition: number) => number,
): LogManagerOptions {
  return {
    dataDir: join(config.dataDir, 'logs'),
    maxOpenFiles: config.maxOpenFiles,
    retentionCheckIntervalMs: config.retentionCheckIntervalMs,
    logger,
    compaction: {
      intervalMs: config.logCleanerIntervalMs,
      limits: { maxKeys: config.logCleanerMaxKeys, ioBytesPerSecond: config.logCleanerIoBytesPerSecond },
      // Only committed data is compacted: below the high watermark, on leaders and followers alike.
      uncleanableFrom: highWatermark,
    },
  };
}

/** One broker's partition sizes for the balancer: this broker's from its replicas, others' by DescribeLogDirs. */
async function localSizes(
  config: BrokerConfig,
  cluster: ClusterDirectory,
  replicas: ReplicaManager,
  broker: { id: number },
): Promise<LocalPartitionSize[]> {
  if (broker.id === config.nodeId) {
    return replicas
      .all()
      .map((p) => ({ topic: p.topic, partition: p.index, sizeBytes: p.log.sizeBytes, leader: p.isLeader }));
  }
  const live = cluster.broker(broker.id);
  if (live === undefined) return [];
  const admin = cluster.peers.admin(live);
  const res = await callPeer<DescribeLogDirsResponse__Output>(
    admin.DescribeLogDirs.bind(admin) as never,
    { topics: [] },
    Math.max(500, Math.floor(config.controllerRequestTimeoutMs / 2)),
  );
  return res.partitions.map((p) => ({
    topic: p.topic,
    partition: p.partition,
    sizeBytes: Number(p.size_bytes),
    leader: p.leader,
  }));
}

/** What the replica manager needs from the cluster: peers, the broker epoch, AlterPartition via the controller. */
function replicaManagerDeps(
  config: BrokerConfig,
  cluster: ClusterDirectory,
  logger: Logger,
  throttle: ReplicationThrottle,
  leaderThrottle: LeaderReplicationThrottle,
): ReplicaManagerDeps {
  return {
    throttle,
    leaderThrottle,
    brokerId: config.nodeId,
    brokerEpoch: () => cluster.brokerEpoch(),
    ownsBrokerEpoch: (epoch) => cluster.ownsBrokerEpoch(epoch),
    peer: (brokerId) => cluster.replicationClient(brokerId),
    alterPartition: (request) =>
      cluster.viaController<AlterPartitionResponse__Output>(
        async (c) => (await c.alterPartition(request as never)) as AlterPartitionResponse__Output,
        ({ replication }) =>
          callPeer(
            replication.AlterPartition.bind(replication) as never,
            request,
            config.controllerRequestTimeoutMs,
          ),
      ),
    logger,
  };
}

function offsetsTopicSettings(config: BrokerConfig): OffsetsTopicSettings {
  return {
    partitions: config.offsetsTopicPartitions,
    // One broker (the local DCS) can only have one replica.
    replicationFactor: config.dcs === 'local' ? 1 : config.offsetsTopicReplicationFactor,
    commitTimeoutMs: config.produceTimeoutMs,
    membership: {
      sessionTimeoutMs: config.groupSessionTimeoutMs,
      heartbeatIntervalMs: config.groupHeartbeatIntervalMs,
      maxSize: config.groupMaxSize,
    },
  };
}

import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { deleteTopic } from './api/admin.js';
import { Lifecycle } from './api/context.js';
import { type GrpcListener, setServing, startGrpcServer } from './api/server.js';
import type { BrokerConfig } from './config.js';
import type { Dcs } from './dcs/dcs.js';
import { LocalDcs } from './dcs/local-dcs.js';
import { createLogger, type Logger } from './logger.js';
import { logConfigFor } from './metadata/topic-config.js';
import { TopicRegistry } from './metadata/topic-registry.js';
import { BrokerMetrics } from './metrics.js';
import { ReplicaManager } from './replica-manager.js';
import { LogManager } from './storage/log-manager.js';
import { VERSION } from './version.js';

/** Creates the cluster id once (22 characters of base64url, like Kafka's) and reads it back afterwards. */
async function clusterId(dcs: Dcs): Promise<string> {
  const existing = await dcs.get('cluster/id');
  if (existing !== null) return existing.value.toString('utf8');
  const id = randomBytes(16).toString('base64url');
  const result = await dcs.compareAndSet('cluster/id', Buffer.from(id), 0);
  if (result.ok) return id;
  return (await dcs.get('cluster/id'))!.value.toString('utf8');
}

/**
 * One broker process: metadata store, logs, partitions, the gRPC listener and the metrics endpoint.
 * Data directory layout: `metadata/` (the local DCS) and `logs/<topic>-<partition>/` (partition logs).
 */
export class Broker {
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly config: BrokerConfig,
    readonly logger: Logger,
    private readonly dcs: Dcs,
    private readonly topics: TopicRegistry,
    private readonly logs: LogManager,
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

  static async start(config: BrokerConfig, logger: Logger = createLogger(config.logLevel)): Promise<Broker> {
    await mkdir(config.dataDir, { recursive: true });
    const dcs = await LocalDcs.open(join(config.dataDir, 'metadata'));
    try {
      const id = await clusterId(dcs);
      const topics = new TopicRegistry(dcs);
      await topics.load();
      const logs = new LogManager({
        dataDir: join(config.dataDir, 'logs'),
        maxOpenFiles: config.maxOpenFiles,
        retentionCheckIntervalMs: config.retentionCheckIntervalMs,
        logger,
      });
      await logs.open((name) => {
        const topic = topics.list(true).find((t) => t.name === name);
        return topic === undefined ? undefined : logConfigFor(topic.configs, config);
      });
      const replicas = new ReplicaManager(logs, config);
      const lifecycle = new Lifecycle();
      for (const topic of topics.list(true)) {
        if (topic.deleting) {
          logger.info({ topic: topic.name }, 'finishing an interrupted topic deletion');
          await deleteTopic({ topics, replicas, logger }, topic.name);
        } else {
          await replicas.host(topic);
        }
      }
      logs.startBackgroundTasks();
      const metrics = new BrokerMetrics(() => replicas);
      const metricsServer =
        config.metricsPort >= 0 ? await metrics.serve(config.metricsHost, config.metricsPort) : undefined;
      const grpc = await startGrpcServer(
        { config, clusterId: id, topics, replicas, metrics, logger, lifecycle },
        () => {},
      );
      const broker = new Broker(config, logger, dcs, topics, logs, lifecycle, grpc, metricsServer);
      setServing(grpc.health, true);
      logger.info(
        {
          address: broker.address,
          metrics: metricsServer ? `http://${config.metricsHost}:${metricsServer.port}/metrics` : null,
          dataDir: config.dataDir,
          clusterId: id,
          nodeId: config.nodeId,
          version: VERSION,
          topics: topics.list().length,
        },
        'broker listening',
      );
      return broker;
    } catch (err) {
      await dcs.close();
      throw err;
    }
  }

  /**
   * Graceful stop: report NOT_SERVING, refuse new requests, end long polls and streams, wait for in-flight
   * requests (at most shutdownGraceMs), close the listener, flush and close every log, release the lock.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const startedMs = Date.now();
      setServing(this.grpc.health, false);
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
      this.topics.stop();
      await this.logs.close();
      await this.metricsServer?.close();
      await this.dcs.close();
      this.logger.info({ drained, tookMs: Date.now() - startedMs }, 'broker stopped');
    })();
    return this.stopping;
  }
}

/**
 * The cluster layer: cached topic metadata (partition counts and leaders) over the Metadata RPC, and a
 * pool of connections keyed by broker id, so requests go to each partition's leader.
 *
 * Entries expire after `metadataMaxAgeMs` (Kafka's metadata.max.age.ms, 5 minutes) and are dropped at
 * once when a call reports UNKNOWN_TOPIC / UNKNOWN_PARTITION / NOT_LEADER, or the leader could not be
 * reached (UNAVAILABLE), so the next use refreshes them (`invalidateFor`). Concurrent lookups of the
 * same topic share one request.
 *
 * The bootstrap connection serves Metadata (and admin calls). Broker addresses come from Metadata's
 * `brokers` (advertised host:port); a broker whose address is the bootstrap address reuses the
 * bootstrap connection, so a single broker costs one channel. A pooled connection whose broker went
 * away is closed and dropped on UNAVAILABLE, and the next `connectionFor` dials its (possibly new)
 * address. grpc-js channels reconnect on their own, so dropping is about addresses that moved.
 */
import type { MetadataResponse__Output } from '../proto/generated/tributary/v1/MetadataResponse.js';
import { Connection } from './connection.js';
import { fromWireError, TributaryClientError } from './errors.js';

export interface PartitionMetadata {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
}

/** A partition's placement as the Metadata and DescribeTopics responses carry it. */
export function partitionFromWire(p: {
  partition: number;
  leader: number;
  leader_epoch: number;
  replicas: number[];
  isr: number[];
}): PartitionMetadata {
  return {
    partition: p.partition,
    leader: p.leader,
    leaderEpoch: p.leader_epoch,
    replicas: p.replicas,
    isr: p.isr,
  };
}

export interface TopicMetadata {
  name: string;
  topicId: string;
  partitions: PartitionMetadata[];
}

export interface BrokerInfo {
  id: number;
  host: string;
  port: number;
  rack: string;
}

export interface ClusterOptions {
  metadataMaxAgeMs?: number;
}

export const DEFAULT_METADATA_MAX_AGE_MS = 5 * 60_000;

/** Reasons after which cached metadata for the topic is stale. */
export const STALE_METADATA_REASONS: ReadonlySet<string> = new Set([
  'UNKNOWN_TOPIC',
  'UNKNOWN_PARTITION',
  'NOT_LEADER',
  'OUTCOME_UNKNOWN',
  'LEADER_NOT_AVAILABLE',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'UNAVAILABLE',
  'BROKER_SHUTTING_DOWN',
]);

/** Reasons after which a pooled connection is suspect: the broker was not reached or is going away. */
export const CONNECTION_FAILURE_REASONS: ReadonlySet<string> = new Set([
  'UNAVAILABLE',
  'BROKER_SHUTTING_DOWN',
]);

export interface PartitionLeader {
  brokerId: number;
  /** The leader epoch the metadata showed with it. */
  leaderEpoch: number;
  connection: Connection;
}

export class Cluster {
  private readonly cache = new Map<string, { topic: TopicMetadata; fetchedAtMs: number }>();
  private readonly inflight = new Map<string, Promise<TopicMetadata>>();
  private readonly metadataMaxAgeMs: number;
  /** Broker id -> advertised "host:port", from the latest Metadata response. */
  private readonly brokerAddresses = new Map<number, string>();
  /** Broker id -> connection; bootstrap-addressed brokers map to `this.connection` (never closed here). */
  private readonly pool = new Map<number, Connection>();
  private closed = false;

  constructor(
    readonly connection: Connection,
    options: ClusterOptions = {},
  ) {
    this.metadataMaxAgeMs = options.metadataMaxAgeMs ?? DEFAULT_METADATA_MAX_AGE_MS;
  }

  /** Metadata for one topic, from the cache when fresh; throws UNKNOWN_TOPIC for a missing topic. */
  async topic(name: string): Promise<TopicMetadata> {
    const cached = this.cache.get(name);
    if (cached !== undefined && Date.now() - cached.fetchedAtMs < this.metadataMaxAgeMs) return cached.topic;
    const pending = this.inflight.get(name);
    if (pending !== undefined) return pending;
    const request = this.fetchTopic(name).finally(() => this.inflight.delete(name));
    this.inflight.set(name, request);
    return request;
  }

  /** The partition count from fresh cached metadata, without waiting; undefined when not cached. */
  cachedPartitionCount(name: string): number | undefined {
    const cached = this.cache.get(name);
    if (cached === undefined || Date.now() - cached.fetchedAtMs >= this.metadataMaxAgeMs) return undefined;
    return cached.topic.partitions.length;
  }

  /** A partition's placement from the cached metadata, whatever its age; undefined when not cached. */
  cachedPartition(topic: string, partition: number): PartitionMetadata | undefined {
    return this.cache.get(topic)?.topic.partitions.find((p) => p.partition === partition);
  }

  async partitionCount(name: string): Promise<number> {
    return (await this.topic(name)).partitions.length;
  }

  invalidate(name?: string): void {
    if (name === undefined) this.cache.clear();
    else this.cache.delete(name);
  }

  /**
   * Applies what a failure says about the cluster: stale metadata for the topic is dropped on
   * NOT_LEADER / UNKNOWN_TOPIC / UNKNOWN_PARTITION / UNAVAILABLE; the broker's pooled connection is
   * dropped on UNAVAILABLE (the next `connectionFor` dials its address anew).
   */
  invalidateFor(reasonName: string, topic?: string, brokerId?: number): void {
    if (STALE_METADATA_REASONS.has(reasonName)) this.invalidate(topic);
    if (brokerId !== undefined && CONNECTION_FAILURE_REASONS.has(reasonName)) this.dropConnection(brokerId);
  }

  /** The leader of a partition and a connection to it; refreshes metadata when the cache has none. */
  async leaderFor(topic: string, partition: number): Promise<PartitionLeader> {
    const metadata = await this.topic(topic);
    const p = metadata.partitions.find((x) => x.partition === partition);
    if (p === undefined) {
      this.invalidate(topic);
      throw new TributaryClientError(
        'UNKNOWN_PARTITION',
        `partition ${partition} does not exist in topic "${topic}" (${metadata.partitions.length} partitions)`,
      );
    }
    if (p.leader < 0) {
      this.invalidate(topic);
      throw new TributaryClientError(
        'LEADER_NOT_AVAILABLE',
        `${topic}[${partition}] has no leader right now`,
      );
    }
    return { brokerId: p.leader, leaderEpoch: p.leaderEpoch, connection: await this.connectionFor(p.leader) };
  }

  /** A connection to a broker by id, from the pool; unknown ids refresh the broker list once. */
  async connectionFor(brokerId: number): Promise<Connection> {
    if (this.closed)
      throw new TributaryClientError('CANCELLED', 'the client is closed', { retriable: false });
    const pooled = this.pool.get(brokerId);
    if (pooled !== undefined) return pooled;
    if (!this.brokerAddresses.has(brokerId)) await this.metadata([]);
    const address = this.brokerAddresses.get(brokerId);
    if (address === undefined) {
      throw new TributaryClientError('UNAVAILABLE', `broker ${brokerId} is not in the cluster metadata`, {
        retriable: true,
      });
    }
    // Checked again: a concurrent caller may have dialled while we awaited metadata.
    const raced = this.pool.get(brokerId);
    if (raced !== undefined) return raced;
    const connection =
      address === this.connection.bootstrap
        ? this.connection
        : new Connection({
            bootstrap: address,
            requestTimeoutMs: this.connection.requestTimeoutMs,
            channelOptions: this.connection.channelOptions,
            tls: this.connection.tls,
            auth: this.connection.auth ?? false,
            ...(this.connection.clientId === undefined ? {} : { clientId: this.connection.clientId }),
          });
    this.pool.set(brokerId, connection);
    return connection;
  }

  /** Closes and forgets the pooled connection of a broker (the bootstrap connection stays open). */
  dropConnection(brokerId: number): void {
    const connection = this.pool.get(brokerId);
    if (connection === undefined) return;
    this.pool.delete(brokerId);
    if (connection !== this.connection) connection.close();
  }

  /** Closes every pooled connection and the bootstrap connection. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const id of [...this.pool.keys()]) this.dropConnection(id);
    this.connection.close();
  }

  /**
   * Fresh metadata for the given topics (all when empty); per-topic errors are returned, not thrown.
   * `timeoutMs` bounds the call (default: the connection's request timeout).
   */
  async metadata(
    topics: string[] = [],
    options: { timeoutMs?: number } = {},
  ): Promise<{
    clusterId: string;
    controllerId: number;
    brokers: BrokerInfo[];
    topics: Array<{ name: string; error: Error | null; topic: TopicMetadata | null }>;
  }> {
    const response = await this.connection.unary<MetadataResponse__Output>(
      (md, opts, cb) => this.connection.client.Metadata({ topics }, md, opts, cb),
      options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs },
    );
    const fetchedAtMs = Date.now();
    this.updateBrokers(response.brokers);
    const results = response.topics.map((t) => {
      const error = fromWireError(t.error);
      if (error !== null) {
        this.cache.delete(t.name);
        return { name: t.name, error, topic: null };
      }
      const topic: TopicMetadata = {
        name: t.name,
        topicId: t.topic_id,
        partitions: t.partitions.map(partitionFromWire).sort((a, b) => a.partition - b.partition),
      };
      this.cache.set(t.name, { topic, fetchedAtMs });
      return { name: t.name, error: null, topic };
    });
    return {
      clusterId: response.cluster_id,
      controllerId: response.controller_id,
      brokers: response.brokers.map((b) => ({ id: b.id, host: b.host, port: b.port, rack: b.rack })),
      topics: results,
    };
  }

  private updateBrokers(brokers: MetadataResponse__Output['brokers']): void {
    for (const b of brokers) {
      const host = b.host === '' || b.host === '0.0.0.0' || b.host === '::' ? null : b.host;
      const address =
        host === null ? this.connection.bootstrap : `${host.includes(':') ? `[${host}]` : host}:${b.port}`;
      const previous = this.brokerAddresses.get(b.id);
      this.brokerAddresses.set(b.id, address);
      // A broker that moved gets a fresh connection at its new address.
      if (previous !== undefined && previous !== address) this.dropConnection(b.id);
    }
  }

  private async fetchTopic(name: string): Promise<TopicMetadata> {
    const { topics } = await this.metadata([name]);
    const result = topics.find((t) => t.name === name);
    if (result === undefined) throw unknownTopic(`topic "${name}" does not exist`);
    if (result.error !== null) throw result.error;
    if (result.topic === null || result.topic.partitions.length === 0) {
      throw unknownTopic(`topic "${name}" has no partitions`);
    }
    return result.topic;
  }
}

/** The UNKNOWN_TOPIC error a broker would send (code 5, NOT_FOUND), raised by the client itself. */
function unknownTopic(message: string): Error {
  return fromWireError({ code: 5, reason: 'UNKNOWN_TOPIC', message, retriable: false })!;
}

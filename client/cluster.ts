/**
 * The cluster layer: cached topic metadata (partition counts and leaders) over the Metadata RPC.
 *
 * Entries expire after `metadataMaxAgeMs` (Kafka's metadata.max.age.ms, 5 minutes) and are dropped at
 * once when a call reports UNKNOWN_TOPIC / UNKNOWN_PARTITION / NOT_LEADER, so the next use refreshes them.
 * Concurrent lookups of the same topic share one request.
 */
import type { MetadataResponse__Output } from '../proto/generated/tributary/v1/MetadataResponse.js';
import type { Connection } from './connection.js';
import { fromWireError } from './errors.js';

export interface PartitionMetadata {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
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
]);

export class Cluster {
  private readonly cache = new Map<string, { topic: TopicMetadata; fetchedAtMs: number }>();
  private readonly inflight = new Map<string, Promise<TopicMetadata>>();
  private readonly metadataMaxAgeMs: number;

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

  async partitionCount(name: string): Promise<number> {
    return (await this.topic(name)).partitions.length;
  }

  invalidate(name?: string): void {
    if (name === undefined) this.cache.clear();
    else this.cache.delete(name);
  }

  /** Fresh metadata for the given topics (all when empty); per-topic errors are returned, not thrown. */
  async metadata(topics: string[] = []): Promise<{
    clusterId: string;
    controllerId: number;
    brokers: BrokerInfo[];
    topics: Array<{ name: string; error: Error | null; topic: TopicMetadata | null }>;
  }> {
    const response = await this.connection.unary<MetadataResponse__Output>((md, opts, cb) =>
      this.connection.client.Metadata({ topics }, md, opts, cb),
    );
    const fetchedAtMs = Date.now();
    const results = response.topics.map((t) => {
      const error = fromWireError(t.error);
      if (error !== null) {
        this.cache.delete(t.name);
        return { name: t.name, error, topic: null };
      }
      const topic: TopicMetadata = {
        name: t.name,
        topicId: t.topic_id,
        partitions: t.partitions
          .map((p) => ({
            partition: p.partition,
            leader: p.leader,
            leaderEpoch: p.leader_epoch,
            replicas: p.replicas,
            isr: p.isr,
          }))
          .sort((a, b) => a.partition - b.partition),
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

  private async fetchTopic(name: string): Promise<TopicMetadata> {
    const { topics } = await this.metadata([name]);
    const result = topics.find((t) => t.name === name);
    if (result === undefined) {
      throw fromWireError({
        code: 5,
        reason: 'UNKNOWN_TOPIC',
        message: `topic "${name}" does not exist`,
        retriable: false,
      })!;
    }
    if (result.error !== null) throw result.error;
    if (result.topic === null || result.topic.partitions.length === 0) {
      throw fromWireError({
        code: 5,
        reason: 'UNKNOWN_TOPIC',
        message: `topic "${name}" has no partitions`,
        retriable: false,
      })!;
    }
    return result.topic;
  }
}

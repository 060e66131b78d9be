import { TributaryError } from '../../proto/errors.js';
import type { AlterConfigsRequest__Output } from '../../proto/generated/tributary/v1/AlterConfigsRequest.js';
import type { AlterConfigsResponse } from '../../proto/generated/tributary/v1/AlterConfigsResponse.js';
import type { ConfigEntry__Output } from '../../proto/generated/tributary/v1/ConfigEntry.js';
import type { CreatePartitionsRequest__Output } from '../../proto/generated/tributary/v1/CreatePartitionsRequest.js';
import type { CreatePartitionsResponse } from '../../proto/generated/tributary/v1/CreatePartitionsResponse.js';
import type { CreateTopicsRequest__Output } from '../../proto/generated/tributary/v1/CreateTopicsRequest.js';
import type { CreateTopicsResponse } from '../../proto/generated/tributary/v1/CreateTopicsResponse.js';
import type { DeleteTopicsRequest__Output } from '../../proto/generated/tributary/v1/DeleteTopicsRequest.js';
import type { DeleteTopicsResponse } from '../../proto/generated/tributary/v1/DeleteTopicsResponse.js';
import type { DescribeClusterResponse } from '../../proto/generated/tributary/v1/DescribeClusterResponse.js';
import type { DescribeConfigsRequest__Output } from '../../proto/generated/tributary/v1/DescribeConfigsRequest.js';
import type { DescribeConfigsResponse } from '../../proto/generated/tributary/v1/DescribeConfigsResponse.js';
import type { DescribeTopicsRequest__Output } from '../../proto/generated/tributary/v1/DescribeTopicsRequest.js';
import type { DescribeTopicsResponse } from '../../proto/generated/tributary/v1/DescribeTopicsResponse.js';
import type { ListTopicsRequest__Output } from '../../proto/generated/tributary/v1/ListTopicsRequest.js';
import type { ListTopicsResponse } from '../../proto/generated/tributary/v1/ListTopicsResponse.js';
import type { TopicResult } from '../../proto/generated/tributary/v1/TopicResult.js';
import { isInternalTopic, validateTopicName } from '../../proto/names.js';
import { assignReplicas } from '../metadata/assignment.js';
import { describeTopicConfigs, validateTopicConfigs } from '../metadata/topic-config.js';
import { type TopicRecord, unknownTopic } from '../metadata/topic-registry.js';
import { VERSION } from '../version.js';
import type { ApiContext } from './context.js';
import { toWireError } from './errors.js';
import { brokerInfo } from './metadata.js';

/**
 * Admin RPCs. Every batch call answers per item: one bad topic never fails the others. Changes run one at a
 * time (a broker-wide queue): they are rare, and serialising them rules out create/delete races on a name.
 */
export class AdminApi {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: ApiContext) {}

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Runs `work` per item and turns each failure into that item's error. */
  private async perItem<T>(
    items: T[],
    name: (item: T) => string,
    work: (item: T) => Promise<void>,
  ): Promise<TopicResult[]> {
    const results: TopicResult[] = [];
    const seen = new Set<string>();
    for (const item of items) {
      const n = name(item);
      try {
        if (seen.has(n))
          throw new TributaryError(
            'INVALID_REQUEST',
            `topic ${JSON.stringify(n)} appears twice in the request`,
          );
        seen.add(n);
        await work(item);
        results.push({ name: n });
      } catch (err) {
        results.push({ name: n, error: toWireError(err) });
      }
    }
    return results;
  }

  private checkPartitionLimit(partitions: number): void {
    const max = this.ctx.config.maxPartitionsPerTopic;
    if (partitions > max) {
      throw new TributaryError(
        'INVALID_PARTITIONS',
        `${partitions} partitions exceeds maxPartitionsPerTopic (${max})`,
      );
    }
  }

  private liveBrokerIds(): number[] {
    return [this.ctx.config.nodeId];
  }

  private configEntries(entries: ConfigEntry__Output[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of entries) {
      if (Object.hasOwn(out, e.name))
        throw new TributaryError('INVALID_CONFIG', `config ${e.name} is given twice`);
      out[e.name] = e.value;
    }
    return out;
  }

  private existing(name: string): TopicRecord {
    const topic = this.ctx.topics.get(name);
    if (topic === undefined) throw unknownTopic(name);
    return topic;
  }

  createTopics(request: CreateTopicsRequest__Output): Promise<CreateTopicsResponse> {
    const { config } = this.ctx;
    return this.serial(async () => ({
      topics: await this.perItem(
        request.topics,
        (t) => t.name,
        async (t) => {
          validateTopicName(t.name);
          const partitions = t.partitions === 0 ? config.defaultPartitions : t.partitions;
          this.checkPartitionLimit(partitions);
          const brokers = this.liveBrokerIds();
          const replicationFactor =
            t.replication_factor === 0 ? config.defaultReplicationFactor : t.replication_factor;
          if (replicationFactor > brokers.length) {
            throw new TributaryError(
              'INVALID_REPLICATION_FACTOR',
              `replication factor ${replicationFactor} exceeds the ${brokers.length} available broker(s)`,
            );
          }
          const configs = validateTopicConfigs(this.configEntries(t.configs), {
            replicationFactor,
            maxRequestBytes: config.maxRequestBytes,
          });
          if (
            this.ctx.topics.get(t.name) !== undefined ||
            this.ctx.topics.list(true).some((x) => x.name === t.name)
          ) {
            throw new TributaryError(
              'TOPIC_ALREADY_EXISTS',
              `topic ${JSON.stringify(t.name)} already exists`,
            );
          }
          if (request.validate_only) return;
          const record = await this.ctx.topics.create({
            name: t.name,
            partitions: assignReplicas(brokers, partitions, replicationFactor),
            replicationFactor,
            configs,
          });
          try {
            await this.ctx.replicas.host(record);
          } catch (err) {
            await this.ctx.replicas.drop(t.name).catch(() => undefined);
            await this.ctx.topics.remove(t.name);
            throw err;
          }
          this.ctx.logger.info({ topic: t.name, partitions, replicationFactor, configs }, 'topic created');
        },
      ),
    }));
  }

  deleteTopics(request: DeleteTopicsRequest__Output): Promise<DeleteTopicsResponse> {
    return this.serial(async () => ({
      topics: await this.perItem(
        request.names,
        (n) => n,
        async (name) => {
          this.existing(name);
          await deleteTopic(this.ctx, name);
        },
      ),
    }));
  }

  async listTopics(request: ListTopicsRequest__Output): Promise<ListTopicsResponse> {
    return {
      topics: this.ctx.topics
        .list()
        .filter((t) => request.include_internal || !isInternalTopic(t.name))
        .map((t) => ({
          name: t.name,
          topic_id: t.id,
          partitions: t.partitions.length,
          replication_factor: t.replicationFactor,
          internal: isInternalTopic(t.name),
        })),
    };
  }

  async describeTopics(request: DescribeTopicsRequest__Output): Promise<DescribeTopicsResponse> {
    const names = request.names.length > 0 ? request.names : this.ctx.topics.list().map((t) => t.name);
    return {
      topics: names.map((name) => {
        const topic = this.ctx.topics.get(name);
        if (topic === undefined)
          return { name, error: toWireError(unknownTopic(name)), partitions: [], configs: [] };
        return {
          name,
          topic_id: topic.id,
          configs: Object.entries(topic.configs).map(([k, v]) => ({ name: k, value: v })),
          partitions: topic.partitions.map((a, i) => {
            const local = this.ctx.replicas.find(name, i);
            return {
              partition: i,
              leader: a.leader,
              leader_epoch: a.leaderEpoch,
              replicas: a.replicas,
              isr: a.isr,
              log_start_offset: String(local?.logStartOffset ?? -1),
              log_end_offset: String(local?.log.logEndOffset ?? -1),
              high_watermark: String(local?.highWatermark ?? -1),
              size_bytes: String(local?.log.sizeBytes ?? -1),
            };
          }),
        };
      }),
    };
  }

  createPartitions(request: CreatePartitionsRequest__Output): Promise<CreatePartitionsResponse> {
    return this.serial(async () => ({
      topics: await this.perItem(
        request.topics,
        (t) => t.topic,
        async (t) => {
          const topic = this.existing(t.topic);
          const current = topic.partitions.length;
          if (t.count <= current) {
            throw new TributaryError(
              'INVALID_PARTITIONS',
              `topic ${t.topic} has ${current} partitions; the new count must be larger (partitions never decrease)`,
            );
          }
          this.checkPartitionLimit(t.count);
          if (request.validate_only) return;
          const added = assignReplicas(
            this.liveBrokerIds(),
            t.count - current,
            topic.replicationFactor,
            current,
          );
          const updated = await this.ctx.topics.update(t.topic, (r) => ({
            ...r,
            partitions: [...r.partitions, ...added],
          }));
          await this.ctx.replicas.host(updated);
          this.ctx.logger.info({ topic: t.topic, from: current, to: t.count }, 'partitions added');
        },
      ),
    }));
  }

  async describeConfigs(request: DescribeConfigsRequest__Output): Promise<DescribeConfigsResponse> {
    const names = request.topics.length > 0 ? request.topics : this.ctx.topics.list().map((t) => t.name);
    return {
      topics: names.map((name) => {
        const topic = this.ctx.topics.get(name);
        if (topic === undefined) return { topic: name, error: toWireError(unknownTopic(name)), configs: [] };
        return {
          topic: name,
          configs: describeTopicConfigs(topic.configs, this.ctx.config).map((c) => ({
            name: c.name,
            value: c.value,
            is_default: c.isDefault,
            documentation: c.doc,
          })),
        };
      }),
    };
  }

  alterConfigs(request: AlterConfigsRequest__Output): Promise<AlterConfigsResponse> {
    return this.serial(async () => ({
      topics: await this.perItem(
        request.topics,
        (t) => t.topic,
        async (t) => {
          const topic = this.existing(t.topic);
          const next = { ...topic.configs };
          for (const a of t.alterations) {
            if (a.op === 'ALTER_OP_DELETE') delete next[a.name];
            else if (a.op === 'ALTER_OP_SET') next[a.name] = a.value;
            else throw new TributaryError('INVALID_REQUEST', `unknown alteration op ${a.op}`);
          }
          const configs = validateTopicConfigs(next, {
            replicationFactor: topic.replicationFactor,
            maxRequestBytes: this.ctx.config.maxRequestBytes,
          });
          if (request.validate_only) return;
          const updated = await this.ctx.topics.update(t.topic, (r) => ({ ...r, configs }));
          this.ctx.replicas.updateConfig(updated);
          this.ctx.logger.info({ topic: t.topic, configs }, 'topic configs altered');
        },
      ),
    }));
  }

  async describeCluster(): Promise<DescribeClusterResponse> {
    return {
      cluster_id: this.ctx.clusterId,
      controller_id: this.ctx.config.nodeId,
      brokers: [brokerInfo(this.ctx)],
      version: VERSION,
    };
  }
}

/** Marks the topic deleting, removes its logs, then its metadata; an interrupted deletion resumes at start. */
export async function deleteTopic(
  ctx: Pick<ApiContext, 'topics' | 'replicas' | 'logger'>,
  name: string,
): Promise<void> {
  await ctx.topics.update(name, (r) => ({ ...r, deleting: true }));
  await ctx.replicas.drop(name);
  await ctx.topics.remove(name);
  ctx.logger.info({ topic: name }, 'topic deleted');
}

import { SerialLane } from '../../kit/serial-lane.js';
import { sleep } from '../../kit/sleep.js';
import { TributaryError } from '../../proto/errors.js';
import type { AlterConfigsRequest__Output } from '../../proto/generated/tributary/v1/AlterConfigsRequest.js';
import type { AlterConfigsResponse } from '../../proto/generated/tributary/v1/AlterConfigsResponse.js';
import type { AlterPartitionReassignmentsRequest__Output } from '../../proto/generated/tributary/v1/AlterPartitionReassignmentsRequest.js';
import type { AlterPartitionReassignmentsResponse } from '../../proto/generated/tributary/v1/AlterPartitionReassignmentsResponse.js';
import type { CheckBrokerRestartRequest__Output } from '../../proto/generated/tributary/v1/CheckBrokerRestartRequest.js';
import type { CheckBrokerRestartResponse } from '../../proto/generated/tributary/v1/CheckBrokerRestartResponse.js';
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
import type { ElectLeadersRequest__Output } from '../../proto/generated/tributary/v1/ElectLeadersRequest.js';
import type { ElectLeadersResponse } from '../../proto/generated/tributary/v1/ElectLeadersResponse.js';
import type { Error as WireError } from '../../proto/generated/tributary/v1/Error.js';
import type { ListPartitionReassignmentsRequest__Output } from '../../proto/generated/tributary/v1/ListPartitionReassignmentsRequest.js';
import type { ListPartitionReassignmentsResponse } from '../../proto/generated/tributary/v1/ListPartitionReassignmentsResponse.js';
import type { ListTopicsRequest__Output } from '../../proto/generated/tributary/v1/ListTopicsRequest.js';
import type { ListTopicsResponse } from '../../proto/generated/tributary/v1/ListTopicsResponse.js';
import type { TopicResult } from '../../proto/generated/tributary/v1/TopicResult.js';
import { assertNoTopicNameCollision, isInternalTopic, validateTopicName } from '../../proto/names.js';
import { type RestartPartitionState, restartSafety } from '../metadata/restart-safety.js';
import { describeTopicConfigs, validateTopicConfigs } from '../metadata/topic-config.js';
import { type TopicRecord, unknownTopic } from '../metadata/topic-registry.js';
import { callPeer, fromWireError, type UnaryMethod } from '../replication/peers.js';
import { BUILD_VERSION } from '../version.js';
import type { ApiContext } from './context.js';
import { ELECTION_TYPES, enumValue } from './enums.js';
import { requireItems, toWireError } from './errors.js';
import { liveBrokerInfos } from './metadata.js';

/**
 * Admin RPCs. Every batch call answers per item: one bad topic never fails the others. Changes run one at a
 * time (a broker-wide queue): they are rare, and serialising them rules out create/delete races on a name.
 */
export class AdminApi {
  private readonly changes = new SerialLane();

  constructor(private readonly ctx: ApiContext) {}

  private serial<T>(work: () => Promise<T>): Promise<T> {
    return this.changes.run(work);
  }

  /** Runs `work` per item and turns each failure into that item's error. */
  private async perItem<T>(
    items: T[],
    name: (item: T) => string,
    work: (item: T) => Promise<void>,
  ): Promise<TopicResult[]> {
    requireItems(items, 'the request', 'topic');
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

  /** Brokers a new topic may be placed on: live and not stopping. */
  private placementBrokerIds(): number[] {
    return this.ctx.cluster
      .liveBrokers()
      .filter((b) => !b.shuttingDown)
      .map((b) => b.id);
  }

  private get timeoutMs(): number {
    return this.ctx.config.controllerRequestTimeoutMs;
  }

  /**
   * Waits (bounded) until this broker's metadata shows the change, and every partition it should lead
   * has taken the leadership, so a client that asks this broker next sees what it just did.
   */
  private async awaitTopic(name: string, done: (r: TopicRecord | undefined) => boolean): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    const ready = () => {
      const r = this.ctx.topics.get(name);
      if (!done(r)) return false;
      if (r === undefined) return true;
      return r.partitions.every(
        (a, i) => a.leader !== this.ctx.config.nodeId || this.ctx.replicas.find(name, i)?.isLeader === true,
      );
    };
    while (!ready()) {
      if (Date.now() > deadline) {
        throw new TributaryError(
          'REQUEST_TIMED_OUT',
          `the change to topic ${name} is not visible on this broker yet`,
        );
      }
      await sleep(10);
    }
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
          const brokers = this.placementBrokerIds();
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
          // The controller checks again when it creates; this answers validate_only the same way.
          assertNoTopicNameCollision(
            t.name,
            this.ctx.topics.list(true).map((x) => x.name),
          );
          if (request.validate_only) return;
          const spec = { name: t.name, partitions, replicationFactor, configs };
          await this.ctx.cluster.createTopic(spec, this.timeoutMs);
          await this.awaitTopic(t.name, (r) => r !== undefined && r.partitions.length === partitions);
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
          await this.ctx.cluster.viaController<unknown>(
            (c) => c.deleteTopic(name),
            ({ admin }) =>
              forwarded(admin.DeleteTopics.bind(admin) as never, { names: [name] }, this.timeoutMs),
          );
          await this.awaitTopic(name, (r) => r === undefined);
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
          await this.ctx.cluster.viaController<unknown>(
            (c) => c.createPartitions(t.topic, t.count),
            ({ admin }) =>
              forwarded(
                admin.CreatePartitions.bind(admin) as never,
                { topics: [t], validate_only: false },
                this.timeoutMs,
              ),
          );
          await this.awaitTopic(t.topic, (r) => r !== undefined && r.partitions.length >= t.count);
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
          await this.ctx.cluster.viaController<unknown>(
            (c) => c.alterConfigs(t.topic, configs),
            ({ admin }) =>
              forwarded(
                admin.AlterConfigs.bind(admin) as never,
                { topics: [t], validate_only: false },
                this.timeoutMs,
              ),
          );
          await this.awaitTopic(t.topic, (r) => r !== undefined && sameConfigs(r.configs, configs));
          this.ctx.logger.info({ topic: t.topic, configs }, 'topic configs altered');
        },
      ),
    }));
  }

  async describeCluster(): Promise<DescribeClusterResponse> {
    return {
      cluster_id: this.ctx.clusterId,
      controller_id: this.ctx.cluster.controllerId(),
      brokers: liveBrokerInfos(this.ctx),
      version: BUILD_VERSION,
    };
  }

  /** Answered from this broker's metadata (no controller round trip): a roller asks often. */
  async checkBrokerRestart(request: CheckBrokerRestartRequest__Output): Promise<CheckBrokerRestartResponse> {
    if (!Number.isInteger(request.broker_id) || request.broker_id < 0) {
      throw new TributaryError('INVALID_REQUEST', `broker_id ${request.broker_id} is not a broker id`);
    }
    const r = restartSafety(this.ctx.topics.list(), request.broker_id);
    const wire = (p: RestartPartitionState) => ({
      topic: p.topic,
      partition: p.partition,
      isr: p.isr,
      replication_factor: p.replicationFactor,
      min_insync_replicas: p.minInsyncReplicas,
    });
    return {
      broker_id: r.brokerId,
      safe: r.unsafe.length === 0,
      caught_up: r.lagging.length === 0,
      unsafe: r.unsafe.map(wire),
      never_safe: r.neverSafe.map(wire),
      lagging: r.lagging.map(wire),
      partitions: r.partitions,
    };
  }

  electLeaders(request: ElectLeadersRequest__Output): Promise<ElectLeadersResponse> {
    enumValue(request.type, ELECTION_TYPES, 'type');
    const topics = request.topics.map((t) => ({ topic: t.topic, partitions: t.partitions }));
    return this.ctx.cluster.viaController<ElectLeadersResponse>(
      async (c) => ({ results: await c.electLeaders(request.type, topics) }),
      ({ admin }) => callPeer(admin.ElectLeaders.bind(admin) as never, request, this.timeoutMs),
    );
  }

  alterPartitionReassignments(
    request: AlterPartitionReassignmentsRequest__Output,
  ): Promise<AlterPartitionReassignmentsResponse> {
    requireItems(request.reassignments, 'the request', 'reassignment');
    const items = request.reassignments.map((r) => ({
      topic: r.topic,
      partition: r.partition,
      replicas: r.replicas,
    }));
    return this.ctx.cluster.viaController<AlterPartitionReassignmentsResponse>(
      async (c) => ({ results: await c.alterReassignments(items) }),
      ({ admin }) =>
        callPeer(admin.AlterPartitionReassignments.bind(admin) as never, request, this.timeoutMs),
    );
  }

  listPartitionReassignments(
    request: ListPartitionReassignmentsRequest__Output,
  ): Promise<ListPartitionReassignmentsResponse> {
    const topics = request.topics.map((t) => ({ topic: t.topic, partitions: t.partitions }));
    return this.ctx.cluster.viaController<ListPartitionReassignmentsResponse>(
      async (c) => ({ reassignments: c.listReassignments(topics) }),
      ({ admin }) =>
        callPeer<ListPartitionReassignmentsResponse>(
          admin.ListPartitionReassignments.bind(admin) as never,
          request,
          this.timeoutMs,
        ),
    );
  }
}

function sameConfigs(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/**
 * Sends a one-item admin request to the controller broker; the item's error, if any, is thrown (so a
 * NOT_CONTROLLER answer is retried by viaController).
 */
async function forwarded<Req>(
  method: UnaryMethod<Req, { topics: Array<{ error?: WireError | null }> }>,
  request: Req,
  timeoutMs: number,
): Promise<void> {
  const res = await callPeer(method, request, timeoutMs);
  const error = res.topics[0]?.error;
  if (error) throw fromWireError(error);
}

/**
 * The admin client: topics, partitions, configs, cluster description and offsets.
 *
 * Batch calls (`createTopics`, `deleteTopics`, `describeTopics`, ...) never throw for one bad item: they
 * return a result per item with `error` set (Strimzi's rule: one bad object never aborts a batch). The
 * single-item helpers (`createTopic`, `describeTopic`, ...) throw that item's `TributaryError`. A failure
 * of the whole call (the broker unreachable, a malformed request) throws from both.
 */
import { sleep } from '../kit/index.js';
import type { AlterConfigsResponse__Output } from '../proto/generated/tributary/v1/AlterConfigsResponse.js';
import type { AlterPartitionReassignmentsResponse__Output } from '../proto/generated/tributary/v1/AlterPartitionReassignmentsResponse.js';
import type { CreatePartitionsResponse__Output } from '../proto/generated/tributary/v1/CreatePartitionsResponse.js';
import type { CreateTopicsResponse__Output } from '../proto/generated/tributary/v1/CreateTopicsResponse.js';
import type { DeleteTopicsResponse__Output } from '../proto/generated/tributary/v1/DeleteTopicsResponse.js';
import type { DescribeClusterResponse__Output } from '../proto/generated/tributary/v1/DescribeClusterResponse.js';
import type { DescribeConfigsResponse__Output } from '../proto/generated/tributary/v1/DescribeConfigsResponse.js';
import type { DescribeTopicsResponse__Output } from '../proto/generated/tributary/v1/DescribeTopicsResponse.js';
import type { ElectLeadersResponse__Output } from '../proto/generated/tributary/v1/ElectLeadersResponse.js';
import type { ListPartitionReassignmentsResponse__Output } from '../proto/generated/tributary/v1/ListPartitionReassignmentsResponse.js';
import type { ListTopicsResponse__Output } from '../proto/generated/tributary/v1/ListTopicsResponse.js';
import type { PartitionResult__Output } from '../proto/generated/tributary/v1/PartitionResult.js';
import type { TopicResult__Output } from '../proto/generated/tributary/v1/TopicResult.js';
import { BalancingAdmin } from './balancing-admin.js';
import { type BrokerRestartCheck, brokerRestartCheck } from './broker-restart-check.js';
import { type BrokerInfo, type Cluster, partitionFromWire, STALE_METADATA_REASONS } from './cluster.js';
import type { Connection, UnaryInvoker } from './connection.js';
import { fromWireError, TributaryClientError } from './errors.js';
import {
  type CommitMember,
  type CommittedOffset,
  type GroupMembers,
  Groups,
  type OffsetCommit,
} from './groups.js';
import { listPartitionOffsets, type OffsetSpec, type PartitionOffset } from './offsets.js';

/** Times a ListOffsets whose leader moved is asked again after a metadata refresh. */
const LEADER_RETRIES = 3;

export type Configs = { [name: string]: string };

export interface NewTopic {
  name: string;
  /** Absent or 0: the broker default (num.partitions). */
  partitions?: number;
  /** Absent or 0: the broker default (default.replication.factor). */
  replicationFactor?: number;
  configs?: Configs;
}

export interface ItemResult {
  name: string;
  error: TributaryClientError | null;
}

export interface TopicListing {
  name: string;
  topicId: string;
  partitions: number;
  replicationFactor: number;
  internal: boolean;
}

export interface PartitionDescription {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
  sizeBytes: number;
}

export interface TopicDescription {
  name: string;
  topicId: string;
  partitions: PartitionDescription[];
  /** Only entries set on the topic. */
  configs: Configs;
}

export interface ConfigDescription {
  name: string;
  value: string;
  isDefault: boolean;
  documentation: string;
}

export type ConfigAlteration = { name: string; op: 'set'; value: string } | { name: string; op: 'delete' };

export interface ClusterDescription {
  clusterId: string;
  controllerId: number;
  brokers: BrokerInfo[];
  version: string;
}

export interface TopicOffsets {
  partition: number;
  /** Log start offset. */
  low: number;
  /** High watermark. */
  high: number;
}

function toResults(topics: TopicResult__Output[]): ItemResult[] {
  return topics.map((t) => ({ name: t.name, error: fromWireError(t.error) }));
}

function only<T extends { name: string; error: TributaryClientError | null }>(results: T[], name: string): T {
  const result = results.find((r) => r.name === name);
  if (result === undefined)
    throw new TributaryClientError('INTERNAL', `the broker did not answer for "${name}"`);
  if (result.error !== null) throw result.error;
  return result;
}

function configEntries(configs: Configs | undefined): Array<{ name: string; value: string }> {
  return Object.entries(configs ?? {}).map(([name, value]) => ({ name, value }));
}

/** The outcome for one partition of an election or reassignment request. */
export interface PartitionResult {
  topic: string;
  partition: number;
  error: TributaryClientError | null;
}

export interface OngoingReassignment {
  topic: string;
  partition: number;
  /** The union of old and target replicas while moving. */
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

function partitionResults(results: PartitionResult__Output[]): PartitionResult[] {
  return results.map((r) => ({ topic: r.topic, partition: r.partition, error: fromWireError(r.error) }));
}

export interface AdminOptions {
  /** Aborting it cancels every call of this admin client still waiting (they reject with CANCELLED). */
  signal?: AbortSignal;
}

/** One partition of a group: its committed offset, the partition's end, and the lag between them. */
export interface GroupPartitionLag extends CommittedOffset {
  /** The high watermark (-1 if the leader could not be asked). */
  logEndOffset: number;
  lag: number;
}

export class Admin {
  private readonly groups: Groups;
  private readonly balancing: BalancingAdmin;

  constructor(
    private readonly cluster: Cluster,
    private readonly options: AdminOptions = {},
  ) {
    this.groups = new Groups(cluster);
    this.balancing = new BalancingAdmin(cluster.connection, (invoke) => this.unary(invoke));
  }

  // Partition balancing (client/balancing-admin.ts documents each call).
  alterBrokerStates: BalancingAdmin['alterBrokerStates'] = (...a) => this.balancing.alterBrokerStates(...a);
  describeBalance: BalancingAdmin['describeBalance'] = (...a) => this.balancing.describeBalance(...a);
  rebalance: BalancingAdmin['rebalance'] = (...a) => this.balancing.rebalance(...a);
  cancelRebalance: BalancingAdmin['cancelRebalance'] = () => this.balancing.cancelRebalance();
  alterBalancingConfig: BalancingAdmin['alterBalancingConfig'] = (...a) =>
    this.balancing.alterBalancingConfig(...a);
  describeBalancingConfig: BalancingAdmin['describeBalancingConfig'] = () =>
    this.balancing.describeBalancingConfig();

  private get connection() {
    return this.cluster.connection;
  }

  private unary<T>(invoke: UnaryInvoker<T>): Promise<T> {
    const signal = this.options.signal;
    return this.connection.unary<T>(invoke, signal === undefined ? {} : { signal });
  }

  async createTopics(topics: NewTopic[], options: { validateOnly?: boolean } = {}): Promise<ItemResult[]> {
    const response = await this.unary<CreateTopicsResponse__Output>((md, opts, cb) =>
      this.connection.admin.CreateTopics(
        {
          validate_only: options.validateOnly ?? false,
          topics: topics.map((t) => ({
            name: t.name,
            partitions: t.partitions ?? 0,
            replication_factor: t.replicationFactor ?? 0,
            configs: configEntries(t.configs),
          })),
        },
        md,
        opts,
        cb,
      ),
    );
    for (const t of topics) this.cluster.invalidate(t.name);
    return toResults(response.topics);
  }

  async createTopic(topic: NewTopic, options: { validateOnly?: boolean } = {}): Promise<void> {
    only(await this.createTopics([topic], options), topic.name);
  }

  async deleteTopics(names: string[]): Promise<ItemResult[]> {
    const response = await this.unary<DeleteTopicsResponse__Output>((md, opts, cb) =>
      this.connection.admin.DeleteTopics({ names }, md, opts, cb),
    );
    for (const name of names) this.cluster.invalidate(name);
    return toResults(response.topics);
  }

  async deleteTopic(name: string): Promise<void> {
    only(await this.deleteTopics([name]), name);
  }

  async listTopics(options: { includeInternal?: boolean } = {}): Promise<TopicListing[]> {
    const response = await this.unary<ListTopicsResponse__Output>((md, opts, cb) =>
      this.connection.admin.ListTopics({ include_internal: options.includeInternal ?? false }, md, opts, cb),
    );
    return response.topics
      .map((t) => ({
        name: t.name,
        topicId: t.topic_id,
        partitions: t.partitions,
        replicationFactor: t.replication_factor,
        internal: t.internal,
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async describeTopics(names: string[]): Promise<Array<ItemResult & { topic: TopicDescription | null }>> {
    return this.describeTopicsAt(this.connection, names);
  }

  private async describeTopicsAt(
    connection: Connection,
    names: string[],
  ): Promise<Array<ItemResult & { topic: TopicDescription | null }>> {
    const signal = this.options.signal;
    const response = await connection.unary<DescribeTopicsResponse__Output>(
      (md, opts, cb) => connection.admin.DescribeTopics({ names }, md, opts, cb),
      signal === undefined ? {} : { signal },
    );
    return response.topics.map((t) => {
      const error = fromWireError(t.error);
      if (error !== null) return { name: t.name, error, topic: null };
      const configs: Configs = {};
      for (const c of t.configs) configs[c.name] = c.value;
      return {
        name: t.name,
        error: null,
        topic: {
          name: t.name,
          topicId: t.topic_id,
          configs,
          partitions: t.partitions
            .map((p) => ({
              ...partitionFromWire(p),
              logStartOffset: Number(p.log_start_offset),
              logEndOffset: Number(p.log_end_offset),
              highWatermark: Number(p.high_watermark),
              sizeBytes: Number(p.size_bytes),
            }))
            .sort((a, b) => a.partition - b.partition),
        },
      };
    });
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    return only(await this.describeTopics([name]), name).topic!;
  }

  /**
   * `describeTopic`, with each partition's offsets and size as its leader reports them. A broker knows them
   * only for the partitions it hosts (-1 for the others), and only the leader's high watermark is current,
   * so each leader is asked for its own partitions (one call per leader, at once). A partition without a
   * leader, or whose leader did not answer, keeps -1.
   */
  async describeTopicAtLeaders(name: string): Promise<TopicDescription> {
    const description = await this.describeTopic(name);
    const leaders = [...new Set(description.partitions.map((p) => p.leader).filter((id) => id >= 0))];
    const byLeader = new Map<number, TopicDescription>();
    await Promise.all(
      leaders.map(async (leader) => {
        try {
          const connection = await this.cluster.connectionFor(leader);
          const answer = (await this.describeTopicsAt(connection, [name])).find((r) => r.name === name);
          if (answer?.topic) byLeader.set(leader, answer.topic);
        } catch {
          // This leader's partitions keep -1: the caller shows them as unknown.
        }
      }),
    );
    const unknown = { logStartOffset: -1, logEndOffset: -1, highWatermark: -1, sizeBytes: -1 };
    return {
      ...description,
      partitions: description.partitions.map((p) => {
        const fromLeader = byLeader.get(p.leader)?.partitions.find((q) => q.partition === p.partition);
        const stats = fromLeader ?? unknown;
        return {
          ...p,
          logStartOffset: stats.logStartOffset,
          logEndOffset: stats.logEndOffset,
          highWatermark: stats.highWatermark,
          sizeBytes: stats.sizeBytes,
        };
      }),
    };
  }

  /** Raises partition counts; `count` is the new total. */
  async createPartitions(
    updates: Array<{ topic: string; count: number }>,
    options: { validateOnly?: boolean } = {},
  ): Promise<ItemResult[]> {
    const response = await this.unary<CreatePartitionsResponse__Output>((md, opts, cb) =>
      this.connection.admin.CreatePartitions(
        {
          topics: updates.map((u) => ({ topic: u.topic, count: u.count })),
          validate_only: options.validateOnly ?? false,
        },
        md,
        opts,
        cb,
      ),
    );
    for (const u of updates) this.cluster.invalidate(u.topic);
    return toResults(response.topics);
  }

  async createPartition(topic: string, count: number): Promise<void> {
    only(await this.createPartitions([{ topic, count }]), topic);
  }

  /** Every config of each topic, defaults included. */
  async describeConfigs(topics: string[]): Promise<Array<ItemResult & { configs: ConfigDescription[] }>> {
    const response = await this.unary<DescribeConfigsResponse__Output>((md, opts, cb) =>
      this.connection.admin.DescribeConfigs({ topics }, md, opts, cb),
    );
    return response.topics.map((t) => ({
      name: t.topic,
      error: fromWireError(t.error),
      configs: t.configs.map((c) => ({
        name: c.name,
        value: c.value,
        isDefault: c.is_default,
        documentation: c.documentation,
      })),
    }));
  }

  async describeConfig(topic: string): Promise<ConfigDescription[]> {
    return only(await this.describeConfigs([topic]), topic).configs;
  }

  async alterConfigs(
    alterations: Array<{ topic: string; alterations: ConfigAlteration[] }>,
    options: { validateOnly?: boolean } = {},
  ): Promise<ItemResult[]> {
    const response = await this.unary<AlterConfigsResponse__Output>((md, opts, cb) =>
      this.connection.admin.AlterConfigs(
        {
          validate_only: options.validateOnly ?? false,
          topics: alterations.map((t) => ({
            topic: t.topic,
            alterations: t.alterations.map((a) =>
              a.op === 'set'
                ? { name: a.name, value: a.value, op: 'ALTER_OP_SET' as const }
                : { name: a.name, value: '', op: 'ALTER_OP_DELETE' as const },
            ),
          })),
        },
        md,
        opts,
        cb,
      ),
    );
    return toResults(response.topics);
  }

  async alterConfig(topic: string, alterations: ConfigAlteration[]): Promise<void> {
    only(await this.alterConfigs([{ topic, alterations }]), topic);
  }

  async describeCluster(): Promise<ClusterDescription> {
    const response = await this.unary<DescribeClusterResponse__Output>((md, opts, cb) =>
      this.connection.admin.DescribeCluster({}, md, opts, cb),
    );
    return {
      clusterId: response.cluster_id,
      controllerId: response.controller_id,
      brokers: response.brokers.map((b) => ({ id: b.id, host: b.host, port: b.port, rack: b.rack })),
      version: response.version,
    };
  }

  /**
   * Whether restarting broker `brokerId` now keeps every partition it replicates at or above its
   * min.insync.replicas, and whether it is caught up; answered from the contacted broker's metadata.
   */
  async checkBrokerRestart(brokerId: number): Promise<BrokerRestartCheck> {
    return brokerRestartCheck(
      await this.unary((md, opts, cb) =>
        this.connection.admin.CheckBrokerRestart({ broker_id: brokerId }, md, opts, cb),
      ),
    );
  }

  /**
   * Moves leadership to each partition's preferred replica (the first in its list), or, with `unclean`,
   * elects any live replica for partitions that have no leader (may lose acknowledged records). Empty:
   * every partition of every topic. One result per partition.
   */
  async electLeaders(
    type: 'preferred' | 'unclean',
    partitions: Array<{ topic: string; partitions?: number[] }> = [],
  ): Promise<PartitionResult[]> {
    const response = await this.unary<ElectLeadersResponse__Output>((md, opts, cb) =>
      this.connection.admin.ElectLeaders(
        {
          type: type === 'unclean' ? 'ELECTION_TYPE_UNCLEAN' : 'ELECTION_TYPE_PREFERRED',
          topics: partitions.map((t) => ({ topic: t.topic, partitions: t.partitions ?? [] })),
        },
        md,
        opts,
        cb,
      ),
    );
    for (const t of partitions) this.cluster.invalidate(t.topic);
    return partitionResults(response.results);
  }

  /**
   * Starts moving partitions to new replica lists (preferred leader first): the new replicas copy the log,
   * join the ISR, leadership moves if needed, then the old replicas are dropped. An empty list cancels a
   * reassignment in progress. One result per item; progress shows in listPartitionReassignments.
   */
  async alterPartitionReassignments(
    reassignments: Array<{ topic: string; partition: number; replicas: number[] }>,
  ): Promise<PartitionResult[]> {
    const response = await this.unary<AlterPartitionReassignmentsResponse__Output>((md, opts, cb) =>
      this.connection.admin.AlterPartitionReassignments({ reassignments }, md, opts, cb),
    );
    for (const r of reassignments) this.cluster.invalidate(r.topic);
    return partitionResults(response.results);
  }

  /** Reassignments in progress (of the given topics, or all). */
  async listPartitionReassignments(topics: string[] = []): Promise<OngoingReassignment[]> {
    const response = await this.unary<ListPartitionReassignmentsResponse__Output>((md, opts, cb) =>
      this.connection.admin.ListPartitionReassignments(
        { topics: topics.map((topic) => ({ topic, partitions: [] })) },
        md,
        opts,
        cb,
      ),
    );
    return response.reassignments.map((r) => ({
      topic: r.topic,
      partition: r.partition,
      replicas: r.replicas,
      addingReplicas: r.adding_replicas,
      removingReplicas: r.removing_replicas,
    }));
  }

  // ------------------------------------------------------------------------------- consumer groups

  /** Groups with committed offsets, across every broker. */
  listGroups(): Promise<string[]> {
    return this.groups.list();
  }

  /**
   * A group's committed offsets with the lag behind each partition's high watermark (what is left to
   * read). GROUP_ID_NOT_FOUND when it has committed nothing.
   */
  async describeGroup(groupId: string): Promise<GroupPartitionLag[]> {
    const committed = await this.groups.fetch(groupId);
    if (committed.length === 0) {
      throw new TributaryClientError(
        'GROUP_ID_NOT_FOUND',
        `group ${JSON.stringify(groupId)} has no committed offsets`,
      );
    }
    const topics = [...new Set(committed.map((c) => c.topic))];
    const ends = new Map<string, number>();
    for (const topic of topics) {
      const partitions = committed.filter((c) => c.topic === topic).map((c) => c.partition);
      for (const o of await this.leaderOffsets(topic, partitions, 'latest')) {
        if (o.error === null) ends.set(`${topic}\u0000${o.partition}`, o.offset);
      }
    }
    return committed.map((c) => {
      const end = ends.get(`${c.topic}\u0000${c.partition}`) ?? -1;
      return { ...c, logEndOffset: end, lag: end < 0 ? -1 : Math.max(0, end - c.offset) };
    });
  }

  /**
   * Commits offsets for a group. Without `member`, an admin commit: refused with NON_EMPTY_GROUP while the
   * group has active members. With one, checked like the member's own commits (epoch and ownership).
   */
  commitGroupOffsets(groupId: string, offsets: OffsetCommit[], member?: CommitMember): Promise<void> {
    return this.groups.commit(groupId, offsets, member);
  }

  /** The group's members, their epochs and assignments, and its state, from its coordinator. */
  describeGroupMembers(groupId: string): Promise<GroupMembers> {
    return this.groups.describe(groupId);
  }

  fetchGroupOffsets(
    groupId: string,
    topics?: Array<{ topic: string; partitions?: number[] }>,
  ): Promise<CommittedOffset[]> {
    return this.groups.fetch(groupId, topics);
  }

  /** Removes every committed offset of the group; answers how many. */
  deleteGroup(groupId: string): Promise<number> {
    return this.groups.delete(groupId);
  }

  /**
   * Sets the group's offsets for a topic (all partitions, or the given ones) to the earliest, the latest,
   * an offset, or the first offset at a time; answers what was committed. Stop the group's consumers first.
   */
  async resetGroupOffsets(
    groupId: string,
    topic: string,
    to: 'earliest' | 'latest' | { offset: number } | { timestamp: number },
    partitions?: number[],
  ): Promise<OffsetCommit[]> {
    const which = partitions ?? (await this.allPartitions(topic));
    let offsets: OffsetCommit[];
    if (typeof to === 'object' && 'offset' in to) {
      if (!Number.isSafeInteger(to.offset) || to.offset < 0)
        throw new RangeError(`invalid offset ${to.offset}`);
      offsets = which.map((partition) => ({ topic, partition, offset: to.offset }));
    } else {
      const found = await this.leaderOffsets(topic, which, to);
      const latest = typeof to === 'object' ? await this.leaderOffsets(topic, which, 'latest') : found;
      offsets = found.map((f) => {
        if (f.error !== null) throw f.error;
        const offset =
          f.offset >= 0 ? f.offset : (latest.find((l) => l.partition === f.partition)?.offset ?? 0);
        return { topic, partition: f.partition, offset };
      });
    }
    await this.groups.commit(groupId, offsets);
    return offsets;
  }

  /** Offsets of the given partitions (all of the topic's when absent); per-partition errors. */
  async listOffsets(topic: string, spec: OffsetSpec, partitions?: number[]): Promise<PartitionOffset[]> {
    const which = partitions ?? (await this.allPartitions(topic));
    return this.leaderOffsets(topic, which, spec);
  }

  /**
   * ListOffsets answered by each partition's leader (only leaders know the high watermark); partitions
   * whose leader moved meanwhile are asked again after a metadata refresh, a few times at most.
   */
  private async leaderOffsets(
    topic: string,
    partitions: number[],
    spec: OffsetSpec,
  ): Promise<PartitionOffset[]> {
    const done = new Map<number, PartitionOffset>();
    let pending = [...new Set(partitions)];
    for (let attempt = 0; pending.length > 0; attempt++) {
      const byLeader = new Map<Connection, number[]>();
      for (const p of pending) {
        const { connection } = await this.cluster.leaderFor(topic, p);
        byLeader.set(connection, [...(byLeader.get(connection) ?? []), p]);
      }
      const answers = (
        await Promise.all([...byLeader].map(([c, ps]) => listPartitionOffsets(c, topic, ps, spec)))
      ).flat();
      pending = [];
      for (const a of answers) {
        if (a.error !== null && STALE_METADATA_REASONS.has(a.error.reason) && attempt < LEADER_RETRIES) {
          pending.push(a.partition);
        } else done.set(a.partition, a);
      }
      if (pending.length > 0) {
        this.cluster.invalidate(topic);
        await sleep(100 * (attempt + 1));
      }
    }
    return [...done.values()].sort((a, b) => a.partition - b.partition);
  }

  /** Log start offset and high watermark of every partition, like KafkaJS's fetchTopicOffsets. */
  async fetchTopicOffsets(topic: string): Promise<TopicOffsets[]> {
    const partitions = await this.allPartitions(topic);
    const [low, high] = await Promise.all([
      this.leaderOffsets(topic, partitions, 'earliest'),
      this.leaderOffsets(topic, partitions, 'latest'),
    ]);
    return partitions.map((partition) => {
      const l = low.find((x) => x.partition === partition);
      const h = high.find((x) => x.partition === partition);
      const error = l?.error ?? h?.error ?? null;
      if (error !== null) throw error;
      if (l === undefined || h === undefined) {
        throw new TributaryClientError('INTERNAL', `the broker did not answer for ${topic}[${partition}]`);
      }
      return { partition, low: l.offset, high: h.offset };
    });
  }

  private async allPartitions(topic: string): Promise<number[]> {
    this.cluster.invalidate(topic);
    return (await this.cluster.topic(topic)).partitions.map((p) => p.partition);
  }
}

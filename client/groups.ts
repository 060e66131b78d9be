/**
 * Consumer groups' committed offsets: the group's coordinator (a broker, found with FindCoordinator and
 * cached) stores them in the replicated __consumer_offsets topic. Calls that reach a broker that no
 * longer coordinates the group, or one still loading, find the coordinator again and retry a few times.
 */

import { type ChannelOptions, credentials } from '@grpc/grpc-js';
import { sleep } from '../kit/index.js';
import type { CommitOffsetsResponse__Output } from '../proto/generated/tributary/v1/CommitOffsetsResponse.js';
import type { ConsumerGroupHeartbeatResponse__Output } from '../proto/generated/tributary/v1/ConsumerGroupHeartbeatResponse.js';
import type { DeleteGroupResponse__Output } from '../proto/generated/tributary/v1/DeleteGroupResponse.js';
import type { DescribeGroupResponse__Output } from '../proto/generated/tributary/v1/DescribeGroupResponse.js';
import type { FetchOffsetsResponse__Output } from '../proto/generated/tributary/v1/FetchOffsetsResponse.js';
import type { FindCoordinatorResponse__Output } from '../proto/generated/tributary/v1/FindCoordinatorResponse.js';
import type { GroupServiceClient } from '../proto/generated/tributary/v1/GroupService.js';
import type { ListGroupsResponse__Output } from '../proto/generated/tributary/v1/ListGroupsResponse.js';
import { loadTributaryProto } from '../proto/load.js';
import type { Cluster } from './cluster.js';
import { type Connection, DEFAULT_CHANNEL_OPTIONS } from './connection.js';
import { fromServiceError, fromWireError, reasonOf, TributaryClientError } from './errors.js';

export interface OffsetCommit {
  topic: string;
  partition: number;
  /** The next offset to consume (last processed + 1). */
  offset: number;
  metadata?: string;
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** -1: nothing committed. */
  offset: number;
  metadata: string;
  commitTimestampMs: number;
}

/** The member a commit comes from (a consumer in a group); absent for admin commits. */
export interface CommitMember {
  memberId: string;
  memberEpoch: number;
}

export interface HeartbeatCall {
  memberId: string;
  memberEpoch: number;
  instanceId: string;
  rack: string;
  subscribedTopics: string[];
  owned: Array<{ topic: string; partitions: number[] }>;
  rebalanceTimeoutMs: number;
}

export interface HeartbeatAnswer {
  memberEpoch: number;
  heartbeatIntervalMs: number;
  assignment: Array<{ topic: string; partitions: number[] }>;
}

/** A group's membership as its coordinator sees it. */
export interface GroupMembers {
  groupId: string;
  /** empty, recovering (after a coordinator failover), assigning, reconciling or stable. */
  state: string;
  groupEpoch: number;
  targetEpoch: number;
  members: Array<{
    memberId: string;
    instanceId: string;
    rack: string;
    memberEpoch: number;
    subscribedTopics: string[];
    assignment: Array<{ topic: string; partitions: number[] }>;
    pendingRevocation: Array<{ topic: string; partitions: number[] }>;
    targetAssignment: Array<{ topic: string; partitions: number[] }>;
    lastHeartbeatMs: number;
  }>;
}

const RETRY_REASONS = new Set([
  'NOT_COORDINATOR',
  'COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'UNAVAILABLE',
]);
const ATTEMPTS = 20;
const BACKOFF_MS = 200;

/** GroupService calls for one Tributary client, with coordinator discovery. */
export class Groups {
  private readonly stubs = new Map<Connection, GroupServiceClient>();
  private readonly coordinators = new Map<string, number>();

  constructor(private readonly cluster: Cluster) {}

  private stub(connection: Connection): GroupServiceClient {
    let s = this.stubs.get(connection);
    if (s === undefined) {
      const proto = loadTributaryProto().grpc.tributary.v1;
      const options: ChannelOptions = { ...DEFAULT_CHANNEL_OPTIONS, ...connection.channelOptions };
      s = new proto.GroupService('unused:1', credentials.createInsecure(), {
        ...options,
        channelOverride: connection.client.getChannel(),
        interceptors: connection.interceptors,
      });
      this.stubs.set(connection, s);
    }
    return s;
  }

  private call<T>(
    connection: Connection,
    invoke: (stub: GroupServiceClient, md: never, opts: never, cb: never) => unknown,
  ): Promise<T> {
    const stub = this.stub(connection);
    return connection.unary<T>(
      (md, opts, cb) => invoke(stub, md as never, opts as never, cb as never) as never,
    );
  }

  /** The coordinator's connection for `groupId` (cached). */
  private async coordinator(groupId: string): Promise<Connection> {
    const known = this.coordinators.get(groupId);
    if (known !== undefined) return this.cluster.connectionFor(known);
    const res = await this.call<FindCoordinatorResponse__Output>(this.cluster.connection, (s, md, o, cb) =>
      s.FindCoordinator({ group_id: groupId }, md, o, cb),
    );
    const id = res.coordinator?.id ?? -1;
    if (id < 0)
      throw new TributaryClientError('COORDINATOR_NOT_AVAILABLE', `no coordinator for group ${groupId}`);
    this.coordinators.set(groupId, id);
    return this.cluster.connectionFor(id);
  }

  /** Runs `fn` at the group's coordinator, finding it again after NOT_COORDINATOR and the like. */
  private async atCoordinator<T>(groupId: string, fn: (connection: Connection) => Promise<T>): Promise<T> {
    let last: unknown;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt > 0) await sleep(BACKOFF_MS);
      try {
        return await fn(await this.coordinator(groupId));
      } catch (err) {
        const e = err instanceof TributaryClientError ? err : fromServiceError(err);
        if (!RETRY_REASONS.has(reasonOf(e))) throw e;
        this.coordinators.delete(groupId);
        last = e;
      }
    }
    throw last;
  }

  async commit(groupId: string, offsets: OffsetCommit[], member?: CommitMember): Promise<void> {
    const byTopic = new Map<string, Array<{ partition: number; offset: string; metadata: string }>>();
    for (const o of offsets) {
      const list = byTopic.get(o.topic) ?? [];
      list.push({ partition: o.partition, offset: String(o.offset), metadata: o.metadata ?? '' });
      byTopic.set(o.topic, list);
    }
    const res = await this.atCoordinator(groupId, (c) =>
      this.call<CommitOffsetsResponse__Output>(c, (s, md, o, cb) =>
        s.CommitOffsets(
          {
            group_id: groupId,
            topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
            member_id: member?.memberId ?? '',
            member_epoch: member?.memberEpoch ?? -1,
          },
          md,
          o,
          cb,
        ),
      ),
    );
    const failed = res.results.find((r) => r.error !== null);
    if (failed) throw fromWireError(failed.error)!;
  }

  /** Committed offsets (of the given topics, or every partition the group committed). */
  async fetch(
    groupId: string,
    topics: Array<{ topic: string; partitions?: number[] }> = [],
  ): Promise<CommittedOffset[]> {
    const res = await this.atCoordinator(groupId, (c) =>
      this.call<FetchOffsetsResponse__Output>(c, (s, md, o, cb) =>
        s.FetchOffsets(
          {
            group_id: groupId,
            topics: topics.map((t) => ({ topic: t.topic, partitions: t.partitions ?? [] })),
          },
          md,
          o,
          cb,
        ),
      ),
    );
    return res.offsets.map((x) => ({
      topic: x.topic,
      partition: x.partition,
      offset: Number(x.offset),
      metadata: x.metadata,
      commitTimestampMs: Number(x.commit_timestamp_ms),
    }));
  }

  /** Every group with committed offsets: each live broker answers for the groups it coordinates. */
  async list(): Promise<string[]> {
    // Metadata lists the live brokers; an internal topic name keeps the answer small.
    const { brokers } = await this.cluster.metadata(['__consumer_offsets']);
    const answers = await Promise.all(
      brokers.map(async (b) =>
        this.call<ListGroupsResponse__Output>(await this.cluster.connectionFor(b.id), (s, md, o, cb) =>
          s.ListGroups({}, md, o, cb),
        ),
      ),
    );
    return [...new Set(answers.flatMap((a) => a.groups))].sort();
  }

  /** One membership heartbeat at the coordinator (found again, and retried, when it moved). */
  async heartbeat(groupId: string, req: HeartbeatCall): Promise<HeartbeatAnswer> {
    const res = await this.atCoordinator(groupId, (c) =>
      this.call<ConsumerGroupHeartbeatResponse__Output>(c, (s, md, o, cb) =>
        s.ConsumerGroupHeartbeat(
          {
            group_id: groupId,
            member_id: req.memberId,
            member_epoch: req.memberEpoch,
            instance_id: req.instanceId,
            rack_id: req.rack,
            subscribed_topics: req.subscribedTopics,
            owned_partitions: req.owned,
            rebalance_timeout_ms: req.rebalanceTimeoutMs,
          },
          md,
          o,
          cb,
        ),
      ),
    );
    return {
      memberEpoch: res.member_epoch,
      heartbeatIntervalMs: res.heartbeat_interval_ms,
      assignment: res.assignment.map((t) => ({ topic: t.topic, partitions: [...t.partitions] })),
    };
  }

  async describe(groupId: string): Promise<GroupMembers> {
    const res = await this.atCoordinator(groupId, (c) =>
      this.call<DescribeGroupResponse__Output>(c, (s, md, o, cb) =>
        s.DescribeGroup({ group_id: groupId }, md, o, cb),
      ),
    );
    const list = (ts: Array<{ topic: string; partitions: number[] }>) =>
      ts.map((t) => ({ topic: t.topic, partitions: [...t.partitions] }));
    return {
      groupId: res.group_id,
      state: res.state,
      groupEpoch: res.group_epoch,
      targetEpoch: res.target_epoch,
      members: res.members.map((m) => ({
        memberId: m.member_id,
        instanceId: m.instance_id,
        rack: m.rack_id,
        memberEpoch: m.member_epoch,
        subscribedTopics: [...m.subscribed_topics],
        assignment: list(m.assignment),
        pendingRevocation: list(m.pending_revocation),
        targetAssignment: list(m.target_assignment),
        lastHeartbeatMs: Number(m.last_heartbeat_ms),
      })),
    };
  }

  async delete(groupId: string): Promise<number> {
    const res = await this.atCoordinator(groupId, (c) =>
      this.call<DeleteGroupResponse__Output>(c, (s, md, o, cb) =>
        s.DeleteGroup({ group_id: groupId }, md, o, cb),
      ),
    );
    return res.offsets_deleted;
  }
}

import { TributaryError } from '../../proto/errors.js';
import type { CommitOffsetsRequest__Output } from '../../proto/generated/tributary/v1/CommitOffsetsRequest.js';
import type { CommitOffsetsResponse } from '../../proto/generated/tributary/v1/CommitOffsetsResponse.js';
import type { CommittedOffset } from '../../proto/generated/tributary/v1/CommittedOffset.js';
import type { ConsumerGroupHeartbeatRequest__Output } from '../../proto/generated/tributary/v1/ConsumerGroupHeartbeatRequest.js';
import type { ConsumerGroupHeartbeatResponse } from '../../proto/generated/tributary/v1/ConsumerGroupHeartbeatResponse.js';
import type { DescribeGroupResponse } from '../../proto/generated/tributary/v1/DescribeGroupResponse.js';
import type { FetchOffsetsRequest__Output } from '../../proto/generated/tributary/v1/FetchOffsetsRequest.js';
import type { FetchOffsetsResponse } from '../../proto/generated/tributary/v1/FetchOffsetsResponse.js';
import type { FindCoordinatorResponse } from '../../proto/generated/tributary/v1/FindCoordinatorResponse.js';
import type { GroupServiceHandlers } from '../../proto/generated/tributary/v1/GroupService.js';
import { validateTopicName } from '../../proto/names.js';
import type { GroupCoordinator } from '../groups/coordinator.js';
import { OWNED_PARTITIONS_MAX } from '../groups/heartbeat.js';
import type { ApiContext } from './context.js';
import { parseOffset, requirePartitions, toWireError } from './errors.js';
import { existingPartition } from './leader.js';
import { liveBrokerInfos } from './metadata.js';
import { unary } from './rpc.js';

/** The GroupService handlers: offset storage of consumer groups at their coordinator. */
export function groupHandlers(api: ApiContext, coordinator: GroupCoordinator): GroupServiceHandlers {
  api.metrics.trackGroups(() => coordinator.membershipStats());
  return {
    FindCoordinator: unary(api, 'FindCoordinator', async (req): Promise<FindCoordinatorResponse> => {
      const found = await coordinator.findCoordinator(req.group_id);
      const broker = liveBrokerInfos(api).find((b) => b.id === found.brokerId);
      if (broker === undefined) {
        throw new TributaryError(
          'COORDINATOR_NOT_AVAILABLE',
          `coordinator broker ${found.brokerId} is not alive`,
        );
      }
      return { coordinator: broker, partition: found.partition };
    }),
    CommitOffsets: unary(api, 'CommitOffsets', (req) => commitOffsets(api, coordinator, req)),
    FetchOffsets: unary(api, 'FetchOffsets', (req) => fetchOffsets(coordinator, req)),
    ListGroups: unary(api, 'ListGroups', async () => ({ groups: coordinator.listGroups() })),
    DeleteGroup: unary(api, 'DeleteGroup', async (req) => ({
      offsets_deleted: await coordinator.deleteGroup(req.group_id),
    })),
    ConsumerGroupHeartbeat: unary(api, 'ConsumerGroupHeartbeat', (req) => heartbeat(coordinator, req)),
    DescribeGroup: unary(api, 'DescribeGroup', async (req): Promise<DescribeGroupResponse> => {
      const d = await coordinator.describeGroup(req.group_id);
      return {
        group_id: d.groupId,
        state: d.state,
        group_epoch: d.groupEpoch,
        target_epoch: d.targetEpoch,
        members: d.members.map((m) => ({
          member_id: m.memberId,
          instance_id: m.instanceId,
          rack_id: m.rack,
          member_epoch: m.memberEpoch,
          subscribed_topics: m.subscribedTopics,
          assignment: m.assigned,
          pending_revocation: m.pendingRevocation,
          target_assignment: m.targetAssignment,
          last_heartbeat_ms: String(m.lastHeartbeatMs),
        })),
      };
    }),
  };
}

async function heartbeat(
  coordinator: GroupCoordinator,
  req: ConsumerGroupHeartbeatRequest__Output,
): Promise<ConsumerGroupHeartbeatResponse> {
  // Count before building anything: the request's size alone must not cost quadratic time.
  let count = 0;
  for (const t of req.owned_partitions) count += t.partitions.length;
  if (count > OWNED_PARTITIONS_MAX || req.owned_partitions.length > OWNED_PARTITIONS_MAX) {
    throw new TributaryError('INVALID_REQUEST', `at most ${OWNED_PARTITIONS_MAX} owned partitions`);
  }
  const owned = new Map<string, number[]>();
  for (const t of req.owned_partitions) {
    validateTopicName(t.topic);
    let list = owned.get(t.topic);
    if (list === undefined) {
      list = [];
      owned.set(t.topic, list);
    }
    for (const p of t.partitions) list.push(p);
  }
  for (const topic of req.subscribed_topics) validateTopicName(topic);
  const result = await coordinator.heartbeat(req.group_id, {
    memberId: req.member_id,
    memberEpoch: req.member_epoch,
    instanceId: req.instance_id,
    rack: req.rack_id,
    subscribedTopics: req.subscribed_topics,
    owned,
    rebalanceTimeoutMs: req.rebalance_timeout_ms,
  });
  return {
    member_id: result.memberId,
    member_epoch: result.memberEpoch,
    heartbeat_interval_ms: result.heartbeatIntervalMs,
    assignment: [...result.assignment].map(([topic, partitions]) => ({ topic, partitions })),
  };
}

async function commitOffsets(
  api: ApiContext,
  coordinator: GroupCoordinator,
  req: CommitOffsetsRequest__Output,
): Promise<CommitOffsetsResponse> {
  requirePartitions(req.topics, 'a commit');
  const items = req.topics.flatMap((t) =>
    t.partitions.map((p) => ({
      topic: t.topic,
      partition: p.partition,
      offset: p.offset,
      metadata: p.metadata,
    })),
  );
  const seen = new Set<string>();
  const valid: Array<{ topic: string; partition: number; offset: number; metadata: string }> = [];
  const errors = new Map<number, ReturnType<typeof toWireError>>();
  items.forEach((it, i) => {
    try {
      validateTopicName(it.topic);
      const key = `${it.topic}\u0000${it.partition}`;
      if (seen.has(key))
        throw new TributaryError('INVALID_REQUEST', `${it.topic}/${it.partition} appears twice`);
      seen.add(key);
      // As Kafka: an offset is committed only for a partition that exists (admin commits included).
      existingPartition(api, it.topic, it.partition);
      valid.push({ ...it, offset: parseOffset(it.offset, 'offset') });
    } catch (err) {
      errors.set(i, toWireError(err));
    }
  });
  // One append for every valid item: they succeed or fail together (a whole-request failure throws).
  if (valid.length > 0) {
    await coordinator.commit(req.group_id, valid, {
      memberId: req.member_id,
      memberEpoch: req.member_epoch,
    });
  }
  return {
    results: items.map((it, i) => ({
      topic: it.topic,
      partition: it.partition,
      error: errors.get(i) ?? null,
    })),
  };
}

async function fetchOffsets(
  coordinator: GroupCoordinator,
  req: FetchOffsetsRequest__Output,
): Promise<FetchOffsetsResponse> {
  const committed = await coordinator.fetch(req.group_id);
  const toWire = (c: {
    topic: string;
    partition: number;
    offset: number;
    metadata: string;
    commitTimestampMs: number;
  }): CommittedOffset => ({
    topic: c.topic,
    partition: c.partition,
    offset: String(c.offset),
    metadata: c.metadata,
    commit_timestamp_ms: String(c.commitTimestampMs),
  });
  if (req.topics.length === 0) return { offsets: committed.map(toWire) };
  const out: CommittedOffset[] = [];
  for (const t of req.topics) {
    const mine = committed.filter((c) => c.topic === t.topic);
    if (t.partitions.length === 0) out.push(...mine.map(toWire));
    for (const p of t.partitions) {
      const c = mine.find((x) => x.partition === p);
      out.push(
        c === undefined
          ? { topic: t.topic, partition: p, offset: '-1', metadata: '', commit_timestamp_ms: '-1' }
          : toWire(c),
      );
    }
  }
  return { offsets: out };
}

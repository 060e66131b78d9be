import type { ServerUnaryCall } from '@grpc/grpc-js';
import { TributaryError } from '../../proto/errors.js';
import type { AllocateProducerIdsRequest__Output } from '../../proto/generated/tributary/v1/AllocateProducerIdsRequest.js';
import type { AllocateProducerIdsResponse } from '../../proto/generated/tributary/v1/AllocateProducerIdsResponse.js';
import type { AlterPartitionRequest__Output } from '../../proto/generated/tributary/v1/AlterPartitionRequest.js';
import type { AlterPartitionResponse } from '../../proto/generated/tributary/v1/AlterPartitionResponse.js';
import type { ConfirmLeadershipRequest__Output } from '../../proto/generated/tributary/v1/ConfirmLeadershipRequest.js';
import type { ConfirmLeadershipResponse } from '../../proto/generated/tributary/v1/ConfirmLeadershipResponse.js';
import type { ControlledShutdownRequest__Output } from '../../proto/generated/tributary/v1/ControlledShutdownRequest.js';
import type { ControlledShutdownResponse } from '../../proto/generated/tributary/v1/ControlledShutdownResponse.js';
import type { ReplicaFetchPartitionResponse } from '../../proto/generated/tributary/v1/ReplicaFetchPartitionResponse.js';
import type { ReplicaFetchRequest__Output } from '../../proto/generated/tributary/v1/ReplicaFetchRequest.js';
import type { ReplicaFetchResponse } from '../../proto/generated/tributary/v1/ReplicaFetchResponse.js';
import { CONFIRM_PARTITIONS_MAX } from '../replication/fail-safe.js';
import type { Partition } from '../replication/partition.js';
import type { ApiContext } from './context.js';
import { parseInt64, parseOffset, toWireError } from './errors.js';
import { callSignal } from './rpc.js';

const EMPTY = Buffer.alloc(0);

interface Item {
  topic: string;
  partition: number;
  p?: Partition;
  epoch: number;
  fetchOffset: number;
  lastFetchedEpoch: number;
  maxBytes: number;
}

/**
 * The leader side of a follower's fetch (Kafka's replica fetch, with KIP-320's divergence check): for
 * each partition, check the follower's leader epoch, detect a divergent log from its last fetched epoch,
 * record its position (which moves the high watermark and may grow the ISR), and send what follows
 * `fetch_offset`, up to the log end (uncommitted data included: followers copy everything). Long-polls
 * until there is data, an error to report, or max_wait_ms passed.
 */
export async function replicaFetch(
  ctx: ApiContext,
  request: ReplicaFetchRequest__Output,
  call: ServerUnaryCall<ReplicaFetchRequest__Output, ReplicaFetchResponse>,
): Promise<ReplicaFetchResponse> {
  const { signal, release } = callSignal(call, ctx);
  try {
    return await fetchForReplica(ctx, request, signal);
  } finally {
    release();
  }
}

async function fetchForReplica(
  ctx: ApiContext,
  request: ReplicaFetchRequest__Output,
  signal: AbortSignal,
): Promise<ReplicaFetchResponse> {
  const replicaId = request.replica_id;
  const epoch = parseInt64(request.broker_epoch, 'broker_epoch');
  const live = ctx.cluster.broker(replicaId);
  if (live !== undefined && live.epoch !== epoch) {
    throw new TributaryError(
      'STALE_BROKER_EPOCH',
      `broker ${replicaId} fetched with epoch ${epoch}, its registration has ${live.epoch}`,
    );
  }
  if (request.partitions.length === 0)
    throw new TributaryError('INVALID_REQUEST', 'replica fetch names no partition');
  const maxBytes = Math.min(
    request.max_bytes || ctx.config.replicaFetchMaxBytes,
    ctx.config.replicaFetchMaxBytes,
  );
  const items: Item[] = request.partitions.map((r) => ({
    topic: r.topic,
    partition: r.partition,
    epoch: r.current_leader_epoch,
    fetchOffset: parseOffset(r.fetch_offset, 'fetch_offset'),
    lastFetchedEpoch: r.last_fetched_epoch,
    maxBytes: Math.min(
      r.max_bytes || ctx.config.replicaFetchPartitionMaxBytes,
      ctx.config.replicaFetchPartitionMaxBytes,
    ),
  }));
  const deadline = Date.now() + Math.min(request.max_wait_ms, ctx.config.replicaFetchMaxWaitMs);
  for (let round = 0; ; round++) {
    const room = { budget: maxBytes, held: false };
    let ready = false;
    const out: ReplicaFetchPartitionResponse[] = [];
    for (const item of items) {
      const r = await answer(ctx, replicaId, item, round === 0, room);
      if (r.error || r.diverging_epoch || (r.batches as Buffer).length > 0) ready = true;
      room.budget -= (r.batches as Buffer).length;
      out.push(r);
    }
    // Data held back by the leader throttle is due once the throttle allows it: wait no longer than that.
    const throttleMs = room.held ? Math.max(1, ctx.replicas.leaderThrottle?.waitMs() ?? 0) : Infinity;
    const left = Math.min(deadline - Date.now(), throttleMs);
    if (ready || left <= 0 || signal.aborted || ctx.lifecycle.shuttingDown) return { partitions: out };
    const waitOn = items.map((i) => i.p).filter((p): p is Partition => p !== undefined);
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.race(waitOn.map((p) => p.waitForChange(left, stop.signal)));
    } finally {
      stop.abort();
      signal.removeEventListener('abort', onAbort);
    }
  }
}

async function answer(
  ctx: ApiContext,
  replicaId: number,
  item: Item,
  first: boolean,
  room: { budget: number; held: boolean },
): Promise<ReplicaFetchPartitionResponse> {
  const base = { topic: item.topic, partition: item.partition, batches: EMPTY };
  try {
    const p = ctx.replicas.partition(item.topic, item.partition);
    item.p = p;
    if (!p.isLeader) {
      throw new TributaryError(
        'NOT_LEADER',
        `broker ${ctx.config.nodeId} does not lead ${item.topic}/${item.partition}`,
      );
    }
    if (item.epoch < p.leaderEpoch) {
      throw new TributaryError(
        'FENCED_LEADER_EPOCH',
        `leader epoch ${item.epoch} is older than ${p.leaderEpoch}`,
      );
    }
    if (item.epoch > p.leaderEpoch) {
      throw new TributaryError(
        'UNKNOWN_LEADER_EPOCH',
        `leader epoch ${item.epoch} is newer than ${p.leaderEpoch}`,
      );
    }
    if (!p.state.replicas.includes(replicaId)) {
      throw new TributaryError(
        'INELIGIBLE_REPLICA',
        `broker ${replicaId} is not a replica of ${item.topic}/${item.partition}`,
      );
    }
    const log = p.log;
    const leo = log.logEndOffset;
    const positions = {
      high_watermark: String(p.highWatermark),
      log_start_offset: String(log.logStartOffset),
      log_end_offset: String(leo),
    };
    // Below the log start (retention moved on): the follower restarts its log there, whatever its epochs.
    if (item.fetchOffset < log.logStartOffset) {
      throw new TributaryError(
        'OFFSET_OUT_OF_RANGE',
        `offset ${item.fetchOffset} is below the log start ${log.logStartOffset}`,
      );
    }
    // Divergence (KIP-320): where did the follower's last epoch end here? Past that, its log differs.
    if (item.lastFetchedEpoch >= 0 || item.fetchOffset > leo) {
      const end =
        item.lastFetchedEpoch >= 0
          ? log.epochs.endOffsetFor(item.lastFetchedEpoch, leo)
          : { epoch: log.epochs.latestEpoch, endOffset: leo };
      if (end.epoch !== item.lastFetchedEpoch || item.fetchOffset > end.endOffset) {
        return {
          ...base,
          ...positions,
          diverging_epoch: { epoch: end.epoch, end_offset: String(end.endOffset) },
        };
      }
    }
    if (first && p.recordFollowerFetch(replicaId, item.fetchOffset))
      ctx.replicas.followerCaughtUp(p, replicaId);
    const hw = String(p.highWatermark);
    if (item.fetchOffset >= leo || room.budget <= 0) return { ...base, ...positions, high_watermark: hw };
    // A replica a move is adding gets its copy within the leader throttle (replication-throttle.ts).
    const throttle = ctx.replicas.leaderThrottle;
    const throttled = throttle?.isThrottled(p, replicaId) === true;
    const allowance = throttled ? throttle!.allowanceBytes() : Infinity;
    if (allowance <= 0) {
      room.held = true;
      return { ...base, ...positions, high_watermark: hw };
    }
    const read = await log.read(item.fetchOffset, Math.min(item.maxBytes, room.budget, allowance));
    if (throttled) throttle!.spent(read.batches.length);
    return { ...base, ...positions, high_watermark: hw, batches: read.batches };
  } catch (err) {
    const p = item.p;
    return {
      ...base,
      error: toWireError(err),
      high_watermark: '-1',
      log_start_offset: String(p?.log.logStartOffset ?? -1),
      log_end_offset: String(p?.log.logEndOffset ?? -1),
    };
  }
}

/** AlterPartition reaches the controller; a broker that is not the active one says NOT_CONTROLLER. */
export async function alterPartition(
  ctx: ApiContext,
  request: AlterPartitionRequest__Output,
): Promise<AlterPartitionResponse> {
  const c = ctx.cluster.controller;
  if (c === undefined || !c.isActive) {
    return {
      error: toWireError(
        new TributaryError('NOT_CONTROLLER', `broker ${ctx.config.nodeId} is not the controller`),
      ),
    };
  }
  return c.alterPartition(request);
}

export async function controlledShutdown(
  ctx: ApiContext,
  request: ControlledShutdownRequest__Output,
): Promise<ControlledShutdownResponse> {
  const c = ctx.cluster.controller;
  if (c === undefined || !c.isActive) {
    return {
      error: toWireError(
        new TributaryError('NOT_CONTROLLER', `broker ${ctx.config.nodeId} is not the controller`),
      ),
      remaining_leaderships: 0,
    };
  }
  return c.controlledShutdown(request.broker_id, parseInt64(request.broker_epoch, 'broker_epoch'));
}

/** A block of producer ids for the calling broker (it hands them out to its InitProducerId callers). */
export async function allocateProducerIds(
  ctx: ApiContext,
  request: AllocateProducerIdsRequest__Output,
): Promise<AllocateProducerIdsResponse> {
  const c = ctx.cluster.controller;
  try {
    if (c === undefined || !c.isActive) {
      throw new TributaryError('NOT_CONTROLLER', `broker ${ctx.config.nodeId} is not the controller`);
    }
    const block = await c.allocateProducerIds(
      request.broker_id,
      parseInt64(request.broker_epoch, 'broker_epoch'),
    );
    return { first_id: String(block.firstId), count: block.count };
  } catch (err) {
    return { error: toWireError(err), first_id: '-1', count: 0 };
  }
}

/**
 * A leader in fail-safe mode asks whether this broker still follows it (docs/architecture.md, "Fail-safe
 * mode"): answered from this broker's own metadata, per partition, whatever this broker's own DCS session
 * says.
 */
export function confirmLeadership(
  ctx: ApiContext,
  request: ConfirmLeadershipRequest__Output,
): ConfirmLeadershipResponse {
  const count = request.partitions.length;
  if (count === 0 || count > CONFIRM_PARTITIONS_MAX) {
    throw new TributaryError(
      'INVALID_REQUEST',
      `ConfirmLeadership names ${count} partitions; it takes 1 to ${CONFIRM_PARTITIONS_MAX}`,
    );
  }
  const asked = request.partitions.map((q) => ({
    topic: q.topic,
    partition: q.partition,
    leaderEpoch: q.leader_epoch,
  }));
  const answers = ctx.replicas.confirmLeadership(request.leader_id, asked);
  return {
    broker_id: ctx.config.nodeId,
    partitions: answers.map((a, i) => ({
      topic: asked[i]!.topic,
      partition: asked[i]!.partition,
      error: a.refusal === null ? null : toWireError(a.refusal),
      leader: a.leader,
      leader_epoch: a.leaderEpoch,
    })),
  };
}

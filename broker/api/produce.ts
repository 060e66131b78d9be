import type { ServerUnaryCall } from '@grpc/grpc-js';
import type { Span } from '@opentelemetry/api';
import { encodeRecordBatch, type ProducerRecord } from '../../proto/codec/index.js';
import { TributaryError } from '../../proto/errors.js';
import type { PartitionProduceData__Output } from '../../proto/generated/tributary/v1/PartitionProduceData.js';
import type { PartitionProduceResponse } from '../../proto/generated/tributary/v1/PartitionProduceResponse.js';
import type { ProduceRequest__Output } from '../../proto/generated/tributary/v1/ProduceRequest.js';
import type { ProduceResponse } from '../../proto/generated/tributary/v1/ProduceResponse.js';
import type { Record__Output } from '../../proto/generated/tributary/v1/Record.js';
import { isInternalTopic } from '../../proto/names.js';
import { MESSAGING } from '../../proto/trace-context.js';
import { minInsyncReplicasOf } from '../metadata/topic-config.js';
import type { ApiContext } from './context.js';
import { asTributaryError, parseTimestamp, requirePartitions, toWireError } from './errors.js';
import { leaderPartition } from './leader.js';
import { callSignal } from './rpc.js';
import { endSpan, produceSpan, produceSpanClock, startReplicationSpan } from './tracing.js';

type Acks = 'NONE' | 'LEADER' | 'ALL';

function parseAcks(raw: string): Acks {
  switch (raw) {
    case 'ACKS_UNSPECIFIED':
    case 'ACKS_ALL':
      return 'ALL';
    case 'ACKS_LEADER':
      return 'LEADER';
    case 'ACKS_NONE':
      return 'NONE';
    default:
      throw new TributaryError('INVALID_ACKS', `acks must be ACKS_NONE, ACKS_LEADER or ACKS_ALL, got ${raw}`);
  }
}

/** The convenience path of docs/architecture.md, decision 1: plain records become one batch, built by the broker. */
function encodeRecords(records: Record__Output[], nowMs: number): Buffer {
  const converted: ProducerRecord[] = records.map((r, i) => {
    const timestamp = parseTimestamp(r.timestamp_ms, `records[${i}].timestamp_ms`);
    if (timestamp < 0)
      throw new TributaryError('INVALID_TIMESTAMP', `records[${i}].timestamp_ms is negative`);
    return {
      key: r.key ?? null,
      value: r.value ?? null,
      headers: r.headers.map((h) => ({ key: h.key, value: h.value ?? null })),
      timestamp: timestamp === 0 ? nowMs : timestamp,
    };
  });
  return encodeRecordBatch(converted, { nowMs });
}

function payloadOf(data: PartitionProduceData__Output, nowMs: number): Buffer {
  const hasBatches = data.batches.length > 0;
  const hasRecords = data.records.length > 0;
  if (hasBatches && hasRecords) {
    throw new TributaryError('INVALID_REQUEST', 'set either batches or records for a partition, not both');
  }
  if (hasBatches) return data.batches;
  if (hasRecords) return encodeRecords(data.records, nowMs);
  throw new TributaryError('INVALID_REQUEST', 'a partition entry has neither batches nor records');
}

const FAILED = {
  base_offset: '-1',
  last_offset: '-1',
  log_append_time_ms: '-1',
  log_start_offset: '-1',
  leader_epoch: -1,
  leader_id: -1,
};

/** Bytes a produce request asks the broker to hold (plain records count a nominal 64 bytes each). */
export function produceRequestBytes(request: ProduceRequest__Output): number {
  let bytes = 0;
  for (const t of request.topics) {
    for (const p of t.partitions) bytes += p.batches.length + p.records.length * 64;
  }
  return bytes;
}

/**
 * Counts a request's bytes as in flight and returns the function that releases them; refuses it with
 * TOO_MANY_REQUESTS when over maxInflightProduceBytes (unless `rejectOverLimit` is false).
 */
function admitProduceBytes(ctx: ApiContext, payloadBytes: number, rejectOverLimit: boolean): () => void {
  const life = ctx.lifecycle;
  if (
    rejectOverLimit &&
    life.inflightProduceBytes > 0 &&
    life.inflightProduceBytes + payloadBytes > ctx.config.maxInflightProduceBytes
  ) {
    throw new TributaryError(
      'TOO_MANY_REQUESTS',
      `${life.inflightProduceBytes} produce bytes already in flight (maxInflightProduceBytes ${ctx.config.maxInflightProduceBytes})`,
    );
  }
  life.inflightProduceBytes += payloadBytes;
  ctx.metrics.inflightProduceBytes.inc(payloadBytes);
  return () => {
    life.inflightProduceBytes -= payloadBytes;
    ctx.metrics.inflightProduceBytes.dec(payloadBytes);
  };
}

/** Appends one partition's batches and answers for it; a failure is that partition's error, never thrown. */
async function producePartition(
  ctx: ApiContext,
  topic: string,
  data: PartitionProduceData__Output,
  opts: { acks: Acks; timeoutMs: number; nowMs: number; seen: Set<string>; signal?: AbortSignal },
): Promise<PartitionProduceResponse> {
  // Tracing (broker/api/tracing.ts): the span is made once the batches are validated, from their headers.
  const startTimeMs = produceSpanClock();
  const spanInput =
    startTimeMs === undefined
      ? undefined
      : { topic, partition: data.partition, acks: opts.acks, nodeId: ctx.config.nodeId, startTimeMs };
  let span: Span | undefined;
  try {
    const key = `${topic}\u0000${data.partition}`;
    if (opts.seen.has(key)) {
      throw new TributaryError('INVALID_REQUEST', `partition ${data.partition} of ${topic} appears twice`);
    }
    opts.seen.add(key);
    if (isInternalTopic(topic)) {
      throw new TributaryError('INVALID_REQUEST', `${topic} is an internal topic: only the broker writes it`);
    }
    const partition = leaderPartition(ctx, topic, data.partition);
    const minIsr = opts.acks === 'ALL' ? minInsyncReplicasOf(ctx.topics.get(topic)?.configs) : undefined;
    const epoch = partition.leaderEpoch;
    const info = await partition.append(payloadOf(data, opts.nowMs), {
      nowMs: opts.nowMs,
      // A batch must be readable by every fetch: RECORDS fetches decompress it on the broker.
      maxDecompressedBytes: ctx.config.maxFetchBytes,
      ...(minIsr === undefined ? {} : { minIsr }),
      ...(spanInput === undefined
        ? {}
        : {
            onValidated: (sections: readonly Buffer[]) => {
              span = produceSpan(spanInput, sections);
            },
          }),
    });
    if (minIsr !== undefined) {
      const replication =
        span === undefined ? undefined : startReplicationSpan(span, topic, info.lastOffset, minIsr);
      try {
        await partition.waitForReplication(info.lastOffset, minIsr, opts.timeoutMs, opts.signal, epoch);
      } catch (err) {
        endSpan(replication, asTributaryError(err));
        throw err;
      }
      endSpan(replication);
    }
    span?.setAttribute(MESSAGING.offset, info.baseOffset);
    endSpan(span);
    if (!info.duplicate) {
      ctx.metrics.bytesIn.inc({ topic }, info.sizeBytes);
      ctx.metrics.recordsIn.inc({ topic }, info.recordCount);
    }
    return {
      partition: data.partition,
      base_offset: String(info.baseOffset),
      last_offset: String(info.lastOffset),
      log_append_time_ms: String(info.logAppendTimeMs),
      log_start_offset: String(partition.logStartOffset),
      leader_epoch: epoch,
      leader_id: ctx.config.nodeId,
    };
  } catch (err) {
    const e = asTributaryError(err);
    if (span === undefined && spanInput !== undefined) span = produceSpan(spanInput, []);
    endSpan(span, e);
    ctx.metrics.requestErrors.inc({ method: 'Produce', reason: e.reason });
    if (e.reason === 'INTERNAL' || e.reason === 'STORAGE_ERROR' || e.reason === 'DISK_FULL') {
      ctx.logger.error({ topic, partition: data.partition, err: e.cause ?? e }, 'append failed');
    }
    return { partition: data.partition, error: toWireError(e), ...FAILED };
  }
}

/**
 * Produce: validate, append each partition's batches, answer per partition. One partition's failure never
 * fails the others. acks=NONE answers as soon as the appends are started. Bytes being appended count
 * against maxInflightProduceBytes, so a flood of producers gets TOO_MANY_REQUESTS, not an out-of-memory
 * (`rejectOverLimit: false` skips that refusal for ProduceStream, which pauses its stream instead).
 */
export async function produce(
  ctx: ApiContext,
  request: ProduceRequest__Output,
  opts: { rejectOverLimit: boolean; signal?: AbortSignal } = { rejectOverLimit: true },
): Promise<ProduceResponse> {
  const acks = parseAcks(request.acks);
  const timeoutMs =
    request.timeout_ms === 0
      ? ctx.config.produceTimeoutMs
      : Math.min(request.timeout_ms, ctx.config.produceTimeoutMs);
  const signal = opts.signal;
  requirePartitions(request.topics, 'produce request');
  const life = ctx.lifecycle;
  const release = admitProduceBytes(ctx, produceRequestBytes(request), opts.rejectOverLimit);
  {
    const nowMs = Date.now();
    const seen = new Set<string>();
    const pending = request.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map(
        (data): Promise<PartitionProduceResponse> =>
          producePartition(ctx, t.topic, data, {
            acks,
            timeoutMs,
            nowMs,
            seen,
            ...(signal ? { signal } : {}),
          }),
      ),
    }));
    // Each partition's promise catches its own failure, so this never rejects.
    const settled = Promise.all(pending.flatMap((t) => t.partitions)).finally(release);
    if (acks === 'NONE') {
      // Nobody waits for these; failures are logged and counted above.
      life.track(settled);
      return {
        topics: pending.map((t, i) => ({
          topic: t.topic,
          partitions: request.topics[i]!.partitions.map((p) => ({ partition: p.partition, ...FAILED })),
        })),
      };
    }
    await settled;
    const topics = [];
    for (const t of pending) topics.push({ topic: t.topic, partitions: await Promise.all(t.partitions) });
    return { topics };
  }
}

/** The unary Produce: a cancelled or dropped call stops waiting for replication at once, not at its timeout. */
export async function produceUnary(
  ctx: ApiContext,
  request: ProduceRequest__Output,
  call: ServerUnaryCall<ProduceRequest__Output, ProduceResponse>,
): Promise<ProduceResponse> {
  const { signal, release } = callSignal(call, ctx);
  try {
    return await produce(ctx, request, { rejectOverLimit: true, signal });
  } finally {
    release();
  }
}

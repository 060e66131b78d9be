import type { ServerWritableStream } from '@grpc/grpc-js';
import { TributaryError } from '../../proto/errors.js';
import type { SubscribeRequest__Output } from '../../proto/generated/tributary/v1/SubscribeRequest.js';
import type { SubscribeResponse } from '../../proto/generated/tributary/v1/SubscribeResponse.js';
import type { Partition } from '../replication/partition.js';
import type { ApiContext } from './context.js';
import { wantsRecords } from './enums.js';
import { parseOffset, parseTimestamp } from './errors.js';
import { drained } from './flow-control.js';
import { leaderPartition } from './leader.js';
import { summarizeBatches, toWireRecords } from './records.js';
import { callSignal } from './rpc.js';

const EMPTY = Buffer.alloc(0);

/** How long an idle stream waits before re-checking (e.g. for retention having moved the log start). */
const IDLE_RECHECK_MS = 5_000;

async function startOffset(request: SubscribeRequest__Output, partition: Partition): Promise<number> {
  switch (request.start) {
    case 'offset': {
      const offset = parseOffset(request.offset, 'offset');
      if (offset < partition.logStartOffset || offset > partition.logEndOffset) {
        throw new TributaryError(
          'OFFSET_OUT_OF_RANGE',
          `offset ${offset} is outside [${partition.logStartOffset}, ${partition.logEndOffset}]`,
        );
      }
      return offset;
    }
    case 'timestamp_ms': {
      const ts = parseTimestamp(request.timestamp_ms, 'timestamp_ms');
      if (ts < 0) throw new TributaryError('INVALID_TIMESTAMP', `timestamp_ms ${ts} is negative`);
      const found = await partition.log.offsetForTimestamp(ts);
      return found === null ? partition.highWatermark : Math.max(found.offset, partition.logStartOffset);
    }
    case 'position':
      if (request.position === 'START_POSITION_EARLIEST') return partition.logStartOffset;
      if (request.position === 'START_POSITION_LATEST') return partition.highWatermark;
      throw new TributaryError(
        'INVALID_REQUEST',
        'position must be START_POSITION_EARLIEST or START_POSITION_LATEST',
      );
    default:
      throw new TributaryError('INVALID_REQUEST', 'set a start: position, offset or timestamp_ms');
  }
}

/**
 * Subscribe: stream one partition from a start position, then follow new appends. Each message holds whole
 * batches up to max_bytes. Backpressure is HTTP/2's: when the client stops reading, write() reports a full
 * buffer and the loop waits for 'drain' before reading the log again, so a slow consumer costs one message
 * of memory, not a backlog.
 */
export async function subscribe(
  ctx: ApiContext,
  request: SubscribeRequest__Output,
  call: ServerWritableStream<SubscribeRequest__Output, SubscribeResponse>,
): Promise<void> {
  const partition = leaderPartition(ctx, request.topic, request.partition);
  if (ctx.lifecycle.subscriptions >= ctx.config.maxSubscriptions) {
    throw new TributaryError(
      'TOO_MANY_REQUESTS',
      `${ctx.lifecycle.subscriptions} streams open (maxSubscriptions)`,
    );
  }
  // Counted from here, before any await, so concurrent subscribes cannot all pass the check above.
  ctx.lifecycle.subscriptions++;
  ctx.metrics.subscriptions.inc();
  const { signal, release } = callSignal(call, ctx);
  try {
    await streamPartition(ctx, request, call, partition, signal);
    if (ctx.lifecycle.shuttingDown && !call.cancelled) throw new TributaryError('BROKER_SHUTTING_DOWN');
  } finally {
    release();
    ctx.lifecycle.subscriptions--;
    ctx.metrics.subscriptions.dec();
  }
}

async function streamPartition(
  ctx: ApiContext,
  request: SubscribeRequest__Output,
  call: ServerWritableStream<SubscribeRequest__Output, SubscribeResponse>,
  partition: Partition,
  signal: AbortSignal,
): Promise<void> {
  const maxBytes =
    request.max_bytes === 0
      ? ctx.config.defaultPartitionFetchBytes
      : Math.min(request.max_bytes, ctx.config.maxFetchBytes);
  const decode = wantsRecords(request.format);
  let next = await startOffset(request, partition);
  // Read-ahead: the next chunk is read from the log while this one is serialised and written, so disk
  // reads overlap with the network instead of alternating with it.
  const readAt = (offset: number) => {
    const p = partition.read(offset, maxBytes);
    p.catch(() => undefined); // Surfaces when awaited; never unhandled if the loop ends first.
    return p;
  };
  let ahead = readAt(next);
  while (!signal.aborted) {
    if (ctx.replicas.find(request.topic, request.partition) !== partition) {
      // The replica left this broker: its topic was deleted (UNKNOWN_TOPIC), or a reassignment moved it
      // away, its leadership first, both between two looks. Then the client re-subscribes where it is led.
      leaderPartition(ctx, request.topic, request.partition);
      throw new TributaryError(
        'NOT_LEADER',
        `${request.topic}/${request.partition} is no longer led by this replica; subscribe again`,
      );
    }
    if (!partition.isLeader) {
      // Leadership moved: the client re-subscribes at the new leader from its next offset.
      leaderPartition(ctx, request.topic, request.partition);
      throw new TributaryError('NOT_LEADER', `${request.topic}/${request.partition} is no longer led here`);
    }
    const read = await ahead;
    if (signal.aborted) break; // Cancelled while reading: nothing more to write.
    if (read.batches.length === 0) {
      // The read-ahead may predate appends made while the last message was written: look again before
      // sleeping, or the stream would stall until the next append or the idle recheck.
      if (next >= partition.highWatermark) await partition.waitForChange(IDLE_RECHECK_MS, signal);
      ahead = readAt(next);
      continue;
    }
    const from = next;
    let content: Pick<SubscribeResponse, 'batches' | 'records'>;
    let bytesOut = read.batches.length;
    let recordsOut: number;
    if (decode) {
      // Decoded within max_bytes. A batch no reader can decode ends the stream with its reason, once the
      // records before it were delivered (the next read starts at it).
      const decoded = toWireRecords(read.batches, from, {
        maxBytes,
        maxDecompressedBytes: ctx.config.maxFetchBytes,
        atLeastOne: true,
      });
      if (decoded.error !== undefined) throw decoded.error;
      next = decoded.nextOffset;
      bytesOut = decoded.bytes;
      recordsOut = decoded.records.length;
      content = { records: decoded.records };
    } else {
      const summary = summarizeBatches(read.batches, from);
      next = summary.nextOffset;
      recordsOut = summary.records;
      content = { batches: read.batches };
    }
    ahead =
      next < partition.highWatermark
        ? readAt(next)
        : Promise.resolve({ batches: EMPTY, logStartOffset: 0, logEndOffset: 0 });
    ctx.metrics.bytesOut.inc({ topic: request.topic }, bytesOut);
    ctx.metrics.recordsOut.inc({ topic: request.topic }, recordsOut);
    const message: SubscribeResponse = {
      next_offset: String(next),
      high_watermark: String(partition.highWatermark),
      ...content,
    };
    if (!call.write(message)) await drained(call, signal);
  }
}

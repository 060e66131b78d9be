import type { ServerUnaryCall } from '@grpc/grpc-js';
import { TributaryError } from '../../proto/errors.js';
import type { FetchPartitionResponse } from '../../proto/generated/tributary/v1/FetchPartitionResponse.js';
import type { FetchRequest__Output } from '../../proto/generated/tributary/v1/FetchRequest.js';
import type { FetchResponse } from '../../proto/generated/tributary/v1/FetchResponse.js';
import type { Partition } from '../replication/partition.js';
import type { ApiContext } from './context.js';
import { wantsRecords } from './enums.js';
import { asTributaryError, parseOffset, requirePartitions, toWireError } from './errors.js';
import { leaderPartition } from './leader.js';
import { summarizeBatches, toWireRecords } from './records.js';
import { callSignal } from './rpc.js';
import { endSpan, startFetchSpan } from './tracing.js';

interface Wanted {
  topic: string;
  partitionIndex: number;
  partition: Partition | undefined;
  offset: number;
  maxBytes: number;
  error: unknown;
}

/**
 * Fetch: read up to max_bytes across the requested partitions, at most the high watermark. If fewer than
 * min_bytes are ready, long-poll: wait for appends to any requested partition until max_wait_ms (capped by
 * the broker's maxFetchWaitMs), the client cancels, or the broker shuts down; then read again.
 */
export async function fetch(
  ctx: ApiContext,
  request: FetchRequest__Output,
  call: ServerUnaryCall<FetchRequest__Output, FetchResponse>,
): Promise<FetchResponse> {
  requirePartitions(request.topics, 'fetch request');
  const maxWaitMs = Math.min(request.max_wait_ms, ctx.config.maxFetchWaitMs);
  const minBytes = Math.max(1, request.min_bytes);
  const maxBytes =
    request.max_bytes === 0
      ? ctx.config.maxFetchBytes
      : Math.min(request.max_bytes, ctx.config.maxFetchBytes);
  const decode = wantsRecords(request.format);
  const wanted: Wanted[] = [];
  const seen = new Set<string>();
  for (const t of request.topics) {
    for (const p of t.partitions) {
      const w: Wanted = {
        topic: t.topic,
        partitionIndex: p.partition,
        partition: undefined,
        offset: 0,
        maxBytes: Math.min(p.max_bytes === 0 ? ctx.config.defaultPartitionFetchBytes : p.max_bytes, maxBytes),
        error: undefined,
      };
      try {
        const key = `${t.topic}\u0000${p.partition}`;
        if (seen.has(key))
          throw new TributaryError('INVALID_REQUEST', `partition ${p.partition} of ${t.topic} appears twice`);
        seen.add(key);
        w.offset = parseOffset(p.fetch_offset, 'fetch_offset');
        w.partition = leaderPartition(ctx, t.topic, p.partition);
      } catch (err) {
        w.error = err;
      }
      wanted.push(w);
    }
  }

  const deadline = Date.now() + maxWaitMs;
  const { signal, release } = callSignal(call, ctx);
  const span = startFetchSpan(wanted.length, ctx.config.nodeId);
  let failure: TributaryError | undefined;
  try {
    for (;;) {
      // High watermarks before reading: an append that lands while we read is seen below, not missed.
      const live = wanted.filter((w) => w.partition !== undefined).map((w) => w.partition!);
      const before = live.map((p) => p.highWatermark);
      const results = await readAll(wanted, maxBytes);
      const total = results.reduce((n, r) => n + r.bytes, 0);
      const anyError =
        wanted.some((w) => w.error !== undefined) || results.some((r) => r.error !== undefined);
      const remainingMs = deadline - Date.now();
      if (total >= minBytes || anyError || remainingMs <= 0 || signal.aborted) {
        return respond(ctx, request, wanted, results, decode ? maxBytes : undefined);
      }
      if (live.some((p, k) => p.highWatermark !== before[k])) continue;
      const controller = new AbortController();
      const onAbort = () => controller.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      await Promise.race(live.map((p) => p.waitForChange(remainingMs, controller.signal)));
      controller.abort();
      signal.removeEventListener('abort', onAbort);
    }
  } catch (err) {
    failure = asTributaryError(err);
    throw err;
  } finally {
    endSpan(span, failure);
    release();
  }
}

interface ReadOutcome {
  batches: Buffer;
  bytes: number;
  error: unknown;
}

async function readAll(wanted: Wanted[], maxBytes: number): Promise<ReadOutcome[]> {
  let budget = maxBytes;
  const out: ReadOutcome[] = [];
  for (const w of wanted) {
    if (w.partition === undefined || w.error !== undefined) {
      out.push({ batches: Buffer.alloc(0), bytes: 0, error: w.error });
      continue;
    }
    try {
      // Once the budget is spent, later partitions send nothing (the first always gets at least one batch).
      const limit = out.some((o) => o.bytes > 0) ? Math.min(w.maxBytes, budget) : w.maxBytes;
      if (limit <= 0) {
        out.push({ batches: Buffer.alloc(0), bytes: 0, error: undefined });
        continue;
      }
      const read = await w.partition.read(w.offset, limit);
      budget -= read.batches.length;
      out.push({ batches: read.batches, bytes: read.batches.length, error: undefined });
    } catch (err) {
      out.push({ batches: Buffer.alloc(0), bytes: 0, error: err });
    }
  }
  return out;
}

/**
 * The answer, item by item. `decodeBytes` (RECORDS format: the request's byte limit) bounds both the
 * decoded records of the whole answer (the first item with records always gets at least one) and the
 * decompressed size of any batch; a batch that cannot be decoded fails its own item only.
 */
function respond(
  ctx: ApiContext,
  request: FetchRequest__Output,
  wanted: Wanted[],
  results: ReadOutcome[],
  decodeBytes: number | undefined,
): FetchResponse {
  const byTopic = new Map<string, FetchPartitionResponse[]>();
  let budget = decodeBytes ?? 0;
  let anyRecords = false;
  wanted.forEach((w, i) => {
    const r = results[i]!;
    const list = byTopic.get(w.topic) ?? [];
    byTopic.set(w.topic, list);
    const p = w.partition;
    const base = {
      partition: w.partitionIndex,
      high_watermark: String(p?.highWatermark ?? -1),
      log_start_offset: String(p?.logStartOffset ?? -1),
    };
    if (r.error !== undefined) {
      list.push({ ...base, error: toWireError(r.error) });
      return;
    }
    if (decodeBytes !== undefined) {
      const decoded = toWireRecords(r.batches, w.offset, {
        maxBytes: anyRecords ? Math.min(w.maxBytes, budget) : w.maxBytes,
        maxDecompressedBytes: decodeBytes,
        atLeastOne: !anyRecords,
      });
      if (decoded.error !== undefined) {
        ctx.metrics.requestErrors.inc({ method: 'Fetch', reason: decoded.error.reason });
        list.push({ ...base, error: toWireError(decoded.error) });
        return;
      }
      if (decoded.records.length > 0) {
        anyRecords = true;
        budget -= decoded.bytes;
        ctx.metrics.bytesOut.inc({ topic: w.topic }, decoded.bytes);
        ctx.metrics.recordsOut.inc({ topic: w.topic }, decoded.records.length);
      }
      list.push({ ...base, records: decoded.records });
      return;
    }
    if (r.bytes > 0) {
      ctx.metrics.bytesOut.inc({ topic: w.topic }, r.bytes);
      ctx.metrics.recordsOut.inc({ topic: w.topic }, summarizeBatches(r.batches, w.offset).records);
    }
    list.push({ ...base, batches: r.batches });
  });
  return {
    topics: request.topics
      .map((t) => t.topic)
      .filter((name, i, all) => all.indexOf(name) === i)
      .map((topic) => ({ topic, partitions: byTopic.get(topic) ?? [] })),
  };
}

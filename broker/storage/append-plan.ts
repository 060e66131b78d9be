import {
  readBatchHeader,
  setBaseOffset,
  setPartitionLeaderEpoch,
  stampLogAppendTime,
} from '../../proto/codec/index.js';
import { TributaryError } from '../../proto/errors.js';
import type { EpochEntry } from './leader-epoch-cache.js';
import {
  type DuplicateBatch,
  type PlannedSequence,
  type ProducerWrite,
  producerWriteOf,
} from './producer-state-manager.js';

/** What an append wrote (or, for a duplicate, what the original write did). */
export interface AppendInfo {
  baseOffset: number;
  lastOffset: number;
  recordCount: number;
  batchCount: number;
  sizeBytes: number;
  /** The stamped log-append time, -1 for CreateTime topics. */
  logAppendTimeMs: number;
  maxTimestamp: number;
  /** A retried batch of an idempotent producer that was already in the log: nothing was written. */
  duplicate?: boolean;
}

/** One batch of an append, where it sits in the request buffer and the offsets it got. */
export interface BatchMeta {
  baseOffset: number;
  lastOffset: number;
  position: number;
  sizeBytes: number;
  maxTimestamp: number;
}

/** A batch as `validateBatches` describes it. */
interface CheckedBatch {
  position: number;
  sizeBytes: number;
  recordCount: number;
  lastOffsetDelta: number;
  maxTimestamp: number;
}

/**
 * An append, analysed before it is queued (Kafka's `LogAppendInfo` analysis): the batches' offsets, the
 * producer-state entries they will write, the epochs they start, and where the log will end.
 */
export interface AppendPlan {
  metas: BatchMeta[];
  producerWrites: ProducerWrite[];
  /** Leader epochs first seen in these batches, with their start offsets. */
  newEpochs: EpochEntry[];
  maxTimestamp: number;
  /** The log end once the append is written. */
  endOffset: number;
}

/**
 * A producer's append on the leader: assigns offsets from `baseOffset` and stamps the leader epoch (and
 * the append time for LogAppendTime topics) into each batch in place, without copying.
 */
export function planLeaderAppend(
  batches: Buffer,
  validated: ReadonlyArray<CheckedBatch>,
  opts: {
    baseOffset: number;
    leaderEpoch: number;
    nowMs: number;
    logAppendTime: boolean;
    planned: ReadonlyArray<PlannedSequence | undefined>;
  },
): AppendPlan {
  let offset = opts.baseOffset;
  let maxTimestamp = -1;
  const metas: BatchMeta[] = [];
  const producerWrites: ProducerWrite[] = [];
  validated.forEach((v, i) => {
    setBaseOffset(batches, v.position, offset);
    setPartitionLeaderEpoch(batches, v.position, opts.leaderEpoch);
    if (opts.logAppendTime) stampLogAppendTime(batches, v.position, opts.nowMs);
    const batchMaxTimestamp = opts.logAppendTime ? opts.nowMs : v.maxTimestamp;
    if (batchMaxTimestamp > maxTimestamp) maxTimestamp = batchMaxTimestamp;
    metas.push({
      baseOffset: offset,
      lastOffset: offset + v.lastOffsetDelta,
      position: v.position,
      sizeBytes: v.sizeBytes,
      maxTimestamp: batchMaxTimestamp,
    });
    const seq = opts.planned[i];
    if (seq !== undefined) {
      producerWrites.push({
        producerId: seq.producerId,
        epoch: seq.epoch,
        batch: {
          firstSeq: seq.firstSeq,
          lastSeq: seq.lastSeq,
          firstOffset: offset,
          lastOffset: offset + v.lastOffsetDelta,
          timestampMs: batchMaxTimestamp,
        },
      });
    }
    offset += v.recordCount;
  });
  if (!Number.isSafeInteger(offset)) throw new TributaryError('STORAGE_ERROR', 'offsets exhausted');
  const endOffset = metas[metas.length - 1]!.lastOffset + 1;
  return { metas, producerWrites, newEpochs: [], maxTimestamp, endOffset };
}

/**
 * Batches copied from the partition leader, as they are: offsets and leader epochs already set. They
 * must continue the log exactly (first base offset == `nextOffset`), offsets dense, epochs never going
 * back below `latestEpoch`.
 */
export function planReplicatedAppend(
  batches: Buffer,
  validated: ReadonlyArray<CheckedBatch>,
  opts: { nextOffset: number; latestEpoch: number },
): AppendPlan {
  let expected = opts.nextOffset;
  let latestEpoch = opts.latestEpoch;
  let maxTimestamp = -1;
  const metas: BatchMeta[] = [];
  const newEpochs: EpochEntry[] = [];
  const producerWrites: ProducerWrite[] = [];
  for (const v of validated) {
    const header = readBatchHeader(batches, v.position);
    if (header.baseOffset !== expected) {
      throw new TributaryError(
        'CORRUPT_BATCH',
        `replicated batch starts at offset ${header.baseOffset}, but the log ends at ${expected}`,
      );
    }
    if (header.partitionLeaderEpoch < latestEpoch) {
      throw new TributaryError(
        'CORRUPT_BATCH',
        `replicated batch at ${header.baseOffset} has leader epoch ${header.partitionLeaderEpoch}, older than ${latestEpoch}`,
      );
    }
    if (header.partitionLeaderEpoch > latestEpoch) {
      latestEpoch = header.partitionLeaderEpoch;
      newEpochs.push({ epoch: latestEpoch, startOffset: expected });
    }
    if (v.maxTimestamp > maxTimestamp) maxTimestamp = v.maxTimestamp;
    metas.push({
      baseOffset: expected,
      lastOffset: expected + v.lastOffsetDelta,
      position: v.position,
      sizeBytes: v.sizeBytes,
      maxTimestamp: v.maxTimestamp,
    });
    const write = producerWriteOf(header, header.maxTimestamp);
    if (write !== undefined) producerWrites.push(write);
    expected += v.lastOffsetDelta + 1;
  }
  return { metas, producerWrites, newEpochs, maxTimestamp, endOffset: expected };
}

/** The answer to a duplicate: the original batch's offsets, once the original write is done. */
export function answerDuplicate(duplicate: DuplicateBatch): Promise<AppendInfo> {
  const { batch } = duplicate;
  const info: AppendInfo = {
    baseOffset: batch.firstOffset,
    lastOffset: batch.lastOffset,
    recordCount: batch.lastOffset - batch.firstOffset + 1,
    batchCount: 1,
    sizeBytes: 0,
    logAppendTimeMs: -1,
    maxTimestamp: batch.timestampMs,
    duplicate: true,
  };
  return duplicate.written === undefined ? Promise.resolve(info) : duplicate.written.then(() => info);
}

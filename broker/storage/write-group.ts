import type { AppendInfo, BatchMeta } from './append-plan.js';
import type { LogConfig } from './log-config.js';
import type { LogSegment } from './log-segment.js';
import type { ProducerWrite } from './producer-state-manager.js';

/** Appends coalesced into one writev: bounded by IOV_MAX and by bytes in flight. */
const WRITE_GROUP_BUFFERS_MAX = 1024;
const WRITE_GROUP_BYTES_MAX = 16 * 1024 * 1024;
/** Offsets in a segment's index are 32-bit, relative to its base offset. */
const RELATIVE_OFFSET_MAX = 0x7fffffff;

/** An append whose offsets are assigned, waiting in a partition log's queue for its write. */
export interface PendingAppend {
  buf: Buffer;
  batches: BatchMeta[];
  producerWrites: ProducerWrite[];
  info: AppendInfo;
  nowMs: number;
  resolve(info: AppendInfo): void;
  reject(err: unknown): void;
}

type RollConfig = Pick<LogConfig, 'segmentBytes' | 'segmentMs'>;

/**
 * True when `item` may not go into `segment` once `pendingBytes` more are written to it: the segment
 * would pass segmentBytes, is older than segmentMs, has a full offset index, or the item's offsets would
 * not fit its relative offsets. An empty segment takes anything.
 */
export function mustRoll(
  segment: LogSegment,
  pendingBytes: number,
  item: PendingAppend,
  config: RollConfig,
): boolean {
  const size = segment.sizeBytes + pendingBytes;
  if (size === 0) return false;
  return (
    size + item.buf.length > config.segmentBytes ||
    (segment.firstAppendWallMs >= 0 && item.nowMs - segment.firstAppendWallMs >= config.segmentMs) ||
    segment.offsetIndex.isFull ||
    item.info.lastOffset - segment.baseOffset > RELATIVE_OFFSET_MAX
  );
}

/**
 * Takes the queued appends for one writev on `segment`: at least one, then more while the group stays
 * within its bounds and the segment need not roll.
 */
export function takeWriteGroup(
  queue: PendingAppend[],
  segment: LogSegment,
  config: RollConfig,
): { group: PendingAppend[]; groupBytes: number } {
  const group: PendingAppend[] = [];
  let groupBytes = 0;
  while (queue.length > 0 && group.length < WRITE_GROUP_BUFFERS_MAX && groupBytes < WRITE_GROUP_BYTES_MAX) {
    const item = queue[0]!;
    if (group.length > 0 && mustRoll(segment, groupBytes, item, config)) break;
    group.push(queue.shift()!);
    groupBytes += item.buf.length;
  }
  return { group, groupBytes };
}

/** After the group's write: enters its batches in the segment's indexes; returns the records written. */
export function recordWrittenGroup(
  segment: LogSegment,
  group: PendingAppend[],
  indexIntervalBytes: number,
): number {
  if (segment.firstAppendWallMs < 0) segment.firstAppendWallMs = group[0]!.nowMs;
  let position = segment.sizeBytes;
  let records = 0;
  for (const item of group) {
    for (const b of item.batches) {
      segment.appended(
        b.baseOffset,
        b.lastOffset,
        position + b.position,
        b.sizeBytes,
        b.maxTimestamp,
        indexIntervalBytes,
      );
    }
    position += item.buf.length;
    records += item.info.recordCount;
  }
  return records;
}

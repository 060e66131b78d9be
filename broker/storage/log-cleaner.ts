import type { FileHandle } from 'node:fs/promises';
import { open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../kit/atomic-file.js';
import { sleep } from '../../kit/sleep.js';
import { filterBatch, forEachRecord, type ScannedBatch, scanLog } from '../../proto/codec/index.js';
import type { FileHandleCache } from './file-handle-cache.js';
import { type LogSegment, readAt } from './log-segment.js';
import type { PartitionLog } from './partition-log.js';

/** Per-partition file: the offset below which the log is compacted (Kafka's cleaner-offset-checkpoint). */
export const CLEANER_CHECKPOINT_FILE = 'cleaner-offset-checkpoint';

export interface CompactionLimits {
  /** Keys held in memory per pass; a pass indexes fewer segments rather than exceed it. */
  maxKeys: number;
  /** Rewrite speed limit, bytes per second (0: unlimited). */
  ioBytesPerSecond: number;
}

export interface CompactionResult {
  /** Closed segments rewritten. */
  segmentsRewritten: number;
  recordsRemoved: number;
  bytesBefore: number;
  bytesAfter: number;
  /** The new first dirty offset: everything below it is compacted. */
  cleanedTo: number;
}

export async function readCleanerCheckpoint(dir: string): Promise<number> {
  try {
    const m = /^0\n(\d+)\n$/.exec(await readFile(join(dir, CLEANER_CHECKPOINT_FILE), 'utf8'));
    return m === null ? 0 : Number(m[1]);
  } catch {
    return 0;
  }
}

async function writeCleanerCheckpoint(dir: string, offset: number): Promise<void> {
  await writeFileAtomic(join(dir, CLEANER_CHECKPOINT_FILE), `0\n${offset}\n`);
}

/** Bytes of closed segments at or after the first dirty offset, and of all closed segments. */
export function dirtyBytes(log: PartitionLog, firstDirty: number): { dirty: number; total: number } {
  let dirty = 0;
  let total = 0;
  for (const s of log.closedSegments()) {
    total += s.sizeBytes;
    if (s.nextOffset > firstDirty) dirty += s.sizeBytes;
  }
  return { dirty, total };
}

/**
 * One compaction pass over a partition log (Kafka's log cleaner): index the latest offset of every key
 * in the dirty closed segments (those written since the last pass, at most `maxKeys` keys), then rewrite
 * every closed segment up to there, dropping records whose key has a later record, and tombstones older
 * than `deleteRetentionMs`. The active segment is never touched; records younger than
 * `minCompactionLagMs` are not indexed; keyless records are kept. Each rewritten segment is swapped in
 * atomically (see PartitionLog.replaceSegment), so reads during a pass always see whole segments.
 */
export async function compactLog(
  log: PartitionLog,
  files: FileHandleCache,
  limits: CompactionLimits,
  nowMs = Date.now(),
  /** Nothing at or past this offset is compacted (the high watermark: uncommitted data may still change). */
  uncleanableFrom = Number.POSITIVE_INFINITY,
  signal?: AbortSignal,
): Promise<CompactionResult> {
  const config = log.currentConfig;
  // A pass cut short by a crash leaves its temporary files: they are never swapped in, so drop them.
  for (const name of await readdir(log.dir)) {
    if (name.endsWith('.log.cleaned')) await rm(join(log.dir, name), { force: true });
  }
  const firstDirty = Math.max(await readCleanerCheckpoint(log.dir), log.logStartOffset);
  const closed = log.closedSegments();
  // 1. Index the dirty segments, whole segments at a time, while keys fit and records are old enough.
  const { latest, cleanedTo } = await indexDirtyKeys(closed, files, {
    firstDirty,
    uncleanableFrom,
    oldEnoughBeforeMs: nowMs - config.minCompactionLagMs,
    maxKeys: limits.maxKeys,
  });
  const result: CompactionResult = {
    segmentsRewritten: 0,
    recordsRemoved: 0,
    bytesBefore: 0,
    bytesAfter: 0,
    cleanedTo,
  };
  if (cleanedTo === firstDirty) return result;
  const tombstoneDeadline = nowMs - config.deleteRetentionMs;
  const throttle = new Throttle(limits.ioBytesPerSecond);
  // 2. Rewrite every closed segment below the indexed end.
  for (const segment of closed) {
    if (segment.baseOffset >= cleanedTo) break;
    if (signal?.aborted) break;
    const { cleanedPath, removed, written, endOffset } = await writeCleanedCopy(
      segment,
      files,
      latest,
      tombstoneDeadline,
      throttle,
    );
    // Nothing removed, or the segment changed under us (it must cover exactly the same offsets): skip.
    if (removed === 0 || endOffset !== segment.nextOffset) {
      await rm(cleanedPath, { force: true });
      continue;
    }
    const before = segment.sizeBytes;
    if (await log.replaceSegment(segment, cleanedPath)) {
      result.segmentsRewritten++;
      result.recordsRemoved += removed;
      result.bytesBefore += before;
      result.bytesAfter += written;
    }
  }
  await writeCleanerCheckpoint(log.dir, cleanedTo);
  return result;
}

/**
 * The latest offset of every key in the dirty closed segments, from `firstDirty` on: whole segments, while
 * the keys fit in `maxKeys` (the first dirty segment always counts) and before the first segment that is
 * uncleanable or has records newer than `oldEnoughBeforeMs`. `cleanedTo` is where the indexed part ends.
 */
async function indexDirtyKeys(
  closed: ReadonlyArray<LogSegment>,
  files: FileHandleCache,
  bounds: { firstDirty: number; uncleanableFrom: number; oldEnoughBeforeMs: number; maxKeys: number },
): Promise<{ latest: Map<string, number>; cleanedTo: number }> {
  const latest = new Map<string, number>();
  let cleanedTo = bounds.firstDirty;
  for (const segment of closed) {
    if (segment.nextOffset <= bounds.firstDirty) continue;
    if (segment.nextOffset > bounds.uncleanableFrom) break;
    if (segment.maxTimestamp >= 0 && segment.maxTimestamp > bounds.oldEnoughBeforeMs) break;
    const keys = new Map<string, number>();
    await files.use(segment.logPath, (fh) =>
      forEachChunk(fh, segment.sizeBytes, async (chunk, batches) => {
        for (const b of batches) {
          forEachRecord(chunk, b.position, (r) => {
            if (r.key !== null) keys.set(r.key.toString('latin1'), r.offset);
          });
        }
      }),
    );
    let added = 0;
    for (const k of keys.keys()) if (!latest.has(k)) added++;
    if (latest.size + added > bounds.maxKeys && cleanedTo > bounds.firstDirty) break;
    for (const [k, offset] of keys) latest.set(k, offset);
    cleanedTo = segment.nextOffset;
  }
  return { latest, cleanedTo };
}

/**
 * Writes `<segment>.cleaned`: the segment without records whose key has a later record in `latest`, and
 * without tombstones older than `tombstoneDeadline`; fsynced. Returns what it removed and wrote, and the
 * offset the copy ends at (to check the segment did not change meanwhile).
 */
async function writeCleanedCopy(
  segment: LogSegment,
  files: FileHandleCache,
  latest: ReadonlyMap<string, number>,
  tombstoneDeadline: number,
  throttle: Throttle,
): Promise<{ cleanedPath: string; removed: number; written: number; endOffset: number }> {
  const cleanedPath = `${segment.logPath}.cleaned`;
  const out = await open(cleanedPath, 'w');
  let removed = 0;
  let written = 0;
  let endOffset = segment.baseOffset;
  try {
    await files.use(segment.logPath, (fh) =>
      forEachChunk(fh, segment.sizeBytes, async (chunk, batches) => {
        const kept = batches.map((b) =>
          filterBatch(chunk, b.position, (r) => {
            if (r.key === null) return true;
            const newest = latest.get(r.key.toString('latin1'));
            const superseded = newest !== undefined && newest > r.offset;
            const expiredTombstone = r.tombstone && !superseded && r.timestamp < tombstoneDeadline;
            if (superseded || expiredTombstone) removed++;
            return !(superseded || expiredTombstone);
          }),
        );
        const last = batches[batches.length - 1]!;
        endOffset = last.lastOffset + 1;
        const bytes = Buffer.concat(kept);
        written += bytes.length;
        await throttle.take(bytes.length);
        await out.write(bytes);
      }),
    );
    await out.sync();
  } finally {
    await out.close();
  }
  return { cleanedPath, removed, written, endOffset };
}

/** Reads a segment a chunk at a time (at least one whole batch), so memory stays bounded. */
async function forEachChunk(
  fh: FileHandle,
  size: number,
  fn: (chunk: Buffer, batches: ScannedBatch[]) => Promise<void>,
): Promise<void> {
  let pos = 0;
  let want = CHUNK_BYTES;
  while (pos < size) {
    const chunk = await readAt(fh, pos, Math.min(size - pos, want));
    const r = scanLog(chunk, 0, { verifyCrc: false });
    if (r.batches.length === 0) {
      if (r.status === 'incomplete' && r.nextBatchBytes > want) {
        want = r.nextBatchBytes;
        continue;
      }
      throw new Error(`unreadable batch at ${pos} of a closed segment (${r.status})`);
    }
    await fn(chunk, r.batches);
    pos += r.endPosition;
    want = CHUNK_BYTES;
  }
}

const CHUNK_BYTES = 1024 * 1024;

/** A token bucket over bytes per second; 0 means unlimited. */
class Throttle {
  private startMs = Date.now();
  private bytes = 0;

  constructor(private readonly bytesPerSecond: number) {}

  async take(n: number): Promise<void> {
    if (this.bytesPerSecond <= 0) return;
    this.bytes += n;
    const dueMs = this.startMs + (this.bytes / this.bytesPerSecond) * 1000;
    const waitMs = dueMs - Date.now();
    if (waitMs > 0) await sleep(waitMs);
  }
}

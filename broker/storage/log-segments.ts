import { rename, rm } from 'node:fs/promises';
import { syncDirectory } from '../../kit/atomic-file.js';
import type { ScannedBatch } from '../../proto/codec/index.js';
import { TributaryError } from '../../proto/errors.js';
import type { FileHandleCache } from './file-handle-cache.js';
import { floorEntry } from './index-file.js';
import type { LogConfig } from './log-config.js';
import { LogSegment, scanFile } from './log-segment.js';
import { isMissingFile, storageError } from './storage-error.js';

/**
 * The ordered segment list of one partition log, like Kafka's `LogSegments`: oldest first, never empty,
 * the last one active (the only one written). Base offsets ascend strictly and each segment's data ends
 * where the next one starts, so the segment holding an offset is the floor of its base offsets.
 *
 * The list knows nothing about locking: its owner (PartitionLog) changes it only inside its serial lane.
 */
export class LogSegments {
  private list: LogSegment[];

  constructor(segments: LogSegment[]) {
    if (segments.length === 0) throw new RangeError('a log has at least one segment');
    this.list = segments;
  }

  get active(): LogSegment {
    return this.list[this.list.length - 1]!;
  }

  get logStartOffset(): number {
    return this.list[0]!.baseOffset;
  }

  get count(): number {
    return this.list.length;
  }

  get sizeBytes(): number {
    let total = 0;
    for (const s of this.list) total += s.sizeBytes;
    return total;
  }

  /** A snapshot of every segment, oldest first (safe to keep across awaits). */
  all(): ReadonlyArray<LogSegment> {
    return this.list.slice();
  }

  /** The closed segments (never the active one), oldest first: what compaction may rewrite. */
  closed(): ReadonlyArray<LogSegment> {
    return this.list.slice(0, -1);
  }

  /** Index of the segment whose base offset is the greatest one <= `offset` (0 below the log start). */
  floorIndex(offset: number): number {
    return Math.max(
      0,
      floorEntry(this.list.length, (i) => this.list[i]!.baseOffset, offset),
    );
  }

  /** The segment at `index` (oldest first). */
  at(index: number): LogSegment | undefined {
    return this.list[index];
  }

  /** Segments from `index` on, oldest first. */
  from(index: number): ReadonlyArray<LogSegment> {
    return this.list.slice(index);
  }

  indexOf(segment: LogSegment): number {
    return this.list.indexOf(segment);
  }

  /**
   * How many of the oldest segments are past retention (time, then size), never counting the active
   * one: a segment expires when its newest record is older than retentionMs, and further segments go
   * while the log stays at or above retentionBytes without them.
   */
  retentionCount(config: Pick<LogConfig, 'retentionMs' | 'retentionBytes'>, nowMs: number): number {
    const { retentionMs, retentionBytes } = config;
    const candidates = this.list.length - 1;
    let count = 0;
    if (retentionMs >= 0) {
      while (count < candidates && nowMs - this.list[count]!.largestTimestampMs > retentionMs) count++;
    }
    if (retentionBytes >= 0) {
      let excess = this.sizeBytes - retentionBytes;
      for (let i = 0; i < count; i++) excess -= this.list[i]!.sizeBytes;
      while (count < candidates && excess - this.list[count]!.sizeBytes >= 0) {
        excess -= this.list[count]!.sizeBytes;
        count++;
      }
    }
    return count;
  }

  /** Adds a new active segment after the current one. */
  push(segment: LogSegment): void {
    const active = this.active;
    if (segment.baseOffset < active.nextOffset) {
      throw new RangeError(`segment at ${segment.baseOffset} starts before the log end ${active.nextOffset}`);
    }
    this.list.push(segment);
  }

  /** Removes and returns the `count` oldest segments; the active one always stays. */
  removeOldest(count: number): LogSegment[] {
    if (count >= this.list.length)
      throw new RangeError(`cannot remove ${count} of ${this.list.length} segments`);
    return this.list.splice(0, count);
  }

  /** Removes and returns every segment after `index`, newest first (the order to delete them in). */
  removeAfter(index: number): LogSegment[] {
    return this.list.splice(index + 1).reverse();
  }

  /** Replaces the whole list by one fresh segment; returns the old ones. */
  resetTo(segment: LogSegment): LogSegment[] {
    const old = this.list;
    this.list = [segment];
    return old;
  }

  /** Puts `fresh` (same base offset) in the place of the segment at `index`. */
  replaceAt(index: number, fresh: LogSegment): void {
    if (this.list[index]?.baseOffset !== fresh.baseOffset)
      throw new RangeError('replacement moves a segment');
    this.list[index] = fresh;
  }

  /**
   * Whole batches from the one holding `offset`, up to `maxBytes` (at least one batch) and below
   * `maxOffset`; empty past the last segment. A segment deleted under the read (retention) is
   * OFFSET_OUT_OF_RANGE.
   */
  async read(files: FileHandleCache, offset: number, maxBytes: number, maxOffset: number): Promise<Buffer> {
    for (const segment of this.from(this.floorIndex(offset))) {
      if (offset >= segment.nextOffset) continue;
      try {
        return await segment.read(files, offset, Math.max(0, maxBytes), maxOffset);
      } catch (err) {
        if (isMissingFile(err)) {
          throw new TributaryError('OFFSET_OUT_OF_RANGE', `offset ${offset} was deleted by retention`);
        }
        throw storageError(err, `reading ${segment.logPath}`);
      }
    }
    return Buffer.alloc(0);
  }

  /** The first record at or after `timestampMs` below `endOffset`, null when there is none. */
  async findByTimestamp(
    files: FileHandleCache,
    timestampMs: number,
    endOffset: number,
  ): Promise<{ offset: number; timestamp: number } | null> {
    for (const segment of this.all()) {
      if (segment.maxTimestamp < timestampMs) continue;
      try {
        const found = await segment.findOffsetByTimestamp(files, timestampMs);
        if (found !== undefined && found.offset < endOffset) return found;
      } catch (err) {
        if (isMissingFile(err)) continue;
        throw storageError(err, `searching ${segment.logPath}`);
      }
    }
    return null;
  }

  /** Calls `onBatch` for every written batch whose base offset is >= `fromOffset`, in offset order. */
  async forEachBatch(
    files: FileHandleCache,
    fromOffset: number,
    onBatch: (batch: ScannedBatch, chunk: Buffer) => void,
  ): Promise<void> {
    for (const segment of this.list.slice()) {
      if (segment.sizeBytes === 0 || segment.nextOffset <= fromOffset) continue;
      await files.use(segment.logPath, async (fh) => {
        await scanFile(fh, 0, segment.sizeBytes, false, (b, _pos, chunk) => {
          if (b.baseOffset >= fromOffset) onBatch(b, chunk);
          return true;
        });
      });
    }
  }
}

/**
 * Puts the compacted copy of `old` (same offsets, some records removed) in its place on disk and
 * returns the segment that reads it. The old indexes go first, so a crash in between leaves a log whose
 * indexes are rebuilt at start.
 */
export async function swapInCleaned(
  old: LogSegment,
  cleanedPath: string,
  files: FileHandleCache,
  indexIntervalBytes: number,
): Promise<LogSegment> {
  await rm(old.offsetIndex.path, { force: true });
  await rm(old.timeIndex.path, { force: true });
  await syncDirectory(old.dir);
  await rename(cleanedPath, old.logPath);
  await syncDirectory(old.dir);
  await files.invalidate(old.logPath);
  const fresh = LogSegment.blank(old.dir, old.baseOffset);
  await fresh.recover(indexIntervalBytes);
  if (fresh.nextOffset !== old.nextOffset) {
    throw new TributaryError(
      'STORAGE_ERROR',
      `compacted segment ${old.logPath} ends at ${fresh.nextOffset}, not ${old.nextOffset}`,
    );
  }
  await fresh.persistIndexes(true);
  return fresh;
}

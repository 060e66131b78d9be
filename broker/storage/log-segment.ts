import type { FileHandle } from 'node:fs/promises';
import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScannedBatch } from '../../proto/codec/index.js';
import { decodeRecordBatch, scanLog } from '../../proto/codec/index.js';
import { TributaryError } from '../../proto/errors.js';
import type { FileHandleCache } from './file-handle-cache.js';
import { OffsetIndex } from './offset-index.js';
import { storageError } from './storage-error.js';
import { TimeIndex } from './time-index.js';

const SCAN_CHUNK_BYTES = 1024 * 1024;
/** A read that must locate its batch first reads at least this much, to amortise the syscall. */
const READ_MIN_BYTES = 16 * 1024;

/** Segment file names: the base offset zero-padded to 20 digits, so `ls` sorts them by offset. */
export function segmentFileName(baseOffset: number, suffix: '.log' | '.index' | '.timeindex'): string {
  return String(baseOffset).padStart(20, '0') + suffix;
}

export type ScanStatus = 'complete' | 'torn' | 'corrupt' | 'stopped';

/** Reads exactly `length` bytes at `position` (fewer only if the file is shorter). */
export async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/**
 * Scans batch headers of a log file from `from` to `fileBytes` in chunks. `onBatch` gets each batch with
 * its file position and the chunk holding it; returning false stops the scan. Ends with `torn` when the
 * file ends inside a batch, `corrupt` at a malformed (or, with verifyCrc, CRC-failing) batch.
 */
export async function scanFile(
  fh: FileHandle,
  from: number,
  fileBytes: number,
  verifyCrc: boolean,
  onBatch: (batch: ScannedBatch, filePosition: number, chunk: Buffer) => boolean,
): Promise<{ endPosition: number; status: ScanStatus }> {
  let pos = from;
  let want = SCAN_CHUNK_BYTES;
  while (pos < fileBytes) {
    const chunk = await readAt(fh, pos, Math.min(fileBytes - pos, want));
    const r = scanLog(chunk, 0, { verifyCrc });
    for (const b of r.batches) {
      if (!onBatch(b, pos + b.position, chunk)) return { endPosition: pos + b.position, status: 'stopped' };
    }
    pos += r.endPosition;
    if (r.status === 'corrupt') return { endPosition: pos, status: 'corrupt' };
    if (r.status === 'incomplete') {
      const left = fileBytes - pos;
      if (r.nextBatchBytes < 0 ? left < 12 : r.nextBatchBytes > left)
        return { endPosition: pos, status: 'torn' };
      want = Math.max(SCAN_CHUNK_BYTES, r.nextBatchBytes);
    }
  }
  return { endPosition: pos, status: 'complete' };
}

/**
 * One segment of a partition log: `<base>.log` holding whole RecordBatch v2 batches back to back (no
 * framing beyond the batch's own length field, exactly as on the wire), plus its sparse `<base>.index`
 * and `<base>.timeindex` (see OffsetIndex and TimeIndex). Offsets in a segment are dense: the first
 * batch starts at `baseOffset` and each batch starts right after the previous one's last offset.
 *
 * Only the active (last) segment has a write handle and grows; readers go through the shared
 * FileHandleCache and see only `sizeBytes`, which advances after a write completed.
 */
export class LogSegment {
  readonly logPath: string;
  sizeBytes = 0;
  nextOffset: number;
  /** Largest batch maxTimestamp in the segment, -1 if none; and the last offset of that batch. */
  maxTimestamp = -1;
  offsetOfMaxTimestamp: number;
  /** Wall-clock time of the first append (age-based roll); the file's birth time after a reload. */
  firstAppendWallMs = -1;
  /** File modification time, the retention clock for segments whose batches carry no timestamp. */
  lastModifiedMs = Date.now();
  private bytesSinceLastIndexEntry = 0;
  writeHandle: FileHandle | undefined;

  constructor(
    readonly dir: string,
    readonly baseOffset: number,
    readonly offsetIndex: OffsetIndex,
    readonly timeIndex: TimeIndex,
  ) {
    if (!(Number.isSafeInteger(baseOffset) && baseOffset >= 0))
      throw new Error(`bad segment base ${baseOffset}`);
    this.logPath = join(dir, segmentFileName(baseOffset, '.log'));
    this.nextOffset = baseOffset;
    this.offsetOfMaxTimestamp = baseOffset;
  }

  static blank(dir: string, baseOffset: number): LogSegment {
    return new LogSegment(
      dir,
      baseOffset,
      new OffsetIndex(join(dir, segmentFileName(baseOffset, '.index')), baseOffset),
      new TimeIndex(join(dir, segmentFileName(baseOffset, '.timeindex')), baseOffset),
    );
  }

  /** Creates (or reuses) the files of a new active segment. */
  static async create(dir: string, baseOffset: number, nowMs: number): Promise<LogSegment> {
    const segment = LogSegment.blank(dir, baseOffset);
    await segment.openForWrite();
    await segment.writeHandle!.truncate(0);
    await segment.offsetIndex.persist(false);
    await segment.timeIndex.persist(false);
    segment.firstAppendWallMs = -1;
    segment.lastModifiedMs = nowMs;
    return segment;
  }

  get isEmpty(): boolean {
    return this.sizeBytes === 0;
  }

  /** Retention clock: the largest timestamp, or the file's mtime when batches carry none. */
  get largestTimestampMs(): number {
    return this.maxTimestamp >= 0 ? this.maxTimestamp : this.lastModifiedMs;
  }

  async openForWrite(): Promise<void> {
    if (this.writeHandle !== undefined) return;
    // 'a+' creates the file without truncating; positional writes need a non-append descriptor.
    await (await open(this.logPath, 'a+')).close();
    this.writeHandle = await open(this.logPath, 'r+');
  }

  /** Writes `buffers` at the end of the segment. Callers update the in-memory state with `appended`. */
  async write(buffers: Buffer[], totalBytes: number): Promise<void> {
    const fh = this.writeHandle;
    if (fh === undefined) throw new Error(`segment ${this.baseOffset} is not writable`);
    let position = this.sizeBytes;
    let pending = buffers;
    let left = totalBytes;
    while (left > 0) {
      const { bytesWritten } = await fh.writev(pending, position);
      if (bytesWritten === left) break;
      // A short write: continue with what is left.
      position += bytesWritten;
      left -= bytesWritten;
      let skip = bytesWritten;
      const rest: Buffer[] = [];
      for (const b of pending) {
        if (skip >= b.length) skip -= b.length;
        else {
          rest.push(skip > 0 ? b.subarray(skip) : b);
          skip = 0;
        }
      }
      pending = rest;
    }
  }

  /** Records a batch written at `position`: advances size and next offset, adds index entries. */
  appended(
    baseOffset: number,
    lastOffset: number,
    position: number,
    sizeBytes: number,
    maxTimestamp: number,
    indexIntervalBytes: number,
  ): void {
    if (baseOffset !== this.nextOffset || position !== this.sizeBytes) {
      throw new Error(
        `segment ${this.baseOffset}: batch ${baseOffset}@${position} does not follow ${this.nextOffset}@${this.sizeBytes}`,
      );
    }
    if (maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = maxTimestamp;
      this.offsetOfMaxTimestamp = lastOffset;
    }
    if (this.bytesSinceLastIndexEntry > indexIntervalBytes) {
      this.offsetIndex.append(baseOffset, position);
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += sizeBytes;
    this.sizeBytes = position + sizeBytes;
    this.nextOffset = lastOffset + 1;
  }

  /** Undoes a failed write: cuts the file back to the committed size. */
  async discardUncommitted(): Promise<void> {
    await this.writeHandle?.truncate(this.sizeBytes);
  }

  async flushLog(): Promise<void> {
    await this.writeHandle?.datasync();
  }

  /** Writes the indexes (fsynced when `sync`). */
  async persistIndexes(sync: boolean): Promise<void> {
    await this.offsetIndex.persist(sync);
    await this.timeIndex.persist(sync);
  }

  /** Called on roll and close: final time-index entry, everything fsynced, write handle closed. */
  async seal(): Promise<void> {
    this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
    await this.flushLog();
    await this.persistIndexes(true);
    await this.writeHandle?.close();
    this.writeHandle = undefined;
  }

  async closeHandles(): Promise<void> {
    await this.writeHandle?.close();
    this.writeHandle = undefined;
  }

  /**
   * Rebuilds the in-memory state and indexes by scanning the log from `position` (0 = whole segment,
   * indexes cleared), checking CRCs and dense offsets; cuts the file at the first torn or corrupt batch.
   * Returns the number of bytes cut.
   */
  async recover(indexIntervalBytes: number, fromPosition = 0): Promise<number> {
    const fh = await open(this.logPath, 'r+');
    try {
      const fileBytes = (await fh.stat()).size;
      if (fromPosition === 0) {
        this.offsetIndex.clear();
        this.timeIndex.clear();
        this.sizeBytes = 0;
        this.nextOffset = this.baseOffset;
        this.maxTimestamp = -1;
        this.offsetOfMaxTimestamp = this.baseOffset;
        this.bytesSinceLastIndexEntry = 0;
      }
      const { endPosition } = await scanFile(fh, fromPosition, fileBytes, true, (b, position) => {
        if (b.baseOffset !== this.nextOffset) return false;
        this.appended(b.baseOffset, b.lastOffset, position, b.sizeBytes, b.maxTimestamp, indexIntervalBytes);
        return true;
      });
      if (endPosition < fileBytes) {
        await fh.truncate(endPosition);
        await fh.datasync();
      }
      this.lastModifiedMs = (await fh.stat()).mtimeMs;
      return fileBytes - endPosition;
    } finally {
      await fh.close();
    }
  }

  /** Reads whole batches from the one containing `offset`, up to `maxBytes` (at least one batch). */
  async read(cache: FileHandleCache, offset: number, maxBytes: number, maxOffset: number): Promise<Buffer> {
    const end = this.sizeBytes;
    let position = this.offsetIndex.lookup(offset).position;
    let want = Math.max(READ_MIN_BYTES, maxBytes);
    return cache.use(this.logPath, async (fh) => {
      while (position < end) {
        const chunk = await readAt(fh, position, Math.min(end - position, want));
        const r = scanLog(chunk);
        const i = r.batches.findIndex((b) => b.lastOffset >= offset);
        if (i < 0) {
          if (r.status === 'corrupt' || chunk.length === 0 || (r.endPosition === 0 && r.nextBatchBytes < 0)) {
            throw new TributaryError('STORAGE_ERROR', `unreadable batch at ${position} in ${this.logPath}`);
          }
          position += r.endPosition;
          if (r.nextBatchBytes > 0) want = Math.max(want, r.nextBatchBytes);
          continue;
        }
        const first = r.batches[i]!;
        if (first.baseOffset >= maxOffset || first.lastOffset >= maxOffset) return Buffer.alloc(0);
        const startInChunk = first.position;
        let taken = 0;
        let j = i;
        for (; j < r.batches.length; j++) {
          const b = r.batches[j]!;
          if (b.lastOffset >= maxOffset || (taken > 0 && taken + b.sizeBytes > maxBytes)) break;
          taken += b.sizeBytes;
        }
        // Re-read only when it can return more: the chunk began before the first wanted batch (so a read
        // from that batch reaches further) and the next batch might still fit (its size is known when its
        // header is in the chunk; otherwise any room left might hold it).
        const nextMightFit = r.nextBatchBytes > 0 ? taken + r.nextBatchBytes <= maxBytes : taken < maxBytes;
        const chunkEndsEarly =
          j === r.batches.length && position + chunk.length < end && startInChunk > 0 && nextMightFit;
        if (!chunkEndsEarly) return chunk.subarray(startInChunk, startInChunk + taken);
        // More batches might fit than this chunk holds: read again from the first batch.
        position += startInChunk;
        want = Math.max(maxBytes, first.sizeBytes);
        const again = await readAt(fh, position, Math.min(end - position, want));
        taken = 0;
        for (const b of scanLog(again).batches) {
          if (b.lastOffset >= maxOffset || (taken > 0 && taken + b.sizeBytes > maxBytes)) break;
          taken += b.sizeBytes;
        }
        return again.subarray(0, taken);
      }
      return Buffer.alloc(0);
    });
  }

  /** The first record with timestamp >= `timestampMs` in this segment, if any. */
  async findOffsetByTimestamp(
    cache: FileHandleCache,
    timestampMs: number,
  ): Promise<{ offset: number; timestamp: number } | undefined> {
    if (this.maxTimestamp < timestampMs) return undefined;
    const start = this.offsetIndex.lookup(this.timeIndex.lookup(timestampMs).offset).position;
    const end = this.sizeBytes;
    let found: { offset: number; timestamp: number } | undefined;
    await cache.use(this.logPath, (fh) =>
      scanFile(fh, start, end, false, (b, _position, chunk) => {
        if (b.maxTimestamp < timestampMs || b.isControl) return true;
        if (chunk.readInt16BE(b.position + 21) & 0x08) {
          found = { offset: b.baseOffset, timestamp: b.maxTimestamp };
          return false;
        }
        for (const r of decodeRecordBatch(chunk, b.position).records) {
          if (r.timestamp >= timestampMs) {
            found = { offset: r.offset, timestamp: r.timestamp };
            return false;
          }
        }
        return true;
      }),
    );
    return found;
  }

  /**
   * Cuts the segment so that `offset` is its next offset, or, if `offset` falls inside a batch, so that
   * the batch holding it is dropped too. Returns the new next offset.
   */
  async truncateTo(cache: FileHandleCache, offset: number, indexIntervalBytes: number): Promise<number> {
    if (offset >= this.nextOffset) return this.nextOffset;
    let cutAt = 0;
    let cutOffset = this.baseOffset;
    const entry = this.offsetIndex.lookup(offset);
    await cache.use(this.logPath, (fh) =>
      scanFile(fh, entry.position, this.sizeBytes, false, (b, position) => {
        if (b.lastOffset >= offset) {
          cutAt = position;
          cutOffset = b.baseOffset;
          return false;
        }
        return true;
      }),
    );
    await cache.invalidate(this.logPath);
    const fh = this.writeHandle ?? (await open(this.logPath, 'r+'));
    try {
      await fh.truncate(cutAt);
      await fh.datasync();
    } finally {
      if (fh !== this.writeHandle) await fh.close();
    }
    // Rebuild state and indexes from the cut file: truncation is rare (replica divergence), so a full
    // rescan is simpler and safer than patching the indexes.
    await this.recover(indexIntervalBytes, 0);
    await this.persistIndexes(true);
    if (this.nextOffset !== cutOffset)
      throw new Error(`truncate reached ${this.nextOffset}, wanted ${cutOffset}`);
    return cutOffset;
  }

  async deleteFiles(cache: FileHandleCache): Promise<void> {
    await this.closeHandles();
    await cache.invalidate(this.logPath);
    try {
      await Promise.all([
        rm(this.logPath, { force: true }),
        rm(this.offsetIndex.path, { force: true }),
        rm(this.timeIndex.path, { force: true }),
      ]);
    } catch (err) {
      throw storageError(err, `deleting segment ${this.logPath}`);
    }
  }

  async statFile(): Promise<{ size: number; mtimeMs: number; birthtimeMs: number }> {
    return stat(this.logPath);
  }
}

import { EventEmitter } from 'node:events';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  PRODUCER_ID_OFFSET,
  readBatchHeader,
  setBaseOffset,
  setPartitionLeaderEpoch,
  stampLogAppendTime,
  validateBatches,
} from '../../proto/codec/index.js';
import { TributaryError } from '../../proto/errors.js';
import type { FileHandleCache } from './file-handle-cache.js';
import { type EpochEntry, LeaderEpochCache } from './leader-epoch-cache.js';
import type { LogConfig } from './log-config.js';
import { validateLogConfig } from './log-config.js';
import type { LoaderLogger } from './log-loader.js';
import { loadSegments } from './log-loader.js';
import { LogSegment, scanFile } from './log-segment.js';
import {
  lastSequence,
  type ProducerBatch,
  type ProducerEntry,
  ProducerStateTable,
} from './producer-state.js';
import { isNotFound, storageError } from './storage-error.js';

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

export interface ReadResult {
  /** Whole batches, possibly empty. The first may start before the requested offset. */
  batches: Buffer;
  logStartOffset: number;
  logEndOffset: number;
}

export interface PartitionLogDeps {
  files: FileHandleCache;
  logger?: LoaderLogger;
}

/** Written at close, removed (durably) at open: its presence means the last stop was clean. */
export const CLEAN_SHUTDOWN_FILE = '.clean-shutdown';
/** `0\n<offset>\n`: the log below this offset was fsynced (log and sealed indexes). */
export const RECOVERY_POINT_FILE = 'recovery-point-offset-checkpoint';

/** Appends coalesced into one writev: bounded by IOV_MAX and by bytes in flight. */
const WRITE_GROUP_BUFFERS_MAX = 1024;
const WRITE_GROUP_BYTES_MAX = 16 * 1024 * 1024;
const RELATIVE_OFFSET_MAX = 0x7fffffff;

interface BatchMeta {
  baseOffset: number;
  lastOffset: number;
  position: number;
  sizeBytes: number;
  maxTimestamp: number;
}

/** A batch of an idempotent producer, applied to the producer state once its write completed. */
interface ProducerWrite {
  producerId: number;
  epoch: number;
  batch: ProducerBatch;
}

interface PendingAppend {
  buf: Buffer;
  batches: BatchMeta[];
  producerWrites: ProducerWrite[];
  info: AppendInfo;
  nowMs: number;
  resolve(info: AppendInfo): void;
  reject(err: unknown): void;
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * One partition's log: a directory of segments (see LogSegment for the files, LogLoader for recovery)
 * plus `recovery-point-offset-checkpoint` and, between a clean close and the next open, `.clean-shutdown`.
 *
 * Write path: `append` validates the producer's batches, assigns offsets synchronously in call order and
 * rewrites each batch's baseOffset and leader epoch in place (no copy), then queues the buffer. One writer
 * per log drains the queue, coalescing queued appends into a single positional `writev` on the active
 * segment; `logEndOffset` advances, promises resolve and 'append' is emitted only after the write (and
 * the fsync, when the flush policy asks for one) completed. A failed write cuts the file back, fails
 * every queued append and rewinds offset assignment to `logEndOffset`, so the log never has a hole.
 *
 * Every structural change (write, roll, truncation, retention, close) runs in one serial lane; reads and
 * background fsyncs do not take it.
 */
export class PartitionLog extends EventEmitter {
  private segments: LogSegment[];
  private config: LogConfig;
  private readonly files: FileHandleCache;
  private readonly logger: LoaderLogger | undefined;
  private nextOffsetToAssign: number;
  private endOffset: number;
  private recoveryPoint: number;
  private checkpointedRecoveryPoint = -1;
  private recordsSinceFlush = 0;
  private readonly queue: PendingAppend[] = [];
  private draining = false;
  private lane: Promise<unknown> = Promise.resolve();
  private inflightFlush: Promise<void> = Promise.resolve();
  private rollInProgress: Promise<void> = Promise.resolve();
  private closed = false;
  private failure: TributaryError | undefined;
  private activeReads = 0;
  private readGate: Promise<void> | undefined;
  private readsIdle: (() => void) | undefined;
  /** Idempotent producers' state as of the log end (written batches only). */
  readonly producers: ProducerStateTable;
  /** Batches of idempotent producers queued but not yet written, with the promise of their append. */
  private readonly pendingProducers = new Map<number, ProducerEntry & { done: Array<Promise<AppendInfo>> }>();

  private constructor(
    readonly dir: string,
    config: LogConfig,
    segments: LogSegment[],
    deps: PartitionLogDeps,
    /** The leader-epoch history; see LeaderEpochCache. */
    readonly epochs: LeaderEpochCache,
    producers: ProducerStateTable,
  ) {
    super();
    this.producers = producers;
    this.config = config;
    this.segments = segments;
    this.files = deps.files;
    this.logger = deps.logger;
    this.endOffset = this.active.nextOffset;
    this.nextOffsetToAssign = this.endOffset;
    this.recoveryPoint = this.endOffset;
  }

  static async open(dir: string, config: LogConfig, deps: PartitionLogDeps): Promise<PartitionLog> {
    validateLogConfig(config);
    try {
      await mkdir(dir, { recursive: true });
      const markerPath = join(dir, CLEAN_SHUTDOWN_FILE);
      const cleanShutdown = await readFile(markerPath).then(
        () => true,
        () => false,
      );
      const recoveryPoint = await readRecoveryPoint(dir);
      const segments = await loadSegments(dir, {
        cleanShutdown,
        recoveryPoint,
        indexIntervalBytes: config.indexIntervalBytes,
        ...(deps.logger === undefined ? {} : { logger: deps.logger }),
      });
      if (segments.length === 0) segments.push(await LogSegment.create(dir, 0, Date.now()));
      const active = segments[segments.length - 1]!;
      await active.openForWrite();
      await active.flushLog();
      const epochs = await LeaderEpochCache.open(dir, active.nextOffset, () =>
        epochsFromSegments(segments, deps.files),
      );
      const producers = await loadProducerState(dir, segments, deps.files);
      const log = new PartitionLog(dir, config, segments, deps, epochs, producers);
      await log.writeRecoveryPoint();
      // The marker must be gone for good before the first write, or a crash would look clean.
      await rm(markerPath, { force: true });
      await fsyncDir(dir);
      deps.logger?.info(
        { dir, cleanShutdown, logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset },
        'log loaded',
      );
      return log;
    } catch (err) {
      throw storageError(err, `opening log ${dir}`);
    }
  }

  get logStartOffset(): number {
    return this.segments[0]!.baseOffset;
  }

  /** The offset the next appended record will get (queued appends included). */
  get nextOffset(): number {
    return this.nextOffsetToAssign;
  }

  get logEndOffset(): number {
    return this.endOffset;
  }

  get sizeBytes(): number {
    let total = 0;
    for (const s of this.segments) total += s.sizeBytes;
    return total;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  get currentConfig(): LogConfig {
    return this.config;
  }

  private get active(): LogSegment {
    return this.segments[this.segments.length - 1]!;
  }

  private assertUsable(): void {
    if (this.closed) throw new TributaryError('STORAGE_ERROR', `log ${this.dir} is closed`);
    if (this.failure !== undefined) throw this.failure;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lane.then(fn);
    this.lane = run.catch(() => undefined);
    return run;
  }

  append(
    batches: Buffer,
    opts: { leaderEpoch: number; nowMs?: number; maxDecompressedBytes?: number },
  ): Promise<AppendInfo> {
    try {
      this.assertUsable();
      const validated = validateBatches(batches, {
        maxBatchBytes: this.config.maxBatchBytes,
        ...(opts.maxDecompressedBytes === undefined
          ? {}
          : { maxDecompressedBytes: opts.maxDecompressedBytes }),
      });
      const nowMs = opts.nowMs ?? Date.now();
      // Idempotent producers: every check passes before anything changes (offsets, buffers, state).
      const sequences = this.checkSequences(batches, validated);
      if (sequences.duplicate !== undefined) return sequences.duplicate;
      const logAppendTime = this.config.timestampType === 'LogAppendTime';
      const baseOffset = this.nextOffsetToAssign;
      let offset = baseOffset;
      let maxTimestamp = -1;
      const metas: BatchMeta[] = [];
      const producerWrites: ProducerWrite[] = [];
      validated.forEach((v, i) => {
        setBaseOffset(batches, v.position, offset);
        setPartitionLeaderEpoch(batches, v.position, opts.leaderEpoch);
        if (logAppendTime) stampLogAppendTime(batches, v.position, nowMs);
        const batchMaxTimestamp = logAppendTime ? nowMs : v.maxTimestamp;
        if (batchMaxTimestamp > maxTimestamp) maxTimestamp = batchMaxTimestamp;
        metas.push({
          baseOffset: offset,
          lastOffset: offset + v.lastOffsetDelta,
          position: v.position,
          sizeBytes: v.sizeBytes,
          maxTimestamp: batchMaxTimestamp,
        });
        const seq = sequences.planned[i];
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
      if (opts.leaderEpoch > this.epochs.latestEpoch) this.epochs.assign(opts.leaderEpoch, baseOffset);
      const done = this.enqueue(
        batches,
        metas,
        validated.length,
        logAppendTime ? nowMs : -1,
        maxTimestamp,
        nowMs,
        producerWrites,
      );
      for (const w of producerWrites) {
        let pending = this.pendingProducers.get(w.producerId);
        if (pending === undefined || w.epoch > pending.epoch) {
          pending = { epoch: w.epoch, batches: [], lastTimestampMs: w.batch.timestampMs, done: [] };
          this.pendingProducers.set(w.producerId, pending);
        }
        pending.batches.push(w.batch);
        pending.done.push(done);
      }
      return done;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Checks the batches of idempotent producers against the producer state and the queued batches. A
   * request whose single batch repeats a remembered one is answered with the original offsets (once
   * that write completed) and writes nothing.
   */
  private checkSequences(
    buf: Buffer,
    validated: ReadonlyArray<{ position: number }>,
  ): {
    planned: Array<{ producerId: number; epoch: number; firstSeq: number; lastSeq: number } | undefined>;
    duplicate?: Promise<AppendInfo>;
  } {
    const planned: Array<
      { producerId: number; epoch: number; firstSeq: number; lastSeq: number } | undefined
    > = [];
    // Earlier batches of this request count as queued for the later ones.
    const local = new Map<number, ProducerEntry>();
    for (const v of validated) {
      if (!hasProducerId(buf, v.position)) {
        planned.push(undefined);
        continue;
      }
      const h = readBatchHeader(buf, v.position);
      const queued = this.pendingProducers.get(h.producerId);
      const mine = local.get(h.producerId);
      const pending =
        mine === undefined
          ? queued
          : queued === undefined || mine.epoch > queued.epoch
            ? mine
            : { ...queued, batches: [...queued.batches, ...mine.batches] };
      const check = this.producers.check(h, pending);
      if (check.kind === 'duplicate') {
        if (validated.length !== 1) {
          throw new TributaryError(
            'INVALID_REQUEST',
            `producer ${h.producerId} resent sequence ${h.baseSequence} together with other batches; a retried batch is sent alone`,
          );
        }
        return { planned, duplicate: this.duplicateOf(h.producerId, check.batch) };
      }
      if (check.kind === 'none') {
        planned.push(undefined);
        continue;
      }
      planned.push({
        producerId: h.producerId,
        epoch: h.producerEpoch,
        firstSeq: check.firstSeq,
        lastSeq: check.lastSeq,
      });
      let entry = local.get(h.producerId);
      if (entry === undefined || h.producerEpoch > entry.epoch) {
        entry = { epoch: h.producerEpoch, batches: [], lastTimestampMs: 0 };
        local.set(h.producerId, entry);
      }
      entry.batches.push({
        firstSeq: check.firstSeq,
        lastSeq: check.lastSeq,
        firstOffset: -1,
        lastOffset: -1,
        timestampMs: 0,
      });
    }
    return { planned };
  }

  /** The answer to a duplicate: the original batch's offsets, once the original write is done. */
  private duplicateOf(producerId: number, batch: ProducerBatch): Promise<AppendInfo> {
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
    const pending = this.pendingProducers.get(producerId);
    const i = pending?.batches.indexOf(batch) ?? -1;
    if (pending !== undefined && i >= 0) return pending.done[i]!.then(() => info);
    return Promise.resolve(info);
  }

  /**
   * Appends batches copied from the partition leader, as they are: offsets and leader epochs already set.
   * They must continue the log exactly (first base offset == log end), offsets dense, epochs never going
   * back; the epoch history learns every new epoch.
   */
  appendReplicated(batches: Buffer): Promise<AppendInfo> {
    try {
      this.assertUsable();
      const validated = validateBatches(batches, { maxBatchBytes: Number.MAX_SAFE_INTEGER, compacted: true });
      let expected = this.nextOffsetToAssign;
      let maxTimestamp = -1;
      const metas: BatchMeta[] = [];
      const newEpochs: EpochEntry[] = [];
      const producerWrites: ProducerWrite[] = [];
      let latestEpoch = this.epochs.latestEpoch;
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
      for (const e of newEpochs) this.epochs.assign(e.epoch, e.startOffset);
      return this.enqueue(
        batches,
        metas,
        validated.length,
        -1,
        maxTimestamp,
        Date.now(),
        producerWrites,
        expected,
      );
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private enqueue(
    buf: Buffer,
    metas: BatchMeta[],
    batchCount: number,
    logAppendTimeMs: number,
    maxTimestamp: number,
    nowMs: number,
    producerWrites: ProducerWrite[],
    endOffset = metas[metas.length - 1]!.lastOffset + 1,
  ): Promise<AppendInfo> {
    const baseOffset = this.nextOffsetToAssign;
    this.nextOffsetToAssign = endOffset;
    const info: AppendInfo = {
      baseOffset,
      lastOffset: endOffset - 1,
      recordCount: endOffset - baseOffset,
      batchCount,
      sizeBytes: buf.length,
      logAppendTimeMs,
      maxTimestamp,
    };
    return new Promise<AppendInfo>((resolve, reject) => {
      this.queue.push({ buf, batches: metas, producerWrites, info, nowMs, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        void this.exclusive(() => this.drain());
      }
    });
  }

  private shouldRoll(segment: LogSegment, pendingBytes: number, item: PendingAppend): boolean {
    const size = segment.sizeBytes + pendingBytes;
    if (size === 0) return false;
    return (
      size + item.buf.length > this.config.segmentBytes ||
      (segment.firstAppendWallMs >= 0 && item.nowMs - segment.firstAppendWallMs >= this.config.segmentMs) ||
      segment.offsetIndex.isFull ||
      item.info.lastOffset - segment.baseOffset > RELATIVE_OFFSET_MAX
    );
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        if (this.failure !== undefined) {
          this.failQueued([], this.failure);
          return;
        }
        if (this.shouldRoll(this.active, 0, this.queue[0]!)) await this.roll(this.queue[0]!.nowMs);
        const segment = this.active;
        const group: PendingAppend[] = [];
        let groupBytes = 0;
        while (
          this.queue.length > 0 &&
          group.length < WRITE_GROUP_BUFFERS_MAX &&
          groupBytes < WRITE_GROUP_BYTES_MAX
        ) {
          const item = this.queue[0]!;
          if (group.length > 0 && this.shouldRoll(segment, groupBytes, item)) break;
          group.push(this.queue.shift()!);
          groupBytes += item.buf.length;
        }
        try {
          await segment.write(
            group.map((g) => g.buf),
            groupBytes,
          );
        } catch (err) {
          await this.failWrite(segment, group, storageError(err, `appending to ${segment.logPath}`));
          continue;
        }
        if (segment.firstAppendWallMs < 0) segment.firstAppendWallMs = group[0]!.nowMs;
        let position = segment.sizeBytes;
        for (const item of group) {
          for (const b of item.batches) {
            segment.appended(
              b.baseOffset,
              b.lastOffset,
              position + b.position,
              b.sizeBytes,
              b.maxTimestamp,
              this.config.indexIntervalBytes,
            );
          }
          position += item.buf.length;
          this.recordsSinceFlush += item.info.recordCount;
        }
        if (this.config.flushIntervalMs === 0 || this.recordsSinceFlush >= this.config.flushMessages) {
          try {
            await segment.flushLog();
          } catch (err) {
            // Written but maybe not durable: we cannot tell the producer "ok", and cannot unwrite safely.
            const error = storageError(err, `fsync of ${segment.logPath}`);
            this.failure = error;
            this.failQueued(group, error);
            return;
          }
          this.recordsSinceFlush = 0;
          this.recoveryPoint = segment.nextOffset;
        }
        this.endOffset = segment.nextOffset;
        for (const item of group) {
          for (const w of item.producerWrites) {
            this.producers.apply(w.producerId, w.epoch, w.batch);
            const pending = this.pendingProducers.get(w.producerId);
            if (pending !== undefined && pending.batches[0] === w.batch) {
              pending.batches.shift();
              pending.done.shift();
              if (pending.batches.length === 0) this.pendingProducers.delete(w.producerId);
            }
          }
        }
        for (const item of group) item.resolve(item.info);
        for (const item of group) {
          try {
            this.emit('append', item.info);
          } catch (err) {
            // A listener's bug must not fail the log: the data is written and acknowledged.
            this.logger?.warn({ dir: this.dir, err }, "an 'append' listener threw");
          }
        }
      }
    } catch (err) {
      const error = storageError(err, `appending to ${this.dir}`);
      this.failure = error;
      this.failQueued([], error);
    } finally {
      this.draining = false;
    }
  }

  private async failWrite(segment: LogSegment, group: PendingAppend[], error: TributaryError): Promise<void> {
    try {
      await segment.discardUncommitted();
    } catch (err) {
      this.failure = storageError(err, `cutting back ${segment.logPath} after a failed write`);
    }
    this.failQueued(group, error);
  }

  /** Fails `group` and every queued append, and rewinds offset assignment to the log end. */
  private failQueued(group: PendingAppend[], error: TributaryError): void {
    const failed = group.concat(this.queue.splice(0));
    this.nextOffsetToAssign = this.endOffset;
    this.pendingProducers.clear();
    try {
      this.epochs.truncateFromEnd(this.endOffset);
    } catch (err) {
      this.failure ??= storageError(err, `cutting the epoch history of ${this.dir}`);
    }
    for (const item of failed) item.reject(error);
  }

  private async roll(nowMs: number): Promise<void> {
    const old = this.active;
    let done!: () => void;
    this.rollInProgress = new Promise<void>((resolve) => {
      done = resolve;
    });
    try {
      await this.inflightFlush;
      await old.seal();
      const segment = await LogSegment.create(this.dir, old.nextOffset, nowMs);
      await fsyncDir(this.dir);
      this.segments.push(segment);
      this.recoveryPoint = old.nextOffset;
      this.recordsSinceFlush = 0;
      await this.writeRecoveryPoint();
      // Always (a few bytes when no producer is idempotent): after a crash, start-up scans only from here.
      await this.writeProducerState();
      this.logger?.info({ dir: this.dir, baseOffset: segment.baseOffset }, 'rolled segment');
    } finally {
      done();
    }
  }

  async read(offset: number, maxBytes: number, opts: { maxOffset?: number } = {}): Promise<ReadResult> {
    this.assertUsable();
    await this.enterRead();
    try {
      return await this.readSegments(offset, maxBytes, opts);
    } finally {
      this.leaveRead();
    }
  }

  /** Reads wait while a cleaned segment is swapped in, and a swap waits for reads in progress. */
  private async enterRead(): Promise<void> {
    while (this.readGate !== undefined) await this.readGate;
    this.activeReads++;
  }

  private leaveRead(): void {
    this.activeReads--;
    if (this.activeReads === 0) this.readsIdle?.();
  }

  private async withReadsPaused<T>(fn: () => Promise<T>): Promise<T> {
    let open!: () => void;
    this.readGate = new Promise<void>((resolve) => {
      open = resolve;
    });
    try {
      if (this.activeReads > 0) {
        await new Promise<void>((resolve) => {
          this.readsIdle = resolve;
        });
      }
      this.readsIdle = undefined;
      return await fn();
    } finally {
      this.readGate = undefined;
      open();
    }
  }

  /**
   * The log's closed segments (never the active one), oldest first: what compaction may rewrite.
   */
  closedSegments(): ReadonlyArray<LogSegment> {
    return this.segments.slice(0, -1);
  }

  /**
   * Swaps in a compacted copy of `old` (written by the cleaner at `cleanedPath`, same offsets, some
   * records removed). The old indexes go first, so a crash in between leaves a log whose indexes are
   * rebuilt at start; reads are paused for the swap itself and never see half of it. Returns false if
   * the segment is gone meanwhile (retention), after removing the cleaned file.
   */
  replaceSegment(old: LogSegment, cleanedPath: string): Promise<boolean> {
    this.assertUsable();
    return this.exclusive(() =>
      this.withReadsPaused(async () => {
        const i = this.segments.indexOf(old);
        if (i < 0 || i === this.segments.length - 1) {
          await rm(cleanedPath, { force: true });
          return false;
        }
        await rm(old.offsetIndex.path, { force: true });
        await rm(old.timeIndex.path, { force: true });
        await fsyncDir(this.dir);
        await rename(cleanedPath, old.logPath);
        await fsyncDir(this.dir);
        await this.files.invalidate(old.logPath);
        const fresh = LogSegment.blank(this.dir, old.baseOffset);
        await fresh.recover(this.config.indexIntervalBytes);
        if (fresh.nextOffset !== old.nextOffset) {
          throw new TributaryError(
            'STORAGE_ERROR',
            `compacted segment ${old.logPath} ends at ${fresh.nextOffset}, not ${old.nextOffset}`,
          );
        }
        await fresh.persistIndexes(true);
        this.segments[i] = fresh;
        return true;
      }),
    );
  }

  private async readSegments(
    offset: number,
    maxBytes: number,
    opts: { maxOffset?: number },
  ): Promise<ReadResult> {
    const logStartOffset = this.logStartOffset;
    const logEndOffset = this.endOffset;
    if (!Number.isSafeInteger(offset) || offset < logStartOffset || offset > logEndOffset) {
      throw new TributaryError(
        'OFFSET_OUT_OF_RANGE',
        `offset ${offset} is outside [${logStartOffset}, ${logEndOffset}] in ${this.dir}`,
      );
    }
    const maxOffset = Math.min(opts.maxOffset ?? logEndOffset, logEndOffset);
    const empty = { batches: Buffer.alloc(0), logStartOffset, logEndOffset };
    if (offset >= maxOffset) return empty;
    const segments = this.segments;
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (segments[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    for (let i = lo; i < segments.length; i++) {
      const segment = segments[i]!;
      if (offset >= segment.nextOffset) continue;
      try {
        const batches = await segment.read(this.files, offset, Math.max(0, maxBytes), maxOffset);
        return { batches, logStartOffset, logEndOffset };
      } catch (err) {
        if (isNotFound(err)) {
          throw new TributaryError('OFFSET_OUT_OF_RANGE', `offset ${offset} was deleted by retention`);
        }
        throw storageError(err, `reading ${segment.logPath}`);
      }
    }
    return empty;
  }

  async offsetForTimestamp(timestampMs: number): Promise<{ offset: number; timestamp: number } | null> {
    this.assertUsable();
    await this.enterRead();
    try {
      return await this.findByTimestamp(timestampMs);
    } finally {
      this.leaveRead();
    }
  }

  private async findByTimestamp(timestampMs: number): Promise<{ offset: number; timestamp: number } | null> {
    for (const segment of this.segments.slice()) {
      if (segment.maxTimestamp < timestampMs) continue;
      try {
        const found = await segment.findOffsetByTimestamp(this.files, timestampMs);
        if (found !== undefined && found.offset < this.endOffset) return found;
      } catch (err) {
        if (isNotFound(err)) continue;
        throw storageError(err, `searching ${segment.logPath}`);
      }
    }
    return null;
  }

  /** fsyncs the active segment; the recovery point advances to what was written before the call. */
  async flush(): Promise<void> {
    if (this.closed || this.failure !== undefined) return;
    await this.rollInProgress;
    // close() may have sealed the segment while we waited for the roll.
    if (this.closed || this.failure !== undefined) return;
    const target = this.endOffset;
    const segment = this.active;
    const flushing = segment.flushLog();
    this.inflightFlush = flushing.catch(() => undefined);
    try {
      await flushing;
    } catch (err) {
      throw storageError(err, `fsync of ${segment.logPath}`);
    }
    if (target > this.recoveryPoint) this.recoveryPoint = target;
  }

  /** Writes the recovery-point checkpoint if it moved (the log manager calls this periodically). */
  async checkpoint(): Promise<void> {
    if (this.closed) return;
    await this.exclusive(() => this.writeRecoveryPoint());
  }

  updateConfig(config: LogConfig): void {
    validateLogConfig(config);
    this.config = config;
  }

  /** Rolls the active segment if it is older than segmentMs (the appends' own check needs an append). */
  async rollIfAged(nowMs: number): Promise<boolean> {
    if (this.closed || this.failure !== undefined) return false;
    return this.exclusive(async () => {
      const a = this.active;
      if (a.isEmpty || a.firstAppendWallMs < 0 || nowMs - a.firstAppendWallMs < this.config.segmentMs)
        return false;
      await this.roll(nowMs);
      return true;
    });
  }

  /** Deletes the oldest segments past retention (never the active one); returns how many. */
  enforceRetention(nowMs: number): Promise<number> {
    this.assertUsable();
    return this.exclusive(async () => {
      if (this.config.cleanupPolicy === 'compact') return 0; // compaction alone: nothing expires
      const { retentionMs, retentionBytes } = this.config;
      const candidates = this.segments.length - 1;
      let count = 0;
      if (retentionMs >= 0) {
        while (count < candidates && nowMs - this.segments[count]!.largestTimestampMs > retentionMs) count++;
      }
      if (retentionBytes >= 0) {
        let excess = this.sizeBytes - retentionBytes;
        for (let i = 0; i < count; i++) excess -= this.segments[i]!.sizeBytes;
        while (count < candidates && excess - this.segments[count]!.sizeBytes >= 0) {
          excess -= this.segments[count]!.sizeBytes;
          count++;
        }
      }
      if (count === 0) return 0;
      const doomed = this.segments.splice(0, count);
      for (const segment of doomed) await segment.deleteFiles(this.files);
      this.epochs.truncateFromStart(this.logStartOffset);
      this.logger?.info(
        { dir: this.dir, segments: count, logStartOffset: this.logStartOffset },
        'deleted segments past retention',
      );
      return count;
    });
  }

  /**
   * Removes everything from `offset` on (for replicas whose log diverged). If `offset` falls inside a
   * batch, that whole batch goes too, so the log end may land below `offset`. An offset below the log
   * start empties the log and restarts it at `offset`.
   */
  truncateTo(offset: number): Promise<void> {
    this.assertUsable();
    if (!(Number.isSafeInteger(offset) && offset >= 0))
      throw new RangeError(`bad truncation offset ${offset}`);
    return this.exclusive(async () => {
      if (offset >= this.endOffset) {
        // Nothing to cut, but an epoch may start here with no batch in it: forget it (as Kafka does).
        this.epochs.truncateFromEnd(offset);
        return;
      }
      try {
        // Lower the checkpoint first: a crash midway must not trust segments we are about to cut.
        this.recoveryPoint = Math.min(this.recoveryPoint, offset);
        await this.writeRecoveryPoint();
        await this.rollInProgress;
        await this.inflightFlush;
        if (offset <= this.logStartOffset) {
          const old = this.segments.splice(0);
          for (const segment of old) await segment.deleteFiles(this.files);
          this.segments.push(await LogSegment.create(this.dir, offset, Date.now()));
        } else {
          let keep = this.segments.length - 1;
          while (this.segments[keep]!.baseOffset > offset) keep--;
          const target = this.segments[keep]!;
          await target.openForWrite();
          await target.truncateTo(this.files, offset, this.config.indexIntervalBytes);
          const later = this.segments.splice(keep + 1);
          for (const segment of later.reverse()) await segment.deleteFiles(this.files);
        }
        await fsyncDir(this.dir);
        this.endOffset = this.active.nextOffset;
        this.nextOffsetToAssign = this.endOffset;
        if (this.endOffset === this.logStartOffset) this.epochs.clear();
        else this.epochs.truncateFromEnd(this.endOffset);
        await this.rebuildProducerState();
        this.recoveryPoint = Math.min(this.recoveryPoint, this.endOffset);
        await this.writeRecoveryPoint();
      } catch (err) {
        this.failure = storageError(err, `truncating ${this.dir} to ${offset}`);
        throw this.failure;
      }
    });
  }

  /** Empties the log and restarts it at `offset` (a follower whose leader deleted what it had). */
  restartAt(offset: number): Promise<void> {
    this.assertUsable();
    if (!(Number.isSafeInteger(offset) && offset >= 0)) throw new RangeError(`bad restart offset ${offset}`);
    return this.exclusive(async () => {
      try {
        this.recoveryPoint = 0;
        await this.writeRecoveryPoint();
        await this.rollInProgress;
        await this.inflightFlush;
        const old = this.segments.splice(0);
        for (const segment of old) await segment.deleteFiles(this.files);
        this.segments.push(await LogSegment.create(this.dir, offset, Date.now()));
        await this.active.openForWrite();
        await fsyncDir(this.dir);
        this.endOffset = offset;
        this.nextOffsetToAssign = offset;
        this.epochs.clear();
        await this.rebuildProducerState();
        this.recoveryPoint = offset;
        await this.writeRecoveryPoint();
      } catch (err) {
        this.failure = storageError(err, `restarting ${this.dir} at ${offset}`);
        throw this.failure;
      }
    });
  }

  /** Drains pending appends, fsyncs, writes indexes and the checkpoint, and marks the stop clean. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.exclusive(async () => {
      await this.rollInProgress;
      await this.inflightFlush;
      const failed = this.failure !== undefined;
      try {
        if (!failed) await this.active.seal();
        for (const segment of this.segments) await segment.closeHandles();
        await this.files.invalidateUnder(this.dir);
        if (!failed) {
          this.recoveryPoint = this.endOffset;
          await this.writeRecoveryPoint();
          await this.writeProducerState();
          await writeFile(join(this.dir, CLEAN_SHUTDOWN_FILE), '');
          await fsyncDir(this.dir);
        }
      } catch (err) {
        throw storageError(err, `closing ${this.dir}`);
      }
    });
  }

  /** Closes the log and removes its directory. */
  async delete(): Promise<void> {
    await this.close().catch(() => undefined);
    await this.files.invalidateUnder(this.dir);
    try {
      await rm(this.dir, { recursive: true, force: true });
    } catch (err) {
      throw storageError(err, `deleting ${this.dir}`);
    }
  }

  /** Saves the producer state as of the log end (at rolls and at close). */
  private async writeProducerState(): Promise<void> {
    const path = join(this.dir, PRODUCER_STATE_FILE);
    const text = JSON.stringify({ version: 0, offset: this.endOffset, producers: this.producers.toJSON() });
    await writeFile(`${path}.tmp`, text);
    await rename(`${path}.tmp`, path);
  }

  /** After a truncation the state must forget the cut batches: rebuild it from what is left. */
  private async rebuildProducerState(): Promise<void> {
    this.producers.clear();
    await rm(join(this.dir, PRODUCER_STATE_FILE), { force: true });
    await scanProducers(this.segments, this.files, this.producers, this.logStartOffset);
  }

  private async writeRecoveryPoint(): Promise<void> {
    const value = this.recoveryPoint;
    if (value === this.checkpointedRecoveryPoint) return;
    const path = join(this.dir, RECOVERY_POINT_FILE);
    const fh = await open(`${path}.tmp`, 'w');
    try {
      await fh.writeFile(`0\n${value}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(`${path}.tmp`, path);
    await fsyncDir(this.dir);
    this.checkpointedRecoveryPoint = value;
  }
}

/** True when the batch at `pos` carries a producer id (an idempotent producer's batch). */
function hasProducerId(buf: Buffer, pos: number): boolean {
  return !(
    buf.readInt32BE(pos + PRODUCER_ID_OFFSET) === -1 && buf.readInt32BE(pos + PRODUCER_ID_OFFSET + 4) === -1
  );
}

/** The producer-state entry of a written batch, from its header; undefined without a producer id. */
function producerWriteOf(
  h: {
    producerId: number;
    producerEpoch: number;
    baseSequence: number;
    baseOffset: number;
    lastOffsetDelta: number;
  },
  timestampMs: number,
): ProducerWrite | undefined {
  if (h.producerId < 0 || h.baseSequence < 0) return undefined;
  return {
    producerId: h.producerId,
    epoch: h.producerEpoch,
    batch: {
      firstSeq: h.baseSequence,
      lastSeq: lastSequence(h.baseSequence, h.lastOffsetDelta),
      firstOffset: h.baseOffset,
      lastOffset: h.baseOffset + h.lastOffsetDelta,
      timestampMs,
    },
  };
}

/** `producer-state-checkpoint`: the producer state as of an offset, so start needs to scan only after it. */
export const PRODUCER_STATE_FILE = 'producer-state-checkpoint';

/** Applies the producer batches of every segment from `fromOffset` on to `table`. */
async function scanProducers(
  segments: LogSegment[],
  files: FileHandleCache,
  table: ProducerStateTable,
  fromOffset: number,
): Promise<void> {
  for (const segment of segments) {
    if (segment.sizeBytes === 0 || segment.nextOffset <= fromOffset) continue;
    await files.use(segment.logPath, async (fh) => {
      await scanFile(fh, 0, segment.sizeBytes, false, (b, _pos, chunk) => {
        if (b.baseOffset < fromOffset) return true;
        const h = readBatchHeader(chunk, b.position);
        const w = producerWriteOf(h, h.maxTimestamp);
        if (w !== undefined) table.apply(w.producerId, w.epoch, w.batch);
        return true;
      });
    });
  }
}

/** Producer state at open: the checkpoint if it is not past the log end, then the batches after it. */
async function loadProducerState(
  dir: string,
  segments: LogSegment[],
  files: FileHandleCache,
): Promise<ProducerStateTable> {
  const table = new ProducerStateTable();
  const end = segments[segments.length - 1]!.nextOffset;
  let from = segments[0]!.baseOffset;
  try {
    const saved = JSON.parse(await readFile(join(dir, PRODUCER_STATE_FILE), 'utf8')) as {
      version: number;
      offset: number;
      producers: Array<[number, ProducerEntry]>;
    };
    if (
      saved.version === 0 &&
      Number.isSafeInteger(saved.offset) &&
      saved.offset <= end &&
      Array.isArray(saved.producers)
    ) {
      table.load(saved.producers);
      from = saved.offset;
    }
  } catch {
    // Missing or unreadable: scan the whole log.
  }
  await scanProducers(segments, files, table, from);
  return table;
}

/** Rebuilds the epoch history from batch headers, for logs without a readable checkpoint. */
async function epochsFromSegments(segments: LogSegment[], files: FileHandleCache): Promise<EpochEntry[]> {
  const seen: Array<{ epoch: number; baseOffset: number }> = [];
  for (const segment of segments) {
    if (segment.sizeBytes === 0) continue;
    await files.use(segment.logPath, async (fh) => {
      await scanFile(fh, 0, segment.sizeBytes, false, (b) => {
        seen.push({ epoch: b.partitionLeaderEpoch, baseOffset: b.baseOffset });
        return true;
      });
    });
  }
  return LeaderEpochCache.fromBatches(seen);
}

/** The checkpointed recovery point; 0 (recover everything) when missing or unreadable. */
async function readRecoveryPoint(dir: string): Promise<number> {
  try {
    const text = await readFile(join(dir, RECOVERY_POINT_FILE), 'utf8');
    const m = /^0\n(\d+)\n$/.exec(text);
    const value = m === null ? Number.NaN : Number(m[1]);
    return Number.isSafeInteger(value) ? value : 0;
  } catch {
    return 0;
  }
}

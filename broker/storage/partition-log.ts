import { EventEmitter } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory, writeFileAtomic } from '../../kit/atomic-file.js';
import { SerialLane } from '../../kit/serial-lane.js';
import { validateBatches } from '../../proto/codec/index.js';
import { TributaryError } from '../../proto/errors.js';
import {
  type AppendInfo,
  type AppendPlan,
  answerDuplicate,
  planLeaderAppend,
  planReplicatedAppend,
} from './append-plan.js';
import type { FileHandleCache } from './file-handle-cache.js';
import type { LeaderEpochCache } from './leader-epoch-cache.js';
import type { LogConfig } from './log-config.js';
import { validateLogConfig } from './log-config.js';
import { CLEAN_SHUTDOWN_FILE, type LoaderLogger, loadLog, RECOVERY_POINT_FILE } from './log-loader.js';
import { LogSegment } from './log-segment.js';
import { type LogSegments, swapInCleaned } from './log-segments.js';
import type { ProducerStateTable } from './producer-state.js';
import type { ProducerStateManager } from './producer-state-manager.js';
import { ReadGate } from './read-gate.js';
import { storageError } from './storage-error.js';
import { mustRoll, type PendingAppend, recordWrittenGroup, takeWriteGroup } from './write-group.js';

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
  private readonly segments: LogSegments;
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
  private readonly lane = new SerialLane();
  private inflightFlush: Promise<void> = Promise.resolve();
  private rollInProgress: Promise<void> = Promise.resolve();
  private closed = false;
  private failure: TributaryError | undefined;
  /** Reads run concurrently; a compacted segment is swapped in with none in progress. */
  private readonly reads = new ReadGate();

  private constructor(
    readonly dir: string,
    config: LogConfig,
    segments: LogSegments,
    deps: PartitionLogDeps,
    /** The leader-epoch history; see LeaderEpochCache. */
    readonly epochs: LeaderEpochCache,
    /** Idempotent producers: the state, the queued batches and the duplicate check. */
    private readonly producerState: ProducerStateManager,
  ) {
    super();
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
      const { segments, epochs, producers, cleanShutdown } = await loadLog(dir, config, deps);
      const log = new PartitionLog(dir, config, segments, deps, epochs, producers);
      await log.writeRecoveryPoint();
      // The marker must be gone for good before the first write, or a crash would look clean.
      await rm(join(dir, CLEAN_SHUTDOWN_FILE), { force: true });
      await syncDirectory(dir);
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
    return this.segments.logStartOffset;
  }

  /** The offset the next appended record will get (queued appends included). */
  get nextOffset(): number {
    return this.nextOffsetToAssign;
  }

  get logEndOffset(): number {
    return this.endOffset;
  }

  get sizeBytes(): number {
    return this.segments.sizeBytes;
  }

  get segmentCount(): number {
    return this.segments.count;
  }

  /** Idempotent producers' state as of the log end (written batches only). */
  get producers(): ProducerStateTable {
    return this.producerState.table;
  }

  get currentConfig(): LogConfig {
    return this.config;
  }

  private get active(): LogSegment {
    return this.segments.active;
  }

  private assertUsable(): void {
    if (this.closed) throw new TributaryError('STORAGE_ERROR', `log ${this.dir} is closed`);
    if (this.failure !== undefined) throw this.failure;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.lane.run(fn);
  }

  append(
    batches: Buffer,
    opts: {
      leaderEpoch: number;
      nowMs?: number;
      maxDecompressedBytes?: number;
      /**
       * Called once the batches passed validation, with their records sections, decompressed (the
       * broker's tracing reads headers from them: ValidateOptions.sections).
       */
      onValidated?: (sections: readonly Buffer[]) => void;
    },
  ): Promise<AppendInfo> {
    try {
      this.assertUsable();
      const sections: Buffer[] | undefined = opts.onValidated === undefined ? undefined : [];
      const validated = validateBatches(batches, {
        maxBatchBytes: this.config.maxBatchBytes,
        ...(opts.maxDecompressedBytes === undefined
          ? {}
          : { maxDecompressedBytes: opts.maxDecompressedBytes }),
        ...(sections === undefined ? {} : { sections }),
      });
      if (sections !== undefined) opts.onValidated?.(sections);
      const nowMs = opts.nowMs ?? Date.now();
      // Idempotent producers: every check passes before anything changes (offsets, buffers, state).
      const sequences = this.producerState.plan(batches, validated);
      if (sequences.duplicate !== undefined) return answerDuplicate(sequences.duplicate);
      const logAppendTime = this.config.timestampType === 'LogAppendTime';
      const baseOffset = this.nextOffsetToAssign;
      const plan = planLeaderAppend(batches, validated, {
        baseOffset,
        leaderEpoch: opts.leaderEpoch,
        nowMs,
        logAppendTime,
        planned: sequences.planned,
      });
      if (opts.leaderEpoch > this.epochs.latestEpoch) this.epochs.assign(opts.leaderEpoch, baseOffset);
      const done = this.enqueue(batches, plan, validated.length, logAppendTime ? nowMs : -1, nowMs);
      this.producerState.track(plan.producerWrites, done);
      return done;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Appends batches copied from the partition leader, as they are (see planReplicatedAppend for the
   * checks); the epoch history learns every new epoch.
   */
  appendReplicated(batches: Buffer): Promise<AppendInfo> {
    try {
      this.assertUsable();
      const validated = validateBatches(batches, { maxBatchBytes: Number.MAX_SAFE_INTEGER, compacted: true });
      const plan = planReplicatedAppend(batches, validated, {
        nextOffset: this.nextOffsetToAssign,
        latestEpoch: this.epochs.latestEpoch,
      });
      for (const e of plan.newEpochs) this.epochs.assign(e.epoch, e.startOffset);
      return this.enqueue(batches, plan, validated.length, -1, Date.now());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private enqueue(
    buf: Buffer,
    plan: AppendPlan,
    batchCount: number,
    logAppendTimeMs: number,
    nowMs: number,
  ): Promise<AppendInfo> {
    const baseOffset = this.nextOffsetToAssign;
    const endOffset = plan.endOffset;
    this.nextOffsetToAssign = endOffset;
    const info: AppendInfo = {
      baseOffset,
      lastOffset: endOffset - 1,
      recordCount: endOffset - baseOffset,
      batchCount,
      sizeBytes: buf.length,
      logAppendTimeMs,
      maxTimestamp: plan.maxTimestamp,
    };
    return new Promise<AppendInfo>((resolve, reject) => {
      this.queue.push({
        buf,
        batches: plan.metas,
        producerWrites: plan.producerWrites,
        info,
        nowMs,
        resolve,
        reject,
      });
      if (!this.draining) {
        this.draining = true;
        void this.exclusive(() => this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        if (this.failure !== undefined) {
          this.failQueued([], this.failure);
          return;
        }
        if (mustRoll(this.active, 0, this.queue[0]!, this.config)) await this.roll(this.queue[0]!.nowMs);
        const segment = this.active;
        const { group, groupBytes } = takeWriteGroup(this.queue, segment, this.config);
        try {
          await segment.write(
            group.map((g) => g.buf),
            groupBytes,
          );
        } catch (err) {
          await this.failWrite(segment, group, storageError(err, `appending to ${segment.logPath}`));
          continue;
        }
        this.recordsSinceFlush += recordWrittenGroup(segment, group, this.config.indexIntervalBytes);
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
        for (const item of group) this.producerState.applyWritten(item.producerWrites);
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
    this.producerState.forgetQueued();
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
      await syncDirectory(this.dir);
      this.segments.push(segment);
      this.recoveryPoint = old.nextOffset;
      this.recordsSinceFlush = 0;
      await this.writeRecoveryPoint();
      // Always (a few bytes when no producer is idempotent): after a crash, start-up scans only from here.
      await this.producerState.checkpoint(this.endOffset);
      this.logger?.info({ dir: this.dir, baseOffset: segment.baseOffset }, 'rolled segment');
    } finally {
      done();
    }
  }

  async read(offset: number, maxBytes: number, opts: { maxOffset?: number } = {}): Promise<ReadResult> {
    this.assertUsable();
    return this.reads.read(async () => {
      const logStartOffset = this.logStartOffset;
      const logEndOffset = this.endOffset;
      if (!Number.isSafeInteger(offset) || offset < logStartOffset || offset > logEndOffset) {
        throw new TributaryError(
          'OFFSET_OUT_OF_RANGE',
          `offset ${offset} is outside [${logStartOffset}, ${logEndOffset}] in ${this.dir}`,
        );
      }
      const maxOffset = Math.min(opts.maxOffset ?? logEndOffset, logEndOffset);
      const batches =
        offset >= maxOffset
          ? Buffer.alloc(0)
          : await this.segments.read(this.files, offset, maxBytes, maxOffset);
      return { batches, logStartOffset, logEndOffset };
    });
  }

  async offsetForTimestamp(timestampMs: number): Promise<{ offset: number; timestamp: number } | null> {
    this.assertUsable();
    return this.reads.read(() => this.segments.findByTimestamp(this.files, timestampMs, this.endOffset));
  }

  /**
   * The log's closed segments (never the active one), oldest first: what compaction may rewrite.
   */
  closedSegments(): ReadonlyArray<LogSegment> {
    return this.segments.closed();
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
      this.reads.exclusive(async () => {
        const i = this.segments.indexOf(old);
        if (i < 0 || i === this.segments.count - 1) {
          await rm(cleanedPath, { force: true });
          return false;
        }
        const fresh = await swapInCleaned(old, cleanedPath, this.files, this.config.indexIntervalBytes);
        this.segments.replaceAt(i, fresh);
        return true;
      }),
    );
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
      const count = this.segments.retentionCount(this.config, nowMs);
      if (count === 0) return 0;
      const doomed = this.segments.removeOldest(count);
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
      await this.cutTail(
        `truncating ${this.dir} to ${offset}`,
        Math.min(this.recoveryPoint, offset),
        async () => {
          if (offset <= this.logStartOffset) {
            await this.replaceAllSegments(offset);
            return;
          }
          const keep = this.segments.floorIndex(offset);
          const target = this.segments.at(keep)!;
          await target.openForWrite();
          await target.truncateTo(this.files, offset, this.config.indexIntervalBytes);
          for (const segment of this.segments.removeAfter(keep)) await segment.deleteFiles(this.files);
        },
        (endOffset) => Math.min(this.recoveryPoint, endOffset),
      );
    });
  }

  /** Empties the log and restarts it at `offset` (a follower whose leader deleted what it had). */
  restartAt(offset: number): Promise<void> {
    this.assertUsable();
    if (!(Number.isSafeInteger(offset) && offset >= 0)) throw new RangeError(`bad restart offset ${offset}`);
    return this.exclusive(() =>
      this.cutTail(
        `restarting ${this.dir} at ${offset}`,
        0,
        async () => {
          await this.replaceAllSegments(offset);
          await this.active.openForWrite();
        },
        () => offset,
      ),
    );
  }

  /**
   * Cuts the log's tail (inside the lane). The recovery point is lowered and written first, so a crash
   * midway does not trust the segments being cut; then `cut` changes them, and the log end, the epoch
   * history and the producer state follow the new end. Any failure leaves the log failed.
   */
  private async cutTail(
    context: string,
    recoveryPointDuringCut: number,
    cut: () => Promise<void>,
    recoveryPointAfter: (endOffset: number) => number,
  ): Promise<void> {
    try {
      this.recoveryPoint = recoveryPointDuringCut;
      await this.writeRecoveryPoint();
      await this.rollInProgress;
      await this.inflightFlush;
      await cut();
      await syncDirectory(this.dir);
      this.endOffset = this.active.nextOffset;
      this.nextOffsetToAssign = this.endOffset;
      if (this.endOffset === this.logStartOffset) this.epochs.clear();
      else this.epochs.truncateFromEnd(this.endOffset);
      await this.producerState.rebuild(this.segments, this.files);
      this.recoveryPoint = recoveryPointAfter(this.endOffset);
      await this.writeRecoveryPoint();
    } catch (err) {
      this.failure = storageError(err, context);
      throw this.failure;
    }
  }

  /** Deletes every segment, the active one last, and starts a new empty one at `offset`. */
  private async replaceAllSegments(offset: number): Promise<void> {
    // Old files first: the new segment may have the old first segment's base offset (and file name).
    for (const segment of this.segments.all()) await segment.deleteFiles(this.files);
    this.segments.resetTo(await LogSegment.create(this.dir, offset, Date.now()));
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
        for (const segment of this.segments.all()) await segment.closeHandles();
        await this.files.invalidateUnder(this.dir);
        if (!failed) {
          this.recoveryPoint = this.endOffset;
          await this.writeRecoveryPoint();
          await this.producerState.checkpoint(this.endOffset);
          await writeFileAtomic(join(this.dir, CLEAN_SHUTDOWN_FILE), '');
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

  private async writeRecoveryPoint(): Promise<void> {
    const value = this.recoveryPoint;
    if (value === this.checkpointedRecoveryPoint) return;
    await writeFileAtomic(join(this.dir, RECOVERY_POINT_FILE), `0\n${value}\n`);
    this.checkpointedRecoveryPoint = value;
  }
}

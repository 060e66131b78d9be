import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileHandleCache } from './file-handle-cache.js';
import { type EpochEntry, LeaderEpochCache } from './leader-epoch-cache.js';
import type { LogConfig } from './log-config.js';
import { LogSegment, segmentFileName } from './log-segment.js';
import { LogSegments } from './log-segments.js';
import { OffsetIndex } from './offset-index.js';
import { ProducerStateManager } from './producer-state-manager.js';
import { TimeIndex } from './time-index.js';

export interface LoaderLogger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
}

/** Written at close, removed (durably) at open: its presence means the last stop was clean. */
export const CLEAN_SHUTDOWN_FILE = '.clean-shutdown';
/** `0\n<offset>\n`: the log below this offset was fsynced (log and sealed indexes). */
export const RECOVERY_POINT_FILE = 'recovery-point-offset-checkpoint';

const SEGMENT_LOG = /^(\d{20})\.log$/;
const SEGMENT_INDEX = /^(\d{20})\.(index|timeindex)$/;

/**
 * Loads a partition directory's segments at startup, like Kafka's LogLoader.
 *
 * After a clean shutdown every sealed segment is trusted (its indexes only sanity-checked) and the last
 * one is rescanned. After an unclean one, every segment that may hold data past the recovery point (the
 * offset up to which the log was known to be fsynced) is rescanned: batch lengths, CRCs and dense
 * offsets checked, indexes rebuilt, and the file cut at the first torn or corrupt batch. A segment that
 * ends short of the next one's base offset (cut, or corrupt in the middle) makes every later segment
 * unreachable with dense offsets, so those are deleted. Any index that fails its sanity check is rebuilt
 * by rescanning its segment. Leftover temporary files and indexes without a log are removed.
 */
export async function loadSegments(
  dir: string,
  opts: { cleanShutdown: boolean; recoveryPoint: number; indexIntervalBytes: number; logger?: LoaderLogger },
): Promise<LogSegment[]> {
  const names = await readdir(dir);
  const bases: number[] = [];
  for (const name of names) {
    const m = SEGMENT_LOG.exec(name);
    if (m !== null) bases.push(Number(m[1]));
  }
  const baseSet = new Set(bases);
  for (const name of names) {
    const m = SEGMENT_INDEX.exec(name);
    const orphanIndex = m !== null && !baseSet.has(Number(m[1]));
    if (orphanIndex || name.endsWith('.tmp') || name.endsWith('.deleted')) {
      await rm(join(dir, name), { force: true });
    }
  }
  bases.sort((a, b) => a - b);
  if (bases.length === 0) return [];

  const segments: LogSegment[] = [];
  for (let i = 0; i < bases.length; i++) {
    const base = bases[i]!;
    const nextBase = i + 1 < bases.length ? bases[i + 1]! : Number.POSITIVE_INFINITY;
    const isLast = i === bases.length - 1;
    const info = await LogSegment.blank(dir, base).statFile();
    const mayHoldUnflushed = !opts.cleanShutdown && nextBase > opts.recoveryPoint;
    let segment: LogSegment | undefined;
    if (!isLast && !mayHoldUnflushed) {
      const offsetIndex = await OffsetIndex.load(
        join(dir, segmentFileName(base, '.index')),
        base,
        info.size,
        nextBase,
      );
      const timeIndex = await TimeIndex.load(join(dir, segmentFileName(base, '.timeindex')), base, nextBase);
      if (offsetIndex !== undefined && timeIndex !== undefined && info.size > 0) {
        segment = new LogSegment(dir, base, offsetIndex, timeIndex);
        segment.sizeBytes = info.size;
        segment.nextOffset = nextBase;
        segment.maxTimestamp = timeIndex.lastTimestamp;
        segment.offsetOfMaxTimestamp = timeIndex.lastOffset;
        segment.lastModifiedMs = info.mtimeMs;
      } else {
        opts.logger?.warn({ dir, baseOffset: base }, 'index missing or failed its sanity check; rebuilding');
      }
    }
    if (segment === undefined) {
      segment = LogSegment.blank(dir, base);
      const cutBytes = await segment.recover(opts.indexIntervalBytes, 0);
      if (cutBytes > 0) {
        opts.logger?.warn({ dir, baseOffset: base, cutBytes }, 'truncated a torn or corrupt segment tail');
      }
      await segment.persistIndexes(true);
    }
    segment.firstAppendWallMs = segment.isEmpty ? -1 : info.birthtimeMs > 0 ? info.birthtimeMs : info.mtimeMs;
    segments.push(segment);
    if (!isLast && segment.nextOffset !== nextBase) {
      // A gap (or overlap): later segments cannot follow with dense offsets.
      const dropped = bases.slice(i + 1);
      opts.logger?.warn(
        { dir, baseOffset: base, nextOffset: segment.nextOffset, droppedSegments: dropped.length },
        'segment ends before the next one starts; deleting later segments',
      );
      for (const b of dropped) {
        await rm(join(dir, segmentFileName(b, '.log')), { force: true });
        await rm(join(dir, segmentFileName(b, '.index')), { force: true });
        await rm(join(dir, segmentFileName(b, '.timeindex')), { force: true });
      }
      break;
    }
  }
  return segments;
}

/** A partition directory as loaded at open: everything PartitionLog starts from. */
export interface LoadedLog {
  segments: LogSegments;
  epochs: LeaderEpochCache;
  producers: ProducerStateManager;
  cleanShutdown: boolean;
}

/**
 * Loads a partition directory (which exists): the segments (recovered as loadSegments says, a first
 * empty one created if there is none, the active one opened and fsynced), then the leader-epoch history
 * and the producer state, each from its checkpoint or, failing that, from the batches.
 */
export async function loadLog(
  dir: string,
  config: Pick<LogConfig, 'indexIntervalBytes'>,
  deps: { files: FileHandleCache; logger?: LoaderLogger },
): Promise<LoadedLog> {
  const cleanShutdown = await readFile(join(dir, CLEAN_SHUTDOWN_FILE)).then(
    () => true,
    () => false,
  );
  const recoveryPoint = await readRecoveryPoint(dir);
  const loaded = await loadSegments(dir, {
    cleanShutdown,
    recoveryPoint,
    indexIntervalBytes: config.indexIntervalBytes,
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
  });
  if (loaded.length === 0) loaded.push(await LogSegment.create(dir, 0, Date.now()));
  const segments = new LogSegments(loaded);
  const active = segments.active;
  await active.openForWrite();
  await active.flushLog();
  const epochs = await LeaderEpochCache.open(dir, active.nextOffset, () =>
    epochsFromSegments(segments, deps.files),
  );
  const producers = await ProducerStateManager.load(dir, segments, deps.files);
  return { segments, epochs, producers, cleanShutdown };
}

/** Rebuilds the epoch history from batch headers, for logs without a readable checkpoint. */
async function epochsFromSegments(segments: LogSegments, files: FileHandleCache): Promise<EpochEntry[]> {
  const seen: Array<{ epoch: number; baseOffset: number }> = [];
  await segments.forEachBatch(files, 0, (b) => {
    seen.push({ epoch: b.partitionLeaderEpoch, baseOffset: b.baseOffset });
  });
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

import { TributaryError } from '../../proto/errors.js';

/** Per-partition storage settings; a topic's configs over broker defaults (see broker/metadata). */
export interface LogConfig {
  /** Roll the active segment before it would grow past this size (Kafka segment.bytes). */
  segmentBytes: number;
  /** Roll the active segment when its first batch was appended this long ago (segment.ms). */
  segmentMs: number;
  /** Delete the oldest segments while the log is larger than this; -1 = unlimited (retention.bytes). */
  retentionBytes: number;
  /** Delete a segment once its largest timestamp is older than this; -1 = unlimited (retention.ms). */
  retentionMs: number;
  /** Bytes of batches between two sparse index entries (index.interval.bytes). */
  indexIntervalBytes: number;
  /** Largest accepted batch, header included (max.message.bytes). */
  maxBatchBytes: number;
  /** 0 = fsync every append before it resolves; N = fsync in the background every N ms (flush.ms). */
  flushIntervalMs: number;
  /** fsync after this many records since the last fsync; 1 = every append (flush.messages). */
  flushMessages: number;
  timestampType: 'CreateTime' | 'LogAppendTime';
  /** `delete` (retention), `compact` (keep the latest record per key) or both (cleanup.policy). */
  cleanupPolicy: 'delete' | 'compact' | 'compact,delete';
  /** How long a tombstone (null value) survives compaction, so consumers see the deletion (delete.retention.ms). */
  deleteRetentionMs: number;
  /** Compact once this share of the closed segments' bytes was written since the last compaction. */
  minCleanableDirtyRatio: number;
  /** Records younger than this are never compacted away (min.compaction.lag.ms). */
  minCompactionLagMs: number;
}

export const DEFAULT_LOG_CONFIG: LogConfig = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  indexIntervalBytes: 4096,
  maxBatchBytes: 1024 * 1024 + 12,
  // Kafka leaves flushing to the OS and relies on replication; a single-node default wants a bound on
  // what a power cut can lose, so we fsync every second like Redis' appendfsync everysec.
  flushIntervalMs: 1000,
  flushMessages: Number.MAX_SAFE_INTEGER,
  timestampType: 'CreateTime',
  cleanupPolicy: 'delete',
  deleteRetentionMs: 24 * 60 * 60 * 1000,
  minCleanableDirtyRatio: 0.5,
  minCompactionLagMs: 0,
});

/** Relative offsets and positions are int32 in the indexes, so a segment must stay below 2 GiB. */
export const SEGMENT_BYTES_MAX = 0x7fffffff;
/** Smallest segment: one batch header. */
export const SEGMENT_BYTES_MIN = 61;

function check(ok: boolean, message: string): void {
  if (!ok) throw new TributaryError('INVALID_CONFIG', message);
}

function integerIn(c: LogConfig, name: keyof LogConfig, min: number, max = Number.MAX_SAFE_INTEGER): void {
  const v = c[name];
  check(
    typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max,
    `${name} must be an integer in [${min}, ${max}], got ${String(v)}`,
  );
}

export function validateLogConfig(c: LogConfig): void {
  integerIn(c, 'segmentBytes', SEGMENT_BYTES_MIN, SEGMENT_BYTES_MAX);
  integerIn(c, 'segmentMs', 1);
  integerIn(c, 'retentionBytes', -1);
  integerIn(c, 'retentionMs', -1);
  integerIn(c, 'indexIntervalBytes', 0, SEGMENT_BYTES_MAX);
  integerIn(c, 'maxBatchBytes', 61, SEGMENT_BYTES_MAX);
  integerIn(c, 'flushIntervalMs', 0);
  integerIn(c, 'flushMessages', 1);
  check(
    c.timestampType === 'CreateTime' || c.timestampType === 'LogAppendTime',
    `timestampType must be CreateTime or LogAppendTime, got ${String(c.timestampType)}`,
  );
}

import { TributaryError } from '../errors.js';
import { crc32c } from './crc32c.js';

/**
 * RecordBatch v2 (magic 2), Kafka's batch format, used unchanged on the wire and on disk.
 *
 * ```
 * offset size field                  notes
 *      0    8 baseOffset             int64; rewritten by the broker (outside the CRC)
 *      8    4 batchLength            int32; bytes after this field, so a batch is 12 + batchLength bytes
 *     12    4 partitionLeaderEpoch   int32; rewritten by the broker (outside the CRC)
 *     16    1 magic                  int8 = 2
 *     17    4 crc                    uint32 CRC-32C of bytes 21..end of the batch
 *     21    2 attributes             int16: bits 0-2 compression, bit 3 timestamp type (1 = LogAppendTime),
 *                                    bit 4 transactional, bit 5 control
 *     23    4 lastOffsetDelta        int32 = recordCount - 1 for batches produced by Tributary and Kafka
 *     27    8 baseTimestamp          int64
 *     35    8 maxTimestamp           int64; the log-append time when the timestamp type is LogAppendTime
 *     43    8 producerId             int64, -1 without idempotence
 *     51    2 producerEpoch          int16
 *     53    4 baseSequence           int32
 *     57    4 recordCount            int32
 *     61    - records                possibly compressed as a whole (see compression.ts)
 * ```
 * Each record: length varint, attributes int8, timestampDelta varlong, offsetDelta varint, keyLength
 * varint (-1 = null), key, valueLength varint (-1 = null), value, headerCount varint, then per header
 * keyLength varint, key (UTF-8), valueLength varint (-1 = null), value. All varints are zigzag.
 *
 * This file holds what the broker needs without touching records: header reads, the disk scanner and the
 * in-place mutators. The producer-input validation (every record walked) is batch-validator.ts. Encoding and decoding records live in
 * record-encoder.ts and record-decoder.ts.
 */

export const RECORD_BATCH_HEADER_BYTES = 61;
export const RECORD_BATCH_MAGIC = 2;
/** baseOffset + batchLength: the part of the header not counted by batchLength. */
export const BATCH_LOG_OVERHEAD_BYTES = 12;
export const TimestampType = { CreateTime: 0, LogAppendTime: 1 } as const;

export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORD_COUNT_OFFSET = 57;

export const COMPRESSION_MASK = 0x07;
export const TIMESTAMP_TYPE_BIT = 0x08;
export const TRANSACTIONAL_BIT = 0x10;
export const CONTROL_BIT = 0x20;

/** The smallest possible batchLength: a header with no records. */
const MIN_BATCH_LENGTH = RECORD_BATCH_HEADER_BYTES - BATCH_LOG_OVERHEAD_BYTES;

export interface BatchHeader {
  baseOffset: number;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  compression: number;
  timestampType: 'CreateTime' | 'LogAppendTime';
  isTransactional: boolean;
  isControl: boolean;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** Reads an int64 as a number (hi * 2^32 + lo); NaN when it is not a safe integer. */
export function readInt64(buf: Buffer, pos: number): number {
  const value = buf.readInt32BE(pos) * 0x100000000 + buf.readUInt32BE(pos + 4);
  return Number.isSafeInteger(value) ? value : Number.NaN;
}

export function writeInt64(buf: Buffer, pos: number, value: number): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`int64 is not a safe integer: ${value}`);
  const hi = Math.floor(value / 0x100000000);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(value - hi * 0x100000000, pos + 4);
}

function int64Field(buf: Buffer, pos: number, name: string): number {
  const value = readInt64(buf, pos);
  if (Number.isNaN(value)) throw new TributaryError('CORRUPT_BATCH', `${name} is not a safe integer`);
  return value;
}

/** Reads the 61-byte header at `pos`. Checks only that the header is present and int64s are safe. */
export function readBatchHeader(buf: Buffer, pos = 0): BatchHeader {
  if (pos < 0 || buf.length - pos < RECORD_BATCH_HEADER_BYTES) {
    throw new TributaryError('CORRUPT_BATCH', `batch header needs ${RECORD_BATCH_HEADER_BYTES} bytes`);
  }
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
  return {
    baseOffset: int64Field(buf, pos + BASE_OFFSET_OFFSET, 'baseOffset'),
    batchLength: buf.readInt32BE(pos + BATCH_LENGTH_OFFSET),
    partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET),
    magic: buf.readInt8(pos + MAGIC_OFFSET),
    crc: buf.readUInt32BE(pos + CRC_OFFSET),
    attributes,
    compression: attributes & COMPRESSION_MASK,
    timestampType: attributes & TIMESTAMP_TYPE_BIT ? 'LogAppendTime' : 'CreateTime',
    isTransactional: (attributes & TRANSACTIONAL_BIT) !== 0,
    isControl: (attributes & CONTROL_BIT) !== 0,
    lastOffsetDelta: buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET),
    baseTimestamp: int64Field(buf, pos + BASE_TIMESTAMP_OFFSET, 'baseTimestamp'),
    maxTimestamp: int64Field(buf, pos + MAX_TIMESTAMP_OFFSET, 'maxTimestamp'),
    producerId: int64Field(buf, pos + PRODUCER_ID_OFFSET, 'producerId'),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
    recordCount: buf.readInt32BE(pos + RECORD_COUNT_OFFSET),
  };
}

/** CRC-32C of a batch as stored: bytes 21..end. */
export function computeBatchCrc(buf: Buffer, pos: number, sizeBytes: number): number {
  return crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, pos + sizeBytes));
}

/** A batch found by the scanner: enough to index, read and recover without decoding records. */
export interface ScannedBatch {
  position: number;
  sizeBytes: number;
  baseOffset: number;
  lastOffset: number;
  recordCount: number;
  maxTimestamp: number;
  partitionLeaderEpoch: number;
  isControl: boolean;
}

export interface ScanResult {
  batches: ScannedBatch[];
  /** Position just after the last accepted batch. */
  endPosition: number;
  /**
   * `complete`: the buffer ends exactly after a batch. `incomplete`: the next batch is cut short by the
   * end of the buffer (`nextBatchBytes` is its full size if its length field was readable, else -1).
   * `corrupt`: the next batch is malformed or fails its CRC (`reason` says how).
   */
  status: 'complete' | 'incomplete' | 'corrupt';
  nextBatchBytes: number;
  reason?: string;
}

/**
 * Scans consecutive batch headers from `start`, stopping at the first incomplete or malformed batch.
 * For reads and recovery from disk; with `verifyCrc` every batch's CRC is checked too (recovery).
 */
export function scanLog(
  buf: Buffer,
  start = 0,
  opts: { verifyCrc?: boolean; maxBatches?: number } = {},
): ScanResult {
  const batches: ScannedBatch[] = [];
  const maxBatches = opts.maxBatches ?? Number.POSITIVE_INFINITY;
  let pos = start;
  const stop = (status: ScanResult['status'], nextBatchBytes: number, reason?: string): ScanResult =>
    reason === undefined
      ? { batches, endPosition: pos, status, nextBatchBytes }
      : { batches, endPosition: pos, status, nextBatchBytes, reason };
  while (batches.length < maxBatches) {
    const remaining = buf.length - pos;
    if (remaining === 0) return stop('complete', 0);
    if (remaining < BATCH_LOG_OVERHEAD_BYTES) return stop('incomplete', -1);
    const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
    if (batchLength < MIN_BATCH_LENGTH) return stop('corrupt', -1, `batchLength ${batchLength}`);
    const sizeBytes = BATCH_LOG_OVERHEAD_BYTES + batchLength;
    if (remaining < RECORD_BATCH_HEADER_BYTES || remaining < sizeBytes) return stop('incomplete', sizeBytes);
    const magic = buf.readInt8(pos + MAGIC_OFFSET);
    if (magic !== RECORD_BATCH_MAGIC) return stop('corrupt', sizeBytes, `magic ${magic}`);
    const baseOffset = readInt64(buf, pos + BASE_OFFSET_OFFSET);
    const maxTimestamp = readInt64(buf, pos + MAX_TIMESTAMP_OFFSET);
    const recordCount = buf.readInt32BE(pos + RECORD_COUNT_OFFSET);
    const lastOffsetDelta = buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
    if (Number.isNaN(baseOffset) || baseOffset < 0 || Number.isNaN(maxTimestamp)) {
      return stop('corrupt', sizeBytes, 'baseOffset or maxTimestamp out of range');
    }
    if (lastOffsetDelta < 0 || recordCount < 0) return stop('corrupt', sizeBytes, 'negative counts');
    if (
      opts.verifyCrc === true &&
      buf.readUInt32BE(pos + CRC_OFFSET) !== computeBatchCrc(buf, pos, sizeBytes)
    ) {
      return stop('corrupt', sizeBytes, 'CRC mismatch');
    }
    const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
    batches.push({
      position: pos,
      sizeBytes,
      baseOffset,
      lastOffset: baseOffset + lastOffsetDelta,
      recordCount,
      maxTimestamp,
      partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET),
      isControl: (attributes & CONTROL_BIT) !== 0,
    });
    pos += sizeBytes;
  }
  return stop(pos === buf.length ? 'complete' : 'incomplete', -1);
}

/** The complete batches of `buf` from `start`, up to the first incomplete (or, with verifyCrc, corrupt) one. */
export function scanBatches(buf: Buffer, start = 0, opts: { verifyCrc?: boolean } = {}): ScannedBatch[] {
  return scanLog(buf, start, opts).batches;
}

/** Sets baseOffset in place. It lies outside the CRC, so the CRC stays valid. */
export function setBaseOffset(buf: Buffer, pos: number, offset: number): void {
  if (!(Number.isSafeInteger(offset) && offset >= 0)) throw new RangeError(`bad base offset ${offset}`);
  writeInt64(buf, pos + BASE_OFFSET_OFFSET, offset);
}

/** Sets partitionLeaderEpoch in place. It lies outside the CRC, so the CRC stays valid. */
export function setPartitionLeaderEpoch(buf: Buffer, pos: number, epoch: number): void {
  buf.writeInt32BE(epoch, pos + PARTITION_LEADER_EPOCH_OFFSET);
}

/** Marks the batch LogAppendTime with `timeMs` as its maxTimestamp and recomputes the CRC (Kafka's setMaxTimestamp). */
export function stampLogAppendTime(buf: Buffer, pos: number, timeMs: number): void {
  const sizeBytes = BATCH_LOG_OVERHEAD_BYTES + buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  if (sizeBytes < RECORD_BATCH_HEADER_BYTES || pos + sizeBytes > buf.length) {
    throw new TributaryError('CORRUPT_BATCH', 'cannot stamp an incomplete batch');
  }
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
  buf.writeInt16BE(attributes | TIMESTAMP_TYPE_BIT, pos + ATTRIBUTES_OFFSET);
  writeInt64(buf, pos + MAX_TIMESTAMP_OFFSET, timeMs);
  buf.writeUInt32BE(computeBatchCrc(buf, pos, sizeBytes), pos + CRC_OFFSET);
}

import { isUtf8 } from 'node:buffer';
import { TributaryError } from '../errors.js';
import { ZSTD_WINDOW_MAX_BYTES, zstdFrames } from './codecs.js';
import { Compression, compressionCodec } from './compression.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  BATCH_LOG_OVERHEAD_BYTES,
  COMPRESSION_MASK,
  CONTROL_BIT,
  CRC_OFFSET,
  computeBatchCrc,
  LAST_OFFSET_DELTA_OFFSET,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_HEADER_BYTES,
  RECORD_BATCH_MAGIC,
  RECORD_COUNT_OFFSET,
  readInt64,
  TIMESTAMP_TYPE_BIT,
  TRANSACTIONAL_BIT,
  writeInt64,
} from './record-batch.js';
import type { Cursor } from './varint.js';
import { readVarint, readVarlong } from './varint.js';

/**
 * The broker's log validator: what it checks before a producer's batches reach the log, so that a batch
 * every consumer can read is the only kind ever stored (as Kafka's LogValidator does, in one pass).
 *
 * Per batch: complete, magic 2, CRC-32C, a known codec, no control or transactional bit (Tributary has no
 * transaction API), recordCount >= 1 and lastOffsetDelta = recordCount - 1, safe int64 header fields.
 * Compressed records are decompressed under `maxDecompressedBytes` (the broker passes what a fetch can
 * serve); zstd frames may not need a window above ZSTD_WINDOW_MAX_BYTES.
 *
 * Per record, walking the (decompressed) bytes once, with no allocation per record:
 *
 * | field                    | rule                                                                      |
 * | ------------------------ | ------------------------------------------------------------------------- |
 * | length varint            | at least 6 bytes, within what is left of the batch                        |
 * | timestampDelta varlong   | at most 10 bytes; baseTimestamp + delta a safe integer >= 0 (CreateTime)  |
 * | offsetDelta varint       | exactly the record's index: 0, 1, ..., recordCount - 1                    |
 * | key, value lengths       | -1 (null) or 0 .. bytes left in the record                                |
 * | headerCount varint       | 0 .. (bytes left in the record) / 2                                       |
 * | header key length        | 0 .. bytes left (never null), and the key is valid UTF-8                  |
 * | header value length      | -1 (null) or 0 .. bytes left                                              |
 * | end of the record        | exactly at its length: no byte left after the headers                    |
 *
 * Varints are at most 5 bytes (int32) and varlongs 10 (int64). The records must exactly fill the batch
 * and their number must be the header's. A CreateTime batch's maxTimestamp is set to the largest record
 * timestamp (rewritten, CRC recomputed, when the producer's header says otherwise), as Kafka's validator
 * does, so the time index and ListOffsets by time never skip records. A LogAppendTime batch keeps its
 * header time (the broker stamps its own for LogAppendTime topics). Timestamps are never negative: the
 * plain-records path of Produce has the same rule.
 *
 * Failures are CORRUPT_BATCH (INVALID_TIMESTAMP for timestamps, BATCH_TOO_LARGE for sizes,
 * UNSUPPORTED_COMPRESSION for codecs) with a message naming the batch, the record and the field.
 *
 * Batches copied from a leader (`compacted`) are trusted as the leader validated them: only their
 * header and record count are checked, and compaction may leave fewer records than their offset span.
 */

export interface ValidatedBatch {
  position: number;
  sizeBytes: number;
  recordCount: number;
  lastOffsetDelta: number;
  /** The batch's max timestamp after validation (recomputed from the records for CreateTime). */
  maxTimestamp: number;
  baseTimestamp: number;
  compression: number;
}

export interface ValidateOptions {
  maxBatchBytes: number;
  /**
   * Batches copied from a leader may be compacted: fewer records than their offset span (none, even),
   * as log compaction leaves them. Producers' batches never are. Their records are not walked.
   */
  compacted?: boolean;
  /** The largest decompressed records section accepted (default and cap: MAX_DECOMPRESSED_BYTES). */
  maxDecompressedBytes?: number;
  /**
   * Receives each batch's records section, decompressed (a view into `buf` for an uncompressed batch),
   * for a reader that wants records' headers without decoding the batches again (the broker's tracing).
   */
  sections?: Buffer[];
}

/** The smallest possible batchLength: a header with no records. */
const MIN_BATCH_LENGTH = RECORD_BATCH_HEADER_BYTES - BATCH_LOG_OVERHEAD_BYTES;
/** attributes, timestampDelta, offsetDelta, keyLength, valueLength, headerCount: one byte each at least. */
const MIN_RECORD_BODY_BYTES = 6;
/** A header is at least a key length and a value length varint. */
const MIN_HEADER_BYTES = 2;

function corrupt(message: string): TributaryError {
  return new TributaryError('CORRUPT_BATCH', message);
}

/**
 * Validates every batch of a produce request (or a replicated chunk with `compacted`), as described in
 * the file comment. May rewrite a CreateTime batch's maxTimestamp and CRC in place; nothing else.
 */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: the hot path of every produce: one pass over the buffer, the checks in wire order
export function validateBatches(buf: Buffer, opts: ValidateOptions): ValidatedBatch[] {
  if (buf.length === 0) throw corrupt('no record batch');
  const out: ValidatedBatch[] = [];
  const cursor: Cursor = { pos: 0 };
  let pos = 0;
  while (pos < buf.length) {
    const remaining = buf.length - pos;
    const where = `batch ${out.length} (byte ${pos})`;
    if (remaining < RECORD_BATCH_HEADER_BYTES) {
      throw corrupt(`${remaining} trailing bytes are not a whole batch header`);
    }
    const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
    if (batchLength < MIN_BATCH_LENGTH) {
      throw corrupt(`${where}: batchLength ${batchLength} is below ${MIN_BATCH_LENGTH}`);
    }
    const sizeBytes = BATCH_LOG_OVERHEAD_BYTES + batchLength;
    if (sizeBytes > opts.maxBatchBytes) {
      throw new TributaryError(
        'BATCH_TOO_LARGE',
        `batch of ${sizeBytes} bytes exceeds ${opts.maxBatchBytes}`,
      );
    }
    if (sizeBytes > remaining) {
      throw corrupt(`batch of ${sizeBytes} bytes is truncated to ${remaining}`);
    }
    const magic = buf.readInt8(pos + MAGIC_OFFSET);
    if (magic !== RECORD_BATCH_MAGIC) {
      throw new TributaryError(
        'UNSUPPORTED_MAGIC',
        `batch magic ${magic}; only ${RECORD_BATCH_MAGIC} is accepted`,
      );
    }
    const storedCrc = buf.readUInt32BE(pos + CRC_OFFSET);
    const actualCrc = computeBatchCrc(buf, pos, sizeBytes);
    if (storedCrc !== actualCrc) {
      throw new TributaryError(
        'CRC_MISMATCH',
        `batch CRC ${storedCrc} does not match its contents (${actualCrc})`,
      );
    }
    const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
    const compression = attributes & COMPRESSION_MASK;
    if (compression > 4) {
      throw new TributaryError('UNSUPPORTED_COMPRESSION', `unknown compression id ${compression}`);
    }
    if (attributes & CONTROL_BIT) throw corrupt(`${where}: producers may not send control batches`);
    const recordCount = buf.readInt32BE(pos + RECORD_COUNT_OFFSET);
    const lastOffsetDelta = buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
    if (opts.compacted) {
      if (lastOffsetDelta < 0 || recordCount < 0 || recordCount > lastOffsetDelta + 1) {
        throw corrupt(`recordCount ${recordCount} does not fit lastOffsetDelta ${lastOffsetDelta}`);
      }
    } else {
      if (attributes & TRANSACTIONAL_BIT) {
        throw corrupt(`${where}: transactional batches are not accepted (Tributary has no transaction API)`);
      }
      if (recordCount < 1) {
        throw corrupt(`recordCount ${recordCount} is below 1`);
      } else if (lastOffsetDelta !== recordCount - 1) {
        throw corrupt(`lastOffsetDelta ${lastOffsetDelta} does not match recordCount ${recordCount}`);
      }
    }
    const baseTimestamp = readInt64(buf, pos + BASE_TIMESTAMP_OFFSET);
    let maxTimestamp = readInt64(buf, pos + MAX_TIMESTAMP_OFFSET);
    if (Number.isNaN(baseTimestamp) || Number.isNaN(maxTimestamp)) {
      throw corrupt('batch timestamps are not safe integers');
    }
    if (Number.isNaN(readInt64(buf, pos + PRODUCER_ID_OFFSET))) {
      throw corrupt('producerId is not a safe integer');
    }
    const end = pos + sizeBytes;
    let records = buf.subarray(pos + RECORD_BATCH_HEADER_BYTES, end);
    if (compression !== 0) {
      if (!opts.compacted && compression === Compression.zstd) checkZstdWindow(records, where);
      records = compressionCodec(compression).decompress(records, opts.maxDecompressedBytes);
    }
    if (recordCount > records.length / (1 + MIN_RECORD_BODY_BYTES)) {
      throw corrupt(`recordCount ${recordCount} cannot fit in the batch`);
    }
    if (opts.compacted) {
      const walked = countRecords(records, cursor);
      if (walked !== recordCount) throw corrupt(`batch holds ${walked} records but says ${recordCount}`);
    } else if ((attributes & TIMESTAMP_TYPE_BIT) === 0) {
      const recordsMax = walkRecords(records, cursor, recordCount, baseTimestamp, where);
      if (recordsMax !== maxTimestamp) {
        // Kafka's validator sets the batch's max timestamp from its records: do the same.
        writeInt64(buf, pos + MAX_TIMESTAMP_OFFSET, recordsMax);
        buf.writeUInt32BE(computeBatchCrc(buf, pos, sizeBytes), pos + CRC_OFFSET);
        maxTimestamp = recordsMax;
      }
    } else {
      if (maxTimestamp < 0) {
        throw new TributaryError(
          'INVALID_TIMESTAMP',
          `${where}: log-append time ${maxTimestamp} is negative`,
        );
      }
      walkRecords(records, cursor, recordCount, 0, where);
    }
    out.push({
      position: pos,
      sizeBytes,
      recordCount,
      lastOffsetDelta,
      maxTimestamp,
      baseTimestamp,
      compression,
    });
    opts.sections?.push(records);
    pos = end;
  }
  return out;
}

function checkZstdWindow(compressed: Buffer, where: string): void {
  for (const frame of zstdFrames(compressed)) {
    if (frame.windowBytes > ZSTD_WINDOW_MAX_BYTES) {
      throw new TributaryError(
        'UNSUPPORTED_COMPRESSION',
        `${where}: zstd frame needs a ${frame.windowBytes}-byte window; at most ${ZSTD_WINDOW_MAX_BYTES} is accepted (compression.zstd.level 19 or below)`,
      );
    }
  }
}

/** Walks the record length varints of a records section; returns how many records exactly fill it. */
function countRecords(records: Buffer, cursor: Cursor): number {
  cursor.pos = 0;
  let walked = 0;
  while (cursor.pos < records.length) {
    const recordLength = readVarint(records, cursor);
    if (recordLength < MIN_RECORD_BODY_BYTES || recordLength > records.length - cursor.pos) {
      throw corrupt(`record length ${recordLength} does not fit the batch`);
    }
    cursor.pos += recordLength;
    walked++;
  }
  return walked;
}

/** Names the field being read, for error messages. Indexes into FIELD_NAMES, so no string is built per record. */
const Field = {
  length: 0,
  timestampDelta: 1,
  offsetDelta: 2,
  keyLength: 3,
  valueLength: 4,
  headerCount: 5,
  headerKeyLength: 6,
  headerValueLength: 7,
} as const;
const FIELD_NAMES = [
  'length',
  'timestampDelta',
  'offsetDelta',
  'key length',
  'value length',
  'header count',
  'header key length',
  'header value length',
];

/**
 * Walks every record of a (decompressed) records section once, checking the rules of the file comment.
 * Returns the largest record timestamp (baseTimestamp + timestampDelta). Keys, values and headers are
 * skipped, never copied.
 *
 * The hot path of produce (issue 12 measured it): one loop over the bytes with the position in a local,
 * one-byte varints read inline, longer ones by `varint32`, no allocation per record. Every check is
 * written so that NaN (a malformed varint) fails it. The first record that fails any check is walked
 * again by `explainRecord`, which names the field and the rule.
 */
function walkRecords(
  records: Buffer,
  cursor: Cursor,
  recordCount: number,
  baseTimestamp: number,
  where: string,
): number {
  const maxTimestamp = fastWalk(records, recordCount, baseTimestamp);
  if (maxTimestamp !== WALK_FAILED) return maxTimestamp;
  if (failedStart === records.length) {
    throw corrupt(`${where}: holds ${failedIndex} records but says ${recordCount}`);
  }
  explainRecord(records, cursor, failedStart, failedIndex, recordCount, baseTimestamp, where);
  throw corrupt(`${where}, record ${failedIndex}: malformed`); // explainRecord always throws first
}

const WALK_FAILED = -2;
/** Where `fastWalk` stopped: the first record that failed a check, by position and index. */
let failedStart = 0;
let failedIndex = 0;

function failed(start: number, index: number): number {
  failedStart = start;
  failedIndex = index;
  return WALK_FAILED;
}

/** Zigzag decoding of a one-byte varint, and of a two-byte one (`first` has its high bit set). */
const zigzag1 = (byte: number) => (byte >>> 1) ^ -(byte & 1);
const zigzag2 = (first: number, second: number) => zigzag1((first & 0x7f) | (second << 7));

/**
 * The checks of walkRecords, as one loop: returns the largest record timestamp, or WALK_FAILED with
 * `failedStart`/`failedIndex` set.
 */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: the per-record hot path of produce: one loop, varints inline, in wire order (a helper per field measured slower; docs/benchmarks.md)
function fastWalk(records: Buffer, recordCount: number, baseTimestamp: number): number {
  const size = records.length;
  let p = 0;
  let index = 0;
  let maxTimestamp = -1;
  let start = 0;
  while (p < size) {
    start = p;
    if (index === recordCount) return failed(start, index);
    let b = records[p]!;
    let length: number;
    if (b < 0x80) {
      length = zigzag1(b);
      p++;
    } else if (records[p + 1]! < 0x80) {
      length = zigzag2(b, records[p + 1]!);
      p += 2;
    } else {
      length = varint32(records, p);
      p = varintEnd;
    }
    if (!(length >= MIN_RECORD_BODY_BYTES && length <= size - p)) return failed(start, index);
    const end = p + length;
    b = records[++p]!; // past the record attributes, unused in magic 2
    let timestampDelta: number;
    if (b < 0x80) {
      timestampDelta = zigzag1(b);
      p++;
    } else if (records[p + 1]! < 0x80) {
      timestampDelta = zigzag2(b, records[p + 1]!);
      p += 2;
    } else {
      timestampDelta = varlong(records, p);
      p = varintEnd;
    }
    const timestamp = baseTimestamp + timestampDelta;
    if (!(timestamp >= 0 && timestamp <= Number.MAX_SAFE_INTEGER)) return failed(start, index);
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    b = records[p]!;
    let n: number;
    if (b < 0x80) {
      n = zigzag1(b);
      p++;
    } else if (records[p + 1]! < 0x80) {
      n = zigzag2(b, records[p + 1]!);
      p += 2;
    } else {
      n = varint32(records, p);
      p = varintEnd;
    }
    if (n !== index) return failed(start, index); // offsetDelta
    b = records[p]!;
    if (b < 0x80) {
      n = zigzag1(b);
      p++;
    } else if (records[p + 1]! < 0x80) {
      n = zigzag2(b, records[p + 1]!);
      p += 2;
    } else {
      n = varint32(records, p);
      p = varintEnd;
    }
    if (!(n >= -1 && n <= end - p)) return failed(start, index); // key length
    if (n > 0) p += n;
    b = records[p]!;
    if (b < 0x80) {
      n = zigzag1(b);
      p++;
    } else if (records[p + 1]! < 0x80) {
      n = zigzag2(b, records[p + 1]!);
      p += 2;
    } else {
      n = varint32(records, p);
      p = varintEnd;
    }
    if (!(n >= -1 && n <= end - p)) return failed(start, index); // value length
    if (n > 0) p += n;
    b = records[p]!;
    let headerCount: number;
    if (b < 0x80) {
      headerCount = zigzag1(b);
      p++;
    } else if (records[p + 1]! < 0x80) {
      headerCount = zigzag2(b, records[p + 1]!);
      p += 2;
    } else {
      headerCount = varint32(records, p);
      p = varintEnd;
    }
    if (!(headerCount >= 0 && headerCount * MIN_HEADER_BYTES <= end - p)) return failed(start, index);
    for (let h = 0; h < headerCount; h++) {
      n = varint32(records, p);
      p = varintEnd;
      if (!(n >= 0 && n <= end - p) || !isUtf8At(records, p, n)) return failed(start, index); // header key
      p += n;
      n = varint32(records, p);
      p = varintEnd;
      if (!(n >= -1 && n <= end - p)) return failed(start, index); // header value
      if (n > 0) p += n;
    }
    if (p !== end) return failed(start, index);
    index++;
  }
  failedStart = p;
  failedIndex = index;
  return index === recordCount ? maxTimestamp : failed(p, index);
}

/** The position after the varint `varint32` read last. */
let varintEnd = 0;

/** A zigzag varint (int32, at most 5 bytes) at `p`, or NaN when malformed; sets `varintEnd`. */
function varint32(buf: Uint8Array, p: number): number {
  let zz = 0;
  for (let shift = 0; shift <= 28; shift += 7) {
    if (p >= buf.length) return Number.NaN;
    const byte = buf[p++]!;
    if (shift === 28 && byte > 0x0f) return Number.NaN;
    zz |= (byte & 0x7f) << shift;
    if (byte < 0x80) {
      varintEnd = p;
      zz >>>= 0;
      return (zz >>> 1) ^ -(zz & 1);
    }
  }
  return Number.NaN;
}

/** A zigzag varlong (at most 10 bytes) at `p` as a safe integer, or NaN; sets `varintEnd`. */
function varlong(buf: Uint8Array, p: number): number {
  if (p >= buf.length) return Number.NaN;
  let byte = buf[p++]!;
  const negative = (byte & 1) === 1;
  let u = (byte & 0x7f) >>> 1;
  let scale = 64;
  for (let bytes = 1; byte >= 0x80; bytes++) {
    if (p >= buf.length || bytes === 10) return Number.NaN;
    byte = buf[p++]!;
    u += (byte & 0x7f) * scale;
    scale *= 128;
  }
  if (u > Number.MAX_SAFE_INTEGER) return Number.NaN;
  varintEnd = p;
  return negative ? -u - 1 : u;
}

/** Whether `length` bytes at `p` are valid UTF-8: ASCII checked inline, anything else by node:buffer. */
function isUtf8At(buf: Buffer, p: number, length: number): boolean {
  for (let i = p; i < p + length; i++) {
    if (buf[i]! >= 0x80) return isUtf8(buf.subarray(p, p + length));
  }
  return true;
}

/**
 * Walks the record at `start` with the precise readers and throws the error that names its first
 * broken field. Called only for a record the fast walk refused.
 */
function explainRecord(
  records: Buffer,
  cursor: Cursor,
  start: number,
  index: number,
  recordCount: number,
  baseTimestamp: number,
  where: string,
): void {
  cursor.pos = start;
  let field: number = Field.length;
  const size = records.length;
  try {
    if (index === recordCount) {
      throw corrupt(`${size - cursor.pos} bytes follow the last of its ${recordCount} records`);
    }
    const length = readVarint(records, cursor);
    if (length < MIN_RECORD_BODY_BYTES || length > size - cursor.pos) {
      throw corrupt(`length ${length} does not fit the ${size - cursor.pos} bytes left in the batch`);
    }
    const end = cursor.pos + length;
    cursor.pos++; // record attributes
    field = Field.timestampDelta;
    const timestamp = baseTimestamp + readVarlong(records, cursor);
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      throw new TributaryError(
        'INVALID_TIMESTAMP',
        `timestamp ${baseTimestamp} + delta is ${timestamp}, outside 0 .. 2^53-1`,
      );
    }
    field = Field.offsetDelta;
    const offsetDelta = readVarint(records, cursor);
    if (offsetDelta !== index) throw corrupt(`offsetDelta ${offsetDelta}, expected ${index}`);
    field = Field.keyLength;
    skipBytes(records, cursor, end, true);
    field = Field.valueLength;
    skipBytes(records, cursor, end, true);
    field = Field.headerCount;
    const headerCount = readVarint(records, cursor);
    if (headerCount < 0 || headerCount > (end - cursor.pos) / MIN_HEADER_BYTES) {
      throw corrupt(`header count ${headerCount} does not fit the ${end - cursor.pos} bytes left`);
    }
    for (let h = 0; h < headerCount; h++) {
      field = Field.headerKeyLength;
      const keyLength = skipBytes(records, cursor, end, false);
      if (!isUtf8(records.subarray(cursor.pos - keyLength, cursor.pos))) {
        throw corrupt(`header ${h} key is not valid UTF-8`);
      }
      field = Field.headerValueLength;
      skipBytes(records, cursor, end, true);
    }
    if (cursor.pos !== end) {
      throw corrupt(
        cursor.pos < end
          ? `${end - cursor.pos} bytes left after its headers`
          : `fields run ${cursor.pos - end} bytes past its length ${length}`,
      );
    }
  } catch (err) {
    if (!(err instanceof TributaryError)) throw err;
    throw new TributaryError(err.reason, `${where}, record ${index} (${FIELD_NAMES[field]}): ${err.message}`);
  }
}

/** Skips a length-prefixed byte string; -1 (null) is allowed when `nullable`. Returns its length. */
function skipBytes(records: Buffer, cursor: Cursor, end: number, nullable: boolean): number {
  const length = readVarint(records, cursor);
  if (length === -1 && nullable) return 0;
  const left = end - cursor.pos;
  if (length < 0 || length > left) {
    throw corrupt(
      length < 0
        ? `${length} is negative${nullable ? ' (only -1, null, is allowed)' : ' (header keys cannot be null)'}`
        : `${length} does not fit the ${Math.max(left, 0)} bytes left in the record`,
    );
  }
  cursor.pos += length;
  return length;
}

import { TributaryError } from '../errors.js';
import type { CompressionName } from './compression.js';
import { compressionCodec, compressionId } from './compression.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  BATCH_LOG_OVERHEAD_BYTES,
  CRC_OFFSET,
  computeBatchCrc,
  LAST_OFFSET_DELTA_OFFSET,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_HEADER_BYTES,
  RECORD_BATCH_MAGIC,
  RECORD_COUNT_OFFSET,
  writeInt64,
} from './record-batch.js';
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint.js';

/** A record as a producer gives it. Strings are written as UTF-8. */
export interface ProducerRecord {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Array<{ key: string; value: Buffer | string | null }> | Record<string, Buffer | string>;
  timestamp?: number;
}

export interface EncodeOptions {
  baseOffset?: number;
  compression?: CompressionName | number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  partitionLeaderEpoch?: number;
  /** The timestamp of records without one; defaults to Date.now(). */
  nowMs?: number;
  isTransactional?: boolean;
}

type Bytes = Buffer | string | null;

function byteLength(b: Bytes | undefined): number {
  if (b === null || b === undefined) return -1;
  return typeof b === 'string' ? Buffer.byteLength(b, 'utf8') : b.length;
}

function writeBytes(buf: Buffer, pos: number, b: Bytes | undefined, length: number): number {
  pos = writeVarint(buf, pos, length);
  if (length <= 0 || b === null || b === undefined) return pos;
  if (typeof b === 'string') return pos + buf.write(b, pos, 'utf8');
  b.copy(buf, pos);
  return pos + length;
}

function headerList(headers: ProducerRecord['headers']): Array<{ key: string; value: Bytes }> {
  if (headers === undefined) return [];
  if (Array.isArray(headers)) return headers;
  return Object.entries(headers).map(([key, value]) => ({ key, value }));
}

/**
 * Encodes records into one RecordBatch v2. Sizes are computed first so the batch (or, when compressed,
 * the records section) is allocated once and written in place.
 */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: the hot path of every produce: the batch is sized, then written in place in one pass, in wire order, with its cursor in locals
export function encodeRecordBatch(records: ProducerRecord[], opts: EncodeOptions = {}): Buffer {
  if (records.length === 0)
    throw new TributaryError('INVALID_REQUEST', 'a record batch needs at least one record');
  const nowMs = opts.nowMs ?? Date.now();
  const compression = compressionId(opts.compression ?? 0);
  const count = records.length;

  // Pass 1: sizes. Kept in flat arrays so pass 2 does not recompute UTF-8 lengths.
  const timestamps = new Array<number>(count);
  const bodyBytes = new Array<number>(count);
  const keyBytes = new Array<number>(count);
  const valueBytes = new Array<number>(count);
  const headers = new Array<Array<{ key: string; value: Bytes }>>(count);
  const headerLengths: number[] = [];
  let baseTimestamp = 0;
  let maxTimestamp = -1;
  let recordsBytes = 0;
  for (let i = 0; i < count; i++) {
    const r = records[i]!;
    const ts = r.timestamp ?? nowMs;
    if (!(Number.isSafeInteger(ts) && ts >= -1)) {
      throw new TributaryError('INVALID_TIMESTAMP', `record ${i} has timestamp ${ts}`);
    }
    if (i === 0) baseTimestamp = ts;
    if (ts > maxTimestamp) maxTimestamp = ts;
    timestamps[i] = ts;
    const kLen = byteLength(r.key);
    const vLen = byteLength(r.value);
    keyBytes[i] = kLen;
    valueBytes[i] = vLen;
    const hs = headerList(r.headers);
    headers[i] = hs;
    let size =
      1 +
      sizeOfVarlong(ts - baseTimestamp) +
      sizeOfVarint(i) +
      sizeOfVarint(kLen) +
      Math.max(kLen, 0) +
      sizeOfVarint(vLen) +
      Math.max(vLen, 0) +
      sizeOfVarint(hs.length);
    for (const h of hs) {
      const hk = Buffer.byteLength(h.key, 'utf8');
      const hv = byteLength(h.value);
      headerLengths.push(hk, hv);
      size += sizeOfVarint(hk) + hk + sizeOfVarint(hv) + Math.max(hv, 0);
    }
    bodyBytes[i] = size;
    recordsBytes += sizeOfVarint(size) + size;
  }

  // Pass 2: records, straight into the batch when uncompressed.
  const direct = compression === 0;
  let out = Buffer.allocUnsafe(direct ? RECORD_BATCH_HEADER_BYTES + recordsBytes : recordsBytes);
  let pos = direct ? RECORD_BATCH_HEADER_BYTES : 0;
  let h = 0;
  for (let i = 0; i < count; i++) {
    const r = records[i]!;
    pos = writeVarint(out, pos, bodyBytes[i]!);
    out[pos++] = 0; // record attributes: unused
    pos = writeVarlong(out, pos, timestamps[i]! - baseTimestamp);
    pos = writeVarint(out, pos, i);
    pos = writeBytes(out, pos, r.key, keyBytes[i]!);
    pos = writeBytes(out, pos, r.value, valueBytes[i]!);
    const hs = headers[i]!;
    pos = writeVarint(out, pos, hs.length);
    for (const header of hs) {
      pos = writeBytes(out, pos, header.key, headerLengths[h++]!);
      pos = writeBytes(out, pos, header.value, headerLengths[h++]!);
    }
  }
  if (pos !== out.length) throw new Error(`encoder size mismatch: wrote ${pos} of ${out.length} bytes`);
  if (!direct) {
    const compressed = compressionCodec(compression).compress(out);
    out = Buffer.allocUnsafe(RECORD_BATCH_HEADER_BYTES + compressed.length);
    compressed.copy(out, RECORD_BATCH_HEADER_BYTES);
  }

  writeInt64(out, BASE_OFFSET_OFFSET, opts.baseOffset ?? 0);
  out.writeInt32BE(out.length - BATCH_LOG_OVERHEAD_BYTES, BATCH_LENGTH_OFFSET);
  out.writeInt32BE(opts.partitionLeaderEpoch ?? -1, PARTITION_LEADER_EPOCH_OFFSET);
  out.writeInt8(RECORD_BATCH_MAGIC, MAGIC_OFFSET);
  out.writeInt16BE(compression | (opts.isTransactional === true ? 0x10 : 0), ATTRIBUTES_OFFSET);
  out.writeInt32BE(count - 1, LAST_OFFSET_DELTA_OFFSET);
  writeInt64(out, BASE_TIMESTAMP_OFFSET, baseTimestamp);
  writeInt64(out, MAX_TIMESTAMP_OFFSET, maxTimestamp);
  writeInt64(out, PRODUCER_ID_OFFSET, opts.producerId ?? -1);
  out.writeInt16BE(opts.producerEpoch ?? -1, PRODUCER_EPOCH_OFFSET);
  out.writeInt32BE(opts.baseSequence ?? -1, BASE_SEQUENCE_OFFSET);
  out.writeInt32BE(count, RECORD_COUNT_OFFSET);
  out.writeUInt32BE(computeBatchCrc(out, 0, out.length), CRC_OFFSET);
  return out;
}

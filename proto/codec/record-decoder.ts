import { TributaryError } from '../errors.js';
import { compressionCodec } from './compression.js';
import type { BatchHeader } from './record-batch.js';
import {
  BATCH_LOG_OVERHEAD_BYTES,
  computeBatchCrc,
  RECORD_BATCH_HEADER_BYTES,
  RECORD_BATCH_MAGIC,
  readBatchHeader,
  scanBatches,
} from './record-batch.js';
import type { Cursor } from './varint.js';
import { readVarint, readVarlong } from './varint.js';

/**
 * A record as a consumer sees it. `key`, `value` and header values are views into the batch (or its
 * decompressed records), not copies: copy them if the source buffer is reused.
 */
export interface ConsumedRecord {
  offset: number;
  timestamp: number;
  timestampType: 'CreateTime' | 'LogAppendTime';
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{ key: string; value: Buffer | null }>;
  partitionLeaderEpoch: number;
  producerId: number;
  producerEpoch: number;
  sequence: number;
}

const INT32_MAX = 0x7fffffff;

/** Kafka's DefaultRecordBatch.incrementSequence: sequences wrap from int32 max to 0. */
function sequenceAt(baseSequence: number, delta: number): number {
  if (baseSequence < 0) return -1;
  return baseSequence > INT32_MAX - delta ? delta - (INT32_MAX - baseSequence) - 1 : baseSequence + delta;
}

function readBytes(buf: Buffer, cursor: Cursor, end: number, what: string): Buffer | null {
  const length = readVarint(buf, cursor);
  if (length === -1) return null;
  if (length < -1 || length > end - cursor.pos) {
    throw new TributaryError('CORRUPT_BATCH', `${what} length ${length} does not fit the record`);
  }
  const bytes = buf.subarray(cursor.pos, cursor.pos + length);
  cursor.pos += length;
  return bytes;
}

/**
 * Decodes one batch at `pos`: checks magic, completeness and CRC, decompresses (refusing more than
 * `maxDecompressedBytes`), decodes every record. Offsets must increase within the batch (compaction may
 * leave gaps), so a reader never sees one offset twice or out of order.
 */
export function decodeRecordBatch(
  buf: Buffer,
  pos = 0,
  opts: { maxDecompressedBytes?: number } = {},
): { header: BatchHeader; records: ConsumedRecord[] } {
  const header = readBatchHeader(buf, pos);
  if (header.magic !== RECORD_BATCH_MAGIC) {
    throw new TributaryError('UNSUPPORTED_MAGIC', `batch magic ${header.magic}`);
  }
  const sizeBytes = BATCH_LOG_OVERHEAD_BYTES + header.batchLength;
  if (sizeBytes < RECORD_BATCH_HEADER_BYTES || pos + sizeBytes > buf.length) {
    throw new TributaryError('CORRUPT_BATCH', `batch length ${header.batchLength} does not fit the buffer`);
  }
  const actualCrc = computeBatchCrc(buf, pos, sizeBytes);
  if (actualCrc !== header.crc) {
    throw new TributaryError(
      'CRC_MISMATCH',
      `batch CRC ${header.crc} does not match its contents (${actualCrc})`,
    );
  }
  if (header.recordCount < 0) throw new TributaryError('CORRUPT_BATCH', `recordCount ${header.recordCount}`);
  let body = buf.subarray(pos + RECORD_BATCH_HEADER_BYTES, pos + sizeBytes);
  if (header.compression !== 0) {
    body = compressionCodec(header.compression).decompress(body, opts.maxDecompressedBytes);
  }

  const records: ConsumedRecord[] = [];
  const cursor: Cursor = { pos: 0 };
  const logAppendTime = header.timestampType === 'LogAppendTime';
  let lastOffsetDelta = -1;
  while (cursor.pos < body.length) {
    if (records.length === header.recordCount) {
      throw new TributaryError('CORRUPT_BATCH', `batch holds more than its ${header.recordCount} records`);
    }
    const length = readVarint(body, cursor);
    const end = cursor.pos + length;
    if (length < 1 || end > body.length) throw new TributaryError('CORRUPT_BATCH', `record length ${length}`);
    cursor.pos++; // record attributes: unused
    const timestampDelta = readVarlong(body, cursor);
    const offsetDelta = readVarint(body, cursor);
    if (offsetDelta < 0 || offsetDelta > header.lastOffsetDelta) {
      throw new TributaryError('CORRUPT_BATCH', `offsetDelta ${offsetDelta} is outside the batch`);
    }
    if (offsetDelta <= lastOffsetDelta) {
      throw new TributaryError(
        'CORRUPT_BATCH',
        `record ${records.length}: offsetDelta ${offsetDelta} does not follow ${lastOffsetDelta}`,
      );
    }
    lastOffsetDelta = offsetDelta;
    const key = readBytes(body, cursor, end, 'key');
    const value = readBytes(body, cursor, end, 'value');
    const headerCount = readVarint(body, cursor);
    if (headerCount < 0 || headerCount > end - cursor.pos) {
      throw new TributaryError('CORRUPT_BATCH', `header count ${headerCount}`);
    }
    const headers: Array<{ key: string; value: Buffer | null }> = [];
    for (let i = 0; i < headerCount; i++) {
      const headerKey = readBytes(body, cursor, end, 'header key');
      if (headerKey === null) throw new TributaryError('CORRUPT_BATCH', 'header key is null');
      headers.push({ key: headerKey.toString('utf8'), value: readBytes(body, cursor, end, 'header value') });
    }
    if (cursor.pos !== end)
      throw new TributaryError('CORRUPT_BATCH', 'record length does not match its fields');
    const timestamp = logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta;
    records.push({
      offset: header.baseOffset + offsetDelta,
      timestamp,
      timestampType: header.timestampType,
      key,
      value,
      headers,
      partitionLeaderEpoch: header.partitionLeaderEpoch,
      producerId: header.producerId,
      producerEpoch: header.producerEpoch,
      sequence: sequenceAt(header.baseSequence, offsetDelta),
    });
  }
  if (records.length !== header.recordCount) {
    throw new TributaryError(
      'CORRUPT_BATCH',
      `batch holds ${records.length} records but says ${header.recordCount}`,
    );
  }
  return { header, records };
}

/** Decodes concatenated batches, ignoring a trailing partial batch and skipping control batches. */
export function decodeBatches(buf: Buffer): ConsumedRecord[] {
  const { records, error } = decodeReadableBatches(buf);
  if (error !== undefined) throw error;
  return records;
}

/**
 * Like decodeBatches, but a batch that cannot be decoded ends the walk instead of throwing: the records
 * of the batches before it are returned with the error, so one bad batch never hides the good records
 * before it (docs/api.md, "Services": a bad batch never blocks a reader). The caller delivers `records`, then reports `error`.
 */
export function decodeReadableBatches(buf: Buffer): { records: ConsumedRecord[]; error?: Error } {
  const records: ConsumedRecord[] = [];
  try {
    for (const batch of scanBatches(buf)) {
      if (batch.isControl) continue;
      for (const record of decodeRecordBatch(buf, batch.position).records) records.push(record);
    }
  } catch (err) {
    return { records, error: err instanceof Error ? err : new Error(String(err)) };
  }
  return { records };
}

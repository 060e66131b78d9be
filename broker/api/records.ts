import { decodeRecordBatch, scanBatches } from '../../proto/codec/index.js';
import { TributaryError } from '../../proto/errors.js';
import type { ConsumedRecord } from '../../proto/generated/tributary/v1/ConsumedRecord.js';
import { asTributaryError } from './errors.js';

/**
 * One scan of whole batches read from a log: the offset just past the last record (or `fromOffset` when
 * there is none), and how many records lie at or after `fromOffset` (the first batch may start earlier).
 */
export function summarizeBatches(
  batches: Buffer,
  fromOffset: number,
): { nextOffset: number; records: number } {
  let nextOffset = fromOffset;
  let records = 0;
  for (const b of scanBatches(batches)) {
    records += Math.max(0, b.lastOffset - Math.max(b.baseOffset, fromOffset) + 1);
    nextOffset = b.lastOffset + 1;
  }
  return { nextOffset, records };
}

/** Decoded records for RECORD_FORMAT_RECORDS, and where the next read starts. */
export interface WireRecords {
  records: ConsumedRecord[];
  /** The offset after the last record returned (or skipped batch); `fromOffset` when nothing was. */
  nextOffset: number;
  /** The records' estimated size on the wire. */
  bytes: number;
  /**
   * Set only when not one record could be returned because the first batch at `fromOffset` cannot be
   * decoded (a batch stored before the broker walked every record at produce) or decompresses past the
   * limit. When some records precede such a batch they are returned, and the next read meets the error.
   */
  error?: TributaryError;
}

/** A ConsumedRecord's protobuf size, roughly: offset and timestamp as decimal strings, tags, lengths. */
const RECORD_WIRE_OVERHEAD_BYTES = 48;
const HEADER_WIRE_OVERHEAD_BYTES = 8;

/**
 * For RECORD_FORMAT_RECORDS (tools and scripts; never the hot path): decodes records at or after
 * `fromOffset` while their wire size stays within `maxBytes` (with `atLeastOne`, always at least one
 * record, so a reader progresses), decompressing no batch past `maxDecompressedBytes`. A batch that cannot be decoded ends
 * the records there (see `WireRecords.error`): readers are never blocked by one bad batch.
 */
export function toWireRecords(
  batches: Buffer,
  fromOffset: number,
  limits: { maxBytes: number; maxDecompressedBytes: number; atLeastOne: boolean },
): WireRecords {
  const out: WireRecords = { records: [], nextOffset: fromOffset, bytes: 0 };
  for (const batch of scanBatches(batches)) {
    if (batch.lastOffset < fromOffset) continue;
    if (batch.isControl) {
      out.nextOffset = batch.lastOffset + 1;
      continue;
    }
    let decoded: ReturnType<typeof decodeRecordBatch>['records'];
    try {
      decoded = decodeRecordBatch(batches, batch.position, {
        maxDecompressedBytes: limits.maxDecompressedBytes,
      }).records;
    } catch (err) {
      if (out.records.length === 0)
        out.error = unreadable(err, batch.baseOffset, limits.maxDecompressedBytes);
      return out;
    }
    for (const r of decoded) {
      if (r.offset < fromOffset) continue;
      let bytes = RECORD_WIRE_OVERHEAD_BYTES + (r.key?.length ?? 0) + (r.value?.length ?? 0);
      for (const h of r.headers) bytes += HEADER_WIRE_OVERHEAD_BYTES + h.key.length + (h.value?.length ?? 0);
      if ((out.records.length > 0 || !limits.atLeastOne) && out.bytes + bytes > limits.maxBytes) return out;
      const record: ConsumedRecord = {
        offset: String(r.offset),
        timestamp_ms: String(r.timestamp),
        timestamp_type:
          r.timestampType === 'LogAppendTime'
            ? 'TIMESTAMP_TYPE_LOG_APPEND_TIME'
            : 'TIMESTAMP_TYPE_CREATE_TIME',
        headers: r.headers.map((h) => (h.value === null ? { key: h.key } : { key: h.key, value: h.value })),
      };
      if (r.key !== null) record.key = r.key;
      if (r.value !== null) record.value = r.value;
      out.records.push(record);
      out.bytes += bytes;
      out.nextOffset = r.offset + 1;
    }
    out.nextOffset = batch.lastOffset + 1;
  }
  return out;
}

function unreadable(err: unknown, baseOffset: number, maxDecompressedBytes: number): TributaryError {
  const e = asTributaryError(err);
  const hint =
    e.reason === 'BATCH_TOO_LARGE'
      ? ` (more than ${maxDecompressedBytes} bytes: fetch it with a larger max_bytes, or as BATCHES)`
      : '';
  return new TributaryError(
    e.reason,
    `the batch at offset ${baseOffset} cannot be decoded${hint}: ${e.message}`,
    { cause: err },
  );
}

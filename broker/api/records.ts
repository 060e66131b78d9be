import { type ConsumedRecord as DecodedRecord, decodeBatches, scanBatches } from '../../proto/codec/index.js';
import type { ConsumedRecord } from '../../proto/generated/tributary/v1/ConsumedRecord.js';

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

/** For RECORD_FORMAT_RECORDS: decode (tools and scripts; never the hot path) and drop records before `fromOffset`. */
export function toWireRecords(batches: Buffer, fromOffset: number): ConsumedRecord[] {
  return decodeBatches(batches)
    .filter((r: DecodedRecord) => r.offset >= fromOffset)
    .map((r: DecodedRecord) => {
      const out: ConsumedRecord = {
        offset: String(r.offset),
        timestamp_ms: String(r.timestamp),
        timestamp_type:
          r.timestampType === 'LogAppendTime'
            ? 'TIMESTAMP_TYPE_LOG_APPEND_TIME'
            : 'TIMESTAMP_TYPE_CREATE_TIME',
        headers: r.headers.map((h) => (h.value === null ? { key: h.key } : { key: h.key, value: h.value })),
      };
      if (r.key !== null) out.key = r.key;
      if (r.value !== null) out.value = r.value;
      return out;
    });
}

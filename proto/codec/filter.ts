import { TributaryError } from '../errors.js';
import { compressionCodec } from './compression.js';
import {
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  BATCH_LOG_OVERHEAD_BYTES,
  CRC_OFFSET,
  computeBatchCrc,
  RECORD_BATCH_HEADER_BYTES,
  RECORD_COUNT_OFFSET,
  readBatchHeader,
} from './record-batch.js';
import { type Cursor, readVarint, readVarlong } from './varint.js';

/** What the compaction filter sees of a record (views into the batch, not copies). */
export interface RecordView {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  /** A tombstone: the value is null. */
  tombstone: boolean;
}

/** Calls `visit` for every record of the batch at `pos` (decompressing it when needed). */
export function forEachRecord(buf: Buffer, pos: number, visit: (r: RecordView) => void): void {
  walk(buf, pos, (r) => {
    visit(r);
    return true;
  });
}

/**
 * The batch at `pos` with only the records `keep` accepts, for log compaction. Kafka's rule for v2
 * batches: the header (base offset, last offset delta, producer id, epoch, base sequence, timestamps)
 * stays as it was, so offsets and producer sequences stay exact, and retained records keep their bytes
 * (their offset and timestamp deltas are relative to that header); a batch that keeps nothing becomes an
 * empty batch (no records), so the log's offsets stay dense batch by batch. Compressed batches are
 * recompressed with their codec. Returns the original bytes when every record is kept.
 */
export function filterBatch(buf: Buffer, pos: number, keep: (r: RecordView) => boolean): Buffer {
  const header = readBatchHeader(buf, pos);
  const size = BATCH_LOG_OVERHEAD_BYTES + header.batchLength;
  const kept: Buffer[] = [];
  let all = true;
  walk(buf, pos, (r, raw) => {
    if (keep(r)) kept.push(raw);
    else all = false;
    return true;
  });
  if (all) return buf.subarray(pos, pos + size);
  let body: Buffer = Buffer.concat(kept);
  if (header.compression !== 0 && body.length > 0) body = compressionCodec(header.compression).compress(body);
  const out = Buffer.alloc(RECORD_BATCH_HEADER_BYTES + body.length);
  buf.copy(out, 0, pos, pos + RECORD_BATCH_HEADER_BYTES);
  body.copy(out, RECORD_BATCH_HEADER_BYTES);
  out.writeInt32BE(out.length - BATCH_LOG_OVERHEAD_BYTES, BATCH_LENGTH_OFFSET);
  out.writeInt32BE(kept.length, RECORD_COUNT_OFFSET);
  if (kept.length === 0) {
    // An empty batch has no records to compress: clear the codec bits so readers need no codec.
    out.writeInt16BE(header.attributes & ~0x07, ATTRIBUTES_OFFSET);
  }
  out.writeUInt32BE(computeBatchCrc(out, 0, out.length), CRC_OFFSET);
  return out;
}

/** Walks the records of one batch; `visit` gets each record and its raw bytes (length prefix included). */
function walk(buf: Buffer, pos: number, visit: (r: RecordView, raw: Buffer) => boolean): void {
  const header = readBatchHeader(buf, pos);
  const size = BATCH_LOG_OVERHEAD_BYTES + header.batchLength;
  if (size < RECORD_BATCH_HEADER_BYTES || pos + size > buf.length) {
    throw new TributaryError('CORRUPT_BATCH', `batch length ${header.batchLength} does not fit the buffer`);
  }
  let body = buf.subarray(pos + RECORD_BATCH_HEADER_BYTES, pos + size);
  if (header.compression !== 0 && body.length > 0)
    body = compressionCodec(header.compression).decompress(body);
  const logAppendTime = header.timestampType === 'LogAppendTime';
  const cursor: Cursor = { pos: 0 };
  while (cursor.pos < body.length) {
    const start = cursor.pos;
    const length = readVarint(body, cursor);
    const end = cursor.pos + length;
    if (length < 1 || end > body.length) throw new TributaryError('CORRUPT_BATCH', `record length ${length}`);
    cursor.pos++; // attributes
    const timestampDelta = readVarlong(body, cursor);
    const offsetDelta = readVarint(body, cursor);
    const keyLength = readVarint(body, cursor);
    if (keyLength < -1 || keyLength > end - cursor.pos)
      throw new TributaryError('CORRUPT_BATCH', 'key length');
    const key = keyLength < 0 ? null : body.subarray(cursor.pos, cursor.pos + keyLength);
    if (keyLength > 0) cursor.pos += keyLength;
    const valueLength = readVarint(body, cursor);
    const record: RecordView = {
      offset: header.baseOffset + offsetDelta,
      timestamp: logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta,
      key,
      tombstone: valueLength < 0,
    };
    cursor.pos = end;
    if (!visit(record, body.subarray(start, end))) return;
  }
}

import { describe, expect, it } from 'vitest';
import {
  computeBatchCrc,
  encodeRecordBatch,
  RECORD_BATCH_HEADER_BYTES,
  setBaseOffset,
} from '../../proto/codec/index.js';
import { toWireRecords } from './records.js';

/** A batch as the log holds it: records from `baseOffset`. */
function stored(baseOffset: number, values: string[], compression: 'none' | 'gzip' = 'none'): Buffer {
  const buf = encodeRecordBatch(
    values.map((value) => ({ value, timestamp: 1 })),
    { compression },
  );
  setBaseOffset(buf, 0, baseOffset);
  return buf;
}

/** A batch stored before produce walked records: its key length overruns the record (CRC still right). */
function unreadable(baseOffset: number): Buffer {
  const buf = encodeRecordBatch([{ key: 'k', value: 'v', timestamp: 1 }]);
  buf[RECORD_BATCH_HEADER_BYTES + 4] = 0x7e;
  buf.writeUInt32BE(computeBatchCrc(buf, 0, buf.length), 17);
  setBaseOffset(buf, 0, baseOffset);
  return buf;
}

const LIMITS = { maxBytes: 1 << 20, maxDecompressedBytes: 1 << 20, atLeastOne: true };
const offsets = (r: ReturnType<typeof toWireRecords>) => r.records.map((x) => Number(x.offset));

describe('toWireRecords (issue 12: readers are never blocked by one bad batch)', () => {
  it('returns the readable records before a bad batch, and the error only when none precede it', () => {
    const log = Buffer.concat([stored(0, ['a', 'b']), stored(2, ['c']), unreadable(3), stored(4, ['e'])]);
    const before = toWireRecords(log, 1, LIMITS);
    expect(offsets(before)).toEqual([1, 2]);
    expect(before.nextOffset).toBe(3);
    expect(before.error).toBeUndefined();
    const at = toWireRecords(log.subarray(stored(0, ['a', 'b']).length + stored(2, ['c']).length), 3, LIMITS);
    expect(at.records).toEqual([]);
    expect(at.error?.reason).toBe('CORRUPT_BATCH');
    expect(at.error?.message).toMatch(/the batch at offset 3 cannot be decoded: key length 63 does not fit/);
  });

  it('stops within maxBytes (at least one record), and never decompresses past maxDecompressedBytes', () => {
    const values = Array.from({ length: 10 }, () => 'x'.repeat(1000));
    const log = Buffer.concat([stored(0, values), stored(10, values)]);
    const some = toWireRecords(log, 0, { ...LIMITS, maxBytes: 3500 });
    expect(offsets(some)).toEqual([0, 1, 2]);
    expect(some.nextOffset).toBe(3);
    expect(some.bytes).toBeLessThanOrEqual(3500);
    expect(offsets(toWireRecords(log, 5, { ...LIMITS, maxBytes: 1 }))).toEqual([5]);
    expect(toWireRecords(log, 5, { ...LIMITS, maxBytes: 1, atLeastOne: false }).records).toEqual([]);
    const big = stored(0, ['y'.repeat(100_000)], 'gzip');
    const refused = toWireRecords(big, 0, { ...LIMITS, maxDecompressedBytes: 50_000 });
    expect(refused.error?.reason).toBe('BATCH_TOO_LARGE');
    expect(refused.error?.message).toMatch(/more than 50000 bytes: fetch it with a larger max_bytes/);
  });
});

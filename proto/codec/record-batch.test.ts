import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProducerRecord } from './index.js';
import {
  Compression,
  computeBatchCrc,
  decodeBatches,
  decodeRecordBatch,
  encodeRecordBatch,
  RECORD_BATCH_HEADER_BYTES,
  readBatchHeader,
  scanBatches,
  scanLog,
  setBaseOffset,
  setPartitionLeaderEpoch,
  stampLogAppendTime,
  validateBatches,
} from './index.js';

/** One record (key "k", value "v", timestamp 1000) at base offset 5, written out byte by byte. */
const FIXTURE = Buffer.from(
  [
    '0000000000000005', // baseOffset
    '0000003a', // batchLength = 70 - 12
    '00000000', // partitionLeaderEpoch
    '02', // magic
    '716a6189', // crc
    '0000', // attributes
    '00000000', // lastOffsetDelta
    '00000000000003e8', // baseTimestamp
    '00000000000003e8', // maxTimestamp
    'ffffffffffffffff', // producerId
    'ffff', // producerEpoch
    'ffffffff', // baseSequence
    '00000001', // recordCount
    '10', // record length 8
    '00', // attributes
    '00', // timestampDelta
    '00', // offsetDelta
    '026b', // key "k"
    '0276', // value "v"
    '00', // headerCount
  ].join(''),
  'hex',
);

const MAX = { maxBatchBytes: 1048588 };

function withCrc(buf: Buffer): Buffer {
  buf.writeUInt32BE(computeBatchCrc(buf, 0, buf.length), 17);
  return buf;
}

describe('RecordBatch v2 fixture', () => {
  it('encodes to the hand-built bytes', () => {
    const encoded = encodeRecordBatch([{ key: 'k', value: 'v', timestamp: 1000 }], {
      baseOffset: 5,
      partitionLeaderEpoch: 0,
    });
    expect(encoded.toString('hex')).toBe(FIXTURE.toString('hex'));
  });

  it('reads the header fields at their offsets', () => {
    expect(readBatchHeader(FIXTURE)).toEqual({
      baseOffset: 5,
      batchLength: 58,
      partitionLeaderEpoch: 0,
      magic: 2,
      crc: 0x716a6189,
      attributes: 0,
      compression: 0,
      timestampType: 'CreateTime',
      isTransactional: false,
      isControl: false,
      lastOffsetDelta: 0,
      baseTimestamp: 1000,
      maxTimestamp: 1000,
      producerId: -1,
      producerEpoch: -1,
      baseSequence: -1,
      recordCount: 1,
    });
  });

  it('decodes to the literal record', () => {
    expect(decodeRecordBatch(FIXTURE).records).toEqual([
      {
        offset: 5,
        timestamp: 1000,
        timestampType: 'CreateTime',
        key: Buffer.from('k'),
        value: Buffer.from('v'),
        headers: [],
        partitionLeaderEpoch: 0,
        producerId: -1,
        producerEpoch: -1,
        sequence: -1,
      },
    ]);
  });
});

describe('encode/decode', () => {
  it('round-trips keys, nulls, headers, producer fields and sequences', () => {
    const now = 1_700_000_000_000;
    const buf = encodeRecordBatch(
      [
        { key: null, value: 'a', headers: { trace: 'x' } },
        { key: Buffer.from([1, 2]), value: null, timestamp: now - 5, headers: [{ key: 'h', value: null }] },
        { value: Buffer.alloc(0), timestamp: now + 7 },
      ],
      { baseOffset: 100, producerId: 2 ** 40, producerEpoch: 3, baseSequence: 0x7fffffff, nowMs: now },
    );
    const { header, records } = decodeRecordBatch(buf);
    expect(header.maxTimestamp).toBe(now + 7);
    expect(header.baseTimestamp).toBe(now);
    expect(records.map((r) => [r.offset, r.timestamp, r.key, r.value, r.sequence])).toEqual([
      [100, now, null, Buffer.from('a'), 0x7fffffff],
      [101, now - 5, Buffer.from([1, 2]), null, 0],
      [102, now + 7, null, Buffer.alloc(0), 1],
    ]);
    expect(records[0]!.headers).toEqual([{ key: 'trace', value: Buffer.from('x') }]);
    expect(records[1]!.headers).toEqual([{ key: 'h', value: null }]);
    expect(records[0]!.producerId).toBe(2 ** 40);
  });

  it('round-trips gzip', () => {
    const records = Array.from({ length: 50 }, (_, i) => ({
      key: `k${i}`,
      value: 'x'.repeat(100),
      timestamp: i,
    }));
    const buf = encodeRecordBatch(records, { compression: 'gzip' });
    expect(readBatchHeader(buf).compression).toBe(Compression.gzip);
    expect(buf.length).toBeLessThan(1000);
    expect(validateBatches(buf, MAX)).toHaveLength(1);
    expect(decodeRecordBatch(buf).records.map((r) => r.value?.toString())).toEqual(
      records.map((r) => r.value),
    );
  });

  it('refuses unknown codecs, and round-trips every registered one', () => {
    expect(() => encodeRecordBatch([{ value: 'a' }], { compression: 7 })).toThrow(/unknown compression/);
    for (const name of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
      const buf = encodeRecordBatch([{ value: 'a' }], { compression: name });
      expect(readBatchHeader(buf).compression).toBe(Compression[name]);
      expect(decodeRecordBatch(buf).records[0]!.value).toEqual(Buffer.from('a'));
    }
  });

  it('decodeBatches spans batches, skips control batches and ignores a partial tail', () => {
    const a = encodeRecordBatch([{ value: '1' }, { value: '2' }], { baseOffset: 0 });
    const control = encodeRecordBatch([{ value: 'c' }], { baseOffset: 2 });
    control.writeInt16BE(0x30, 21);
    withCrc(control);
    const b = encodeRecordBatch([{ value: '3' }], { baseOffset: 3 });
    const all = Buffer.concat([a, control, b, b.subarray(0, 30)]);
    expect(decodeBatches(all).map((r) => [r.offset, r.value?.toString()])).toEqual([
      [0, '1'],
      [1, '2'],
      [3, '3'],
    ]);
  });

  it('detects a corrupted byte on decode', () => {
    const buf = Buffer.from(FIXTURE);
    buf[buf.length - 2]! ^= 1;
    expect(() => decodeRecordBatch(buf)).toThrow(expect.objectContaining({ reason: 'CRC_MISMATCH' }));
  });

  it('property: encode → validate → decode is identity', () => {
    const bytes = fc.option(
      fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
      { nil: null },
    );
    const record = fc.record({
      key: bytes,
      value: bytes,
      timestamp: fc.integer({ min: 0, max: 2 ** 45 }),
      headers: fc.array(fc.record({ key: fc.string({ maxLength: 8 }), value: bytes }), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 20 }),
        fc.constantFrom<'none' | 'gzip'>('none', 'gzip'),
        fc.nat({ max: 2 ** 50 }),
        (records, compression, baseOffset) => {
          const buf = encodeRecordBatch(records, { compression, baseOffset, producerId: 7, baseSequence: 0 });
          const [v] = validateBatches(buf, MAX);
          expect(v!.recordCount).toBe(records.length);
          expect(v!.maxTimestamp).toBe(Math.max(...records.map((r) => r.timestamp)));
          const decoded = decodeRecordBatch(buf).records;
          expect(
            decoded.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers })),
          ).toEqual(records);
          expect(decoded.map((r) => r.offset)).toEqual(records.map((_, i) => baseOffset + i));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('validateBatches', () => {
  const good = () => encodeRecordBatch([{ value: 'hello' }, { value: 'world' }], { nowMs: 1 });
  const reason = (buf: Buffer, max = MAX) => {
    try {
      validateBatches(buf, max);
    } catch (err) {
      return (err as { reason: string }).reason;
    }
    return 'OK';
  };

  it('accepts concatenated batches and reports their positions', () => {
    const a = good();
    const b = encodeRecordBatch([{ value: 'x' }], { nowMs: 9 });
    expect(validateBatches(Buffer.concat([a, b]), MAX)).toEqual([
      {
        position: 0,
        sizeBytes: a.length,
        recordCount: 2,
        lastOffsetDelta: 1,
        maxTimestamp: 1,
        baseTimestamp: 1,
        compression: 0,
      },
      {
        position: a.length,
        sizeBytes: b.length,
        recordCount: 1,
        lastOffsetDelta: 0,
        maxTimestamp: 9,
        baseTimestamp: 9,
        compression: 0,
      },
    ]);
  });

  it('rejects each malformation with its reason', () => {
    expect(reason(Buffer.alloc(0))).toBe('CORRUPT_BATCH');
    expect(reason(good().subarray(0, 40))).toBe('CORRUPT_BATCH');
    expect(reason(Buffer.concat([good(), good().subarray(0, 70)]))).toBe('CORRUPT_BATCH');
    expect(reason(Buffer.concat([good(), Buffer.from([0])]))).toBe('CORRUPT_BATCH');
    const shortLength = good();
    shortLength.writeInt32BE(48, 8);
    expect(reason(shortLength)).toBe('CORRUPT_BATCH');
    const longLength = good();
    longLength.writeInt32BE(longLength.length, 8);
    expect(reason(longLength)).toBe('CORRUPT_BATCH');
    expect(reason(good(), { maxBatchBytes: 70 })).toBe('BATCH_TOO_LARGE');
    const magic = good();
    magic[16] = 1;
    expect(reason(magic)).toBe('UNSUPPORTED_MAGIC');
    const crc = good();
    crc[crc.length - 1]! ^= 0xff;
    expect(reason(crc)).toBe('CRC_MISMATCH');
    const compression = good();
    compression.writeInt16BE(5, 21);
    expect(reason(withCrc(compression))).toBe('UNSUPPORTED_COMPRESSION');
    const control = good();
    control.writeInt16BE(0x20, 21);
    expect(reason(withCrc(control))).toBe('CORRUPT_BATCH');
    const zeroCount = good();
    zeroCount.writeInt32BE(0, 57);
    zeroCount.writeInt32BE(-1, 23);
    expect(reason(withCrc(zeroCount))).toBe('CORRUPT_BATCH');
    const delta = good();
    delta.writeInt32BE(5, 23);
    expect(reason(withCrc(delta))).toBe('CORRUPT_BATCH');
    const count = good();
    count.writeInt32BE(3, 57);
    count.writeInt32BE(2, 23);
    expect(reason(withCrc(count))).toBe('CORRUPT_BATCH');
    const recordLength = good();
    recordLength[RECORD_BATCH_HEADER_BYTES]! += 2; // first record claims one byte more
    expect(reason(withCrc(recordLength))).toBe('CORRUPT_BATCH');
    const timestamp = good();
    timestamp.writeUInt32BE(0x7fffffff, 35);
    expect(reason(withCrc(timestamp))).toBe('CORRUPT_BATCH');
  });

  it('checks the record count of compressed batches too', () => {
    const gz = encodeRecordBatch([{ value: 'a' }, { value: 'b' }, { value: 'c' }], {
      compression: 'gzip',
      nowMs: 1,
    });
    expect(validateBatches(gz, MAX)[0]!.recordCount).toBe(3);
    // A producer claiming 1000 records in a 3-record batch would move the log's offsets by 1000.
    const forged = Buffer.from(gz);
    forged.writeInt32BE(1000, 57);
    forged.writeInt32BE(999, 23);
    expect(reason(withCrc(forged))).toBe('CORRUPT_BATCH');
    const garbage = Buffer.from(gz);
    garbage.fill(7, RECORD_BATCH_HEADER_BYTES);
    expect(reason(withCrc(garbage))).toBe('CORRUPT_BATCH');
  });
});

describe('scan and mutate', () => {
  it('scans complete batches and stops at a partial or corrupt one', () => {
    const a = encodeRecordBatch([{ value: '1' }, { value: '2' }], { baseOffset: 0, nowMs: 10 });
    const b = encodeRecordBatch([{ value: '3' }], { baseOffset: 2, nowMs: 20 });
    const all = Buffer.concat([a, b]);
    expect(
      scanBatches(all).map((s) => [s.position, s.sizeBytes, s.baseOffset, s.lastOffset, s.maxTimestamp]),
    ).toEqual([
      [0, a.length, 0, 1, 10],
      [a.length, b.length, 2, 2, 20],
    ]);
    const partial = scanLog(all.subarray(0, all.length - 1));
    expect(partial).toMatchObject({ status: 'incomplete', endPosition: a.length, nextBatchBytes: b.length });
    const corrupt = Buffer.from(all);
    corrupt[corrupt.length - 1]! ^= 1;
    expect(scanBatches(corrupt)).toHaveLength(2);
    expect(scanLog(corrupt, 0, { verifyCrc: true })).toMatchObject({
      status: 'corrupt',
      endPosition: a.length,
    });
    expect(scanLog(Buffer.concat([a, Buffer.alloc(20)]))).toMatchObject({
      status: 'corrupt',
      endPosition: a.length,
    });
  });

  it('rewrites offset and epoch without touching the CRC, and stamps log-append time with a new CRC', () => {
    const buf = encodeRecordBatch([
      { value: 'a', timestamp: 5 },
      { value: 'b', timestamp: 6 },
    ]);
    const crc = buf.readUInt32BE(17);
    setBaseOffset(buf, 0, 2 ** 40);
    setPartitionLeaderEpoch(buf, 0, 9);
    expect(buf.readUInt32BE(17)).toBe(crc);
    expect(validateBatches(buf, MAX)).toHaveLength(1);
    stampLogAppendTime(buf, 0, 12345);
    expect(validateBatches(buf, MAX)).toHaveLength(1);
    const { header, records } = decodeRecordBatch(buf);
    expect(header).toMatchObject({
      baseOffset: 2 ** 40,
      partitionLeaderEpoch: 9,
      timestampType: 'LogAppendTime',
    });
    expect(records.map((r) => [r.offset, r.timestamp, r.timestampType])).toEqual([
      [2 ** 40, 12345, 'LogAppendTime'],
      [2 ** 40 + 1, 12345, 'LogAppendTime'],
    ]);
  });

  it('decode rejects records that overrun their length', () => {
    const buf = encodeRecordBatch([{ key: 'k', value: 'v' }] satisfies ProducerRecord[]);
    buf[RECORD_BATCH_HEADER_BYTES + 4] = 0x7e; // key length 63 inside an 8-byte record
    expect(() => decodeRecordBatch(withCrc(buf))).toThrow(
      expect.objectContaining({ reason: 'CORRUPT_BATCH' }),
    );
  });
});

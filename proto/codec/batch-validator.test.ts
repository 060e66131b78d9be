import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TributaryError } from '../errors.js';
import { validateBatches } from './batch-validator.js';
import { Compression, type CompressionName, compressionCodec } from './compression.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  BATCH_LOG_OVERHEAD_BYTES,
  CRC_OFFSET,
  computeBatchCrc,
  LAST_OFFSET_DELTA_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  RECORD_BATCH_HEADER_BYTES,
  RECORD_COUNT_OFFSET,
  readBatchHeader,
  readInt64,
  writeInt64,
} from './record-batch.js';
import { decodeRecordBatch } from './record-decoder.js';
import { encodeRecordBatch, type ProducerRecord } from './record-encoder.js';
import { type Cursor, readVarint, readVarlong, writeVarint, writeVarlong } from './varint.js';

const MAX = { maxBatchBytes: 1 << 20 };

/** A zigzag varint of any int32, as bytes. */
function varint(value: number): Buffer {
  const out = Buffer.alloc(5);
  return out.subarray(0, writeVarint(out, 0, value));
}

function varlong(value: number): Buffer {
  const out = Buffer.alloc(10);
  return out.subarray(0, writeVarlong(out, 0, value));
}

interface RawRecord {
  timestampDelta?: Buffer;
  offsetDelta: Buffer;
  /** Everything after the offset delta: key, value, headers (and any extra bytes). */
  rest: Buffer;
  /** Overrides the record length varint. */
  length?: Buffer;
}

const bytesField = (b: Buffer | null) => (b === null ? varint(-1) : Buffer.concat([varint(b.length), b]));

/** key, value and header fields as the encoder writes them. */
function body(
  key: Buffer | null,
  value: Buffer | null,
  headers: Array<[Buffer, Buffer | null]> = [],
): Buffer {
  return Buffer.concat([
    bytesField(key),
    bytesField(value),
    varint(headers.length),
    ...headers.flatMap(([k, v]) => [bytesField(k), bytesField(v)]),
  ]);
}

function recordBytes(r: RawRecord): Buffer {
  const inner = Buffer.concat([Buffer.from([0]), r.timestampDelta ?? varint(0), r.offsetDelta, r.rest]);
  return Buffer.concat([r.length ?? varint(inner.length), inner]);
}

/**
 * A batch around hand-made records: header from the encoder (so every header field is right), records
 * section replaced (compressed with `compression`), then lengths, counts and CRC set to match.
 */
function batchOf(
  records: Buffer,
  opts: { count: number; compression?: CompressionName; baseTimestamp?: number; maxTimestamp?: number },
): Buffer {
  const template = encodeRecordBatch([{ value: 'x', timestamp: 1000 }]);
  writeInt64(template, BASE_TIMESTAMP_OFFSET, opts.baseTimestamp ?? 1000);
  const compression = Compression[opts.compression ?? 'none'];
  const section = compression === 0 ? records : compressionCodec(compression).compress(records);
  const buf = Buffer.concat([template.subarray(0, RECORD_BATCH_HEADER_BYTES), section]);
  buf.writeInt32BE(buf.length - BATCH_LOG_OVERHEAD_BYTES, BATCH_LENGTH_OFFSET);
  buf.writeInt16BE(compression, ATTRIBUTES_OFFSET);
  buf.writeInt32BE(opts.count - 1, LAST_OFFSET_DELTA_OFFSET);
  buf.writeInt32BE(opts.count, RECORD_COUNT_OFFSET);
  writeInt64(buf, MAX_TIMESTAMP_OFFSET, opts.maxTimestamp ?? opts.baseTimestamp ?? 1000);
  return withCrc(buf);
}

function withCrc(buf: Buffer): Buffer {
  buf.writeUInt32BE(computeBatchCrc(buf, 0, buf.length), CRC_OFFSET);
  return buf;
}

function failure(buf: Buffer, opts: Parameters<typeof validateBatches>[1] = MAX): TributaryError {
  try {
    validateBatches(buf, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(TributaryError);
    return err as TributaryError;
  }
  throw new Error('validateBatches accepted the batch');
}

const good = (i: number) => recordBytes({ offsetDelta: varint(i), rest: body(null, Buffer.from(`v${i}`)) });

describe('log validator: every record walked (issue 12)', () => {
  it('accepts well-formed hand-made records, compressed or not', () => {
    for (const compression of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const) {
      const buf = batchOf(Buffer.concat([good(0), good(1), good(2)]), { count: 3, compression });
      expect(validateBatches(buf, MAX)[0]).toMatchObject({ recordCount: 3, maxTimestamp: 1000 });
    }
  });

  it.each([
    [
      'key length 2^31-1',
      () => Buffer.concat([varint(0x7fffffff), Buffer.from('k'), bytesField(null), varint(0)]),
      /record 0 \(key length\): 2147483647 does not fit/,
    ],
    [
      'key length -2',
      () => Buffer.concat([varint(-2), bytesField(null), varint(0)]),
      /record 0 \(key length\): -2 is negative/,
    ],
    [
      'key length -2^31',
      () => Buffer.concat([varint(-0x80000000), bytesField(null), varint(0)]),
      /key length\): -2147483648/,
    ],
    [
      'value length 2^31-1',
      () => Buffer.concat([bytesField(null), varint(0x7fffffff), varint(0)]),
      /value length\): 2147483647 does not fit/,
    ],
    [
      'value length -7',
      () => Buffer.concat([bytesField(null), varint(-7), varint(0)]),
      /value length\): -7 is negative/,
    ],
    [
      'header count -1',
      () => Buffer.concat([bytesField(null), bytesField(null), varint(-1)]),
      /header count\): header count -1/,
    ],
    [
      'header count 2^31-1',
      () => Buffer.concat([bytesField(null), bytesField(null), varint(0x7fffffff), varint(0), varint(0)]),
      /header count 2147483647 does not fit/,
    ],
    [
      'null header key',
      () => Buffer.concat([bytesField(null), bytesField(null), varint(1), varint(-1), varint(0)]),
      /header key length\): -1 is negative \(header keys cannot be null\)/,
    ],
    [
      'header key length 2^31-1',
      () => Buffer.concat([bytesField(null), bytesField(null), varint(1), varint(0x7fffffff), varint(0)]),
      /header key length\): 2147483647 does not fit/,
    ],
    [
      'header value length -2',
      () =>
        Buffer.concat([
          bytesField(null),
          bytesField(null),
          varint(1),
          bytesField(Buffer.from('h')),
          varint(-2),
        ]),
      /header value length\): -2 is negative/,
    ],
    [
      'header key not UTF-8',
      () =>
        Buffer.concat([
          bytesField(null),
          bytesField(null),
          varint(1),
          bytesField(Buffer.from([0xc3, 0x28])),
          varint(-1),
        ]),
      /header 0 key is not valid UTF-8/,
    ],
    [
      'bytes left after the headers',
      () => Buffer.concat([body(null, Buffer.from('v')), Buffer.from([0, 0])]),
      /2 bytes left after its headers/,
    ],
    [
      '6-byte varint',
      () => Buffer.concat([Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), bytesField(null), varint(0)]),
      /key length\): varint is longer than 5 bytes/,
    ],
  ])('refuses %s with CORRUPT_BATCH and the record and field', (_name, rest, message) => {
    const bad = recordBytes({ offsetDelta: varint(0), rest: rest() });
    const err = failure(batchOf(Buffer.concat([bad, good(1)]), { count: 2 }));
    expect(err.reason).toBe('CORRUPT_BATCH');
    expect(err.message).toMatch(message);
  });

  it('refuses an 11-byte varlong timestamp delta', () => {
    const timestampDelta = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]);
    const bad = recordBytes({ timestampDelta, offsetDelta: varint(0), rest: body(null, null) });
    const err = failure(batchOf(bad, { count: 1 }));
    expect(err.reason).toBe('CORRUPT_BATCH');
    expect(err.message).toMatch(/record 0 \(timestampDelta\): varlong is longer than 10 bytes/);
  });

  it.each([
    ['out of order', [1, 0, 2], /record 0 \(offsetDelta\): offsetDelta 1, expected 0/],
    ['repeated', [0, 0, 1], /record 1 \(offsetDelta\): offsetDelta 0, expected 1/],
    ['outside the batch', [0, 1, 35], /record 2 \(offsetDelta\): offsetDelta 35, expected 2/],
    ['negative', [0, -1, 2], /offsetDelta -1, expected 1/],
  ])('refuses offset deltas %s', (_name, deltas, message) => {
    const records = deltas.map((d) => recordBytes({ offsetDelta: varint(d), rest: body(null, null) }));
    const err = failure(batchOf(Buffer.concat(records), { count: 3 }));
    expect(err.reason).toBe('CORRUPT_BATCH');
    expect(err.message).toMatch(message);
  });

  it('refuses a declared record count that is not the actual one, and bytes after the last record', () => {
    const big = (i: number) => recordBytes({ offsetDelta: varint(i), rest: body(null, Buffer.alloc(20)) });
    expect(failure(batchOf(Buffer.concat([big(0), big(1)]), { count: 3 })).message).toMatch(
      /holds 2 records but says 3/,
    );
    const two = Buffer.concat([good(0), good(1)]);
    expect(failure(batchOf(Buffer.concat([two, good(2)]), { count: 2 })).message).toMatch(
      /bytes follow the last of its 2 records/,
    );
    expect(failure(batchOf(Buffer.concat([two, Buffer.from([0])]), { count: 2 })).reason).toBe(
      'CORRUPT_BATCH',
    );
  });

  it('refuses record timestamps that overflow through their delta, or are negative, on the batch path', () => {
    const at = (baseTimestamp: number, delta: number) =>
      batchOf(
        recordBytes({ timestampDelta: varlong(delta), offsetDelta: varint(0), rest: body(null, null) }),
        {
          count: 1,
          baseTimestamp,
        },
      );
    const overflow = failure(at(2 ** 53 - 10, 100));
    expect(overflow.reason).toBe('INVALID_TIMESTAMP');
    expect(overflow.message).toMatch(/record 0 \(timestampDelta\)/);
    expect(failure(at(10, -11)).reason).toBe('INVALID_TIMESTAMP');
    expect(failure(at(-5, 0)).reason).toBe('INVALID_TIMESTAMP');
    expect(validateBatches(at(10, -10), MAX)[0]!.maxTimestamp).toBe(0);
  });

  it("sets a CreateTime batch's max timestamp from its records, with a valid CRC, as Kafka does", () => {
    const records = [5, 40, 7].map((delta, i) =>
      recordBytes({ timestampDelta: varlong(delta), offsetDelta: varint(i), rest: body(null, null) }),
    );
    for (const lie of [0, 1000, 99_999]) {
      const buf = batchOf(Buffer.concat(records), { count: 3, baseTimestamp: 1000, maxTimestamp: lie });
      expect(validateBatches(buf, MAX)[0]!.maxTimestamp).toBe(1040);
      expect(readBatchHeader(buf).maxTimestamp).toBe(1040);
      expect(computeBatchCrc(buf, 0, buf.length)).toBe(readBatchHeader(buf).crc);
    }
  });

  it('refuses transactional and control batches: there is no transaction API', () => {
    const tx = encodeRecordBatch([{ value: 'a' }], { isTransactional: true });
    const err = failure(tx);
    expect(err.reason).toBe('CORRUPT_BATCH');
    expect(err.message).toMatch(/transactional batches are not accepted/);
    const control = encodeRecordBatch([{ value: 'a' }]);
    control.writeInt16BE(0x20, ATTRIBUTES_OFFSET);
    expect(failure(withCrc(control)).message).toMatch(/control batches/);
  });

  it('refuses zstd frames that need a window above 8 MiB, with the window size', () => {
    const records = good(0);
    // Frame header without content size (descriptor 0x00), one last raw block holding the records.
    const frame = (windowByte: number) =>
      Buffer.concat([
        Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, windowByte]),
        Buffer.from([((records.length << 3) | 1) & 0xff, (records.length << 3) >> 8, 0]),
        records,
      ]);
    const batch = (windowByte: number) => {
      const buf = batchOf(records, { count: 1 });
      const out = Buffer.concat([buf.subarray(0, RECORD_BATCH_HEADER_BYTES), frame(windowByte)]);
      out.writeInt32BE(out.length - BATCH_LOG_OVERHEAD_BYTES, BATCH_LENGTH_OFFSET);
      out.writeInt16BE(Compression.zstd, ATTRIBUTES_OFFSET);
      return withCrc(out);
    };
    expect(validateBatches(batch(13 << 3), MAX)).toHaveLength(1); // 2^23 = 8 MiB: accepted
    const err = failure(batch(14 << 3)); // 2^24 = 16 MiB
    expect(err.reason).toBe('UNSUPPORTED_COMPRESSION');
    expect(err.message).toMatch(/zstd frame needs a 16777216-byte window; at most 8388608/);
  });

  it('refuses a batch that decompresses past maxDecompressedBytes, with BATCH_TOO_LARGE', () => {
    for (const compression of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
      const buf = encodeRecordBatch([{ value: Buffer.alloc(1 << 20) }], { compression });
      expect(buf.length).toBeLessThan(64 * 1024);
      expect(validateBatches(buf, { ...MAX, maxDecompressedBytes: 2 << 20 })).toHaveLength(1);
      const err = failure(buf, { ...MAX, maxDecompressedBytes: 256 * 1024 });
      expect(err.reason).toBe('BATCH_TOO_LARGE');
      expect(err.message).toMatch(/decompress to more than 262144 bytes/);
    }
  });

  it('walks the records of compressed batches too', () => {
    const bad = recordBytes({
      offsetDelta: varint(0),
      rest: Buffer.concat([varint(-2), bytesField(null), varint(0)]),
    });
    for (const compression of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
      const err = failure(batchOf(Buffer.concat([bad, good(1)]), { count: 2, compression }));
      expect(err.message).toMatch(/record 0 \(key length\)/);
    }
  });

  it('trusts replicated (compacted) batches: gaps in offsets are fine there', () => {
    const records = [0, 2].map((d) => recordBytes({ offsetDelta: varint(d), rest: body(null, null) }));
    const buf = batchOf(Buffer.concat(records), { count: 2 });
    buf.writeInt32BE(2, LAST_OFFSET_DELTA_OFFSET);
    withCrc(buf);
    expect(validateBatches(buf, { ...MAX, compacted: true })).toHaveLength(1);
    expect(failure(buf).reason).toBe('CORRUPT_BATCH');
  });
});

// ------------------------------------------------------------------------------------ property test

/** Where each varint field of each record lies in a records section: [start, end) and its kind. */
interface FieldSpan {
  start: number;
  end: number;
  kind:
    | 'length'
    | 'timestampDelta'
    | 'offsetDelta'
    | 'keyLength'
    | 'valueLength'
    | 'headerCount'
    | 'headerKeyLength'
    | 'headerValueLength';
}

/**
 * Field spans of a records section (the test's own reader, independent of the validator), as far as it
 * parses: a mutated section yields the spans before its first malformed record.
 */
function fieldSpans(records: Buffer): FieldSpan[] {
  const spans: FieldSpan[] = [];
  try {
    readSpans(records, spans);
  } catch {
    // Malformed from here on: the spans read so far stand.
  }
  return spans;
}

function readSpans(records: Buffer, spans: FieldSpan[]): void {
  const c: Cursor = { pos: 0 };
  const field = (kind: FieldSpan['kind'], read: (b: Buffer, c: Cursor) => number) => {
    const start = c.pos;
    const value = read(records, c);
    spans.push({ start, end: c.pos, kind });
    return value;
  };
  const skip = (length: number, end: number, nullable: boolean) => {
    if (length < (nullable ? -1 : 0) || c.pos + length > end) throw new Error('length out of the record');
    c.pos += Math.max(0, length);
  };
  while (c.pos < records.length) {
    const length = field('length', readVarint);
    const end = c.pos + length;
    if (length < 0 || end > records.length) throw new Error('record length out of the section');
    c.pos++;
    field('timestampDelta', readVarlong);
    field('offsetDelta', readVarint);
    for (const kind of ['keyLength', 'valueLength'] as const) skip(field(kind, readVarint), end, true);
    const headers = field('headerCount', readVarint);
    if (headers < 0 || headers > end - c.pos) throw new Error('header count out of the record');
    for (let h = 0; h < headers; h++) {
      skip(field('headerKeyLength', readVarint), end, false);
      skip(field('headerValueLength', readVarint), end, true);
    }
    if (c.pos !== end) throw new Error('record fields do not fill its length');
  }
}

const INTERESTING = [-0x80000000, -2, -1, 0, 1, 2, 7, 35, 127, 128, 0x7fffffff];

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'field'; which: number; value: number; fixLength: boolean }
  | { kind: 'header'; field: 'count' | 'lastOffsetDelta' | 'baseTimestamp' | 'maxTimestamp'; value: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 6 }),
  }),
  fc.record({
    kind: fc.constant('field' as const),
    which: fc.nat(),
    value: fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: -0x80000000, max: 0x7fffffff })),
    fixLength: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('header' as const),
    field: fc.constantFrom(
      'count' as const,
      'lastOffsetDelta' as const,
      'baseTimestamp' as const,
      'maxTimestamp' as const,
    ),
    value: fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: -1, max: 2 ** 53 - 1 })),
  }),
);

/** Applies a mutation to an uncompressed records section (and the header it will get). */
function mutate(records: Buffer, header: Buffer, m: Mutation): Buffer {
  switch (m.kind) {
    case 'flip': {
      if (records.length === 0) return records;
      const out = Buffer.from(records);
      out[m.at % out.length]! ^= 1 << m.bit;
      return out;
    }
    case 'truncate':
      return records.subarray(0, m.at % (records.length + 1));
    case 'insert': {
      const at = m.at % (records.length + 1);
      return Buffer.concat([records.subarray(0, at), Buffer.from(m.bytes), records.subarray(at)]);
    }
    case 'field': {
      const spans = fieldSpans(records);
      if (spans.length === 0) return records;
      const span = spans[m.which % spans.length]!;
      const value = span.kind === 'timestampDelta' ? varlong(m.value) : varint(m.value);
      const out = Buffer.concat([records.subarray(0, span.start), value, records.subarray(span.end)]);
      if (!m.fixLength || span.kind === 'length') return out;
      // Keep the record's length honest, so only the field itself is wrong.
      const owner = spans.filter((s) => s.kind === 'length' && s.start <= span.start).at(-1)!;
      const c: Cursor = { pos: owner.start };
      const length = readVarint(records, c) + value.length - (span.end - span.start);
      return Buffer.concat([out.subarray(0, owner.start), varint(length), out.subarray(owner.end)]);
    }
    case 'header': {
      if (m.field === 'count') header.writeInt32BE(m.value | 0, RECORD_COUNT_OFFSET);
      else if (m.field === 'lastOffsetDelta') header.writeInt32BE(m.value | 0, LAST_OFFSET_DELTA_OFFSET);
      else if (Number.isSafeInteger(m.value)) {
        writeInt64(
          header,
          m.field === 'baseTimestamp' ? BASE_TIMESTAMP_OFFSET : MAX_TIMESTAMP_OFFSET,
          m.value,
        );
      }
      return records;
    }
  }
}

describe('log validator property (issue 12)', () => {
  const bytes = fc.option(
    fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a)),
    { nil: null },
  );
  const record = fc.record({
    key: bytes,
    value: bytes,
    timestamp: fc.integer({ min: 0, max: 2 ** 45 }),
    headers: fc.array(fc.record({ key: fc.string({ maxLength: 6 }), value: bytes }), { maxLength: 3 }),
  });

  it('either refuses a mutated batch with a precise reason or stores records that read back exactly', () => {
    const reasons = new Map<string, number>();
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 6 }),
        fc.constantFrom<CompressionName>('none', 'gzip', 'snappy', 'lz4', 'zstd'),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (input: ProducerRecord[], compression, mutations) => {
          const plain = encodeRecordBatch(input, { producerId: 3, baseSequence: 0, producerEpoch: 0 });
          const header = Buffer.from(plain.subarray(0, RECORD_BATCH_HEADER_BYTES));
          let records = plain.subarray(RECORD_BATCH_HEADER_BYTES);
          for (const m of mutations) records = mutate(records, header, m);
          // Recompress the mutated records and recompute the CRC: neither the codec nor the CRC catches it.
          const id = Compression[compression];
          const section = id === 0 ? records : compressionCodec(id).compress(records);
          const buf = Buffer.concat([header, section]);
          buf.writeInt32BE(buf.length - BATCH_LOG_OVERHEAD_BYTES, BATCH_LENGTH_OFFSET);
          buf.writeInt16BE(id, ATTRIBUTES_OFFSET);
          withCrc(buf);
          let validated: ReturnType<typeof validateBatches>;
          try {
            validated = validateBatches(buf, { ...MAX, maxDecompressedBytes: 1 << 20 });
          } catch (err) {
            expect(err).toBeInstanceOf(TributaryError);
            const e = err as TributaryError;
            expect(['CORRUPT_BATCH', 'INVALID_TIMESTAMP']).toContain(e.reason);
            expect(e.message.length).toBeGreaterThan(10);
            reasons.set(e.reason, (reasons.get(e.reason) ?? 0) + 1);
            return;
          }
          accepted++;
          // Accepted: every consumer reads it back exactly, and re-encoding gives the same records.
          expect(validated).toHaveLength(1);
          const { header: h, records: decoded } = decodeRecordBatch(buf);
          expect(decoded.map((r) => r.offset)).toEqual(decoded.map((_, i) => i));
          expect(h.recordCount).toBe(decoded.length);
          expect(h.maxTimestamp).toBe(Math.max(...decoded.map((r) => r.timestamp)));
          for (const r of decoded) expect(Number.isSafeInteger(r.timestamp) && r.timestamp >= 0).toBe(true);
          const again = decodeRecordBatch(
            encodeRecordBatch(
              decoded.map((r) => ({
                key: r.key,
                value: r.value,
                headers: r.headers,
                timestamp: r.timestamp,
              })),
            ),
          ).records;
          const view = (rs: typeof decoded) =>
            rs.map((r) => ({ o: r.offset, t: r.timestamp, k: r.key, v: r.value, h: r.headers }));
          expect(view(again)).toEqual(view(decoded));
          // Header keys are strings on the wire: their bytes must survive the round trip (valid UTF-8).
          const rawKeys: Buffer[] = [];
          for (const span of fieldSpans(records)) {
            if (span.kind !== 'headerKeyLength') continue;
            const length = readVarint(records, { pos: span.start });
            rawKeys.push(records.subarray(span.end, span.end + length));
          }
          expect(decoded.flatMap((r) => r.headers.map((hd) => Buffer.from(hd.key, 'utf8')))).toEqual(rawKeys);
          expect(readInt64(buf, MAX_TIMESTAMP_OFFSET)).toBe(validated[0]!.maxTimestamp);
        },
      ),
      { numRuns: 1500 },
    );
    // The run exercised both outcomes.
    expect(accepted).toBeGreaterThan(0);
    expect(reasons.get('CORRUPT_BATCH') ?? 0).toBeGreaterThan(100);
  });
});

describe('decoder (batches stored before the validator walked records)', () => {
  it('refuses offsets that go back or repeat, so a reader never sees one twice', () => {
    for (const deltas of [
      [1, 0, 2],
      [0, 0, 1],
    ]) {
      const records = deltas.map((d) => recordBytes({ offsetDelta: varint(d), rest: body(null, null) }));
      const buf = batchOf(Buffer.concat(records), { count: 3 });
      expect(() => decodeRecordBatch(buf)).toThrow(/offsetDelta \d does not follow \d/);
    }
    // Gaps, as compaction leaves them, still decode.
    const gaps = [0, 2].map((d) => recordBytes({ offsetDelta: varint(d), rest: body(null, null) }));
    const compacted = batchOf(Buffer.concat(gaps), { count: 2 });
    compacted.writeInt32BE(2, LAST_OFFSET_DELTA_OFFSET);
    expect(decodeRecordBatch(withCrc(compacted)).records.map((r) => r.offset)).toEqual([0, 2]);
  });
});

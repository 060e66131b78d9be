import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readVarint, readVarlong, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint.js';

function roundTripVarint(v: number): { bytes: number[]; back: number } {
  const buf = Buffer.alloc(10);
  const end = writeVarint(buf, 0, v);
  expect(end).toBe(sizeOfVarint(v));
  const cursor = { pos: 0 };
  const back = readVarint(buf, cursor);
  expect(cursor.pos).toBe(end);
  return { bytes: [...buf.subarray(0, end)], back };
}

function roundTripVarlong(v: number): { bytes: number[]; back: number } {
  const buf = Buffer.alloc(12);
  const end = writeVarlong(buf, 0, v);
  expect(end).toBe(sizeOfVarlong(v));
  const cursor = { pos: 0 };
  const back = readVarlong(buf, cursor);
  expect(cursor.pos).toBe(end);
  return { bytes: [...buf.subarray(0, end)], back };
}

describe('varint', () => {
  it('writes zigzag like protobuf sint32', () => {
    expect(roundTripVarint(0)).toEqual({ bytes: [0x00], back: 0 });
    expect(roundTripVarint(-1)).toEqual({ bytes: [0x01], back: -1 });
    expect(roundTripVarint(1)).toEqual({ bytes: [0x02], back: 1 });
    expect(roundTripVarint(63)).toEqual({ bytes: [0x7e], back: 63 });
    expect(roundTripVarint(-64)).toEqual({ bytes: [0x7f], back: -64 });
    expect(roundTripVarint(64)).toEqual({ bytes: [0x80, 0x01], back: 64 });
    expect(roundTripVarint(2147483647)).toEqual({ bytes: [0xfe, 0xff, 0xff, 0xff, 0x0f], back: 2147483647 });
    expect(roundTripVarint(-2147483648)).toEqual({
      bytes: [0xff, 0xff, 0xff, 0xff, 0x0f],
      back: -2147483648,
    });
  });

  it('rejects out-of-range and overlong input', () => {
    expect(() => writeVarint(Buffer.alloc(10), 0, 2147483648)).toThrow(RangeError);
    expect(() => readVarint(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x1f]), { pos: 0 })).toThrow(/longer/);
    expect(() => readVarint(Buffer.from([0x80, 0x80]), { pos: 0 })).toThrow(/past the end/);
  });

  it('round-trips every int32', () => {
    fc.assert(
      fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), (v) => roundTripVarint(v).back === v),
    );
  });
});

describe('varlong', () => {
  it('writes zigzag like protobuf sint64', () => {
    expect(roundTripVarlong(0).bytes).toEqual([0x00]);
    expect(roundTripVarlong(-1).bytes).toEqual([0x01]);
    expect(roundTripVarlong(2 ** 31).back).toBe(2 ** 31);
    expect(roundTripVarlong(-(2 ** 31) - 1).back).toBe(-(2 ** 31) - 1);
    // 2^32 zigzags to 2^33: 34 significant bits, 5 bytes.
    expect(roundTripVarlong(2 ** 32).bytes).toEqual([0x80, 0x80, 0x80, 0x80, 0x20]);
    expect(roundTripVarlong(Number.MAX_SAFE_INTEGER)).toEqual({
      bytes: [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f], // zigzag = 2^54 - 2: 54 bits
      back: Number.MAX_SAFE_INTEGER,
    });
    expect(roundTripVarlong(Number.MIN_SAFE_INTEGER).back).toBe(Number.MIN_SAFE_INTEGER);
  });

  it('reads int64 values beyond 2^53 as corrupt, not as a wrong number', () => {
    // zigzag(2^62) = 2^63: nine 0x80 bytes then 0x01.
    const buf = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    expect(() => readVarlong(buf, { pos: 0 })).toThrow(/safe integer/);
    expect(() => readVarlong(Buffer.alloc(11, 0x80), { pos: 0 })).toThrow(/longer than 10/);
  });

  it('round-trips every safe integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.boolean(), (v, neg) => {
        const value = neg ? -v : v;
        return roundTripVarlong(value).back === value;
      }),
    );
  });
});

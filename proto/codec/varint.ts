import { TributaryError } from '../errors.js';

/**
 * Zigzag variable-length integers, as Kafka's ByteUtils (and protobuf `sint32`/`sint64`) write them:
 * the sign is moved to the lowest bit (0 → 0, -1 → 1, 1 → 2, ...) and the result is written 7 bits per
 * byte, least significant group first, high bit set on every byte but the last.
 *
 * `varint` values are int32 (at most 5 bytes). `varlong` values are int64 on the wire (at most 10
 * bytes); in JavaScript they are `number`s and must be safe integers, which covers every offset and
 * timestamp delta Tributary handles. Readers throw CORRUPT_BATCH on overlong or out-of-range input, so a
 * malformed record can never make a reader loop or return a wrong number silently.
 */

/** A read position that the varint readers advance; allocate one per decode, not per field. */
export interface Cursor {
  pos: number;
}

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/** Bytes needed to write `value` (an int32) as a zigzag varint. */
export function sizeOfVarint(value: number): number {
  let zz = ((value << 1) ^ (value >> 31)) >>> 0;
  let bytes = 1;
  while (zz >= 0x80) {
    zz >>>= 7;
    bytes++;
  }
  return bytes;
}

/** Writes `value` (an int32) as a zigzag varint at `pos`; returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  if (!(Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX)) {
    throw new RangeError(`varint out of int32 range: ${value}`);
  }
  let zz = ((value << 1) ^ (value >> 31)) >>> 0;
  while (zz >= 0x80) {
    buf[pos++] = (zz & 0x7f) | 0x80;
    zz >>>= 7;
  }
  buf[pos++] = zz;
  return pos;
}

/** Reads a zigzag varint (int32) at `cursor.pos` and advances the cursor. */
export function readVarint(buf: Uint8Array, cursor: Cursor): number {
  let pos = cursor.pos;
  let zz = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) throw new TributaryError('CORRUPT_BATCH', 'varint runs past the end of the batch');
    const byte = buf[pos++]!;
    if (shift === 28) {
      // Fifth byte: only the low 4 bits may be used and it must be the last.
      if (byte > 0x0f) throw new TributaryError('CORRUPT_BATCH', 'varint is longer than 5 bytes');
      zz |= byte << 28;
      break;
    }
    zz |= (byte & 0x7f) << shift;
    if (byte < 0x80) break;
    shift += 7;
  }
  cursor.pos = pos;
  zz >>>= 0;
  return (zz >>> 1) ^ -(zz & 1);
}

/**
 * Splits a safe integer into the zigzag form `2u + s`: s = 1 for negative values. Working on `u`
 * (|value| or |value|-1, at most 2^53-1) keeps every step exact in float64.
 */
function zigzagParts(value: number): { u: number; s: number } {
  return value >= 0 ? { u: value, s: 0 } : { u: -value - 1, s: 1 };
}

/** Bytes needed to write `value` (a safe integer) as a zigzag varlong. */
export function sizeOfVarlong(value: number): number {
  if (value >= -0x40000000 && value < 0x40000000) return sizeOfVarint(value);
  const { u } = zigzagParts(value);
  // The first byte carries the sign and 6 bits of u; each further byte 7 bits.
  let rest = Math.floor(u / 64);
  let bytes = 1;
  while (rest > 0) {
    rest = Math.floor(rest / 128);
    bytes++;
  }
  return bytes;
}

/** Writes `value` (a safe integer) as a zigzag varlong at `pos`; returns the position after it. */
export function writeVarlong(buf: Uint8Array, pos: number, value: number): number {
  if (value >= -0x40000000 && value < 0x40000000) return writeVarint(buf, pos, value);
  if (!Number.isSafeInteger(value)) throw new RangeError(`varlong is not a safe integer: ${value}`);
  const { u, s } = zigzagParts(value);
  let rest = Math.floor(u / 64);
  buf[pos++] = s | ((u % 64) << 1) | (rest > 0 ? 0x80 : 0);
  while (rest > 0) {
    const group = rest % 128;
    rest = Math.floor(rest / 128);
    buf[pos++] = group | (rest > 0 ? 0x80 : 0);
  }
  return pos;
}

/** Reads a zigzag varlong at `cursor.pos` and advances the cursor; throws if it is not a safe integer. */
export function readVarlong(buf: Uint8Array, cursor: Cursor): number {
  let pos = cursor.pos;
  if (pos >= buf.length) throw new TributaryError('CORRUPT_BATCH', 'varlong runs past the end of the batch');
  const first = buf[pos++]!;
  const s = first & 1;
  let u = (first & 0x7f) >>> 1;
  let more = first >= 0x80;
  let scale = 64;
  let bytes = 1;
  while (more) {
    if (pos >= buf.length)
      throw new TributaryError('CORRUPT_BATCH', 'varlong runs past the end of the batch');
    if (++bytes > 10) throw new TributaryError('CORRUPT_BATCH', 'varlong is longer than 10 bytes');
    const byte = buf[pos++]!;
    u += (byte & 0x7f) * scale;
    scale *= 128;
    more = byte >= 0x80;
  }
  if (!Number.isSafeInteger(u)) throw new TributaryError('CORRUPT_BATCH', 'varlong is not a safe integer');
  cursor.pos = pos;
  return s === 1 ? -u - 1 : u;
}

/**
 * A strict check of protobuf wire format against the message's descriptor, run on every request body
 * before protobufjs decodes it.
 *
 * Why: protobufjs reads a known field with whatever wire type arrives (a varint field sent as
 * length-delimited is read as a varint, and the rest of the body is then parsed from the wrong place), so
 * some malformed bodies decode into plausible garbage instead of failing. Parsers in other languages
 * refuse them; so do we, with the place and the cause. What is checked, per message, recursively:
 *
 * - every tag is a varint of at most 5 bytes with a field number in [1, 2^29 - 1];
 * - wire types 0 (varint, at most 10 bytes, the 10th at most 1), 1 (8 bytes), 2 (a length that fits in
 *   what is left) and 5 (4 bytes) only: groups (3, 4) do not exist in proto3, 6 and 7 in no version;
 * - a known field arrives with the wire type its declared type has (or 2 for a packed repeated scalar,
 *   whose payload must then hold whole values), a string is UTF-8, a nested message is itself valid;
 * - unknown fields are skipped by their wire type (a newer client may send fields we do not know).
 *
 * Cost: one pass over the tags; bytes fields (record batches) are skipped by their length, not read.
 */
import { isUtf8 } from 'node:buffer';

/** The subset of a google.protobuf.FieldDescriptorProto (as @grpc/proto-loader gives it) read here. */
interface FieldDescriptor {
  readonly name: string;
  readonly number: number;
  readonly label: string;
  readonly type: string;
  readonly typeName: string;
}

/** A message type as @grpc/proto-loader describes it: `{ format, type: DescriptorProto }`. */
interface MessageTypeDefinition {
  readonly format?: string;
  readonly type?: { readonly name?: string; readonly field?: readonly FieldDescriptor[] };
}

type WireKind = 'varint' | 'fixed64' | 'fixed32' | 'bytes' | 'string' | 'message' | 'group';

interface FieldSpec {
  readonly name: string;
  readonly kind: WireKind;
  readonly repeated: boolean;
  /** A 32-bit varint (int32, uint32, sint32, bool, enum): protobufjs reads at most 5 bytes, or exactly 10. */
  readonly varint32?: boolean;
  /** For a nested message: its full name, e.g. `tributary.v1.Record`. */
  readonly messageName: string | undefined;
}

const VARINT32_TYPES: ReadonlySet<string> = new Set([
  'TYPE_INT32',
  'TYPE_UINT32',
  'TYPE_SINT32',
  'TYPE_BOOL',
  'TYPE_ENUM',
]);

const KIND_OF_TYPE: Record<string, WireKind> = {
  TYPE_DOUBLE: 'fixed64',
  TYPE_FIXED64: 'fixed64',
  TYPE_SFIXED64: 'fixed64',
  TYPE_FLOAT: 'fixed32',
  TYPE_FIXED32: 'fixed32',
  TYPE_SFIXED32: 'fixed32',
  TYPE_INT32: 'varint',
  TYPE_INT64: 'varint',
  TYPE_UINT32: 'varint',
  TYPE_UINT64: 'varint',
  TYPE_SINT32: 'varint',
  TYPE_SINT64: 'varint',
  TYPE_BOOL: 'varint',
  TYPE_ENUM: 'varint',
  TYPE_STRING: 'string',
  TYPE_BYTES: 'bytes',
  TYPE_MESSAGE: 'message',
  TYPE_GROUP: 'group',
};

const WIRE_TYPE_OF_KIND: Record<WireKind, number> = {
  varint: 0,
  fixed64: 1,
  bytes: 2,
  string: 2,
  message: 2,
  group: 3,
  fixed32: 5,
};

/** Nesting deeper than this is refused (our schema nests 4 deep; this bounds the recursion). */
const MAX_DEPTH = 32;

/** A wire-format problem: what is wrong and at which byte of the body. */
export class WireFormatError extends Error {
  constructor(message: string, offset: number) {
    super(`${message} (at byte ${offset})`);
    this.name = 'WireFormatError';
  }
}

/** Message descriptors by full name, built once from a package definition; checks bodies against them. */
export class WireChecker {
  private readonly specs = new Map<string, Map<number, FieldSpec> | null>();

  /** `types`: full name -> definition, e.g. the package definition @grpc/proto-loader returns. */
  constructor(private types: Readonly<Record<string, unknown>>) {}

  /** Adds a message type the constructor's package did not have (e.g. a library's own service). */
  learn(messageName: string, definition: unknown): void {
    if (!Object.hasOwn(this.types, messageName)) this.types = { ...this.types, [messageName]: definition };
  }

  /**
   * Throws WireFormatError unless `body` is a well-formed `messageName`. A message the checker has no
   * descriptor for is checked for framing only (tags, wire types, lengths).
   */
  check(body: Uint8Array, messageName: string): void {
    this.walk(body, 0, body.length, messageName, 0);
  }

  private fields(messageName: string): Map<number, FieldSpec> | null {
    let spec = this.specs.get(messageName);
    if (spec !== undefined) return spec;
    const def = this.types[messageName] as MessageTypeDefinition | undefined;
    const fields = def?.format?.includes('DescriptorProto') ? def.type?.field : undefined;
    const pkg = messageName.slice(0, messageName.lastIndexOf('.'));
    spec =
      fields === undefined
        ? null
        : new Map(
            fields.map((f): [number, FieldSpec] => [
              f.number,
              {
                name: f.name,
                kind: KIND_OF_TYPE[f.type] ?? 'bytes',
                repeated: f.label === 'LABEL_REPEATED',
                varint32: VARINT32_TYPES.has(f.type),
                messageName:
                  f.type !== 'TYPE_MESSAGE'
                    ? undefined
                    : f.typeName.startsWith('.')
                      ? f.typeName.slice(1)
                      : `${pkg}.${f.typeName}`,
              },
            ]),
          );
    this.specs.set(messageName, spec);
    return spec;
  }

  private walk(body: Uint8Array, start: number, end: number, messageName: string, depth: number): void {
    if (depth > MAX_DEPTH) throw new WireFormatError(`messages nested more than ${MAX_DEPTH} deep`, start);
    const fields = this.fields(messageName);
    let at = start;
    while (at < end) {
      const tagAt = at;
      const tag = readVarint(body, at, end, 5);
      at = tag.next;
      if (tag.value > 0xffff_ffff) throw new WireFormatError('a tag is wider than 32 bits', tagAt);
      const fieldNumber = Math.floor(tag.value / 8);
      const wireType = tag.value % 8;
      if (fieldNumber === 0) throw new WireFormatError('field number 0', tagAt);
      const field = fields?.get(fieldNumber);
      const label = field === undefined ? `field ${fieldNumber}` : `field ${fieldNumber} (${field.name})`;
      if (field !== undefined) {
        const expected = WIRE_TYPE_OF_KIND[field.kind];
        const packed = wireType === 2 && field.repeated && isScalar(field.kind);
        if (wireType !== expected && !packed) {
          throw new WireFormatError(
            `${label} of ${messageName} has wire type ${wireType}, expected ${expected}`,
            tagAt,
          );
        }
      }
      switch (wireType) {
        case 0: {
          const next = readVarint(body, at, end, 10).next;
          // protobufjs reads a 32-bit varint as 5 bytes, or skips to a 10th (a negative int32): 6 to 9 throw.
          if (field?.varint32 === true && next - at > 5 && next - at < 10) {
            throw new WireFormatError(
              `${label} of ${messageName} is a 32-bit varint of ${next - at} bytes`,
              at,
            );
          }
          at = next;
          break;
        }
        case 1:
          at = skip(at, 8, end, label);
          break;
        case 5:
          at = skip(at, 4, end, label);
          break;
        case 2: {
          const length = readVarint(body, at, end, 10);
          if (length.value > end - length.next) {
            throw new WireFormatError(
              `${label} claims ${length.value} bytes, ${end - length.next} are left`,
              at,
            );
          }
          const from = length.next;
          at = from + length.value;
          if (field === undefined) break;
          if (field.kind === 'string' && !isUtf8(body.subarray(from, at))) {
            throw new WireFormatError(`${label} of ${messageName} is not UTF-8`, from);
          }
          if (field.kind === 'message' && field.messageName !== undefined) {
            this.walk(body, from, at, field.messageName, depth + 1);
          }
          if (isScalar(field.kind)) checkPacked(body, from, at, field.kind, label);
          break;
        }
        default:
          throw new WireFormatError(`${label} has wire type ${wireType}, which proto3 does not have`, tagAt);
      }
    }
  }
}

function isScalar(kind: WireKind): boolean {
  return kind === 'varint' || kind === 'fixed64' || kind === 'fixed32';
}

function checkPacked(body: Uint8Array, from: number, to: number, kind: WireKind, label: string): void {
  if (kind === 'varint') {
    for (let at = from; at < to; ) at = readVarint(body, at, to, 10).next;
    return;
  }
  const width = kind === 'fixed64' ? 8 : 4;
  if ((to - from) % width !== 0) {
    throw new WireFormatError(
      `packed ${label} holds ${to - from} bytes, not whole ${width}-byte values`,
      from,
    );
  }
}

function skip(at: number, bytes: number, end: number, label: string): number {
  if (end - at < bytes) throw new WireFormatError(`${label} needs ${bytes} bytes, ${end - at} are left`, at);
  return at + bytes;
}

/**
 * Reads a base-128 varint of at most `maxBytes` bytes. The value is exact up to 2^53 and only compared
 * (tags, lengths) beyond that; a 10-byte varint's last byte must be 0 or 1 (64 bits, no more).
 */
function readVarint(
  body: Uint8Array,
  start: number,
  end: number,
  maxBytes: number,
): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < maxBytes; i++) {
    const at = start + i;
    if (at >= end) throw new WireFormatError('a varint runs past the end of its message', start);
    const byte = body[at]!;
    if (i === maxBytes - 1 && byte & 0x80) break;
    if (i === 9 && byte > 1) throw new WireFormatError('a varint is wider than 64 bits', start);
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return { value, next: at + 1 };
  }
  throw new WireFormatError(`a varint is longer than ${maxBytes} bytes`, start);
}

import { gunzipSync, gzipSync } from 'node:zlib';
import { TributaryError } from '../errors.js';

/**
 * Compression codecs of RecordBatch v2, by the id stored in bits 0-2 of the batch attributes.
 * A compressed batch keeps its 61-byte header in the clear and compresses only the records section,
 * so the broker can validate and index it without decompressing.
 *
 * gzip is built in (node:zlib). snappy, lz4 and zstd are registered later with
 * `registerCompressionCodec`; until then a batch using them is refused with UNSUPPORTED_COMPRESSION.
 */
export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CompressionName = keyof typeof Compression;
export type CompressionId = (typeof Compression)[CompressionName];

/** Decompressed output is capped so a small "zip bomb" batch cannot exhaust memory. */
export const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

export interface CompressionCodec {
  compress(buf: Buffer): Buffer;
  decompress(buf: Buffer): Buffer;
}

const gzip: CompressionCodec = {
  compress: (buf) => gzipSync(buf),
  decompress: (buf) => {
    try {
      return gunzipSync(buf, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
    } catch (err) {
      throw new TributaryError('CORRUPT_BATCH', `gzip records do not decompress: ${(err as Error).message}`, {
        cause: err,
      });
    }
  },
};

const codecs = new Map<number, CompressionCodec>([[Compression.gzip, gzip]]);

/** Registers (or replaces) the codec for compression id 1-4. */
export function registerCompressionCodec(id: number, codec: CompressionCodec): void {
  if (!(Number.isInteger(id) && id >= 1 && id <= 4)) {
    throw new RangeError(`compression id must be 1-4 (0 is "none"), got ${id}`);
  }
  codecs.set(id, codec);
}

/** The codec for `id`; throws UNSUPPORTED_COMPRESSION for "none", unknown or unregistered ids. */
export function compressionCodec(id: number): CompressionCodec {
  const codec = codecs.get(id);
  if (codec === undefined) {
    const name = compressionName(id);
    throw new TributaryError(
      'UNSUPPORTED_COMPRESSION',
      name === undefined
        ? `unknown compression id ${id}`
        : `compression ${name} is not available in this build`,
    );
  }
  return codec;
}

export function compressionName(id: number): CompressionName | undefined {
  for (const [name, value] of Object.entries(Compression)) if (value === id) return name as CompressionName;
  return undefined;
}

/** Resolves a name or id to an id in 0-4; throws UNSUPPORTED_COMPRESSION otherwise. */
export function compressionId(c: CompressionName | number): number {
  const id = typeof c === 'number' ? c : Compression[c];
  if (id === undefined || !(Number.isInteger(id) && id >= 0 && id <= 4)) {
    throw new TributaryError('UNSUPPORTED_COMPRESSION', `unknown compression ${String(c)}`);
  }
  return id;
}

import { TributaryError } from '../errors.js';
import { type CompressionCodec, gzipCodec, lz4Codec, snappyCodec, zstdCodec } from './codecs.js';

export { type CompressionCodec, MAX_DECOMPRESSED_BYTES } from './codecs.js';

/**
 * Compression codecs of RecordBatch v2, by the id stored in bits 0-2 of the batch attributes.
 * A compressed batch keeps its 61-byte header in the clear and compresses only the records section,
 * so the broker can check its header without decompressing.
 *
 * All four of Kafka's codecs are registered here (formats and bounds in `codecs.ts`), for broker and
 * client alike. Every codec is usable synchronously at any time; snappy, lz4 and zstd load their library
 * on first use (`codecs.ts`), so only processes that meet those codecs pay for them.
 * `registerCompressionCodec` can replace one (e.g. a faster build).
 */
export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CompressionName = keyof typeof Compression;
export type CompressionId = (typeof Compression)[CompressionName];

const codecs = new Map<number, CompressionCodec>([
  [Compression.gzip, gzipCodec],
  [Compression.snappy, snappyCodec],
  [Compression.lz4, lz4Codec],
  [Compression.zstd, zstdCodec],
]);

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

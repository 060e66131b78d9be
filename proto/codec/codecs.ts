/**
 * The compression codecs of RecordBatch v2, byte-compatible with Kafka's clients.
 *
 * Each `decompress` bounds its output by `MAX_DECOMPRESSED_BYTES` *before* allocating it, from sizes the
 * format declares up front (snappy's length preamble, LZ4 and zstd block headers), then checks the real
 * output, so a small "zip bomb" batch cannot exhaust memory. Malformed input is CORRUPT_BATCH.
 *
 * - gzip: node:zlib, RFC 1952.
 * - snappy: Kafka's Java client writes xerial-framed snappy (snappy-java's `SnappyOutputStream`):
 *
 *       offset  size  field
 *            0     8  magic 0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00
 *            8     4  version, int32 BE (1)
 *           12     4  minimum compatible version, int32 BE (1)
 *           16     -  chunks: compressed length int32 BE, then one raw snappy block
 *
 *   Other clients (librdkafka, older KafkaJS codecs) write one raw snappy block; Kafka reads both, and so
 *   does this codec (it looks for the magic). Compression writes xerial framing with 32 KiB chunks, as
 *   the Java client does. Implementation: `snappy` (napi-rs, prebuilt binaries).
 * - lz4: the LZ4 *frame* format (magic 0x184D2204), which is what Kafka writes for magic 2 batches
 *   (`Lz4BlockOutputStream`: independent 64 KiB blocks). `lz4-napi` writes the same (FLG 0x60: version 1,
 *   independent blocks, no checksums; BD 0x40: 64 KiB blocks). Implementation: `lz4-napi` (lz4_flex).
 * - zstd: the standard zstd frame format. The Java client streams, so its frames carry no content size;
 *   the bound then comes from the block headers (raw and RLE blocks declare their size, a compressed
 *   block regenerates at most 128 KiB). Implementation: `@bokuweb/zstd-wasm` (the reference C library
 *   compiled to WebAssembly).
 *
 * The snappy, lz4 and zstd libraries load on first use, synchronously, so `compress`/`decompress` stay
 * synchronous for every caller (the broker's produce validation, its offset-for-time and record-format
 * reads, the client's encoder and decoder) and a process that never sees those codecs never pays for
 * them (about 9 MB of an idle broker's RSS: two native libraries and a WebAssembly instance). A library
 * that fails to load fails that codec only, with UNSUPPORTED_COMPRESSION and the cause; it is not retried.
 *
 * zstd's WebAssembly is compiled and instantiated synchronously (about 5 ms, once) through Emscripten's
 * `Module.instantiateWasm` hook, because the package's own `init()` is asynchronous (it reads the file and
 * instantiates with promises). The hook lives on the package's internal `module.js`, next to its entry
 * point; the version is pinned in package.json and the zstd tests exercise this path.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type * as ZstdWasm from '@bokuweb/zstd-wasm';
import type * as Lz4 from 'lz4-napi';
import type * as Snappy from 'snappy';
import { TributaryError } from '../errors.js';

/** Decompressed output is capped so a small "zip bomb" batch cannot exhaust memory. */
export const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

export interface CompressionCodec {
  compress(buf: Buffer): Buffer;
  /**
   * Decompresses `buf`, refusing output past `maxBytes` (at most, and by default, MAX_DECOMPRESSED_BYTES)
   * before allocating it when the format declares sizes up front. Past the hard cap the input is treated
   * as a "zip bomb" (CORRUPT_BATCH); past a caller's lower limit it is BATCH_TOO_LARGE.
   */
  decompress(buf: Buffer, maxBytes?: number): Buffer;
}

function corrupt(codec: string, detail: string, cause?: unknown): TributaryError {
  return new TributaryError(
    'CORRUPT_BATCH',
    `${codec} records do not decompress: ${detail}`,
    cause === undefined ? undefined : { cause },
  );
}

/** The output limit of one call: the caller's, never above the hard cap. */
function limitOf(maxBytes: number | undefined): number {
  return maxBytes === undefined ? MAX_DECOMPRESSED_BYTES : Math.min(maxBytes, MAX_DECOMPRESSED_BYTES);
}

function tooLarge(codec: string, what: string, bytes: number, limit: number): TributaryError {
  if (limit >= MAX_DECOMPRESSED_BYTES) {
    return corrupt(codec, `${what} ${bytes} exceeds the ${MAX_DECOMPRESSED_BYTES}-byte limit`);
  }
  return new TributaryError(
    'BATCH_TOO_LARGE',
    `${codec} records decompress to more than ${limit} bytes (${what} ${bytes})`,
  );
}

function checkBound(codec: string, bytes: number, limit: number): void {
  if (bytes > limit) throw tooLarge(codec, 'declared size', bytes, limit);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const require = createRequire(import.meta.url);

/**
 * A library loaded by the first call of the returned function. Call it outside any try that maps errors
 * to CORRUPT_BATCH: a library that cannot load is UNSUPPORTED_COMPRESSION, whatever the input.
 */
export function onFirstUse<T>(codec: string, load: () => T): () => T {
  let library: T | undefined;
  let failure: TributaryError | undefined;
  return () => {
    if (library !== undefined) return library;
    if (failure !== undefined) throw failure;
    try {
      library = load();
      return library;
    } catch (err) {
      failure = new TributaryError(
        'UNSUPPORTED_COMPRESSION',
        `compression ${codec} is not available: its library did not load: ${(err as Error).message}`,
        { cause: err },
      );
      throw failure;
    }
  };
}

// ---------------------------------------------------------------------------------------------- gzip

const GZIP_CHUNK_MIN_BYTES = 16 * 1024;

export const gzipCodec: CompressionCodec = {
  compress: (buf) => gzipSync(buf),
  decompress: (buf, maxBytes) => {
    const limit = limitOf(maxBytes);
    try {
      // One output chunk of the size the gzip trailer declares (ISIZE), not zlib's 16 KiB chunks: a
      // large output made of thousands of small allocations stays in the process heap once freed (the
      // allocator cannot return it), which kept a broker's RSS up after a 200 MiB batch (issue 12).
      const declared = buf.length >= 18 ? buf.readUInt32LE(buf.length - 4) : 0;
      const chunkSize = Math.min(Math.max(declared + 1, GZIP_CHUNK_MIN_BYTES), limit + 1);
      return gunzipSync(buf, { maxOutputLength: limit, chunkSize });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw tooLarge('gzip', 'output over', limit, limit);
      }
      throw corrupt('gzip', (err as Error).message, err);
    }
  },
};

// -------------------------------------------------------------------------------------------- snappy

export const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;
const XERIAL_CHUNK_BYTES = 32 * 1024;

const snappyLibrary = onFirstUse('snappy', () => require('snappy') as typeof Snappy);

/** The uncompressed length a raw snappy block declares (its leading varint). */
function snappyDeclaredLength(block: Buffer): number {
  let result = 0;
  for (let i = 0; i < 5; i++) {
    if (i >= block.length) throw corrupt('snappy', 'truncated length preamble');
    const b = block[i]!;
    result += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return result;
  }
  throw corrupt('snappy', 'length preamble longer than 5 bytes');
}

function snappyRawDecompress(block: Buffer, expected: number): Buffer {
  const snappy = snappyLibrary();
  let out: Buffer;
  try {
    out = snappy.uncompressSync(block, { asBuffer: true }) as Buffer;
  } catch (err) {
    throw corrupt('snappy', (err as Error).message, err);
  }
  if (out.length !== expected) throw corrupt('snappy', `expected ${expected} bytes, got ${out.length}`);
  return out;
}

export function isXerialSnappy(buf: Buffer): boolean {
  return buf.length >= XERIAL_HEADER_BYTES && buf.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);
}

export const snappyCodec: CompressionCodec = {
  compress: (buf) => {
    const snappy = snappyLibrary();
    const parts: Buffer[] = [XERIAL_MAGIC, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])];
    for (let pos = 0; pos < buf.length; pos += XERIAL_CHUNK_BYTES) {
      const chunk = snappy.compressSync(buf.subarray(pos, Math.min(buf.length, pos + XERIAL_CHUNK_BYTES)));
      const length = Buffer.allocUnsafe(4);
      length.writeInt32BE(chunk.length, 0);
      parts.push(length, chunk);
    }
    return Buffer.concat(parts);
  },
  decompress: (buf, maxBytes) => {
    const limit = limitOf(maxBytes);
    if (!isXerialSnappy(buf)) {
      const declared = snappyDeclaredLength(buf);
      checkBound('snappy', declared, limit);
      return snappyRawDecompress(buf, declared);
    }
    // Pass 1: walk the chunks and add up declared sizes; pass 2: decompress.
    const chunks: Array<{ block: Buffer; declared: number }> = [];
    let total = 0;
    let pos = XERIAL_HEADER_BYTES;
    while (pos < buf.length) {
      if (pos + 4 > buf.length) throw corrupt('snappy', 'truncated xerial chunk length');
      const length = buf.readInt32BE(pos);
      pos += 4;
      if (length < 0 || pos + length > buf.length) throw corrupt('snappy', 'xerial chunk overruns the batch');
      const block = buf.subarray(pos, pos + length);
      pos += length;
      const declared = snappyDeclaredLength(block);
      total += declared;
      checkBound('snappy', total, limit);
      chunks.push({ block, declared });
    }
    const out = Buffer.allocUnsafe(total);
    let written = 0;
    for (const { block, declared } of chunks) {
      written += snappyRawDecompress(block, declared).copy(out, written);
    }
    return out;
  },
};

// ----------------------------------------------------------------------------------------------- lz4

const lz4Library = onFirstUse('lz4', () => require('lz4-napi') as typeof Lz4);

const LZ4_FRAME_MAGIC = 0x184d2204;
const LZ4_SKIPPABLE_MASK = 0xfffffff0;
const LZ4_SKIPPABLE_MAGIC = 0x184d2a50;
const LZ4_BLOCK_MAX_BYTES: Partial<Record<number, number>> = {
  4: 64 * 1024,
  5: 256 * 1024,
  6: 1024 * 1024,
  7: 4 * 1024 * 1024,
};

/** An upper bound of the decompressed size of LZ4 frames, from the frame and block headers. */
export function lz4DecompressedBound(buf: Buffer, limit = MAX_DECOMPRESSED_BYTES): number {
  let bound = 0;
  let pos = 0;
  while (pos < buf.length) {
    if (pos + 4 > buf.length) throw corrupt('lz4', 'truncated frame magic');
    const magic = buf.readUInt32LE(pos);
    if ((magic & LZ4_SKIPPABLE_MASK) >>> 0 === LZ4_SKIPPABLE_MAGIC) {
      if (pos + 8 > buf.length) throw corrupt('lz4', 'truncated skippable frame');
      pos += 8 + buf.readUInt32LE(pos + 4);
      continue;
    }
    if (magic !== LZ4_FRAME_MAGIC) throw corrupt('lz4', `bad frame magic 0x${magic.toString(16)}`);
    if (pos + 6 > buf.length) throw corrupt('lz4', 'truncated frame descriptor');
    const flg = buf[pos + 4]!;
    const bd = buf[pos + 5]!;
    const blockMaxBytes = LZ4_BLOCK_MAX_BYTES[(bd >> 4) & 0x7];
    if (blockMaxBytes === undefined) throw corrupt('lz4', `bad block size code in BD 0x${bd.toString(16)}`);
    const blockChecksum = (flg & 0x10) !== 0;
    const contentSize = (flg & 0x08) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    const dictId = (flg & 0x01) !== 0;
    pos += 6 + (contentSize ? 8 : 0) + (dictId ? 4 : 0) + 1; // + header checksum byte
    for (;;) {
      if (pos + 4 > buf.length) throw corrupt('lz4', 'truncated block header');
      const word = buf.readUInt32LE(pos);
      pos += 4;
      if (word === 0) break; // EndMark
      const size = word & 0x7fffffff;
      if (size > blockMaxBytes) throw corrupt('lz4', `block of ${size} bytes exceeds its ${blockMaxBytes}`);
      pos += size + (blockChecksum ? 4 : 0);
      bound += blockMaxBytes;
      checkBound('lz4', bound, limit);
    }
    pos += contentChecksum ? 4 : 0;
  }
  if (pos !== buf.length) throw corrupt('lz4', 'frame overruns the batch');
  return bound;
}

export const lz4Codec: CompressionCodec = {
  compress: (buf) => lz4Library().compressFrameSync(buf),
  decompress: (buf, maxBytes) => {
    const limit = limitOf(maxBytes);
    // Every block is counted at its maximum size, so the bound overstates the last block of a frame: it
    // may pass the limit by one block (4 MiB at most) before the real output is checked.
    const bound = lz4DecompressedBound(buf, limit + LZ4_BLOCK_MAX_BYTES[7]!);
    const lz4 = lz4Library();
    let out: Buffer;
    try {
      out = lz4.decompressFrameSync(buf);
    } catch (err) {
      throw corrupt('lz4', (err as Error).message, err);
    }
    if (out.length > bound) throw corrupt('lz4', `output ${out.length} exceeds the declared bound ${bound}`);
    if (out.length > limit) throw tooLarge('lz4', 'output', out.length, limit);
    return out;
  },
};

// ---------------------------------------------------------------------------------------------- zstd

const ZSTD_MAGIC = 0xfd2fb528;
const ZSTD_SKIPPABLE_MASK = 0xfffffff0;
const ZSTD_SKIPPABLE_MAGIC = 0x184d2a50;
const ZSTD_BLOCK_MAX_BYTES = 128 * 1024;
const ZSTD_LEVEL = 3; // Kafka's default compression.zstd.level

/**
 * The largest zstd window a producer may use: RFC 8878 (3.1.1.1.2) recommends that decoders support
 * windows up to 8 MiB and that encoders not need more, and streaming decoders (the Java client's
 * zstd-jni, Go's, Node's zlib) refuse or may refuse larger ones by default. Kafka's clients at their
 * default level 3 use 2 MiB windows (checked at produce only; see batch-validator.ts).
 */
export const ZSTD_WINDOW_MAX_BYTES = 8 * 1024 * 1024;

export interface ZstdFrame {
  start: number;
  end: number;
  /** An upper bound of the frame's decompressed size. */
  bound: number;
  /** Window_Size: the history a decoder must keep (the content size for a single-segment frame). */
  windowBytes: number;
}

/** Splits zstd input into frames with an upper bound of each one's decompressed size. */
export function zstdFrames(buf: Buffer, limit = MAX_DECOMPRESSED_BYTES): ZstdFrame[] {
  const frames: ZstdFrame[] = [];
  let total = 0;
  let pos = 0;
  while (pos < buf.length) {
    if (pos + 4 > buf.length) throw corrupt('zstd', 'truncated frame magic');
    const magic = buf.readUInt32LE(pos);
    if ((magic & ZSTD_SKIPPABLE_MASK) >>> 0 === ZSTD_SKIPPABLE_MAGIC) {
      if (pos + 8 > buf.length) throw corrupt('zstd', 'truncated skippable frame');
      pos += 8 + buf.readUInt32LE(pos + 4);
      continue;
    }
    if (magic !== ZSTD_MAGIC) throw corrupt('zstd', `bad frame magic 0x${magic.toString(16)}`);
    const start = pos;
    if (pos + 5 > buf.length) throw corrupt('zstd', 'truncated frame header');
    const descriptor = buf[pos + 4]!;
    const fcsFlag = descriptor >> 6;
    const singleSegment = (descriptor & 0x20) !== 0;
    const checksum = (descriptor & 0x04) !== 0;
    const dictIdBytes = [0, 1, 2, 4][descriptor & 0x3]!;
    const fcsBytes = fcsFlag === 0 ? (singleSegment ? 1 : 0) : [0, 2, 4, 8][fcsFlag]!;
    let windowBytes = 0;
    if (!singleSegment) {
      // Window_Descriptor: exponent (5 bits) and mantissa (3 bits) of a size from 1 KiB up.
      const descriptorByte = buf[pos + 5]!;
      const base = 2 ** (10 + (descriptorByte >> 3));
      windowBytes = base + (base / 8) * (descriptorByte & 0x7);
    }
    pos += 5 + (singleSegment ? 0 : 1) + dictIdBytes;
    if (pos + fcsBytes > buf.length) throw corrupt('zstd', 'truncated frame header');
    let contentSize = -1;
    if (fcsBytes === 1) contentSize = buf[pos]!;
    else if (fcsBytes === 2) contentSize = buf.readUInt16LE(pos) + 256;
    else if (fcsBytes === 4) contentSize = buf.readUInt32LE(pos);
    else if (fcsBytes === 8) contentSize = buf.readUInt32LE(pos) + buf.readUInt32LE(pos + 4) * 2 ** 32;
    pos += fcsBytes;
    if (singleSegment) windowBytes = contentSize;
    checkBound('zstd', total + Math.max(contentSize, 0), limit);
    let blocksBound = 0;
    for (;;) {
      if (pos + 3 > buf.length) throw corrupt('zstd', 'truncated block header');
      const header = buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16);
      pos += 3;
      const last = (header & 1) !== 0;
      const type = (header >> 1) & 0x3;
      const size = header >>> 3;
      if (type === 3) throw corrupt('zstd', 'reserved block type');
      if (type === 1) {
        blocksBound += size; // RLE: one byte repeated `size` times
        pos += 1;
      } else {
        blocksBound += type === 0 ? size : ZSTD_BLOCK_MAX_BYTES;
        pos += size;
      }
      checkBound('zstd', total + blocksBound, limit + ZSTD_BLOCK_MAX_BYTES);
      if (last) break;
    }
    pos += checksum ? 4 : 0;
    if (pos > buf.length) throw corrupt('zstd', 'frame overruns the batch');
    const bound = contentSize >= 0 ? contentSize : blocksBound;
    total += bound;
    // A compressed block's bound (128 KiB) overstates the last block of a frame: allow one block more.
    checkBound('zstd', total, contentSize >= 0 ? limit : limit + ZSTD_BLOCK_MAX_BYTES);
    frames.push({ start, end: pos, bound, windowBytes });
  }
  return frames;
}

/** The synchronous WebAssembly API (the project's `lib` setting has no WebAssembly types). */
interface SyncWebAssembly {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/**
 * A frame whose output may exceed this is decompressed in a WebAssembly instance of its own, dropped
 * afterwards. A WebAssembly memory only grows: the shared instance would otherwise keep, for the life of
 * the process, the largest batch it ever decompressed (issue 12: 200 MiB frames left the broker's RSS
 * hundreds of MiB up while idle).
 */
export const ZSTD_SHARED_OUTPUT_MAX_BYTES = 4 * 1024 * 1024;

/** The exports of the package's zstd.wasm, by their minified names (pinned version; see zstd.js there). */
interface ZstdWasmExports {
  f: { buffer: ArrayBuffer; grow(pages: number): number };
  g(): void;
  h(code: number): number;
  r(dst: number, dstCapacity: number, src: number, srcSize: number): number;
  s(bytes: number): number;
}

/** Compiled once; instantiated per large frame. */
let zstdWasmModule: object | undefined;

function zstdWasmBytes(): Buffer {
  return readFileSync(join(dirname(require.resolve('@bokuweb/zstd-wasm')), 'zstd.wasm'));
}

/** Decompresses one frame into at most `capacity` bytes in a throw-away WebAssembly instance. */
function zstdDecompressIsolated(frame: Buffer, capacity: number): Buffer {
  const { WebAssembly } = globalThis as unknown as { WebAssembly: SyncWebAssembly };
  zstdWasmModule ??= new WebAssembly.Module(zstdWasmBytes());
  let exports: ZstdWasmExports | undefined;
  const fail = (what: string) => () => {
    throw new Error(`zstd WebAssembly ${what}`);
  };
  const instance = new WebAssembly.Instance(zstdWasmModule, {
    a: {
      a: fail('exited'), // proc_exit
      b: () => undefined, // emscripten_runtime_keepalive_clear
      c: fail('aborted'), // abort_js
      d: () => 0, // setitimer_js: unused by decompression
      // emscripten_resize_heap: grow to the requested size, in 64 KiB pages.
      e: (requested: number) => {
        const memory = exports!.f;
        const pages = Math.ceil(((requested >>> 0) - memory.buffer.byteLength) / 65536);
        try {
          if (pages > 0) memory.grow(pages);
          return 1;
        } catch {
          return 0;
        }
      },
    },
  });
  exports = instance.exports as unknown as ZstdWasmExports;
  exports.g();
  const src = exports.s(frame.length);
  const dst = exports.s(capacity);
  if (src === 0 || dst === 0) throw new Error(`cannot allocate ${capacity} bytes for the output`);
  new Uint8Array(exports.f.buffer, src, frame.length).set(frame);
  const written = exports.r(dst, capacity, src, frame.length);
  if (exports.h(written) !== 0) throw new Error(`decompression failed (code ${written >>> 0})`);
  // Copied out of the instance's memory, which goes with the instance.
  return Buffer.from(new Uint8Array(exports.f.buffer, dst, written >>> 0));
}

/** The parts of the package's Emscripten module that a synchronous start needs. */
interface ZstdEmscriptenModule {
  instantiateWasm?: (imports: object, receiveInstance: (instance: object) => unknown) => unknown;
  init(): unknown;
  calledRun?: boolean;
}

/** Loads `@bokuweb/zstd-wasm` and starts its runtime synchronously (see the file comment). */
function loadZstd(): typeof ZstdWasm {
  const entry = require.resolve('@bokuweb/zstd-wasm');
  const zstd = require(entry) as typeof ZstdWasm;
  // The same module instance the entry point's functions use (`require('./module')` in the package).
  const { Module } = require(join(dirname(entry), 'module.js')) as { Module: ZstdEmscriptenModule };
  if (Module.calledRun !== true) {
    const { WebAssembly } = globalThis as unknown as { WebAssembly: SyncWebAssembly };
    const wasm = new WebAssembly.Module(zstdWasmBytes());
    zstdWasmModule = wasm;
    let failure: unknown;
    Module.instantiateWasm = (imports, receiveInstance) => {
      try {
        return receiveInstance(new WebAssembly.Instance(wasm, imports));
      } catch (err) {
        failure = err;
        return false;
      }
    };
    Module.init();
    if (failure !== undefined) throw failure;
  }
  if (Module.calledRun !== true) throw new Error('the zstd WebAssembly runtime did not start synchronously');
  return zstd;
}

const zstdLibrary = onFirstUse('zstd', loadZstd);

export const zstdCodec: CompressionCodec = {
  compress: (buf) => asBuffer(zstdLibrary().compress(buf, ZSTD_LEVEL)),
  decompress: (buf, maxBytes) => {
    const limit = limitOf(maxBytes);
    const frames = zstdFrames(buf, limit);
    const zstdWasm = zstdLibrary();
    const parts: Buffer[] = [];
    let total = 0;
    for (const frame of frames) {
      try {
        const input = buf.subarray(frame.start, frame.end);
        // The library sizes its output from the frame's content size when present, else from this.
        const out =
          frame.bound > ZSTD_SHARED_OUTPUT_MAX_BYTES
            ? zstdDecompressIsolated(input, frame.bound)
            : zstdWasm.decompress(input, { defaultHeapSize: Math.max(1, frame.bound) });
        if (out.length > frame.bound)
          throw new Error(`output ${out.length} exceeds the bound ${frame.bound}`);
        total += out.length;
        parts.push(asBuffer(out));
      } catch (err) {
        throw corrupt('zstd', (err as Error).message, err);
      }
      if (total > limit) throw tooLarge('zstd', 'output', total, limit);
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  },
};

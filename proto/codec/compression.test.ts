import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { TributaryError } from '../errors.js';
import {
  isXerialSnappy,
  lz4DecompressedBound,
  onFirstUse,
  XERIAL_MAGIC,
  ZSTD_SHARED_OUTPUT_MAX_BYTES,
  zstdFrames,
} from './codecs.js';
import {
  Compression,
  type CompressionName,
  compressionCodec,
  MAX_DECOMPRESSED_BYTES,
} from './compression.js';
import { decodeRecordBatch } from './record-decoder.js';
import { encodeRecordBatch } from './record-encoder.js';

// Read before any test runs: vitest runs each test file in its own process, so nothing else has loaded
// the codec libraries yet; the imports above (the registry, encoder and decoder) must not have either.
const codecLibraries = ['/snappy/', '/lz4-napi/', '/@bokuweb/zstd-wasm/'];
const loadedLibraries = () =>
  codecLibraries.filter((lib) =>
    Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes(lib)),
  );
const loadedAtImport = loadedLibraries();

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const TEXT = 'tributary tributary tributary tributary';

function reason(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof TributaryError ? err.reason : `not a TributaryError: ${String(err)}`;
  }
  return undefined;
}

describe('codec libraries load on first use', () => {
  it('importing the registry loads none of them; using a codec loads only its own', () => {
    expect(loadedAtImport).toEqual([]);
    const payload = Buffer.from(TEXT);
    const codec = compressionCodec(Compression.lz4);
    expect(codec.decompress(codec.compress(payload))).toEqual(payload);
    expect(loadedLibraries()).toEqual(['/lz4-napi/']);
  });

  it('loads a library once; a library that fails is UNSUPPORTED_COMPRESSION with its cause, not retried', () => {
    let loads = 0;
    const ok = onFirstUse('test', () => ({ n: ++loads }));
    expect(ok()).toBe(ok());
    expect(loads).toBe(1);

    const cause = new Error('cannot open shared object file');
    let attempts = 0;
    const broken = onFirstUse('snappy', () => {
      attempts++;
      throw cause;
    });
    let thrown: unknown;
    try {
      broken();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(TributaryError);
    expect((thrown as TributaryError).reason).toBe('UNSUPPORTED_COMPRESSION');
    expect((thrown as TributaryError).message).toContain('compression snappy is not available');
    expect((thrown as TributaryError).cause).toBe(cause);
    expect(reason(broken)).toBe('UNSUPPORTED_COMPRESSION');
    expect(attempts).toBe(1);
  });
});

describe('compression codecs', () => {
  const names: CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
  const payloads: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['one byte', Buffer.from('x')],
    ['text', Buffer.from(TEXT.repeat(1000))],
    ['random 300 KiB', randomBytes(300 * 1024)],
    ['zeros 5 MiB', Buffer.alloc(5 * 1024 * 1024)],
  ];

  for (const name of names.filter((n) => n !== 'none')) {
    for (const [label, payload] of payloads) {
      it(`${name} round-trips ${label}`, () => {
        const codec = compressionCodec(Compression[name]);
        const compressed = codec.compress(payload);
        expect(codec.decompress(compressed).equals(payload)).toBe(true);
      });
    }
  }

  for (const name of names) {
    it(`${name} batches encode and decode through RecordBatch v2`, () => {
      const records = Array.from({ length: 500 }, (_, i) => ({
        key: `k${i}`,
        value: `${TEXT} ${i}`,
        headers: { h: `v${i}` },
      }));
      const batch = encodeRecordBatch(records, { compression: name, nowMs: 1_700_000_000_000 });
      const decoded = decodeRecordBatch(batch);
      expect(decoded.header.compression).toBe(Compression[name]);
      expect(decoded.records.map((r) => [r.key?.toString(), r.value?.toString()])).toEqual(
        records.map((r) => [r.key, r.value]),
      );
      if (name !== 'none') expect(batch.length).toBeLessThan(encodeRecordBatch(records).length / 2);
    });
  }

  describe('snappy', () => {
    // A raw snappy block: preamble 0x11 (17 bytes), literal tag 0x40 (length 17), then the bytes.
    const raw = hex('11 40 68656c6c6f 20 68656c6c6f 20 68656c6c6f');
    // The same block in xerial framing as snappy-java's SnappyOutputStream writes it.
    const xerial = Buffer.concat([hex('82534e4150505900 00000001 00000001 00000013'), raw]);

    it('reads raw snappy', () => {
      expect(compressionCodec(Compression.snappy).decompress(raw).toString()).toBe('hello hello hello');
    });

    it('reads xerial-framed snappy (fixture) and writes xerial framing', () => {
      const codec = compressionCodec(Compression.snappy);
      expect(codec.decompress(xerial).toString()).toBe('hello hello hello');
      const written = codec.compress(Buffer.from('hello hello hello'));
      expect(isXerialSnappy(written)).toBe(true);
      expect(written.subarray(0, 16)).toEqual(hex('82534e4150505900 00000001 00000001'));
      expect(written.subarray(0, 8)).toEqual(XERIAL_MAGIC);
    });

    it('reads xerial framing with many chunks', () => {
      const codec = compressionCodec(Compression.snappy);
      const twoChunks = Buffer.concat([xerial, raw.subarray(0, 0), hex('00000013'), raw]);
      expect(codec.decompress(twoChunks).toString()).toBe('hello hello hellohello hello hello');
    });

    it('refuses a declared size past the limit before decompressing, and garbage', () => {
      const codec = compressionCodec(Compression.snappy);
      // preamble 0x80 0x80 0x80 0x80 0x01 = 2^28 = 256 MiB, plus one more byte of claim.
      const bomb = hex('81 80 80 80 01 00');
      expect(2 ** 28 + 1).toBeGreaterThan(MAX_DECOMPRESSED_BYTES);
      expect(reason(() => codec.decompress(bomb))).toBe('CORRUPT_BATCH');
      expect(reason(() => codec.decompress(hex('05 ff ff')))).toBe('CORRUPT_BATCH');
      expect(reason(() => codec.decompress(Buffer.concat([xerial, hex('7fffffff')])))).toBe('CORRUPT_BATCH');
    });
  });

  describe('lz4', () => {
    // `printf '<TEXT>' | lz4 -c` (lz4 1.9 CLI): frame with a content checksum, 64 KiB blocks.
    const fixture = hex('04224d186440a714000000af747269627574617279200a00055075746172 79000000003ee7c1bd');

    it('reads the lz4 CLI frame format (fixture)', () => {
      expect(compressionCodec(Compression.lz4).decompress(fixture).toString()).toBe(TEXT);
    });

    it('writes Kafka-compatible frames: magic, version 1, independent blocks, 64 KiB blocks', () => {
      const out = compressionCodec(Compression.lz4).compress(Buffer.from(TEXT));
      expect(out.readUInt32LE(0)).toBe(0x184d2204);
      expect(out[4]! & 0xc0).toBe(0x40); // version 01
      expect(out[4]! & 0x20).toBe(0x20); // block independence
      expect(out[5]).toBe(0x40); // 64 KiB max block size
    });

    it('bounds the output from block headers and refuses garbage', () => {
      expect(lz4DecompressedBound(fixture)).toBe(64 * 1024);
      const codec = compressionCodec(Compression.lz4);
      expect(reason(() => codec.decompress(Buffer.from('not lz4 at all')))).toBe('CORRUPT_BATCH');
      expect(reason(() => codec.decompress(fixture.subarray(0, fixture.length - 6)))).toBe('CORRUPT_BATCH');
      // 5000 empty-claiming 4 MiB blocks would declare ~20 GB: refused before decompressing.
      const header = hex('04224d18 6070 73');
      const block = hex('01000000 00');
      const bomb = Buffer.concat([header, ...Array.from({ length: 100 }, () => block), hex('00000000')]);
      expect(reason(() => codec.decompress(bomb))).toBe('CORRUPT_BATCH');
    });
  });

  describe('zstd', () => {
    // `printf '<TEXT>' | zstd -c` (zstd 1.5 CLI): streamed, so the frame has no content size.
    const fixture = hex('28b52ffd045885000050747269627574617279200100bd0b12db63fcf7');

    it('reads a frame without a content size (fixture), as the Java client streams them', () => {
      const frames = zstdFrames(fixture);
      expect(frames).toHaveLength(1);
      expect(frames[0]!.bound).toBe(128 * 1024);
      expect(compressionCodec(Compression.zstd).decompress(fixture).toString()).toBe(TEXT);
    });

    it('reads concatenated frames and a hand-made raw-block frame', () => {
      // descriptor 0x00 (no content size), window byte 0x00, last raw block of 5 bytes.
      const rawFrame = Buffer.concat([hex('28b52ffd 00 00 290000'), Buffer.from('hello')]);
      const codec = compressionCodec(Compression.zstd);
      expect(codec.decompress(rawFrame).toString()).toBe('hello');
      expect(codec.decompress(Buffer.concat([fixture, rawFrame])).toString()).toBe(`${TEXT}hello`);
    });

    it('refuses a declared content size past the limit, and garbage', () => {
      const codec = compressionCodec(Compression.zstd);
      // descriptor 0xa0: 4-byte content size, single segment; claims 512 MiB; RLE block.
      const bomb = hex('28b52ffd a0 00000020 030000 00');
      expect(reason(() => codec.decompress(bomb))).toBe('CORRUPT_BATCH');
      expect(reason(() => codec.decompress(Buffer.from('not zstd')))).toBe('CORRUPT_BATCH');
      expect(reason(() => codec.decompress(fixture.subarray(0, 20)))).toBe('CORRUPT_BATCH');
    });
  });

  it('gzip refuses output past the limit', () => {
    const codec = compressionCodec(Compression.gzip);
    expect(reason(() => codec.decompress(Buffer.from('not gzip')))).toBe('CORRUPT_BATCH');
  });
});

describe('large outputs leave no memory behind (issue 12)', () => {
  it('zstd frames above ZSTD_SHARED_OUTPUT_MAX_BYTES decode in a throw-away instance, exactly', () => {
    const codec = compressionCodec(Compression.zstd);
    const input = Buffer.alloc(ZSTD_SHARED_OUTPUT_MAX_BYTES + 12345);
    for (let i = 0; i < input.length; i += 997) input[i] = i & 0xff;
    const frame = codec.compress(input);
    expect(zstdFrames(frame)[0]!.bound).toBeGreaterThan(ZSTD_SHARED_OUTPUT_MAX_BYTES);
    expect(codec.decompress(frame).equals(input)).toBe(true);
    expect(reason(() => codec.decompress(frame, 1 << 20))).toBe('BATCH_TOO_LARGE');
    const corrupt = Buffer.from(frame);
    corrupt[corrupt.length - 5]! ^= 0xff;
    expect(reason(() => codec.decompress(corrupt))).toBe('CORRUPT_BATCH');
  });

  it('gzip sizes its output from the trailer, which zlib checks, and still bounds it', () => {
    const codec = compressionCodec(Compression.gzip);
    const input = Buffer.alloc(3 << 20, 7);
    const gz = codec.compress(input);
    expect(codec.decompress(gz).equals(input)).toBe(true);
    const lying = Buffer.from(gz);
    lying.writeUInt32LE(10, lying.length - 4);
    expect(reason(() => codec.decompress(lying, 4 << 20))).toBe('CORRUPT_BATCH'); // zlib checks ISIZE
    expect(reason(() => codec.decompress(gz, 1 << 20))).toBe('BATCH_TOO_LARGE');
  });
});

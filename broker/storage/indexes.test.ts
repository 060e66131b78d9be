import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/storage.js';
import { OffsetIndex } from './offset-index.js';
import { TimeIndex } from './time-index.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

describe('OffsetIndex', () => {
  it('looks up the largest entry at or below an offset and round-trips through its file', async () => {
    const path = join(dir, '00000000000000000100.index');
    const index = new OffsetIndex(path, 100);
    index.append(110, 500);
    index.append(125, 900);
    index.append(140, 1300);
    expect(index.lookup(99)).toEqual({ offset: 100, position: 0 });
    expect(index.lookup(109)).toEqual({ offset: 100, position: 0 });
    expect(index.lookup(110)).toEqual({ offset: 110, position: 500 });
    expect(index.lookup(130)).toEqual({ offset: 125, position: 900 });
    expect(index.lookup(1000)).toEqual({ offset: 140, position: 1300 });
    expect(() => index.append(140, 1400)).toThrow(/increase/);
    await index.persist(true);
    const bytes = await readFile(path);
    expect(bytes.toString('hex')).toBe('0000000a000001f4' + '0000001900000384' + '0000002800000514');
    const loaded = await OffsetIndex.load(path, 100, 2000, 200);
    expect(loaded?.entries).toBe(3);
    expect(loaded?.lookup(130)).toEqual({ offset: 125, position: 900 });
    index.truncateToOffset(125);
    await index.persist(false);
    expect((await readFile(path)).length).toBe(8);
  });

  it('refuses doubtful files so they get rebuilt', async () => {
    const path = join(dir, 'x.index');
    expect(await OffsetIndex.load(path, 0, 100, 100)).toBeUndefined(); // missing
    await writeFile(path, Buffer.alloc(12));
    expect(await OffsetIndex.load(path, 0, 100, 100)).toBeUndefined(); // size not a multiple of 8
    await writeFile(path, Buffer.from('0000000200000010' + '0000000100000020', 'hex'));
    expect(await OffsetIndex.load(path, 0, 100, 100)).toBeUndefined(); // offsets go backwards
    await writeFile(path, Buffer.from('0000000200000100', 'hex'));
    expect(await OffsetIndex.load(path, 0, 100, 100)).toBeUndefined(); // position past the log
    await writeFile(path, Buffer.from('0000007000000010', 'hex'));
    expect(await OffsetIndex.load(path, 0, 100, 100)).toBeUndefined(); // offset past the segment
    await writeFile(path, Buffer.from('0000000200000010', 'hex'));
    expect((await OffsetIndex.load(path, 0, 100, 100))?.entries).toBe(1);
  });
});

describe('TimeIndex', () => {
  it('appends only growing timestamps and finds the entry at or below a time', async () => {
    const path = join(dir, 'x.timeindex');
    const index = new TimeIndex(path, 50);
    index.maybeAppend(1000, 55);
    index.maybeAppend(900, 60); // not larger: skipped
    index.maybeAppend(2 ** 41, 70);
    expect(index.entries).toBe(2);
    expect(index.lookup(999)).toEqual({ timestamp: -1, offset: 50 });
    expect(index.lookup(1500)).toEqual({ timestamp: 1000, offset: 55 });
    expect(index.lastTimestamp).toBe(2 ** 41);
    await index.persist(true);
    expect((await readFile(path)).toString('hex')).toBe(
      '00000000000003e800000005' + '0000020000000000' + '00000014',
    );
    const loaded = await TimeIndex.load(path, 50, 100);
    expect(loaded?.lookup(2 ** 42)).toEqual({ timestamp: 2 ** 41, offset: 70 });
    expect(await TimeIndex.load(path, 50, 60)).toBeUndefined(); // offset beyond the segment
    await writeFile(path, Buffer.alloc(13));
    expect(await TimeIndex.load(path, 50, 100)).toBeUndefined();
  });
});

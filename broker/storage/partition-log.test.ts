import { readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeBatches, scanBatches, validateBatches } from '../../proto/codec/index.js';
import { batch, openLog, tempDir, testConfig } from '../../test/helpers/storage.js';
import type { AppendInfo } from './append-plan.js';
import { FileHandleCache } from './file-handle-cache.js';
import { validateLogConfig } from './log-config.js';
import { CLEAN_SHUTDOWN_FILE } from './log-loader.js';
import type { PartitionLog } from './partition-log.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

async function readAll(log: PartitionLog, from = log.logStartOffset): Promise<string[]> {
  const values: string[] = [];
  let offset = from;
  while (offset < log.logEndOffset) {
    const { batches } = await log.read(offset, 64 * 1024);
    expect(batches.length).toBeGreaterThan(0);
    for (const r of decodeBatches(batches)) {
      if (r.offset >= offset) values.push(`${r.offset}:${r.value?.toString().replace(/\.+$/, '')}`);
    }
    const scanned = scanBatches(batches);
    offset = scanned[scanned.length - 1]!.lastOffset + 1;
  }
  return values;
}

describe('PartitionLog', () => {
  it('assigns dense offsets in call order, coalesces concurrent appends and emits after the write', async () => {
    const log = await openLog(dir, testConfig());
    const seen: AppendInfo[] = [];
    log.on('append', (info: AppendInfo) => {
      expect(log.logEndOffset).toBeGreaterThanOrEqual(info.lastOffset + 1);
      seen.push(info);
    });
    const results = await Promise.all([
      log.append(batch(3, 'a'), { leaderEpoch: 7 }),
      log.append(batch(2, 'b'), { leaderEpoch: 7 }),
    ]);
    expect(
      results.map((r) => [r.baseOffset, r.lastOffset, r.recordCount, r.batchCount, r.logAppendTimeMs]),
    ).toEqual([
      [0, 2, 3, 1, -1],
      [3, 4, 2, 1, -1],
    ]);
    expect(seen).toHaveLength(2);
    expect(log.logEndOffset).toBe(5);
    const { batches } = await log.read(0, 1 << 20);
    const records = decodeBatches(batches);
    expect(records.map((r) => [r.offset, r.partitionLeaderEpoch])).toEqual([
      [0, 7],
      [1, 7],
      [2, 7],
      [3, 7],
      [4, 7],
    ]);
    await expect(log.read(6, 100)).rejects.toMatchObject({ reason: 'OFFSET_OUT_OF_RANGE' });
    expect((await log.read(5, 100)).batches.length).toBe(0);
    await log.close();
  });

  it('stamps LogAppendTime and fsyncs every append with flushIntervalMs 0', async () => {
    const log = await openLog(dir, testConfig({ timestampType: 'LogAppendTime', flushIntervalMs: 0 }));
    const info = await log.append(batch(2, 'a', 5), { leaderEpoch: 0, nowMs: 99_000 });
    expect(info).toMatchObject({ logAppendTimeMs: 99_000, maxTimestamp: 99_000 });
    const records = decodeBatches((await log.read(0, 1000)).batches);
    expect(records.map((r) => [r.timestamp, r.timestampType])).toEqual([
      [99_000, 'LogAppendTime'],
      [99_000, 'LogAppendTime'],
    ]);
    await log.close();
  });

  it('rejects bad batches and leaves the log unchanged', async () => {
    const log = await openLog(dir, testConfig({ maxBatchBytes: 2000 }));
    await log.append(batch(2, 'ok'), { leaderEpoch: 0 });
    const before = { end: log.logEndOffset, size: log.sizeBytes };
    const badCrc = batch(2, 'x');
    badCrc[badCrc.length - 1]! ^= 1;
    await expect(log.append(badCrc, { leaderEpoch: 0 })).rejects.toMatchObject({ reason: 'CRC_MISMATCH' });
    await expect(log.append(batch(2, 'x').subarray(0, 50), { leaderEpoch: 0 })).rejects.toMatchObject({
      reason: 'CORRUPT_BATCH',
    });
    await expect(
      log.append(Buffer.concat([batch(1, 'y'), batch(1, 'z').subarray(0, 70)]), { leaderEpoch: 0 }),
    ).rejects.toMatchObject({
      reason: 'CORRUPT_BATCH',
    });
    await expect(log.append(batch(100, 'big'), { leaderEpoch: 0 })).rejects.toMatchObject({
      reason: 'BATCH_TOO_LARGE',
    });
    expect({ end: log.logEndOffset, size: log.sizeBytes }).toEqual(before);
    const next = await log.append(batch(1, 'after'), { leaderEpoch: 0 });
    expect(next.baseOffset).toBe(2);
    expect(await readAll(log)).toEqual(['0:vok.0', '1:vok.1', '2:vafter.0']);
    await log.close();
  });

  it('rolls by size, reads across segments with byte limits and always returns a whole batch', async () => {
    const one = batch(4, 0).length;
    const log = await openLog(dir, testConfig({ segmentBytes: one * 3 }));
    for (let i = 0; i < 10; i++) await log.append(batch(4, i), { leaderEpoch: 0 });
    expect(log.segmentCount).toBe(4);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.log')).sort();
    expect(files).toEqual([
      '00000000000000000000.log',
      '00000000000000000012.log',
      '00000000000000000024.log',
      '00000000000000000036.log',
    ]);
    // A limit below one batch still returns the batch holding the offset, whole.
    const small = await log.read(13, 1);
    expect(validateBatches(small.batches, { maxBatchBytes: 1 << 20 })).toHaveLength(1);
    expect(scanBatches(small.batches)[0]).toMatchObject({ baseOffset: 12, lastOffset: 15 });
    // Two batches fit, three do not.
    const two = await log.read(12, one * 2 + one - 1);
    expect(scanBatches(two.batches).map((b) => b.baseOffset)).toEqual([12, 16]);
    // maxOffset (a high watermark) bounds the batches returned.
    const bounded = await log.read(12, 1 << 20, { maxOffset: 16 });
    expect(scanBatches(bounded.batches).map((b) => b.baseOffset)).toEqual([12]);
    expect((await log.read(16, 1 << 20, { maxOffset: 16 })).batches.length).toBe(0);
    expect(await readAll(log)).toHaveLength(40);
    await log.close();
  });

  it('rolls by age and deletes by size and by time, never the active segment', async () => {
    const log = await openLog(dir, testConfig({ segmentMs: 1000 }));
    const t0 = 1_000_000;
    for (let i = 0; i < 4; i++)
      await log.append(batch(2, i, t0 + i * 10_000), { leaderEpoch: 0, nowMs: t0 + i * 2000 });
    expect(log.segmentCount).toBe(4);
    const segmentBytes = batch(2, 0, t0).length;
    log.updateConfig(testConfig({ segmentMs: 1000, retentionBytes: segmentBytes * 2 }));
    expect(await log.enforceRetention(t0)).toBe(2);
    expect(log.logStartOffset).toBe(4);
    await expect(log.read(0, 100)).rejects.toMatchObject({ reason: 'OFFSET_OUT_OF_RANGE' });
    log.updateConfig(testConfig({ segmentMs: 1000, retentionMs: 5_000 }));
    // Segment 2 holds timestamps up to t0+20001, segment 3 (active) newer still.
    expect(await log.enforceRetention(t0 + 20_001 + 5_000)).toBe(0);
    expect(await log.enforceRetention(t0 + 20_001 + 5_001)).toBe(1);
    expect(await log.enforceRetention(t0 + 10 ** 9)).toBe(0); // only the active one is left
    expect(log.segmentCount).toBe(1);
    expect(await readAll(log)).toEqual(['6:v3.0', '7:v3.1']);
    expect(await log.rollIfAged(t0 + 6000 + 999)).toBe(false);
    expect(await log.rollIfAged(t0 + 6000 + 1000)).toBe(true);
    expect(log.segmentCount).toBe(2);
    await log.close();
  });

  it('finds the first offset at or after a timestamp', async () => {
    const log = await openLog(dir, testConfig({ indexIntervalBytes: 0, segmentBytes: 600 }));
    for (let i = 0; i < 20; i++) await log.append(batch(3, i, 10_000 + i * 100), { leaderEpoch: 0 });
    expect(log.segmentCount).toBeGreaterThan(2);
    expect(await log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: 10_000 });
    expect(await log.offsetForTimestamp(10_101)).toEqual({ offset: 4, timestamp: 10_101 });
    expect(await log.offsetForTimestamp(10_150)).toEqual({ offset: 6, timestamp: 10_200 });
    expect(await log.offsetForTimestamp(11_902)).toEqual({ offset: 59, timestamp: 11_902 });
    expect(await log.offsetForTimestamp(11_903)).toBeNull();
    await log.close();
    const reopened = await openLog(dir, testConfig({ indexIntervalBytes: 0, segmentBytes: 600 }));
    expect(await reopened.offsetForTimestamp(10_150)).toEqual({ offset: 6, timestamp: 10_200 });
    await reopened.close();
  });

  it('reopens after a clean close with the same content, and rebuilds a corrupt index', async () => {
    const config = testConfig({ segmentBytes: 1000, indexIntervalBytes: 100 });
    const log = await openLog(dir, config);
    for (let i = 0; i < 12; i++) await log.append(batch(3, i), { leaderEpoch: 0 });
    const before = await readAll(log);
    await log.close();
    expect((await readdir(dir)).includes(CLEAN_SHUTDOWN_FILE)).toBe(true);
    // Corrupt a sealed segment's index: the loader must notice and rebuild it.
    await writeFile(join(dir, '00000000000000000000.index'), Buffer.from('00000005ffffff00', 'hex'));
    const reopened = await openLog(dir, config);
    expect((await readdir(dir)).includes(CLEAN_SHUTDOWN_FILE)).toBe(false);
    expect(reopened.logEndOffset).toBe(36);
    expect(await readAll(reopened)).toEqual(before);
    expect((await readFile(join(dir, '00000000000000000000.index'))).length % 8).toBe(0);
    expect((await reopened.append(batch(1, 'n'), { leaderEpoch: 0 })).baseOffset).toBe(36);
    await reopened.close();
  });

  it('truncates a torn tail after an unclean stop', async () => {
    const config = testConfig();
    const log = await openLog(dir, config);
    for (let i = 0; i < 5; i++) await log.append(batch(2, i), { leaderEpoch: 0 });
    await log.flush();
    // Simulate a crash: no close (no clean marker), and half of the last batch made it to disk.
    const path = join(dir, '00000000000000000000.log');
    const size = (await stat(path)).size;
    await truncate(path, size - 20);
    const reopened = await openLog(dir, config, new FileHandleCache(4));
    expect(reopened.logEndOffset).toBe(8);
    expect((await stat(path)).size).toBe(size - batch(2, 4).length);
    expect((await reopened.append(batch(1, 'n'), { leaderEpoch: 0 })).baseOffset).toBe(8);
    expect((await readAll(reopened)).slice(-2)).toEqual(['7:v3.1', '8:vn.0']);
    await reopened.close();
  });

  it('truncateTo removes a suffix, across segments', async () => {
    const log = await openLog(dir, testConfig({ segmentBytes: 300 }));
    for (let i = 0; i < 10; i++) await log.append(batch(3, i), { leaderEpoch: 0 });
    const segments = log.segmentCount;
    expect(segments).toBeGreaterThan(2);
    await log.truncateTo(7); // inside batch 6..8: that batch goes too
    expect(log.logEndOffset).toBe(6);
    expect(log.segmentCount).toBeLessThan(segments);
    expect((await log.append(batch(1, 'x'), { leaderEpoch: 1 })).baseOffset).toBe(6);
    expect((await readAll(log)).slice(-2)).toEqual(['5:v1.2', '6:vx.0']);
    await log.close();
    const reopened = await openLog(dir, testConfig({ segmentBytes: 300 }));
    expect(reopened.logEndOffset).toBe(7);
    await reopened.truncateTo(0);
    expect([reopened.logStartOffset, reopened.logEndOffset, reopened.segmentCount]).toEqual([0, 0, 1]);
    await reopened.delete();
    await expect(stat(dir)).rejects.toThrow();
  });

  it('validates its config', () => {
    expect(() => validateLogConfig(testConfig({ segmentBytes: 10 }))).toThrow(/segmentBytes/);
    expect(() => validateLogConfig(testConfig({ retentionMs: -2 }))).toThrow(/retentionMs/);
    expect(() => validateLogConfig(testConfig({ timestampType: 'Nope' as 'CreateTime' }))).toThrow(
      /timestampType/,
    );
    expect(() => validateLogConfig(testConfig())).not.toThrow();
  });

  it('survives a missing directory entry for the checkpoint', async () => {
    const log = await openLog(dir, testConfig());
    await log.append(batch(1, 0), { leaderEpoch: 0 });
    await log.flush();
    await rm(join(dir, 'recovery-point-offset-checkpoint'));
    const reopened = await openLog(dir, testConfig());
    expect(reopened.logEndOffset).toBe(1);
    await reopened.close();
  });
});

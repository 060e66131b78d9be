import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBatches, encodeRecordBatch, filterBatch, scanBatches } from '../../proto/codec/index.js';
import { openLog, tempDir, testConfig } from '../../test/helpers/storage.js';
import { FileHandleCache } from './file-handle-cache.js';
import { compactLog, readCleanerCheckpoint } from './log-cleaner.js';
import type { PartitionLog } from './partition-log.js';

async function readAll(log: PartitionLog) {
  const out: Array<{ offset: number; key: string | null; value: string | null }> = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { batches } = await log.read(offset, 1 << 20);
    for (const r of decodeBatches(batches)) {
      if (r.offset >= offset)
        out.push({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null });
    }
    const scanned = scanBatches(batches);
    offset = scanned[scanned.length - 1]!.lastOffset + 1;
  }
  return out;
}

const ops = fc.array(
  fc.record({
    key: fc.option(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { freq: 8 }),
    value: fc.option(fc.string({ minLength: 1, maxLength: 20 }), { freq: 6 }),
  }),
  { minLength: 1, maxLength: 120 },
);

describe('log compaction', () => {
  it('filterBatch keeps the header offsets, drops records, and leaves an empty batch when nothing is kept', () => {
    const batch = encodeRecordBatch(
      [
        { key: 'a', value: '1', timestamp: 10 },
        { key: 'b', value: '2', timestamp: 11 },
        { key: 'a', value: '3', timestamp: 12 },
      ],
      { baseOffset: 40, compression: 'gzip' },
    );
    const kept = filterBatch(batch, 0, (r) => r.offset !== 40);
    expect(decodeBatches(kept).map((r) => [r.offset, r.value?.toString()])).toEqual([
      [41, '2'],
      [42, '3'],
    ]);
    const none = filterBatch(batch, 0, () => false);
    const [h] = scanBatches(none, 0, { verifyCrc: true });
    expect([h!.baseOffset, h!.lastOffset, h!.recordCount]).toEqual([40, 42, 0]);
    expect(filterBatch(batch, 0, () => true)).toEqual(batch);
  });

  it('property: after compaction the latest value of every key survives, in order, offsets unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(ops, fc.integer({ min: 1, max: 8 }), async (writes, perBatch) => {
        const { dir, cleanup } = await tempDir();
        const files = new FileHandleCache(16);
        const log = await openLog(
          dir,
          testConfig({ segmentBytes: 400, cleanupPolicy: 'compact', deleteRetentionMs: 0 }),
          files,
        );
        try {
          for (let i = 0; i < writes.length; i += perBatch) {
            const slice = writes.slice(i, i + perBatch);
            await log.append(
              encodeRecordBatch(
                slice.map((w, j) => ({ key: w.key, value: w.value, timestamp: 1000 + i + j })),
              ),
              {
                leaderEpoch: 0,
              },
            );
          }
          const before = await readAll(log);
          await log.rollIfAged(Date.now() + 1e9); // everything written is in closed segments now
          const result = await compactLog(log, files, { maxKeys: 1000, ioBytesPerSecond: 0 }, 10_000_000);
          const after = await readAll(log);
          // Expected: for every key its last record, unless that is a tombstone (deleteRetentionMs 0);
          // keyless records all stay.
          const last = new Map<string, number>();
          for (const r of before) if (r.key !== null) last.set(r.key, r.offset);
          const expected = before.filter(
            (r) => r.key === null || (last.get(r.key) === r.offset && r.value !== null),
          );
          expect(after).toEqual(expected);
          expect(log.logEndOffset).toBe(writes.length);
          expect(result.cleanedTo).toBe(await readCleanerCheckpoint(dir));
        } finally {
          await log.close();
          await cleanup();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('reads during a compaction pass always see whole, CRC-valid batches of records that were written', async () => {
    const { dir, cleanup } = await tempDir();
    const files = new FileHandleCache(16);
    const log = await openLog(dir, testConfig({ segmentBytes: 2000, cleanupPolicy: 'compact' }), files);
    for (let i = 0; i < 400; i++) {
      await log.append(encodeRecordBatch([{ key: `k${i % 7}`, value: `v${i}`, timestamp: 1 }]), {
        leaderEpoch: 0,
      });
    }
    await log.rollIfAged(Date.now() + 1e9);
    const written = new Map((await readAll(log)).map((r) => [r.offset, r.value]));
    let reading = true;
    let reads = 0;
    const reader = (async () => {
      while (reading) {
        const seen = await readAll(log);
        for (let i = 1; i < seen.length; i++) expect(seen[i]!.offset).toBeGreaterThan(seen[i - 1]!.offset);
        for (const r of seen) expect(r.value).toBe(written.get(r.offset));
        reads++;
      }
    })();
    const result = await compactLog(log, files, { maxKeys: 1000, ioBytesPerSecond: 0 }, Date.now());
    reading = false;
    await reader;
    expect(result.segmentsRewritten).toBeGreaterThan(0);
    expect(reads).toBeGreaterThan(0);
    expect((await readAll(log)).length).toBeLessThan(written.size);
    await log.close();
    await cleanup();
  });

  it('a follower copies compacted segments as they are (fewer records, or none, in a batch)', async () => {
    const { dir, cleanup } = await tempDir();
    const files = new FileHandleCache(16);
    const leader = await openLog(
      `${dir}/leader`,
      testConfig({ segmentBytes: 300, cleanupPolicy: 'compact' }),
      files,
    );
    for (let i = 0; i < 40; i++) {
      await leader.append(encodeRecordBatch([{ key: `k${i % 2}`, value: `v${i}`, timestamp: 1 }]), {
        leaderEpoch: 3,
      });
    }
    await leader.rollIfAged(Date.now() + 1e9);
    await compactLog(leader, files, { maxKeys: 1000, ioBytesPerSecond: 0 }, Date.now());
    const follower = await openLog(`${dir}/follower`, testConfig(), new FileHandleCache(16));
    let offset = 0;
    while (offset < leader.logEndOffset) {
      const { batches } = await leader.read(offset, 1 << 20);
      await follower.appendReplicated(Buffer.from(batches));
      offset = follower.logEndOffset;
    }
    expect(follower.logEndOffset).toBe(40);
    expect(await readAll(follower)).toEqual(await readAll(leader));
    await leader.close();
    await follower.close();
    await cleanup();
  });

  it('keeps tombstones younger than delete.retention.ms, survives a reopen, and never touches the active segment', async () => {
    const { dir, cleanup } = await tempDir();
    const files = new FileHandleCache(16);
    const config = testConfig({ segmentBytes: 300, cleanupPolicy: 'compact', deleteRetentionMs: 60_000 });
    const log = await openLog(dir, config, files);
    const now = Date.now();
    for (let i = 0; i < 30; i++) {
      await log.append(
        encodeRecordBatch([{ key: `k${i % 3}`, value: i === 28 ? null : `v${i}`, timestamp: now }]),
        {
          leaderEpoch: 0,
        },
      );
    }
    const activeBase = log.closedSegments().length;
    await compactLog(log, files, { maxKeys: 1000, ioBytesPerSecond: 0 }, now + 1000);
    const after = await readAll(log);
    // k1's tombstone (offset 28) is recent: it stays; every closed-segment record of a key that has a
    // later record is gone; the active segment is as written.
    expect(after.find((r) => r.offset === 28)).toMatchObject({ key: 'k1', value: null });
    expect(after.filter((r) => r.key === 'k0' && r.offset < 27)).toEqual([]);
    expect(log.closedSegments().length).toBe(activeBase);
    await log.close();
    const reopened = await openLog(dir, config, new FileHandleCache(16));
    expect(await readAll(reopened)).toEqual(after);
    await reopened.close();
    await cleanup();
  });
});

import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeBatches, encodeRecordBatch, scanBatches, validateBatches } from '../../proto/codec/index.js';
import { openLog, tempDir, testConfig } from '../../test/helpers/storage.js';
import { FileHandleCache } from './file-handle-cache.js';
import type { PartitionLog } from './partition-log.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

async function everything(log: PartitionLog): Promise<Buffer[]> {
  const values: Buffer[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { batches } = await log.read(offset, 4096);
    // Never corrupt: every batch returned is complete and CRC-valid.
    validateBatches(Buffer.from(batches), { maxBatchBytes: 1 << 20 });
    const scanned = scanBatches(batches);
    expect(scanned[0]!.baseOffset).toBe(offset);
    for (const r of decodeBatches(batches)) values.push(r.value!);
    offset = scanned[scanned.length - 1]!.lastOffset + 1;
  }
  return values;
}

describe('crash recovery (property)', () => {
  it('recovers a CRC-valid, dense prefix of what was written after a cut or garbage at any byte', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.uint8Array({ minLength: 0, maxLength: 200 }), { minLength: 1, maxLength: 5 }), {
          minLength: 1,
          maxLength: 25,
        }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        async (batches, where, garbage, junk) => {
          const logDir = join(dir, `run-${run++}`);
          const config = testConfig({ segmentBytes: 1500, indexIntervalBytes: 100 });
          const files = new FileHandleCache(8);
          const log = await openLog(logDir, config, files);
          const written: Buffer[] = [];
          await Promise.all(
            batches.map((values) => {
              written.push(...values.map((v) => Buffer.from(v)));
              return log.append(encodeRecordBatch(values.map((v) => ({ value: Buffer.from(v) }))), {
                leaderEpoch: 0,
              });
            }),
          );
          expect(log.logEndOffset).toBe(written.length);
          // Crash: never closed (no clean-shutdown marker), and the active segment's tail is damaged.
          await log.flush();
          const logs = (await readdir(logDir)).filter((f) => f.endsWith('.log')).sort();
          const active = join(logDir, logs[logs.length - 1]!);
          const size = (await stat(active)).size;
          const cut = Math.floor(where * size);
          const bytes = await readFile(active);
          await writeFile(
            active,
            garbage ? Buffer.concat([bytes.subarray(0, cut), Buffer.from(junk)]) : bytes.subarray(0, cut),
          );

          const recovered = await openLog(logDir, config, new FileHandleCache(8));
          const values = await everything(recovered);
          expect(recovered.logStartOffset).toBe(0);
          expect(values.length).toBe(recovered.logEndOffset);
          expect(values).toEqual(written.slice(0, values.length));
          // Everything in sealed segments survives.
          const sealedRecords = logs.length > 1 ? Number(logs[logs.length - 1]!.slice(0, 20)) : 0;
          expect(values.length).toBeGreaterThanOrEqual(sealedRecords);
          // And the log accepts appends with the next dense offset.
          const next = await recovered.append(encodeRecordBatch([{ value: 'after' }]), { leaderEpoch: 1 });
          expect(next.baseOffset).toBe(values.length);
          await recovered.close();
          await files.closeAll();
        },
      ),
      { numRuns: 60 },
    );
  }, 30_000);

  it('deletes later segments when a middle one is corrupt past the recovery point', async () => {
    const config = testConfig({ segmentBytes: 300 });
    const log = await openLog(dir, config);
    for (let i = 0; i < 8; i++)
      await log.append(encodeRecordBatch([{ value: `v${i}`.repeat(20) }]), { leaderEpoch: 0 });
    expect(log.segmentCount).toBeGreaterThan(2);
    // Pretend nothing was ever checkpointed, then flip a byte in the second segment.
    await writeFile(join(dir, 'recovery-point-offset-checkpoint'), '0\n0\n');
    const second = (await readdir(dir)).filter((f) => f.endsWith('.log')).sort()[1]!;
    const bytes = await readFile(join(dir, second));
    bytes[bytes.length - 3]! ^= 0xff;
    await writeFile(join(dir, second), bytes);
    const recovered = await openLog(dir, config);
    const secondBase = Number(second.slice(0, 20));
    expect(recovered.logEndOffset).toBeGreaterThanOrEqual(secondBase);
    expect(recovered.segmentCount).toBe(2);
    expect((await everything(recovered)).length).toBe(recovered.logEndOffset);
    await recovered.close();
  });
});

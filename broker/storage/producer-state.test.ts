import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../proto/codec/index.js';
import { openLog, tempDir, testConfig } from '../../test/helpers/storage.js';
import { lastSequence, ProducerStateTable } from './producer-state.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

function idempotentBatch(producerId: number, epoch: number, baseSequence: number, count: number): Buffer {
  return encodeRecordBatch(
    Array.from({ length: count }, (_, i) => ({
      key: null,
      value: `p${producerId}e${epoch}s${baseSequence + i}`,
      timestamp: 1000 + i,
    })),
    { producerId, producerEpoch: epoch, baseSequence },
  );
}

describe('ProducerStateTable', () => {
  it('accepts the next sequence, spots duplicates of the last five batches, refuses gaps and fenced epochs', () => {
    const t = new ProducerStateTable();
    const id = (s: number, n: number, epoch = 0) => ({
      producerId: 9,
      producerEpoch: epoch,
      baseSequence: s,
      lastOffsetDelta: n - 1,
    });
    expect(t.check(id(0, 3))).toEqual({ kind: 'append', firstSeq: 0, lastSeq: 2 });
    t.apply(9, 0, { firstSeq: 0, lastSeq: 2, firstOffset: 10, lastOffset: 12, timestampMs: 1 });
    expect(t.check(id(0, 3))).toMatchObject({ kind: 'duplicate', batch: { firstOffset: 10 } });
    expect(() => t.check(id(5, 1))).toThrow(
      expect.objectContaining({ reason: 'OUT_OF_ORDER_SEQUENCE_NUMBER' }),
    );
    expect(t.check(id(3, 1))).toEqual({ kind: 'append', firstSeq: 3, lastSeq: 3 });
    // A new epoch starts at 0; after it, the old epoch is fenced.
    expect(() => t.check(id(4, 1, 1))).toThrow(
      expect.objectContaining({ reason: 'OUT_OF_ORDER_SEQUENCE_NUMBER' }),
    );
    t.apply(9, 1, { firstSeq: 0, lastSeq: 0, firstOffset: 20, lastOffset: 20, timestampMs: 2 });
    expect(() => t.check(id(3, 1, 0))).toThrow(expect.objectContaining({ reason: 'INVALID_PRODUCER_EPOCH' }));
    expect(() => t.check({ ...id(4, 1), producerId: 77 })).toThrow(
      expect.objectContaining({ reason: 'UNKNOWN_PRODUCER_ID' }),
    );
    expect(t.check({ producerId: -1, producerEpoch: -1, baseSequence: -1, lastOffsetDelta: 0 })).toEqual({
      kind: 'none',
    });
  });

  it('wraps sequences at 2^31-1 and bounds how many producers it keeps', () => {
    expect(lastSequence(0x7fffffff, 0)).toBe(0x7fffffff);
    expect(lastSequence(0x7ffffffe, 3)).toBe(1);
    const t = new ProducerStateTable(3, 1000);
    for (let p = 0; p < 5; p++)
      t.apply(p, 0, { firstSeq: 0, lastSeq: 0, firstOffset: p, lastOffset: p, timestampMs: 100 * p });
    expect(t.size).toBe(3);
    expect(t.get(0)).toBeUndefined();
    expect(t.expire(1250)).toBe(1); // producer 2 wrote at 200
  });

  it('property: retries of any batch, in any order, are never written twice', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        async (sizes, retries) => {
          const { dir: d, cleanup: c } = await tempDir();
          const log = await openLog(d, testConfig());
          const batches: Buffer[] = [];
          let seq = 0;
          for (const n of sizes) {
            batches.push(idempotentBatch(5, 0, seq, n));
            seq += n;
          }
          const offsets = new Map<number, number>();
          for (let i = 0; i < batches.length; i++) {
            const info = await log.append(Buffer.from(batches[i]!), { leaderEpoch: 0 });
            offsets.set(i, info.baseOffset);
            // Retry some of the last five batches: same offsets back, nothing written.
            for (const r of retries.slice(i * 2, i * 2 + 2)) {
              const j = Math.max(0, i - (r % 5));
              const again = await log.append(Buffer.from(batches[j]!), { leaderEpoch: 0 });
              expect(again.duplicate).toBe(true);
              expect(again.baseOffset).toBe(offsets.get(j));
            }
          }
          expect(log.logEndOffset).toBe(seq);
          await log.close();
          await c();
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('PartitionLog with idempotent producers', () => {
  it('keeps producer state across restarts (snapshot and scan) and after truncation', async () => {
    const log = await openLog(dir, testConfig());
    await log.append(idempotentBatch(3, 0, 0, 2), { leaderEpoch: 0 });
    await log.append(idempotentBatch(3, 0, 2, 2), { leaderEpoch: 0 });
    await log.close();
    const reopened = await openLog(dir, testConfig());
    expect((await reopened.append(idempotentBatch(3, 0, 2, 2), { leaderEpoch: 0 })).duplicate).toBe(true);
    await expect(reopened.append(idempotentBatch(3, 0, 9, 1), { leaderEpoch: 0 })).rejects.toMatchObject({
      reason: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
    });
    // Cut the second batch: the producer may send it again, and it is written again.
    await reopened.truncateTo(2);
    const again = await reopened.append(idempotentBatch(3, 0, 2, 2), { leaderEpoch: 0 });
    expect([again.duplicate, again.baseOffset]).toEqual([undefined, 2]);
    await reopened.close();
  });

  it('answers a retry of a batch still being written with the original offsets, and checks several batches of one request in order', async () => {
    const log = await openLog(dir, testConfig());
    const first = log.append(idempotentBatch(4, 0, 0, 3), { leaderEpoch: 0 });
    const retry = log.append(idempotentBatch(4, 0, 0, 3), { leaderEpoch: 0 });
    const [a, b] = await Promise.all([first, retry]);
    expect(b).toMatchObject({ duplicate: true, baseOffset: a.baseOffset, lastOffset: a.lastOffset });
    const two = Buffer.concat([idempotentBatch(4, 0, 3, 1), idempotentBatch(4, 0, 4, 2)]);
    expect((await log.append(two, { leaderEpoch: 0 })).lastOffset).toBe(5);
    const gap = Buffer.concat([idempotentBatch(4, 0, 6, 1), idempotentBatch(4, 0, 9, 1)]);
    await expect(log.append(gap, { leaderEpoch: 0 })).rejects.toMatchObject({
      reason: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
    });
    expect(log.logEndOffset).toBe(6); // nothing of the refused request was written
    await log.close();
  });
});

import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBatchHeader, scanBatches } from '../../proto/codec/index.js';
import { batch, openLog, tempDir, testConfig } from '../../test/helpers/storage.js';
import { LEADER_EPOCH_FILE, LeaderEpochCache } from './leader-epoch-cache.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

const none = async () => [];

describe('LeaderEpochCache', () => {
  it('answers where an epoch ends, as a leader answers a returning follower', async () => {
    const c = await LeaderEpochCache.open(dir, 100, none);
    c.assign(1, 0);
    c.assign(3, 40);
    c.assign(4, 70);
    c.assign(2, 80); // older epoch: ignored
    expect(c.all()).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 40 },
      { epoch: 4, startOffset: 70 },
    ]);
    expect(c.endOffsetFor(1, 100)).toEqual({ epoch: 1, endOffset: 40 });
    expect(c.endOffsetFor(2, 100)).toEqual({ epoch: 1, endOffset: 40 }); // largest epoch <= 2 is 1
    expect(c.endOffsetFor(4, 100)).toEqual({ epoch: 4, endOffset: 100 });
    expect(c.endOffsetFor(9, 100)).toEqual({ epoch: 4, endOffset: 100 });
    expect(c.endOffsetFor(0, 100)).toEqual({ epoch: -1, endOffset: -1 });
  });

  it('persists, cuts entries past a truncation and before a new log start', async () => {
    const c = await LeaderEpochCache.open(dir, 0, none);
    c.assign(1, 0);
    c.assign(2, 10);
    c.assign(5, 20);
    c.truncateFromEnd(15);
    expect(c.all()).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 2, startOffset: 10 },
    ]);
    c.truncateFromStart(12);
    expect(c.all()).toEqual([{ epoch: 2, startOffset: 12 }]);
    const reopened = await LeaderEpochCache.open(dir, 50, none);
    expect(reopened.all()).toEqual([{ epoch: 2, startOffset: 12 }]);
    // Entries at or past the recovered log end (written before a crash lost the batches) are dropped.
    const cut = await LeaderEpochCache.open(dir, 12, none);
    expect(cut.all()).toEqual([]);
  });

  it('rebuilds from the log when the checkpoint is missing or damaged', async () => {
    const log = await openLog(dir, testConfig());
    await log.append(batch(3, 'a'), { leaderEpoch: 1 });
    await log.append(batch(2, 'b'), { leaderEpoch: 1 });
    await log.append(batch(4, 'c'), { leaderEpoch: 3 });
    await log.close();
    expect(await readFile(join(dir, LEADER_EPOCH_FILE), 'utf8')).toBe('0\n2\n1 0\n3 5\n');
    await writeFile(join(dir, LEADER_EPOCH_FILE), '0\n7\ngarbage');
    const damaged = await openLog(dir, testConfig());
    expect(damaged.epochs.all()).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 5 },
    ]);
    await damaged.close();
    await rm(join(dir, LEADER_EPOCH_FILE));
    const missing = await openLog(dir, testConfig());
    expect(missing.epochs.all()).toEqual(damaged.epochs.all());
    await missing.close();
  });
});

describe('PartitionLog replication', () => {
  it('appends a leader’s batches as they are, learning their epochs, and refuses gaps and older epochs', async () => {
    const leader = await openLog(join(dir, 'leader'), testConfig());
    await leader.append(batch(3, 'a'), { leaderEpoch: 2 });
    await leader.append(batch(2, 'b'), { leaderEpoch: 5 });
    const { batches } = await leader.read(0, 1 << 20);
    const follower = await openLog(join(dir, 'follower'), testConfig());
    const info = await follower.appendReplicated(Buffer.from(batches));
    expect([info.baseOffset, info.lastOffset, follower.logEndOffset]).toEqual([0, 4, 5]);
    expect(follower.epochs.all()).toEqual(leader.epochs.all());
    const copied = (await follower.read(0, 1 << 20)).batches;
    expect(Buffer.compare(copied, batches)).toBe(0);
    // A batch that does not continue the log exactly is refused, and the log is unchanged.
    await expect(follower.appendReplicated(Buffer.from(batches))).rejects.toMatchObject({
      reason: 'CORRUPT_BATCH',
    });
    const later = scanBatches(batches)[1]!;
    const older = Buffer.from(batches.subarray(later.position, later.position + later.sizeBytes));
    older.writeBigInt64BE(5n, 0);
    older.writeInt32BE(1, 12);
    await expect(follower.appendReplicated(older)).rejects.toMatchObject({ reason: 'CORRUPT_BATCH' });
    expect(follower.logEndOffset).toBe(5);
    expect(readBatchHeader(older).partitionLeaderEpoch).toBe(1);
    await leader.close();
    await follower.close();
  });

  it('a truncation at the log end still forgets an epoch that starts there with no batch in it', async () => {
    const log = await openLog(dir, testConfig());
    await log.append(batch(3, 'a'), { leaderEpoch: 1 });
    log.epochs.assign(2, 3); // became leader in epoch 2, wrote nothing
    await log.truncateTo(3);
    expect(log.epochs.all()).toEqual([{ epoch: 1, startOffset: 0 }]);
    await log.close();
  });

  it('truncates a divergent suffix with its epochs, and restarts at a later offset', async () => {
    const log = await openLog(dir, testConfig());
    await log.append(batch(3, 'a'), { leaderEpoch: 1 });
    await log.append(batch(3, 'b'), { leaderEpoch: 2 });
    await log.truncateTo(3);
    expect(log.logEndOffset).toBe(3);
    expect(log.epochs.all()).toEqual([{ epoch: 1, startOffset: 0 }]);
    await log.restartAt(100);
    expect([log.logStartOffset, log.logEndOffset, log.epochs.all().length]).toEqual([100, 100, 0]);
    const info = await log.append(batch(1, 'c'), { leaderEpoch: 3 });
    expect(info.baseOffset).toBe(100);
    await log.close();
    const reopened = await openLog(dir, testConfig());
    expect([reopened.logStartOffset, reopened.logEndOffset]).toEqual([100, 101]);
    expect(reopened.epochs.all()).toEqual([{ epoch: 3, startOffset: 100 }]);
    await reopened.close();
  });
});

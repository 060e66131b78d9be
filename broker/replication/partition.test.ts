import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batch, openLog, tempDir, testConfig } from '../../test/helpers/storage.js';
import { Partition, type PartitionState } from './partition.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

const state = (over: Partial<PartitionState> = {}): PartitionState => ({
  leader: 1,
  leaderEpoch: 4,
  partitionEpoch: 0,
  replicas: [1, 2, 3],
  isr: [1, 2, 3],
  ...over,
});

describe('Partition (leader)', () => {
  it('moves the high watermark to the smallest log end of the ISR, and acks=all waits for it', async () => {
    const log = await openLog(dir, testConfig());
    const p = new Partition('t', 0, log, 1, state(), 0);
    p.becomeLeader(state());
    const info = await p.append(batch(5, 'a'), { minIsr: 2 });
    expect(info.lastOffset).toBe(4);
    expect(p.highWatermark).toBe(0); // nobody fetched yet in this epoch
    const acked = p.waitForReplication(info.lastOffset, 2, 5000);
    p.recordFollowerFetch(2, 5);
    expect(p.highWatermark).toBe(0); // broker 3 is in the ISR and has not fetched
    p.recordFollowerFetch(3, 3);
    expect(p.highWatermark).toBe(3);
    p.recordFollowerFetch(3, 5);
    expect(p.highWatermark).toBe(5);
    await acked;
    // Between the high watermark and the log end a read is empty, not an error (a new leader's high
    // watermark may trail for a moment); past the log end it is out of range.
    const more = await p.append(batch(2, 'b'));
    expect((await p.read(more.baseOffset, 1 << 20)).batches.length).toBe(0);
    await expect(p.read(more.lastOffset + 2, 1 << 20)).rejects.toMatchObject({
      reason: 'OFFSET_OUT_OF_RANGE',
    });
    // The epoch was recorded where leadership began.
    expect(log.epochs.all()).toEqual([{ epoch: 4, startOffset: 0 }]);
    await log.close();
  });

  it('refuses acks=all below min.insync.replicas, times out, and fails waiters when leadership moves', async () => {
    const log = await openLog(dir, testConfig());
    const p = new Partition('t', 0, log, 1, state(), 0);
    p.becomeLeader(state({ isr: [1] }));
    expect(() => p.append(batch(1, 'x'), { minIsr: 2 })).toThrow(
      expect.objectContaining({ reason: 'NOT_ENOUGH_REPLICAS' }),
    );
    p.becomeLeader(state({ isr: [1, 2], partitionEpoch: 1 }));
    const info = await p.append(batch(1, 'x'), { minIsr: 2 });
    await expect(p.waitForReplication(info.lastOffset, 2, 30)).rejects.toMatchObject({
      reason: 'REQUEST_TIMED_OUT',
    });
    const waiting = p.waitForReplication(info.lastOffset, 2, 5000);
    p.becomeFollower(state({ leader: 2, leaderEpoch: 5 }));
    // Written, then leadership moved: the outcome is unknown, not a definite NOT_LEADER (issue 12).
    await expect(waiting).rejects.toMatchObject({ reason: 'OUTCOME_UNKNOWN', retriable: true });
    expect(() => p.append(batch(1, 'y'))).toThrow(expect.objectContaining({ reason: 'NOT_LEADER' }));
    await log.close();
  });

  it('answers OUTCOME_UNKNOWN to every acks=all request written and then not replicated', async () => {
    const log = await openLog(dir, testConfig());
    const p = new Partition('t', 0, log, 1, state(), 0);
    const waitingAfter = async (loseIt: () => void) => {
      const info = await p.append(batch(1, 'x'), { minIsr: 2 });
      const waiting = p.waitForReplication(info.lastOffset, 2, 5000);
      loseIt();
      await expect(waiting).rejects.toMatchObject({ reason: 'OUTCOME_UNKNOWN' });
    };
    p.becomeLeader(state({ isr: [1, 2] }));
    // The DCS session lapsed and its ISR stopped confirming it: fail-safe mode steps it down, leaderless.
    await waitingAfter(() => p.becomeFollower({ ...p.state, leader: -1 }));
    // The broker stops (shutdown) while waiting.
    p.becomeLeader(state({ isr: [1, 2], leaderEpoch: 5 }));
    await waitingAfter(() => p.goOffline());
    // Re-elected under a new epoch: the records of the old epoch may be truncated by nobody, or may not.
    p.becomeLeader(state({ isr: [1, 2], leaderEpoch: 6 }));
    await waitingAfter(() => p.becomeLeader(state({ isr: [1, 2], leaderEpoch: 7 })));
    await log.close();
  });

  it('names followers that lag in time, and asks to add a follower that caught up', async () => {
    const log = await openLog(dir, testConfig());
    const p = new Partition('t', 0, log, 1, state(), 0);
    p.becomeLeader(state({ isr: [1, 2] }), 1000);
    await p.append(batch(3, 'a'));
    expect(p.recordFollowerFetch(2, 3, 1100)).toBe(false); // already in the ISR
    expect(p.laggingReplicas({ lagTimeMaxMs: 500, lagMaxBytes: 1 << 30 }, 1400)).toEqual([]);
    expect(p.laggingReplicas({ lagTimeMaxMs: 500, lagMaxBytes: 1 << 30 }, 1700)).toEqual([2]);
    // Broker 3 is not in the ISR: behind the high watermark it is not eligible, at the log end it is.
    expect(p.recordFollowerFetch(3, 1, 1800)).toBe(false);
    expect(p.recordFollowerFetch(3, 3, 1900)).toBe(true);
    await log.close();
  });
});

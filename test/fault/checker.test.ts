/**
 * The fault suite's checker must catch what it claims to catch: each check is fed a history with one
 * planted violation (a lost, misplaced, duplicated or reordered record, two leaders in one epoch,
 * replicas that differ) and must name it, and must stay silent on a clean history.
 */
import { describe, expect, it } from 'vitest';
import { encodeRecordBatch, readBatchHeader } from '../../proto/codec/index.js';
import {
  checkEpochLeaders,
  checkRecords,
  checkReplicas,
  type DiskBatch,
  type ReadRecord,
  Violations,
} from '../helpers/fault-checker.js';
import type { AckedRecord } from '../helpers/fault-workload.js';

function ack(
  id: string,
  partition: number,
  offset: number,
  epoch?: { epoch: number; leader: number },
): AckedRecord {
  const dash = id.lastIndexOf('-');
  return {
    id,
    producer: id.slice(0, dash),
    seq: Number(id.slice(dash + 1)),
    partition,
    offset,
    ackedAtMs: 0,
    ...(epoch === undefined ? {} : { leaderEpoch: epoch.epoch, leaderId: epoch.leader }),
  };
}

const read = (...ids: string[]): ReadRecord[] => ids.map((id, offset) => ({ offset, id }));

/** A batch of `ids` at `baseOffset`, stamped with leader epoch `epoch`. */
function batch(baseOffset: number, epoch: number, ids: string[]): DiskBatch {
  const bytes = encodeRecordBatch(
    ids.map((value) => ({ value })),
    { baseOffset, partitionLeaderEpoch: epoch, nowMs: 1_700_000_000_000 },
  );
  const h = readBatchHeader(bytes);
  return { baseOffset, lastOffset: baseOffset + h.lastOffsetDelta, epoch, bytes };
}

describe('fault checker', () => {
  it('passes a clean history', () => {
    const v = new Violations();
    const acked = [ack('a-0', 0, 0), ack('a-1', 0, 1), ack('b-0', 1, 0)];
    const figures = checkRecords(
      acked,
      new Map([
        [0, read('a-0', 'a-1', 'a-2')],
        [1, read('b-0')],
      ]),
      v,
    );
    expect(v.list).toEqual([]);
    expect(figures).toEqual({
      read: 4,
      lost: 0,
      duplicated: 0,
      misplaced: 0,
      reordered: 0,
      unackedPresent: 1,
    });
  });

  it('names a lost, a misplaced and a duplicated record', () => {
    const v = new Violations();
    const acked = [ack('a-0', 0, 0), ack('a-1', 0, 1), ack('a-2', 0, 2), ack('b-0', 1, 0)];
    const figures = checkRecords(
      acked,
      new Map([
        [0, read('a-0', 'x-0', 'a-1')],
        [1, read('b-0', 'b-0')],
      ]),
      v,
    );
    expect(figures).toMatchObject({ lost: 1, misplaced: 1, duplicated: 1, reordered: 0 });
    expect(v.list).toEqual([
      'misplaced: a-1 acknowledged at 0@1, found at 0@2',
      'lost: a-2 acknowledged at 0@2 is not in the log',
      'duplicated: b-0 appears 2 times: 1@0, 1@1',
    ]);
  });

  it('names acknowledged records of one producer and partition out of send order', () => {
    const v = new Violations();
    const acked = [ack('a-0', 0, 0), ack('a-1', 0, 1), ack('a-2', 0, 3), ack('a-3', 0, 2)];
    const figures = checkRecords(acked, new Map([[0, read('a-0', 'a-1', 'a-3', 'a-2')]]), v);
    expect(figures).toMatchObject({ lost: 0, misplaced: 0, duplicated: 0, reordered: 1 });
    expect(v.list).toEqual(['reordered: a/0: a-3 at offset 2 is not after a-2 at 3']);
  });

  it('names a record nobody sent', () => {
    const v = new Violations();
    checkRecords([], new Map([[0, read('garbage')]]), v);
    expect(v.list).toEqual(['foreign: a record with value garbage was never sent']);
  });

  it('names two brokers that acknowledged in the same epoch of a partition', () => {
    const v = new Violations();
    const acked = [
      ack('r-0', 0, 0, { epoch: 0, leader: 0 }),
      ack('r-1', 0, 1, { epoch: 1, leader: 1 }),
      ack('r-2', 0, 2, { epoch: 1, leader: 2 }),
      ack('s-0', 1, 0, { epoch: 1, leader: 2 }),
    ];
    expect(checkEpochLeaders(acked, 1, v).conflicts).toBe(0);
    const p0 = checkEpochLeaders(acked, 0, v);
    expect(p0.conflicts).toBe(1);
    expect(v.list).toEqual(['epoch: partition 0 epoch 1 was acknowledged by brokers 1 and 2']);
  });

  it('passes identical replicas and names a replica whose bytes differ, even only in the leader epoch', () => {
    const leaderLog = [batch(0, 0, ['a-0', 'a-1']), batch(2, 1, ['a-2'])];
    const same = leaderLog.map((b) => ({ ...b, bytes: Buffer.from(b.bytes) }));
    const acked = [ack('a-0', 0, 0, { epoch: 0, leader: 0 }), ack('a-2', 0, 2, { epoch: 1, leader: 1 })];
    const consumed = read('a-0', 'a-1', 'a-2');
    const clean = new Violations();
    expect(
      checkReplicas(
        0,
        0,
        3,
        new Map([
          [0, leaderLog],
          [1, same],
        ]),
        acked,
        consumed,
        clean,
      ),
    ).toBe(0);
    expect(clean.list).toEqual([]);

    const otherEpoch = [leaderLog[0]!, batch(2, 2, ['a-2'])];
    const v = new Violations();
    expect(
      checkReplicas(
        0,
        0,
        3,
        new Map([
          [0, leaderLog],
          [1, same],
          [2, otherEpoch],
        ]),
        acked,
        consumed,
        v,
      ),
    ).toBe(1);
    expect(v.list).toEqual([
      'replicas differ: partition 0 batch 1: leader 0 has 2..2 epoch 1, broker 2 has 2..2 epoch 2',
    ]);
  });

  it('names a short replica, a gap, an acknowledgement in the wrong epoch and a consumer that read otherwise', () => {
    const leaderLog = [batch(0, 0, ['a-0']), batch(2, 0, ['a-2'])];
    const v = new Violations();
    checkReplicas(
      0,
      0,
      3,
      new Map([
        [0, leaderLog],
        [1, [leaderLog[0]!]],
      ]),
      [ack('a-2', 0, 2, { epoch: 3, leader: 0 })],
      read('a-0', 'x-1'),
      v,
    );
    const text = v.list.join('\n');
    expect(text).toMatch(/dense: leader 0 partition 0: batch at 2, expected 1/);
    expect(text).toMatch(
      /replicas differ: partition 0 batch 1: leader 0 has 2..2 epoch 0, broker 1 has nothing/,
    );
    expect(text).toMatch(/epoch: a-2 acknowledged by broker 0 in epoch 3 sits in a batch of epoch 0/);
    expect(text).toMatch(/read: partition 0: file has a-2@2, consumer read x-1@1/);
  });
});

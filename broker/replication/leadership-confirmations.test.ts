import { describe, expect, it } from 'vitest';
import { LeadershipConfirmations, leadershipAnswer, type ReplicaView } from './leadership-confirmations.js';

const WINDOW_MS = 400;
const KEY = 't\u00000';

describe('LeadershipConfirmations', () => {
  it('counts a confirmation from its send time for one window, and the earliest required one wins', () => {
    const book = new LeadershipConfirmations(WINDOW_MS);
    expect(book.confirmedUntil(KEY, 3, [2, 3])).toBe(Number.NEGATIVE_INFINITY); // nobody confirmed yet
    book.confirmed(KEY, 3, 2, 1000);
    expect(book.confirmedUntil(KEY, 3, [2, 3])).toBe(Number.NEGATIVE_INFINITY); // 3 still missing
    book.confirmed(KEY, 3, 3, 1100);
    expect(book.confirmedUntil(KEY, 3, [2, 3])).toBe(1000 + WINDOW_MS);
    book.confirmed(KEY, 3, 2, 1200);
    expect(book.confirmedUntil(KEY, 3, [2, 3])).toBe(1100 + WINDOW_MS);
    // A late answer to an older question never moves a confirmation back.
    book.confirmed(KEY, 3, 2, 900);
    expect(book.confirmedUntil(KEY, 3, [2, 3])).toBe(1100 + WINDOW_MS);
    expect(book.missing(KEY, 3, [2, 3], 1100 + WINDOW_MS)).toEqual([3]);
    expect(book.missing(KEY, 3, [2, 3], 1100 + WINDOW_MS - 1)).toEqual([]);
    expect(book.stopReason(KEY, 3, [2, 3])).toBeUndefined();
  });

  it('needs no confirmation when the leader is the whole ISR', () => {
    const book = new LeadershipConfirmations(WINDOW_MS);
    expect(book.confirmedUntil(KEY, 3, [])).toBe(Number.POSITIVE_INFINITY);
  });

  it('counts confirmations per leader epoch: one for another epoch confirms nothing', () => {
    const book = new LeadershipConfirmations(WINDOW_MS);
    book.confirmed(KEY, 3, 2, 1000);
    expect(book.confirmedUntil(KEY, 4, [2])).toBe(Number.NEGATIVE_INFINITY);
    book.confirmed(KEY, 4, 2, 1000); // the partition is led at epoch 4 now: epoch 3's answers are gone
    expect(book.confirmedUntil(KEY, 3, [2])).toBe(Number.NEGATIVE_INFINITY);
    expect(book.confirmedUntil(KEY, 4, [2])).toBe(1000 + WINDOW_MS);
  });

  it('stops on a required replica refusal until it confirms again', () => {
    const book = new LeadershipConfirmations(WINDOW_MS);
    book.confirmed(KEY, 3, 2, 1000);
    book.confirmed(KEY, 3, 3, 1000);
    book.refused(KEY, 3, 3, 'UNKNOWN_LEADER_EPOCH: not seen', false);
    expect(book.confirmedUntil(KEY, 3, [2, 3])).toBe(Number.NEGATIVE_INFINITY);
    expect(book.stopReason(KEY, 3, [2, 3])).toContain('broker 3 refused: UNKNOWN_LEADER_EPOCH');
    // The same refusal from a replica outside the ISR (not required) is no reason to stop.
    expect(book.stopReason(KEY, 3, [2])).toBeUndefined();
    book.confirmed(KEY, 3, 3, 1200);
    expect(book.stopReason(KEY, 3, [2, 3])).toBeUndefined();
    expect(book.confirmedUntil(KEY, 3, [2, 3])).toBe(1000 + WINDOW_MS);
  });

  it('stops for good on a refusal from a replica that has seen a newer leader epoch, in the ISR or not', () => {
    const book = new LeadershipConfirmations(WINDOW_MS);
    book.confirmed(KEY, 3, 2, 1000);
    book.refused(KEY, 3, 4, 'FENCED_LEADER_EPOCH: saw 4', true); // broker 4: a replica outside the ISR
    expect(book.stopReason(KEY, 3, [2])).toContain('broker 4 refused: FENCED_LEADER_EPOCH');
    expect(book.confirmedUntil(KEY, 3, [2])).toBe(Number.NEGATIVE_INFINITY);
    book.confirmed(KEY, 3, 4, 1100); // a confirmation after it does not undo it
    expect(book.stopReason(KEY, 3, [2])).toContain('FENCED_LEADER_EPOCH');
  });

  it('forgets partitions no longer led, and everything on clear', () => {
    const book = new LeadershipConfirmations(WINDOW_MS);
    book.confirmed(KEY, 3, 2, 1000);
    book.confirmed('t\u00001', 3, 2, 1000);
    book.retain(new Set(['t\u00001']));
    expect(book.confirmedUntil(KEY, 3, [2])).toBe(Number.NEGATIVE_INFINITY);
    expect(book.confirmedUntil('t\u00001', 3, [2])).toBe(1000 + WINDOW_MS);
    book.clear();
    expect(book.confirmedUntil('t\u00001', 3, [2])).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('leadershipAnswer (a replica asked by leader 1 at leader epoch 3)', () => {
  const cases: Array<{ name: string; view: ReplicaView; reason: string | null }> = [
    {
      name: 'follows 1 at epoch 3: yes',
      view: { role: 'follower', leader: 1, leaderEpoch: 3 },
      reason: null,
    },
    {
      name: 'has seen epoch 4 (another leader): fenced',
      view: { role: 'follower', leader: 2, leaderEpoch: 4 },
      reason: 'FENCED_LEADER_EPOCH',
    },
    {
      name: 'has seen epoch 4 naming 1 again: fenced all the same',
      view: { role: 'follower', leader: 1, leaderEpoch: 4 },
      reason: 'FENCED_LEADER_EPOCH',
    },
    {
      name: 'leads it itself: fenced',
      view: { role: 'leader', leader: 2, leaderEpoch: 3 },
      reason: 'FENCED_LEADER_EPOCH',
    },
    {
      name: 'has not seen epoch 3 yet',
      view: { role: 'follower', leader: 1, leaderEpoch: 2 },
      reason: 'UNKNOWN_LEADER_EPOCH',
    },
    {
      name: 'still leads it at epoch 2 (a zombie): it has not seen epoch 3 yet',
      view: { role: 'leader', leader: 2, leaderEpoch: 2 },
      reason: 'UNKNOWN_LEADER_EPOCH',
    },
    {
      name: 'knows no leader at epoch 3',
      view: { role: 'offline', leader: -1, leaderEpoch: 3 },
      reason: 'NOT_LEADER',
    },
    {
      name: 'names 1 but does not follow (replica going away)',
      view: { role: 'offline', leader: 1, leaderEpoch: 3 },
      reason: 'NOT_LEADER',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(leadershipAnswer(c.view, 1, 3)?.reason ?? null).toBe(c.reason);
    });
  }
});

import { describe, expect, it } from 'vitest';
import { restartSafety } from './restart-safety.js';
import type { TopicRecord } from './topic-registry.js';

function topic(name: string, rf: number, minIsr: number | undefined, isrs: number[][]): TopicRecord {
  return {
    id: name,
    name,
    replicationFactor: rf,
    configs: minIsr === undefined ? {} : { 'min.insync.replicas': String(minIsr) },
    createdAtMs: 0,
    partitions: isrs.map((isr, i) => ({
      replicas: rf === 1 ? [i % 3] : [0, 1, 2].slice(0, rf),
      leader: isr[0] ?? -1,
      leaderEpoch: 1,
      leaderBrokerEpoch: 1,
      isr,
    })) as TopicRecord['partitions'],
  };
}

describe('restartSafety', () => {
  it('is safe when every partition keeps min ISR without the broker, and caught up when in every ISR', () => {
    const r = restartSafety(
      [
        topic('a', 3, 2, [
          [0, 1, 2],
          [1, 2, 0],
        ]),
      ],
      0,
    );
    expect(r).toMatchObject({ partitions: 2, unsafe: [], neverSafe: [], lagging: [] });
  });

  it('names the partitions a restart would drop below min ISR, and those it is not in the ISR of', () => {
    const r = restartSafety(
      [
        topic('a', 3, 2, [
          [0, 1],
          [1, 2],
          [0, 1, 2],
        ]),
      ],
      0,
    );
    expect(r.unsafe.map((p) => p.partition)).toEqual([0]);
    expect(r.unsafe[0]).toMatchObject({
      topic: 'a',
      isr: [0, 1],
      replicationFactor: 3,
      minInsyncReplicas: 2,
    });
    // Broker 1 is unsafe for partition 1 (ISR [1, 2] minus 1 leaves 1 < 2) but not for the others.
    expect(
      restartSafety(
        [
          topic('a', 3, 2, [
            [0, 1],
            [1, 2],
            [0, 1, 2],
          ]),
        ],
        1,
      ).unsafe,
    ).toHaveLength(2);
    // Broker 2 is not in partition 0's ISR: lagging, and its restart leaves [0, 1] there: safe; but not
    // for partition 1 ([1, 2] without 2 leaves 1 < 2).
    const two = restartSafety(
      [
        topic('a', 3, 2, [
          [0, 1],
          [1, 2],
          [0, 1, 2],
        ]),
      ],
      2,
    );
    expect(two.lagging.map((p) => p.partition)).toEqual([0]);
    expect(two.unsafe.map((p) => p.partition)).toEqual([1]);
  });

  it('reports partitions with RF <= min ISR as never safe, without blocking', () => {
    const r = restartSafety([topic('one', 1, undefined, [[0], [1]]), topic('tight', 3, 3, [[0, 1, 2]])], 0);
    expect(r.neverSafe.map((p) => `${p.topic}/${p.partition}`)).toEqual(['one/0', 'tight/0']);
    expect(r.unsafe).toEqual([]);
    expect(r.partitions).toBe(2);
  });

  it('ignores partitions the broker does not replicate and topics being deleted', () => {
    const gone = { ...topic('gone', 3, 2, [[0]]), deleting: true };
    expect(restartSafety([gone, topic('one', 1, undefined, [[0], [1]])], 2)).toMatchObject({
      partitions: 0,
      unsafe: [],
      neverSafe: [],
    });
  });
});

import { describe, expect, it } from 'vitest';
import { thrownReason } from '../../test/helpers/thrown-reason.js';
import { ConsumerGroup, type TopicLookup } from './consumer-group.js';
import type { HeartbeatRequest } from './heartbeat.js';

const settings = { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1000, maxSize: 3 };
let partitions = 4;
const lookupOf = (describe: TopicLookup['describe']): TopicLookup => ({
  partitionCount: (topic) => describe(topic)?.partitionRacks.length,
  describe,
});
const lookup = lookupOf((name) =>
  name === 't' ? { name, partitionRacks: Array.from({ length: partitions }, () => []) } : undefined,
);

function hb(
  memberId: string,
  memberEpoch: number,
  owned: number[] = [],
  extra: Partial<HeartbeatRequest> = {},
) {
  return {
    memberId,
    memberEpoch,
    instanceId: '',
    rack: '',
    subscribedTopics: ['t'],
    owned: new Map(owned.length > 0 ? [['t', owned]] : []),
    rebalanceTimeoutMs: 5000,
    ...extra,
  } satisfies HeartbeatRequest;
}

const parts = (r: { assignment: Map<string, number[]> }) => r.assignment.get('t') ?? [];

describe('ConsumerGroup', () => {
  it('revokes before it assigns: a partition is never owned by two members', () => {
    partitions = 4;
    const g = new ConsumerGroup('g', 0, settings);
    const a1 = g.heartbeat(hb('a', 0), 0, lookup);
    expect(a1.memberEpoch).toBe(1);
    expect(parts(a1)).toEqual([0, 1, 2, 3]);

    // b joins: it gets nothing yet, because a still owns everything.
    const b1 = g.heartbeat(hb('b', 0), 1, lookup);
    expect(b1.memberEpoch).toBe(2);
    expect(parts(b1)).toEqual([]);
    // a is told to keep two and revoke two; its epoch stays until it confirms.
    const a2 = g.heartbeat(hb('a', 1, [0, 1, 2, 3]), 2, lookup);
    expect(a2.memberEpoch).toBe(1);
    expect(parts(a2)).toEqual([0, 1]);
    expect(g.describe().state).toBe('reconciling');
    // b still gets nothing while a has not confirmed; a may still commit what it is revoking.
    expect(parts(g.heartbeat(hb('b', 2), 3, lookup))).toEqual([]);
    g.validateCommit('a', 1, [{ topic: 't', partition: 3 }]);
    // a confirms: it reaches epoch 2; then b receives the released partitions.
    const a3 = g.heartbeat(hb('a', 1, [0, 1]), 4, lookup);
    expect(a3.memberEpoch).toBe(2);
    expect(parts(g.heartbeat(hb('b', 2), 5, lookup))).toEqual([2, 3]);
    expect(g.describe().state).toBe('stable');
    // a can no longer commit a partition it gave away.
    expect(thrownReason(() => g.validateCommit('a', 2, [{ topic: 't', partition: 3 }]))).toBe(
      'STALE_MEMBER_EPOCH',
    );
    g.validateCommit('b', 2, [{ topic: 't', partition: 3 }]);
  });

  it('fences old epochs and unknown members, and refuses admin commits while members are active', () => {
    partitions = 2;
    const g = new ConsumerGroup('g', 0, settings);
    g.heartbeat(hb('a', 0), 0, lookup);
    g.heartbeat(hb('b', 0), 0, lookup);
    g.heartbeat(hb('a', 1, [0, 1]), 0, lookup);
    g.heartbeat(hb('a', 1, [0]), 0, lookup); // a is at epoch 2 now
    expect(thrownReason(() => g.heartbeat(hb('a', 0 + 7, [0]), 0, lookup))).toBe('FENCED_MEMBER_EPOCH');
    expect(thrownReason(() => g.heartbeat(hb('zombie', 3), 0, lookup))).toBe('UNKNOWN_MEMBER_ID');
    expect(thrownReason(() => g.validateCommit('zombie', 3, [{ topic: 't', partition: 0 }]))).toBe(
      'UNKNOWN_MEMBER_ID',
    );
    expect(thrownReason(() => g.validateCommit('', -1, [{ topic: 't', partition: 0 }]))).toBe(
      'NON_EMPTY_GROUP',
    );
    expect(thrownReason(() => g.assertEmpty('delete'))).toBe('NON_EMPTY_GROUP');
    g.heartbeat(hb('c', 0), 0, lookup);
    expect(thrownReason(() => g.heartbeat(hb('d', 0), 0, lookup))).toBe('GROUP_MAX_SIZE_REACHED');
  });

  it('removes members whose session or revocation timed out, releasing their partitions', () => {
    partitions = 2;
    const g = new ConsumerGroup('g', 5, settings);
    expect(g.heartbeat(hb('a', 0), 0, lookup).memberEpoch).toBe(6);
    g.heartbeat(hb('b', 0), 1000, lookup);
    // a never confirms the revocation: after its rebalance timeout (5 s) it is removed.
    g.heartbeat(hb('a', 6, [0, 1]), 1000, lookup);
    g.heartbeat(hb('b', 7), 6000, lookup);
    const { removed } = g.expire(6001);
    expect(removed).toEqual(['a']);
    expect(parts(g.heartbeat(hb('b', 7), 6002, lookup))).toEqual([0, 1]);
    // b stops heartbeating: it goes after the session timeout.
    expect(g.expire(6002 + settings.sessionTimeoutMs + 1).removed).toEqual(['b']);
    expect(g.describe().state).toBe('empty');
  });

  it('static membership: a restarted instance takes its place back without a rebalance', () => {
    partitions = 4;
    const g = new ConsumerGroup('g', 0, settings);
    const s = { instanceId: 'pod-0' };
    g.heartbeat(hb('a', 0, [], s), 0, lookup);
    g.heartbeat(hb('b', 0, [], { instanceId: 'pod-1' }), 0, lookup);
    g.heartbeat(hb('a', 1, [0, 1, 2, 3], s), 0, lookup);
    const a = g.heartbeat(hb('a', 1, [0, 1], s), 0, lookup);
    const epochBefore = g.epoch;
    // a second process with the same instance id is refused while a is active
    expect(thrownReason(() => g.heartbeat(hb('a2', 0, [], s), 0, lookup))).toBe('UNRELEASED_INSTANCE_ID');
    g.heartbeat(hb('a', a.memberEpoch, [0, 1], s), 0, lookup);
    g.heartbeat(hb('a', -2, [], s), 10, lookup);
    const again = g.heartbeat(hb('a2', 0, [], s), 20, lookup);
    expect(g.epoch).toBe(epochBefore);
    expect(again.memberEpoch).toBe(a.memberEpoch);
    expect(parts(again)).toEqual([0, 1]);
    // A static member gone longer than the session timeout is removed for good.
    g.heartbeat(hb('a2', -2, [], s), 30, lookup);
    expect(g.expire(30 + settings.sessionTimeoutMs + 1).removed).toContain('a2');
  });

  it('rebalances when a subscribed topic gains partitions', () => {
    partitions = 2;
    const g = new ConsumerGroup('g', 0, settings);
    g.heartbeat(hb('a', 0), 0, lookup);
    partitions = 3;
    const r = g.heartbeat(hb('a', 1, [0, 1]), 0, lookup);
    expect(r.memberEpoch).toBe(2);
    expect(parts(r)).toEqual([0, 1, 2]);
  });

  it('assigns a topic created after the members subscribed to it', () => {
    partitions = 2;
    let exists = false;
    const late = lookupOf((name) => (exists ? lookup.describe(name) : undefined));
    const g = new ConsumerGroup('g', 0, settings);
    expect(parts(g.heartbeat(hb('a', 0), 0, late))).toEqual([]);
    exists = true;
    const r = g.heartbeat(hb('a', 1), 1, late);
    expect(r.memberEpoch).toBe(2);
    expect(parts(r)).toEqual([0, 1]);
  });

  it('after a coordinator failover, takes members back with what they own and hands out nothing unclaimed', () => {
    partitions = 4;
    // The new coordinator knows only the persisted epoch ceiling (10) and that the group had members.
    const g = new ConsumerGroup('g', 10, settings, 5000);
    const a = g.heartbeat(hb('a', 7, [0, 1]), 0, lookup);
    expect(parts(a)).toEqual([0, 1]);
    expect(g.describe(1).state).toBe('recovering');
    // b comes back too; nobody has claimed 2 and 3 yet: they wait for their owner or the window's end.
    const b = g.heartbeat(hb('b', 7, [2]), 10, lookup);
    expect(parts(b)).toEqual([2]);
    expect(b.memberEpoch).toBeGreaterThan(10);
    // A zombie with an older epoch claiming a's partition is fenced; a newer claim fences the holder.
    expect(thrownReason(() => g.heartbeat(hb('z', 5, [0]), 20, lookup))).toBe('FENCED_MEMBER_EPOCH');
    // After the window, partition 3 (its owner never came back) is handed out, with new epochs above 10.
    const after = g.heartbeat(hb('a', 7, [0, 1]), 6000, lookup);
    const afterB = g.heartbeat(hb('b', 7, [2]), 6001, lookup);
    const again = g.heartbeat(hb('a', after.memberEpoch, parts(after)), 6002, lookup);
    expect(again.memberEpoch).toBeGreaterThan(10);
    expect(
      [
        ...parts(again),
        ...parts(g.heartbeat(hb('b', afterB.memberEpoch, parts(afterB)), 6003, lookup)),
      ].sort(),
    ).toEqual([0, 1, 2, 3]);
  });

  it('validates heartbeats', () => {
    const g = new ConsumerGroup('g', 0, settings);
    expect(thrownReason(() => g.heartbeat(hb('', 0), 0, lookup))).toBe('INVALID_REQUEST');
    expect(thrownReason(() => g.heartbeat(hb('a', -3), 0, lookup))).toBe('INVALID_REQUEST');
    expect(thrownReason(() => g.heartbeat(hb('a', 0, [], { subscribedTopics: [] }), 0, lookup))).toBe(
      'INVALID_REQUEST',
    );
    expect(thrownReason(() => g.heartbeat(hb('a', 0, [], { rebalanceTimeoutMs: 5 }), 0, lookup))).toBe(
      'INVALID_REQUEST',
    );
    expect(thrownReason(() => g.heartbeat(hb('a', -2), 0, lookup))).toBe('INVALID_REQUEST');
  });
});

/**
 * Consumer-group membership on a real broker: subscribe splits partitions among members, a member joining
 * or leaving moves partitions without stopping the others (revoked before assigned), static members
 * restart without a rebalance, fenced members' commits are refused, and admin resets need an empty group.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Consumer, Tributary } from '../../client/index.js';
import type { ConsumerGroupHeartbeatResponse__Output } from '../../proto/generated/tributary/v1/ConsumerGroupHeartbeatResponse.js';
import { type BrokerProcess, removeDataDirs, startBroker } from '../helpers/broker-process.js';
import { waitFor } from '../helpers/cluster.js';
import { call, rawStubs, reasonOf } from '../helpers/grpc.js';

const PARTITIONS = 6;
let broker: BrokerProcess;
let client: Tributary;

beforeAll(async () => {
  broker = await startBroker({
    args: [
      '--set',
      'offsetsTopicPartitions=2',
      '--set',
      'groupHeartbeatIntervalMs=100',
      '--set',
      'groupSessionTimeoutMs=2000',
    ],
  });
  client = new Tributary({ bootstrap: broker.address });
  await client.admin().createTopic({ name: 'events', partitions: PARTITIONS });
  const producer = client.producer();
  await producer.send({
    topic: 'events',
    messages: Array.from({ length: 600 }, (_, i) => ({ value: `e${i}`, partition: i % PARTITIONS })),
  });
  await producer.close();
});

afterAll(async () => {
  client?.close();
  await broker?.stop();
  removeDataDirs();
});

/** Waits until `check` holds. */
const until = (what: string, check: () => boolean | Promise<boolean>, timeoutMs: number) =>
  waitFor(what, async () => ((await check()) ? true : undefined), timeoutMs);

const names = (c: Consumer) => c.assignment().map((tp) => tp.partition);

describe('consumer groups: membership', () => {
  it('splits partitions, rebalances on join and leave, and each partition has one owner at a time', async () => {
    const events: string[] = [];
    const listener = (name: string) => ({
      onPartitionsAssigned: (ps: Array<{ partition: number }>) => {
        events.push(`${name}+${ps.map((p) => p.partition).join(',')}`);
      },
      onPartitionsRevoked: (ps: Array<{ partition: number }>) => {
        events.push(`${name}-${ps.map((p) => p.partition).join(',')}`);
      },
    });
    const a = client.consumer({ groupId: 'split', autoCommitIntervalMs: 200 });
    a.subscribe('events', { listener: listener('a') });
    const seenA = new Set<string>();
    const runA = a.run({ eachRecord: (r) => void seenA.add(r.value!.toString()) });
    await until('condition 1', () => names(a).length === PARTITIONS, 10_000);

    const b = client.consumer({ groupId: 'split', autoCommitIntervalMs: 200 });
    b.subscribe('events', { listener: listener('b') });
    const runB = b.run({ eachRecord: () => {} });
    await until('condition 2', () => names(a).length === 3 && names(b).length === 3, 10_000);
    // Never both at once: b got nothing before a had revoked.
    expect(names(a).filter((p) => names(b).includes(p))).toEqual([]);
    const revokedAt = events.findIndex((e) => e.startsWith('a-'));
    const assignedAt = events.findIndex((e) => e.startsWith('b+'));
    expect(revokedAt).toBeGreaterThanOrEqual(0);
    expect(assignedAt).toBeGreaterThan(revokedAt);

    const described = await client.admin().describeGroupMembers('split');
    expect(described.state).toBe('stable');
    expect(described.members).toHaveLength(2);
    expect(described.members.flatMap((m) => m.assignment.flatMap((t) => t.partitions)).sort()).toEqual([
      0, 1, 2, 3, 4, 5,
    ]);
    const port = /"metrics":"http:\/\/127\.0\.0\.1:(\d+)\/metrics"/.exec(broker.output())![1];
    const metrics = await (await globalThis.fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('tributary_group_members{group="split"} 2');

    // b leaves: a gets everything back; everything was read once the group drained.
    await b.close();
    await runB;
    await until('condition 3', () => names(a).length === PARTITIONS, 10_000);
    await until('condition 4', () => seenA.size > 0, 10_000);
    await until(
      'condition 5',
      async () => {
        const lag = await client.admin().describeGroup('split');
        return lag.length === PARTITIONS && lag.every((l) => l.lag === 0);
      },
      15_000,
    );
    await a.close();
    await runA;
    expect((await client.admin().describeGroupMembers('split')).state).toBe('empty');
  });

  it('the async iterator keeps yielding across rebalances and ends only at close', async () => {
    const x = client.consumer({ groupId: 'iterate', autoCommitIntervalMs: 100 });
    x.subscribe('events');
    const got: Array<{ p: number; value: string }> = [];
    let ended = false;
    const loop = (async () => {
      for await (const r of x) got.push({ p: r.partition, value: r.value!.toString() });
      ended = true;
    })();
    await until('everything read', () => got.length === 600, 15_000);
    const y = client.consumer({ groupId: 'iterate' });
    y.subscribe('events');
    await until('a split', () => names(x).length === 3 && names(y).length === 3, 10_000);
    await y.close();
    await until('x owning all again', () => names(x).length === PARTITIONS, 10_000);
    const producer = client.producer();
    await producer.send({
      topic: 'events',
      messages: Array.from({ length: 60 }, (_, i) => ({ value: `late${i}`, partition: i % PARTITIONS })),
    });
    await producer.close();
    await until('the new records', () => got.filter((g) => g.value.startsWith('late')).length === 60, 15_000);
    expect(new Set(got.filter((g) => g.value.startsWith('late')).map((g) => g.p)).size).toBe(PARTITIONS);
    // Nothing was read twice: x's revocation committed what it had processed, so y read no old record.
    expect(new Set(got.map((g) => g.value)).size).toBe(got.length);
    expect(ended).toBe(false);
    await x.close();
    await loop;
    expect(ended).toBe(true);
  });

  it('a static member restarting takes its partitions back with no rebalance', async () => {
    const make = () => client.consumer({ groupId: 'static', instanceId: 'pod-0', autoCommitIntervalMs: 0 });
    const other = client.consumer({ groupId: 'static', instanceId: 'pod-1', autoCommitIntervalMs: 0 });
    const first = make();
    first.subscribe('events');
    other.subscribe('events');
    await until('condition 6', () => names(first).length === 3 && names(other).length === 3, 10_000);
    const mine = names(first);
    const epochBefore = (await client.admin().describeGroupMembers('static')).groupEpoch;
    await first.close(); // leaves with epoch -2: its partitions stay reserved
    const second = make();
    second.subscribe('events');
    await until('condition 7', () => names(second).length === 3, 10_000);
    expect(names(second)).toEqual(mine);
    expect(names(other)).toHaveLength(3);
    expect((await client.admin().describeGroupMembers('static')).groupEpoch).toBe(epochBefore);
    await second.close();
    await other.close();
  });

  it('a member that stops heartbeating is fenced: its partitions move, its heartbeats and commits are refused', async () => {
    const raw = rawStubs(broker.address);
    try {
      const beat = (body: object) =>
        call<ConsumerGroupHeartbeatResponse__Output>(raw.groups, 'ConsumerGroupHeartbeat', {
          group_id: 'fence',
          member_id: 'zombie',
          subscribed_topics: ['events'],
          rebalance_timeout_ms: 5000,
          ...body,
        });
      const joined = await beat({ member_epoch: 0 });
      expect(joined.assignment.flatMap((t) => t.partitions)).toHaveLength(PARTITIONS);
      // The zombie stops here. A live member joins; it gets partitions only once the zombie's session
      // (2 s) is over, never while the zombie could still be reading them.
      const live = client.consumer({ groupId: 'fence', autoCommitIntervalMs: 0 });
      live.subscribe('events');
      await until('condition 8', () => names(live).length === PARTITIONS, 10_000);
      const zombieBeat = await beat({ member_epoch: joined.member_epoch }).catch((e: unknown) => e);
      expect(reasonOf(zombieBeat).reason).toBe('UNKNOWN_MEMBER_ID');
      const zombieCommit = await client
        .admin()
        .commitGroupOffsets('fence', [{ topic: 'events', partition: 0, offset: 1 }], {
          memberId: 'zombie',
          memberEpoch: joined.member_epoch,
        })
        .catch((e: unknown) => e);
      expect(zombieCommit).toMatchObject({ reason: 'UNKNOWN_MEMBER_ID' });
      const me = live.groupMember()!;
      await expect(
        client.admin().commitGroupOffsets('fence', [{ topic: 'events', partition: 0, offset: 1 }], {
          memberId: me.memberId,
          memberEpoch: me.memberEpoch + 5,
        }),
      ).rejects.toMatchObject({ reason: 'STALE_MEMBER_EPOCH' });
      await client.admin().commitGroupOffsets('fence', [{ topic: 'events', partition: 0, offset: 1 }], me);
      // An admin reset is refused while the group has members, and works once it is empty.
      await expect(client.admin().resetGroupOffsets('fence', 'events', 'earliest')).rejects.toMatchObject({
        reason: 'NON_EMPTY_GROUP',
      });
      await live.close();
      await client.admin().resetGroupOffsets('fence', 'events', 'earliest');

      // Bad heartbeats get precise errors and change nothing.
      for (const [body, reason] of [
        [{ member_id: '', member_epoch: 0 }, 'INVALID_REQUEST'],
        [{ member_epoch: -3 }, 'INVALID_REQUEST'],
        [{ member_epoch: 0, subscribed_topics: [] }, 'INVALID_REQUEST'],
        [{ member_epoch: 0, subscribed_topics: ['bad topic!'] }, 'INVALID_TOPIC_NAME'],
        [{ member_epoch: 0, rebalance_timeout_ms: 1 }, 'INVALID_REQUEST'],
        [{ member_epoch: 0, group_id: '' }, 'INVALID_GROUP_ID'],
      ] as const) {
        const err = await beat(body).catch((e: unknown) => e);
        expect(reasonOf(err).reason, JSON.stringify(body)).toBe(reason);
      }
      expect((await client.admin().describeGroupMembers('fence')).members).toEqual([]);
    } finally {
      raw.close();
    }
  });
});

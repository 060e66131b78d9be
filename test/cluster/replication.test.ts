/** A three-broker cluster on a real etcd: replication, acks=all, failover, and the ISR coming back. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tributary } from '../../client/index.js';
import { startTestCluster, type TestCluster, waitFor } from '../helpers/cluster.js';

let cluster: TestCluster;
let client: Tributary;

beforeAll(async () => {
  cluster = await startTestCluster({ brokers: 3 });
  client = new Tributary({ bootstrap: cluster.bootstrap() });
}, 120_000);

afterAll(async () => {
  client?.close();
  await cluster?.destroy();
});

describe('replicated cluster', () => {
  it('registers every broker and elects one controller', async () => {
    const described = await waitFor('three brokers', async () => {
      const d = await client.admin().describeCluster();
      return d.brokers.length === 3 && d.controllerId >= 0 ? d : undefined;
    });
    expect(described.brokers.map((b) => b.id).sort()).toEqual([0, 1, 2]);
  });

  it('replicates acks=all writes to every replica and survives the leader being killed', async () => {
    const admin = client.admin();
    await admin.createTopic({
      name: 'r3',
      partitions: 1,
      replicationFactor: 3,
      configs: { 'min.insync.replicas': '2' },
    });
    const before = await admin.describeTopic('r3');
    const p0 = before.partitions[0]!;
    expect(p0.replicas).toHaveLength(3);
    expect(p0.isr).toHaveLength(3);
    const producer = client.producer({ acks: 'all' });
    const first = await producer.send({
      topic: 'r3',
      messages: Array.from({ length: 50 }, (_, i) => ({ value: `a${i}` })),
    });
    expect(first.at(-1)?.lastOffset).toBe(49);

    // The followers have it too: once the high watermark passed, every replica's log reaches 50.
    await cluster.kill(p0.leader);
    const after = await waitFor('a new leader', async () => {
      const d = await admin.describeTopic('r3');
      const p = d.partitions[0]!;
      return p.leader >= 0 && p.leader !== p0.leader ? p : undefined;
    });
    expect(after.leaderEpoch).toBeGreaterThan(p0.leaderEpoch);
    expect(after.isr).not.toContain(p0.leader);
    const second = await producer.send({ topic: 'r3', messages: [{ value: 'b0' }] });
    expect(second[0]!.baseOffset).toBe(50);

    const consumer = client.consumer();
    const values: string[] = [];
    for await (const r of consumer.consume({ topic: 'r3', partition: 0, from: 'earliest' })) {
      values.push(r.value!.toString());
      if (values.length === 51) break;
    }
    expect(values).toEqual([...Array.from({ length: 50 }, (_, i) => `a${i}`), 'b0']);

    // The killed broker comes back, truncates nothing it should keep, catches up and rejoins the ISR.
    await cluster.start(p0.leader);
    const healed = await waitFor(
      'the ISR to grow back',
      async () => {
        const p = (await admin.describeTopic('r3')).partitions[0]!;
        return p.isr.length === 3 ? p : undefined;
      },
      30_000,
    );
    expect(healed.isr.sort()).toEqual([0, 1, 2]);
    await producer.flush();
    await consumer.close();
  }, 120_000);

  it('answers NOT_ENOUGH_REPLICAS when the ISR is below min.insync.replicas, and writes again once it heals', async () => {
    const admin = client.admin();
    await admin.createTopic({
      name: 'strict',
      partitions: 1,
      replicationFactor: 3,
      configs: { 'min.insync.replicas': '3' },
    });
    const p = (await admin.describeTopic('strict')).partitions[0]!;
    const follower = p.replicas.find((r) => r !== p.leader)!;
    const producer = client.producer({ acks: 'all' });
    await producer.send({ topic: 'strict', messages: [{ value: 'before' }] });
    const once = client.producer({ acks: 'all', retries: 0 });
    await cluster.kill(follower);
    await waitFor('the ISR to shrink', async () => {
      const now = (await admin.describeTopic('strict')).partitions[0]!;
      return now.isr.length === 2 ? now : undefined;
    });
    await expect(once.send({ topic: 'strict', messages: [{ value: 'refused' }] })).rejects.toMatchObject({
      reason: 'NOT_ENOUGH_REPLICAS',
    });
    await cluster.start(follower);
    await waitFor(
      'the ISR to heal',
      async () => {
        const now = (await admin.describeTopic('strict')).partitions[0]!;
        return now.isr.length === 3 ? now : undefined;
      },
      30_000,
    );
    const acks = await producer.send({ topic: 'strict', messages: [{ value: 'after' }] });
    expect(acks[0]!.baseOffset).toBe(1); // the refused record was never appended
    await producer.close();
    await once.close();
  }, 120_000);

  it("keeps a group's committed offsets when its coordinator broker is killed", async () => {
    const admin = client.admin();
    await admin.createTopic({ name: 'ledger', partitions: 1, replicationFactor: 3 });
    await admin.commitGroupOffsets('payments', [
      { topic: 'ledger', partition: 0, offset: 42, metadata: 'm' },
    ]);
    const before = await waitFor('the offsets topic', async () => {
      const d = await admin.describeTopic('__consumer_offsets');
      return d.partitions.every((p) => p.isr.length === 3) ? d : undefined;
    });
    expect(before.partitions[0]!.replicas).toHaveLength(3);
    // The coordinator is the leader of the group's offsets partition; find it the way clients do.
    const [committed] = await admin.fetchGroupOffsets('payments');
    expect(committed).toMatchObject({ offset: 42, metadata: 'm' });
    const leaders = new Set(before.partitions.map((p) => p.leader));
    for (const victim of leaders) {
      if (cluster.brokers[victim] === undefined) continue;
      // Kill one broker at a time that leads offsets partitions, and read the commit back each time.
      await cluster.kill(victim);
      const again = await waitFor(
        'the offsets from a new coordinator',
        async () => (await admin.fetchGroupOffsets('payments'))[0],
        30_000,
      );
      expect(again).toMatchObject({ topic: 'ledger', partition: 0, offset: 42 });
      await cluster.start(victim);
      break;
    }
  }, 120_000);
});

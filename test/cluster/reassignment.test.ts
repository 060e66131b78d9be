/** Partition reassignment and preferred-leader election through the admin API, on three real brokers. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
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

describe('reassignment and elections', () => {
  it('moves a partition to new brokers: copies the log, moves leadership, drops the old replicas', async () => {
    const admin = client.admin();
    await admin.createTopic({ name: 'moving', partitions: 1, replicationFactor: 2 });
    const before = (await admin.describeTopic('moving')).partitions[0]!;
    const producer = client.producer({ acks: 'all' });
    await producer.send({
      topic: 'moving',
      messages: Array.from({ length: 200 }, (_, i) => ({ value: `m${i}` })),
    });
    const spare = [0, 1, 2].find((b) => !before.replicas.includes(b))!;
    const target = [spare, before.replicas[1]!];

    const [result] = await admin.alterPartitionReassignments([
      { topic: 'moving', partition: 0, replicas: target },
    ]);
    expect(result!.error).toBeNull();
    const after = await waitFor(
      'the reassignment to finish',
      async () => {
        const ongoing = await admin.listPartitionReassignments(['moving']);
        const p = (await admin.describeTopic('moving')).partitions[0]!;
        return ongoing.length === 0 && p.replicas.join() === target.join() ? p : undefined;
      },
      30_000,
    );
    expect(after.leader).toBe(spare);
    expect([...after.isr].sort()).toEqual([...target].sort());
    expect(after.leaderEpoch).toBeGreaterThan(before.leaderEpoch);
    // The dropped replica's log is gone from its broker.
    const dropped = before.replicas.find((b) => !target.includes(b))!;
    await waitFor('the old replica to be deleted', () =>
      existsSync(join(cluster.dataDir, `broker-${dropped}`, 'logs', 'moving-0')) ? undefined : true,
    );
    // Everything written before is readable from the new leader, and writes continue after it.
    const more = await producer.send({ topic: 'moving', messages: [{ value: 'after' }] });
    expect(more[0]!.baseOffset).toBe(200);
    const values: string[] = [];
    for await (const r of client.consumer().consume({ topic: 'moving', partition: 0, from: 'earliest' })) {
      values.push(r.value!.toString());
      if (values.length === 201) break;
    }
    expect(values.at(0)).toBe('m0');
    expect(values.at(-1)).toBe('after');
    await producer.close();
  }, 120_000);

  it('refuses bad reassignments with precise reasons, and cancelling nothing says so', async () => {
    const admin = client.admin();
    const results = await admin.alterPartitionReassignments([
      { topic: 'moving', partition: 0, replicas: [0, 0] },
      { topic: 'moving', partition: 0, replicas: [] },
      { topic: 'moving', partition: 9, replicas: [0] },
      { topic: 'ghost', partition: 0, replicas: [0] },
    ]);
    expect(results.map((r) => r.error?.reasonName)).toEqual([
      'INVALID_REPLICA_ASSIGNMENT',
      'INVALID_REQUEST',
      'UNKNOWN_PARTITION',
      'UNKNOWN_TOPIC',
    ]);
  });

  it('moves leadership back to the preferred replica on request', async () => {
    const admin = client.admin();
    await admin.createTopic({ name: 'pref', partitions: 1, replicationFactor: 3 });
    const p = (await admin.describeTopic('pref')).partitions[0]!;
    const preferred = p.replicas[0]!;
    expect(p.leader).toBe(preferred);
    expect((await admin.electLeaders('preferred', [{ topic: 'pref' }]))[0]!.error?.reasonName).toBe(
      'ELECTION_NOT_NEEDED',
    );
    await cluster.stop(preferred); // controlled shutdown: leadership moves at once
    const moved = (await admin.describeTopic('pref')).partitions[0]!;
    expect(moved.leader).not.toBe(preferred);
    await cluster.start(preferred);
    await waitFor(
      'the preferred replica back in the ISR',
      async () =>
        (await admin.describeTopic('pref')).partitions[0]!.isr.includes(preferred) ? true : undefined,
      30_000,
    );
    // The leader may add it back to the ISR before the controller has handled its new registration; until
    // then the controller answers with a retriable PREFERRED_LEADER_NOT_AVAILABLE, and a client retries.
    await waitFor('the preferred election accepted', async () => {
      const [r] = await admin.electLeaders('preferred', [{ topic: 'pref', partitions: [0] }]);
      if (r!.error === null) return true;
      expect(r!.error.retriable, r!.error.message).toBe(true);
      return undefined;
    });
    const back = await waitFor('leadership back home', async () => {
      const now = (await admin.describeTopic('pref')).partitions[0]!;
      return now.leader === preferred ? now : undefined;
    });
    expect(back.leaderEpoch).toBeGreaterThan(moved.leaderEpoch);
  }, 120_000);
});

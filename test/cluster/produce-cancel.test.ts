/**
 * A unary acks=all Produce that its client cancels while the leader waits for its follower stops waiting
 * at once: its in-flight slot and bytes are released then, not when the produce timeout (60 s here) ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../proto/codec/index.js';
import type { CreateTopicsResponse__Output } from '../../proto/generated/tributary/v1/CreateTopicsResponse.js';
import type { MetadataResponse__Output } from '../../proto/generated/tributary/v1/MetadataResponse.js';
import { startTestCluster, type TestCluster, waitFor } from '../helpers/cluster.js';
import { call, type RawStubs, rawStubs } from '../helpers/grpc.js';

const TOPIC = 'held';

let cluster: TestCluster;
let stubs: RawStubs;

/** The gauge `name` of broker `id`, read from its /metrics. */
async function gauge(id: number, name: string): Promise<number> {
  const url = /"metrics":"(http:[^"]+)"/.exec(cluster.brokers[id]!.output())![1]!;
  const text = await (await fetch(url)).text();
  const m = new RegExp(`\\n${name} (\\d+)`).exec(text);
  if (m === null) throw new Error(`no ${name} gauge`);
  return Number(m[1]);
}

beforeAll(async () => {
  // Slow failure detection, so the stopped follower stays in the ISR and the leader keeps waiting for it.
  cluster = await startTestCluster({
    brokers: 2,
    brokerArgs: [
      '--set',
      'sessionTimeoutMs=60000',
      '--set',
      'replicaLagTimeMaxMs=60000',
      '--set',
      'produceTimeoutMs=60000',
    ],
  });
  stubs = rawStubs(cluster.brokers[0]!.address);
  const created = await call<CreateTopicsResponse__Output>(stubs.admin, 'CreateTopics', {
    topics: [{ name: TOPIC, partitions: 1, replication_factor: 2 }],
  });
  expect(created.topics[0]!.error).toBeNull();
}, 60_000);

afterAll(async () => {
  stubs?.close();
  await cluster?.destroy();
});

describe('a cancelled acks=all Produce', () => {
  it('frees its in-flight request at once, not at the produce timeout', async () => {
    const meta = await waitFor('a leader with both replicas in sync', async () => {
      const m = await call<MetadataResponse__Output>(stubs.client, 'Metadata', { topics: [TOPIC] });
      const p = m.topics[0]?.partitions[0];
      return p !== undefined && p.leader >= 0 && p.isr.length === 2 ? p : undefined;
    });
    const leader = meta.leader;
    const follower = 1 - leader;
    const leaderStubs = rawStubs(cluster.brokers[leader]!.address);
    cluster.signal(follower, 'SIGSTOP');
    try {
      const batches = encodeRecordBatch([
        { key: null, value: Buffer.from('waits'), headers: [], timestamp: Date.now() },
      ]);
      const pending = leaderStubs.client.Produce(
        {
          acks: 'ACKS_ALL',
          timeout_ms: 60_000,
          topics: [{ topic: TOPIC, partitions: [{ partition: 0, batches }] }],
        },
        () => undefined,
      );
      await waitFor('the produce waiting at the leader', async () =>
        (await gauge(leader, 'tributary_inflight_requests')) >= 1 ? true : undefined,
      );
      pending.cancel();
      await waitFor(
        'the in-flight request released',
        async () => ((await gauge(leader, 'tributary_inflight_requests')) === 0 ? true : undefined),
        5_000, // far below the 60 s produce timeout
      );
      expect(await gauge(leader, 'tributary_inflight_produce_bytes')).toBe(0);
    } finally {
      cluster.signal(follower, 'SIGCONT');
      leaderStubs.close();
    }
  }, 60_000);
});

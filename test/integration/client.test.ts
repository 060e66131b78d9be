/** The client library against a real broker process: admin, producer, consumer (Subscribe and Fetch). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionForKey, type Record, Tributary, TributaryError } from '../../client/index.js';
import { type BrokerProcess, removeDataDirs, startBroker } from '../helpers/broker-process.js';

let broker: BrokerProcess;
let tributary: Tributary;

beforeAll(async () => {
  broker = await startBroker();
  tributary = new Tributary({ bootstrap: broker.address });
});

afterAll(async () => {
  tributary?.close();
  await broker?.stop();
  removeDataDirs();
});

async function collect(iterable: AsyncIterable<Record>): Promise<Record[]> {
  const out: Record[] = [];
  for await (const r of iterable) out.push(r);
  return out;
}

describe('client against a broker', () => {
  it('describes the cluster', async () => {
    const cluster = await tributary.admin().describeCluster();
    expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
    expect(cluster.clusterId).not.toBe('');
  });

  it('returns per-item results from batch admin calls', async () => {
    const results = await tributary.admin().createTopics([
      { name: 'c-ok', partitions: 2 },
      { name: 'bad name!', partitions: 1 },
    ]);
    expect(results.find((r) => r.name === 'c-ok')?.error).toBeNull();
    expect(results.find((r) => r.name === 'bad name!')?.error?.reason).toBe('INVALID_TOPIC_NAME');
    await expect(tributary.admin().createTopic({ name: 'c-ok', partitions: 2 })).rejects.toMatchObject({
      reason: 'TOPIC_ALREADY_EXISTS',
    });
  });

  it('produces keyed, unkeyed and explicit-partition records and reads them back', async () => {
    await tributary.admin().createTopic({ name: 'c-rt', partitions: 4 });
    const producer = tributary.producer();
    const acks = await producer.send({
      topic: 'c-rt',
      messages: [
        { key: 'alpha', value: 'a1', headers: { h: Buffer.from([0, 255]) } },
        { key: 'alpha', value: 'a2' },
        { key: null, value: null },
        { value: Buffer.from('explicit'), partition: 3, timestamp: 1_600_000_000_000 },
      ],
    });
    const alpha = partitionForKey(Buffer.from('alpha'), 4);
    expect(acks.find((a) => a.partition === alpha)?.lastOffset).toBeGreaterThanOrEqual(1);
    const consumer = tributary.consumer();
    const records = await collect(consumer.consume({ topic: 'c-rt', partition: alpha, from: 'earliest' }));
    const alphas = records.filter((r) => r.key?.toString() === 'alpha');
    expect(alphas.map((r) => r.value?.toString())).toEqual(['a1', 'a2']);
    expect(alphas[0]!.headers).toEqual([{ key: 'h', value: Buffer.from([0, 255]) }]);

    const p3 = await collect(consumer.consume({ topic: 'c-rt', partition: 3, from: { offset: 0 } }));
    const explicit = p3.find((r) => r.value?.toString() === 'explicit');
    expect(explicit?.timestamp).toBe(1_600_000_000_000);

    const all = await collect(consumer.consumeTopic({ topic: 'c-rt', from: 'earliest' }));
    expect(all).toHaveLength(4);
    expect(all.some((r) => r.value === null && r.key === null)).toBe(true);

    const fetched = await consumer.fetch({ topic: 'c-rt', partition: alpha, offset: 1 });
    expect(fetched.records[0]?.offset).toBe(1);
    expect(fetched.highWatermark).toBeGreaterThanOrEqual(2);
  });

  it('follows a partition and stops on abort', async () => {
    await tributary.admin().createTopic({ name: 'c-follow', partitions: 1 });
    const controller = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const r of tributary.consumer().consume({
        topic: 'c-follow',
        partition: 0,
        from: 'latest',
        follow: true,
        signal: controller.signal,
      })) {
        seen.push(r.value!.toString());
        if (seen.length === 2) controller.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    await tributary.producer().send({ topic: 'c-follow', messages: [{ value: 'x' }, { value: 'y' }] });
    await done;
    expect(seen).toEqual(['x', 'y']);
  });

  it("cancels admin calls through the admin client's AbortSignal", async () => {
    const controller = new AbortController();
    const admin = tributary.admin({ signal: controller.signal });
    expect((await admin.describeCluster()).brokers).toHaveLength(1);
    controller.abort();
    await expect(admin.listTopics()).rejects.toMatchObject({ reasonName: 'CANCELLED' });
  });

  it('throws TributaryError with the broker reason', async () => {
    await expect(
      tributary.producer().send({ topic: 'c-missing', messages: [{ value: 'v' }] }),
    ).rejects.toSatisfy((e: unknown) => e instanceof TributaryError && e.reason === 'UNKNOWN_TOPIC');
    await expect(tributary.admin().describeTopic('c-missing')).rejects.toMatchObject({
      reason: 'UNKNOWN_TOPIC',
    });
    const offsets = await tributary.admin().fetchTopicOffsets('c-ok');
    expect(offsets).toEqual([
      { partition: 0, low: 0, high: 0 },
      { partition: 1, low: 0, high: 0 },
    ]);
  });

  it('reports an unreachable broker as retriable UNAVAILABLE', async () => {
    const nowhere = new Tributary({ bootstrap: '127.0.0.1:1', requestTimeoutMs: 2000 });
    try {
      await expect(nowhere.admin().listTopics()).rejects.toMatchObject({
        retriable: true,
        reasonName: 'UNAVAILABLE',
      });
    } finally {
      nowhere.close();
    }
  });
});

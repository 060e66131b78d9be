/**
 * Client quotas on a real broker (docs/operations.md, "Secure a cluster: quotas"): produce bytes/s, fetch
 * bytes/s and requests/s per client id, measured from the client's side over a steady stretch after the
 * first second's burst: within 10% of the limit. Clients without a quota are not slowed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tributary } from '../../client/index.js';
import { type BrokerProcess, removeDataDirs, startBroker } from '../helpers/broker-process.js';
import { parsePrometheusText } from '../helpers/prometheus-text.js';

const KiB = 1024;
const LIMIT_BYTES = 256 * KiB;
/** The measured stretch: from WARMUP_MS (the one-second burst is spent) to RUN_MS. */
const WARMUP_MS = 2_000;
const RUN_MS = 6_000;

let broker: BrokerProcess;
let admin: Tributary;

beforeAll(async () => {
  broker = await startBroker();
  admin = new Tributary({ bootstrap: broker.address, auth: false });
  await admin.admin().createTopics([{ name: 'quota-in' }, { name: 'quota-out' }]);
  await admin.securityAdmin().alterClientQuotas([
    { entity: { clientId: 'slow-producer' }, set: { producer_byte_rate: LIMIT_BYTES } },
    { entity: { clientId: 'slow-consumer' }, set: { consumer_byte_rate: LIMIT_BYTES } },
    { entity: { clientId: 'chatty' }, set: { request_rate: 20 } },
  ]);
  // What the consumer reads: 4 MiB, written by a client without a quota.
  // Small batches: a consumer receives whole batches, and the rate is measured message by message.
  const producer = admin.producer({ batchBytes: 16 * KiB });
  const value = Buffer.alloc(4 * KiB, 7);
  await producer.send({ topic: 'quota-out', messages: Array.from({ length: 1024 }, () => ({ value })) });
  await producer.close();
});

afterAll(async () => {
  admin?.close();
  await broker?.stop();
  removeDataDirs();
});

/**
 * Units per second between WARMUP_MS and RUN_MS, from (time since start, units) samples: the units that
 * arrived after the first sample of the stretch, over the time from it to the last. Arrivals are whole
 * requests or messages, so a fixed window would count one more or one fewer of them by chance.
 */
function steadyRate(samples: Array<[number, number]>): number {
  const inWindow = samples.filter(([t]) => t >= WARMUP_MS && t <= RUN_MS);
  expect(inWindow.length).toBeGreaterThan(4);
  const units = inWindow.slice(1).reduce((n, [, u]) => n + u, 0);
  const rate = units / ((inWindow.at(-1)![0] - inWindow[0]![0]) / 1000);
  if (process.env.TRIBUTARY_PRINT_RATES) console.log(`measured rate ${rate.toFixed(1)}/s`);
  return rate;
}

describe('quotas', () => {
  it('lists what is set', async () => {
    const entries = await admin.securityAdmin().describeClientQuotas({ clientId: 'chatty' });
    expect(entries).toEqual([{ entity: { clientId: 'chatty' }, values: { request_rate: 20 } }]);
  });

  it('a producer is held to its produce bytes/s', async () => {
    const client = new Tributary({ bootstrap: broker.address, auth: false, clientId: 'slow-producer' });
    const producer = client.producer({ lingerMs: 0 });
    const value = Buffer.alloc(4 * KiB, 1);
    const samples: Array<[number, number]> = [];
    const startedMs = Date.now();
    try {
      const writers = Array.from({ length: 4 }, async () => {
        while (Date.now() - startedMs < RUN_MS) {
          await producer.send({ topic: 'quota-in', messages: [{ value }, { value }] });
          samples.push([Date.now() - startedMs, 2 * value.length]);
        }
      });
      await Promise.all(writers);
    } finally {
      await producer.close();
      client.close();
    }
    const rate = steadyRate(samples);
    expect(rate).toBeGreaterThan(LIMIT_BYTES * 0.9);
    expect(rate).toBeLessThan(LIMIT_BYTES * 1.1);
  });

  it('a consumer is held to its fetch bytes/s', async () => {
    const client = new Tributary({ bootstrap: broker.address, auth: false, clientId: 'slow-consumer' });
    const consumer = client.consumer({ maxBytesPerPartition: 32 * KiB });
    await consumer.assign({ topic: 'quota-out', from: 'earliest' });
    const samples: Array<[number, number]> = [];
    const startedMs = Date.now();
    try {
      while (Date.now() - startedMs < RUN_MS) {
        const batch = await consumer.nextBatch();
        if (batch === undefined) break;
        samples.push([Date.now() - startedMs, batch.records.reduce((n, r) => n + (r.value?.length ?? 0), 0)]);
      }
    } finally {
      await consumer.close();
      client.close();
    }
    const rate = steadyRate(samples);
    expect(rate).toBeGreaterThan(LIMIT_BYTES * 0.9);
    expect(rate).toBeLessThan(LIMIT_BYTES * 1.1);
  });

  it('a client is held to its requests/s, told how long to wait, and waits', async () => {
    const client = new Tributary({ bootstrap: broker.address, auth: false, clientId: 'chatty' });
    const samples: Array<[number, number]> = [];
    const startedMs = Date.now();
    try {
      while (Date.now() - startedMs < RUN_MS) {
        await client.admin().listTopics();
        samples.push([Date.now() - startedMs, 1]);
      }
    } finally {
      client.close();
    }
    const rate = steadyRate(samples);
    expect(rate).toBeGreaterThan(20 * 0.9);
    expect(rate).toBeLessThan(20 * 1.1);
    const url = /"metrics":"(http:[^"]+)"/.exec(broker.output())?.[1];
    const samplesText = parsePrometheusText(await (await fetch(url!)).text());
    const told = samplesText.find(
      (s) => s.name === 'tributary_quota_throttle_seconds_total' && s.labels.quota === 'request_rate',
    );
    expect(told?.value ?? 0).toBeGreaterThan(1);
  });

  it('a client without a quota is not slowed', async () => {
    const startedMs = Date.now();
    for (let i = 0; i < 100; i++) await admin.admin().listTopics();
    expect(Date.now() - startedMs).toBeLessThan(3_000);
  });
});

/**
 * A broker restart while an SDK producer and an SDK consumer both run (issue: "a broker restart while a
 * producer and a consumer run: the producer retries, nothing acknowledged is lost, the consumer resumes
 * where it was").
 */
import { afterAll, expect, it } from 'vitest';
import { Tributary } from '../../client/index.js';
import { type BrokerProcess, removeDataDirs, startBroker } from '../helpers/broker-process.js';

afterAll(() => removeDataDirs());

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('keeps producing and consuming through a broker restart, losing and repeating nothing', async () => {
  const first = await startBroker();
  let second: BrokerProcess | undefined;
  const producerClient = new Tributary({ bootstrap: first.address, requestTimeoutMs: 5000 });
  const consumerClient = new Tributary({ bootstrap: first.address, requestTimeoutMs: 5000 });
  try {
    await producerClient.admin().createTopic({ name: 'restart', partitions: 3 });
    const producer = producerClient.producer({ retries: 1000, retryBackoffMaxMs: 200, lingerMs: 2 });
    const consumer = consumerClient.consumer({
      reconnect: { attemptsMax: 1000, backoffMs: 50, backoffMaxMs: 200 },
    });
    await consumer.assign({ topic: 'restart', from: 'earliest' });

    // Consumer: every record it is handed, per partition, in order.
    const consumed = new Map<number, Array<{ offset: number; value: string }>>([
      [0, []],
      [1, []],
      [2, []],
    ]);
    let consumedCount = 0;
    const reading = (async () => {
      for await (const r of consumer) {
        consumed.get(r.partition)!.push({ offset: r.offset, value: r.value!.toString() });
        consumedCount++;
      }
    })();

    // Producer: numbered records with keys; remember each acknowledgement.
    const acked: Array<{ partition: number; offset: number; value: string }> = [];
    const failures: unknown[] = [];
    let stop = false;
    let n = 0;
    const writing = (async () => {
      while (!stop) {
        const value = `r${n}`;
        const key = `k${n % 97}`;
        n++;
        producer.produce({ topic: 'restart', key, value }).then(
          (m) => acked.push({ partition: m.partition, offset: m.offset, value }),
          (err) => failures.push(err),
        );
        if (n % 100 === 0) await new Promise((r) => setTimeout(r, 2));
      }
    })();

    await until(() => acked.length >= 3000 && consumedCount >= 1000, 'traffic before the restart');
    await first.stop();
    await until(() => producer.stats.retries > 0, 'the producer to feel the outage');
    second = await startBroker({ dataDir: first.dataDir, args: ['--port', String(first.port)] });
    const ackedAtRestart = acked.length;
    await until(() => acked.length >= ackedAtRestart + 3000, 'traffic after the restart');
    stop = true;
    await writing;
    await producer.close();
    expect(failures).toEqual([]);
    expect(acked.length).toBe(n);

    // The consumer catches up with everything acknowledged.
    const lastAcked = new Map<number, number>();
    for (const a of acked) lastAcked.set(a.partition, Math.max(lastAcked.get(a.partition) ?? -1, a.offset));
    await until(
      () => [...lastAcked].every(([p, last]) => (consumed.get(p)!.at(-1)?.offset ?? -1) >= last),
      'the consumer to catch up',
    );
    await consumer.close();
    await reading;

    for (const [, records] of consumed) {
      // Resumed where it was: offsets dense from 0, none repeated, none skipped.
      expect(records.map((r) => r.offset)).toEqual(records.map((_, i) => i));
    }
    for (const a of acked) expect(consumed.get(a.partition)![a.offset]?.value).toBe(a.value);
  } finally {
    producerClient.close();
    consumerClient.close();
    await second?.stop();
    await first.stop();
  }
}, 90_000);

// Start from a time or the end; seek, pause and resume partitions.
import { Tributary } from '../../client/index.js';

export async function main(bootstrap: string) {
  const tributary = new Tributary({ bootstrap });
  try {
    await tributary.admin().createTopic({ name: 'sensor', partitions: 2 });
    const t0 = Date.UTC(2025, 0, 1);
    await tributary.producer().send({
      topic: 'sensor',
      messages: Array.from({ length: 20 }, (_, i) => ({
        value: `reading ${i}`,
        partition: i % 2,
        timestamp: t0 + i * 60_000,
      })),
    });

    const consumer = tributary.consumer();
    const p0 = { topic: 'sensor', partition: 0 };
    const p1 = { topic: 'sensor', partition: 1 };
    // Partition 0 from the first record at or after 10 minutes in; partition 1 only new records.
    await consumer.assign([
      { ...p0, from: { timestamp: t0 + 10 * 60_000 } },
      { ...p1, from: 'latest' },
    ]);
    const fromTime = consumer.position(p0); // 5: the record written at t0 + 10 min

    const first = await consumer.next(); // one record, waiting if none is ready

    consumer.seek({ ...p0, offset: 0 }); // drop what was buffered, continue from offset 0
    const afterSeek = await consumer.next();

    consumer.pause([p0]); // p0's stream stops; p1 continues
    await tributary.producer().send({ topic: 'sensor', messages: [{ value: 'live', partition: 1 }] });
    const live = await consumer.next();
    consumer.resume([p0]);
    const resumed = await consumer.next();

    await consumer.close();
    return {
      fromTime,
      first: first?.offset,
      afterSeek: afterSeek?.offset,
      live: live?.value?.toString(),
      resumed: resumed?.offset,
    };
  } finally {
    tributary.close();
  }
}

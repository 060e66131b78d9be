// Consume with `for await`: assign partitions and a start, read records as they arrive.
import { Tributary } from '../../client/index.js';

export async function main(bootstrap: string) {
  const tributary = new Tributary({ bootstrap });
  try {
    await tributary.admin().createTopic({ name: 'clicks', partitions: 3 });
    const messages = Array.from({ length: 300 }, (_, i) => ({ key: `user-${i % 7}`, value: `click ${i}` }));
    await tributary.producer().send({ topic: 'clicks', messages });

    const consumer = tributary.consumer({ maxPrefetchBytes: 8 * 1024 * 1024 });
    // Every partition of the topic; or [{ topic, partition, from }] for chosen ones.
    await consumer.assign({ topic: 'clicks', partitions: 'all', from: 'earliest' });

    const perPartition = [0, 0, 0];
    let count = 0;
    for await (const record of consumer) {
      // record: { topic, partition, offset, timestamp, key, value, headers, ... }
      perPartition[record.partition]! += 1;
      count += 1;
      if (count === messages.length) break; // breaking leaves the consumer open
    }
    const positions = consumer.assignment().map((tp) => consumer.position(tp));
    await consumer.close();
    return { count, perPartition, positions };
  } finally {
    tributary.close();
  }
}

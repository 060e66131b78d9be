// Produce record by record: the producer batches per partition (lingerMs, batchBytes) and sends per leader.
import { Tributary } from '../../client/index.js';

export async function main(bootstrap: string) {
  const tributary = new Tributary({ bootstrap });
  try {
    await tributary.admin().createTopic({ name: 'page-views', partitions: 3 });
    const producer = tributary.producer({ lingerMs: 5 });
    // Each produce() resolves with the record's { topic, partition, offset, timestamp } once acknowledged.
    const written = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        producer.produce({ topic: 'page-views', key: `page-${i % 10}`, value: `view ${i}` }),
      ),
    );
    await producer.close(); // flushes what is still batched, then stops
    return written;
  } finally {
    tributary.close();
  }
}

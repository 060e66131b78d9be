// Produce: keys pick the partition (murmur2, as Kafka does), or name one explicitly.
import { Tributary } from '../../client/index.js';

export async function main(bootstrap: string) {
  const tributary = new Tributary({ bootstrap });
  try {
    await tributary.admin().createTopic({ name: 'payments', partitions: 2 });
    const producer = tributary.producer({ acks: 'all', compression: 'gzip' });
    const acks = await producer.send({
      topic: 'payments',
      messages: [
        { key: 'account-1', value: JSON.stringify({ amount: 10 }), headers: { source: 'web' } },
        { key: 'account-1', value: JSON.stringify({ amount: -3 }) },
        { value: 'audit', partition: 1, timestamp: Date.UTC(2024, 0, 1) },
      ],
    });
    // One ack per partition written: [{ partition, baseOffset, lastOffset, logAppendTimeMs }]
    return acks;
  } finally {
    tributary.close();
  }
}

// Topics: create with configs, describe, read offsets, list.
import { Tributary } from '../../client/index.js';

export async function main(bootstrap: string) {
  const tributary = new Tributary({ bootstrap });
  try {
    const admin = tributary.admin();
    await admin.createTopic({
      name: 'orders',
      partitions: 4,
      configs: { 'retention.ms': String(7 * 24 * 3600_000) },
    });

    const description = await admin.describeTopic('orders');
    const offsets = await admin.fetchTopicOffsets('orders'); // [{ partition, low, high }]
    const names = (await admin.listTopics()).map((t) => t.name);
    const cluster = await admin.describeCluster();

    return {
      partitions: description.partitions.length,
      configs: description.configs,
      offsets,
      listed: names.includes('orders'),
      brokers: cluster.brokers.length,
    };
  } finally {
    tributary.close();
  }
}

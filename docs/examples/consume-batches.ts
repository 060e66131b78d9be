// Consume with a batch handler: `run` calls it for the ready records of one partition at a time.
import { Tributary } from '../../client/index.js';

export async function main(bootstrap: string) {
  const tributary = new Tributary({ bootstrap });
  try {
    await tributary.admin().createTopic({ name: 'metrics', partitions: 2 });
    const messages = Array.from({ length: 5000 }, (_, i) => ({ value: String(i), partition: i % 2 }));
    await tributary.producer().send({ topic: 'metrics', messages });

    const consumer = tributary.consumer();
    await consumer.assign({ topic: 'metrics' }); // all partitions, from 'earliest'
    let sum = 0;
    let records = 0;
    const lag = [0, 0];
    await consumer.run({
      eachBatch: async ({ partition, records: batch, highWatermark }) => {
        for (const record of batch) sum += Number(record.value);
        records += batch.length;
        lag[partition] = highWatermark - (batch.at(-1)!.offset + 1); // still to read in this partition
        if (records === messages.length) await consumer.close(); // run() resolves
      },
    });
    return { records, sum, lag };
  } finally {
    tributary.close();
  }
}

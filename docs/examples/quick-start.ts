// Create a topic, write three records, read them back.
import { Tributary } from '../../client/index.js';

export async function main(bootstrap: string): Promise<string[]> {
  const tributary = new Tributary({ bootstrap });
  try {
    await tributary.admin().createTopic({ name: 'greetings', partitions: 3 });
    await tributary.producer().send({
      topic: 'greetings',
      messages: [
        { key: 'alice', value: 'hello' },
        { key: 'bob', value: 'hi' },
        { key: 'carol', value: 'hey' },
      ],
    });

    const consumer = tributary.consumer();
    await consumer.assign({ topic: 'greetings', from: 'earliest' });
    const seen: string[] = [];
    for await (const record of consumer) {
      seen.push(`${record.key?.toString()}: ${record.value?.toString()}`);
      if (seen.length === 3) break;
    }
    await consumer.close();
    return seen.sort();
  } finally {
    tributary.close();
  }
}

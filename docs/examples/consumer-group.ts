// Consumers sharing a group id split a topic's partitions; the group remembers how far they got.
import { Tributary } from '../../client/index.js';

export async function main(bootstrap: string) {
  const tributary = new Tributary({ bootstrap });
  await tributary.admin().createTopic({ name: 'jobs', partitions: 4 });
  const producer = tributary.producer();
  const messages = Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `job ${i}` }));
  await producer.send({ topic: 'jobs', messages });

  const done = new Set<string>();
  const worker = (name: string) => {
    // Auto-commit (every 5 s, on rebalance and on close) stores what was processed.
    const consumer = tributary.consumer({ groupId: 'workers', instanceId: name });
    consumer.subscribe('jobs', {
      listener: {
        onPartitionsAssigned: (ps) =>
          console.log(
            name,
            'starts',
            ps.map((p) => p.partition),
          ),
        onPartitionsRevoked: (ps) =>
          console.log(
            name,
            'hands over',
            ps.map((p) => p.partition),
          ),
      },
    });
    const running = consumer.run({ eachRecord: (r) => void done.add(r.value!.toString()) });
    return { consumer, running };
  };
  const workers = [worker('worker-0'), worker('worker-1')];
  while (done.size < messages.length) await new Promise((r) => setTimeout(r, 50));

  for (const w of workers) await w.consumer.close(); // leaves the group, committing
  const lag = await tributary.admin().describeGroup('workers');
  tributary.close();
  return { processed: done.size, lag: lag.reduce((sum, p) => sum + p.lag, 0) };
}

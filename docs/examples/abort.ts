// Every call that can wait takes an AbortSignal.
import { Tributary } from '../../client/index.js';

export async function main(bootstrap: string) {
  const tributary = new Tributary({ bootstrap });
  try {
    await tributary.admin().createTopic({ name: 'quiet', partitions: 1 });

    // The whole consumer: aborting closes it and ends its loops.
    const shutdown = new AbortController();
    const consumer = tributary.consumer({ signal: shutdown.signal });
    await consumer.assign({ topic: 'quiet', from: 'latest' }, { signal: AbortSignal.timeout(5_000) });

    // One wait: undefined when the signal fires before a record arrives.
    const record = await consumer.next({ signal: AbortSignal.timeout(200) });

    // A run: resolves when its signal aborts (the consumer stays open).
    await consumer.run({ eachRecord: () => {}, signal: AbortSignal.timeout(200) });

    shutdown.abort();
    return { record, closed: (await consumer.next()) === undefined };
  } finally {
    tributary.close();
  }
}

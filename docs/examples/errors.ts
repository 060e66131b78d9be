// Errors are TributaryError instances with a stable `reason` and a `retriable` flag.
import { Tributary, TributaryError } from '../../client/index.js';

export async function main(bootstrap: string) {
  const tributary = new Tributary({ bootstrap });
  const seen: Array<{ reason: string; retriable: boolean }> = [];
  try {
    try {
      await tributary.producer().send({ topic: 'no-such-topic', messages: [{ value: 'x' }] });
    } catch (err) {
      if (!(err instanceof TributaryError)) throw err;
      seen.push({ reason: err.reason, retriable: err.retriable }); // UNKNOWN_TOPIC, false
    }

    await tributary.admin().createTopic({ name: 'ledger', partitions: 1 });
    const consumer = tributary.consumer();
    await consumer.assign([{ topic: 'ledger', partition: 0, from: { offset: 42 } }]);
    try {
      await consumer.next(); // the partition's failure is thrown from next(), the iteration or run()
    } catch (err) {
      if (!(err instanceof TributaryError)) throw err;
      seen.push({ reason: err.reason, retriable: err.retriable }); // OFFSET_OUT_OF_RANGE, false
      consumer.seek({ topic: 'ledger', partition: 0, offset: 0 }); // recover: move back into range
    }
    await consumer.close();
    return seen;
  } finally {
    tributary.close();
  }
}

// What the client handles by itself (a failed auto-commit, a reconnect, a rebalance) is logged and emitted.
import { type Logger, type RebalanceEvent, Tributary } from '../../client/index.js';

export async function main(bootstrap: string) {
  const tributary = new Tributary({ bootstrap });
  await tributary.admin().createTopic({ name: 'audit', partitions: 2 });
  const lines: string[] = [];
  const logger: Logger = {
    debug: () => {},
    info: (msg) => lines.push(msg),
    warn: (msg, fields) => console.warn(msg, fields),
    error: (msg, fields) => console.error(msg, fields),
  };
  const consumer = tributary.consumer({ groupId: 'auditors', logger });
  consumer.on('commitFailed', (e) => console.warn('commit failed', e.error.reason, e.auto));
  consumer.on('reconnect', (e) => console.warn(`${e.topic}[${e.partition}] reconnects in ${e.delayMs} ms`));
  const assigned = new Promise<RebalanceEvent>((resolve) => {
    const off = consumer.on('rebalance', (e) => {
      if (e.type !== 'assigned') return;
      off();
      resolve(e);
    });
  });
  consumer.subscribe('audit');
  const event = await assigned;
  await consumer.close();
  tributary.close();
  return { partitions: event.partitions.map((p) => p.partition).sort(), logged: lines.length > 0 };
}

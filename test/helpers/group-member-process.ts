/**
 * A consumer-group member as its own process, for the group fault test (test/fault/consumer-groups.test.ts):
 * it subscribes, processes records one at a time, and appends one JSON line per event to its log file
 * (synchronously, so a line written survives a kill -9 of this process):
 *
 *   {"e":"assigned"|"revoked"|"lost","ps":[partitions],"t":ms,"epoch":n}
 *   {"e":"rec","p":partition,"o":offset,"id":"...","t":ms,"epoch":n}
 *
 * A record counts as processed once its line is written. Auto-commit runs every 200 ms. SIGTERM closes
 * the consumer (it leaves the group, committing) and exits 0.
 *
 * Environment: BOOTSTRAP, GROUP, TOPIC, LOG, and optionally INSTANCE_ID.
 */
import { appendFileSync } from 'node:fs';
import { Tributary } from '../../client/index.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined || v === '') throw new Error(`${name} is not set`);
  return v;
};

const log = env('LOG');
const write = (line: object) => appendFileSync(log, `${JSON.stringify(line)}\n`);
const client = new Tributary({ bootstrap: env('BOOTSTRAP') });
const instanceId = process.env['INSTANCE_ID'];
const consumer = client.consumer({
  groupId: env('GROUP'),
  autoCommitIntervalMs: 200,
  rebalanceTimeoutMs: 10_000,
  ...(instanceId ? { instanceId } : {}),
});
const epoch = () => consumer.groupMember()?.memberEpoch ?? -1;
const event = (e: string) => (ps: Array<{ partition: number }>) =>
  write({ e, ps: ps.map((p) => p.partition), t: Date.now(), epoch: epoch() });

consumer.subscribe(env('TOPIC'), {
  listener: {
    onPartitionsAssigned: event('assigned'),
    onPartitionsRevoked: event('revoked'),
    onPartitionsLost: event('lost'),
  },
});

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void consumer
    .close()
    .then(() => client.close())
    .finally(() => process.exit(0));
});

write({ e: 'started', t: Date.now(), pid: process.pid });
consumer
  .run({
    eachRecord: (r) => {
      write({
        e: 'rec',
        p: r.partition,
        o: r.offset,
        id: r.value?.toString() ?? '',
        t: Date.now(),
        epoch: epoch(),
      });
    },
  })
  .catch((err: unknown) => {
    write({ e: 'error', message: String(err), t: Date.now() });
    process.exit(1);
  });

import type { Consumer, Producer, Tributary } from '../../client/index.js';
import { sleep } from '../../kit/sleep.js';
import { waitFor } from './cluster.js';
import {
  checkRecords,
  type ReadRecord,
  type RecordFigures,
  readPartition,
  Violations,
} from './fault-checker.js';
import type { TimedAck } from './roll-figures.js';

/**
 * The workload a rolling update runs under (test/e2e/rolling-update.test.ts, test/bench/): one idempotent
 * acks=all producer, paced, round-robin over the partitions; a consumer group processing everything.
 */
export interface RollWorkloadOptions {
  topic: string;
  partitions: number;
  groupId: string;
  ratePerSec: number;
  inFlightMax: number;
  /**
   * Producer retries (default the producer's, 5). A case that kills a leader with kill -9 raises it: the
   * partition has no leader until the controller sees the broker gone, and the delivery timeout (60 s)
   * then bounds the retries, as Kafka's producer does by default.
   */
  retries?: number;
}

export interface RollWorkload {
  readonly acked: TimedAck[];
  /** Errors the producer surfaced to the application. */
  readonly errors: string[];
  /** Record ids the group processed. */
  readonly processed: Set<string>;
  /** Stops producing and waits for every record in flight to be acknowledged or failed. */
  stopProducing(): Promise<void>;
  /** Stops producing, disconnects the producer, closes the consumer. */
  close(): Promise<void>;
}

export function startRollWorkload(client: Tributary, options: RollWorkloadOptions): RollWorkload {
  if (options.partitions < 1 || options.ratePerSec <= 0 || options.inFlightMax < 1) {
    throw new RangeError('a roll workload needs a partition, a positive rate and room in flight');
  }
  const acked: TimedAck[] = [];
  const errors: string[] = [];
  let producing = true;
  const producer: Producer = client.producer({
    acks: 'all',
    deliveryTimeoutMs: 60_000,
    ...(options.retries === undefined ? {} : { retries: options.retries }),
  });
  const inflight = new Set<Promise<void>>();
  const produceLoop = (async () => {
    for (let seq = 0; producing; seq++) {
      await sleep(1000 / options.ratePerSec);
      while (inflight.size >= options.inFlightMax) await Promise.race(inflight);
      const id = `p-${seq}`;
      const partition = seq % options.partitions;
      const sentAtMs = Date.now();
      const work = producer.produce({ topic: options.topic, partition, value: id }).then(
        (m) => {
          acked.push({
            id,
            producer: 'p',
            seq,
            partition,
            offset: m.offset,
            ackedAtMs: Date.now(),
            sentAtMs,
          });
        },
        (err: unknown) => {
          errors.push(`${id}: ${String(err)}`);
        },
      );
      inflight.add(work);
      void work.finally(() => inflight.delete(work));
    }
  })();
  const processed = new Set<string>();
  const consumer: Consumer = client.consumer({ groupId: options.groupId, autoCommitIntervalMs: 200 });
  consumer.subscribe(options.topic);
  const consuming = consumer.run({
    eachRecord: (r) => {
      processed.add(r.value?.toString() ?? '');
    },
  });
  return {
    acked,
    errors,
    processed,
    async stopProducing() {
      producing = false;
      await produceLoop;
      await Promise.allSettled([...inflight]);
    },
    async close() {
      producing = false;
      await produceLoop.catch(() => undefined);
      producer.disconnect();
      await consumer.close();
      await consuming.catch(() => undefined);
    },
  };
}

/** Creates `options.topic` (replication factor 3, min.insync.replicas 2) and starts the workload on it. */
export async function startWorkloadOnNewTopic(
  client: Tributary,
  options: RollWorkloadOptions,
): Promise<RollWorkload> {
  await client.admin().createTopic({
    name: options.topic,
    partitions: options.partitions,
    replicationFactor: 3,
    configs: { 'min.insync.replicas': '2' },
  });
  return startRollWorkload(client, options);
}

/**
 * The end of a workload: stops producing, waits until the group processed every acknowledged record, reads
 * every partition back and checks the records against the acknowledgements (fault-checker.ts, checks 1-3).
 */
export async function drainAndCheck(
  client: Tributary,
  workload: RollWorkload,
  options: Pick<RollWorkloadOptions, 'topic' | 'partitions'>,
  timeoutMs = 120_000,
): Promise<{ figures: RecordFigures; violations: string[] }> {
  const { acked, processed } = workload;
  await workload.stopProducing();
  await waitFor(
    'every acknowledged record processed by the group',
    () => (acked.every((a) => processed.has(a.id)) ? true : undefined),
    timeoutMs,
  );
  const logs = new Map<number, ReadRecord[]>();
  for (let p = 0; p < options.partitions; p++) logs.set(p, await readPartition(client, options.topic, p));
  const v = new Violations();
  const figures = checkRecords(acked, logs, v);
  return { figures, violations: v.list };
}

/**
 * One idempotent SDK producer writing uniquely identified records (`sdk0-<seq>|`, fault-workload.ts's id
 * format, so fault-checker.ts can read them back) as fast as `inFlightMax` unacknowledged records allow,
 * round robin over `partitions`. For fault tests that time one producer's stall precisely.
 */
import type { Tributary } from '../../client/index.js';
import { sleep } from '../../kit/sleep.js';
import type { AckedRecord, FailedRecord, WorkloadResult } from './fault-workload.js';

export interface SdkWriter {
  readonly acked: AckedRecord[];
  readonly failed: FailedRecord[];
  /** When each id was handed to produce(). */
  readonly sentAtMs: Map<string, number>;
  /** Stops sending, settles what is in flight, disconnects; the workload result for the checker. */
  stop(): Promise<WorkloadResult>;
}

export function startSdkWriter(opts: {
  client: Tributary;
  topic: string;
  partitions: number;
  inFlightMax?: number;
}): SdkWriter {
  const producer = opts.client.producer({
    acks: 'all',
    lingerMs: 2,
    retries: 50,
    deliveryTimeoutMs: 120_000,
  });
  const acked: AckedRecord[] = [];
  const failed: FailedRecord[] = [];
  const sentAtMs = new Map<string, number>();
  const pending = new Set<Promise<void>>();
  const inFlightMax = opts.inFlightMax ?? 32;
  let stopped = false;
  const loop = (async () => {
    for (let seq = 0; !stopped; seq++) {
      const id = `sdk0-${seq}`;
      const partition = seq % opts.partitions;
      sentAtMs.set(id, Date.now());
      const work = producer.produce({ topic: opts.topic, partition, value: `${id}|` }).then(
        (m) => {
          acked.push({ id, producer: 'sdk0', seq, partition, offset: m.offset, ackedAtMs: Date.now() });
        },
        (err: { reason?: string }) => {
          failed.push({ id, producer: 'sdk0', partition, reason: err.reason ?? 'UNKNOWN' });
        },
      );
      const tracked = work.finally(() => pending.delete(tracked));
      pending.add(tracked);
      while (pending.size >= inFlightMax && !stopped) await Promise.race(pending);
      await sleep(10);
    }
  })();
  return {
    acked,
    failed,
    sentAtMs,
    stop: async () => {
      stopped = true;
      await loop;
      await Promise.allSettled([...pending]);
      await producer.flush();
      const sdkRetries = producer.stats.retries;
      producer.disconnect();
      return {
        topic: opts.topic,
        partitions: opts.partitions,
        acked: [...acked],
        failed: [...failed],
        unsettled: [],
        sent: sentAtMs.size,
        sdkRetries,
      };
    },
  };
}

/**
 * The write workload of the fault suite: producers with acks=all writing records whose value starts with
 * a unique id (`<producer>-<sequence>`), continuously, while a test injects faults. It records every
 * acknowledged record (partition, offset, id, and for the raw producers the leader epoch and leader id
 * the broker answered with) and every failure with its reason; fault-checker.ts then reads the cluster
 * back and holds it to those acknowledgements.
 *
 * Three kinds of producer:
 * - SDK producer `sdk0`: idempotent (the SDK's default with acks=all) and retrying (up to SDK_RETRIES
 *   times within the delivery timeout). A retried batch keeps its producer id and sequence numbers, so
 *   the leader must write it once: the checker's "no id twice" holds it to that.
 * - SDK producer `sdk1`: not idempotent and not retrying (`retries: 0`). Without idempotence a retried
 *   batch may land twice (the client's documented at-least-once behaviour, not a broker fault); with no
 *   retries every id is sent once, so a duplicate of one of its ids is the cluster's doing.
 *   Both are pipelined and spread their records over the partitions.
 * - Raw producers, one per partition, one record per unary Produce call to the partition's leader as the
 *   cluster last described it. The SDK's acknowledgement carries no leader epoch; the raw response does
 *   (PartitionProduceResponse.leader_epoch and leader_id), which is what "no two brokers acknowledged
 *   writes as leader in the same epoch" is checked against.
 *
 * Everything is bounded: a rate per producer, records in flight per producer, deadlines on every call,
 * and a stop() that waits a limited time for what is still in flight.
 */
import type { ServiceError } from '@grpc/grpc-js';
import { type Producer, Tributary, type TributaryError } from '../../client/index.js';
import { GrpcCode } from '../../proto/errors.js';
import type { ProduceResponse__Output } from '../../proto/generated/tributary/v1/ProduceResponse.js';
import { type ClusterView, callWithin, type FaultCluster } from './fault-cluster.js';

export interface AckedRecord {
  id: string;
  producer: string;
  seq: number;
  partition: number;
  offset: number;
  /** Raw producers only: the leader epoch and leader the broker acknowledged under. */
  leaderEpoch?: number;
  leaderId?: number;
  ackedAtMs: number;
}

export interface FailedRecord {
  id: string;
  producer: string;
  partition: number;
  reason: string;
}

export interface WorkloadResult {
  topic: string;
  partitions: number;
  acked: AckedRecord[];
  failed: FailedRecord[];
  /** Ids sent but neither acknowledged nor failed when stop() gave up waiting. */
  unsettled: string[];
  /** Every id ever sent (acknowledged, failed or unsettled). */
  sent: number;
  /** Batches the idempotent SDK producers sent again after a retriable failure. */
  sdkRetries: number;
}

export interface WorkloadOptions {
  topic: string;
  partitions: number;
  /** Client bootstrap, in the order to try (put a broker about to be faulted last). */
  bootstrap: string;
  /** Used by the raw producers to find leaders. */
  view: ClusterView;
  cluster: FaultCluster;
  /** Brokers the raw producers ask for leaders (default: all). */
  describeFrom?: () => number[];
  /** SDK producers: even ones idempotent and retrying, odd ones neither (see the top of this file). */
  sdkProducers?: number;
  /** Records per second per SDK producer. */
  sdkRatePerSec?: number;
  /** Unacknowledged records per SDK producer. */
  sdkInFlightMax?: number;
  /** Requests per second per raw producer (one per partition). */
  rawRatePerSec?: number;
  /** Bytes of padding after the id in each value (fills a disk faster). */
  padBytes?: number;
  /** Prefix of the producer names, so several workloads on one topic never share an id. */
  name?: string;
}

const REQUEST_TIMEOUT_MS = 5000;
/** How long the broker may hold an acks=all request waiting for the ISR. */
const ACKS_TIMEOUT_MS = 4000;
const DELIVERY_TIMEOUT_MS = 12_000;
/** Re-sends of a batch by the idempotent SDK producer (within DELIVERY_TIMEOUT_MS). */
const SDK_RETRIES = 10;
const STOP_WAIT_MS = 20_000;

/** The id at the front of a value written by this workload. */
export function idOf(value: Buffer | null | undefined): string {
  const text = value?.toString('utf8') ?? '';
  const bar = text.indexOf('|');
  return bar < 0 ? text : text.slice(0, bar);
}

export function parseId(id: string): { producer: string; seq: number } {
  const dash = id.lastIndexOf('-');
  return { producer: id.slice(0, dash), seq: Number(id.slice(dash + 1)) };
}

function reasonName(err: unknown): string {
  const e = err as TributaryError & { reasonName?: string };
  if (typeof e?.reasonName === 'string') return e.reasonName;
  if (typeof e?.reason === 'string') return e.reason;
  const se = err as ServiceError;
  const reason = se?.metadata?.get?.('tributary-reason')?.[0];
  if (reason !== undefined) return String(reason);
  if (typeof se?.code === 'number') {
    const name = Object.entries(GrpcCode).find(([, code]) => code === se.code)?.[0];
    return name ?? `GRPC_${se.code}`;
  }
  return 'UNKNOWN';
}

export class Workload {
  readonly acked: AckedRecord[] = [];
  readonly failed: FailedRecord[] = [];
  private readonly inflight = new Map<string, Promise<void>>();
  private sent = 0;
  private stopped = false;
  private stopping: Promise<WorkloadResult> | undefined;
  private readonly loops: Promise<void>[] = [];
  private readonly client: Tributary;
  private readonly producers: Producer[] = [];
  private readonly ackWaiters = new Set<() => void>();
  private readonly leaders = new Map<number, number>();
  private readonly pad: string;

  constructor(private readonly opts: WorkloadOptions) {
    this.pad = opts.padBytes ? `|${'x'.repeat(opts.padBytes)}` : '';
    this.client = new Tributary({
      bootstrap: opts.bootstrap,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      ...(opts.cluster.tls === undefined ? {} : { tls: opts.cluster.tls }),
    });
  }

  start(): this {
    const sdk = this.opts.sdkProducers ?? 2;
    for (let i = 0; i < sdk; i++) {
      const producer = this.client.producer({
        acks: 'all',
        ...(i % 2 === 0 ? { retries: SDK_RETRIES } : { idempotent: false, retries: 0 }),
        deliveryTimeoutMs: DELIVERY_TIMEOUT_MS,
        timeoutMs: ACKS_TIMEOUT_MS,
        lingerMs: 2,
      });
      this.producers.push(producer);
      this.loops.push(this.sdkLoop(producer, `${this.opts.name ?? ''}sdk${i}`));
    }
    for (let p = 0; p < this.opts.partitions; p++)
      this.loops.push(this.rawLoop(p, `${this.opts.name ?? ''}raw${p}`));
    return this;
  }

  /** Resolves once `count` more records than now are acknowledged; fails after `timeoutMs`. */
  async waitForMoreAcks(count: number, timeoutMs = 20_000): Promise<void> {
    const target = this.acked.length + count;
    const deadline = Date.now() + timeoutMs;
    while (this.acked.length < target) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `workload: ${this.acked.length} acknowledged, wanted ${target} within ${timeoutMs} ms; failures: ${JSON.stringify(failureCounts(this.failed))}`,
        );
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, Math.min(left, 200));
        function done() {
          clearTimeout(t);
          resolve();
        }
        this.ackWaiters.add(done);
      });
    }
  }

  /** Stops sending, waits (boundedly) for what is in flight, closes the client. Idempotent. */
  stop(): Promise<WorkloadResult> {
    this.stopping ??= this.finish();
    return this.stopping;
  }

  private async finish(): Promise<WorkloadResult> {
    this.stopped = true;
    await Promise.all(this.loops);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inflight.values()]),
      new Promise((r) => {
        timer = setTimeout(r, STOP_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    const unsettled = [...this.inflight.keys()];
    for (const p of this.producers) p.disconnect();
    this.client.close();
    return {
      topic: this.opts.topic,
      partitions: this.opts.partitions,
      acked: [...this.acked],
      failed: [...this.failed],
      unsettled,
      sent: this.sent,
      sdkRetries: this.producers.reduce((n, p) => n + p.stats.retries, 0),
    };
  }

  private ack(record: AckedRecord): void {
    this.acked.push(record);
    if (this.ackWaiters.size > 0) {
      const waiting = [...this.ackWaiters];
      this.ackWaiters.clear();
      for (const w of waiting) w();
    }
  }

  private track(id: string, work: Promise<void>): Promise<void> {
    this.sent++;
    const p = work.finally(() => this.inflight.delete(id));
    this.inflight.set(id, p);
    return p;
  }

  private async sdkLoop(producer: Producer, name: string): Promise<void> {
    const rate = this.opts.sdkRatePerSec ?? 400;
    const inFlightMax = this.opts.sdkInFlightMax ?? 64;
    const mine = new Set<Promise<void>>();
    const pace = pacer(rate);
    for (let seq = 0; !this.stopped; seq++) {
      // At most `rate` a second (no catching up after a stall), and at most inFlightMax unacknowledged.
      await pace();
      while (mine.size >= inFlightMax && !this.stopped) await Promise.race(mine);
      if (this.stopped) break;
      const id = `${name}-${seq}`;
      const partition = seq % this.opts.partitions;
      const work = producer.produce({ topic: this.opts.topic, partition, value: id + this.pad }).then(
        (m) =>
          this.ack({
            id,
            producer: name,
            seq,
            partition: m.partition,
            offset: m.offset,
            ackedAtMs: Date.now(),
          }),
        (err) => {
          this.failed.push({ id, producer: name, partition, reason: reasonName(err) });
        },
      );
      const tracked = this.track(id, work);
      mine.add(tracked);
      void tracked.finally(() => mine.delete(tracked));
    }
  }

  /** The leader of `partition` as the brokers describe it (highest epoch wins), cached until a failure. */
  private async leaderOf(partition: number): Promise<number> {
    const cached = this.leaders.get(partition);
    if (cached !== undefined) return cached;
    const ids = this.opts.describeFrom?.() ?? [...Array(this.opts.cluster.size).keys()];
    const described = await this.opts.view.describe(this.opts.topic, ids);
    for (const p of described) if (p.leader >= 0) this.leaders.set(p.partition, p.leader);
    const leader = this.leaders.get(partition);
    if (leader === undefined) throw Object.assign(new Error('no leader'), { reason: 'LEADER_NOT_AVAILABLE' });
    return leader;
  }

  private async rawLoop(partition: number, name: string): Promise<void> {
    const rate = this.opts.rawRatePerSec ?? 50;
    const pace = pacer(rate);
    let seq = 0;
    while (!this.stopped) {
      await pace();
      if (this.stopped) break;
      let leader: number;
      try {
        leader = await this.leaderOf(partition);
      } catch {
        continue; // no leader known right now: nothing sent, the pacing paces the retry
      }
      const id = `${name}-${seq}`;
      await this.track(id, this.rawSend(leader, partition, name, seq, id));
      seq++;
    }
  }

  private async rawSend(
    leader: number,
    partition: number,
    name: string,
    seq: number,
    id: string,
  ): Promise<void> {
    const result = await produceOne(this.opts.view, leader, this.opts.topic, partition, id + this.pad);
    if ('error' in result) {
      this.leaders.delete(partition);
      this.failed.push({ id, producer: name, partition, reason: result.error });
      return;
    }
    this.ack({
      id,
      producer: name,
      seq,
      partition,
      offset: result.offset,
      leaderEpoch: result.leaderEpoch,
      leaderId: result.leaderId,
      ackedAtMs: Date.now(),
    });
  }
}

export type RawProduceResult = { offset: number; leaderEpoch: number; leaderId: number } | { error: string };

/** One acks=all Produce of one record to broker `brokerId`, answered with what the broker said. */
export async function produceOne(
  view: ClusterView,
  brokerId: number,
  topic: string,
  partition: number,
  value: string,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<RawProduceResult> {
  try {
    const res = await callWithin<ProduceResponse__Output>(
      view.stub(brokerId).client,
      'Produce',
      {
        acks: 'ACKS_ALL',
        timeout_ms: Math.min(ACKS_TIMEOUT_MS, timeoutMs),
        topics: [{ topic, partitions: [{ partition, records: [{ value: Buffer.from(value) }] }] }],
      },
      timeoutMs,
    );
    const p = res.topics[0]?.partitions[0];
    if (p === undefined) return { error: 'NO_ANSWER' };
    if (p.error) return { error: p.error.reason };
    return { offset: Number(p.base_offset), leaderEpoch: p.leader_epoch, leaderId: p.leader_id };
  } catch (err) {
    return { error: reasonName(err) };
  }
}

/** Resolves at most `ratePerSec` times a second; time lost in a stall is not made up with a burst. */
function pacer(ratePerSec: number): () => Promise<void> {
  const intervalMs = 1000 / ratePerSec;
  let nextMs = Date.now();
  return async () => {
    const waitMs = nextMs - Date.now();
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
    nextMs = Math.max(nextMs, Date.now()) + intervalMs;
  };
}

/** The results of workloads that ran one after another on the same topic, as one. */
export function mergeResults(results: readonly WorkloadResult[]): WorkloadResult {
  const first = results[0];
  if (first === undefined) throw new Error('no workload results to merge');
  return {
    topic: first.topic,
    partitions: first.partitions,
    acked: results.flatMap((r) => r.acked),
    failed: results.flatMap((r) => r.failed),
    unsettled: results.flatMap((r) => r.unsettled),
    sent: results.reduce((n, r) => n + r.sent, 0),
    sdkRetries: results.reduce((n, r) => n + r.sdkRetries, 0),
  };
}

/** Failures by reason, most frequent first. */
export function failureCounts(failed: readonly FailedRecord[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const f of failed) counts.set(f.reason, (counts.get(f.reason) ?? 0) + 1);
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]));
}

export function startWorkload(opts: WorkloadOptions): Workload {
  return new Workload(opts).start();
}

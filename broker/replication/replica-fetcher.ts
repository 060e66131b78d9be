import { type BackoffPolicy, backoffDelayMs } from '../../kit/backoff.js';
import { isErrorReason, TributaryError } from '../../proto/errors.js';
import type { ReplicaFetchPartition } from '../../proto/generated/tributary/v1/ReplicaFetchPartition.js';
import type { ReplicaFetchPartitionResponse__Output } from '../../proto/generated/tributary/v1/ReplicaFetchPartitionResponse.js';
import type { ReplicaFetchResponse__Output } from '../../proto/generated/tributary/v1/ReplicaFetchResponse.js';
import type { ReplicationServiceClient } from '../../proto/generated/tributary/v1/ReplicationService.js';
import type { Logger } from '../logger.js';
import type { Partition } from './partition.js';
import { callPeer } from './peers.js';
import type { ReplicationThrottle } from './replication-throttle.js';

const FAILURE_BACKOFF_MS_MAX = 2_000;

export interface FetcherDeps {
  readonly brokerId: number;
  brokerEpoch(): number;
  /** The client for the leader at its last known address, or undefined if it was never seen. */
  client(leaderId: number): ReplicationServiceClient | undefined;
  /** Runs `fn` for a partition exclusively with its state changes (ReplicaManager's per-partition lane). */
  exclusive<T>(partition: Partition, fn: () => Promise<T>): Promise<T>;
  readonly logger: Logger;
  readonly maxWaitMs: number;
  readonly maxBytes: number;
  readonly partitionMaxBytes: number;
  readonly backoffMs: number;
  /** Paces the partitions this broker is being added to by a move (absent: none). */
  readonly throttle?: ReplicationThrottle;
}

/**
 * The follower side of replication for every partition led by one broker: a loop of long-poll
 * ReplicaFetch calls (one per round, covering all those partitions), appending what comes back as is.
 * When the leader says our log diverges (a leader-epoch mismatch, KIP-320) it truncates exactly the
 * divergent suffix and goes on from there.
 */
export class ReplicaFetcher {
  private readonly partitions = new Map<Partition, { epoch: number }>();
  private running = true;
  private wakeUp: (() => void) | undefined;
  private readonly loop: Promise<void>;

  /** After failed fetches: backoffMs doubling up to 16 times it, never past 2 s. */
  private readonly failureBackoff: BackoffPolicy;

  constructor(
    readonly leaderId: number,
    private readonly deps: FetcherDeps,
  ) {
    const maxMs = Math.min(FAILURE_BACKOFF_MS_MAX, deps.backoffMs * 16);
    this.failureBackoff = { baseMs: Math.min(deps.backoffMs, maxMs), maxMs };
    this.loop = this.run();
  }

  get size(): number {
    return this.partitions.size;
  }

  add(partition: Partition): void {
    this.partitions.set(partition, { epoch: partition.leaderEpoch });
    this.wakeUp?.();
  }

  remove(partition: Partition): void {
    this.partitions.delete(partition);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      const following = [...this.partitions].filter(
        ([p, s]) => p.role === 'follower' && p.state.leader === this.leaderId && p.leaderEpoch === s.epoch,
      );
      // Partitions copied for a move wait while the throttle is in debt; the others never wait.
      const throttle = this.deps.throttle;
      const allowance = throttle?.allowanceBytes() ?? Number.POSITIVE_INFINITY;
      const throttled = (p: Partition) => throttle?.isThrottled(p) === true;
      const targets = following.filter(([p]) => !throttled(p) || allowance > 0);
      const held = targets.length < following.length;
      const client = this.deps.client(this.leaderId);
      if (targets.length === 0 || client === undefined) {
        const idleMs = targets.length > 0 ? this.deps.backoffMs : held ? throttle!.waitMs() : 1000;
        await this.idle(Math.max(1, idleMs));
        continue;
      }
      const request = targets.map(
        ([p, s]): ReplicaFetchPartition => ({
          topic: p.topic,
          partition: p.index,
          current_leader_epoch: s.epoch,
          fetch_offset: String(p.logEndOffset),
          last_fetched_epoch: p.log.epochs.latestEpoch,
          max_bytes: throttled(p)
            ? Math.min(this.deps.partitionMaxBytes, allowance)
            : this.deps.partitionMaxBytes,
        }),
      );
      // A held partition must not wait out a long poll of the others once the throttle allows it again.
      const maxWaitMs = held
        ? Math.max(1, Math.min(this.deps.maxWaitMs, throttle!.waitMs()))
        : this.deps.maxWaitMs;
      let response: ReplicaFetchResponse__Output;
      try {
        response = await callPeer<ReplicaFetchResponse__Output>(
          client.ReplicaFetch.bind(client) as never,
          {
            replica_id: this.deps.brokerId,
            broker_epoch: String(this.deps.brokerEpoch()),
            max_wait_ms: maxWaitMs,
            min_bytes: 1,
            max_bytes: this.deps.maxBytes,
            partitions: request,
          },
          this.deps.maxWaitMs + 10_000,
        );
        failures = 0;
      } catch (err) {
        failures++;
        if (failures === 1 || failures % 50 === 0) {
          this.deps.logger.warn(
            { leader: this.leaderId, err: (err as Error).message },
            'replica fetch failed',
          );
        }
        await this.idle(backoffDelayMs(failures, this.failureBackoff));
        continue;
      }
      const byKey = new Map(targets.map(([p, s]) => [`${p.topic}\u0000${p.index}`, { p, s }]));
      let backoff = false;
      for (const r of response.partitions) {
        const t = byKey.get(`${r.topic}\u0000${r.partition}`);
        // Gone to another fetcher meanwhile (its move began or ended): that one fetches it from here on.
        if (t === undefined || !this.partitions.has(t.p)) continue;
        if (throttled(t.p)) throttle!.spent(r.batches.length);
        try {
          const retryLater = await this.deps.exclusive(t.p, () => this.handle(t.p, t.s.epoch, r));
          if (retryLater) backoff = true;
        } catch (err) {
          backoff = true;
          this.deps.logger.error(
            { topic: t.p.topic, partition: t.p.index, err },
            'applying replicated data failed',
          );
        }
      }
      if (backoff) await this.idle(this.deps.backoffMs);
    }
  }

  /** Applies one partition's answer; true when that partition should wait before the next fetch. */
  private async handle(
    p: Partition,
    epoch: number,
    r: ReplicaFetchPartitionResponse__Output,
  ): Promise<boolean> {
    // The partition may have changed role or epoch while the fetch was in flight: drop stale answers.
    if (p.role !== 'follower' || p.leaderEpoch !== epoch || p.state.leader !== this.leaderId) return false;
    if (r.error) {
      const reason = r.error.reason;
      if (reason === 'OFFSET_OUT_OF_RANGE') {
        const leaderStart = Number(r.log_start_offset);
        if (p.logEndOffset < leaderStart) {
          // The leader deleted what we would fetch next (retention): restart our log at its start.
          this.deps.logger.warn(
            { topic: p.topic, partition: p.index, from: p.logEndOffset, to: leaderStart },
            'follower behind the leader log start; restarting the log there',
          );
          await p.log.restartAt(leaderStart);
          p.clampHighWatermark();
          return false;
        }
      }
      if (!isErrorReason(reason) || !new TributaryError(reason).retriable) {
        this.deps.logger.warn(
          { topic: p.topic, partition: p.index, error: r.error },
          'replica fetch refused',
        );
      }
      return true;
    }
    if (r.diverging_epoch) {
      const leaderEnd = Number(r.diverging_epoch.end_offset);
      const leaderStart = Number(r.log_start_offset);
      if (r.diverging_epoch.epoch < 0) {
        // The leader knows no epoch as old as ours: everything we hold from its log start on was written
        // in epochs it never had. Start over at its log start (it has nothing below it for us anyway).
        this.deps.logger.warn(
          { topic: p.topic, partition: p.index, logEndOffset: p.logEndOffset, restartAt: leaderStart },
          'no common leader epoch with the leader; restarting the log at its log start',
        );
        await p.log.restartAt(leaderStart);
        p.clampHighWatermark();
        return false;
      }
      // Where that epoch (or the closest older one we have) ends in our log; keep the shorter (KIP-320).
      const ours = p.log.epochs.endOffsetFor(r.diverging_epoch.epoch, p.logEndOffset);
      const target = Math.min(leaderEnd, ours.endOffset < 0 ? p.highWatermark : ours.endOffset);
      this.deps.logger.info(
        {
          topic: p.topic,
          partition: p.index,
          logEndOffset: p.logEndOffset,
          truncateTo: target,
          leaderEpoch: r.diverging_epoch.epoch,
          leaderEndOffset: leaderEnd,
        },
        'truncating the divergent suffix of the log',
      );
      const before = p.logEndOffset;
      const epochBefore = p.log.epochs.latestEpoch;
      await p.log.truncateTo(target);
      p.clampHighWatermark();
      // A truncation that changed nothing would be asked again at once: wait before the next fetch.
      return p.logEndOffset === before && p.log.epochs.latestEpoch === epochBefore;
    }
    if (r.batches.length > 0) await p.log.appendReplicated(r.batches);
    p.updateFollowerHighWatermark(Number(r.high_watermark));
    return false;
  }
}

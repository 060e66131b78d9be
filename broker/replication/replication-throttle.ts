import { TokenBucket } from '../../kit/token-bucket.js';
import type { Partition } from './partition.js';

/** The smallest burst, so a throttled fetch always asks for a useful amount. */
const BURST_BYTES_MIN = 16 * 1024;
/**
 * One second at the rate: the copies may catch up a second they left idle (between two moves, say), and
 * over a move of T seconds they stay within (1 + 1/T) of the rate.
 */
const BURST_SECONDS = 1;

/**
 * One broker's budget of bytes per second for the copies of partition moves (docs/architecture.md,
 * "Partition balancing"): a token bucket the throttled reads share. A rate of 0 means no throttle. The
 * reader asks at most `allowanceBytes()` and reports what it moved (`spent`); a read always moves at least
 * one batch, so the bucket may go into debt and the next throttled read waits until it is paid back.
 */
abstract class ThrottleBudget {
  private readonly bucket: TokenBucket;

  constructor(now: () => number = Date.now) {
    this.bucket = new TokenBucket(0, 0, now);
  }

  /** Bytes per second; 0 turns the throttle off. */
  setRate(bytesPerSec: number): void {
    if (!Number.isSafeInteger(bytesPerSec) || bytesPerSec < 0) {
      throw new RangeError(`throttle must be a non-negative integer of bytes per second, got ${bytesPerSec}`);
    }
    this.bucket.setRate(
      bytesPerSec,
      bytesPerSec === 0 ? 0 : Math.max(BURST_BYTES_MIN, bytesPerSec * BURST_SECONDS),
    );
  }

  protected get unlimited(): boolean {
    return this.bucket.unlimited;
  }

  /** Whole bytes a throttled read may ask for now (0: wait `waitMs()`). */
  allowanceBytes(): number {
    return Math.max(0, Math.floor(this.bucket.available()));
  }

  waitMs(): number {
    return this.bucket.waitMs();
  }

  spent(bytes: number): void {
    this.bucket.take(bytes);
  }
}

/**
 * The follower side, as Kafka's follower.replication.throttled.rate: while this broker is being added to a
 * partition (it is in the partition's addingReplicas), the fetches that copy it share this broker's
 * budget. Partitions it already replicates are never throttled, and a partition leaves the throttle as
 * soon as its move ends (the metadata no longer lists it as adding).
 */
export class ReplicationThrottle extends ThrottleBudget {
  private readonly moving = new Set<Partition>();

  /** Whether `p` is being copied here for a move (this broker is one of its adding replicas). */
  mark(p: Partition, moving: boolean): void {
    if (moving) this.moving.add(p);
    else this.moving.delete(p);
  }

  isThrottled(p: Partition): boolean {
    return !this.unlimited && this.moving.has(p);
  }

  /** Whether `p` is being copied here for a move, throttled or not (it gets its own fetcher). */
  isMoving(p: Partition): boolean {
    return this.moving.has(p);
  }

  /** Partitions throttled now (for metrics and tests). */
  get movingCount(): number {
    return this.unlimited ? 0 : this.moving.size;
  }
}

/**
 * The leader side, as Kafka's leader.replication.throttled.rate: what this broker sends, as leader, to the
 * replicas a move is adding (the partition's addingReplicas that are not in its ISR yet) shares this
 * broker's budget, so one source feeding several moves at once sends no more than the rate in all. Fetches
 * of in-sync followers, and of partitions not moving, are never throttled; a partition leaves the throttle
 * when its move ends (the metadata lists no adding replica) or this broker stops leading it.
 */
export class LeaderReplicationThrottle extends ThrottleBudget {
  private readonly adding = new Map<Partition, ReadonlySet<number>>();

  /** The replicas a move is adding to `p`, from the metadata (empty: none, the partition is not moving). */
  mark(p: Partition, addingReplicas: readonly number[]): void {
    if (addingReplicas.length === 0) this.adding.delete(p);
    else this.adding.set(p, new Set(addingReplicas));
  }

  /** Whether what `p` sends to `replicaId` is throttled: a replica being added, not in sync yet. */
  isThrottled(p: Partition, replicaId: number): boolean {
    return (
      !this.unlimited &&
      p.isLeader &&
      this.adding.get(p)?.has(replicaId) === true &&
      !p.state.isr.includes(replicaId)
    );
  }

  /** Partitions with a replica being added (for metrics and tests), while a rate is set. */
  get movingCount(): number {
    return this.unlimited ? 0 : this.adding.size;
  }
}

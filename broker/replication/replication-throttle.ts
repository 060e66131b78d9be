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
 * The replication throttle of partition moves (docs/architecture.md, "Partition balancing"), as Kafka's
 * follower replication throttle: while this broker is being added to a partition (it is in the partition's
 * addingReplicas), the fetches that copy it share one token bucket of `rate` bytes per second for the whole
 * broker. Partitions it already replicates are never throttled, and a partition leaves the throttle as soon
 * as its move ends (the metadata no longer lists it as adding). A rate of 0 means no throttle.
 *
 * The fetcher asks at most `allowanceBytes()` for a throttled partition and reports what it received
 * (`spent`); the leader always answers at least one batch, so the bucket may go into debt and the next
 * fetch of throttled partitions waits until it is paid back.
 */
export class ReplicationThrottle {
  private readonly bucket = new TokenBucket(0, 0);
  private readonly moving = new Set<Partition>();

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

  /** Whether `p` is being copied here for a move (this broker is one of its adding replicas). */
  mark(p: Partition, moving: boolean): void {
    if (moving) this.moving.add(p);
    else this.moving.delete(p);
  }

  isThrottled(p: Partition): boolean {
    return !this.bucket.unlimited && this.moving.has(p);
  }

  /** Whole bytes a throttled fetch may ask for now (0: wait `waitMs()`). */
  allowanceBytes(): number {
    return Math.max(0, Math.floor(this.bucket.available()));
  }

  waitMs(): number {
    return this.bucket.waitMs();
  }

  spent(bytes: number): void {
    this.bucket.take(bytes);
  }

  /** Partitions throttled now (for metrics and tests). */
  get movingCount(): number {
    return this.bucket.unlimited ? 0 : this.moving.size;
  }
}

/**
 * The producer's bounded buffer (Kafka's buffer.memory): records reserve their estimated size before
 * they enter a batch and give it back when their batch is acknowledged or failed. A reservation that
 * does not fit waits, first come first served, so `produce()` applies backpressure instead of growing
 * memory without limit; an `AbortSignal` cancels the wait. A single record larger than the whole
 * buffer is refused at once (it could never fit).
 */
import { TributaryClientError } from '../errors.js';

interface Waiter {
  bytes: number;
  /** Set when its signal aborted; skipped when it reaches the head (removal from the middle is O(n)). */
  cancelled: boolean;
  resolve: () => void;
  reject: (err: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export class BufferPool {
  private usedBytes = 0;
  /** FIFO of waiters from index `head` on; a producer loop can queue hundreds of thousands. */
  private waiters: Waiter[] = [];
  private head = 0;
  private live = 0;

  constructor(readonly capacityBytes: number) {
    if (!(Number.isInteger(capacityBytes) && capacityBytes > 0)) {
      throw new RangeError(`bufferBytes must be a positive integer, got ${capacityBytes}`);
    }
  }

  get used(): number {
    return this.usedBytes;
  }

  get waiting(): number {
    return this.live;
  }

  /** Reserves `bytes` now if they fit and nobody waits before us; false otherwise (then use reserve()). */
  tryReserve(bytes: number): boolean {
    if (this.live > 0 || this.usedBytes + bytes > this.capacityBytes) return false;
    this.usedBytes += bytes;
    return true;
  }

  /** Reserves `bytes`; resolves at once when they fit and nobody waits before us, else waits. */
  reserve(bytes: number, signal?: AbortSignal): Promise<void> {
    if (bytes > this.capacityBytes) {
      return Promise.reject(
        new TributaryClientError(
          'BATCH_TOO_LARGE',
          `a record of ~${bytes} bytes is larger than the producer's buffer (${this.capacityBytes} bytes)`,
        ),
      );
    }
    if (signal?.aborted === true) return Promise.reject(aborted(signal));
    if (this.live === 0 && this.usedBytes + bytes <= this.capacityBytes) {
      this.usedBytes += bytes;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        bytes,
        cancelled: false,
        resolve,
        reject,
        signal,
        onAbort: () => {
          waiter.cancelled = true;
          this.live--;
          reject(aborted(signal!));
          this.wake(); // the head may have changed
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
      this.live++;
    });
  }

  /** Fails every waiting reservation with `error` (the producer is going away). */
  rejectAll(error: unknown): void {
    const waiting = this.waiters.slice(this.head);
    this.waiters = [];
    this.head = 0;
    this.live = 0;
    for (const w of waiting) {
      if (w.cancelled) continue;
      w.signal?.removeEventListener('abort', w.onAbort);
      w.reject(error);
    }
  }

  release(bytes: number): void {
    this.usedBytes -= bytes;
    if (this.usedBytes < 0) throw new Error(`buffer pool released more than it reserved (${this.usedBytes})`);
    this.wake();
  }

  private wake(): void {
    while (this.head < this.waiters.length) {
      const next = this.waiters[this.head]!;
      if (!next.cancelled) {
        if (this.usedBytes + next.bytes > this.capacityBytes) break;
        next.signal?.removeEventListener('abort', next.onAbort);
        this.usedBytes += next.bytes;
        this.live--;
        next.resolve();
      }
      this.head++;
    }
    // Drop the consumed prefix now and then, so the array does not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters = this.waiters.slice(this.head);
      this.head = 0;
    }
  }
}

export function aborted(signal: AbortSignal): TributaryClientError {
  return new TributaryClientError('CANCELLED', 'the operation was aborted', {
    retriable: false,
    cause: signal.reason,
  });
}

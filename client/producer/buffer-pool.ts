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
  resolve: () => void;
  reject: (err: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export class BufferPool {
  private usedBytes = 0;
  private readonly waiters: Waiter[] = [];

  constructor(readonly capacityBytes: number) {
    if (!(Number.isInteger(capacityBytes) && capacityBytes > 0)) {
      throw new RangeError(`bufferBytes must be a positive integer, got ${capacityBytes}`);
    }
  }

  get used(): number {
    return this.usedBytes;
  }

  get waiting(): number {
    return this.waiters.length;
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
    if (this.waiters.length === 0 && this.usedBytes + bytes <= this.capacityBytes) {
      this.usedBytes += bytes;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        bytes,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(aborted(signal!));
          this.wake(); // the head may have changed
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  release(bytes: number): void {
    this.usedBytes -= bytes;
    if (this.usedBytes < 0) throw new Error(`buffer pool released more than it reserved (${this.usedBytes})`);
    this.wake();
  }

  private wake(): void {
    while (this.waiters.length > 0) {
      const head = this.waiters[0]!;
      if (this.usedBytes + head.bytes > this.capacityBytes) return;
      this.waiters.shift();
      head.signal?.removeEventListener('abort', head.onAbort);
      this.usedBytes += head.bytes;
      head.resolve();
    }
  }
}

export function aborted(signal: AbortSignal): TributaryClientError {
  return new TributaryClientError('CANCELLED', 'the operation was aborted', {
    retriable: false,
    cause: signal.reason,
  });
}

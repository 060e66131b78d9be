/**
 * The work queue between the informers and the reconcilers, with client-go's semantics:
 *
 * - Keys (`namespace/name`) are deduplicated: adding a key that is already waiting does nothing, so a
 *   burst of events for one object costs one reconcile.
 * - A key is never handled twice at once: a key added while its reconcile runs is parked ("dirty") and
 *   queued again when that reconcile ends, so it reads the newer state.
 * - A failed reconcile comes back after an exponential backoff per key (doubling, capped, no jitter: this
 *   process is the only one retrying a key, so there is no herd to spread); a success forgets the key's
 *   failures. A reconcile may ask to come back later (`requeueAfterMs`).
 * - Starts are rate limited overall by a token bucket, and at most `workers` keys run at once.
 * - At most `maxKeys` distinct keys are tracked; past that new keys are dropped and counted (the
 *   periodic resync brings them back), so a runaway producer of keys cannot exhaust memory.
 *
 * Keys flow: add -> ready (FIFO) -> running -> done; a key in `waiting` is ready or parked behind its
 * running reconcile; `delayed` holds timers of keys that come back later.
 */
import { type BackoffPolicy, backoffDelayMs } from '../../kit/backoff.js';
import { TokenBucket } from './token-bucket.js';

/** What a reconcile asks of the queue when it returns normally. */
export interface ReconcileOutcome {
  /** Come back after this long (e.g. to refresh status that has no watch event). */
  requeueAfterMs?: number;
  /** Come back after the key's backoff, as after a failure, without it being an error (waiting on something). */
  backoff?: boolean;
}

export type KeyHandler = (key: string) => Promise<ReconcileOutcome | undefined>;

export interface WorkQueueOptions {
  /** Keys handled at once (always different keys). */
  workers: number;
  /** Backoff of a key after failures. */
  retry: BackoffPolicy;
  /** Reconciles started per second, overall, and the burst above that rate. */
  ratePerSecond: number;
  burst: number;
  /** Distinct keys tracked (waiting or delayed) at most. */
  maxKeys: number;
  /** Called when a handler throws, after the key was scheduled again (for logs and metrics). */
  onError?: (key: string, err: unknown, retryInMs: number) => void;
  /** Called when a key is dropped because `maxKeys` were tracked. */
  onDrop?: (key: string) => void;
}

export const DEFAULT_WORK_QUEUE_OPTIONS: WorkQueueOptions = {
  workers: 4,
  retry: { baseMs: 500, maxMs: 5 * 60_000 },
  ratePerSecond: 20,
  burst: 100,
  maxKeys: 100_000,
};

export class WorkQueue {
  private readonly ready: string[] = [];
  /** Keys that must be handled (again): in `ready`, or parked until their running reconcile ends. */
  private readonly waiting = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly delayed = new Map<string, { dueMs: number; timer: NodeJS.Timeout }>();
  private readonly failures = new Map<string, number>();
  private readonly bucket: TokenBucket;
  private pumpTimer: NodeJS.Timeout | undefined;
  private handler: KeyHandler | undefined;
  private stopping = false;
  private droppedCount = 0;

  constructor(private readonly options: WorkQueueOptions = DEFAULT_WORK_QUEUE_OPTIONS) {
    if (!(options.workers >= 1 && options.maxKeys >= 1)) {
      throw new RangeError('a work queue needs at least one worker and one key');
    }
    this.bucket = new TokenBucket(options.ratePerSecond, options.burst);
    backoffDelayMs(1, options.retry); // validates the policy now rather than at the first failure
  }

  /** Keys ready to run (not counting running or delayed ones). */
  get depth(): number {
    return this.ready.length;
  }

  /** Keys being reconciled now. */
  get inFlight(): number {
    return this.running.size;
  }

  /** Keys dropped so far because `maxKeys` were tracked. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Consecutive failures of `key` (0 after a success). */
  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Queues `key` unless it is already waiting; a running key is queued again when it ends. */
  add(key: string): void {
    if (this.stopping || this.waiting.has(key)) return;
    if (!this.running.has(key) && !this.delayed.has(key) && this.tracked() >= this.options.maxKeys) {
      this.droppedCount++;
      this.options.onDrop?.(key);
      return;
    }
    this.waiting.add(key);
    if (!this.running.has(key)) {
      this.ready.push(key);
      this.pump();
    }
  }

  /** Queues `key` after `delayMs`; an earlier pending timer for it wins over a later one. */
  addAfter(key: string, delayMs: number): void {
    if (this.stopping) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const dueMs = Date.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending !== undefined) {
      if (pending.dueMs <= dueMs) return;
      clearTimeout(pending.timer);
    } else if (this.tracked() >= this.options.maxKeys && !this.waiting.has(key) && !this.running.has(key)) {
      this.droppedCount++;
      this.options.onDrop?.(key);
      return;
    }
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    this.delayed.set(key, { dueMs, timer });
  }

  /** Counts a failure of `key` and queues it after its backoff; answers the delay. */
  retry(key: string): number {
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    const delayMs = backoffDelayMs(failures, this.options.retry);
    this.addAfter(key, delayMs);
    return delayMs;
  }

  /** Forgets the failures of `key` (after a success). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** Starts handing keys to `handler`. */
  start(handler: KeyHandler): void {
    if (this.handler !== undefined) throw new Error('work queue already started');
    this.handler = handler;
    this.pump();
  }

  /**
   * Stops taking keys and waits up to `drainMs` for running reconciles. Answers whether they all ended;
   * the ones that did not are abandoned (the next leader reconciles them again: reconciles are idempotent).
   */
  async shutdown(drainMs: number): Promise<{ drained: boolean; abandoned: string[] }> {
    this.stopping = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    if (this.pumpTimer !== undefined) clearTimeout(this.pumpTimer);
    this.ready.length = 0;
    this.waiting.clear();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), drainMs);
    });
    const drained = await Promise.race([
      Promise.all(this.running.values()).then(() => true as const),
      timedOut,
    ]);
    clearTimeout(timer);
    return { drained, abandoned: drained ? [] : [...this.running.keys()] };
  }

  private tracked(): number {
    return this.waiting.size + this.delayed.size;
  }

  /** Starts ready keys while workers and tokens allow. */
  private pump(): void {
    const handler = this.handler;
    if (handler === undefined || this.stopping) return;
    while (this.ready.length > 0 && this.running.size < this.options.workers) {
      const token = this.bucket.take();
      if (!token.ok) {
        if (this.pumpTimer === undefined) {
          this.pumpTimer = setTimeout(() => {
            this.pumpTimer = undefined;
            this.pump();
          }, token.waitMs);
        }
        return;
      }
      const key = this.ready.shift()!;
      this.waiting.delete(key);
      this.running.set(key, this.run(key, handler));
    }
  }

  private async run(key: string, handler: KeyHandler): Promise<void> {
    try {
      // Through a resolved promise, so a handler that throws synchronously still ends after `running` holds it.
      const outcome = await Promise.resolve().then(() => handler(key));
      if (outcome?.backoff === true) {
        this.retry(key);
      } else {
        this.forget(key);
        if (outcome?.requeueAfterMs !== undefined) this.addAfter(key, outcome.requeueAfterMs);
      }
    } catch (err) {
      const retryInMs = this.stopping ? 0 : this.retry(key);
      this.options.onError?.(key, err, retryInMs);
    } finally {
      this.running.delete(key);
      if (this.waiting.has(key) && !this.stopping) this.ready.push(key);
      this.pump();
    }
  }
}

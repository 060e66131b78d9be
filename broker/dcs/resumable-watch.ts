import { type BackoffPolicy, backoffDelayMs } from '../../kit/backoff.js';
import type { DcsEvent, DcsLogger, VersionedValue } from './dcs.js';

/** Pause before reopening an interrupted watch: 100 ms doubling to 2 s, reset once a stream works again. */
export const WATCH_RETRY_BACKOFF: BackoffPolicy = { baseMs: 100, maxMs: 2_000 };

/**
 * What both backends' watches share (etcd's EtcdWatch, Kubernetes' KubeListWatch): a stream that is
 * reopened from the last position it delivered when it breaks, after a back-off, and listed again first
 * when the server no longer has the changes since that position (etcd compaction, 410 Gone).
 *
 * Subclasses open the stream (`attach`), list again (`relist`) and say where they are (`position`, for
 * the log); they bump `generation` whenever a stream is replaced, so events of an old one are ignored.
 */
export abstract class ResumableWatch {
  protected stopped = false;
  /** Tells events of a replaced or stopped stream apart from the current one's. */
  protected generation = 0;
  /** Set when the server no longer has the changes since our position: the next reopen lists first. */
  protected relistNeeded = false;
  private retryAttempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(protected readonly logger: DcsLogger | undefined) {}

  /** Opens a stream from the current position; resolves once the server accepted it. */
  protected abstract attach(): Promise<void>;
  /** Lists the watched keys again and delivers the difference; moves the position to the list's. */
  protected abstract relist(): Promise<void>;
  /** Where the watch stands, for the log. */
  protected abstract position(): Record<string, unknown>;

  /** A stream works again: the next interruption waits the shortest pause. */
  protected resetBackoff(): void {
    this.retryAttempt = 0;
  }

  /** The pause before the next reopen in the watch's own retry loop at start (attempt 1 = first retry). */
  protected startRetryMs(attempt: number): number {
    return backoffDelayMs(attempt, WATCH_RETRY_BACKOFF);
  }

  /** Schedules a reopen after the back-off. */
  protected retry(err: Error): void {
    if (this.stopped) return;
    this.retryAttempt += 1;
    const retryMs = backoffDelayMs(this.retryAttempt, WATCH_RETRY_BACKOFF);
    this.logger?.warn({ ...this.position(), retryMs, err }, 'DCS watch interrupted; reopening');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.reopen(), retryMs);
  }

  protected async reopen(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.relistNeeded) await this.relist();
      await this.attach(); // returns at once if stopped meanwhile
    } catch (err) {
      this.onReopenFailed(err);
      this.retry(err as Error);
    }
  }

  /** A hook for what a failed reopen tells (Kubernetes: 410 Gone means list again). */
  protected onReopenFailed(_err: unknown): void {}

  /** Stops for good: no reopen is scheduled any more. Subclasses drop their stream themselves. */
  protected markStopped(): void {
    this.stopped = true;
    this.generation += 1;
    clearTimeout(this.retryTimer);
  }
}

/**
 * After a watch listed its keys again (its server no longer had the changes since its position): the
 * events that bring a subscriber from `known` (key -> version as last delivered) to `present`, listed at
 * version `at`. Puts come first, by version; then deletes, at `at`, since a deletion's own version is gone
 * with the server's history and `at` is no older than it. Intermediate states are skipped; the end state
 * is exact. `known` is updated to `present`.
 */
export function relistEvents(
  known: Map<string, number>,
  present: ReadonlyMap<string, VersionedValue>,
  at: number,
): DcsEvent[] {
  const puts = [...present.values()]
    .filter((v) => known.get(v.key) !== v.version)
    .sort((a, b) => a.version - b.version);
  const deleted = [...known.keys()].filter((k) => !present.has(k)).sort();
  known.clear();
  for (const v of present.values()) known.set(v.key, v.version);
  return [
    ...puts.map((v): DcsEvent => ({ type: 'put', key: v.key, value: v.value, version: v.version })),
    ...deleted.map((key): DcsEvent => ({ type: 'delete', key, version: at })),
  ];
}

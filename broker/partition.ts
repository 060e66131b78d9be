import { TributaryError } from '../proto/errors.js';
import type { AppendInfo, PartitionLog, ReadResult } from './storage/partition-log.js';

/**
 * One partition hosted on this broker: its log plus the replication state around it. On a single broker
 * the leader is the only in-sync replica, so the high watermark is the log end offset; the replicated
 * cluster moves the high watermark with the followers' fetch positions instead.
 */
export class Partition {
  private readonly waiters = new Set<(info: AppendInfo) => void>();

  constructor(
    readonly topic: string,
    readonly index: number,
    readonly log: PartitionLog,
    public leaderEpoch: number,
  ) {
    log.on('append', (info: AppendInfo) => {
      if (this.waiters.size === 0) return;
      const waiting = [...this.waiters];
      this.waiters.clear();
      for (const w of waiting) w(info);
    });
  }

  get highWatermark(): number {
    return this.log.logEndOffset;
  }

  get logStartOffset(): number {
    return this.log.logStartOffset;
  }

  append(batches: Buffer, nowMs?: number): Promise<AppendInfo> {
    return this.log.append(
      batches,
      nowMs === undefined ? { leaderEpoch: this.leaderEpoch } : { leaderEpoch: this.leaderEpoch, nowMs },
    );
  }

  /** Reads committed data only: nothing at or past the high watermark. Errors arrive as rejections. */
  async read(offset: number, maxBytes: number): Promise<ReadResult> {
    const hw = this.highWatermark;
    if (offset > hw || offset < this.log.logStartOffset) {
      throw new TributaryError(
        'OFFSET_OUT_OF_RANGE',
        `offset ${offset} is outside [${this.log.logStartOffset}, ${hw}] for ${this.topic}/${this.index}`,
      );
    }
    return this.log.read(offset, maxBytes, { maxOffset: hw });
  }

  /**
   * Resolves on the next append (with its info), or with null when `timeoutMs` passes or `signal` aborts.
   * Callers re-check their condition afterwards: the wake-up says "something changed", nothing more.
   */
  waitForAppend(timeoutMs: number, signal?: AbortSignal): Promise<AppendInfo | null> {
    return new Promise((resolve) => {
      if (signal?.aborted || timeoutMs <= 0) {
        resolve(null);
        return;
      }
      const done = (info: AppendInfo | null) => {
        clearTimeout(timer);
        this.waiters.delete(onAppend);
        signal?.removeEventListener('abort', onAbort);
        resolve(info);
      };
      const onAppend = (info: AppendInfo) => done(info);
      const onAbort = () => done(null);
      const timer = setTimeout(() => done(null), timeoutMs);
      this.waiters.add(onAppend);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

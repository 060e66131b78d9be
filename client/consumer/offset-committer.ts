/**
 * The consumer's offset committer: commits a group's positions, one commit at a time in call order (so
 * an older position can never land after a newer one), remembers what was committed so auto-commit
 * writes only what moved, and runs the auto-commit timer.
 *
 * Every failed commit is reported (`commitFailed` event and the logger) before it is returned to the
 * caller; auto-commits, whose caller is a timer, are seen that way instead of being swallowed.
 */
import { SerialLane } from '../../kit/index.js';
import type { TributaryError } from '../../proto/errors.js';
import { fromServiceError, TributaryClientError } from '../errors.js';
import type { CommitFailedEvent } from '../events.js';
import type { CommitMember, CommittedOffset, Groups, OffsetCommit } from '../groups.js';
import type { ClientTracing } from '../tracing.js';
import { keyOf, type TopicPartition } from './types.js';

/** A partition's positions as the consumer tracks them. */
export interface CommitPositions extends TopicPartition {
  /** The offset of the next record to hand to the application. */
  position: number;
  /** The position up to which the application has processed (what auto-commit writes). */
  processed: number;
}

export interface OffsetCommitterOptions {
  groupId: string;
  /** 0: no auto-commit. */
  autoCommitIntervalMs: number;
  /** What the auto-commit timer commits (the processed positions); runs only when auto-commit is on. */
  autoCommit: () => Promise<void>;
  /** A commit failed (it is also returned to the caller, if any). */
  onCommitFailed: (event: CommitFailedEvent) => void;
}

export class OffsetCommitter {
  /** Positions as last committed, so auto-commit writes only what moved. */
  private readonly lastCommitted = new Map<string, number>();
  private readonly lane = new SerialLane();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly groups: Groups,
    private readonly tracing: ClientTracing,
    private readonly options: OffsetCommitterOptions,
  ) {
    const intervalMs = options.autoCommitIntervalMs;
    if (intervalMs > 0) {
      // The failure is reported by commit() itself; the timer has nobody to return it to.
      this.timer = setInterval(() => void options.autoCommit().catch(() => {}), intervalMs);
      this.timer.unref();
    }
  }

  get groupId(): string {
    return this.options.groupId;
  }

  /** Whether auto-commit is configured (revocations and leaving commit then, also after the timer stopped). */
  get autoCommit(): boolean {
    return this.options.autoCommitIntervalMs > 0;
  }

  /** Stops the timer; true when it was running (then the caller commits one last time). */
  stopAutoCommit(): boolean {
    if (this.timer === undefined) return false;
    clearInterval(this.timer);
    this.timer = undefined;
    return true;
  }

  /** Notes an offset read from the group (a partition starting from it has nothing new to commit). */
  remember(topic: string, partition: number, offset: number): void {
    this.lastCommitted.set(keyOf(topic, partition), offset);
  }

  /** Commits of the partitions whose `which` position moved since their last commit. */
  moved(partitions: Iterable<CommitPositions>, which: 'position' | 'processed'): OffsetCommit[] {
    return [...partitions]
      .filter((a) => this.lastCommitted.get(keyOf(a.topic, a.partition)) !== a[which])
      .map((a) => ({ topic: a.topic, partition: a.partition, offset: a[which] }));
  }

  /** Commits `list` after every commit before it; a failure is reported, then thrown. */
  async commit(list: OffsetCommit[], member: CommitMember | undefined, auto: boolean): Promise<void> {
    if (list.length === 0) return;
    try {
      const { groupId } = this.options;
      const topics = [...new Set(list.map((o) => o.topic))];
      await this.lane.run(() =>
        this.tracing.commit(groupId, topics, list.length, () => this.groups.commit(groupId, list, member)),
      );
    } catch (err) {
      const error: TributaryError = err instanceof TributaryClientError ? err : fromServiceError(err);
      this.options.onCommitFailed({ offsets: list, error, auto });
      throw err;
    }
    for (const o of list) this.remember(o.topic, o.partition, o.offset);
  }

  /** Start offsets from the group's committed offsets (one FetchOffsets); `fallback` where none is committed. */
  async startOffsets(
    partitions: TopicPartition[],
    fallback: (tp: TopicPartition) => Promise<number>,
  ): Promise<number[]> {
    const committed = new Map(
      (await this.fetch(partitions)).map((c) => [keyOf(c.topic, c.partition), c.offset]),
    );
    return Promise.all(
      partitions.map((tp) => {
        const offset = committed.get(keyOf(tp.topic, tp.partition)) ?? -1;
        if (offset < 0) return fallback(tp);
        this.remember(tp.topic, tp.partition, offset);
        return offset;
      }),
    );
  }

  /** The group's committed offsets for the given partitions (-1 where nothing is committed). */
  fetch(partitions: TopicPartition[]): Promise<CommittedOffset[]> {
    const byTopic = new Map<string, number[]>();
    for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    return this.groups.fetch(
      this.options.groupId,
      [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps })),
    );
  }
}

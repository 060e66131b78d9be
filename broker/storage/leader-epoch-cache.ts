import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../../kit/atomic-file.js';

export const LEADER_EPOCH_FILE = 'leader-epoch-checkpoint';

export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: number;
}

/**
 * The leader-epoch history of one partition log (Kafka's KIP-101): for each leader epoch, the first offset
 * written in it. A follower that returns after a failure asks the leader where its last epoch ended and
 * truncates exactly the suffix the leader does not have, instead of trusting a high watermark.
 *
 * File `leader-epoch-checkpoint`: `0\n<count>\n` then `<epoch> <startOffset>` lines, rewritten atomically
 * (temp file, fsync, rename) each time an epoch is added or entries are cut. An entry is written before
 * any batch of its epoch, so after a crash the file can only be ahead of the log; opening cuts entries that
 * start at or past the recovered log end.
 */
export class LeaderEpochCache {
  private entries: EpochEntry[];

  private constructor(
    private readonly dir: string,
    entries: EpochEntry[],
  ) {
    this.entries = entries;
  }

  /**
   * Opens the checkpoint of `dir`. When it is missing or unreadable, `rebuild` supplies the history (the
   * log scans its batch headers) and the file is rewritten.
   */
  static async open(
    dir: string,
    logEndOffset: number,
    rebuild: () => Promise<EpochEntry[]>,
  ): Promise<LeaderEpochCache> {
    let entries: EpochEntry[] | null = null;
    try {
      entries = parse(readFileSync(join(dir, LEADER_EPOCH_FILE), 'utf8'));
    } catch {
      entries = null;
    }
    const cache = new LeaderEpochCache(dir, entries ?? (await rebuild()));
    if (entries === null) cache.persist();
    cache.truncateFromEnd(logEndOffset);
    return cache;
  }

  /** Folds batch leader epochs (in log order) into an epoch history. */
  static fromBatches(batches: Iterable<{ epoch: number; baseOffset: number }>): EpochEntry[] {
    const out: EpochEntry[] = [];
    for (const b of batches) {
      const last = out[out.length - 1];
      if (b.epoch >= 0 && (last === undefined || b.epoch > last.epoch)) {
        out.push({ epoch: b.epoch, startOffset: b.baseOffset });
      }
    }
    return out;
  }

  get latest(): EpochEntry | undefined {
    return this.entries[this.entries.length - 1];
  }

  get latestEpoch(): number {
    return this.latest?.epoch ?? -1;
  }

  all(): readonly EpochEntry[] {
    return this.entries;
  }

  /** Records that `epoch` starts at `startOffset`; no-op unless it is newer than the latest epoch. */
  assign(epoch: number, startOffset: number): void {
    const last = this.latest;
    if (last !== undefined && (epoch <= last.epoch || startOffset < last.startOffset)) return;
    this.entries = [...this.entries, { epoch, startOffset }];
    this.persist();
  }

  /**
   * Where `epoch` ends in this log: the largest epoch <= `epoch` we know, and the start offset of the next
   * epoch after it (or `logEndOffset` when it is the latest). `{epoch: -1, endOffset: -1}` when we know no
   * epoch that old. This is the leader's answer to a follower's "my last epoch was N".
   */
  endOffsetFor(epoch: number, logEndOffset: number): { epoch: number; endOffset: number } {
    let i = this.entries.length - 1;
    while (i >= 0 && this.entries[i]!.epoch > epoch) i--;
    if (i < 0) return { epoch: -1, endOffset: -1 };
    const next = this.entries[i + 1];
    return { epoch: this.entries[i]!.epoch, endOffset: next === undefined ? logEndOffset : next.startOffset };
  }

  /** Drops entries for epochs that start at or after `offset` (the log was truncated to `offset`). */
  truncateFromEnd(offset: number): void {
    const kept = this.entries.filter((e) => e.startOffset < offset);
    if (kept.length === this.entries.length) return;
    this.entries = kept;
    this.persist();
  }

  /** The log now starts at `offset` (retention): the epoch covering it now starts there. */
  truncateFromStart(offset: number): void {
    let firstKept = 0;
    while (firstKept + 1 < this.entries.length && this.entries[firstKept + 1]!.startOffset <= offset)
      firstKept++;
    const head = this.entries[firstKept];
    if (head === undefined || (firstKept === 0 && head.startOffset >= offset)) return;
    this.entries = [
      { epoch: head.epoch, startOffset: Math.max(head.startOffset, offset) },
      ...this.entries.slice(firstKept + 1),
    ];
    this.persist();
  }

  /** Empties the history (the log was emptied and restarts). */
  clear(): void {
    if (this.entries.length === 0) return;
    this.entries = [];
    this.persist();
  }

  private persist(): void {
    // Synchronous: epochs change rarely, and an entry must be durable before batches of its epoch are.
    const text = `0\n${this.entries.length}\n${this.entries.map((e) => `${e.epoch} ${e.startOffset}\n`).join('')}`;
    writeFileAtomicSync(join(this.dir, LEADER_EPOCH_FILE), text);
  }
}

/** Parses a checkpoint; null when it is malformed in any way (the caller rebuilds from the log). */
function parse(text: string): EpochEntry[] | null {
  const lines = text.split('\n');
  const count = Number(lines[1]);
  if (lines[0] !== '0' || !Number.isSafeInteger(count) || lines.length !== count + 3) return null;
  const out: EpochEntry[] = [];
  for (let i = 0; i < count; i++) {
    const m = /^(\d+) (\d+)$/.exec(lines[2 + i]!);
    if (m === null) return null;
    const entry = { epoch: Number(m[1]), startOffset: Number(m[2]) };
    const last = out[out.length - 1];
    if (last !== undefined && (entry.epoch <= last.epoch || entry.startOffset < last.startOffset))
      return null;
    out.push(entry);
  }
  return out;
}

/**
 * Lets reads of a partition log run concurrently, and a segment swap (compaction) run alone: a swap
 * stops new reads, waits for the reads in progress, runs, and lets the waiting reads in again. Reads
 * never see half of a swap; swaps are serialised by the log's lane, so only one waits at a time.
 */
export class ReadGate {
  private activeReads = 0;
  private closedUntil: Promise<void> | undefined;
  private readsIdle: (() => void) | undefined;

  /** Runs a read once no swap is in progress. */
  async read<T>(fn: () => Promise<T>): Promise<T> {
    while (this.closedUntil !== undefined) await this.closedUntil;
    this.activeReads++;
    try {
      return await fn();
    } finally {
      this.activeReads--;
      if (this.activeReads === 0) this.readsIdle?.();
    }
  }

  /** Runs `fn` with no read in progress and new reads held back. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    let open!: () => void;
    this.closedUntil = new Promise<void>((resolve) => {
      open = resolve;
    });
    try {
      if (this.activeReads > 0) {
        await new Promise<void>((resolve) => {
          this.readsIdle = resolve;
        });
      }
      this.readsIdle = undefined;
      return await fn();
    } finally {
      this.closedUntil = undefined;
      open();
    }
  }
}

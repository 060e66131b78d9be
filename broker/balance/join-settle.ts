/**
 * Brokers joining together are planned for together (docs/architecture.md, "Partition balancing"): a
 * StatefulSet scaled 3 -> 5 starts both pods at once, and a plan per broker would move some replicas twice.
 * `settled(unseen)` is true once every broker in `unseen` (registered, not yet seen by the balancer) was
 * first offered at least `settleMs` ago. Each call forgets the brokers no longer in `unseen`.
 */
export class JoinSettle {
  private readonly firstSeenMs = new Map<number, number>();

  constructor(
    private readonly settleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  settled(unseen: readonly number[]): boolean {
    const now = this.now();
    for (const id of unseen) if (!this.firstSeenMs.has(id)) this.firstSeenMs.set(id, now);
    for (const id of [...this.firstSeenMs.keys()]) if (!unseen.includes(id)) this.firstSeenMs.delete(id);
    if ([...this.firstSeenMs.values()].some((at) => now - at < this.settleMs)) return false;
    this.firstSeenMs.clear();
    return true;
  }

  clear(): void {
    this.firstSeenMs.clear();
  }
}

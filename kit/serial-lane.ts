/**
 * Serial lanes: run async work one item at a time, in submission order.
 *
 * A `SerialLane` is one queue; `KeyedLanes` keeps one lane per key and forgets a key's lane once it is
 * idle, so memory follows the keys with work in flight, not every key ever seen. A failure of one item
 * is returned to its caller and never blocks the items behind it.
 *
 * Every user in the repository (partition-log writes, per-partition replica state, group membership,
 * admin topic changes, ...) runs through these two classes; see docs/architecture.md, "Shared kit".
 */
export class SerialLane {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  /** Runs `work` after everything submitted before it has settled. */
  run<T>(work: () => Promise<T> | T): Promise<T> {
    this.pending += 1;
    const result = this.tail.then(work);
    this.tail = result.then(
      () => this.settle(),
      () => this.settle(),
    );
    return result;
  }

  /** Items submitted and not yet settled. */
  get size(): number {
    return this.pending;
  }

  /** Resolves once everything submitted so far has settled (never rejects). */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }

  private settle(): void {
    this.pending -= 1;
  }
}

export class KeyedLanes<K> {
  private readonly lanes = new Map<K, SerialLane>();

  /** Runs `work` after everything submitted before it under the same key has settled. */
  run<T>(key: K, work: () => Promise<T> | T): Promise<T> {
    let lane = this.lanes.get(key);
    if (lane === undefined) {
      lane = new SerialLane();
      this.lanes.set(key, lane);
    }
    const owned = lane;
    const result = owned.run(work);
    const forget = (): void => {
      if (owned.size === 0 && this.lanes.get(key) === owned) this.lanes.delete(key);
    };
    result.then(forget, forget);
    return result;
  }

  /** True while `key` has work submitted and not yet settled. */
  has(key: K): boolean {
    return this.lanes.has(key);
  }

  /** Keys with work submitted and not yet settled. */
  get activeKeys(): number {
    return this.lanes.size;
  }
}

interface LockState {
  shared: number;
  exclusive: boolean;
  /** Exclusive holders waiting: new shared holders wait behind them, so a write is never starved. */
  exclusiveWaiting: number;
  /** Every waiter, woken or not: the state is dropped only when nobody holds or waits. */
  waiting: number;
  wakeups: Array<() => void>;
}

/**
 * Orders this process's writes of a key against its own guarded writes that depend on that key (see
 * kube-dcs.ts, guards). A guarded write holds its guard key shared from the check of the guard until its
 * compare-and-set has an answer; a write or delete of a key holds that key exclusively. So a controller
 * that gives up its `controller` key first waits for its writes in flight, and none starts after it.
 * Every holder is a request with a deadline, so every wait is bounded.
 */
export class KubeKeyLocks {
  private readonly states = new Map<string, LockState>();

  /** Runs `fn` holding `exclusive` (a key written) exclusively and `shared` (a guard key) shared. */
  async with<T>(exclusive: string, shared: string | undefined, fn: () => Promise<T>): Promise<T> {
    const wanted: Array<[string, boolean]> = [[exclusive, true]];
    if (shared !== undefined && shared !== exclusive) wanted.push([shared, false]);
    // One global order of acquisition, so two writes guarding each other's keys cannot deadlock.
    wanted.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const held: Array<[string, boolean]> = [];
    try {
      for (const [key, isExclusive] of wanted) {
        await this.acquire(key, isExclusive);
        held.push([key, isExclusive]);
      }
      return await fn();
    } finally {
      for (const [key, isExclusive] of held) this.release(key, isExclusive);
    }
  }

  private async acquire(key: string, exclusive: boolean): Promise<void> {
    const state = this.stateOf(key);
    const exclusiveWaiting = exclusive ? 1 : 0;
    state.exclusiveWaiting += exclusiveWaiting;
    state.waiting += 1;
    while (exclusive ? state.exclusive || state.shared > 0 : state.exclusive || state.exclusiveWaiting > 0) {
      await new Promise<void>((resolve) => state.wakeups.push(resolve));
    }
    state.exclusiveWaiting -= exclusiveWaiting;
    state.waiting -= 1;
    if (exclusive) state.exclusive = true;
    else state.shared += 1;
  }

  private release(key: string, exclusive: boolean): void {
    const state = this.states.get(key);
    if (state === undefined) return;
    if (exclusive) state.exclusive = false;
    else state.shared -= 1;
    const wakeups = state.wakeups.splice(0);
    for (const wake of wakeups) wake();
    if (!state.exclusive && state.shared === 0 && state.waiting === 0) {
      this.states.delete(key);
    }
  }

  private stateOf(key: string): LockState {
    let state = this.states.get(key);
    if (state === undefined) {
      state = { shared: 0, exclusive: false, exclusiveWaiting: 0, waiting: 0, wakeups: [] };
      this.states.set(key, state);
    }
    return state;
  }
}

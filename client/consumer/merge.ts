/**
 * Interleaves several async iterables, yielding whichever produces next. Returning early (break, throw)
 * closes every source, so the gRPC streams behind them are cancelled. The first source error ends the
 * merge with that error after closing the others.
 */
export async function* mergeAsyncIterables<T>(
  sources: AsyncIterable<T>[],
  options: { onClose?: () => void } = {},
): AsyncGenerator<T, void, undefined> {
  const iterators = sources.map((s) => s[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<{ index: number; result: IteratorResult<T> }>>();
  const pull = (index: number): void => {
    pending.set(
      index,
      iterators[index]!.next().then((result) => ({ index, result })),
    );
  };
  for (let index = 0; index < iterators.length; index++) pull(index);
  try {
    while (pending.size > 0) {
      const { index, result } = await Promise.race(pending.values());
      if (result.done === true) {
        pending.delete(index);
        continue;
      }
      pull(index);
      yield result.value;
    }
  } finally {
    // A source suspended inside next() only honours return() once that next() settles: onClose is the
    // caller's chance to make it settle (abort its signal) before we wait.
    options.onClose?.();
    const open = [...pending.keys()];
    pending.clear();
    await Promise.allSettled(open.map((index) => iterators[index]!.return?.()));
  }
}

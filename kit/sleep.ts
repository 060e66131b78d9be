/**
 * One sleep for the whole repository (docs/architecture.md, "Shared kit"): resolves after `ms`, or
 * rejects with the signal's reason as soon as `signal` aborts (at once if it already has). The timer is
 * cleared and the listener removed either way, so an abandoned sleep holds nothing.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The reason an aborted signal carries, as an Error. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error(reason === undefined ? 'aborted' : String(reason));
  err.name = 'AbortError';
  return err;
}

/**
 * One sleep for the whole repository (docs/architecture.md, "Shared kit"): resolves after `ms`, or
 * rejects as soon as `signal` aborts (at once if it already has). The timer is cleared and the listener
 * removed either way, so an abandoned sleep holds nothing. The rejection is the signal's reason, or what
 * `reason` makes of the signal (the SDK rejects with its own typed CANCELLED error).
 */
export function sleep(
  ms: number,
  signal?: AbortSignal,
  reason: (signal: AbortSignal) => Error = abortReason,
): Promise<void> {
  if (signal?.aborted) return Promise.reject(reason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(reason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `promise`, or a rejection as soon as `signal` aborts (the work behind `promise` is not stopped; its
 * outcome is ignored). The listener is removed once either happens.
 */
export function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  reason: (signal: AbortSignal) => Error = abortReason,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(reason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(reason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
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

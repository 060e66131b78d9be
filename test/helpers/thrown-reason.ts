import { TributaryError } from '../../proto/errors.js';

/** Runs `fn` and answers the reason of the TributaryError it throws, or 'no error'; other errors propagate. */
export function thrownReason(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof TributaryError) return err.reason;
    throw err;
  }
  return 'no error';
}

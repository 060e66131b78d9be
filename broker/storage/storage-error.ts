import { TributaryError } from '../../proto/errors.js';

/** Wraps a filesystem failure as STORAGE_ERROR, or DISK_FULL for ENOSPC/EDQUOT, keeping the cause. */
export function storageError(err: unknown, what: string): TributaryError {
  if (err instanceof TributaryError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const message = `${what}: ${(err as Error | undefined)?.message ?? String(err)}`;
  return new TributaryError(code === 'ENOSPC' || code === 'EDQUOT' ? 'DISK_FULL' : 'STORAGE_ERROR', message, {
    cause: err,
  });
}

export function isMissingFile(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

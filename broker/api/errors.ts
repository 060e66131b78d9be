import { Metadata, type ServiceError, type status } from '@grpc/grpc-js';
import {
  ERRORS,
  type ErrorReason,
  REASON_METADATA_KEY,
  RETRIABLE_METADATA_KEY,
  TributaryError,
} from '../../proto/errors.js';
import type { Error as WireError } from '../../proto/generated/tributary/v1/Error.js';

/** Any thrown value as a TributaryError; unexpected ones become INTERNAL (or DISK_FULL / STORAGE_ERROR). */
export function asTributaryError(err: unknown): TributaryError {
  if (err instanceof TributaryError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC')
    return new TributaryError('DISK_FULL', 'no space left on the log device', { cause: err });
  if (code === 'EIO' || code === 'EMFILE' || code === 'ENFILE' || code === 'EROFS') {
    return new TributaryError('STORAGE_ERROR', `storage failure: ${(err as Error).message}`, { cause: err });
  }
  return new TributaryError('INTERNAL', err instanceof Error ? err.message : String(err), { cause: err });
}

/** A whole-request failure: gRPC status plus the reason in trailing metadata. */
export function toServiceError(err: unknown): Partial<ServiceError> {
  const e = asTributaryError(err);
  const metadata = new Metadata();
  metadata.set(REASON_METADATA_KEY, e.reason);
  metadata.set(RETRIABLE_METADATA_KEY, String(e.retriable));
  return { code: e.code as unknown as status, details: `${e.reason}: ${e.message}`, metadata };
}

/** A per-item failure inside a response. */
export function toWireError(err: unknown): WireError {
  const e = asTributaryError(err);
  return { code: e.code, reason: e.reason, message: e.message, retriable: e.retriable };
}

export function wireError(reason: ErrorReason, message?: string): WireError {
  return {
    code: ERRORS[reason].code,
    reason,
    message: message ?? ERRORS[reason].description,
    retriable: ERRORS[reason].retriable,
  };
}

/** Parses a 64-bit offset that arrived as a decimal string; rejects anything JavaScript can't hold exactly. */
export function parseOffset(raw: string | undefined, field: string): number {
  if (raw === undefined || !/^-?\d{1,16}$/.test(raw)) {
    throw new TributaryError(
      'INVALID_REQUEST',
      `${field} must be a decimal integer, got ${JSON.stringify(raw)}`,
    );
  }
  const n = Number(raw);
  if (!Number.isSafeInteger(n))
    throw new TributaryError('INVALID_REQUEST', `${field} is out of range: ${raw}`);
  return n;
}

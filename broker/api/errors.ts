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

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Parses a 64-bit integer that arrived as a decimal string (`longs: String`). The wire allows all of
 * [-2^63, 2^63 - 1]; the broker computes with JavaScript numbers, exact to ±(2^53 - 1), so a value beyond
 * that is refused with `beyondReason` and a message naming that limit, never as "not an integer".
 */
export function parseInt64(
  raw: string | undefined,
  field: string,
  beyondReason: ErrorReason = 'INVALID_REQUEST',
): number {
  if (raw === undefined || !/^-?\d{1,19}$/.test(raw)) {
    throw new TributaryError(
      'INVALID_REQUEST',
      `${field} must be a decimal 64-bit integer, got ${JSON.stringify(raw)}`,
    );
  }
  const n = Number(raw);
  if (Number.isSafeInteger(n)) return n === 0 ? 0 : n;
  const exact = BigInt(raw);
  if (exact < INT64_MIN || exact > INT64_MAX) {
    throw new TributaryError('INVALID_REQUEST', `${field} ${raw} is outside the 64-bit range`);
  }
  throw new TributaryError(
    beyondReason,
    `${field} ${raw} is beyond ±${Number.MAX_SAFE_INTEGER} (2^53 - 1), the largest magnitude the broker handles`,
  );
}

/** An offset: one beyond ±(2^53 - 1) is before the log start or after its end, so OFFSET_OUT_OF_RANGE. */
export function parseOffset(raw: string | undefined, field: string): number {
  return parseInt64(raw, field, 'OFFSET_OUT_OF_RANGE');
}

/** A timestamp in milliseconds: one beyond ±(2^53 - 1) is INVALID_TIMESTAMP. */
export function parseTimestamp(raw: string | undefined, field: string): number {
  return parseInt64(raw, field, 'INVALID_TIMESTAMP');
}

/** Whole-request check (docs/api.md): a list the request is about may not be empty. */
export function requireItems(items: readonly unknown[], request: string, what: string): void {
  if (items.length === 0) throw new TributaryError('INVALID_REQUEST', `${request} names no ${what}`);
}

/** The same for requests by topic and partition: no topic, or a topic with no partition, fails the call. */
export function requirePartitions(
  topics: readonly { readonly topic: string; readonly partitions: readonly unknown[] }[],
  request: string,
): void {
  requireItems(topics, request, 'topic');
  for (const t of topics) {
    if (t.partitions.length === 0) {
      throw new TributaryError(
        'INVALID_REQUEST',
        `${request} names topic ${JSON.stringify(t.topic)} with no partition`,
      );
    }
  }
}

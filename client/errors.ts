/**
 * Mapping of failures from the wire to `TributaryError`.
 *
 * Two shapes arrive: a whole-call failure (a gRPC `ServiceError`, whose trailing metadata carries
 * `tributary-reason` and `tributary-retriable`), and a per-item `Error` message inside a response. Both
 * become a `TributaryClientError`, a `TributaryError` whose `reason` is always a table reason (unknown
 * ones map to INTERNAL) and whose `reasonName` keeps exactly what the broker said, so a newer broker's
 * reason, or a transport failure (UNAVAILABLE, CANCELLED), is never lost. The broker's message is kept
 * verbatim.
 */
import type { Metadata, ServiceError } from '@grpc/grpc-js';
import {
  ERRORS,
  type ErrorReason,
  GrpcCode,
  isErrorReason,
  REASON_METADATA_KEY,
  RETRIABLE_METADATA_KEY,
  TributaryError,
} from '../proto/errors.js';
import type { Error__Output as WireError } from '../proto/generated/tributary/v1/Error.js';

/** Reasons the client itself reports for failures that never reached the broker's error table. */
export type TransportReason = 'UNAVAILABLE' | 'CANCELLED' | 'DEADLINE_EXCEEDED';

export class TributaryClientError extends TributaryError {
  /** The reason as reported: a table reason, a transport reason, or a reason this client does not know. */
  readonly reasonName: string;
  override readonly code: GrpcCode;
  override readonly retriable: boolean;

  constructor(
    reasonName: string,
    message: string,
    options: { code?: number; retriable?: boolean; cause?: unknown } = {},
  ) {
    const reason: ErrorReason = isErrorReason(reasonName) ? reasonName : 'INTERNAL';
    super(reason, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reasonName = reasonName;
    this.code = (options.code ?? ERRORS[reason].code) as GrpcCode;
    this.retriable = options.retriable ?? ERRORS[reason].retriable;
  }
}

/** The reason to show a person: the broker's own name for it when there is one. */
export function reasonOf(err: TributaryError): string {
  return err instanceof TributaryClientError ? err.reasonName : err.reason;
}

/** A per-item `Error` message from a response; null when the item succeeded. */
export function fromWireError(error: WireError | null | undefined): TributaryClientError | null {
  if (error === null || error === undefined) return null;
  if (error.reason === '' && error.code === 0 && error.message === '') return null;
  const reasonName = error.reason === '' ? 'INTERNAL' : error.reason;
  const message = error.message === '' ? describe(reasonName) : error.message;
  return new TributaryClientError(reasonName, message, { code: error.code, retriable: error.retriable });
}

function describe(reasonName: string): string {
  return isErrorReason(reasonName) ? ERRORS[reasonName].description : reasonName;
}

function metadataString(metadata: Metadata | undefined, key: string): string | undefined {
  const values = metadata?.get(key);
  const first = values?.[0];
  if (first === undefined) return undefined;
  return typeof first === 'string' ? first : first.toString('utf8');
}

function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number' && 'details' in err;
}

/** Transport-level statuses that mean "the broker was not reached or went away": safe to retry. */
const TRANSPORT_REASONS: Partial<Record<number, TransportReason>> = {
  [GrpcCode.UNAVAILABLE]: 'UNAVAILABLE',
  [GrpcCode.CANCELLED]: 'CANCELLED',
  [GrpcCode.DEADLINE_EXCEEDED]: 'DEADLINE_EXCEEDED',
};

/**
 * Any error thrown by a gRPC call (or anything else) as a `TributaryError`. A status carrying
 * `tributary-reason` keeps that reason and retriable flag; a bare UNAVAILABLE / DEADLINE_EXCEEDED /
 * CANCELLED is a retriable transport failure; anything else is INTERNAL with the original message.
 */
export function fromServiceError(err: unknown): TributaryError {
  if (err instanceof TributaryError) return err;
  if (!isServiceError(err)) {
    const message = err instanceof Error ? err.message : String(err);
    return new TributaryClientError('INTERNAL', message, { cause: err });
  }
  const message = err.details !== '' ? err.details : err.message;
  const reasonName = metadataString(err.metadata, REASON_METADATA_KEY);
  const retriableText = metadataString(err.metadata, RETRIABLE_METADATA_KEY);
  if (reasonName !== undefined && reasonName !== '') {
    const retriable =
      retriableText === undefined
        ? isErrorReason(reasonName)
          ? ERRORS[reasonName].retriable
          : false
        : retriableText === 'true';
    return new TributaryClientError(reasonName, message, { code: err.code, retriable, cause: err });
  }
  const transport = TRANSPORT_REASONS[err.code];
  if (transport !== undefined) {
    return new TributaryClientError(transport, message, {
      code: err.code,
      retriable: transport !== 'CANCELLED',
      cause: err,
    });
  }
  return new TributaryClientError('INTERNAL', message, { code: err.code, cause: err });
}

import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { TributaryError } from '../proto/errors.js';
import { fromServiceError, fromWireError, reasonOf, TributaryClientError } from './errors.js';

function serviceError(code: number, details: string, md: Record<string, string> = {}): ServiceError {
  const metadata = new Metadata();
  for (const [k, v] of Object.entries(md)) metadata.set(k, v);
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
}

describe('fromServiceError', () => {
  it('keeps the reason, retriable flag and message the broker set', () => {
    const err = fromServiceError(
      serviceError(status.NOT_FOUND, 'topic "x" does not exist', {
        'tributary-reason': 'UNKNOWN_TOPIC',
        'tributary-retriable': 'false',
      }),
    );
    expect(err).toBeInstanceOf(TributaryError);
    expect(err.reason).toBe('UNKNOWN_TOPIC');
    expect(err.code).toBe(status.NOT_FOUND);
    expect(err.retriable).toBe(false);
    expect(err.message).toBe('topic "x" does not exist');
  });

  it('takes retriable from metadata over the table', () => {
    const err = fromServiceError(
      serviceError(status.FAILED_PRECONDITION, 'moved', {
        'tributary-reason': 'NOT_LEADER',
        'tributary-retriable': 'true',
      }),
    );
    expect(err.reason).toBe('NOT_LEADER');
    expect(err.retriable).toBe(true);
  });

  it('falls back to the table for retriable when the metadata lacks it', () => {
    const err = fromServiceError(
      serviceError(status.RESOURCE_EXHAUSTED, 'busy', { 'tributary-reason': 'TOO_MANY_REQUESTS' }),
    );
    expect(err.retriable).toBe(true);
  });

  it('maps an unknown reason to INTERNAL but keeps its name and message', () => {
    const err = fromServiceError(
      serviceError(status.FAILED_PRECONDITION, 'fenced by epoch 7', {
        'tributary-reason': 'SOME_FUTURE_REASON',
      }),
    );
    expect(err.reason).toBe('INTERNAL');
    expect(reasonOf(err)).toBe('SOME_FUTURE_REASON');
    expect(err.message).toBe('fenced by epoch 7');
    expect(err.code).toBe(status.FAILED_PRECONDITION);
  });

  it('reports a bare UNAVAILABLE as a retriable connection failure', () => {
    const err = fromServiceError(
      serviceError(status.UNAVAILABLE, 'No connection established. Last error: ECONNREFUSED'),
    );
    expect(reasonOf(err)).toBe('UNAVAILABLE');
    expect(err.retriable).toBe(true);
    expect(err.code).toBe(status.UNAVAILABLE);
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('reports DEADLINE_EXCEEDED as retriable and CANCELLED as not', () => {
    expect(fromServiceError(serviceError(status.DEADLINE_EXCEEDED, 'Deadline exceeded')).retriable).toBe(
      true,
    );
    expect(fromServiceError(serviceError(status.CANCELLED, 'Cancelled on client')).retriable).toBe(false);
  });

  it('maps other statuses without a reason to INTERNAL with the message', () => {
    const err = fromServiceError(
      serviceError(status.UNIMPLEMENTED, 'The server does not implement the method'),
    );
    expect(err.reason).toBe('INTERNAL');
    expect(err.message).toBe('The server does not implement the method');
    expect(err.retriable).toBe(false);
  });

  it('passes TributaryErrors through and wraps plain errors', () => {
    const original = new TributaryError('CRC_MISMATCH', 'bad crc');
    expect(fromServiceError(original)).toBe(original);
    const wrapped = fromServiceError(new Error('boom'));
    expect(wrapped.reason).toBe('INTERNAL');
    expect(wrapped.message).toBe('boom');
  });
});

describe('fromWireError', () => {
  it('is null for an absent or empty error', () => {
    expect(fromWireError(null)).toBeNull();
    expect(fromWireError(undefined)).toBeNull();
    expect(fromWireError({ code: 0, reason: '', message: '', retriable: false })).toBeNull();
  });

  it('maps a per-item error with all four fields', () => {
    const err = fromWireError({
      code: 5,
      reason: 'UNKNOWN_PARTITION',
      message: 'partition 9 of t',
      retriable: false,
    });
    expect(err).toBeInstanceOf(TributaryClientError);
    expect(err?.reason).toBe('UNKNOWN_PARTITION');
    expect(err?.code).toBe(5);
    expect(err?.message).toBe('partition 9 of t');
  });

  it('keeps the retriable flag the broker sent', () => {
    const err = fromWireError({ code: 9, reason: 'NOT_LEADER', message: 'x', retriable: true });
    expect(err?.retriable).toBe(true);
  });

  it('keeps unknown reasons by name and fills an empty message', () => {
    const err = fromWireError({ code: 9, reason: 'SOMETHING_NEW', message: '', retriable: true });
    expect(err?.reason).toBe('INTERNAL');
    expect(err?.reasonName).toBe('SOMETHING_NEW');
    expect(err?.message).toBe('SOMETHING_NEW');
    expect(err?.retriable).toBe(true);
  });
});

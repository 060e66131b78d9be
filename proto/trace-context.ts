/**
 * W3C trace context in record headers, shared by the SDK (which writes it) and the broker (which reads
 * it): the `traceparent` and `tracestate` headers of one record carry the context of the span that
 * created the record, so the context survives batching, compression and storage, and a consumer reading
 * the record days later links its processing to the producer's call (docs/architecture.md, "Tracing").
 *
 * Only `@opentelemetry/api` is used: until the application (or the broker's SDK) registers a propagator
 * and a tracer provider, injecting writes nothing and extracting returns the context unchanged.
 */
import {
  type Context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  type SpanContext,
  type TextMapGetter,
  trace,
} from '@opentelemetry/api';

/** The header keys the W3C propagator writes; a record's own copies are replaced on send. */
export const TRACE_HEADER_KEYS: readonly string[] = ['traceparent', 'tracestate'];

/**
 * Attribute names of the OpenTelemetry messaging semantic conventions (plus Tributary's own under
 * `tributary.*`), written out here so the SDK needs no semantic-conventions package.
 */
export const MESSAGING = {
  system: 'messaging.system',
  operationName: 'messaging.operation.name',
  operationType: 'messaging.operation.type',
  destinationName: 'messaging.destination.name',
  partitionId: 'messaging.destination.partition.id',
  consumerGroup: 'messaging.consumer.group.name',
  clientId: 'messaging.client.id',
  messageId: 'messaging.message.id',
  batchCount: 'messaging.batch.message_count',
  /** The record's offset in its partition (Kafka's instrumentations call it messaging.kafka.offset). */
  offset: 'tributary.offset',
} as const;

/** The value of `messaging.system` for every Tributary span. */
export const MESSAGING_SYSTEM = 'tributary';

/** Decoded record headers, as the codec returns them. */
export type HeaderList = ReadonlyArray<{ key: string; value?: Buffer | string | null | undefined }>;

const headerGetter: TextMapGetter<HeaderList> = {
  keys: (headers) => headers.map((h) => h.key),
  get: (headers, key) => {
    // The last copy wins, as a re-sent record's newer context is appended after an older one.
    for (let i = headers.length - 1; i >= 0; i--) {
      const h = headers[i]!;
      if (h.key !== key) continue;
      if (h.value === null || h.value === undefined) return undefined;
      return typeof h.value === 'string' ? h.value : h.value.toString('latin1');
    }
    return undefined;
  },
};

/** Whether any header could carry trace context (a cheap test before asking the propagator). */
function mayCarryContext(headers: HeaderList): boolean {
  for (const h of headers) if (h.key === 'traceparent') return true;
  return false;
}

/**
 * The span context a record's headers carry, or undefined (no headers, no propagator registered, or an
 * invalid `traceparent`).
 */
export function recordSpanContext(headers: HeaderList | undefined): SpanContext | undefined {
  if (headers === undefined || headers.length === 0 || !mayCarryContext(headers)) return undefined;
  const context = propagation.extract(ROOT_CONTEXT, headers, headerGetter);
  const spanContext = trace.getSpanContext(context);
  return spanContext !== undefined && isSpanContextValid(spanContext) ? spanContext : undefined;
}

/**
 * The trace headers of `context` (what the registered propagator writes), or an empty list when the
 * context has no valid span or no propagator is registered.
 */
export function traceHeaders(context: Context): Array<{ key: string; value: string }> {
  const carrier: Record<string, string> = {};
  propagation.inject(context, carrier);
  const headers: Array<{ key: string; value: string }> = [];
  for (const key of Object.keys(carrier)) headers.push({ key, value: carrier[key]! });
  return headers;
}

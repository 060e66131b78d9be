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
import { type Cursor, readVarint, readVarlong } from './codec/varint.js';

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

/** Now in epoch milliseconds with sub-millisecond precision: a span's explicit start time. */
export function spanClockMs(): number {
  return performance.timeOrigin + performance.now();
}

const TRACEPARENT_KEY = Buffer.from('traceparent', 'latin1');
const TRACESTATE_KEY = Buffer.from('tracestate', 'latin1');

/** Skips a length-prefixed field (-1 is null). */
function skipBytes(buf: Buffer, cursor: Cursor): void {
  const length = readVarint(buf, cursor);
  if (length > 0) cursor.pos += length;
}

/**
 * Calls `visit` with the trace headers of each record of a records section (RecordBatch v2 records,
 * decompressed, as the broker's validator passed them), first record first, until it returns false. Keys,
 * values and other headers are skipped, not copied: only a `traceparent` or `tracestate` value becomes a
 * string. A record that does not fit ends the walk (the validator has refused such a batch already).
 */
export function forEachRecordTraceHeaders(
  section: Buffer,
  visit: (traceparent: string | undefined, tracestate: string | undefined) => boolean,
): void {
  const cursor: Cursor = { pos: 0 };
  // Records of a batch mostly carry the same context: the previous record's strings are reused when the
  // bytes are the same, so a record costs no allocation.
  let lastParent: { start: number; end: number; value: string } | undefined;
  let lastState: { start: number; end: number; value: string } | undefined;
  const text = (
    start: number,
    end: number,
    last: { start: number; end: number; value: string } | undefined,
  ): { start: number; end: number; value: string } =>
    last !== undefined && section.compare(section, last.start, last.end, start, end) === 0
      ? last
      : { start, end, value: section.toString('latin1', start, end) };
  while (cursor.pos < section.length) {
    const length = readVarint(section, cursor);
    const end = cursor.pos + length;
    if (!(length >= 1 && end <= section.length)) return;
    cursor.pos++; // attributes
    readVarlong(section, cursor); // timestampDelta
    readVarint(section, cursor); // offsetDelta
    skipBytes(section, cursor); // key
    skipBytes(section, cursor); // value
    const count = readVarint(section, cursor);
    let traceparent: string | undefined;
    let tracestate: string | undefined;
    for (let i = 0; i < count && cursor.pos < end; i++) {
      const keyLength = readVarint(section, cursor);
      const keyStart = cursor.pos;
      cursor.pos += Math.max(0, keyLength);
      const valueLength = readVarint(section, cursor);
      const valueStart = cursor.pos;
      if (valueLength <= 0 || valueStart + valueLength > end) continue;
      cursor.pos += valueLength;
      const keyEnd = keyStart + keyLength;
      if (TRACEPARENT_KEY.compare(section, keyStart, keyEnd) === 0) {
        lastParent = text(valueStart, cursor.pos, lastParent);
        traceparent = lastParent.value;
      } else if (TRACESTATE_KEY.compare(section, keyStart, keyEnd) === 0) {
        lastState = text(valueStart, cursor.pos, lastState);
        tracestate = lastState.value;
      }
    }
    cursor.pos = end;
    if (!visit(traceparent, tracestate)) return;
  }
}

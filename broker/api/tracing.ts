/**
 * The broker's spans (docs/operations.md, "Tracing"), made only when the process started the OpenTelemetry
 * SDK (kit/tracing-sdk.ts), so a broker without tracing does no extra work per request:
 *
 * - `produce <topic>` (SERVER) per partition of a produce request: a child of the creation context the
 *   first batch's first record carries (the producer's span, so producer, broker and consumer share a
 *   trace), linked to the distinct creation contexts of the batches (up to MAX_PRODUCE_LINKS). The
 *   contexts come from the records' `traceparent` headers, not from gRPC metadata: one ProduceStream
 *   carries the records of many producer calls, so only the records know their own context. They are read
 *   from the records the validator has already walked (and decompressed), after it, and only as far as
 *   needed: a batch whose first record carries no context, or an unsampled one, is read no further (the
 *   SDK writes one sampled context per batch, or per record for records traced on their own;
 *   docs/architecture.md, "Tracing: one creation context per batch"). The span starts when the append
 *   does; an append refused before validation makes a span without parent.
 * - `replicate <topic>` (INTERNAL), its child, for the acks=all wait until the ISR has the records.
 * - `fetch` (SERVER) per Fetch request.
 */
import {
  type Link,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { tracingSdkStarted } from '../../kit/tracing-sdk.js';
import {
  forEachRecordTraceHeaders,
  MESSAGING,
  MESSAGING_SYSTEM,
  recordSpanContext,
  spanClockMs,
} from '../../proto/trace-context.js';

/** Creation contexts one produce span links to at most. */
export const MAX_PRODUCE_LINKS = 32;

const tracer = trace.getTracer('tributary-broker');

/** The span context of one record's trace headers, or undefined. */
function contextOf(traceparent: string, tracestate: string | undefined): SpanContext | undefined {
  return recordSpanContext(
    tracestate === undefined
      ? [{ key: 'traceparent', value: traceparent }]
      : [
          { key: 'traceparent', value: traceparent },
          { key: 'tracestate', value: tracestate },
        ],
  );
}

/**
 * The distinct creation contexts in validated batches' records sections, at most `max`, read as the file
 * comment says.
 */
export function creationContexts(sections: readonly Buffer[], max: number): SpanContext[] {
  const found: SpanContext[] = [];
  // Records of a batch mostly share its context: each distinct header is parsed once (null: invalid).
  const parsed = new Map<string, SpanContext | null>();
  for (const section of sections) {
    if (found.length >= max) break;
    let first = true;
    try {
      forEachRecordTraceHeaders(section, (traceparent, tracestate) => {
        const isFirst = first;
        first = false;
        if (traceparent === undefined) return !isFirst;
        let context = parsed.get(traceparent);
        if (context === undefined) {
          context = contextOf(traceparent, tracestate) ?? null;
          parsed.set(traceparent, context);
          if (context !== null) found.push(context);
        }
        if (context === null) return !isFirst;
        if (isFirst && (context.traceFlags & TraceFlags.SAMPLED) === 0) return false;
        return found.length < max;
      });
    } catch {
      // A record that does not parse ends the reading; the span links fewer contexts.
    }
  }
  return found;
}

/** What a produce span records of its partition's request. */
export interface ProduceSpanInput {
  topic: string;
  partition: number;
  acks: string;
  nodeId: number;
  /** When the append began (spanClockMs). */
  startTimeMs: number;
}

/**
 * The start of a produce span, or undefined while tracing is off: then the span itself (`produceSpan`)
 * once the batches are validated, or without them when the append failed before.
 */
export function produceSpanClock(): number | undefined {
  return tracingSdkStarted() ? spanClockMs() : undefined;
}

/** The `produce <topic>` span of one partition's append, from its batches' records (none: refused). */
export function produceSpan(input: ProduceSpanInput, sections: readonly Buffer[]): Span {
  const contexts = creationContexts(sections, MAX_PRODUCE_LINKS);
  const links: Link[] = contexts.map((context) => ({ context }));
  const parent = contexts[0] === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, contexts[0]);
  return tracer.startSpan(
    `produce ${input.topic}`,
    {
      kind: SpanKind.SERVER,
      links,
      startTime: input.startTimeMs,
      attributes: {
        [MESSAGING.system]: MESSAGING_SYSTEM,
        [MESSAGING.operationName]: 'produce',
        [MESSAGING.destinationName]: input.topic,
        [MESSAGING.partitionId]: String(input.partition),
        'tributary.acks': input.acks,
        'tributary.broker.id': input.nodeId,
      },
    },
    parent,
  );
}

/** The `replicate <topic>` child of a produce span (the acks=all wait). */
export function startReplicationSpan(parent: Span, topic: string, lastOffset: number, minIsr: number): Span {
  return tracer.startSpan(
    `replicate ${topic}`,
    {
      kind: SpanKind.INTERNAL,
      attributes: { 'tributary.last_offset': lastOffset, 'tributary.min_insync_replicas': minIsr },
    },
    trace.setSpan(ROOT_CONTEXT, parent),
  );
}

/** The `fetch` span of one Fetch request, or undefined while tracing is off. */
export function startFetchSpan(partitions: number, nodeId: number): Span | undefined {
  if (!tracingSdkStarted()) return undefined;
  return tracer.startSpan('fetch', {
    kind: SpanKind.SERVER,
    attributes: {
      [MESSAGING.system]: MESSAGING_SYSTEM,
      [MESSAGING.operationName]: 'fetch',
      'tributary.partitions': partitions,
      'tributary.broker.id': nodeId,
    },
  });
}

/** Ends a broker span, with the failure's reason when there is one. */
export function endSpan(span: Span | undefined, error?: { reason: string; message: string }): void {
  if (span === undefined) return;
  if (error !== undefined) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    span.setAttribute('error.type', error.reason);
  }
  span.end();
}

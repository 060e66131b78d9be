/**
 * The broker's spans (docs/operations.md, "Tracing"), made only when the process started the OpenTelemetry
 * SDK (kit/tracing-sdk.ts), so a broker without tracing does no extra work per request:
 *
 * - `produce <topic>` (SERVER) per partition of a produce request: a child of the creation context of the
 *   first record that carries one (the producer's span, so producer, broker and consumer share a trace),
 *   linked to the creation contexts of up to MAX_PRODUCE_LINKS records. The contexts come from the
 *   records' `traceparent` headers, not from gRPC metadata: one ProduceStream carries the records of many
 *   producer calls, so only the records know their own context.
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
  trace,
} from '@opentelemetry/api';
import { tracingSdkStarted } from '../../kit/tracing-sdk.js';
import { decodeRecordBatch, scanBatches } from '../../proto/codec/index.js';
import type { PartitionProduceData__Output } from '../../proto/generated/tributary/v1/PartitionProduceData.js';
import {
  type HeaderList,
  MESSAGING,
  MESSAGING_SYSTEM,
  recordSpanContext,
} from '../../proto/trace-context.js';

/** Creation contexts one produce span links to at most. */
export const MAX_PRODUCE_LINKS = 32;

const tracer = trace.getTracer('tributary-broker');

/** The creation contexts in a partition's produce data (records or batches), at most `max`. */
function creationContexts(data: PartitionProduceData__Output, max: number): SpanContext[] {
  const found: SpanContext[] = [];
  const take = (headers: HeaderList): boolean => {
    const context = recordSpanContext(headers);
    if (context !== undefined) found.push(context);
    return found.length < max;
  };
  if (data.records.length > 0) {
    for (const r of data.records) if (!take(r.headers)) break;
    return found;
  }
  try {
    for (const batch of scanBatches(data.batches)) {
      if (batch.isControl) continue;
      for (const record of decodeRecordBatch(data.batches, batch.position).records) {
        if (!take(record.headers)) return found;
      }
    }
  } catch {
    // A malformed batch is refused by the append with its precise reason; the span just links fewer.
  }
  return found;
}

/** The `produce <topic>` span of one partition's data, or undefined while tracing is off. */
export function startProduceSpan(
  topic: string,
  data: PartitionProduceData__Output,
  acks: string,
  nodeId: number,
): Span | undefined {
  if (!tracingSdkStarted()) return undefined;
  const contexts = creationContexts(data, MAX_PRODUCE_LINKS);
  const links: Link[] = contexts.map((context) => ({ context }));
  const parent = contexts[0] === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, contexts[0]);
  return tracer.startSpan(
    `produce ${topic}`,
    {
      kind: SpanKind.SERVER,
      links,
      attributes: {
        [MESSAGING.system]: MESSAGING_SYSTEM,
        [MESSAGING.operationName]: 'produce',
        [MESSAGING.destinationName]: topic,
        [MESSAGING.partitionId]: String(data.partition),
        'tributary.acks': acks,
        'tributary.broker.id': nodeId,
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

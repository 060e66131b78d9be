/**
 * The SDK's OpenTelemetry spans, after the messaging semantic conventions (docs/client.md, "Tracing"):
 *
 * - `send <topic>` (PRODUCER) for `produce(record)` and a one-message `send()`: from the call to the
 *   broker's answer; its context is the record's creation context and goes into the record's headers.
 * - `send <topic>` (CLIENT) for a `send()` of several messages, with one `create <topic>` span
 *   (PRODUCER) per message whose context goes into that message's headers; the send span links to them.
 * - `process <topic>` (CONSUMER) around each `eachRecord` call: a child of the ambient span when there is
 *   one, else of the record's creation context (so producer, broker and consumer share one trace), and
 *   linked to the creation context; around each `eachBatch` call, linked to every record's context.
 * - `commit` (CLIENT) for each offset commit of a consumer group.
 *
 * Only `@opentelemetry/api` is used. Until the application registers an SDK every tracer is a no-op:
 * `startSpan` returns a span with an invalid context, and each helper here returns at that first check,
 * without building attributes, touching headers or wrapping a handler (docs/benchmarks.md measures it).
 */
import {
  context,
  isSpanContextValid,
  type Link,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import {
  type HeaderList,
  MESSAGING,
  MESSAGING_SYSTEM,
  recordSpanContext,
  TRACE_HEADER_KEYS,
  traceHeaders,
} from '../proto/trace-context.js';

/** Links one span carries at most (the SDK's own default limit). */
export const MAX_SPAN_LINKS = 128;

const tracer = trace.getTracer('tributary-client');

/** What a span needs to know about a record it covers. */
interface RecordRef {
  topic: string;
  partition: number;
  offset: number;
  headers: HeaderList;
}

type Headers = Array<{ key: string; value: Buffer | string | null }> | { [key: string]: Buffer | string };

export class ClientTracing {
  constructor(private readonly clientId: string | undefined) {}

  /**
   * A producer span (`send` or `create`, PRODUCER), or undefined while tracing is off. Its context is the
   * creation context of one record.
   */
  startCreation(operation: 'send' | 'create', topic: string): Span | undefined {
    const span = tracer.startSpan(`${operation} ${topic}`, { kind: SpanKind.PRODUCER });
    if (!isSpanContextValid(span.spanContext())) return undefined;
    if (span.isRecording()) span.setAttributes(this.attributes(operation, operation, topic));
    // A create span marks the moment the record got its context; it has nothing to wait for.
    if (operation === 'create') span.end();
    return span;
  }

  /** The `send` span (CLIENT) of a several-message send(), linked to the messages' `create` spans. */
  startBatchSend(topic: string, created: Span[], messageCount: number): Span | undefined {
    const links: Link[] = [];
    for (const s of created) {
      if (links.length >= MAX_SPAN_LINKS) break;
      links.push({ context: s.spanContext() });
    }
    const span = tracer.startSpan(`send ${topic}`, { kind: SpanKind.CLIENT, links });
    if (!isSpanContextValid(span.spanContext())) return undefined;
    if (span.isRecording()) {
      span.setAttributes(this.attributes('send', 'send', topic));
      span.setAttribute(MESSAGING.batchCount, messageCount);
    }
    return span;
  }

  /** `headers` with the span's context in place of any trace headers they had (a new object). */
  inject(headers: Headers | undefined, span: Span): Headers {
    const injected = traceHeaders(trace.setSpan(context.active(), span));
    if (injected.length === 0) return headers ?? [];
    const list =
      headers === undefined
        ? []
        : Array.isArray(headers)
          ? headers.filter((h) => !TRACE_HEADER_KEYS.includes(h.key))
          : Object.entries(headers)
              .filter(([key]) => !TRACE_HEADER_KEYS.includes(key))
              .map(([key, value]) => ({ key, value }));
    return [...list, ...injected];
  }

  /** Ends a producer span when its record's ack settles. */
  endOnAck(span: Span, result: Promise<{ partition: number; offset: number }>): void {
    if (!span.isRecording()) return;
    result.then(
      (meta) => this.settle(span, meta),
      (err: unknown) => this.settle(span, undefined, err),
    );
  }

  /** Ends a producer span: with the partition and offset of its one record, or with the error. */
  settle(span: Span, meta: { partition: number; offset: number } | undefined, err?: unknown): void {
    if (!span.isRecording()) return;
    if (err !== undefined) failed(span, err);
    else if (meta !== undefined) {
      span.setAttribute(MESSAGING.partitionId, String(meta.partition));
      if (meta.offset >= 0) {
        span.setAttribute(MESSAGING.offset, meta.offset);
        span.setAttribute(MESSAGING.messageId, `${meta.partition}-${meta.offset}`);
      }
    }
    span.end();
  }

  /** Runs `handler` for one record inside its `process <topic>` span (CONSUMER). */
  processRecord<T>(record: RecordRef, group: string | undefined, handler: () => T): T {
    const creation = recordSpanContext(record.headers);
    const ambient = context.active();
    const parent =
      creation !== undefined && trace.getSpan(ambient) === undefined
        ? trace.setSpanContext(ambient, creation)
        : ambient;
    const span = tracer.startSpan(
      `process ${record.topic}`,
      { kind: SpanKind.CONSUMER, ...(creation === undefined ? {} : { links: [{ context: creation }] }) },
      parent,
    );
    if (!isSpanContextValid(span.spanContext())) return handler();
    if (span.isRecording()) {
      span.setAttributes(this.attributes('process', 'process', record.topic, group));
      span.setAttribute(MESSAGING.partitionId, String(record.partition));
      span.setAttribute(MESSAGING.offset, record.offset);
      span.setAttribute(MESSAGING.messageId, `${record.partition}-${record.offset}`);
    }
    return this.around(span, handler);
  }

  /** Runs `handler` for a batch inside a `process <topic>` span linked to every record's context. */
  processBatch<T>(
    batch: { topic: string; partition: number; records: RecordRef[] },
    group: string | undefined,
    handler: () => T,
  ): T {
    const links: Link[] = [];
    for (const r of batch.records) {
      if (links.length >= MAX_SPAN_LINKS) break;
      const creation: SpanContext | undefined = recordSpanContext(r.headers);
      if (creation !== undefined) links.push({ context: creation });
    }
    const span = tracer.startSpan(`process ${batch.topic}`, { kind: SpanKind.CONSUMER, links });
    if (!isSpanContextValid(span.spanContext())) return handler();
    if (span.isRecording()) {
      span.setAttributes(this.attributes('process', 'process', batch.topic, group));
      span.setAttribute(MESSAGING.partitionId, String(batch.partition));
      span.setAttribute(MESSAGING.batchCount, batch.records.length);
      const first = batch.records[0];
      if (first !== undefined) span.setAttribute(MESSAGING.offset, first.offset);
    }
    return this.around(span, handler);
  }

  /** Runs a commit of `partitions` offsets inside a `commit` span (CLIENT, a settle operation). */
  commit<T>(group: string, topics: string[], partitions: number, run: () => Promise<T>): Promise<T> {
    const only = topics.length === 1 ? topics[0] : undefined;
    const span = tracer.startSpan(only === undefined ? 'commit' : `commit ${only}`, {
      kind: SpanKind.CLIENT,
    });
    if (!isSpanContextValid(span.spanContext())) return run();
    if (span.isRecording()) {
      span.setAttributes(this.attributes('commit', 'settle', only, group));
      span.setAttribute(MESSAGING.batchCount, partitions);
    }
    return this.around(span, run);
  }

  /** Calls `fn` with `span` active, ending it when `fn` returns or its promise settles. */
  private around<T>(span: Span, fn: () => T): T {
    let result: T;
    try {
      result = context.with(trace.setSpan(context.active(), span), fn);
    } catch (err) {
      failed(span, err);
      span.end();
      throw err;
    }
    if (result instanceof Promise) {
      return result.then(
        (value: unknown) => {
          span.end();
          return value;
        },
        (err: unknown) => {
          failed(span, err);
          span.end();
          throw err;
        },
      ) as T;
    }
    span.end();
    return result;
  }

  private attributes(
    operation: string,
    type: string,
    topic: string | undefined,
    group?: string,
  ): Record<string, string> {
    const attributes: Record<string, string> = {
      [MESSAGING.system]: MESSAGING_SYSTEM,
      [MESSAGING.operationName]: operation,
      [MESSAGING.operationType]: type,
    };
    if (topic !== undefined) attributes[MESSAGING.destinationName] = topic;
    if (group !== undefined) attributes[MESSAGING.consumerGroup] = group;
    if (this.clientId !== undefined) attributes[MESSAGING.clientId] = this.clientId;
    return attributes;
  }
}

function failed(span: Span, err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err));
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  const reason = (err as { reason?: unknown }).reason;
  if (typeof reason === 'string') span.setAttribute('error.type', reason);
}

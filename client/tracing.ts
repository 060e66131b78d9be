/**
 * The SDK's OpenTelemetry spans, after the messaging semantic conventions (docs/client.md, "Tracing"):
 *
 * - `send <topic>` (PRODUCER) per producer batch: from the batch's first record until the broker's answer.
 *   Its context is the creation context of every record in the batch that has none of its own, so a
 *   record costs no span of its own (docs/architecture.md, "Tracing: one creation context per batch").
 * - `send <topic>` (PRODUCER) per `produce(record)` called inside a sampled span, and per one-message
 *   `send()`: from the call to the broker's answer; its context is that record's creation context.
 * - `send <topic>` (CLIENT) for a `send()` of several messages, with one `create <topic>` span
 *   (PRODUCER) per message whose context is that message's creation context; the send span links to them.
 * - `process <topic>` (CONSUMER) around each `eachRecord` call: a child of the ambient span when there is
 *   one, else of the record's creation context (so producer, broker and consumer share one trace), and
 *   linked to the creation context; around each `eachBatch` call, linked to every record's context.
 * - `receive <topic>` (CONSUMER) for each pull (`for await`, `next()`, `nextBatch()`, a reader's
 *   `consume` or `fetch`): from the call until the records are handed over, linked to their contexts.
 * - `commit` (CLIENT) for each offset commit of a consumer group.
 *
 * Only sampled contexts are written into records: an unsampled one would cost every record its 55-byte
 * `traceparent` and decide nothing a consumer could not decide itself (docs/architecture.md).
 *
 * Only `@opentelemetry/api` is used. Until the application registers an SDK every tracer is a no-op:
 * `startSpan` returns a span with an invalid context, and each helper here returns at that first check,
 * without building attributes, touching headers or wrapping a handler (docs/benchmarks.md measures it).
 */
import {
  type Attributes,
  context,
  isSpanContextValid,
  type Link,
  ProxyTracerProvider,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import {
  type HeaderList,
  MESSAGING,
  MESSAGING_SYSTEM,
  recordSpanContext,
  spanClockMs,
  TRACE_HEADER_KEYS,
  traceHeaders,
} from '../proto/trace-context.js';

/** What the API's tracer provider delegates to while no SDK is registered. */
const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();
/**
 * The API's global tracer provider as last read: the proxy an SDK's registration delegates to (the same
 * object before and after `setGlobalTracerProvider`), so checking its delegate sees a registration at once.
 * `trace.disable()` replaces the proxy: while no SDK is seen, the global is read again every
 * PROVIDER_READ_EVERY checks, so a proxy registered after a disable is seen within that many records.
 */
let tracerProvider = trace.getTracerProvider();
const PROVIDER_READ_EVERY = 1024;
let checksUntilRead = PROVIDER_READ_EVERY;

function delegating(provider: typeof tracerProvider): boolean {
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NOOP_TRACER_PROVIDER;
}

/**
 * Whether an SDK's tracer provider is registered: the first check of a per-record path, cheaper than a
 * no-op span (and than reading a clock, which some sandboxes make a system call). After `trace.disable()`
 * it may still answer yes; the API calls that follow are then no-ops.
 */
function sdkRegistered(): boolean {
  if (delegating(tracerProvider)) return true;
  if (--checksUntilRead > 0) return false;
  checksUntilRead = PROVIDER_READ_EVERY;
  tracerProvider = trace.getTracerProvider();
  return delegating(tracerProvider);
}

/** The value of a record's (last) `traceparent` header, or undefined. */
function traceparentOf(headers: HeaderList): Buffer | string | undefined {
  for (let i = headers.length - 1; i >= 0; i--) {
    const h = headers[i]!;
    if (h.key === 'traceparent') return h.value ?? undefined;
  }
  return undefined;
}

function sameValue(a: Buffer | string, b: Buffer | string): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a.toString() === b.toString();
  return a.equals(b);
}

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

/** Whether `ctx` is valid and sampled: the only kind of context written into a record. */
export function isSampledContext(ctx: SpanContext): boolean {
  return (ctx.traceFlags & TraceFlags.SAMPLED) !== 0 && isSpanContextValid(ctx);
}

/** Whether `headers` hold trace headers (a context of the record's own, or a stale copy). */
export function hasTraceHeaders(headers: Headers | undefined): boolean {
  if (headers === undefined) return false;
  if (Array.isArray(headers)) {
    for (const h of headers) if (TRACE_HEADER_KEYS.includes(h.key)) return true;
    return false;
  }
  for (const key of TRACE_HEADER_KEYS) if (key in headers) return true;
  return false;
}

/** The creation context of one producer batch: its `send` span and the headers that carry its context. */
export interface BatchCreation {
  /** Bytes the headers add to a record (for the batch's size estimate); 0 when nothing is written. */
  readonly recordBytes: number;
  /**
   * Writes the batch's context into `record`'s headers (a record the producer owns, just before the batch
   * is encoded), unless it carries a context of its own or the batch's is not written.
   */
  stamp(record: { headers?: Headers | undefined }): void;
  /** Ends the span: with the batch's base offset (-1 with acks none) and record count, or its error. */
  settle(result: { offset: number; records: number } | undefined, err?: unknown): void;
}

/** Headers list as the encoder takes it. */
function headerList(headers: Headers): Array<{ key: string; value: Buffer | string | null }> {
  return Array.isArray(headers) ? headers : Object.entries(headers).map(([key, value]) => ({ key, value }));
}

export class ClientTracing {
  /** The creation context (its `traceparent`) the last receive span outside a span stood for. */
  private lastReceived: Buffer | string | undefined;

  constructor(private readonly clientId: string | undefined) {}

  /**
   * The `send` span of one record produced inside a sampled span (its child; the record's own creation
   * context), or undefined: then the record takes its batch's context (`openBatch`). Inside an unsampled
   * span no span is made (none would be recorded) and nothing is written into the record.
   */
  startRecordSend(topic: string): Span | undefined {
    if (!sdkRegistered()) return undefined;
    const ambient = trace.getSpan(context.active());
    if (ambient === undefined || !isSampledContext(ambient.spanContext())) return undefined;
    const span = this.startCreation('send', topic);
    if (span === undefined || isSampledContext(span.spanContext())) return span;
    span.end();
    return undefined;
  }

  /**
   * `headers` without trace headers while a propagator is registered (a record whose context the producer
   * decides gives up any it had), else `headers` itself. Only called for headers that hold some.
   */
  withoutTraceHeaders(headers: Headers): Headers {
    if (propagation.fields().length === 0) return headers;
    return headerList(headers).filter((h) => !TRACE_HEADER_KEYS.includes(h.key));
  }

  /**
   * The creation context of a producer batch of `topic`/`partition` (its `send` span, PRODUCER, a root:
   * the sampler decides once for the batch), or undefined when no span is recorded (no SDK registered, or
   * not sampled). Its headers go into each record without a context of its own when the batch is encoded.
   */
  openBatch(topic: string, partition: number): BatchCreation | undefined {
    const span = tracer.startSpan(`send ${topic}`, { kind: SpanKind.PRODUCER }, ROOT_CONTEXT);
    if (!span.isRecording()) return undefined;
    span.setAttributes(this.attributes('send', 'send', topic));
    span.setAttribute(MESSAGING.partitionId, String(partition));
    // Values encoded once per batch: the encoder copies a Buffer where it would write a string per record.
    const headers = (
      isSampledContext(span.spanContext()) ? traceHeaders(trace.setSpan(ROOT_CONTEXT, span)) : []
    ).map((h) => ({ key: h.key, value: Buffer.from(h.value, 'latin1') }));
    let recordBytes = 0;
    // Each header costs its key and value and two length varints (at most 2 bytes each at these sizes).
    for (const h of headers) recordBytes += 4 + Buffer.byteLength(h.key) + h.value.length;
    return {
      recordBytes,
      stamp: (record) => {
        if (headers.length === 0) return;
        if (record.headers === undefined) record.headers = headers;
        else if (!hasTraceHeaders(record.headers))
          record.headers = [...headerList(record.headers), ...headers];
      },
      settle: (result, err) => {
        if (err !== undefined) failed(span, err);
        else if (result !== undefined) {
          if (result.records > 1) span.setAttribute(MESSAGING.batchCount, result.records);
          if (result.offset >= 0) {
            span.setAttribute(MESSAGING.offset, result.offset);
            if (result.records === 1) span.setAttribute(MESSAGING.messageId, `${partition}-${result.offset}`);
          }
        }
        span.end();
      },
    };
  }

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

  /**
   * The headers of a record whose creation context is `span`: with the context when it is sampled, else
   * without any trace headers (a context nobody records is not written; see the file comment).
   */
  contextHeaders(headers: Headers | undefined, span: Span): Headers | undefined {
    if (isSampledContext(span.spanContext())) return this.inject(headers, span);
    return headers !== undefined && hasTraceHeaders(headers) ? this.withoutTraceHeaders(headers) : headers;
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
    const seen = new Set<string>();
    for (const r of batch.records) {
      if (links.length >= MAX_SPAN_LINKS) break;
      const creation: SpanContext | undefined = recordSpanContext(r.headers);
      // The records of one producer batch share its context: one link for them.
      if (creation === undefined || seen.has(creation.spanId)) continue;
      seen.add(creation.spanId);
      links.push({ context: creation });
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

  /**
   * When a pull that has to wait began, for `received`: undefined while no SDK is registered (a pull
   * served from the buffer starts when it ends, so it needs no clock read).
   */
  pullStarted(): number | undefined {
    return sdkRegistered() ? spanClockMs() : undefined;
  }

  /**
   * The `receive <topic>` span (CONSUMER) of one pull that obtained `records` of one partition: from
   * `startTimeMs` (`pullStarted`; absent: now) until now, linked to the records' distinct creation contexts
   * (at most MAX_SPAN_LINKS); a child of the ambient span, or else, for one record, of its creation
   * context, as `process` is. What makes a span (docs/architecture.md, "Tracing: one creation context per
   * batch"):
   *
   * - only a sampled trace: the ambient span's, or else a record's creation context's. A pull loop hands
   *   over up to hundreds of thousands of records a second, and a span the sampler must decide on costs
   *   each microseconds: a record nobody traced costs no span, and the producer's decision carries through;
   * - outside a span, one record pulled after another of the same creation context (the records of one
   *   producer batch share one) makes none: the span of the first record received in that context stands
   *   for the batch, as the producer's one send span does;
   * - a pull that obtained nothing makes none.
   */
  /** `received` for one record: no list is made unless an SDK is registered. */
  receivedOne(record: RecordRef, group: string | undefined, startTimeMs?: number): void {
    if (sdkRegistered()) this.received(record.topic, record.partition, [record], group, startTimeMs);
  }

  received(
    topic: string,
    partition: number,
    records: readonly RecordRef[],
    group: string | undefined,
    startTimeMs?: number,
  ): void {
    if (records.length === 0 || !sdkRegistered()) return;
    const ambient = context.active();
    const ambientSpan = trace.getSpan(ambient);
    if (ambientSpan !== undefined && !isSampledContext(ambientSpan.spanContext())) return;
    const single = records.length === 1 ? traceparentOf(records[0]!.headers) : undefined;
    if (records.length === 1 && ambientSpan === undefined) {
      // The cheap exits of a pull loop: no context, or the one the last receive span stood for.
      if (single === undefined) return;
      if (this.lastReceived !== undefined && sameValue(single, this.lastReceived)) return;
    }
    const links: Link[] = [];
    const seen = new Set<string>();
    let sampledLink = false;
    for (const r of records) {
      if (links.length >= MAX_SPAN_LINKS) break;
      const creation = recordSpanContext(r.headers);
      if (creation === undefined || seen.has(creation.spanId)) continue;
      seen.add(creation.spanId);
      links.push({ context: creation });
      if (isSampledContext(creation)) sampledLink = true;
    }
    if (ambientSpan === undefined && !sampledLink) return;
    if (single !== undefined && ambientSpan === undefined) {
      this.lastReceived = typeof single === 'string' ? single : Buffer.from(single); // not a view: 55 bytes
    }
    const parent =
      records.length === 1 && links.length === 1 && ambientSpan === undefined
        ? trace.setSpanContext(ambient, links[0]!.context)
        : ambient;
    const attributes: Attributes = this.attributes('receive', 'receive', topic, group);
    const first = records[0]!;
    attributes[MESSAGING.partitionId] = String(partition);
    attributes[MESSAGING.offset] = first.offset;
    if (records.length === 1) attributes[MESSAGING.messageId] = `${partition}-${first.offset}`;
    else attributes[MESSAGING.batchCount] = records.length;
    const span = tracer.startSpan(
      `receive ${topic}`,
      {
        kind: SpanKind.CONSUMER,
        links,
        attributes,
        ...(startTimeMs === undefined ? {} : { startTime: startTimeMs }),
      },
      parent,
    );
    span.end();
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

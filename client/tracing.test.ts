import { context, propagation, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { node, tracing } from '@opentelemetry/sdk-node';
import { afterAll, describe, expect, it } from 'vitest';
import { recordSpanContext } from '../proto/trace-context.js';
import { ClientTracing } from './tracing.js';

// The SDK is registered once, after the first test (the client's tracer follows the first provider set).
let exporter: tracing.InMemorySpanExporter | undefined;
function register(): tracing.InMemorySpanExporter {
  if (exporter === undefined) {
    exporter = new tracing.InMemorySpanExporter();
    const provider = new node.NodeTracerProvider({
      spanProcessors: [new tracing.SimpleSpanProcessor(exporter)],
    });
    provider.register();
  }
  exporter.reset();
  return exporter;
}

afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('ClientTracing', () => {
  it('does nothing without a registered SDK: no span, headers and handlers untouched', async () => {
    const t = new ClientTracing('c1');
    expect(t.startCreation('send', 'events')).toBeUndefined();
    expect(t.startBatchSend('events', [], 2)).toBeUndefined();
    const record = { topic: 'events', partition: 0, offset: 3, headers: [] };
    let calls = 0;
    const handler = (): number => ++calls;
    expect(t.processRecord(record, 'g', handler)).toBe(1);
    expect(t.processBatch({ topic: 'events', partition: 0, records: [record] }, 'g', handler)).toBe(2);
    expect(await t.commit('g', ['events'], 1, async () => 'done')).toBe('done');
    expect(t.startRecordSend('events')).toBeUndefined();
    expect(t.openBatch('events', 0)).toBeUndefined();
    expect(t.pullStarted()).toBeUndefined();
    const headers = [{ key: 'traceparent', value: '00-old' }];
    expect(t.withoutTraceHeaders(headers)).toBe(headers);
  });

  it('puts the send span in the headers, replacing an older context, and the consumer continues it', () => {
    const exporter = register();
    const t = new ClientTracing('producer-1');
    const span = t.startCreation('send', 'events')!;
    const headers = t.inject({ a: 'x', traceparent: '00-old' }, span);
    expect(Array.isArray(headers) && headers.map((h) => h.key)).toEqual(['a', 'traceparent']);
    t.settle(span, { partition: 2, offset: 41 });
    const record = { topic: 'events', partition: 2, offset: 41, headers: headers as never };
    expect(recordSpanContext(record.headers)?.spanId).toBe(span.spanContext().spanId);
    t.processRecord(record, 'g', () => undefined);

    const [send, process] = exporter.getFinishedSpans();
    expect(send!.name).toBe('send events');
    expect(send!.kind).toBe(SpanKind.PRODUCER);
    expect(send!.attributes).toMatchObject({
      'messaging.system': 'tributary',
      'messaging.destination.name': 'events',
      'messaging.destination.partition.id': '2',
      'messaging.client.id': 'producer-1',
      'tributary.offset': 41,
    });
    expect(process!.name).toBe('process events');
    expect(process!.kind).toBe(SpanKind.CONSUMER);
    expect(process!.parentSpanContext?.spanId).toBe(send!.spanContext().spanId);
    expect(process!.spanContext().traceId).toBe(send!.spanContext().traceId);
    expect(process!.links.map((l) => l.context.spanId)).toEqual([send!.spanContext().spanId]);
    expect(process!.attributes['messaging.consumer.group.name']).toBe('g');
  });

  it('links a batch to every record and marks a failed handler', async () => {
    const exporter = register();
    const t = new ClientTracing(undefined);
    const spans = [t.startCreation('create', 'events')!, t.startCreation('create', 'events')!];
    const records = spans.map((s, i) => ({
      topic: 'events',
      partition: 0,
      offset: i,
      headers: t.inject(undefined, s) as never,
    }));
    await expect(
      t.processBatch({ topic: 'events', partition: 0, records }, undefined, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const batch = exporter.getFinishedSpans().find((s) => s.name === 'process events')!;
    expect(batch.links.map((l) => l.context.spanId)).toEqual(spans.map((s) => s.spanContext().spanId));
    expect(batch.attributes['messaging.batch.message_count']).toBe(2);
    expect(batch.status.code).toBe(2);
  });

  it('gives a batch one creation context, written into the records without one of their own', () => {
    const exporter = register();
    const t = new ClientTracing('p');
    const creation = t.openBatch('events', 3)!;
    expect(creation.recordBytes).toBeGreaterThan(55);
    const plain: { headers?: Array<{ key: string; value: Buffer | string | null }> } = {};
    const withHeaders = { headers: [{ key: 'a', value: 'x' }] };
    const own = {
      headers: [{ key: 'traceparent', value: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }],
    };
    for (const r of [plain, withHeaders, own]) creation.stamp(r);
    const batchContext = recordSpanContext(plain.headers as never)!;
    expect(batchContext.traceFlags & TraceFlags.SAMPLED).toBe(TraceFlags.SAMPLED);
    expect(withHeaders.headers.map((h) => h.key)).toEqual(['a', 'traceparent']);
    expect(recordSpanContext(withHeaders.headers as never)?.spanId).toBe(batchContext.spanId);
    expect(own.headers).toHaveLength(1);
    expect(recordSpanContext(own.headers as never)?.spanId).toBe('b7ad6b7169203331');
    creation.settle({ offset: 40, records: 3 });
    const [send] = exporter.getFinishedSpans();
    expect(send!.name).toBe('send events');
    expect(send!.kind).toBe(SpanKind.PRODUCER);
    expect(send!.parentSpanContext).toBeUndefined();
    expect(send!.spanContext().spanId).toBe(batchContext.spanId);
    expect(send!.attributes).toMatchObject({
      'messaging.destination.partition.id': '3',
      'messaging.batch.message_count': 3,
      'tributary.offset': 40,
    });
  });

  it('gives a record its own send span only inside a sampled span; writes no unsampled context', () => {
    register();
    const t = new ClientTracing(undefined);
    expect(t.startRecordSend('events')).toBeUndefined(); // no ambient span: the batch's context
    const unsampled = trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.NONE,
    });
    context.with(trace.setSpan(context.active(), unsampled), () => {
      expect(t.startRecordSend('events')).toBeUndefined();
      // A span made here is not sampled (the default sampler follows its parent): no headers for it.
      const child = t.startCreation('create', 'events')!;
      expect(
        t.contextHeaders(
          [
            { key: 'traceparent', value: '00-stale' },
            { key: 'k', value: 'v' },
          ],
          child,
        ),
      ).toEqual([{ key: 'k', value: 'v' }]);
    });
    const sampled = t.startCreation('send', 'parent')!;
    context.with(trace.setSpan(context.active(), sampled), () => {
      const own = t.startRecordSend('events')!;
      expect(own.spanContext().traceId).toBe(sampled.spanContext().traceId);
      own.end();
    });
    sampled.end();
  });

  it('makes receive spans for sampled records only, linked to their creation contexts', () => {
    const exporter = register();
    const t = new ClientTracing('c');
    const send = t.startCreation('send', 'events')!;
    const traced = { topic: 'events', partition: 1, offset: 7, headers: t.inject(undefined, send) as never };
    const untraced = { topic: 'events', partition: 1, offset: 8, headers: [] };
    const startedMs = t.pullStarted()!;
    expect(startedMs).toBeGreaterThan(0);
    t.received('events', 1, [untraced], 'g', startedMs);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    t.received('events', 1, [traced], 'g', startedMs);
    t.received('events', 1, [traced, untraced], undefined);
    const [one, both] = exporter.getFinishedSpans();
    expect(one!.name).toBe('receive events');
    expect(one!.kind).toBe(SpanKind.CONSUMER);
    expect(one!.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(one!.links.map((l) => l.context.spanId)).toEqual([send.spanContext().spanId]);
    expect(one!.attributes).toMatchObject({
      'messaging.operation.type': 'receive',
      'messaging.consumer.group.name': 'g',
      'messaging.message.id': '1-7',
      'tributary.offset': 7,
    });
    expect(both!.parentSpanContext).toBeUndefined();
    expect(both!.attributes['messaging.batch.message_count']).toBe(2);
    expect(both!.links).toHaveLength(1);
    // The next record of the same creation context (its batch's): the first one's span stands for it.
    t.received('events', 1, [{ ...traced, offset: 9 }], 'g');
    expect(exporter.getFinishedSpans()).toHaveLength(2);
    // Inside a sampled span every pull has its span.
    context.with(trace.setSpan(context.active(), send), () => t.received('events', 1, [traced], 'g'));
    expect(exporter.getFinishedSpans()).toHaveLength(3);
  });
});

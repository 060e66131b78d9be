import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
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
});

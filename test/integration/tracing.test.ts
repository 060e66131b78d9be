/**
 * One trace from producer to broker to consumer, as a real OpenTelemetry Collector receives it: the SDK in
 * this process and a broker process with tracing on both export OTLP to a collector on 127.0.0.1 (built
 * by hack/otelcol.sh), which writes the spans to a file this test reads.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resources, node as sdkNode, tracing } from '@opentelemetry/sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Record, Tributary } from '../../client/index.js';
import { recordSpanContext } from '../../proto/trace-context.js';
import { type BrokerProcess, removeDataDirs, startBroker } from '../helpers/broker-process.js';
import { type CollectedSpan, type OtelCollector, startOtelCollector } from '../helpers/otel-collector.js';

const KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
const WAIT_MS_MAX = 30_000;

let collector: OtelCollector;
let broker: BrokerProcess;
let client: Tributary;
let provider: sdkNode.NodeTracerProvider;
/** The application's sampler: every trace, or (while set) none. */
let sampleNothing = false;

beforeAll(async () => {
  collector = await startOtelCollector();
  broker = await startBroker({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.httpEndpoint, OTEL_BSP_SCHEDULE_DELAY: '100' },
  });
  provider = new sdkNode.NodeTracerProvider({
    sampler: {
      shouldSample: () => ({
        decision: sampleNothing
          ? tracing.SamplingDecision.NOT_RECORD
          : tracing.SamplingDecision.RECORD_AND_SAMPLED,
      }),
      toString: () => 'switchable',
    },
    resource: resources.resourceFromAttributes({ 'service.name': 'tracing-test-app' }),
    spanProcessors: [
      new tracing.SimpleSpanProcessor(new OTLPTraceExporter({ url: `${collector.httpEndpoint}/v1/traces` })),
    ],
  });
  provider.register();
  client = new Tributary({ bootstrap: broker.address });
}, 60_000);

afterAll(async () => {
  client?.close();
  await provider?.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
  await broker?.stop();
  await collector?.stop();
  removeDataDirs();
});

/** Waits until the collector has written spans that `ready` accepts; returns them. */
async function collected(ready: (spans: CollectedSpan[]) => boolean): Promise<CollectedSpan[]> {
  const deadline = Date.now() + WAIT_MS_MAX;
  for (;;) {
    await provider.forceFlush();
    const spans = collector.spans();
    if (ready(spans)) return spans;
    if (Date.now() > deadline) {
      throw new Error(`spans seen: ${spans.map((s) => `${s.service}:${s.name}`).join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const named = (spans: CollectedSpan[], name: string, service?: string) =>
  spans.filter((s) => s.name === name && (service === undefined || s.service === service));

describe('tracing through a real collector', () => {
  it('one trace runs from the producer through the broker (and its replication wait) to the consumer', async () => {
    await client.admin().createTopic({ name: 'traced', partitions: 1 });
    const producer = client.producer({ clientId: 'test-producer' });
    const sent = await producer.produce({ topic: 'traced', value: 'hello' });
    await producer.close();

    const consumer = client.consumer({
      groupId: 'tracers',
      autoCommitIntervalMs: 0,
      clientId: 'test-consumer',
    });
    await consumer.assign({ topic: 'traced', from: 'earliest' });
    const done = new AbortController();
    await consumer.run({
      signal: done.signal,
      eachRecord: async () => {
        await consumer.commit();
        done.abort();
      },
    });
    await consumer.close();

    const spans = await collected(
      (s) =>
        named(s, 'send traced').length > 0 &&
        named(s, 'produce traced', 'tributary-broker').length > 0 &&
        named(s, 'replicate traced').length > 0 &&
        named(s, 'process traced').length > 0 &&
        named(s, 'commit traced').length > 0,
    );
    const send = named(spans, 'send traced', 'tracing-test-app')[0]!;
    expect(send.kind).toBe(KIND.producer);
    expect(send.attributes).toMatchObject({
      'messaging.system': 'tributary',
      'messaging.destination.name': 'traced',
      'messaging.client.id': 'test-producer',
      'tributary.offset': sent.offset,
    });
    const produce = named(spans, 'produce traced', 'tributary-broker')[0]!;
    expect(produce).toMatchObject({ traceId: send.traceId, parentSpanId: send.spanId, kind: KIND.server });
    expect(produce.links).toEqual([{ traceId: send.traceId, spanId: send.spanId }]);
    const replicate = named(spans, 'replicate traced')[0]!;
    expect(replicate).toMatchObject({ traceId: send.traceId, parentSpanId: produce.spanId });
    const process = named(spans, 'process traced', 'tracing-test-app')[0]!;
    expect(process).toMatchObject({ traceId: send.traceId, parentSpanId: send.spanId, kind: KIND.consumer });
    expect(process.links).toEqual([{ traceId: send.traceId, spanId: send.spanId }]);
    expect(process.attributes).toMatchObject({
      'messaging.consumer.group.name': 'tracers',
      'messaging.client.id': 'test-consumer',
      'messaging.destination.partition.id': '0',
    });
    // The commit ran inside the handler, so it is the process span's child.
    const commit = named(spans, 'commit traced')[0]!;
    expect(commit).toMatchObject({ traceId: send.traceId, parentSpanId: process.spanId, kind: KIND.client });
  });

  it('a batch handler links to every record it handles, each created by its own span', async () => {
    await client.admin().createTopic({ name: 'batched', partitions: 1 });
    const producer = client.producer();
    await producer.send({ topic: 'batched', messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    await producer.close();
    const consumer = client.consumer();
    await consumer.assign({ topic: 'batched', from: 'earliest' });
    const done = new AbortController();
    let handled = 0;
    await consumer.run({
      signal: done.signal,
      eachBatch: (batch) => {
        handled += batch.records.length;
        if (handled === 3) done.abort();
      },
    });
    await consumer.close();

    const spans = await collected(
      (s) =>
        named(s, 'create batched').length === 3 &&
        named(s, 'process batched').length > 0 &&
        named(s, 'produce batched', 'tributary-broker').length > 0,
    );
    const creates = named(spans, 'create batched');
    const sendSpan = named(spans, 'send batched')[0]!;
    expect(sendSpan.kind).toBe(KIND.client);
    expect(sendSpan.attributes['messaging.batch.message_count']).toBe(3);
    expect(new Set(sendSpan.links.map((l) => l.spanId))).toEqual(new Set(creates.map((c) => c.spanId)));
    const linked = new Set(named(spans, 'process batched').flatMap((p) => p.links.map((l) => l.spanId)));
    expect(linked).toEqual(new Set(creates.map((c) => c.spanId)));
    // The broker's span of that append continues the first record's trace and links to all three.
    const produce = named(spans, 'produce batched', 'tributary-broker')[0]!;
    expect(produce.links.map((l) => l.spanId).sort()).toEqual(creates.map((c) => c.spanId).sort());
  });

  it('gives the records of one producer batch one send span, and a pulling consumer one receive span', async () => {
    await client.admin().createTopic({ name: 'shared', partitions: 1 });
    const producer = client.producer({ clientId: 'batcher' });
    // Called together, outside any span: one batch, whose send span is every record's creation context.
    const sent = await Promise.all(
      ['a', 'b', 'c'].map((value) => producer.produce({ topic: 'shared', value })),
    );
    await producer.close();
    const consumer = client.consumer({ groupId: 'pullers', clientId: 'puller' });
    await consumer.assign({ topic: 'shared', from: 'earliest' });
    const received: Record[] = [];
    for await (const record of consumer) if (received.push(record) === 3) break;
    await consumer.close();

    const spans = await collected(
      (s) =>
        named(s, 'send shared').length > 0 &&
        named(s, 'receive shared').length > 0 &&
        named(s, 'produce shared', 'tributary-broker').length > 0,
    );
    const sends = named(spans, 'send shared');
    expect(sends).toHaveLength(1);
    const send = sends[0]!;
    expect(send).toMatchObject({ kind: KIND.producer, parentSpanId: '' });
    expect(send.attributes).toMatchObject({
      'messaging.batch.message_count': 3,
      'messaging.client.id': 'batcher',
      'tributary.offset': sent[0]!.offset,
    });
    for (const r of received) expect(recordSpanContext(r.headers)?.spanId).toBe(send.spanId);
    const produce = named(spans, 'produce shared', 'tributary-broker')[0]!;
    expect(produce).toMatchObject({ traceId: send.traceId, parentSpanId: send.spanId });
    expect(produce.links).toEqual([{ traceId: send.traceId, spanId: send.spanId }]);
    // One receive span for the three records of that batch: the first one's, standing for its context.
    const receives = named(spans, 'receive shared');
    expect(receives).toHaveLength(1);
    expect(receives[0]).toMatchObject({
      traceId: send.traceId,
      parentSpanId: send.spanId,
      kind: KIND.consumer,
    });
    expect(receives[0]!.links).toEqual([{ traceId: send.traceId, spanId: send.spanId }]);
    expect(receives[0]!.attributes).toMatchObject({
      'messaging.operation.type': 'receive',
      'messaging.consumer.group.name': 'pullers',
      'messaging.client.id': 'puller',
      'tributary.offset': sent[0]!.offset,
    });
  });

  it('writes no context into records whose trace is not sampled; the broker then starts its own trace', async () => {
    await client.admin().createTopic({ name: 'unsampled', partitions: 1 });
    sampleNothing = true;
    try {
      const producer = client.producer();
      await producer.produce({ topic: 'unsampled', value: 'x', headers: { traceparent: 'stale', k: 'v' } });
      await producer.close();
      const [record] = await collectRecords('unsampled', 1);
      expect(record!.headers.map((h) => h.key)).toEqual(['k']);
    } finally {
      sampleNothing = false;
    }
    const spans = await collected((s) => named(s, 'produce unsampled', 'tributary-broker').length > 0);
    expect(named(spans, 'send unsampled')).toEqual([]);
    const produce = named(spans, 'produce unsampled', 'tributary-broker')[0]!;
    expect(produce).toMatchObject({ parentSpanId: '', links: [] });
    expect(named(spans, 'receive unsampled')).toEqual([]);
  });
});

/** The first `n` records of a one-partition topic, read with a reader (no spans: nothing sampled them). */
async function collectRecords(topic: string, n: number): Promise<Record[]> {
  const out: Record[] = [];
  for await (const r of client.reader().consume({ topic, partition: 0 })) if (out.push(r) === n) break;
  return out;
}

/**
 * How the broker finds the creation contexts of a produce request: from the records sections the validator
 * walked, the first record of each batch first, reading a batch further only when that record's context is
 * sampled (docs/architecture.md, "Tracing: one creation context per batch").
 */
import { propagation } from '@opentelemetry/api';
import { core } from '@opentelemetry/sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRecordBatch, type ProducerRecord, validateBatches } from '../../proto/codec/index.js';
import { forEachRecordTraceHeaders } from '../../proto/trace-context.js';
import { creationContexts, MAX_PRODUCE_LINKS } from './tracing.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const parent = (spanId: string, sampled = true) => `00-${TRACE}-${spanId}-${sampled ? '01' : '00'}`;
const SPAN_A = 'aaaaaaaaaaaaaaaa';
const SPAN_B = 'bbbbbbbbbbbbbbbb';

/** The records sections of `batches` as the validator hands them over. */
function sections(...batches: ProducerRecord[][]): Buffer[] {
  const out: Buffer[] = [];
  const buf = Buffer.concat(batches.map((records) => encodeRecordBatch(records, { nowMs: 1 })));
  validateBatches(buf, { maxBatchBytes: 1 << 20, sections: out });
  return out;
}

const record = (traceparent?: string, extra: Array<{ key: string; value: string }> = []): ProducerRecord => ({
  value: 'v',
  headers: [...extra, ...(traceparent === undefined ? [] : [{ key: 'traceparent', value: traceparent }])],
});

beforeAll(() => {
  propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
});

afterAll(() => {
  propagation.disable();
});

describe('the broker reading creation contexts', () => {
  it('reads each record once, skipping keys, values and other headers, and stops when told', () => {
    const [section] = sections([
      { key: 'k', value: 'x'.repeat(300), headers: [{ key: 'a', value: 'b' }] },
      record(parent(SPAN_A), [{ key: 'tracestate', value: 'vendor=1' }]),
      record(parent(SPAN_A)),
      record(parent(SPAN_B)),
    ]);
    const seen: Array<[string | undefined, string | undefined]> = [];
    forEachRecordTraceHeaders(section!, (p, s) => {
      seen.push([p, s]);
      return true;
    });
    expect(seen).toEqual([
      [undefined, undefined],
      [parent(SPAN_A), 'vendor=1'],
      [parent(SPAN_A), undefined],
      [parent(SPAN_B), undefined],
    ]);
    let visits = 0;
    forEachRecordTraceHeaders(section!, () => ++visits < 2);
    expect(visits).toBe(2);
  });

  it('links the distinct contexts of a batch whose first record is sampled', () => {
    const found = creationContexts(
      sections([record(parent(SPAN_A)), record(parent(SPAN_A)), record(), record(parent(SPAN_B))]),
      MAX_PRODUCE_LINKS,
    );
    expect(found.map((c) => c.spanId)).toEqual([SPAN_A, SPAN_B]);
  });

  it('reads no further than the first record when it has no context, or an unsampled one', () => {
    expect(creationContexts(sections([record(), record(parent(SPAN_A))]), MAX_PRODUCE_LINKS)).toEqual([]);
    const unsampled = creationContexts(
      sections([record(parent(SPAN_A, false)), record(parent(SPAN_B))]),
      MAX_PRODUCE_LINKS,
    );
    expect(unsampled.map((c) => c.spanId)).toEqual([SPAN_A]);
  });

  it('takes each batch of a request, up to the link limit', () => {
    const batches = Array.from({ length: 5 }, (_, i) => [record(parent(`${i + 1}`.repeat(16)))]);
    expect(creationContexts(sections(...batches), 3).map((c) => c.spanId)).toEqual([
      '1'.repeat(16),
      '2'.repeat(16),
      '3'.repeat(16),
    ]);
  });
});

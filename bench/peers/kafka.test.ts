import { describe, expect, it } from 'vitest';
import { combineProducerResults, parseConsumerPerformance, parseProducerPerformance } from './kafka.js';

// Output shapes of Kafka 4.1's ProducerPerformance (Stats.printWindow / printTotal) and
// ConsumerPerformance (printHeader + the final printf), as printed by the tools.
const PRODUCER_OUT = `\
243553 records sent, 48710.6 records/sec (47.57 MB/sec), 297.4 ms avg latency, 498.0 ms max latency.
500000 records sent, 49950.049950 records/sec (48.78 MB/sec), 315.21 ms avg latency, 612.00 ms max latency, 301 ms 50th, 470 ms 95th, 540 ms 99th, 598 ms 99.9th.
`;

const PRODUCER_WARMUP_OUT = `\
Warmup first 1000 records. Steady state results will print after the complete test summary.
5000 records sent, 4990.019960 records/sec (4.87 MB/sec), 3.10 ms avg latency, 180.00 ms max latency, 2 ms 50th, 5 ms 95th, 12 ms 99th, 180 ms 99.9th.
4000 steady state records sent, 4000.000000 records/sec (3.91 MB/sec), 2.50 ms avg latency, 20.00 ms max latency, 2 ms 50th, 4 ms 95th, 9 ms 99th, 20 ms 99.9th.
`;

const CONSUMER_OUT = `\
start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
2026-11-25 04:12:01:123, 2026-11-25 04:12:06:623, 488.2812, 88.7784, 500000, 90909.0909, 3012, 2488, 196.2545, 200964.6302
`;

describe('parseProducerPerformance', () => {
  it('reads the final summary and ignores the window lines', () => {
    const r = parseProducerPerformance(PRODUCER_OUT, 1024);
    expect(r.records).toBe(500_000);
    expect(r.recordsPerSecond).toBeCloseTo(49950.04995, 4);
    // MB/s recomputed in 10^6 bytes from records/s (Kafka prints MiB/s).
    expect(r.megabytesPerSecond).toBeCloseTo((49950.04995 * 1024) / 1e6, 6);
    expect(r.bytes).toBe(500_000 * 1024);
    expect(r.seconds).toBeCloseTo(500_000 / 49950.04995, 6);
    expect(r.latencyMs).toEqual({ avg: 315.21, max: 612, p50: 301, p95: 470, p99: 540, p999: 598 });
  });

  it('takes the whole-run total, not the steady-state line', () => {
    const r = parseProducerPerformance(PRODUCER_WARMUP_OUT, 1024);
    expect(r.records).toBe(5000);
    expect(r.latencyMs?.p999).toBe(180);
  });

  it('fails without a summary line', () => {
    expect(() => parseProducerPerformance(PRODUCER_OUT.split('\n')[0]!, 1024)).toThrow(
      /no ProducerPerformance/,
    );
  });
});

describe('parseConsumerPerformance', () => {
  it('uses fetch.time.ms (the group join excluded) and counts MB in 10^6 bytes', () => {
    const r = parseConsumerPerformance(CONSUMER_OUT, 1024, 500_000);
    expect(r.records).toBe(500_000);
    expect(r.seconds).toBeCloseTo(2.488, 9);
    expect(r.recordsPerSecond).toBeCloseTo(500_000 / 2.488, 6);
    expect(r.megabytesPerSecond).toBeCloseTo((500_000 * 1024) / 1e6 / 2.488, 6);
  });

  it('rejects a run that timed out short of the expected count', () => {
    const out = `WARNING: Exiting before consuming the expected number of messages: timeout (10000 ms) exceeded. You can use the --timeout option to increase the timeout.\n${CONSUMER_OUT}`;
    expect(() => parseConsumerPerformance(out, 1024, 600_000)).toThrow(/timed out/);
  });

  it('fails without the header', () => {
    expect(() => parseConsumerPerformance('something else\n', 1024)).toThrow(/no ConsumerPerformance/);
  });
});

describe('combineProducerResults', () => {
  it('adds records, takes the longest run, and the worst percentile', () => {
    const a = parseProducerPerformance(PRODUCER_OUT, 1024);
    const b = {
      ...a,
      records: 250_000,
      bytes: 250_000 * 1024,
      seconds: 20,
      latencyMs: { ...a.latencyMs!, p99: 900 },
    };
    const c = combineProducerResults([a, b]);
    expect(c.records).toBe(750_000);
    expect(c.seconds).toBe(20);
    expect(c.recordsPerSecond).toBe(750_000 / 20);
    expect(c.latencyMs?.p99).toBe(900);
    expect(c.latencyMs?.avg).toBeCloseTo(315.21, 6);
  });
});

import { describe, expect, it } from 'vitest';
import { splitEvenly } from './produce-bench.js';
import { renderBar } from './progress.js';
import {
  LatencyRecorder,
  median,
  parseProcStatCpuSeconds,
  parseVmRssBytes,
  percentile,
  ratio,
  summarizeRecorders,
  summarizeSamples,
} from './stats.js';
import { brokerRow, formatRow, medianRow, ratioRow } from './summary.js';

describe('percentile', () => {
  const xs = Array.from({ length: 1000 }, (_, i) => i + 1);
  it('is nearest-rank', () => {
    expect(percentile(xs, 50)).toBe(500);
    expect(percentile(xs, 99)).toBe(990);
    expect(percentile(xs, 99.9)).toBe(999);
    expect(percentile(xs, 100)).toBe(1000);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile([7], 99.9)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('median', () => {
  it('averages the middle pair and skips missing values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, undefined, Number.NaN, 1, 3])).toBe(3);
    expect(median([])).toBeNaN();
  });
});

describe('latency summaries', () => {
  it('summarises samples and merged recorders', () => {
    const s = summarizeSamples([5, 1, 4, 2, 3]);
    expect(s).toEqual({ p50: 3, p95: 5, p99: 5, p999: 5, max: 5, avg: 3 });
    const a = new LatencyRecorder(1);
    const b = new LatencyRecorder(1);
    for (let i = 1; i <= 100; i++) (i % 2 ? a : b).add(i);
    expect(a.count + b.count).toBe(100);
    const m = summarizeRecorders([a, b]);
    expect(m.p50).toBe(50);
    expect(m.p99).toBe(99);
    expect(m.max).toBe(100);
    expect(m.avg).toBe(50.5);
  });
});

describe('/proc parsing', () => {
  it('reads utime+stime after a command name with spaces and parentheses', () => {
    const stat = '1234 (node (bench) x) S 1 1234 1234 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 11 0 100 0 0';
    expect(parseProcStatCpuSeconds(stat)).toBe(3);
    expect(parseVmRssBytes('Name:\tnode\nVmRSS:\t  102400 kB\n')).toBe(102400 * 1024);
    expect(parseVmRssBytes('Name:\tnode\n')).toBeNaN();
  });
});

describe('rounds into medians and ratios', () => {
  it('takes the median of each metric over rounds and divides by a peer', () => {
    const rows = [
      { 'records/s': 100, 'p99 ms': 10, 'file MB/s': undefined },
      { 'records/s': 300, 'p99 ms': 30, 'file MB/s': 2000 },
      { 'records/s': 200, 'p99 ms': 20, 'file MB/s': 1000 },
    ];
    const m = medianRow(rows);
    expect(m).toEqual({ 'records/s': 200, 'p99 ms': 20, 'file MB/s': 1500 });
    const r = ratioRow(m, { 'records/s': 50, 'p99 ms': 0 });
    expect(r).toEqual({ 'records/s': 4, 'p99 ms': undefined, 'file MB/s': undefined });
    expect(ratio(1, undefined)).toBeNaN();
    expect(formatRow({ 'records/s': 1234.6, 'p99 ms': 1.2345, 'MB/s': 12.34, x: undefined })).toEqual({
      'records/s': '1235',
      'p99 ms': '1.23',
      'MB/s': '12.3',
      x: '-',
    });
  });

  it('derives broker CPU per GB and % of a core', () => {
    const row = brokerRow({ idleRssBytes: 100e6, peakRssBytes: 150e6, cpuSeconds: 2 }, 4e9, 4);
    expect(row).toEqual({
      'broker idle RSS MB': 100,
      'broker peak RSS MB': 150,
      'broker CPU s': 2,
      'broker CPU s/GB': 0.5,
      'broker CPU %': 50,
    });
    expect(brokerRow({}, 1, 1)['broker CPU s/GB']).toBeUndefined();
  });
});

describe('helpers', () => {
  it('splits records over producers', () => {
    expect(splitEvenly(10, 3)).toEqual([4, 3, 3]);
    expect(splitEvenly(2, 4)).toEqual([1, 1, 0, 0]);
  });
  it('renders a progress bar with percent, rate and ETA', () => {
    const line = renderBar('round 1', 250, 1000, 10, 25, 'rec/s', 8);
    expect(line).toBe('round 1 [##......]  25% 25 rec/s ETA 30s');
    expect(renderBar('r', 1000, 1000, 5, 200_000, 'rec/s', 4)).toBe('r [####] 100% 200.0k rec/s ETA 0s');
  });
});

import { readFileSync } from 'node:fs';

/** Small statistics helpers for benchmarks: percentiles over recorded samples, medians across rounds. */

/** Nearest-rank percentile of ascending `sorted` samples (p in 0..100); NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  // (p * n) / 100 with a tolerance: 99.9 / 100 * 1000 is 999.0000000000001 in floating point.
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p * sorted.length) / 100 - 1e-9) - 1));
  return sorted[rank]!;
}

/** Median of the finite values (NaN and undefined ignored); NaN when none. */
export function median(values: readonly (number | undefined)[]): number {
  const xs = values.filter((v): v is number => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return Number.NaN;
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/** `a / b`, or NaN when either is missing or b is 0. */
export function ratio(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) {
    return Number.NaN;
  }
  return a / b;
}

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  avg: number;
}

/** Summary of latency samples in ms (sorts a copy when given a plain array, in place for a Float64Array). */
export function summarizeSamples(samples: Float64Array | readonly number[]): LatencySummary {
  const sorted = samples instanceof Float64Array ? samples.sort() : Float64Array.from(samples).sort();
  let sum = 0;
  for (const x of sorted) sum += x;
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    avg: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/** Latency samples in a growable Float64Array (no boxing, ~8 bytes per sample). */
export class LatencyRecorder {
  private buf: Float64Array;
  private n = 0;
  constructor(expected = 1024) {
    this.buf = new Float64Array(Math.max(16, expected));
  }
  add(ms: number): void {
    if (this.n === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = ms;
  }
  get count(): number {
    return this.n;
  }
  /** Every sample so far (a view). */
  samples(): Float64Array {
    return this.buf.subarray(0, this.n);
  }
  summary(): LatencySummary {
    return summarizeSamples(this.buf.slice(0, this.n));
  }
}

/** Merges several recorders' samples and summarises them. */
export function summarizeRecorders(recorders: readonly LatencyRecorder[]): LatencySummary {
  const total = recorders.reduce((s, r) => s + r.count, 0);
  const all = new Float64Array(total);
  let at = 0;
  for (const r of recorders) {
    all.set(r.samples(), at);
    at += r.count;
  }
  return summarizeSamples(all);
}

/** CPU seconds (user + system) and resident memory of a process, from /proc (Linux only). */
export function processUsage(pid: number): { cpuSeconds: number; rssBytes: number } | undefined {
  try {
    return {
      cpuSeconds: parseProcStatCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8')),
      rssBytes: parseVmRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8')),
    };
  } catch {
    return undefined;
  }
}

/** utime + stime of a /proc/<pid>/stat line, in seconds (USER_HZ = 100 on Linux). */
export function parseProcStatCpuSeconds(stat: string, ticksPerSecond = 100): number {
  // Fields after the command name (which may hold spaces and parentheses); utime and stime are the 14th
  // and 15th fields of the whole line, so the 12th and 13th after ") ".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** VmRSS of a /proc/<pid>/status text, in bytes (NaN when absent). */
export function parseVmRssBytes(status: string): number {
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) * 1024;
}

/** Records and payload bytes one run moved, and over how long: the figures every workload reports. */
export interface Throughput {
  records: number;
  bytes: number;
  seconds: number;
  recordsPerSecond: number;
  megabytesPerSecond: number;
  /** CPU (user + system) this process spent in the measured window, where measured (SDK clients). */
  clientCpuSeconds?: number;
}

/** CPU seconds (user + system) this process spent since `start` (a `process.cpuUsage()` reading). */
export function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** The throughput of `records` records carrying `bytes` payload bytes in `seconds`. */
export function throughput(records: number, bytes: number, seconds: number): Throughput {
  return {
    records,
    bytes,
    seconds,
    recordsPerSecond: records / seconds,
    megabytesPerSecond: bytes / 1e6 / seconds,
  };
}

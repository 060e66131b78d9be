/** Parsers of command-line values shared by the bench commands; a bad value fails with the option's name. */
import type { AcksMode, Compression } from '../client/index.js';
import type { ProducerSettings } from './produce-bench.js';

export const ACKS = ['none', 'leader', 'all'] as const;
export const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

export function int(name: string, min: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < min)
      throw new Error(`--${name} must be an integer >= ${min}, got ${raw}`);
    return n;
  };
}

export function oneOf<T extends string>(name: string, allowed: readonly T[]) {
  return (raw: string): T => {
    if (!allowed.includes(raw as T))
      throw new Error(`--${name} must be one of ${allowed.join(', ')}, got ${raw}`);
    return raw as T;
  };
}

/** A comma-separated list of `allowed` values. */
export function list<T extends string>(name: string, allowed: readonly T[]) {
  return (raw: string): T[] => {
    const xs = raw
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x.length > 0);
    for (const x of xs) {
      if (!allowed.includes(x as T)) throw new Error(`--${name}: ${x} is not one of ${allowed.join(', ')}`);
    }
    return xs as T[];
  };
}

/** The producer settings of every bench command that produces, as commander parsed them. */
export function producerSettings(raw: Record<string, unknown>): ProducerSettings {
  return {
    recordBytes: raw.recordBytes as number,
    acks: raw.acks as AcksMode,
    batchBytes: raw.batchBytes as number,
    lingerMs: raw.lingerMs as number,
    compression: raw.compression as Compression,
    producers: raw.producers as number,
    maxInFlight: raw.maxInFlight as number,
  };
}

/** A line on stderr (stdout carries the tables). */
export function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

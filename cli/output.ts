/**
 * What the CLI prints and how it parses values: records in value / kv / json form, aligned tables,
 * `k=v` pairs, timestamps, and errors. Pure functions, so they are tested without a broker.
 *
 * Exit codes: 0 success, 1 a broker or I/O error, 2 a usage error (bad flags or values).
 */
import { InvalidArgumentError } from 'commander';
import { reasonOf } from '../client/errors.js';
import type { Record as ConsumedRecord } from '../client/index.js';
import { TributaryError } from '../proto/errors.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A mistake in how the command was called; exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A child process (the bench lab) has already reported its failure: exit with its code, printing nothing. */
export class ChildExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exited with code ${exitCode}`);
    this.name = 'ChildExit';
  }
}

export type RecordFormat = 'value' | 'kv' | 'json';
export const RECORD_FORMATS: readonly RecordFormat[] = ['value', 'kv', 'json'];

function text(bytes: Buffer | null): string | null {
  return bytes === null ? null : bytes.toString('utf8');
}

/** One record as one line (without the newline). Null keys and values print as "null" except in json. */
export function formatRecord(record: ConsumedRecord, format: RecordFormat, keySeparator = '\t'): string {
  if (format === 'value') return text(record.value) ?? 'null';
  if (format === 'kv') return `${text(record.key) ?? 'null'}${keySeparator}${text(record.value) ?? 'null'}`;
  const headers: { [key: string]: string | null } = {};
  for (const h of record.headers) headers[h.key] = text(h.value);
  return JSON.stringify({
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: text(record.key),
    value: text(record.value),
    headers,
  });
}

/** Rows as left-aligned columns separated by two spaces; the first row is the header. */
export function formatTable(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cells = rows.map((row) => row.map(String));
  const widths: number[] = [];
  for (const row of cells) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** "k=v" -> [k, v]; the value may contain "=" and may be empty, the key may not. */
export function parseKeyValue(input: string, what = 'value'): [string, string] {
  const eq = input.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected ${what} as key=value, got "${input}"`);
  return [input.slice(0, eq), input.slice(eq + 1)];
}

/** A commander collector for repeatable `--flag k=v` options. */
export function collectKeyValue(
  input: string,
  previous: Array<[string, string]> = [],
): Array<[string, string]> {
  return [...previous, parseKeyValue(input)];
}

/** A commander collector for repeatable plain options. */
export function collect(input: string, previous: string[] = []): string[] {
  return [...previous, input];
}

export function parseNonNegativeInt(input: string): number {
  if (!/^\d+$/.test(input.trim()))
    throw new InvalidArgumentError(`expected a non-negative integer, got "${input}"`);
  const n = Number(input);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`"${input}" is too large`);
  return n;
}

export function parsePositiveInt(input: string): number {
  const n = parseNonNegativeInt(input);
  if (n === 0) throw new InvalidArgumentError('expected a positive integer, got "0"');
  return n;
}

/** Milliseconds since the epoch from either digits ("1700000000000") or an ISO-8601 date. */
export function parseTimestamp(input: string): number {
  const trimmed = input.trim();
  if (/^\d+$/.test(trimmed)) return parseNonNegativeInt(trimmed);
  const ms = Date.parse(trimmed);
  if (Number.isNaN(ms) || ms < 0) {
    throw new InvalidArgumentError(
      `expected an ISO-8601 time or milliseconds since the epoch, got "${input}"`,
    );
  }
  return ms;
}

/** The line printed for a failure, and the exit code that goes with it. */
export function describeError(err: unknown): { line: string; exitCode: number } {
  if (err instanceof ChildExit) return { line: '', exitCode: err.exitCode };
  if (err instanceof UsageError) return { line: `error: ${err.message}`, exitCode: EXIT_USAGE };
  if (err instanceof TributaryError)
    return { line: `error: ${err.message} (${reasonOf(err)})`, exitCode: EXIT_FAILURE };
  const message = err instanceof Error ? err.message : String(err);
  return { line: `error: ${message}`, exitCode: EXIT_FAILURE };
}

/** Writes, waiting for 'drain' when the stream's buffer is full (so piping a big consume stays bounded). */
export async function writeLine(stream: NodeJS.WritableStream, line: string): Promise<void> {
  if (stream.write(`${line}\n`)) return;
  await new Promise<void>((resolve, reject) => {
    const onDrain = (): void => {
      stream.off('error', onError);
      resolve();
    };
    const onError = (err: Error): void => {
      stream.off('drain', onDrain);
      reject(err);
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}

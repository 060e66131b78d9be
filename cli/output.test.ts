import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { TributaryClientError } from '../client/errors.js';
import type { Record as ConsumedRecord } from '../client/index.js';
import { TributaryError } from '../proto/errors.js';
import {
  collectKeyValue,
  describeError,
  formatRecord,
  formatTable,
  parseKeyValue,
  parseNonNegativeInt,
  parsePositiveInt,
  parseTimestamp,
  UsageError,
} from './output.js';

const record: ConsumedRecord = {
  topic: 't',
  partition: 2,
  offset: 41,
  timestamp: 1700000000000,
  timestampType: 'CreateTime',
  key: Buffer.from('k1'),
  value: Buffer.from('hello "world"'),
  headers: [
    { key: 'h', value: Buffer.from('v') },
    { key: 'n', value: null },
  ],
} as ConsumedRecord;

describe('formatRecord', () => {
  it('prints the value', () => {
    expect(formatRecord(record, 'value')).toBe('hello "world"');
    expect(formatRecord({ ...record, value: null }, 'value')).toBe('null');
  });

  it('prints key and value with a separator', () => {
    expect(formatRecord(record, 'kv')).toBe('k1\thello "world"');
    expect(formatRecord({ ...record, key: null }, 'kv', ':')).toBe('null:hello "world"');
  });

  it('prints one JSON object with partition, offset, timestamp, key, value and headers', () => {
    expect(JSON.parse(formatRecord(record, 'json'))).toEqual({
      partition: 2,
      offset: 41,
      timestamp: 1700000000000,
      key: 'k1',
      value: 'hello "world"',
      headers: { h: 'v', n: null },
    });
    expect(JSON.parse(formatRecord({ ...record, key: null, value: null }, 'json'))).toMatchObject({
      key: null,
      value: null,
    });
  });
});

describe('parsers', () => {
  it('parses key=value, keeping "=" in the value', () => {
    expect(parseKeyValue('retention.ms=1000')).toEqual(['retention.ms', '1000']);
    expect(parseKeyValue('a=b=c')).toEqual(['a', 'b=c']);
    expect(parseKeyValue('empty=')).toEqual(['empty', '']);
    expect(() => parseKeyValue('novalue')).toThrow(InvalidArgumentError);
    expect(() => parseKeyValue('=v')).toThrow(InvalidArgumentError);
    expect(collectKeyValue('b=2', [['a', '1']])).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });

  it('parses integers strictly', () => {
    expect(parseNonNegativeInt('0')).toBe(0);
    expect(parsePositiveInt('12')).toBe(12);
    for (const bad of ['', '-1', '1.5', 'abc', '1e3', '99999999999999999999']) {
      expect(() => parseNonNegativeInt(bad)).toThrow(InvalidArgumentError);
    }
    expect(() => parsePositiveInt('0')).toThrow(InvalidArgumentError);
  });

  it('parses timestamps as epoch ms or ISO-8601', () => {
    expect(parseTimestamp('1700000000000')).toBe(1700000000000);
    expect(parseTimestamp('2023-11-14T22:13:20Z')).toBe(1700000000000);
    expect(parseTimestamp('2023-11-14T22:13:20.000+00:00')).toBe(1700000000000);
    expect(() => parseTimestamp('yesterday')).toThrow(InvalidArgumentError);
  });
});

describe('formatTable', () => {
  it('aligns columns', () => {
    expect(
      formatTable([
        ['NAME', 'PARTITIONS'],
        ['a-long-name', 3],
        ['b', 12],
      ]),
    ).toBe('NAME         PARTITIONS\na-long-name  3\nb            12');
  });
});

describe('describeError', () => {
  it('prints broker errors with their reason and exits 1', () => {
    expect(describeError(new TributaryError('UNKNOWN_TOPIC', 'topic "x" does not exist'))).toEqual({
      line: 'error: topic "x" does not exist (UNKNOWN_TOPIC)',
      exitCode: 1,
    });
  });

  it('prints the reason name the broker used, even one unknown to this client', () => {
    expect(describeError(new TributaryClientError('UNAVAILABLE', 'connect ECONNREFUSED')).line).toBe(
      'error: connect ECONNREFUSED (UNAVAILABLE)',
    );
  });

  it('exits 2 for usage errors', () => {
    expect(describeError(new UsageError('bad flags'))).toEqual({ line: 'error: bad flags', exitCode: 2 });
  });
});

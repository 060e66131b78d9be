import { describe, expect, it } from 'vitest';
import type { TributaryError } from '../../proto/errors.js';
import { DEFAULT_BROKER_CONFIG } from '../config.js';
import { assignReplicas } from './assignment.js';
import { describeTopicConfigs, logConfigFor, validateTopicConfigs } from './topic-config.js';

const limits = { replicationFactor: 1, maxRequestBytes: 64 * 1024 * 1024 };

function failure(entries: Record<string, string>, l = limits): string {
  try {
    validateTopicConfigs(entries, l);
  } catch (err) {
    return `${(err as TributaryError).reason}: ${(err as Error).message}`;
  }
  return 'OK';
}

describe('topic configs', () => {
  it('accepts and normalises valid entries', () => {
    expect(
      validateTopicConfigs(
        { 'retention.ms': '-1', 'segment.bytes': '1048576', 'message.timestamp.type': 'LogAppendTime' },
        limits,
      ),
    ).toEqual({
      'retention.ms': '-1',
      'segment.bytes': '1048576',
      'message.timestamp.type': 'LogAppendTime',
    });
  });

  it('rejects each kind of bad entry with its name in the message', () => {
    expect(failure({ 'retention.ms': 'soon' })).toMatch(/^INVALID_CONFIG: retention.ms must be an integer/);
    expect(failure({ 'retention.ms': '-2' })).toMatch(/^INVALID_CONFIG: retention.ms must be in \[-1/);
    expect(failure({ 'segment.bytes': '10' })).toMatch(/^INVALID_CONFIG: segment.bytes/);
    expect(failure({ 'cleanup.policy': 'shred' })).toMatch(
      /^INVALID_CONFIG: cleanup.policy must be delete, compact or compact,delete/,
    );
    expect(failure({ 'min.cleanable.dirty.ratio': '2' })).toMatch(
      /^INVALID_CONFIG: min.cleanable.dirty.ratio/,
    );
    expect(failure({ 'message.timestamp.type': 'Now' })).toMatch(/^INVALID_CONFIG: message.timestamp.type/);
    expect(failure({ 'retention.forever': '1' })).toMatch(
      /^UNKNOWN_CONFIG: unknown topic config "retention.forever"/,
    );
    expect(failure({ 'min.insync.replicas': '2' })).toMatch(/exceeds the replication factor/);
    expect(failure({ 'max.message.bytes': '2000' }, { replicationFactor: 1, maxRequestBytes: 1024 })).toMatch(
      /maxRequestBytes/,
    );
  });

  it('maps topic entries over broker defaults for the storage engine', () => {
    const c = logConfigFor(
      { 'retention.bytes': '5000', 'flush.ms': '0', 'cleanup.policy': 'compact,delete' },
      DEFAULT_BROKER_CONFIG,
    );
    expect(c).toEqual({
      segmentBytes: DEFAULT_BROKER_CONFIG.logSegmentBytes,
      segmentMs: DEFAULT_BROKER_CONFIG.logSegmentMs,
      retentionBytes: 5000,
      retentionMs: DEFAULT_BROKER_CONFIG.logRetentionMs,
      indexIntervalBytes: DEFAULT_BROKER_CONFIG.logIndexIntervalBytes,
      maxBatchBytes: DEFAULT_BROKER_CONFIG.maxBatchBytes,
      flushIntervalMs: 0,
      flushMessages: DEFAULT_BROKER_CONFIG.logFlushMessages,
      timestampType: 'CreateTime',
      cleanupPolicy: 'compact,delete',
      deleteRetentionMs: 86_400_000,
      minCleanableDirtyRatio: 0.5,
      minCompactionLagMs: 0,
    });
    const described = describeTopicConfigs({ 'retention.bytes': '5000' }, DEFAULT_BROKER_CONFIG);
    expect(described.find((d) => d.name === 'retention.bytes')).toMatchObject({
      value: '5000',
      isDefault: false,
    });
    expect(described.find((d) => d.name === 'segment.bytes')).toMatchObject({ isDefault: true });
  });
});

describe('replica assignment', () => {
  it('rotates leaders and places followers on the next brokers', () => {
    expect(assignReplicas([2, 0, 1], 4, 2).map((a) => a.replicas)).toEqual([
      [0, 1],
      [1, 2],
      [2, 0],
      [0, 1],
    ]);
    expect(assignReplicas([0, 1, 2], 2, 2, 4).map((a) => a.leader)).toEqual([1, 2]);
    expect(() => assignReplicas([0], 1, 2)).toThrow(/replication factor 2/);
  });
});

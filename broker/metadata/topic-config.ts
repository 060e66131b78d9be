import { TributaryError } from '../../proto/errors.js';
import type { BrokerConfig } from '../config.js';
import type { LogConfig } from '../storage/log-config.js';

/**
 * Topic-level configuration, named as in Kafka so that users can bring their settings along. A topic stores
 * only the entries set on it; everything else falls back to the broker's defaults.
 */
interface ConfigSpec {
  readonly doc: string;
  /** Parses and range-checks a value; throws a message (not an error) on a bad one. */
  readonly parse: (raw: string) => number | string;
  readonly brokerDefault: (b: BrokerConfig) => number | string;
}

function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    if (!/^-?\d+$/.test(raw.trim())) throw `must be an integer, got ${JSON.stringify(raw)}`;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw `must be in [${min}, ${max}], got ${raw}`;
    return n;
  };
}

function oneOf(...allowed: string[]) {
  return (raw: string): string => {
    if (!allowed.includes(raw)) throw `must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`;
    return raw;
  };
}

export const TOPIC_CONFIGS: Readonly<Record<string, ConfigSpec>> = {
  'cleanup.policy': {
    doc: 'delete: drop old segments by retention; compact: keep the latest record of every key; compact,delete: both.',
    parse: (raw: string): string => {
      const normal = raw
        .split(',')
        .map((p) => p.trim())
        .sort()
        .join(',');
      if (!['delete', 'compact', 'compact,delete'].includes(normal)) {
        throw `must be delete, compact or compact,delete, got ${JSON.stringify(raw)}`;
      }
      return normal;
    },
    brokerDefault: () => 'delete',
  },
  'delete.retention.ms': {
    doc: 'How long compaction keeps a tombstone (a null value), so consumers see the deletion.',
    parse: integer(0),
    brokerDefault: () => 24 * 60 * 60 * 1000,
  },
  'min.cleanable.dirty.ratio': {
    doc: 'Compact once this share of the closed segments was written since the last compaction (0-1).',
    parse: (raw: string): string => {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
        throw `must be a number in [0, 1], got ${JSON.stringify(raw)}`;
      return String(n);
    },
    brokerDefault: () => '0.5',
  },
  'min.compaction.lag.ms': {
    doc: 'Records younger than this are never compacted away.',
    parse: integer(0),
    brokerDefault: () => 0,
  },
  'retention.ms': {
    doc: 'Delete a closed segment once its newest record is older than this; -1 keeps forever.',
    parse: integer(-1),
    brokerDefault: (b) => b.logRetentionMs,
  },
  'retention.bytes': {
    doc: 'Delete the oldest closed segments while a partition is larger than this; -1 means no limit.',
    parse: integer(-1),
    brokerDefault: (b) => b.logRetentionBytes,
  },
  'segment.bytes': {
    doc: 'Roll to a new segment file once the active one reaches this size.',
    parse: integer(1024, 2 ** 31 - 1),
    brokerDefault: (b) => b.logSegmentBytes,
  },
  'segment.ms': {
    doc: 'Roll to a new segment once the active one is this old.',
    parse: integer(1),
    brokerDefault: (b) => b.logSegmentMs,
  },
  'max.message.bytes': {
    doc: 'Largest record batch the topic accepts.',
    parse: integer(128, 2 ** 31 - 1),
    brokerDefault: (b) => b.maxBatchBytes,
  },
  'message.timestamp.type': {
    doc: 'CreateTime keeps the producer timestamp; LogAppendTime stamps the broker clock.',
    parse: oneOf('CreateTime', 'LogAppendTime'),
    brokerDefault: (b) => b.logMessageTimestampType,
  },
  'flush.ms': {
    doc: '0: fsync before acknowledging each produce; N: fsync at least every N ms.',
    parse: integer(0),
    brokerDefault: (b) => b.logFlushIntervalMs,
  },
  'flush.messages': {
    doc: 'fsync after this many records; the default (2^53-1) leaves it to flush.ms.',
    parse: integer(1),
    brokerDefault: (b) => b.logFlushMessages,
  },
  'index.interval.bytes': {
    doc: 'Bytes of log between two offset-index entries.',
    parse: integer(0, 2 ** 31 - 1),
    brokerDefault: (b) => b.logIndexIntervalBytes,
  },
  'min.insync.replicas': {
    doc: 'With acks=all, the fewest in-sync replicas that must have a write (at most the replication factor).',
    parse: integer(1, 16),
    brokerDefault: () => 1,
  },
  'unclean.leader.election.enable': {
    doc: 'true: when no in-sync replica is alive, elect any live replica (available, but may lose acknowledged records).',
    parse: oneOf('true', 'false'),
    brokerDefault: () => 'false',
  },
};

/**
 * Validates a set of topic config entries against names and ranges; returns them normalised.
 * `replicationFactor` bounds min.insync.replicas.
 */
export function validateTopicConfigs(
  entries: Record<string, string>,
  limits: { replicationFactor: number; maxRequestBytes: number },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(entries)) {
    const spec = TOPIC_CONFIGS[name];
    if (spec === undefined) {
      throw new TributaryError(
        'UNKNOWN_CONFIG',
        `unknown topic config ${JSON.stringify(name)}; known: ${Object.keys(TOPIC_CONFIGS).join(', ')}`,
      );
    }
    try {
      out[name] = String(spec.parse(String(raw)));
    } catch (message) {
      if (typeof message !== 'string') throw message;
      throw new TributaryError('INVALID_CONFIG', `${name} ${message}`);
    }
  }
  const minIsr = out['min.insync.replicas'];
  if (minIsr !== undefined && Number(minIsr) > limits.replicationFactor) {
    throw new TributaryError(
      'INVALID_CONFIG',
      `min.insync.replicas (${minIsr}) exceeds the replication factor (${limits.replicationFactor})`,
    );
  }
  const maxMessage = out['max.message.bytes'];
  if (maxMessage !== undefined && Number(maxMessage) > limits.maxRequestBytes) {
    throw new TributaryError(
      'INVALID_CONFIG',
      `max.message.bytes (${maxMessage}) exceeds the broker's maxRequestBytes (${limits.maxRequestBytes})`,
    );
  }
  return out;
}

/** Every config with its effective value for a topic, for DescribeConfigs. */
export function describeTopicConfigs(
  entries: Record<string, string>,
  broker: BrokerConfig,
): Array<{ name: string; value: string; isDefault: boolean; doc: string }> {
  return Object.entries(TOPIC_CONFIGS).map(([name, spec]) => {
    const set = entries[name];
    return {
      name,
      value: set ?? String(spec.brokerDefault(broker)),
      isDefault: set === undefined,
      doc: spec.doc,
    };
  });
}

/** The storage engine's view of a topic: topic entries over broker defaults. */
export function logConfigFor(entries: Record<string, string>, broker: BrokerConfig): LogConfig {
  const value = (name: string): string => entries[name] ?? String(TOPIC_CONFIGS[name]!.brokerDefault(broker));
  return {
    segmentBytes: Number(value('segment.bytes')),
    segmentMs: Number(value('segment.ms')),
    retentionBytes: Number(value('retention.bytes')),
    retentionMs: Number(value('retention.ms')),
    indexIntervalBytes: Number(value('index.interval.bytes')),
    maxBatchBytes: Number(value('max.message.bytes')),
    flushIntervalMs: Number(value('flush.ms')),
    flushMessages: Number(value('flush.messages')),
    timestampType: value('message.timestamp.type') as LogConfig['timestampType'],
    cleanupPolicy: value('cleanup.policy') as LogConfig['cleanupPolicy'],
    deleteRetentionMs: Number(value('delete.retention.ms')),
    minCleanableDirtyRatio: Number(value('min.cleanable.dirty.ratio')),
    minCompactionLagMs: Number(value('min.compaction.lag.ms')),
  };
}

/**
 * A topic's min.insync.replicas: 1 when unset (Kafka's default). One reading for the acks=all path, the
 * offsets topic's writes and the restart-safety check, so they never disagree on a topic's minimum.
 */
export function minInsyncReplicasOf(configs: Readonly<Record<string, string>> | undefined): number {
  const raw = Number(configs?.['min.insync.replicas'] ?? '1');
  return Number.isInteger(raw) && raw >= 1 ? raw : 1;
}

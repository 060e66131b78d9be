/**
 * Planning for one Topic: the broker topic its spec describes, and the actions that take the broker topic
 * there (create it, add partitions, change configs). Pure; the topic reconcile performs the actions.
 *
 * Topics sync one way, resource to brokers: configs set on the broker topic but absent from the spec are
 * deleted (reset to the broker default). What the operator cannot do is reported instead (mismatches):
 * fewer partitions than the topic has (partitions never shrink), another replication factor (a
 * reassignment, not done in v1alpha1).
 *
 * Config values are compared in the broker's normal form (integers without leading zeros or '+',
 * cleanup.policy's parts sorted), so `"0100"` against the broker's `"100"` is no change and the operator
 * does not alter a config on every pass.
 */
import type { Topic } from '../api/v1alpha1.js';

export interface DesiredTopic {
  /** The topic's name in the brokers. */
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Broker topic configs (dotted names) the spec sets. */
  configs: Record<string, string>;
}

export interface ObservedTopic {
  topicId: string;
  partitions: number;
  replicationFactor: number;
  /** Configs set on the topic (defaults excluded). */
  configs: Record<string, string>;
}

export type ConfigChange = { name: string; op: 'set'; value: string } | { name: string; op: 'delete' };

export type TopicAction =
  | { kind: 'create'; topic: DesiredTopic }
  | { kind: 'addPartitions'; count: number }
  | { kind: 'alterConfigs'; changes: ConfigChange[] };

export interface TopicMismatch {
  reason: 'PartitionsAboveSpec' | 'ReplicationFactorMismatch';
  message: string;
}

/** What brings the broker topic to the Topic's spec (named apart from the broker controller's topic plans). */
export interface TopicSyncPlan {
  actions: TopicAction[];
  mismatches: TopicMismatch[];
}

/** The typed fields of spec.config and the broker configs they set. */
export const TYPED_TOPIC_CONFIGS = {
  retentionMs: 'retention.ms',
  retentionBytes: 'retention.bytes',
  segmentBytes: 'segment.bytes',
  cleanupPolicy: 'cleanup.policy',
  minInsyncReplicas: 'min.insync.replicas',
} as const;

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;
const ADDITIONAL_MAX = 64;
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$/;

/** `value` of config `name` in the broker's normal form. */
export function normalConfigValue(name: string, value: string): string {
  const v = value.trim();
  if (name === 'cleanup.policy') {
    return v
      .split(',')
      .map((p) => p.trim())
      .sort()
      .join(',');
  }
  if (INTEGER.test(v)) {
    const n = Number(v);
    // Beyond 2^53 a double would change the value (retention.ms of Long.MAX_VALUE): compare as written.
    return Number.isSafeInteger(n) ? String(n) : v;
  }
  // Fractions (min.cleanable.dirty.ratio, ...) by value: "0.50" and "0.5" are the same setting.
  if (DECIMAL.test(v)) {
    const n = Number(v);
    if (Number.isFinite(n)) return String(n);
  }
  return v;
}

/** The topic's name in the brokers (spec.topicName, else metadata.name), or undefined when not a legal one. */
export function brokerTopicName(topic: Topic): string | undefined {
  const name = topic.spec.topicName ?? topic.metadata.name ?? '';
  return TOPIC_NAME.test(name) && name !== '.' && name !== '..' ? name : undefined;
}

/** The broker topic `topic` describes, or why its spec cannot describe one. */
export function desiredTopic(
  topic: Topic,
): { ok: true; topic: DesiredTopic } | { ok: false; message: string } {
  const spec = topic.spec;
  const name = brokerTopicName(topic);
  if (name === undefined) {
    return {
      ok: false,
      message: `topic name ${JSON.stringify(spec.topicName ?? topic.metadata.name)} is not 1-249 ASCII letters, digits, '.', '_' and '-' (set spec.topicName)`,
    };
  }
  if (!(Number.isInteger(spec.partitions) && spec.partitions >= 1)) {
    return { ok: false, message: `spec.partitions must be at least 1, got ${spec.partitions}` };
  }
  const replicationFactor = spec.replicationFactor ?? 3;
  if (!(Number.isInteger(replicationFactor) && replicationFactor >= 1)) {
    return { ok: false, message: `spec.replicationFactor must be at least 1, got ${replicationFactor}` };
  }
  const configs: Record<string, string> = {};
  const config = spec.config ?? {};
  for (const [field, brokerName] of Object.entries(TYPED_TOPIC_CONFIGS)) {
    const value = config[field as keyof typeof TYPED_TOPIC_CONFIGS];
    if (value !== undefined) configs[brokerName] = String(value);
  }
  const additional = Object.entries(config.additional ?? {});
  if (additional.length > ADDITIONAL_MAX) {
    return {
      ok: false,
      message: `spec.config.additional has ${additional.length} entries, at most ${ADDITIONAL_MAX}`,
    };
  }
  for (const [brokerName, value] of additional) {
    if (Object.values(TYPED_TOPIC_CONFIGS).includes(brokerName as never)) {
      return { ok: false, message: `spec.config.additional cannot set ${brokerName}: use its own field` };
    }
    configs[brokerName] = String(value);
  }
  const minIsr = config.minInsyncReplicas;
  if (minIsr !== undefined && minIsr > replicationFactor) {
    return {
      ok: false,
      message: `spec.config.minInsyncReplicas (${minIsr}) exceeds spec.replicationFactor (${replicationFactor})`,
    };
  }
  return { ok: true, topic: { name, partitions: spec.partitions, replicationFactor, configs } };
}

/** The actions that take `observed` (null: the topic does not exist) to `desired`. */
export function planTopic(desired: DesiredTopic, observed: ObservedTopic | null): TopicSyncPlan {
  if (observed === null) return { actions: [{ kind: 'create', topic: desired }], mismatches: [] };
  const actions: TopicAction[] = [];
  const mismatches: TopicMismatch[] = [];
  if (desired.partitions > observed.partitions) {
    actions.push({ kind: 'addPartitions', count: desired.partitions });
  } else if (desired.partitions < observed.partitions) {
    mismatches.push({
      reason: 'PartitionsAboveSpec',
      message: `the topic has ${observed.partitions} partitions, more than spec.partitions (${desired.partitions}); partitions cannot be removed`,
    });
  }
  if (desired.replicationFactor !== observed.replicationFactor) {
    mismatches.push({
      reason: 'ReplicationFactorMismatch',
      message: `the topic has replication factor ${observed.replicationFactor}, spec.replicationFactor is ${desired.replicationFactor}; changing it needs a reassignment, which v1alpha1 does not do`,
    });
  }
  const changes: ConfigChange[] = [];
  for (const name of Object.keys(desired.configs).sort()) {
    const want = normalConfigValue(name, desired.configs[name]!);
    const have = observed.configs[name];
    if (have === undefined || normalConfigValue(name, have) !== want)
      changes.push({ name, op: 'set', value: want });
  }
  for (const name of Object.keys(observed.configs).sort()) {
    if (!Object.hasOwn(desired.configs, name)) changes.push({ name, op: 'delete' });
  }
  if (changes.length > 0) actions.push({ kind: 'alterConfigs', changes });
  return { actions, mismatches };
}

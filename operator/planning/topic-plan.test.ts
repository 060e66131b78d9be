import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Topic } from '../api/v1alpha1.js';
import {
  type DesiredTopic,
  desiredTopic,
  normalConfigValue,
  type ObservedTopic,
  planTopic,
  type TopicAction,
} from './topic-plan.js';
import { topicStatus } from './topic-status.js';

function topic(spec: Partial<Topic['spec']> = {}, name = 'orders'): Topic {
  return {
    metadata: { name, namespace: 'ns1', generation: 2 },
    spec: { cluster: 'demo', partitions: 3, replicationFactor: 3, ...spec },
  };
}

/** What the brokers would hold after performing `actions` on `observed`. */
function perform(observed: ObservedTopic | null, actions: TopicAction[]): ObservedTopic {
  let t = observed;
  for (const a of actions) {
    if (a.kind === 'create') {
      t = {
        topicId: 'id',
        partitions: a.topic.partitions,
        replicationFactor: a.topic.replicationFactor,
        configs: Object.fromEntries(
          Object.entries(a.topic.configs).map(([k, v]) => [k, normalConfigValue(k, v)]),
        ),
      };
    } else if (a.kind === 'addPartitions') {
      t = { ...t!, partitions: a.count };
    } else {
      const configs = { ...t!.configs };
      for (const c of a.changes) {
        if (c.op === 'set') configs[c.name] = c.value;
        else delete configs[c.name];
      }
      t = { ...t!, configs };
    }
  }
  return t!;
}

describe('desiredTopic', () => {
  it('maps the typed config fields to broker config names, with additional ones', () => {
    const d = desiredTopic(
      topic({
        topicName: 'Orders_v2',
        config: {
          retentionMs: 86_400_000,
          retentionBytes: -1,
          segmentBytes: 1_048_576,
          cleanupPolicy: 'compact,delete',
          minInsyncReplicas: 2,
          additional: { 'max.message.bytes': '2097152' },
        },
      }),
    );
    expect(d).toEqual({
      ok: true,
      topic: {
        name: 'Orders_v2',
        partitions: 3,
        replicationFactor: 3,
        configs: {
          'retention.ms': '86400000',
          'retention.bytes': '-1',
          'segment.bytes': '1048576',
          'cleanup.policy': 'compact,delete',
          'min.insync.replicas': '2',
          'max.message.bytes': '2097152',
        },
      },
    });
  });

  it('refuses what the brokers would refuse or what contradicts itself', () => {
    expect(desiredTopic(topic({ config: { minInsyncReplicas: 4 } }))).toMatchObject({ ok: false });
    expect(desiredTopic(topic({ config: { additional: { 'retention.ms': '1' } } }))).toMatchObject({
      ok: false,
    });
    expect(desiredTopic(topic({ topicName: 'a/b' }))).toMatchObject({ ok: false });
    expect(desiredTopic(topic({ topicName: '..' }))).toMatchObject({ ok: false });
    expect(desiredTopic(topic({}, 'x'.repeat(250)))).toMatchObject({ ok: false });
  });
});

describe('planTopic', () => {
  const desired: DesiredTopic = {
    name: 'orders',
    partitions: 6,
    replicationFactor: 3,
    configs: { 'retention.ms': '1000', 'cleanup.policy': 'delete,compact' },
  };

  it('creates a missing topic', () => {
    expect(planTopic(desired, null)).toEqual({
      actions: [{ kind: 'create', topic: desired }],
      mismatches: [],
    });
  });

  it('adds partitions, sets changed configs and deletes configs the spec no longer has', () => {
    const plan = planTopic(desired, {
      topicId: 't',
      partitions: 3,
      replicationFactor: 3,
      configs: { 'retention.ms': '5000', 'segment.ms': '10', 'cleanup.policy': 'compact,delete' },
    });
    expect(plan).toEqual({
      actions: [
        { kind: 'addPartitions', count: 6 },
        {
          kind: 'alterConfigs',
          changes: [
            { name: 'retention.ms', op: 'set', value: '1000' },
            { name: 'segment.ms', op: 'delete' },
          ],
        },
      ],
      mismatches: [],
    });
  });

  it('compares numbers by value, so an equal config written differently is no change', () => {
    const configs = {
      'min.cleanable.dirty.ratio': '0.50',
      'retention.ms': '0100',
      'max.compaction.lag.ms': '9223372036854775807',
      'cleanup.policy': 'delete',
    };
    const observed = {
      topicId: 't',
      partitions: 6,
      replicationFactor: 3,
      configs: {
        'min.cleanable.dirty.ratio': '0.5',
        'retention.ms': '100',
        'max.compaction.lag.ms': '9223372036854775807',
        'cleanup.policy': 'delete',
      },
    };
    expect(planTopic({ ...desired, configs }, observed)).toEqual({ actions: [], mismatches: [] });
    expect(normalConfigValue('min.cleanable.dirty.ratio', '.5')).toBe('0.5');
    expect(normalConfigValue('x', '1e3')).toBe('1000');
    // Beyond 2^53 an integer is compared as written (a double would round it).
    expect(normalConfigValue('x', '9223372036854775807')).toBe('9223372036854775807');
    expect(normalConfigValue('x', 'producer')).toBe('producer');
    const changed = planTopic(
      { ...desired, configs: { ...configs, 'min.cleanable.dirty.ratio': '0.6' } },
      observed,
    );
    expect(changed.actions).toEqual([
      { kind: 'alterConfigs', changes: [{ name: 'min.cleanable.dirty.ratio', op: 'set', value: '0.6' }] },
    ]);
  });

  it('reports, without acting on, more partitions than the spec and another replication factor', () => {
    const plan = planTopic(desired, {
      topicId: 't',
      partitions: 8,
      replicationFactor: 2,
      configs: { 'retention.ms': '1000', 'cleanup.policy': 'compact,delete' },
    });
    expect(plan.actions).toEqual([]);
    expect(plan.mismatches.map((m) => m.reason)).toEqual([
      'PartitionsAboveSpec',
      'ReplicationFactorMismatch',
    ]);
  });

  it('reports every mismatch in the Ready condition: the first as the reason, all in the message', () => {
    const plan = planTopic(desired, { topicId: 't', partitions: 8, replicationFactor: 2, configs: {} });
    const ready = topicStatus(
      topic(),
      {
        kind: 'synced',
        name: 'orders',
        observed: { topicId: 't', partitions: 8, replicationFactor: 2, configs: {} },
        mismatches: plan.mismatches,
      },
      '2026-01-01T00:00:00Z',
    ).conditions![0]!;
    expect(ready).toMatchObject({ status: 'False', reason: 'PartitionsAboveSpec' });
    expect(ready.message).toMatch(
      /^the topic has 8 partitions.*; also ReplicationFactorMismatch: the topic has replication factor 2/,
    );
  });

  it('property: performing the plan converges (a second plan has no actions)', () => {
    const configName = fc.constantFrom(
      'retention.ms',
      'segment.bytes',
      'cleanup.policy',
      'max.message.bytes',
    );
    const configValue = fc.oneof(
      fc.integer({ min: -1, max: 10_000_000 }).map(String),
      fc.constantFrom('delete', 'compact', 'compact,delete', 'delete, compact', '007'),
    );
    const configs = fc.dictionary(configName, configValue, { maxKeys: 4 });
    fc.assert(
      fc.property(
        fc.record({ partitions: fc.integer({ min: 1, max: 50 }), configs }),
        fc.option(
          fc.record({
            topicId: fc.constant('t'),
            partitions: fc.integer({ min: 1, max: 50 }),
            replicationFactor: fc.constant(3),
            configs,
          }),
          { nil: null },
        ),
        (want, observed) => {
          const d: DesiredTopic = { name: 'x', replicationFactor: 3, ...want };
          const after = perform(observed, planTopic(d, observed).actions);
          const again = planTopic(d, after);
          expect(again.actions).toEqual([]);
          expect(after.partitions).toBe(Math.max(d.partitions, observed?.partitions ?? 0));
        },
      ),
    );
  });
});

describe('topicStatus', () => {
  const now = '2026-01-01T00:00:00Z';
  const observed: ObservedTopic = { topicId: 'abc', partitions: 3, replicationFactor: 3, configs: {} };

  it('is Ready/Created when synced, and keeps the last observation when the brokers fail', () => {
    const t = topic();
    const ready = topicStatus(t, { kind: 'synced', name: 'orders', observed, mismatches: [] }, now);
    expect(ready).toMatchObject({
      observedGeneration: 2,
      topicId: 'abc',
      partitions: 3,
      replicationFactor: 3,
      conditions: [{ type: 'Ready', status: 'True', reason: 'Created' }],
    });
    const failed = topicStatus(
      { ...t, status: ready },
      { kind: 'failed', reason: 'BrokerError', message: 'UNAVAILABLE: connect ECONNREFUSED' },
      now,
    );
    expect(failed).toMatchObject({
      topicId: 'abc',
      partitions: 3,
      conditions: [{ type: 'Ready', status: 'False', reason: 'BrokerError' }],
    });
  });

  it('reports Unmanaged as Ready without broker fields', () => {
    const s = topicStatus(topic(), { kind: 'unmanaged' }, now);
    expect(s).toEqual({
      observedGeneration: 2,
      conditions: [expect.objectContaining({ status: 'True', reason: 'Unmanaged' })],
    });
  });
});

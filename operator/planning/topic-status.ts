/**
 * A Topic's status from the outcome of one reconcile. Pure.
 *
 * `Ready` True, reason Created: the broker topic exists and matches the spec. Unmanaged: the annotation
 * `tributary.dev/managed: "false"` is set, so the operator does not look at the brokers at all. False with:
 * ClusterNotFound, InvalidConfig (the spec, or the brokers refused it), BrokerError (the brokers could not
 * be reached or failed), TopicNameConflict (an older Topic manages the same broker topic),
 * PartitionsAboveSpec and ReplicationFactorMismatch (the broker topic differs in a way the operator does
 * not change). When the brokers were not asked this time, the last observed topicId, partitions and
 * replication factor are kept.
 */
import type { Topic, TopicStatus } from '../api/v1alpha1.js';
import { CONDITION_READY, setCondition } from './conditions.js';
import type { ObservedTopic, TopicMismatch } from './topic-plan.js';

export type TopicFailureReason = 'ClusterNotFound' | 'InvalidConfig' | 'BrokerError' | 'TopicNameConflict';

export type TopicOutcome =
  | { kind: 'synced'; name: string; observed: ObservedTopic; mismatches: TopicMismatch[] }
  | { kind: 'unmanaged' }
  | { kind: 'failed'; reason: TopicFailureReason; message: string; observed?: ObservedTopic | undefined };

export function topicStatus(topic: Topic, outcome: TopicOutcome, nowIso: string): TopicStatus {
  const generation = topic.metadata.generation ?? 0;
  let ready: { status: 'True' | 'False'; reason: string; message: string };
  let observed: Pick<TopicStatus, 'topicId' | 'partitions' | 'replicationFactor'> = {};
  const previous = topic.status;
  if (previous?.topicId !== undefined) observed.topicId = previous.topicId;
  if (previous?.partitions !== undefined) observed.partitions = previous.partitions;
  if (previous?.replicationFactor !== undefined) observed.replicationFactor = previous.replicationFactor;
  const fromBroker = (o: ObservedTopic) => ({
    topicId: o.topicId,
    partitions: o.partitions,
    replicationFactor: o.replicationFactor,
  });
  switch (outcome.kind) {
    case 'synced': {
      observed = fromBroker(outcome.observed);
      // The first mismatch is the reason; the message lists them all, so one never hides another.
      const [mismatch, ...others] = outcome.mismatches;
      ready =
        mismatch === undefined
          ? {
              status: 'True',
              reason: 'Created',
              message: `topic ${outcome.name} has ${outcome.observed.partitions} partitions and replication factor ${outcome.observed.replicationFactor}`,
            }
          : {
              status: 'False',
              reason: mismatch.reason,
              message: [mismatch.message, ...others.map((o) => `also ${o.reason}: ${o.message}`)].join('; '),
            };
      break;
    }
    case 'unmanaged':
      observed = {};
      ready = {
        status: 'True',
        reason: 'Unmanaged',
        message: 'tributary.dev/managed is "false": the operator leaves the broker topic alone',
      };
      break;
    case 'failed':
      if (outcome.observed !== undefined) observed = fromBroker(outcome.observed);
      ready = { status: 'False', reason: outcome.reason, message: outcome.message };
      break;
  }
  return {
    observedGeneration: generation,
    ...observed,
    conditions: setCondition(previous?.conditions, { type: CONDITION_READY, ...ready }, generation, nowIso),
  };
}

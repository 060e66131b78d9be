/**
 * Reconciles one Topic: a flat list of named steps, each idempotent, so a reconcile cut off anywhere (the
 * operator killed, the leader changed) is finished by the next one.
 *
 *   read        the Topic from the cache; gone means done
 *   finalize    (being deleted) delete the broker topic, then drop the finalizer
 *   finalizer   add `tributary.dev/topic` before anything reaches the brokers
 *   unmanaged   `tributary.dev/managed: "false"`: Ready/Unmanaged, no broker calls
 *   validate    the spec describes a broker topic (InvalidConfig otherwise)
 *   cluster     the Cluster exists (ClusterNotFound, retried with backoff) and has an address
 *   conflict    no older Topic manages the same broker topic (TopicNameConflict)
 *   observe     describe the broker topic (absent is fine; present, for a Topic that was in conflict, is
 *               still a conflict: see below)
 *   act         create it / add partitions / alter configs, as planned (planning/topic-plan.ts)
 *   status      written only when it changed, also after a failed step
 *
 * Name conflicts: of the Topics of one Cluster naming the same broker topic, the oldest (creation time, then
 * name) owns it, also while it is being deleted (its finalizer still runs). The others report
 * TopicNameConflict, never touch the brokers, and their deletion never deletes the broker topic. The owner's
 * deletion deletes the broker topic as any Topic's does. A Topic that was in conflict never takes over a
 * broker topic it finds afterwards (the owner was unmanaged, so its deletion kept the topic): it stays in
 * TopicNameConflict until a person deletes the broker topic (it then creates its own) or re-creates the
 * Topic (a new Topic adopts an existing broker topic, as after a Cluster was re-created). Adopting it
 * silently would rewrite another owner's topic: partitions added (keyed records then map elsewhere), its
 * configs reset to the spec's.
 *
 * Broker failures: a refusal of the spec (invalid config, partitions, replication factor, name) is
 * InvalidConfig, anything else (unreachable, timeouts, no leader) BrokerError; both are retried with the
 * key's backoff, since brokers coming back or joining can resolve either.
 */
import type { Logger } from 'pino';
import { type Admin, reasonOf, TributaryError } from '../../../client/index.js';
import { API_VERSION, type Cluster, TOPIC_KIND, type Topic } from '../../api/v1alpha1.js';
import { errorText } from '../../kube/api-error.js';
import type { EventRecorder, EventType } from '../../kube/event-recorder.js';
import { Finalizers } from '../../kube/finalizers.js';
import type { Informer } from '../../kube/informer.js';
import { splitKey } from '../../kube/object-key.js';
import type { StatusWriter } from '../../kube/status-writer.js';
import type { ReconcileOutcome } from '../../kube/work-queue.js';
import type { OperatorMetrics } from '../../metrics.js';
import { olderClaimant } from '../../planning/claim-owner.js';
import { CONDITION_READY, conditionTime, findCondition } from '../../planning/conditions.js';
import { ANNOTATION_MANAGED, TOPIC_FINALIZER } from '../../planning/labels.js';
import {
  brokerTopicName,
  type DesiredTopic,
  desiredTopic,
  type ObservedTopic,
  planTopic,
  type TopicAction,
} from '../../planning/topic-plan.js';
import { type TopicOutcome, topicStatus } from '../../planning/topic-status.js';
import type { BrokerAddresses } from '../broker-addresses.js';
import type { BrokerClients } from '../broker-clients.js';
import { StatusReporter } from '../status-reporter.js';

/** Broker reasons that mean the spec itself was refused. */
const INVALID_REASONS: ReadonlySet<string> = new Set([
  'INVALID_CONFIG',
  'UNKNOWN_CONFIG',
  'INVALID_PARTITIONS',
  'INVALID_REPLICATION_FACTOR',
  'INVALID_TOPIC_NAME',
  'INVALID_REQUEST',
  'INVALID_REPLICA_ASSIGNMENT',
]);

export const CONTROLLER_TOPIC = 'topic';

export interface TopicReconcilerDeps {
  topics: Informer<Topic>;
  clusters: Informer<Cluster>;
  finalizers: Finalizers;
  statuses: StatusWriter;
  brokers: BrokerClients;
  addresses: BrokerAddresses;
  events: EventRecorder;
  metrics: OperatorMetrics;
  log: Logger;
}

export function isUnmanaged(topic: Topic): boolean {
  return topic.metadata.annotations?.[ANNOTATION_MANAGED]?.toLowerCase() === 'false';
}

/** The Topic's last status said TopicNameConflict: another Topic owned its broker topic. */
function wasInConflict(topic: Topic): boolean {
  return findCondition(topic.status?.conditions, CONDITION_READY)?.reason === 'TopicNameConflict';
}

/** A failure of one step, with the reason the status reports. */
class StepFailure extends Error {
  constructor(
    readonly reason: 'InvalidConfig' | 'BrokerError',
    message: string,
  ) {
    super(message);
  }
}

function brokerFailure(step: string, err: unknown): StepFailure {
  if (err instanceof TributaryError) {
    const reason = reasonOf(err);
    return new StepFailure(
      INVALID_REASONS.has(reason) ? 'InvalidConfig' : 'BrokerError',
      `${step}: ${reason}: ${err.message}`,
    );
  }
  return new StepFailure('BrokerError', `${step}: ${errorText(err)}`);
}

export class TopicReconciler {
  private readonly status: StatusReporter;

  constructor(private readonly deps: TopicReconcilerDeps) {
    this.status = new StatusReporter(deps, CONTROLLER_TOPIC, TOPIC_KIND);
  }

  async reconcile(key: string): Promise<ReconcileOutcome | undefined> {
    const { namespace, name } = splitKey(key);
    let topic = this.deps.topics.get(name, namespace);
    if (topic === undefined) return undefined;
    if (topic.metadata.deletionTimestamp !== undefined) return this.finalize(topic);

    const added = await this.deps.finalizers.ensure(topic, TOPIC_FINALIZER);
    if ('done' in added) return added.done;
    topic = added.object;

    if (isUnmanaged(topic)) {
      await this.writeStatus(topic, { kind: 'unmanaged' });
      return undefined;
    }

    const desired = desiredTopic(topic);
    if (!desired.ok) {
      // Only a new spec can fix this, and a new spec is a watch event.
      await this.writeStatus(topic, { kind: 'failed', reason: 'InvalidConfig', message: desired.message });
      return undefined;
    }

    const cluster = this.deps.clusters.get(topic.spec.cluster, namespace);
    if (cluster === undefined) {
      await this.writeStatus(topic, {
        kind: 'failed',
        reason: 'ClusterNotFound',
        message: `Cluster ${JSON.stringify(topic.spec.cluster)} does not exist in namespace ${namespace}`,
      });
      return { backoff: true };
    }

    const rival = this.olderRival(topic, desired.topic.name);
    if (rival !== undefined) {
      await this.writeStatus(topic, {
        kind: 'failed',
        reason: 'TopicNameConflict',
        message: `Topic ${rival} already manages broker topic ${desired.topic.name} of Cluster ${topic.spec.cluster}`,
      });
      return undefined;
    }

    const bootstrap = this.deps.addresses.bootstrapOf(cluster);
    if (bootstrap === undefined) {
      await this.writeStatus(topic, {
        kind: 'failed',
        reason: 'BrokerError',
        message: `Cluster ${topic.spec.cluster} has no broker address yet`,
      });
      return { backoff: true };
    }

    return this.sync(topic, bootstrap, desired.topic);
  }

  /** The observe and act steps, then the status: the broker topic brought to `desired`. */
  private async sync(
    topic: Topic,
    bootstrap: string,
    desired: DesiredTopic,
  ): Promise<ReconcileOutcome | undefined> {
    const admin = this.deps.brokers.admin(bootstrap);
    let observed: ObservedTopic | null = null;
    let outcome: TopicOutcome;
    try {
      observed = await this.observe(admin, desired.name);
      if (observed !== null && wasInConflict(topic) && observed.topicId !== topic.status?.topicId) {
        await this.writeStatus(topic, {
          kind: 'failed',
          reason: 'TopicNameConflict',
          message: `broker topic ${desired.name} of Cluster ${topic.spec.cluster} was managed by another Topic, and this one does not take it over: delete the broker topic (this Topic then creates its own), or delete and re-create this Topic to adopt it`,
        });
        // Comes back after its backoff: the owner's deletion of the broker topic may still be on its way.
        return { backoff: true };
      }
      const plan = planTopic(desired, observed);
      if (plan.actions.length > 0) {
        await this.act(topic, admin, desired, plan.actions);
        observed = await this.observe(admin, desired.name);
      }
      if (observed === null) {
        throw new StepFailure('BrokerError', `observe: topic ${desired.name} is missing after its creation`);
      }
      const { mismatches } = planTopic(desired, observed);
      outcome = { kind: 'synced', name: desired.name, observed, mismatches };
    } catch (err) {
      const failure = err instanceof StepFailure ? err : brokerFailure('reconcile', err);
      outcome = {
        kind: 'failed',
        reason: failure.reason,
        message: failure.message,
        observed: observed ?? undefined,
      };
      this.deps.log.warn(
        {
          topic: `${topic.metadata.namespace}/${topic.metadata.name}`,
          reason: failure.reason,
          err: failure.message,
        },
        'topic not in sync',
      );
    }
    await this.writeStatus(topic, outcome);
    return outcome.kind === 'failed' ? { backoff: true } : undefined;
  }

  /** The deletion path: the broker topic goes first, the finalizer last. */
  private async finalize(topic: Topic): Promise<ReconcileOutcome | undefined> {
    if (!Finalizers.has(topic, TOPIC_FINALIZER)) return undefined;
    const namespace = topic.metadata.namespace!;
    const brokerName = brokerTopicName(topic);
    const cluster = this.deps.clusters.get(topic.spec.cluster, namespace);
    // Nothing to delete: unmanaged, a name the brokers cannot hold, no Cluster or one being deleted (its
    // brokers go with it), or not the owner of the broker topic (in conflict now or before).
    const skip =
      isUnmanaged(topic) ||
      brokerName === undefined ||
      cluster === undefined ||
      cluster.metadata.deletionTimestamp !== undefined ||
      this.olderRival(topic, brokerName) !== undefined ||
      wasInConflict(topic);
    if (!skip) {
      const bootstrap = this.deps.addresses.bootstrapOf(cluster);
      if (bootstrap === undefined) {
        await this.writeStatus(topic, {
          kind: 'failed',
          reason: 'BrokerError',
          message: `deleting: Cluster ${topic.spec.cluster} has no broker address yet`,
        });
        return { backoff: true };
      }
      try {
        await this.deps.brokers.admin(bootstrap).deleteTopic(brokerName);
        this.deps.log.info(
          { topic: `${namespace}/${topic.metadata.name}`, brokerTopic: brokerName },
          'broker topic deleted',
        );
        this.event(topic, 'Normal', 'TopicDeleted', 'Delete', `deleted broker topic ${brokerName}`);
      } catch (err) {
        if (!(err instanceof TributaryError && reasonOf(err) === 'UNKNOWN_TOPIC')) {
          const failure = brokerFailure('delete', err);
          await this.writeStatus(topic, { kind: 'failed', reason: failure.reason, message: failure.message });
          return { backoff: true };
        }
      }
    }
    const removed = await this.deps.finalizers.release(topic, TOPIC_FINALIZER);
    return 'done' in removed ? removed.done : undefined;
  }

  private async observe(admin: Admin, name: string): Promise<ObservedTopic | null> {
    try {
      const t = await admin.describeTopic(name);
      return {
        topicId: t.topicId,
        partitions: t.partitions.length,
        replicationFactor: Math.max(0, ...t.partitions.map((p) => p.replicas.length)),
        configs: t.configs,
      };
    } catch (err) {
      if (err instanceof TributaryError && reasonOf(err) === 'UNKNOWN_TOPIC') return null;
      throw brokerFailure('observe', err);
    }
  }

  private async act(
    topic: Topic,
    admin: Admin,
    desired: DesiredTopic,
    actions: TopicAction[],
  ): Promise<void> {
    for (const action of actions) {
      try {
        switch (action.kind) {
          case 'create':
            await admin.createTopic({
              name: desired.name,
              partitions: desired.partitions,
              replicationFactor: desired.replicationFactor,
              configs: desired.configs,
            });
            this.deps.log.info({ brokerTopic: desired.name }, 'broker topic created');
            this.event(
              topic,
              'Normal',
              'TopicCreated',
              'Create',
              `created broker topic ${desired.name} with ${desired.partitions} partitions`,
            );
            break;
          case 'addPartitions':
            await admin.createPartition(desired.name, action.count);
            this.deps.log.info({ brokerTopic: desired.name, partitions: action.count }, 'partitions added');
            this.event(
              topic,
              'Normal',
              'PartitionsAdded',
              'Update',
              `broker topic ${desired.name} now has ${action.count} partitions`,
            );
            break;
          case 'alterConfigs':
            await admin.alterConfig(desired.name, action.changes);
            this.deps.log.info(
              { brokerTopic: desired.name, changes: action.changes },
              'topic configs changed',
            );
            this.event(
              topic,
              'Normal',
              'ConfigsChanged',
              'Update',
              `broker topic ${desired.name}: ${action.changes.map((c) => (c.op === 'set' ? `${c.name}=${c.value}` : `${c.name} reset`)).join(', ')}`,
            );
            break;
        }
      } catch (err) {
        // Created by an earlier pass that did not live to record it: the next observe sees it.
        if (
          action.kind === 'create' &&
          err instanceof TributaryError &&
          reasonOf(err) === 'TOPIC_ALREADY_EXISTS'
        )
          continue;
        throw brokerFailure(action.kind, err);
      }
    }
  }

  /**
   * Another Topic of the same Cluster and broker name, created earlier (ties broken by name): the owner of
   * the broker topic, also while its deletion (its finalizer) runs.
   */
  private olderRival(topic: Topic, brokerName: string): string | undefined {
    const sameTopic = this.deps.topics
      .list(topic.metadata.namespace)
      .filter((other) => other.spec.cluster === topic.spec.cluster && brokerTopicName(other) === brokerName);
    return olderClaimant(topic, sameTopic, TOPIC_FINALIZER);
  }

  private event(topic: Topic, type: EventType, reason: string, action: string, note: string): void {
    this.deps.events.record(
      { apiVersion: API_VERSION, kind: TOPIC_KIND, metadata: topic.metadata },
      type,
      reason,
      action,
      note,
    );
  }

  private async writeStatus(topic: Topic, outcome: TopicOutcome): Promise<void> {
    await this.status.write(topic, topicStatus(topic, outcome, conditionTime())); // false: deleted meanwhile
  }
}

import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { TributaryError } from '../../proto/errors.js';
import type { AlterPartitionRequest__Output } from '../../proto/generated/tributary/v1/AlterPartitionRequest.js';
import type { AlterPartitionResponse } from '../../proto/generated/tributary/v1/AlterPartitionResponse.js';
import type { ControlledShutdownResponse } from '../../proto/generated/tributary/v1/ControlledShutdownResponse.js';
import type { ElectionType__Output } from '../../proto/generated/tributary/v1/ElectionType.js';
import type { OngoingReassignment } from '../../proto/generated/tributary/v1/OngoingReassignment.js';
import type { PartitionResult } from '../../proto/generated/tributary/v1/PartitionResult.js';
import { assertNoTopicNameCollision } from '../../proto/names.js';
import type { Dcs } from '../dcs/dcs.js';
import type { Logger } from '../logger.js';
import {
  type BrokerRegistration,
  brokerKey,
  CONTROLLER_KEY,
  PRODUCER_ID_BLOCK,
  PRODUCER_IDS_KEY,
} from '../metadata/keys.js';
import { type PartitionRegistration, type TopicRecord, unknownTopic } from '../metadata/topic-registry.js';
import { ControllerEventQueue } from './controller-event-queue.js';
import {
  ControllerElection,
  type ControllerMembership,
  type ControllerTerm,
  notController,
} from './election.js';
import {
  type ClusterView,
  clusterView,
  markShuttingDown,
  ongoingReassignments,
  placePartitions,
  planAlterPartition,
  planControlledShutdown,
  planPartition,
  planPreferredElection,
  planReassignment,
  planUncleanElection,
  restartedSince,
  type SeenBroker,
  seenBroker,
} from './planning.js';
import { TopicStore } from './topic-store.js';
import {
  assertNotDeleting,
  type PartitionPlanner,
  planEach,
  TopicWriter,
  wireErrorOf,
} from './topic-writer.js';

export interface ControllerOptions {
  /** Compare-and-set attempts per topic document before giving up (TOO_MANY_REQUESTS). */
  casRetriesMax: number;
  /** Operations waiting for the controller's queue before new ones are refused (TOO_MANY_REQUESTS). */
  queueLengthMax: number;
  /** Pause before retrying a failed campaign or reconciliation. */
  retryBackoffMs: number;
  /** Period of the automatic preferred-leader balancer; 0 turns it off (the default). */
  preferredLeaderBalanceIntervalMs: number;
  /** A new term's wait before failovers: brokers back from a DCS outage re-register (docs/architecture.md). */
  activationGraceMs: number;
}

export const DEFAULT_CONTROLLER_OPTIONS: Readonly<ControllerOptions> = {
  casRetriesMax: 8,
  queueLengthMax: 1024,
  retryBackoffMs: 500,
  preferredLeaderBalanceIntervalMs: 0,
  activationGraceMs: 0,
};

export interface ControllerDeps {
  dcs: Dcs;
  membership: ControllerMembership;
  logger: Logger;
  options?: Partial<ControllerOptions>;
  /** Brokers new replicas must not go to (cordoned or leaving: broker/balance/); absent: none. */
  placementExcluded?: () => Promise<ReadonlySet<number>>;
}

/** A topic to create; names, configs and limits were validated by the admin API. */
export interface NewTopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

export interface ReassignmentRequest {
  topic: string;
  partition: number;
  /** Target replicas, preferred leader first; empty cancels. */
  replicas: readonly number[];
}

/**
 * The cluster controller (Kafka's controller, with the metadata in the DCS; docs/architecture.md, decisions 3 and 4).
 *
 * Every broker runs one; the one whose campaign wins the `controller` key is active (election.ts). While
 * active it is the only writer of `topics/*`, and every write is a compare-and-set on the document's version
 * guarded by the version of its controller key: a deposed controller (its session expired while it was
 * paused, say) cannot land a single write, and a lost race re-reads the document and plans again.
 *
 * All work runs one item at a time on a bounded queue: reconciliation (on becoming active and on every
 * change of live brokers or topics: failover, ISR hygiene, finishing reassignments, resuming deletions),
 * AlterPartition from leaders, ControlledShutdown, elections, reassignments and topic changes. Decisions are
 * pure functions (planning.ts); this class reads, plans, writes and logs each decision.
 *
 * Events: 'active' (epoch: number), 'inactive'.
 */
export class Controller extends EventEmitter {
  private readonly options: ControllerOptions;
  private readonly dcs: Dcs;
  private readonly membership: ControllerMembership;
  private readonly logger: Logger;
  private readonly placementExcluded: () => Promise<ReadonlySet<number>>;
  private readonly election: ControllerElection;
  private readonly store: TopicStore;
  private readonly writer: TopicWriter;
  private readonly queue: ControllerEventQueue;
  /**
   * Broker epochs and incarnations as of the last complete reconciliation: a different live epoch means a
   * restart, unless the incarnation is the same (a renewed session of the same process).
   */
  private seenEpochs = new Map<number, SeenBroker>();
  /** Brokers that asked for a controlled shutdown, with the epoch they asked under. */
  private readonly shutdownRequests = new Map<number, number>();
  private reconcilePending = false;
  private graceUntilMs = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private balanceTimer: NodeJS.Timeout | undefined;
  private readonly onBrokers = (): void => this.scheduleReconcile();

  constructor(deps: ControllerDeps) {
    super();
    this.options = { ...DEFAULT_CONTROLLER_OPTIONS, ...deps.options };
    this.dcs = deps.dcs;
    this.membership = deps.membership;
    this.logger = deps.logger.child({ role: 'controller' });
    this.placementExcluded = deps.placementExcluded ?? (async () => new Set<number>());
    this.queue = new ControllerEventQueue(this.options.queueLengthMax);
    this.store = new TopicStore(this.dcs, () => this.scheduleReconcile(), this.logger);
    this.election = new ControllerElection(
      this.dcs,
      this.membership,
      this.logger,
      this.options.retryBackoffMs,
    );
    this.writer = new TopicWriter(this.store, this.election, this.logger, this.options.casRetriesMax);
    this.election.on('elected', (term: ControllerTerm) => this.onElected(term));
    this.election.on('deposed', () => this.onDeposed());
  }

  get isActive(): boolean {
    return this.election.term !== undefined;
  }

  /** The current term, undefined while not active (the balancer guards its own writes with it). */
  get term(): ControllerTerm | undefined {
    return this.election.term;
  }

  /** The controller's copy of every topic not being deleted, sorted by name. */
  topicRecords(): TopicRecord[] {
    return this.liveRecords();
  }

  /** The controller epoch of the current term; 0 while not active. */
  get epoch(): number {
    return this.election.term?.epoch ?? 0;
  }

  async start(): Promise<void> {
    await this.store.start();
    this.membership.on('brokers', this.onBrokers);
    await this.election.start();
    const every = this.options.preferredLeaderBalanceIntervalMs;
    if (every > 0) {
      this.balanceTimer = setInterval(() => this.balanceLeaders(), every);
      this.balanceTimer.unref();
    }
  }

  /** Resigns (the controller key is deleted if still ours) and stops acting. */
  async stop(): Promise<void> {
    clearInterval(this.balanceTimer);
    clearTimeout(this.retryTimer);
    this.membership.off('brokers', this.onBrokers);
    await this.election.stop();
    this.store.stop();
    await this.queue.drain();
  }

  // --- Requests from brokers -------------------------------------------------------------------------

  /** A leader shrinking or expanding its ISR; answers the partition's new (or, on refusal, current) state. */
  async alterPartition(req: AlterPartitionRequest__Output): Promise<AlterPartitionResponse> {
    try {
      const brokerEpoch = parseEpoch(req.broker_epoch);
      const record = await this.run(async (term) => {
        const view = await this.viewConfirming(req.broker_id, brokerEpoch);
        return this.writer.mutatePartitions(term, req.topic, [req.partition], (a) =>
          planAlterPartition(
            a,
            {
              brokerId: req.broker_id,
              brokerEpoch,
              leaderEpoch: req.leader_epoch,
              partitionEpoch: req.partition_epoch,
              newIsr: req.new_isr,
            },
            view,
          ),
        );
      });
      return { error: null, ...partitionState(record.partitions[req.partition]!) };
    } catch (err) {
      const current = this.store.entry(req.topic)?.record.partitions[req.partition];
      return { error: wireErrorOf(err), ...(current === undefined ? {} : partitionState(current)) };
    }
  }

  /**
   * A stopping broker: leadership of each partition it leads moves to another in-sync replica that can lead,
   * and it leaves every ISR (never emptying one). From now until it registers again it gets no leadership
   * and no ISR membership. Answers the leaderships it keeps (no other in-sync replica could take them).
   */
  async controlledShutdown(brokerId: number, brokerEpoch: number): Promise<ControlledShutdownResponse> {
    try {
      const remaining = await this.run(async (term) => {
        const confirmed = await this.viewConfirming(brokerId, brokerEpoch);
        if (confirmed.live.get(brokerId)?.epoch !== brokerEpoch) {
          throw new TributaryError(
            'STALE_BROKER_EPOCH',
            `broker ${brokerId} epoch ${brokerEpoch} is not live`,
          );
        }
        this.shutdownRequests.set(brokerId, brokerEpoch);
        const view = markShuttingDown(confirmed, brokerId);
        let kept = 0;
        for (const record of this.store.records()) {
          if (record.deleting) continue;
          let keptHere = 0;
          await this.writer.mutate(term, record.name, (r) => {
            keptHere = 0;
            return planEach(r, r.partitions.keys(), (a) => {
              const { change, remainsLeader } = planControlledShutdown(a, brokerId, view);
              if (remainsLeader) keptHere++;
              return change;
            }).plan;
          });
          kept += keptHere;
        }
        this.logger.info({ brokerId, brokerEpoch, remainingLeaderships: kept }, 'controlled shutdown');
        return kept;
      });
      return { error: null, remaining_leaderships: remaining };
    } catch (err) {
      return { error: wireErrorOf(err), remaining_leaderships: 0 };
    }
  }

  // --- Admin requests (forwarded by any broker's admin API) --------------------------------------------

  /** PREFERRED: leadership to replicas[0]; UNCLEAN: a leader for offline partitions. Empty: every partition. */
  electLeaders(
    type: ElectionType__Output,
    topics: ReadonlyArray<{ topic: string; partitions: readonly number[] }>,
  ): Promise<PartitionResult[]> {
    return this.run(async (term) => {
      const view = this.view();
      const plan: PartitionPlanner = (a) =>
        type === 'ELECTION_TYPE_UNCLEAN' ? planUncleanElection(a, view) : planPreferredElection(a, view);
      const requests =
        topics.length > 0 ? topics : this.liveRecords().map((r) => ({ topic: r.name, partitions: [] }));
      const results: PartitionResult[] = [];
      for (const t of requests) {
        const record = this.liveRecord(t.topic);
        if (record === undefined && t.partitions.length === 0) {
          // No partition to answer for: the topic's error rides on partition 0.
          results.push({ topic: t.topic, partition: 0, error: wireErrorOf(unknownTopic(t.topic)) });
          continue;
        }
        const partitions =
          t.partitions.length > 0 ? [...new Set(t.partitions)] : record!.partitions.map((_, i) => i);
        results.push(...(await this.writer.perPartition(term, t.topic, partitions, plan)));
      }
      return results;
    });
  }

  /** Starts (or replaces, or with empty replicas cancels) reassignments; one result per request item. */
  alterReassignments(requests: readonly ReassignmentRequest[]): Promise<PartitionResult[]> {
    return this.run(async (term) => {
      const view = this.view();
      const byTopic = new Map<string, Map<number, readonly number[]>>();
      const duplicates = new Set<number>();
      requests.forEach((r, i) => {
        const partitions = byTopic.get(r.topic) ?? new Map<number, readonly number[]>();
        byTopic.set(r.topic, partitions);
        if (partitions.has(r.partition)) duplicates.add(i);
        else partitions.set(r.partition, r.replicas);
      });
      const answers = new Map<string, PartitionResult>();
      for (const [topic, targets] of byTopic) {
        const results = await this.writer.perPartition(term, topic, [...targets.keys()], (a, p) =>
          planReassignment(a, targets.get(p)!, view),
        );
        for (const r of results) answers.set(`${topic}/${r.partition}`, r);
      }
      return requests.map((r, i) =>
        duplicates.has(i)
          ? { topic: r.topic, partition: r.partition, error: wireErrorOf(duplicateItem(r)) }
          : answers.get(`${r.topic}/${r.partition}`)!,
      );
    });
  }

  /** Reassignments in progress (all, or those of the given topics/partitions), from the controller's copy. */
  listReassignments(
    topics: ReadonlyArray<{ topic: string; partitions: readonly number[] }> = [],
  ): OngoingReassignment[] {
    return ongoingReassignments(this.liveRecords(), topics);
  }

  /** Places the topic over live brokers that are not shutting down (rack-aware) and writes it. */
  createTopic(spec: NewTopicSpec): Promise<TopicRecord> {
    return this.run(async (term) => {
      if (this.store.entry(spec.name) !== undefined) {
        throw new TributaryError('TOPIC_ALREADY_EXISTS', `topic ${JSON.stringify(spec.name)} already exists`);
      }
      // Checked here, where every creation passes (CLI, SDK, operator), against topics being deleted too.
      assertNoTopicNameCollision(
        spec.name,
        this.store.records().map((r) => r.name),
      );
      if (!Number.isSafeInteger(spec.partitions) || spec.partitions < 1) {
        throw new TributaryError(
          'INVALID_PARTITIONS',
          `a topic needs at least 1 partition, got ${spec.partitions}`,
        );
      }
      const record: TopicRecord = {
        id: randomUUID(),
        name: spec.name,
        replicationFactor: spec.replicationFactor,
        partitions: placePartitions(
          this.placementBrokers(spec.replicationFactor, await this.placementExcluded()),
          spec.partitions,
          spec.replicationFactor,
        ),
        configs: { ...spec.configs },
        createdAtMs: Date.now(),
      };
      if ((await this.writer.write(term, record, 0)) === 'conflict') {
        throw new TributaryError('TOPIC_ALREADY_EXISTS', `topic ${JSON.stringify(spec.name)} already exists`);
      }
      this.logger.info(
        { topic: spec.name, partitions: record.partitions.map((p) => p.replicas), configs: record.configs },
        'topic created',
      );
      return record;
    });
  }

  /** Grows the topic to `count` partitions (never shrinks), placing the new ones after the existing. */
  createPartitions(name: string, count: number): Promise<TopicRecord> {
    return this.run(async (term) => {
      const excluded = await this.placementExcluded();
      return this.writer.mutate(term, name, (r) => {
        assertNotDeleting(r);
        const current = r.partitions.length;
        if (!Number.isSafeInteger(count) || count <= current) {
          throw new TributaryError(
            'INVALID_PARTITIONS',
            `topic ${name} has ${current} partitions; the new count must be larger, got ${count}`,
          );
        }
        const brokers = this.placementBrokers(r.replicationFactor, excluded);
        r.partitions.push(...placePartitions(brokers, count - current, r.replicationFactor, current));
        this.logger.info({ topic: name, from: current, to: count }, 'adding partitions');
        return { record: r, changes: [] };
      });
    });
  }

  /** Marks the topic deleting (brokers drop its logs when they see it), then removes its document. */
  deleteTopic(name: string): Promise<void> {
    return this.run(async (term) => {
      await this.writer.mutate(term, name, (r) =>
        r.deleting ? null : { record: { ...r, deleting: true }, changes: [] },
      );
      await this.writer.remove(term, name);
    });
  }

  /** Replaces the topic's config entries (validated by the admin API). */
  alterConfigs(name: string, configs: Record<string, string>): Promise<TopicRecord> {
    return this.run((term) =>
      this.writer.mutate(term, name, (r) => {
        assertNotDeleting(r);
        this.logger.info({ topic: name, old: r.configs, new: configs }, 'altering topic configs');
        return { record: { ...r, configs: { ...configs } }, changes: [] };
      }),
    );
  }

  /**
   * Hands a block of PRODUCER_ID_BLOCK producer ids to a live broker (KIP-730): the `producer-ids` counter
   * moves by a guarded compare-and-set, so ids are never given twice, across controllers too.
   */
  allocateProducerIds(brokerId: number, brokerEpoch: number): Promise<{ firstId: number; count: number }> {
    return this.run(async (term) => {
      if (this.membership.liveBrokers().find((b) => b.id === brokerId)?.epoch !== brokerEpoch) {
        throw new TributaryError('STALE_BROKER_EPOCH', `broker ${brokerId} epoch ${brokerEpoch} is not live`);
      }
      for (let attempt = 0; attempt < this.options.casRetriesMax; attempt++) {
        const current = await this.dcs.get(PRODUCER_IDS_KEY);
        const firstId = current === null ? 0 : Number(current.value.toString('utf8'));
        if (!Number.isSafeInteger(firstId) || firstId < 0) {
          throw new TributaryError('INTERNAL', `the ${PRODUCER_IDS_KEY} counter is corrupt`);
        }
        const next = Buffer.from(String(firstId + PRODUCER_ID_BLOCK));
        const result = await this.dcs.compareAndSet(PRODUCER_IDS_KEY, next, current?.version ?? 0, {
          guard: { key: CONTROLLER_KEY, version: term.keyVersion },
        });
        if (result.guardFailed) throw notController();
        if (result.ok) {
          this.logger.info({ brokerId, firstId, count: PRODUCER_ID_BLOCK }, 'producer ids allocated');
          return { firstId, count: PRODUCER_ID_BLOCK };
        }
      }
      throw new TributaryError('TOO_MANY_REQUESTS', 'producer id allocation kept racing; retry');
    });
  }

  // --- Term, queue and view -----------------------------------------------------------------------------

  private onElected(term: ControllerTerm): void {
    this.seenEpochs = new Map(this.membership.liveBrokers().map((b) => [b.id, seenBroker(b)]));
    this.shutdownRequests.clear();
    this.graceUntilMs = Date.now() + this.options.activationGraceMs;
    this.emit('active', term.epoch);
    this.scheduleReconcile();
  }

  private onDeposed(): void {
    clearTimeout(this.retryTimer);
    this.reconcilePending = false;
    this.emit('inactive');
  }

  /** Queues `work` for the current term; it fails with NOT_CONTROLLER if the term ends before it runs. */
  private run<T>(work: (term: ControllerTerm) => Promise<T>): Promise<T> {
    const term = this.election.term;
    if (term === undefined) return Promise.reject(notController());
    return this.queue.push(() => {
      this.writer.assertTerm(term);
      return work(term);
    });
  }

  private view(): ClusterView {
    const live = this.membership.liveBrokers();
    return clusterView(
      live.map((b) => ({
        id: b.id,
        epoch: b.epoch,
        shuttingDown: this.isShuttingDown(b.id, b.epoch, b),
        incarnation: b.incarnation,
      })),
      live.filter((b) => restartedSince(this.seenEpochs.get(b.id), b)).map((b) => b.id),
    );
  }

  private isShuttingDown(
    id: number,
    epoch: number,
    registration: Pick<BrokerRegistration, 'shuttingDown'>,
  ): boolean {
    return registration.shuttingDown === true || this.shutdownRequests.get(id) === epoch;
  }

  /**
   * The view, with broker `id` read from the DCS when the watch has not caught up with the epoch it claims
   * (a broker that just registered may call before the controller saw its registration).
   */
  private async viewConfirming(id: number, epoch: number): Promise<ClusterView> {
    const view = this.view();
    if (view.live.get(id)?.epoch === epoch) return view;
    const stored = await this.dcs.get(brokerKey(id));
    if (stored === null || stored.version !== epoch) return view;
    const registration = JSON.parse(stored.value.toString('utf8')) as BrokerRegistration;
    const live = new Map(view.live);
    live.set(id, {
      epoch,
      shuttingDown: this.isShuttingDown(id, epoch, registration),
      ...(registration.incarnation === undefined ? {} : { incarnation: registration.incarnation }),
    });
    return { live, restarted: view.restarted };
  }

  /**
   * Live brokers that may receive new replicas (not stopping, not cordoned or leaving), checked against
   * the replication factor.
   */
  private placementBrokers(
    replicationFactor: number,
    excluded: ReadonlySet<number>,
  ): Array<{ id: number; epoch: number; rack: string; incarnation: string | undefined }> {
    const brokers = this.membership
      .liveBrokers()
      .filter((b) => !this.isShuttingDown(b.id, b.epoch, b) && !excluded.has(b.id))
      .map((b) => ({ id: b.id, epoch: b.epoch, rack: b.rack, incarnation: b.incarnation }));
    if (
      !Number.isSafeInteger(replicationFactor) ||
      replicationFactor < 1 ||
      replicationFactor > brokers.length
    ) {
      throw new TributaryError(
        'INVALID_REPLICATION_FACTOR',
        `replication factor ${replicationFactor} needs 1..${brokers.length} available broker(s)`,
      );
    }
    return brokers;
  }

  private liveRecords(): TopicRecord[] {
    return this.store.records().filter((r) => !r.deleting);
  }

  private liveRecord(name: string): TopicRecord | undefined {
    const record = this.store.entry(name)?.record;
    return record?.deleting ? undefined : record;
  }

  // --- Reconciliation ---------------------------------------------------------------------------------------

  /** Coalesced: at most one reconciliation waits in the queue; it reads the newest state when it runs. */
  private scheduleReconcile(): void {
    if (!this.isActive || this.reconcilePending) return;
    if (this.graceUntilMs > Date.now()) {
      this.retryLater(this.graceUntilMs - Date.now());
      return;
    }
    this.reconcilePending = true;
    this.run(async (term) => {
      this.reconcilePending = false;
      await this.reconcileAll(term);
    }).catch((err: unknown) => {
      this.reconcilePending = false;
      if (err instanceof TributaryError && err.reason === 'NOT_CONTROLLER') return;
      this.logger.error({ err }, 'reconciliation failed; retrying');
      this.retryLater();
    });
  }

  private async reconcileAll(term: ControllerTerm): Promise<void> {
    const view = this.view();
    for (const [id, epoch] of this.shutdownRequests) {
      if (view.live.get(id)?.epoch !== epoch) this.shutdownRequests.delete(id);
    }
    let failures = 0;
    for (const record of this.store.records()) {
      try {
        if (record.deleting) await this.writer.remove(term, record.name);
        else {
          const uncleanElection = record.configs['unclean.leader.election.enable'] === 'true';
          await this.writer.mutate(
            term,
            record.name,
            (r) => planEach(r, r.partitions.keys(), (a) => planPartition(a, view, { uncleanElection })).plan,
          );
        }
      } catch (err) {
        if (err instanceof TributaryError && err.reason === 'NOT_CONTROLLER') throw err;
        failures++;
        this.logger.error({ err, topic: record.name }, 'could not reconcile topic');
      }
    }
    if (failures > 0) this.retryLater();
    else this.seenEpochs = new Map([...view.live].map(([id, state]) => [id, seenBroker(state)]));
  }

  private retryLater(delayMs = this.options.retryBackoffMs): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.scheduleReconcile(), delayMs);
    this.retryTimer.unref();
  }

  /** The optional balancer: leadership back to the preferred replica wherever it can lead. */
  private balanceLeaders(): void {
    if (!this.isActive || this.queue.length > 0) return;
    this.run(async (term) => {
      const view = this.view();
      for (const record of this.liveRecords()) {
        const off = record.partitions.flatMap((a, i) => (a.leader !== a.replicas[0] ? [i] : []));
        if (off.length > 0)
          await this.writer.perPartition(term, record.name, off, (a) => planPreferredElection(a, view));
      }
    }).catch((err: unknown) => this.logger.warn({ err }, 'preferred leader balancing failed'));
  }
}

function partitionState(a: PartitionRegistration): Omit<AlterPartitionResponse, 'error'> {
  return {
    leader: a.leader,
    leader_epoch: a.leaderEpoch,
    partition_epoch: a.partitionEpoch ?? 0,
    isr: a.isr,
  };
}

function parseEpoch(raw: string): number {
  const n = Number(raw);
  if (!/^\d{1,16}$/.test(raw) || !Number.isSafeInteger(n)) {
    throw new TributaryError('INVALID_REQUEST', `broker_epoch must be a non-negative integer, got ${raw}`);
  }
  return n;
}

function duplicateItem(r: ReassignmentRequest): TributaryError {
  return new TributaryError('INVALID_REQUEST', `${r.topic}/${r.partition} appears twice in the request`);
}

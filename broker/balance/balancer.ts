import { createHash, randomUUID } from 'node:crypto';
import { SerialLane } from '../../kit/serial-lane.js';
import { TributaryError } from '../../proto/errors.js';
import type { ElectionType__Output } from '../../proto/generated/tributary/v1/ElectionType.js';
import type { PartitionResult } from '../../proto/generated/tributary/v1/PartitionResult.js';
import type { ReassignmentRequest } from '../controller/controller.js';
import { type ControllerTerm, notController } from '../controller/election.js';
import type { Dcs } from '../dcs/dcs.js';
import type { Logger } from '../logger.js';
import { BROKER_STATES_KEY, type LiveBroker } from '../metadata/keys.js';
import type { TopicRecord } from '../metadata/topic-registry.js';
import type { BalanceDescription, BrokerBalanceView, RebalanceAnswer } from './balance-description.js';
import { balanceInput, knownBrokerIds, sizeKey, targetReplicas } from './balance-input.js';
import { BalanceStore } from './balance-store.js';
import { alterBalancingConfig, type BalancingConfig } from './balancing-config.js';
import {
  applyStateChanges,
  assertEnoughBrokers,
  type BrokerStateChange,
  type BrokerStates,
  decodeBrokerStates,
  replicaHolders,
  sameStates,
  stateOf,
} from './broker-states.js';
import { advancePlan, type ExecutorPort, issueError } from './executor.js';
import { JoinSettle } from './join-settle.js';
import { planBalance } from './planner.js';
import { restorePreferredLeaders } from './preferred-leaders.js';
import {
  FINAL_STATUSES,
  newRecord,
  progressOf,
  type RebalanceDocument,
  type RebalanceProgress,
  type RebalanceRecord,
  type RebalanceSummary,
  summaryOf,
} from './rebalance-record.js';
import { automaticTriggers, imbalancePercent } from './triggers.js';
import type { BalancePlan, BrokerBalanceState } from './types.js';

/** What the balancer needs from the controller (controller.ts satisfies it). */
export interface BalanceControllerPort {
  readonly term: ControllerTerm | undefined;
  topicRecords(): TopicRecord[];
  alterReassignments(requests: readonly ReassignmentRequest[]): Promise<PartitionResult[]>;
  electLeaders(
    type: ElectionType__Output,
    topics: ReadonlyArray<{ topic: string; partitions: readonly number[] }>,
  ): Promise<PartitionResult[]>;
  on(event: 'active' | 'inactive', listener: () => void): unknown;
  off(event: 'active' | 'inactive', listener: () => void): unknown;
}

export interface BalancerDeps {
  dcs: Dcs;
  controller: BalanceControllerPort;
  membership: {
    liveBrokers(): LiveBroker[];
    on(event: 'brokers', listener: () => void): unknown;
    off(event: 'brokers', listener: () => void): unknown;
  };
  /** Partition sizes by sizeKey, as the given brokers measure them (size-survey.ts). */
  sizes(brokers: readonly LiveBroker[]): Promise<Map<string, number>>;
  logger: Logger;
  options?: Partial<BalancerOptions>;
}

export interface BalancerOptions {
  /** Period of the executor's step and of the trigger checks. */
  tickMs: number;
  /** A target broker unregistered this long makes a plan re-plan without it. */
  targetGraceMs: number;
  /** Continuous mode: how often the imbalance is measured (it plans, so it costs a size survey). */
  imbalanceCheckIntervalMs: number;
  /** Moves in one plan at most (the document stays small); the next plan continues. */
  planMovesMax: number;
  /** Plans in a row that continue one another, at most. */
  planRoundsMax: number;
  /** Sizes measured this recently are used again. */
  sizeSurveyMaxAgeMs: number;
  leaderMovesPerStepMax: number;
  /** A joined broker is planned for once none joined for this long: brokers added together get one plan. */
  joinSettleMs: number;
  /** After a plan completes, preferred leaders that could lead are elected for this long (preferred-leaders.ts). */
  leaderRestoreMs: number;
}

export const DEFAULT_BALANCER_OPTIONS: BalancerOptions = {
  tickMs: 500,
  targetGraceMs: 10_000,
  imbalanceCheckIntervalMs: 60_000,
  planMovesMax: 2000,
  planRoundsMax: 10,
  sizeSurveyMaxAgeMs: 5000,
  leaderMovesPerStepMax: 100,
  joinSettleMs: 3000,
  leaderRestoreMs: 300_000,
};

/**
 * The partition balancer of the active controller (docs/architecture.md, "Partition balancing"): broker
 * states, the balancing config, automatic triggers, and the executor's steps over the durable plan.
 *
 * Every broker builds one; it acts only while its controller is active. On each term it reads its three
 * documents again (balance-store.ts), so a new controller resumes the plan the old one was running. All
 * work (ticks and admin requests) runs one at a time on a serial lane, and every write is guarded by the
 * term's controller key.
 */
export class Balancer {
  private readonly options: BalancerOptions;
  private readonly store: BalanceStore;
  private readonly lane = new SerialLane();
  private readonly logger: Logger;
  private loadedTerm: ControllerTerm | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** When each broker that held replicas or was a target was first seen unregistered, this term. */
  private readonly goneSince = new Map<number, number>();
  private lastEmptyFingerprint: string | undefined;
  /** RebalanceDocument.brokersSeen of this term: a registered id not in it joined. */
  private seen = new Set<number>();
  private lastImbalanceCheckMs = 0;
  private readonly joins: JoinSettle;
  /** Until when preferred leaders are restored after a completed plan (this term). */
  private restoreLeadersUntilMs = 0;
  private survey: { atMs: number; sizes: Map<string, number> } | undefined;
  private readonly onActive = (): void => this.startTicking();
  private readonly onInactive = (): void => this.stopTicking();
  private readonly onBrokers = (): void => this.kick();

  constructor(private readonly deps: BalancerDeps) {
    this.options = { ...DEFAULT_BALANCER_OPTIONS, ...deps.options };
    this.joins = new JoinSettle(this.options.joinSettleMs);
    this.store = new BalanceStore(deps.dcs);
    this.logger = deps.logger.child({ role: 'balancer' });
  }

  start(): void {
    this.deps.controller.on('active', this.onActive);
    this.deps.controller.on('inactive', this.onInactive);
    this.deps.membership.on('brokers', this.onBrokers);
    if (this.deps.controller.term !== undefined) this.startTicking();
  }

  async stop(): Promise<void> {
    this.deps.controller.off('active', this.onActive);
    this.deps.controller.off('inactive', this.onInactive);
    this.deps.membership.off('brokers', this.onBrokers);
    this.stopTicking();
    await this.lane.idle();
  }

  /**
   * The running plan's progress for the metrics (broker/metrics.ts): undefined unless this broker is the
   * active controller and has read its term's documents, null when no plan runs. Reads the copy, never the
   * DCS, so a scrape never waits.
   */
  progressNow(): RebalanceProgress | null | undefined {
    const term = this.deps.controller.term;
    if (term === undefined || this.loadedTerm !== term) return undefined;
    const current = this.store.rebalance.current;
    return current === null ? null : progressOf(current, Date.now(), this.store.config.throttleBytesPerSec);
  }

  /**
   * Brokers new replicas must not go to: cordoned and leaving ones. The controller asks from its queue, so
   * this never waits for the lane (a step waits for that queue): the copy of this term, else the DCS.
   */
  async placementExcluded(): Promise<ReadonlySet<number>> {
    const term = this.deps.controller.term;
    if (term !== undefined && this.loadedTerm === term) return new Set(this.store.states.keys());
    const stored = await this.deps.dcs.get(BROKER_STATES_KEY);
    return new Set(decodeBrokerStates(stored?.value).keys());
  }

  private startTicking(): void {
    this.stopTicking();
    this.timer = setInterval(() => this.kick(), this.options.tickMs);
    this.timer.unref();
    this.kick();
  }

  private stopTicking(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.loadedTerm = undefined;
  }

  /** One step soon, unless one is waiting already. */
  private kick(): void {
    if (this.deps.controller.term === undefined || this.lane.size > 0) return;
    this.lane
      .run(() => this.step())
      .catch((err: unknown) => {
        if (err instanceof TributaryError && err.reason === 'NOT_CONTROLLER') return;
        this.logger.warn({ err }, 'balancer step failed; the next tick tries again');
      });
  }

  /** The current term, with the documents read for it. */
  private async termNow(): Promise<ControllerTerm> {
    const term = this.deps.controller.term;
    if (term === undefined) throw notController();
    if (this.loadedTerm !== term) {
      await this.store.load();
      this.loadedTerm = term;
      this.goneSince.clear();
      this.joins.clear();
      this.lastEmptyFingerprint = this.store.rebalance.quiet;
      const seen = this.store.rebalance.brokersSeen;
      this.seen = new Set(
        seen ?? [
          ...this.deps.membership.liveBrokers().map((b) => b.id),
          ...replicaHolders(this.deps.controller.topicRecords()),
        ],
      );
      const current = this.store.rebalance.current;
      if (current !== null) {
        this.logger.info(
          { plan: current.id, status: current.status, reason: current.reason },
          'resuming the plan',
        );
      }
    }
    return term;
  }

  // --- The step ------------------------------------------------------------------------------------------

  private async step(): Promise<void> {
    const term = await this.termNow();
    this.trackGone();
    const current = this.store.rebalance.current;
    if (current !== null) {
      await this.advance(term, current);
      return;
    }
    if (Date.now() < this.restoreLeadersUntilMs) await this.restorePreferredLeaders();
    const joined = this.deps.membership.liveBrokers().filter((b) => !this.seen.has(b.id));
    if (!this.joins.settled(joined.map((b) => b.id))) return;
    for (const b of joined) this.seen.add(b.id);
    const { reasons, imbalanceCheck } = this.triggerReasons(joined);
    if (reasons.length === 0 && !imbalanceCheck) {
      if (joined.length > 0) await this.writeDoc(term, this.store.rebalance);
      return;
    }
    const fingerprint = this.fingerprint();
    if (fingerprint === this.lastEmptyFingerprint) return;
    const plan = await this.plan();
    if (reasons.length === 0) {
      const threshold = this.store.config.imbalanceThresholdPercent;
      const active = new Set(this.activeBrokers());
      const imbalance = imbalancePercent(plan.before.filter((l) => active.has(l.id)));
      if (imbalance <= threshold) return;
      reasons.push(`imbalance ${imbalance}% is over the threshold ${threshold}%`);
    }
    if (plan.moves.length === 0) {
      this.lastEmptyFingerprint = fingerprint;
      this.logger.info({ reasons, unsatisfiable: plan.unsatisfiable }, 'nothing to move');
      await this.writeDoc(term, this.store.rebalance);
      return;
    }
    await this.startPlan(term, plan, reasons.join('; '), 0);
  }

  /** Registered brokers that take new replicas. */
  private activeBrokers(): number[] {
    return this.deps.membership
      .liveBrokers()
      .filter((b) => b.shuttingDown !== true && stateOf(this.store.states, b.id) === 'active')
      .map((b) => b.id);
  }

  private async advance(term: ControllerTerm, current: RebalanceRecord): Promise<void> {
    const { record, finished } = await advancePlan(current, this.executorPort(term), {
      movesPerBroker: this.store.config.movesPerBroker,
      targetGraceMs: this.options.targetGraceMs,
      leaderMovesPerStepMax: this.options.leaderMovesPerStepMax,
    });
    if (!finished) return;
    const progress = summaryOf(record, Date.now(), this.store.config.throttleBytesPerSec).progress;
    this.logger.info({ plan: record.id, status: record.status, progress }, 'plan finished');
    this.survey = undefined;
    if (record.status === 'completed') {
      this.restoreLeadersUntilMs = Date.now() + this.options.leaderRestoreMs;
      await this.restorePreferredLeaders();
    }
    if (record.status === 'superseded') {
      await this.planAgain(term, record.supersededBy ?? 'the plan was superseded', 0);
    } else if (
      record.status === 'completed' &&
      record.truncated &&
      record.round + 1 < this.options.planRoundsMax
    ) {
      await this.planAgain(term, `${record.reason} (continued)`, record.round + 1);
    }
  }

  private async planAgain(term: ControllerTerm, reason: string, round: number): Promise<void> {
    const plan = await this.plan();
    if (plan.moves.length > 0) await this.startPlan(term, plan, reason, round);
  }

  private async startPlan(
    term: ControllerTerm,
    plan: BalancePlan,
    reason: string,
    round: number,
  ): Promise<RebalanceRecord> {
    const record = newRecord(randomUUID(), reason, plan, Date.now(), round);
    record.truncated = plan.moves.length >= this.options.planMovesMax;
    this.lastEmptyFingerprint = undefined;
    await this.writeDoc(term, { current: record, last: this.store.rebalance.last });
    this.logger.info(
      {
        plan: record.id,
        reason,
        moves: record.moves.length,
        bytes: record.bytesTotal,
        unsatisfiable: record.unsatisfiable,
      },
      'plan started',
    );
    await this.advance(term, record);
    return this.store.rebalance.current ?? record;
  }

  private executorPort(term: ControllerTerm): ExecutorPort {
    const records = new Map(this.deps.controller.topicRecords().map((r) => [r.name, r]));
    const live = new Map(this.deps.membership.liveBrokers().map((b) => [b.id, b]));
    return {
      partition: (topic, index) => records.get(topic)?.partitions[index],
      reassign: async (topic, partition, replicas) =>
        issueError(await this.deps.controller.alterReassignments([{ topic, partition, replicas }])),
      electPreferred: async (topic, partition) =>
        issueError(
          await this.deps.controller.electLeaders('ELECTION_TYPE_PREFERRED', [
            { topic, partitions: [partition] },
          ]),
        ),
      persist: (record) => this.persist(term, record),
      canReceive: (id) => {
        const b = live.get(id);
        return b !== undefined && b.shuttingDown !== true && stateOf(this.store.states, id) === 'active';
      },
      isLive: (id) => live.has(id),
      goneForMs: (id) => (live.has(id) ? 0 : Date.now() - (this.goneSince.get(id) ?? Date.now())),
      now: () => Date.now(),
    };
  }

  private persist(term: ControllerTerm, record: RebalanceRecord): Promise<void> {
    const throttle = this.store.config.throttleBytesPerSec;
    if (!FINAL_STATUSES.includes(record.status)) {
      return this.writeDoc(term, { current: record, last: this.store.rebalance.last });
    }
    // After a cancel, automatic triggers wait for the situation to change (RebalanceDocument.quiet).
    if (record.status === 'cancelled') this.lastEmptyFingerprint = this.fingerprint();
    return this.writeDoc(term, { current: null, last: summaryOf(record, Date.now(), throttle) });
  }

  /** Writes the plan document with what the balancer keeps beside the plan (quiet, brokersSeen). */
  private writeDoc(term: ControllerTerm, doc: Pick<RebalanceDocument, 'current' | 'last'>): Promise<void> {
    return this.store.writeRebalance(term, {
      current: doc.current,
      last: doc.last,
      ...(this.lastEmptyFingerprint === undefined ? {} : { quiet: this.lastEmptyFingerprint }),
      brokersSeen: [...this.seen].sort((a, b) => a - b),
    });
  }

  /** Elects the preferred leaders that can lead and do not (preferred-leaders.ts). */
  private restorePreferredLeaders(): Promise<void> {
    const live = new Map(this.deps.membership.liveBrokers().map((b) => [b.id, b]));
    const up = (id: number) => live.has(id) && live.get(id)!.shuttingDown !== true;
    return restorePreferredLeaders({
      controller: this.deps.controller,
      canLead: (id) => up(id) && stateOf(this.store.states, id) !== 'leaving',
      max: this.options.leaderMovesPerStepMax,
      logger: this.logger,
    });
  }

  /** Brokers holding replicas or targeted by the plan: when each was first seen unregistered. */
  private trackGone(): void {
    const live = new Set(this.deps.membership.liveBrokers().map((b) => b.id));
    const watched = replicaHolders(this.deps.controller.topicRecords());
    for (const m of this.store.rebalance.current?.moves ?? [])
      if (m.kind === 'reassign') for (const b of m.to) watched.add(b);
    const now = Date.now();
    for (const id of watched) if (!live.has(id) && !this.goneSince.has(id)) this.goneSince.set(id, now);
    for (const id of [...this.goneSince.keys()])
      if (live.has(id) || !watched.has(id)) this.goneSince.delete(id);
  }

  private goneForMs(id: number): number {
    const since = this.goneSince.get(id);
    return since === undefined ? 0 : Date.now() - since;
  }

  private triggerReasons(joined: readonly LiveBroker[]): { reasons: string[]; imbalanceCheck: boolean } {
    const config = this.store.config;
    const records = this.deps.controller.topicRecords();
    const replicas = new Map<number, number>();
    for (const r of records)
      for (const a of r.partitions)
        for (const b of targetReplicas(a)) replicas.set(b, (replicas.get(b) ?? 0) + 1);
    const reasons = automaticTriggers({
      config,
      states: this.store.states,
      joined,
      replicas,
      goneForMs: (id) => this.goneForMs(id),
    });
    const now = Date.now();
    const imbalanceCheck =
      config.mode === 'continuous' &&
      now - this.lastImbalanceCheckMs >= this.options.imbalanceCheckIntervalMs;
    if (imbalanceCheck) this.lastImbalanceCheckMs = now;
    return { reasons, imbalanceCheck };
  }

  /**
   * The situation a plan is made from (a digest): an empty plan is not made again, nor a cancelled one
   * started again by itself, until it changes.
   */
  private fingerprint(): string {
    const live = this.deps.membership.liveBrokers().map((b) => [b.id, b.shuttingDown === true]);
    const assignment = this.deps.controller
      .topicRecords()
      .map((r) => [r.name, r.partitions.map(targetReplicas)]);
    const situation = JSON.stringify([live, [...this.store.states], assignment, this.store.config]);
    return createHash('sha256').update(situation).digest('base64url').slice(0, 32);
  }

  /** Plans from the current assignment, states and measured sizes. */
  private async plan(): Promise<BalancePlan> {
    const records = this.deps.controller.topicRecords();
    const live = this.deps.membership.liveBrokers();
    const config = this.store.config;
    const gone = new Set<number>();
    if (config.mode === 'continuous') {
      for (const id of this.goneSince.keys()) if (this.goneForMs(id) > config.goneBrokerGraceMs) gone.add(id);
    }
    const sizes = await this.sizes(live);
    return planBalance(balanceInput({ records, live, states: this.store.states, sizes, gone }), {
      maxMoves: this.options.planMovesMax,
    });
  }

  private async sizes(live: readonly LiveBroker[]): Promise<Map<string, number>> {
    const now = Date.now();
    if (this.survey !== undefined && now - this.survey.atMs < this.options.sizeSurveyMaxAgeMs)
      return this.survey.sizes;
    const sizes = await this.deps.sizes(live);
    this.survey = { atMs: now, sizes };
    return sizes;
  }

  // --- Admin requests (forwarded to the controller by any broker) ---------------------------------------

  async alterBrokerStates(
    changes: readonly BrokerStateChange[],
    validateOnly: boolean,
  ): Promise<BrokerBalanceView[]> {
    const views = await this.lane.run(async () => {
      const term = await this.termNow();
      const before = this.store.states;
      const next = applyStateChanges(before, changes);
      const records = this.deps.controller.topicRecords();
      const newlyLeaving = changes.some(
        (c) => c.state === 'leaving' && stateOf(before, c.brokerId) !== 'leaving',
      );
      if (newlyLeaving) {
        const known = [...this.deps.membership.liveBrokers().map((b) => b.id), ...replicaHolders(records)];
        assertEnoughBrokers(next, known, records);
      }
      if (validateOnly) return this.views(next);
      await this.store.writeStates(term, next);
      this.logger.info({ changes, states: Object.fromEntries(next) }, 'broker states changed');
      // A broker made active again joins anew: if it holds nothing when it is registered, it gets its share.
      const activated = changes.filter(
        (c) => c.state === 'active' && stateOf(before, c.brokerId) !== 'active',
      );
      for (const c of activated) this.seen.delete(c.brokerId);
      if (activated.length > 0) await this.writeDoc(term, this.store.rebalance);
      const current = this.store.rebalance.current;
      if (current?.status === 'running' && !sameStates(before, next)) {
        await this.persist(term, {
          ...current,
          status: 'superseding',
          supersededBy: 'broker states changed',
        });
      }
      return this.views(next);
    });
    this.kick();
    return views;
  }

  describeBalance(): Promise<BalanceDescription> {
    return this.lane.run(async () => {
      await this.termNow();
      return {
        brokers: await this.views(this.store.states),
        current: this.store.rebalance.current,
        last: this.store.rebalance.last,
        config: this.store.config,
      };
    });
  }

  rebalance(dryRun: boolean): Promise<RebalanceAnswer> {
    return this.lane.run(async () => {
      const term = await this.termNow();
      const current = this.store.rebalance.current;
      if (current !== null && !dryRun) {
        throw new TributaryError(
          'REBALANCE_IN_PROGRESS',
          `plan ${current.id} (${current.reason}) is ${current.status}: ${current.moves.filter((m) => m.state === 'done').length}/${current.moves.length} moves done`,
        );
      }
      this.survey = undefined;
      const plan = await this.plan();
      if (dryRun || plan.moves.length === 0) {
        return { record: newRecord(randomUUID(), 'rebalance requested', plan, Date.now()), planned: true };
      }
      return { record: await this.startPlan(term, plan, 'rebalance requested', 0), planned: false };
    });
  }

  cancelRebalance(): Promise<RebalanceRecord> {
    return this.lane.run(async () => {
      const term = await this.termNow();
      const current = this.store.rebalance.current;
      if (current === null) throw new TributaryError('NO_REBALANCE_IN_PROGRESS', 'no rebalance is running');
      const cancelling: RebalanceRecord = { ...current, status: 'cancelling' };
      await this.persist(term, cancelling);
      const { record } = await advancePlan(cancelling, this.executorPort(term), {
        movesPerBroker: this.store.config.movesPerBroker,
        targetGraceMs: this.options.targetGraceMs,
        leaderMovesPerStepMax: this.options.leaderMovesPerStepMax,
      });
      this.logger.info({ plan: record.id, status: record.status }, 'plan cancelled');
      return record;
    });
  }

  alterConfig(changes: Partial<BalancingConfig>, validateOnly: boolean): Promise<BalancingConfig> {
    return this.lane.run(async () => {
      const term = await this.termNow();
      const next = alterBalancingConfig(this.store.config, changes);
      if (validateOnly) return next;
      await this.store.writeConfig(term, next);
      this.lastEmptyFingerprint = undefined;
      this.logger.info({ config: next }, 'balancing config changed');
      return next;
    });
  }

  describeConfig(): Promise<BalancingConfig> {
    return this.lane.run(async () => {
      await this.termNow();
      return this.store.config;
    });
  }

  private async views(states: BrokerStates): Promise<BrokerBalanceView[]> {
    const records = this.deps.controller.topicRecords();
    const live = this.deps.membership.liveBrokers();
    const sizes = await this.sizes(live);
    return knownBrokerIds({ records, live, states }).map((id) => {
      const view: BrokerBalanceView = {
        id,
        state: stateOf(states, id),
        live: live.some((b) => b.id === id),
        rack: live.find((b) => b.id === id)?.rack ?? '',
        replicas: 0,
        leaders: 0,
        sizeBytes: 0,
      };
      for (const r of records) {
        r.partitions.forEach((a, p) => {
          if (a.leader === id) view.leaders++;
          if (!targetReplicas(a).includes(id)) return;
          view.replicas++;
          view.sizeBytes += sizes.get(sizeKey(r.name, p)) ?? 0;
        });
      }
      return view;
    });
  }
}

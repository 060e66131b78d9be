import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../kit/atomic-file.js';
import { backoffDelayMs } from '../../kit/backoff.js';
import { KeyedLanes } from '../../kit/serial-lane.js';
import { sleep } from '../../kit/sleep.js';
import { TributaryError } from '../../proto/errors.js';
import type { AlterPartitionRequest } from '../../proto/generated/tributary/v1/AlterPartitionRequest.js';
import type { AlterPartitionResponse__Output } from '../../proto/generated/tributary/v1/AlterPartitionResponse.js';
import type { ReplicationServiceClient } from '../../proto/generated/tributary/v1/ReplicationService.js';
import type { BrokerConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { logConfigFor } from '../metadata/topic-config.js';
import { type PartitionRegistration, type TopicRecord, unknownTopic } from '../metadata/topic-registry.js';
import type { LogManager } from '../storage/log-manager.js';
import { FailSafeMode, failSafeTimings } from './fail-safe.js';
import { leadershipAnswer, type ReplicaView } from './leadership-confirmations.js';
import { Partition, type PartitionState } from './partition.js';
import { ReplicaFetcher } from './replica-fetcher.js';
import type { LeaderReplicationThrottle, ReplicationThrottle } from './replication-throttle.js';

export interface ReplicaManagerDeps {
  readonly brokerId: number;
  /** This broker's current epoch (registration version), sent with its fetches and ISR changes. */
  brokerEpoch(): number;
  /**
   * Whether `epoch` is one of this process's broker epochs (the current one, or one whose session lapsed
   * and was renewed): leaderships granted to any other, such as an earlier process's, are void.
   */
  ownsBrokerEpoch(epoch: number): boolean;
  /** A ReplicationService client for a broker at its last known address, or undefined if never seen. */
  peer(brokerId: number): ReplicationServiceClient | undefined;
  /** Sends an ISR change to the controller (wherever it is) and answers its reply. */
  alterPartition(request: AlterPartitionRequest): Promise<AlterPartitionResponse__Output>;
  readonly logger: Logger;
  /** Paces the copies of partitions this broker is being added to by a move (absent: none). */
  readonly throttle?: ReplicationThrottle;
  /** Paces what this broker sends, as leader, to the replicas a move is adding (absent: none). */
  readonly leaderThrottle?: LeaderReplicationThrottle;
}

/** Where the high watermarks are checkpointed (one file for every partition, like Kafka's). */
const HW_CHECKPOINT_FILE = 'replication-offset-checkpoint';
const HW_CHECKPOINT_INTERVAL_MS = 5000;
/** An expansion with no answer is sent again after this back-off (bounded; it keeps asking until answered). */
const ISR_RETRY_BACKOFF = { baseMs: 100, maxMs: 2000, jitter: 0.2 } as const;
/** The file that ties a log directory to one incarnation of its topic. */
const PARTITION_METADATA_FILE = 'partition.metadata';

function stateOf(a: PartitionRegistration): PartitionState {
  return {
    leader: a.leader,
    leaderEpoch: a.leaderEpoch,
    partitionEpoch: a.partitionEpoch ?? 0,
    replicas: a.replicas,
    isr: a.isr,
  };
}

/**
 * The partitions this broker hosts, and their replication (docs/architecture.md, decision 4).
 *
 * It turns topic metadata (from the DCS watch) into open logs and roles: leader when the metadata names
 * this broker *in its current epoch*, follower otherwise, with one ReplicaFetcher per leader broker. A
 * partition's role changes and the appends of its fetcher run one at a time (a per-partition lane), so
 * a new epoch never interleaves with data fetched under the old one. As leader it asks the controller to
 * shrink the ISR when followers lag and to expand it when they catch up. High watermarks are
 * checkpointed every few seconds so a restarted broker starts from a sensible one.
 */
export class ReplicaManager {
  /** Emits 'role' (partition) whenever a hosted partition became leader, follower or offline. */
  readonly roles = new EventEmitter();
  private readonly partitions = new Map<string, Partition[]>();
  private readonly topicIds = new Map<string, string>();
  private readonly lanes = new KeyedLanes<Partition>();
  /**
   * One fetcher per leader for the partitions in sync or catching up as usual, and one per leader for the
   * partitions this broker is receiving in a move (keys `fetcherKey`): a move's copy is large and paced by
   * the throttle, and its fetches must not hold back the replication that acks=all waits on (each fetch
   * round appends everything it brought before the next one reports the follower's position).
   */
  private readonly fetchers = new Map<string, ReplicaFetcher>();
  private readonly isrInFlight = new Set<Partition>();
  private savedHighWatermarks = new Map<string, number>();
  private readonly timers: NodeJS.Timeout[] = [];
  /** Aborted at stop: ends the back-off sleeps of ISR changes being asked again. */
  private readonly stopping = new AbortController();
  private stopped = false;
  /** Leading on while the DCS session is lapsed, as long as the ISR confirms (docs/architecture.md). */
  private readonly failSafe: FailSafeMode;

  constructor(
    private readonly logs: LogManager,
    private readonly broker: BrokerConfig,
    private readonly deps: ReplicaManagerDeps,
  ) {
    this.failSafe = new FailSafeMode(
      {
        brokerId: deps.brokerId,
        partitions: () => this.all(),
        peer: (id) => deps.peer(id),
        stepDown: (p, leaderEpoch, why, still) => this.stepDown(p, leaderEpoch, why, still),
        logger: deps.logger,
      },
      failSafeTimings(broker.sessionTimeoutMs),
    );
  }

  private get logsDir(): string {
    return join(this.broker.dataDir, 'logs');
  }

  async loadHighWatermarks(): Promise<void> {
    try {
      const parsed = JSON.parse(await readFile(join(this.logsDir, HW_CHECKPOINT_FILE), 'utf8')) as Record<
        string,
        number
      >;
      this.savedHighWatermarks = new Map(Object.entries(parsed).filter(([, v]) => Number.isSafeInteger(v)));
    } catch {
      this.savedHighWatermarks = new Map();
    }
  }

  startBackgroundTasks(): void {
    const isrTimer = setInterval(() => this.checkIsr(), Math.max(50, this.broker.replicaLagTimeMaxMs / 4));
    const hwTimer = setInterval(() => void this.checkpointHighWatermarks(), HW_CHECKPOINT_INTERVAL_MS);
    isrTimer.unref();
    hwTimer.unref();
    this.timers.push(isrTimer, hwTimer);
  }

  /** Runs `fn` after every earlier state change or append of `partition`. */
  exclusive<T>(partition: Partition, fn: () => Promise<T>): Promise<T> {
    return this.lanes.run(partition, fn);
  }

  /**
   * Brings the hosted partitions of `topic` in line with its metadata: opens or creates the logs of
   * partitions assigned here, applies leader and follower roles, and drops replicas moved elsewhere.
   */
  async applyTopic(topic: TopicRecord): Promise<void> {
    if (this.stopped) return;
    if (topic.deleting) {
      await this.drop(topic.name);
      return;
    }
    const knownId = this.topicIds.get(topic.name);
    if (knownId !== undefined && knownId !== topic.id) await this.drop(topic.name);
    this.topicIds.set(topic.name, topic.id);
    const config = logConfigFor(topic.configs, this.broker);
    // Config changes (AlterConfigs) reach the open logs with the metadata, like every other change.
    this.logs.updateTopicConfig(topic.name, config);
    const hosted = this.partitions.get(topic.name) ?? [];
    this.partitions.set(topic.name, hosted);
    for (let i = 0; i < topic.partitions.length; i++) {
      const assignment = topic.partitions[i]!;
      const existing = hosted[i];
      if (!assignment.replicas.includes(this.deps.brokerId)) {
        if (existing !== undefined) await this.removeReplica(topic.name, i, existing);
        continue;
      }
      let partition = existing;
      if (partition === undefined) {
        const log = await this.openLog(topic, i, config);
        const saved = this.savedHighWatermarks.get(`${topic.name}/${i}`) ?? 0;
        partition = new Partition(topic.name, i, log, this.deps.brokerId, stateOf(assignment), saved);
        hosted[i] = partition;
      }
      const p = partition;
      this.deps.throttle?.mark(p, assignment.addingReplicas?.includes(this.deps.brokerId) === true);
      this.deps.leaderThrottle?.mark(p, assignment.addingReplicas ?? []);
      await this.exclusive(p, async () => this.applyState(p, assignment));
    }
  }

  /** Opens the log (creating it if needed), replacing one left by an earlier topic of the same name. */
  private async openLog(topic: TopicRecord, index: number, config: ReturnType<typeof logConfigFor>) {
    let log = this.logs.get(topic.name, index);
    if (log !== undefined) {
      const recorded = await readFile(join(log.dir, PARTITION_METADATA_FILE), 'utf8').catch(() => undefined);
      const id = recorded === undefined ? undefined : /topic_id: (\S+)/.exec(recorded)?.[1];
      if (id !== undefined && id !== topic.id) {
        this.deps.logger.warn(
          { topic: topic.name, partition: index, found: id, expected: topic.id },
          'removing the log of an earlier topic with the same name',
        );
        await this.logs.deletePartition(topic.name, index);
        log = undefined;
      }
    }
    log ??= await this.logs.create(topic.name, index, config);
    const path = join(log.dir, PARTITION_METADATA_FILE);
    const text = `version: 0\ntopic_id: ${topic.id}\n`;
    const current = await readFile(path, 'utf8').catch(() => undefined);
    if (current !== text) await writeFileAtomic(path, text);
    return log;
  }

  private applyState(p: Partition, a: PartitionRegistration): void {
    if (this.stopped) return;
    const next = stateOf(a);
    const cur = p.state;
    // Metadata only moves forward; an older document (a late event) changes nothing.
    if (next.leaderEpoch < cur.leaderEpoch) return;
    if (next.leaderEpoch === cur.leaderEpoch && next.partitionEpoch < cur.partitionEpoch) return;
    const granted =
      next.leader === this.deps.brokerId &&
      a.leaderBrokerEpoch !== undefined &&
      this.deps.ownsBrokerEpoch(a.leaderBrokerEpoch);
    // In fail-safe mode a leadership held on may change (its ISR), but none is taken up: a leadership
    // needs a live session, or a confirmation from before it lapsed (docs/architecture.md).
    const mine = granted && (!this.failSafe.active || (p.isLeader && p.leaderEpoch === next.leaderEpoch));
    if (mine) {
      this.detachFromFetcher(p);
      const was = p.isLeader ? p.leaderEpoch : -1;
      p.becomeLeader(next);
      if (was !== next.leaderEpoch) {
        this.roles.emit('role', p);
        this.deps.logger.info(
          {
            topic: p.topic,
            partition: p.index,
            leaderEpoch: next.leaderEpoch,
            isr: next.isr,
            hw: p.highWatermark,
          },
          'became leader',
        );
      }
      return;
    }
    // Led elsewhere, by an earlier process of this broker (wait for the controller to elect), or given
    // to this broker while its session is lapsed (wait until it registered again).
    const state = next.leader === this.deps.brokerId ? { ...next, leader: -1 } : next;
    const changed =
      p.role === 'leader' || p.state.leader !== state.leader || p.leaderEpoch !== state.leaderEpoch;
    p.becomeFollower(state);
    if (state.leader >= 0) this.attachToFetcher(p, state.leader);
    else this.detachFromFetcher(p);
    if (changed) {
      this.roles.emit('role', p);
      this.deps.logger.info(
        { topic: p.topic, partition: p.index, leader: state.leader, leaderEpoch: state.leaderEpoch },
        state.leader >= 0 ? 'became follower' : 'partition has no leader',
      );
    }
  }

  private fetcherKey(p: Partition, leader: number): string {
    return this.deps.throttle?.isMoving(p) === true ? `${leader}/moving` : String(leader);
  }

  private attachToFetcher(p: Partition, leader: number): void {
    const key = this.fetcherKey(p, leader);
    for (const [k, f] of this.fetchers) if (k !== key) f.remove(p);
    let fetcher = this.fetchers.get(key);
    if (fetcher === undefined) {
      fetcher = new ReplicaFetcher(leader, {
        brokerId: this.deps.brokerId,
        brokerEpoch: () => this.deps.brokerEpoch(),
        client: (id) => this.deps.peer(id),
        exclusive: (partition, fn) => this.exclusive(partition, fn),
        logger: this.deps.logger,
        maxWaitMs: this.broker.replicaFetchMaxWaitMs,
        maxBytes: this.broker.replicaFetchMaxBytes,
        partitionMaxBytes: this.broker.replicaFetchPartitionMaxBytes,
        backoffMs: this.broker.replicaFetchBackoffMs,
        ...(this.deps.throttle === undefined ? {} : { throttle: this.deps.throttle }),
      });
      this.fetchers.set(key, fetcher);
    }
    fetcher.add(p);
  }

  private detachFromFetcher(p: Partition): void {
    for (const f of this.fetchers.values()) f.remove(p);
  }

  private async removeReplica(topic: string, index: number, p: Partition): Promise<void> {
    await this.exclusive(p, async () => {
      this.detachFromFetcher(p);
      p.goOffline();
    });
    this.deps.throttle?.mark(p, false);
    this.deps.leaderThrottle?.mark(p, []);
    const hosted = this.partitions.get(topic);
    if (hosted !== undefined) delete hosted[index];
    await this.logs.deletePartition(topic, index);
    this.deps.logger.info({ topic, partition: index }, 'replica removed from this broker');
  }

  /** Stops hosting `topic` and deletes its logs. */
  async drop(topic: string): Promise<void> {
    const hosted = this.partitions.get(topic) ?? [];
    for (const p of hosted) {
      if (p === undefined) continue;
      await this.exclusive(p, async () => {
        this.detachFromFetcher(p);
        p.goOffline();
      });
      this.deps.throttle?.mark(p, false);
      this.deps.leaderThrottle?.mark(p, []);
    }
    this.partitions.delete(topic);
    this.topicIds.delete(topic);
    await this.logs.deleteTopic(topic);
  }

  /**
   * This broker lost its DCS session: fail-safe mode. Each leadership is kept only while every other
   * in-sync replica confirms it (ConfirmLeadership); one that is refused or goes unconfirmed steps down
   * (waiting acks=all requests fail with OUTCOME_UNKNOWN, new writes get LEADER_NOT_AVAILABLE), so no
   * write is acknowledged that another leader would not have. Synchronous: every leader's gate is closed
   * before this returns, until the first confirmations arrive.
   */
  enterFailSafe(): void {
    if (!this.stopped) this.failSafe.enter();
  }

  /** Registered again: every gate opens; the metadata, applied again next, decides the leaderships. */
  leaveFailSafe(): void {
    this.failSafe.leave();
  }

  get inFailSafe(): boolean {
    return this.failSafe.active;
  }

  /**
   * Follower side of ConfirmLeadership: per partition asked, this replica's view and a null refusal when
   * it follows `leaderId` at exactly that leader epoch, else why not (leadership-confirmations.ts; an
   * unhosted partition is UNKNOWN_TOPIC or UNKNOWN_PARTITION).
   */
  confirmLeadership(
    leaderId: number,
    asked: ReadonlyArray<{ topic: string; partition: number; leaderEpoch: number }>,
  ): Array<ReplicaView & { refusal: TributaryError | null }> {
    return asked.map((q) => {
      const p = this.partitions.get(q.topic)?.[q.partition];
      if (p === undefined) {
        const refusal = this.partitions.has(q.topic)
          ? new TributaryError('UNKNOWN_PARTITION', `${q.topic}/${q.partition} is not hosted here`)
          : unknownTopic(q.topic);
        return { role: 'offline', leader: -1, leaderEpoch: -1, refusal };
      }
      const view: ReplicaView = { role: p.role, leader: p.state.leader, leaderEpoch: p.leaderEpoch };
      return { ...view, refusal: leadershipAnswer(view, leaderId, q.leaderEpoch) };
    });
  }

  /** Fail-safe mode: stops leading `p` if it still leads it at `leaderEpoch` and `still()` holds. */
  private async stepDown(
    p: Partition,
    leaderEpoch: number,
    why: string,
    still: () => boolean,
  ): Promise<void> {
    const stepped = await this.exclusive(p, async () => {
      if (!p.isLeader || p.leaderEpoch !== leaderEpoch || !still()) return false;
      p.becomeFollower({ ...p.state, leader: -1 });
      return true;
    });
    if (!stepped) return;
    this.roles.emit('role', p);
    this.deps.logger.warn(
      { topic: p.topic, partition: p.index, leaderEpoch, reason: why },
      'fail-safe mode: stepped down',
    );
  }

  /** What paces this broker's sends, as leader, to replicas a move is adding (ReplicaFetch answers). */
  get leaderThrottle(): LeaderReplicationThrottle | undefined {
    return this.deps.leaderThrottle;
  }

  /** The hosted partition, whatever its role; precise errors when it is not hosted here. */
  partition(topic: string, index: number): Partition {
    const hosted = this.partitions.get(topic);
    if (hosted === undefined) throw unknownTopic(topic);
    const p = hosted[index];
    if (!Number.isInteger(index) || p === undefined) {
      throw new TributaryError(
        'UNKNOWN_PARTITION',
        `partition ${index} of topic ${JSON.stringify(topic)} is not hosted on broker ${this.deps.brokerId}`,
      );
    }
    return p;
  }

  /** Like partition(), but undefined rather than an error. */
  find(topic: string, index: number): Partition | undefined {
    return this.partitions.get(topic)?.[index];
  }

  all(): Partition[] {
    return [...this.partitions.values()].flat().filter((p) => p !== undefined);
  }

  /**
   * Leader side of a follower's fetch: asks the controller to add it to the ISR once it caught up. While
   * another ISR change of the partition is in flight nothing is marked or sent: the follower's next fetch
   * asks again (a follower that dies meanwhile never holds the high watermark).
   */
  followerCaughtUp(p: Partition, replicaId: number): void {
    if (!p.isLeader || p.state.isr.includes(replicaId)) return;
    void this.requestIsr(p, [...new Set([...p.state.isr, replicaId])], 'expand');
  }

  /** Leader: asks the controller to drop followers that lag in time or bytes. */
  private checkIsr(): void {
    const limits = {
      lagTimeMaxMs: this.broker.replicaLagTimeMaxMs,
      lagMaxBytes: this.broker.replicaLagMaxBytes,
    };
    for (const p of this.all()) {
      const lagging = p.laggingReplicas(limits);
      if (lagging.length === 0) continue;
      void this.requestIsr(
        p,
        p.state.isr.filter((r) => !lagging.includes(r)),
        'shrink',
      );
    }
  }

  /**
   * One ISR change of `p` at a time (Kafka's pending state). An expansion marks its new members pending
   * (they count toward the high watermark) only once it is really sent, and is sent again with a bounded
   * back-off while its outcome is unknown (no answer), until an answer or newer metadata resolves it or
   * the leadership ends (docs/architecture.md, "Pending ISR additions"). A shrink with no answer is not
   * repeated here: the next lag check asks again, and the larger ISR meanwhile is the safe one.
   */
  private async requestIsr(p: Partition, isr: number[], kind: 'expand' | 'shrink'): Promise<void> {
    if (this.isrInFlight.has(p) || this.stopped) return;
    this.isrInFlight.add(p);
    const leaderEpoch = p.leaderEpoch;
    const basedOn = p.state.partitionEpoch;
    const adds = isr.filter((r) => !p.state.isr.includes(r));
    p.markPendingIsrAdds(adds);
    // The change still stands for this leadership: nothing newer has resolved or replaced it.
    const current = (): boolean =>
      !this.stopped && p.isLeader && p.leaderEpoch === leaderEpoch && p.state.partitionEpoch === basedOn;
    try {
      for (let attempt = 1; ; attempt++) {
        const outcome = await this.sendIsrChange(p, isr, kind);
        if (outcome === 'refused' && p.state.partitionEpoch === basedOn) p.resolvePendingIsrAdds(adds);
        const stillAsking = outcome === 'unknown' && current() && adds.some((r) => p.hasPendingIsrAdd(r));
        if (!stillAsking) return;
        await sleep(backoffDelayMs(attempt, ISR_RETRY_BACKOFF), this.stopping.signal).catch(() => {});
        if (!current()) return;
      }
    } finally {
      this.isrInFlight.delete(p);
    }
  }

  /**
   * Sends one AlterPartition. 'done' and 'refused' are answers: the controller's state in the answer (the
   * new one, or on refusal the current one) is applied when it is newer, which resolves pending additions.
   * 'unknown': no answer (timeout, no controller), the change may or may not have happened.
   */
  private async sendIsrChange(
    p: Partition,
    isr: number[],
    kind: 'expand' | 'shrink',
  ): Promise<'done' | 'refused' | 'unknown'> {
    const before = p.state.isr;
    let res: AlterPartitionResponse__Output;
    try {
      res = await this.deps.alterPartition({
        broker_id: this.deps.brokerId,
        broker_epoch: String(this.deps.brokerEpoch()),
        topic: p.topic,
        partition: p.index,
        leader_epoch: p.leaderEpoch,
        partition_epoch: p.state.partitionEpoch,
        new_isr: isr,
      });
    } catch (err) {
      this.deps.logger.warn(
        { topic: p.topic, partition: p.index, kind, err: (err as Error).message },
        'ISR change failed',
      );
      return 'unknown';
    }
    if (res.error) {
      this.deps.logger.warn(
        {
          topic: p.topic,
          partition: p.index,
          kind,
          isr,
          error: res.error.reason,
          message: res.error.message,
        },
        'ISR change refused',
      );
    } else {
      this.deps.logger.info(
        { topic: p.topic, partition: p.index, kind, from: before, to: res.isr },
        'ISR changed',
      );
      // For the ISR shrink and expand counters (broker/metrics.ts).
      this.roles.emit('isr', kind, p);
    }
    await this.exclusive(p, async () => {
      if (p.isLeader && res.leader_epoch === p.leaderEpoch && res.partition_epoch > p.state.partitionEpoch) {
        p.becomeLeader({ ...p.state, isr: res.isr, partitionEpoch: res.partition_epoch });
      }
    });
    return res.error ? 'refused' : 'done';
  }

  async checkpointHighWatermarks(): Promise<void> {
    const out: Record<string, number> = {};
    for (const p of this.all()) out[`${p.topic}/${p.index}`] = p.highWatermark;
    const path = join(this.logsDir, HW_CHECKPOINT_FILE);
    try {
      await writeFileAtomic(path, JSON.stringify(out));
    } catch (err) {
      this.deps.logger.warn({ err }, 'cannot checkpoint high watermarks');
    }
  }

  /** Stops fetchers and timers and saves high watermarks (logs are closed by the LogManager). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopping.abort();
    await this.failSafe.close();
    for (const t of this.timers) clearInterval(t);
    await Promise.all([...this.fetchers.values()].map((f) => f.stop()));
    this.fetchers.clear();
    await this.checkpointHighWatermarks();
    for (const p of this.all()) p.goOffline();
  }
}

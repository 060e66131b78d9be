/**
 * A consumer's membership in its group (the client half of the KIP-848-style protocol; the coordinator's
 * half is broker/groups/consumer-group.ts). A loop heartbeats to the group's coordinator, reporting what
 * the consumer owns; each answer says what it should own now.
 *
 * - New partitions start at once, from the group's committed offsets (the consumer's reset policy when
 *   there are none); `onPartitionsAssigned` runs after.
 * - Partitions taken away are revoked at a safe point: when no record is in the application's hands
 *   (at once if the consumer is idle, else when the application asks for its next record). Their
 *   delivery stops, `onPartitionsRevoked` runs (the place to commit by hand), their positions are
 *   committed (with auto-commit on), and the next heartbeat, sent at once, confirms. Only then does the
 *   coordinator give them to another member.
 * - When the coordinator fences the member (UNKNOWN_MEMBER_ID, FENCED_MEMBER_EPOCH: its session timed
 *   out, or the coordinator moved), every partition is dropped without a commit (`onPartitionsLost`) and
 *   the member rejoins.
 * - Retriable failures (coordinator moving or loading) are retried with backoff; other failures stop the
 *   membership and are thrown to the application from its next read.
 * - `leave()` revokes everything (committing) and sends epoch -1, or -2 for a static member, which keeps
 *   its partitions at the coordinator until the session timeout so a restart does not rebalance.
 */
import { randomUUID } from 'node:crypto';
import type { TopicPartition } from './consumer-types.js';
import { reasonOf, TributaryClientError } from './errors.js';
import type { CommitMember, Groups } from './groups.js';

/** Called around assignment changes; the consumer waits for each before going on. */
export interface RebalanceListener {
  onPartitionsAssigned?(partitions: TopicPartition[]): Promise<void> | void;
  /** Before revoked partitions go to another member: commit what was processed here if auto-commit is off. */
  onPartitionsRevoked?(partitions: TopicPartition[]): Promise<void> | void;
  /** The member was fenced: these partitions may already be read by another member; do not commit. */
  onPartitionsLost?(partitions: TopicPartition[]): Promise<void> | void;
}

/** What the membership needs from its consumer. */
export interface MembershipHost {
  /** Starts reading these partitions from the group's committed offsets. */
  startFromCommitted(partitions: TopicPartition[]): Promise<void>;
  /** Stops handing out records of these partitions (before the revocation listener runs). */
  stopDelivery(partitions: TopicPartition[]): void;
  /** Commits the positions of these partitions if auto-commit is on. */
  commitRevoked(partitions: TopicPartition[], member: CommitMember): Promise<void>;
  /** Forgets these partitions. */
  drop(partitions: TopicPartition[]): void;
  /** True while no record handed to the application is still being processed. */
  idle(): boolean;
  /** A failure the application must see (thrown from its next read). */
  fail(error: TributaryClientError): void;
}

export interface MembershipOptions {
  groupId: string;
  topics: string[];
  instanceId: string;
  rack: string;
  rebalanceTimeoutMs: number;
  listener: RebalanceListener;
}

const FENCED = new Set(['UNKNOWN_MEMBER_ID', 'FENCED_MEMBER_EPOCH']);
const RETRY_BACKOFF_MS_MAX = 5000;
const DEFAULT_HEARTBEAT_MS = 3000;

export class GroupMembership {
  readonly memberId = randomUUID();
  private epoch = 0;
  private intervalMs = DEFAULT_HEARTBEAT_MS;
  /** topic\0partition -> partition, what this member reads now (revocations included until done). */
  private readonly owned = new Map<string, TopicPartition>();
  /** Partitions the coordinator took away, waiting for a safe point. */
  private revoking: TopicPartition[] = [];
  /** Keys of partitions queued for or in revocation (a heartbeat during a revocation must not queue them again). */
  private readonly revokingKeys = new Set<string>();
  private work: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private failures = 0;

  constructor(
    private readonly groups: Groups,
    private readonly host: MembershipHost,
    private readonly options: MembershipOptions,
  ) {}

  get member(): CommitMember {
    return { memberId: this.memberId, memberEpoch: this.epoch };
  }

  get hasPendingWork(): boolean {
    return this.revoking.length > 0;
  }

  start(): void {
    this.loop = this.run();
  }

  /**
   * Revokes what the coordinator took away (call at a safe point: no record in the application's hands).
   * Concurrent callers share one run.
   */
  runPendingWork(): Promise<void> {
    if (this.revoking.length === 0) return this.work ?? Promise.resolve();
    this.work ??= this.revoke().finally(() => {
      this.work = undefined;
    });
    return this.work;
  }

  /** Leaves the group: revokes and commits everything, then tells the coordinator (best effort). */
  async leave(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wake?.();
    await this.loop?.catch(() => {});
    await this.work?.catch(() => {});
    const all = [...this.owned.values()];
    if (all.length > 0 && this.epoch > 0) {
      this.host.stopDelivery(all);
      await this.callListener('onPartitionsRevoked', all);
      await this.host.commitRevoked(all, this.member).catch(() => {});
    }
    this.host.drop(all);
    this.owned.clear();
    if (this.epoch > 0) {
      await this.groups
        .heartbeat(this.options.groupId, this.request(this.options.instanceId === '' ? -1 : -2))
        .catch(() => {});
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let delayMs = this.intervalMs;
      try {
        await this.heartbeat();
        this.failures = 0;
        if (this.revoking.length > 0 && this.host.idle()) await this.runPendingWork();
        // A finished revocation is confirmed at once, so the coordinator can hand the partitions on.
        if (this.confirmNow) {
          this.confirmNow = false;
          delayMs = 0;
        }
      } catch (err) {
        const error =
          err instanceof TributaryClientError ? err : new TributaryClientError('INTERNAL', String(err));
        const reason = reasonOf(error);
        if (FENCED.has(reason)) {
          await this.lose();
          delayMs = 0;
        } else if (error.retriable) {
          this.failures++;
          delayMs = Math.min(RETRY_BACKOFF_MS_MAX, 100 * 2 ** Math.min(this.failures, 6));
        } else {
          this.host.fail(error);
          this.stopped = true;
          return;
        }
      }
      if (this.stopped) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, delayMs);
      });
      clearTimeout(this.timer);
      this.wake = undefined;
    }
  }

  private confirmNow = false;

  private request(epoch: number) {
    const byTopic = new Map<string, number[]>();
    for (const tp of this.owned.values())
      byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
    return {
      memberId: this.memberId,
      memberEpoch: epoch,
      instanceId: this.options.instanceId,
      rack: this.options.rack,
      subscribedTopics: this.options.topics,
      owned: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
      rebalanceTimeoutMs: this.options.rebalanceTimeoutMs,
    };
  }

  private async heartbeat(): Promise<void> {
    const answer = await this.groups.heartbeat(this.options.groupId, this.request(this.epoch));
    if (this.stopped) return;
    this.epoch = answer.memberEpoch;
    if (answer.heartbeatIntervalMs > 0) this.intervalMs = answer.heartbeatIntervalMs;
    const target = new Set<string>();
    const added: TopicPartition[] = [];
    for (const t of answer.assignment) {
      for (const partition of t.partitions) {
        const key = `${t.topic}\u0000${partition}`;
        target.add(key);
        if (!this.owned.has(key)) added.push({ topic: t.topic, partition });
      }
    }
    for (const [key, tp] of this.owned) {
      if (target.has(key) || this.revokingKeys.has(key)) continue;
      this.revokingKeys.add(key);
      this.revoking.push(tp);
    }
    if (added.length > 0) {
      await this.host.startFromCommitted(added);
      for (const tp of added) this.owned.set(`${tp.topic}\u0000${tp.partition}`, tp);
      await this.callListener('onPartitionsAssigned', added);
    }
  }

  private async revoke(): Promise<void> {
    const revoking = this.revoking;
    this.revoking = [];
    this.host.stopDelivery(revoking);
    await this.callListener('onPartitionsRevoked', revoking);
    await this.host.commitRevoked(revoking, this.member).catch(() => {});
    this.host.drop(revoking);
    for (const tp of revoking) {
      const key = `${tp.topic}\u0000${tp.partition}`;
      this.owned.delete(key);
      this.revokingKeys.delete(key);
    }
    this.confirmNow = true;
    this.wake?.();
  }

  /** Fenced: everything goes without a commit, and the member joins again with epoch 0. */
  private async lose(): Promise<void> {
    const all = [...this.owned.values()];
    this.revoking = [];
    this.revokingKeys.clear();
    this.host.drop(all);
    this.owned.clear();
    this.epoch = 0;
    if (all.length > 0) await this.callListener('onPartitionsLost', all);
  }

  private async callListener(
    which: 'onPartitionsAssigned' | 'onPartitionsRevoked' | 'onPartitionsLost',
    partitions: TopicPartition[],
  ): Promise<void> {
    const fn = this.options.listener[which];
    if (fn === undefined) return;
    try {
      await fn.call(this.options.listener, partitions);
    } catch (err) {
      this.host.fail(
        new TributaryClientError('INVALID_REQUEST', `rebalance listener ${which} failed: ${String(err)}`, {
          retriable: false,
          cause: err,
        }),
      );
    }
  }
}

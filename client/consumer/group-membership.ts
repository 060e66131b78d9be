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
import { backoffDelayMs, SerialLane } from '../../kit/index.js';
import { reasonOf, TributaryClientError } from '../errors.js';
import type { CommitMember, Groups } from '../groups.js';
import type { TopicPartition } from './types.js';

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
  /** A failure the membership handled itself (retried, or best effort): logged and emitted. */
  report(context: string, error: unknown): void;
  /** The assignment changed (after the listener ran). */
  rebalanced(type: 'assigned' | 'revoked' | 'lost', partitions: TopicPartition[]): void;
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
/** Failures no retry can mend: the membership stops and the application sees the error. */
const FATAL = new Set([
  'INVALID_REQUEST',
  'INVALID_GROUP_ID',
  'INVALID_TOPIC_NAME',
  'GROUP_MAX_SIZE_REACHED',
  // Refused credentials or rights (docs/client.md, "Security"): retrying changes nothing until an admin does.
  'AUTHENTICATION_REQUIRED',
  'AUTHENTICATION_FAILED',
  'UNSUPPORTED_AUTHENTICATION_MECHANISM',
  'GROUP_AUTHORIZATION_FAILED',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
]);
/** Heartbeat retries: 100 ms doubling, capped at 5 s (the n-th failure waits 100 * 2^min(n, 6) ms, capped). */
const HEARTBEAT_BACKOFF = { baseMs: 100, maxMs: 5000 };
const DEFAULT_HEARTBEAT_MS = 3000;
/** Longest `leave()` waits for the last commit and the leave heartbeat. */
const LEAVE_TIMEOUT_MS = 30_000;

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
  /**
   * Assignment changes (starting partitions, revoking them, listeners) run one after another on this
   * chain, apart from the heartbeat loop: a slow listener never delays a heartbeat.
   */
  private readonly lane = new SerialLane();
  private revokeQueued: Promise<void> | undefined;
  /** Bumped when the member is fenced: work started before must not touch what came after. */
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private stopped = false;
  private joinSent = false;
  private inListener = false;
  private loop: Promise<void> | undefined;
  private failures = 0;
  private confirmNow = false;
  private leaving: Promise<void> | undefined;

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
   * Resolves once the revocation (and any assignment work queued before it) is done.
   */
  runPendingWork(): Promise<void> {
    if (this.revoking.length === 0) return this.revokeQueued ?? Promise.resolve();
    this.revokeQueued ??= this.enqueue(() => this.revoke()).finally(() => {
      this.revokeQueued = undefined;
    });
    return this.revokeQueued;
  }

  /**
   * Leaves the group: revokes and commits everything, then tells the coordinator (best effort, bounded).
   * From inside a rebalance listener it cannot wait for itself: it stops the membership and leaves once
   * the listener returns.
   */
  leave(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    if (this.leaving === undefined) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, LEAVE_TIMEOUT_MS);
      });
      this.leaving = Promise.race([this.leaveSteps(), deadline])
        .catch((err: unknown) => this.host.report('leave', err))
        .finally(() => clearTimeout(timer));
    }
    return this.inListener ? Promise.resolve() : this.leaving;
  }

  private async leaveSteps(): Promise<void> {
    await this.loop?.catch((err: unknown) => this.host.report('heartbeat', err));
    // The lane's items report their failures where they were queued; idle() never rejects.
    await this.lane.idle();
    const all = [...this.owned.values()];
    if (all.length > 0 && this.epoch > 0) {
      this.host.stopDelivery(all);
      await this.callListener('onPartitionsRevoked', all);
      // A failed commit is reported by the committer (commitFailed); leaving goes on.
      await this.host.commitRevoked(all, this.member).catch(() => {});
      this.host.rebalanced('revoked', all);
    }
    this.host.drop(all);
    this.owned.clear();
    if (this.joinSent) {
      this.joinSent = false;
      // Epoch -1 even when no answer came back yet: the coordinator forgets a member it knows, and
      // ignores one it does not.
      const leaveEpoch = this.options.instanceId !== '' && this.epoch > 0 ? -2 : -1;
      await this.groups
        .heartbeat(this.options.groupId, this.request(leaveEpoch))
        .catch((err: unknown) => this.host.report('leave-heartbeat', err));
    }
  }

  private enqueue(fn: () => Promise<void>): Promise<void> {
    return this.lane.run(fn);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let delayMs: number;
      try {
        await this.heartbeat();
        this.failures = 0;
        if (this.revoking.length > 0 && this.host.idle()) {
          void this.runPendingWork().catch((err: unknown) => this.host.report('revoke', err));
        }
        // A finished revocation is confirmed at once, so the coordinator can hand the partitions on.
        delayMs = this.confirmNow ? 0 : this.intervalMs;
        this.confirmNow = false;
      } catch (err) {
        const error =
          err instanceof TributaryClientError ? err : new TributaryClientError('INTERNAL', String(err));
        const reason = reasonOf(error);
        if (FENCED.has(reason)) {
          await this.lose();
          delayMs = 0;
        } else if (FATAL.has(reason)) {
          await this.lose();
          this.host.fail(error);
          this.stopped = true;
          return;
        } else {
          // Everything else is retried with backoff: a coordinator moving, the transport, a static
          // instance id still held by our predecessor (until its session ends).
          this.failures++;
          delayMs = backoffDelayMs(Math.min(this.failures, 6) + 1, HEARTBEAT_BACKOFF);
          this.host.report('heartbeat', error);
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

  private request(epoch: number) {
    const byTopic = new Map<string, number[]>();
    for (const tp of this.owned.values()) {
      let list = byTopic.get(tp.topic);
      if (list === undefined) {
        list = [];
        byTopic.set(tp.topic, list);
      }
      list.push(tp.partition);
    }
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
    if (this.epoch === 0) this.joinSent = true;
    const generation = this.generation;
    const answer = await this.groups.heartbeat(this.options.groupId, this.request(this.epoch));
    if (generation !== this.generation) return;
    this.epoch = answer.memberEpoch;
    if (answer.heartbeatIntervalMs > 0) this.intervalMs = answer.heartbeatIntervalMs;
    if (this.stopped) return;
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
      for (const tp of added) this.owned.set(`${tp.topic}\u0000${tp.partition}`, tp);
      void this.enqueue(async () => {
        if (generation !== this.generation || this.stopped) return;
        try {
          await this.host.startFromCommitted(added);
        } catch (err) {
          this.host.fail(
            err instanceof TributaryClientError ? err : new TributaryClientError('INTERNAL', String(err)),
          );
          return;
        }
        await this.callListener('onPartitionsAssigned', added);
        this.host.rebalanced('assigned', added);
      }).catch((err: unknown) => this.host.report('assign', err));
    }
  }

  private async revoke(): Promise<void> {
    const generation = this.generation;
    const revoking = this.revoking;
    this.revoking = [];
    if (revoking.length === 0) return;
    this.host.stopDelivery(revoking);
    await this.callListener('onPartitionsRevoked', revoking);
    // A failed commit is reported by the committer (commitFailed); the revocation goes on.
    await this.host.commitRevoked(revoking, this.member).catch(() => {});
    this.host.rebalanced('revoked', revoking);
    // Fenced meanwhile: `lose` already dropped everything, and what is owned now came after.
    if (generation !== this.generation) return;
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
    this.generation++;
    const all = [...this.owned.values()];
    this.revoking = [];
    this.revokingKeys.clear();
    this.host.drop(all);
    this.owned.clear();
    this.epoch = 0;
    if (all.length > 0) {
      await this.callListener('onPartitionsLost', all);
      this.host.rebalanced('lost', all);
    }
  }

  private async callListener(
    which: 'onPartitionsAssigned' | 'onPartitionsRevoked' | 'onPartitionsLost',
    partitions: TopicPartition[],
  ): Promise<void> {
    const fn = this.options.listener[which];
    if (fn === undefined) return;
    this.inListener = true;
    try {
      await fn.call(this.options.listener, partitions);
    } catch (err) {
      this.host.fail(
        new TributaryClientError('INVALID_REQUEST', `rebalance listener ${which} failed: ${String(err)}`, {
          retriable: false,
          cause: err,
        }),
      );
    } finally {
      this.inListener = false;
    }
  }
}

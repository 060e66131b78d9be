import { TributaryError } from '../../proto/errors.js';
import type { AppendInfo } from '../storage/append-plan.js';
import type { PartitionLog, ReadResult } from '../storage/partition-log.js';

export type Role = 'leader' | 'follower' | 'offline';

/** The partition's state as the controller last wrote it (from the topic document in the DCS). */
export interface PartitionState {
  leader: number;
  leaderEpoch: number;
  partitionEpoch: number;
  replicas: readonly number[];
  isr: readonly number[];
}

/** What the leader knows of one follower (Kafka's Replica state). */
interface FollowerState {
  /** The follower's log end offset, from its last fetch; -1 until it fetched in this leader epoch. */
  leo: number;
  /** Last time the follower was fully caught up with the leader's log end (or leadership began). */
  lastCaughtUpMs: number;
  lastFetchMs: number;
  /** The leader's log end at the follower's previous fetch: reaching it counts as caught up then. */
  leaderLeoAtLastFetch: number;
}

export interface ReplicationLimits {
  /** A follower that has not caught up for this long leaves the ISR. */
  lagTimeMaxMs: number;
  /** A follower this many bytes behind the leader's log end leaves the ISR. */
  lagMaxBytes: number;
}

/** Cumulative bytes appended, sampled at append boundaries, to turn an offset lag into a byte lag. */
const BYTE_MARKS_MAX = 4096;

/**
 * One partition hosted on this broker: its log plus its replication state (docs/architecture.md, decision 4, Kafka's
 * model). As leader it appends, tracks each follower's fetch position, and moves the high watermark to
 * the smallest log end among the in-sync replicas; as follower its fetcher copies the leader's log and
 * the high watermark follows the leader's. Readers never see data at or past the high watermark.
 *
 * ISR changes are not made here: the leader asks the controller (see ReplicaManager), and the new ISR
 * arrives back through the metadata, like every other state change.
 */
export class Partition {
  private readonly waiters = new Set<() => void>();
  private hw: number;
  private st: PartitionState;
  private currentRole: Role;
  private leadingEpoch = -1;
  private readonly followers = new Map<number, FollowerState>();
  /**
   * Followers in an AlterPartition that was sent and not yet answered, with the partition epoch it was
   * based on: they count toward the high watermark already ("maximal ISR", Kafka's pending expansion),
   * because the controller may have added them already. An answer, or metadata with a newer partition
   * epoch, resolves them (docs/architecture.md, "Pending ISR additions"). Only the ReplicaManager marks
   * one, and only when it actually sends the request.
   */
  private readonly pendingIsrAdds = new Map<number, number>();
  /**
   * Fail-safe mode (docs/architecture.md, "Fail-safe mode"): while this broker's DCS session is lapsed,
   * its leadership holds only until this time (performance.now()), when the last confirmation of its
   * in-sync replicas runs out. Past it the high watermark stays, no acks=all write is answered and no
   * append is taken. Infinite while the session is live.
   */
  private confirmedUntilMs = Number.POSITIVE_INFINITY;
  private readonly byteMarks: Array<{ offset: number; bytes: number }> = [];
  private appendedBytes = 0;

  constructor(
    readonly topic: string,
    readonly index: number,
    readonly log: PartitionLog,
    readonly brokerId: number,
    state: PartitionState,
    highWatermark: number,
  ) {
    this.st = { ...state };
    this.hw = Math.min(Math.max(highWatermark, log.logStartOffset), log.logEndOffset);
    this.currentRole = 'offline';
    log.on('append', (info: AppendInfo) => {
      this.appendedBytes += info.sizeBytes;
      this.byteMarks.push({ offset: info.lastOffset + 1, bytes: this.appendedBytes });
      if (this.byteMarks.length > BYTE_MARKS_MAX) this.byteMarks.splice(0, this.byteMarks.length / 2);
      if (this.currentRole === 'leader') this.maybeAdvanceHighWatermark();
      this.wake();
    });
  }

  get role(): Role {
    return this.currentRole;
  }

  get isLeader(): boolean {
    return this.currentRole === 'leader';
  }

  get state(): Readonly<PartitionState> {
    return this.st;
  }

  get leaderEpoch(): number {
    return this.st.leaderEpoch;
  }

  get highWatermark(): number {
    return this.hw;
  }

  get logStartOffset(): number {
    return this.log.logStartOffset;
  }

  get logEndOffset(): number {
    return this.log.logEndOffset;
  }

  /** Takes the leadership given by `state` (leader === this broker). */
  becomeLeader(state: PartitionState, nowMs = Date.now()): void {
    const fresh = this.currentRole !== 'leader' || state.leaderEpoch !== this.leadingEpoch;
    this.st = { ...state };
    this.currentRole = 'leader';
    if (fresh) {
      this.leadingEpoch = state.leaderEpoch;
      // Mark where this epoch starts even before it writes (KIP-101), so followers find divergence.
      this.log.epochs.assign(state.leaderEpoch, this.log.nextOffset);
      this.followers.clear();
      this.pendingIsrAdds.clear();
      for (const r of state.replicas) {
        if (r === this.brokerId) continue;
        this.followers.set(r, { leo: -1, lastCaughtUpMs: nowMs, lastFetchMs: 0, leaderLeoAtLastFetch: -1 });
      }
    } else {
      for (const r of state.replicas) {
        if (r !== this.brokerId && !this.followers.has(r)) {
          this.followers.set(r, { leo: -1, lastCaughtUpMs: nowMs, lastFetchMs: 0, leaderLeoAtLastFetch: -1 });
        }
      }
      // The metadata answered every request based on an older partition epoch: whoever it added is in
      // `isr` now, whoever it did not add is not (and a request based on an older epoch can no longer land).
      for (const [r, basedOn] of this.pendingIsrAdds) {
        if (state.isr.includes(r) || basedOn < state.partitionEpoch) this.pendingIsrAdds.delete(r);
      }
    }
    this.maybeAdvanceHighWatermark();
    this.wake();
  }

  becomeFollower(state: PartitionState): void {
    this.st = { ...state };
    this.currentRole = state.leader < 0 ? 'offline' : 'follower';
    this.leadingEpoch = -1;
    this.followers.clear();
    this.pendingIsrAdds.clear();
    this.wake();
  }

  /**
   * Fail-safe mode: the leadership holds until `untilMs` (performance.now(); -Infinity: not confirmed at
   * all, Infinity: the DCS session is live again, no limit). Followers' positions recorded meanwhile count
   * as soon as it holds again.
   */
  confirmLeadershipUntil(untilMs: number): void {
    if (untilMs === this.confirmedUntilMs) return;
    this.confirmedUntilMs = untilMs;
    if (this.currentRole === 'leader') this.maybeAdvanceHighWatermark();
    this.wake();
  }

  /** Whether the leadership is confirmed now (always, outside fail-safe mode). */
  get leadershipConfirmed(): boolean {
    return this.confirmedUntilMs === Number.POSITIVE_INFINITY || performance.now() < this.confirmedUntilMs;
  }

  /** The replica was removed from this broker, or the broker is stopping. */
  goOffline(): void {
    this.currentRole = 'offline';
    this.leadingEpoch = -1;
    this.followers.clear();
    this.wake();
  }

  /** Leader: appends under the current epoch. acks=all callers then wait with waitForReplication. */
  append(
    batches: Buffer,
    opts: {
      nowMs?: number;
      minIsr?: number;
      maxDecompressedBytes?: number;
      onValidated?: (sections: readonly Buffer[]) => void;
    } = {},
  ): Promise<AppendInfo> {
    this.assertLeader();
    if (!this.leadershipConfirmed) {
      throw new TributaryError(
        'LEADER_NOT_AVAILABLE',
        `${this.topic}/${this.index}: broker ${this.brokerId} lost its DCS session and its in-sync replicas have not confirmed its leadership (fail-safe mode)`,
      );
    }
    if (opts.minIsr !== undefined && this.st.isr.length < opts.minIsr) {
      throw new TributaryError(
        'NOT_ENOUGH_REPLICAS',
        `${this.topic}/${this.index} has ${this.st.isr.length} in-sync replica(s) [${this.st.isr.join(', ')}], min.insync.replicas is ${opts.minIsr}`,
      );
    }
    return this.log.append(batches, {
      leaderEpoch: this.st.leaderEpoch,
      ...(opts.nowMs === undefined ? {} : { nowMs: opts.nowMs }),
      ...(opts.maxDecompressedBytes === undefined ? {} : { maxDecompressedBytes: opts.maxDecompressedBytes }),
      ...(opts.onValidated === undefined ? {} : { onValidated: opts.onValidated }),
    });
  }

  /**
   * acks=all: resolves once the high watermark passed `lastOffset` while the ISR had at least `minIsr`
   * members. Fails with OUTCOME_UNKNOWN if leadership is lost first, the broker stepping down or stopping
   * included (the records are written here and may or may not survive: never a definite-sounding
   * NOT_LEADER, docs/api.md), REQUEST_TIMED_OUT after `timeoutMs`.
   */
  async waitForReplication(
    lastOffset: number,
    minIsr: number,
    timeoutMs: number,
    signal?: AbortSignal,
    /** The leader epoch the records were appended under (default: the current one). */
    epoch = this.st.leaderEpoch,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.isLeader || this.st.leaderEpoch !== epoch) {
        throw new TributaryError(
          'OUTCOME_UNKNOWN',
          `leadership of ${this.topic}/${this.index} changed before offset ${lastOffset} was replicated: it may or may not be kept`,
        );
      }
      // In fail-safe mode an unconfirmed leader answers nothing: it waits for a confirmation or steps down.
      if (this.hw > lastOffset && this.leadershipConfirmed) {
        if (this.st.isr.length < minIsr) {
          throw new TributaryError(
            'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
            `${this.topic}/${this.index} has ${this.st.isr.length} in-sync replica(s), min.insync.replicas is ${minIsr}`,
          );
        }
        return;
      }
      if (signal?.aborted) {
        // The call ended (cancelled by the client, or the broker is stopping): the records are written
        // here and may yet be replicated, so the answer, if anyone still hears it, cannot be definite.
        throw new TributaryError(
          'OUTCOME_UNKNOWN',
          `the request ended before offset ${lastOffset} of ${this.topic}/${this.index} was replicated: it may or may not be kept`,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new TributaryError(
          'REQUEST_TIMED_OUT',
          `offset ${lastOffset} of ${this.topic}/${this.index} was not replicated to the ISR within ${timeoutMs} ms`,
        );
      }
      await this.waitForChange(left, signal);
    }
  }

  /**
   * Leader side of a follower's fetch at `fetchOffset`: records its position and moves the high watermark.
   * Returns true when the follower is out of the ISR but has caught up (the caller asks to add it).
   */
  recordFollowerFetch(replicaId: number, fetchOffset: number, nowMs = Date.now()): boolean {
    const f = this.followers.get(replicaId);
    if (f === undefined || !this.isLeader) return false;
    const leo = this.log.logEndOffset;
    if (fetchOffset >= leo) f.lastCaughtUpMs = nowMs;
    else if (f.leaderLeoAtLastFetch >= 0 && fetchOffset >= f.leaderLeoAtLastFetch)
      f.lastCaughtUpMs = f.lastFetchMs;
    f.leo = fetchOffset;
    f.lastFetchMs = nowMs;
    f.leaderLeoAtLastFetch = leo;
    this.maybeAdvanceHighWatermark();
    if (this.st.isr.includes(replicaId) || this.pendingIsrAdds.has(replicaId)) return false;
    // Caught up: at the high watermark, and holding everything of the current epoch's start.
    const epochStart = this.log.epochs.latest?.startOffset ?? 0;
    return fetchOffset >= this.hw && fetchOffset >= epochStart;
  }

  /** Leader: `replicas` are in an AlterPartition about to be sent, based on the current partition epoch. */
  markPendingIsrAdds(replicas: readonly number[]): void {
    if (!this.isLeader) return;
    for (const r of replicas)
      if (!this.st.isr.includes(r)) this.pendingIsrAdds.set(r, this.st.partitionEpoch);
  }

  /** Leader: the controller definitely did not add `replicas` (a refusal at an unchanged partition epoch). */
  resolvePendingIsrAdds(replicas: readonly number[]): void {
    for (const r of replicas) this.pendingIsrAdds.delete(r);
    if (this.isLeader) this.maybeAdvanceHighWatermark();
  }

  /** Followers whose addition to the ISR is asked and not yet answered. */
  pendingIsrAdditions(): number[] {
    return [...this.pendingIsrAdds.keys()];
  }

  hasPendingIsrAdd(replicaId: number): boolean {
    return this.pendingIsrAdds.has(replicaId);
  }

  /** Leader: ISR followers that fell behind in time or bytes (candidates to shrink the ISR). */
  laggingReplicas(limits: ReplicationLimits, nowMs = Date.now()): number[] {
    if (!this.isLeader) return [];
    const leo = this.log.logEndOffset;
    const out: number[] = [];
    for (const r of this.st.isr) {
      if (r === this.brokerId) continue;
      const f = this.followers.get(r);
      if (f === undefined) continue;
      const behindInTime = nowMs - f.lastCaughtUpMs > limits.lagTimeMaxMs;
      const behindInBytes = f.leo >= 0 && f.leo < leo && this.bytesBetween(f.leo, leo) > limits.lagMaxBytes;
      if (behindInTime || behindInBytes) out.push(r);
    }
    return out;
  }

  /** Follower: the leader's high watermark bounds ours. */
  updateFollowerHighWatermark(leaderHw: number): void {
    const next = Math.min(leaderHw, this.log.logEndOffset);
    if (next > this.hw) {
      this.hw = next;
      this.wake();
    }
  }

  /** After a truncation the high watermark cannot stay above the log end. */
  clampHighWatermark(): void {
    this.hw = Math.min(this.hw, this.log.logEndOffset);
    if (this.hw < this.log.logStartOffset) this.hw = this.log.logStartOffset;
  }

  /**
   * Reads committed data only: nothing at or past the high watermark. An offset between the high
   * watermark and the log end is not an error (a new leader's high watermark can trail the old one's for
   * a moment): it reads nothing yet. Errors arrive as rejections.
   */
  async read(offset: number, maxBytes: number): Promise<ReadResult> {
    const hw = this.hw;
    if (offset > this.log.logEndOffset || offset < this.log.logStartOffset) {
      throw new TributaryError(
        'OFFSET_OUT_OF_RANGE',
        `offset ${offset} is outside [${this.log.logStartOffset}, ${this.log.logEndOffset}] for ${this.topic}/${this.index}`,
      );
    }
    if (offset >= hw) {
      return {
        batches: Buffer.alloc(0),
        logStartOffset: this.log.logStartOffset,
        logEndOffset: this.log.logEndOffset,
      };
    }
    return this.log.read(offset, maxBytes, { maxOffset: hw });
  }

  /**
   * Resolves on the next change (an append, a high-watermark move, a role change), or when `timeoutMs`
   * passes or `signal` aborts. Callers re-check their condition afterwards.
   */
  waitForChange(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted || timeoutMs <= 0) {
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private wake(): void {
    if (this.waiters.size === 0) return;
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const w of waiting) w();
  }

  private assertLeader(): void {
    if (this.currentRole === 'leader') return;
    if (this.st.leader < 0) {
      throw new TributaryError('LEADER_NOT_AVAILABLE', `${this.topic}/${this.index} has no leader right now`);
    }
    throw new TributaryError(
      'NOT_LEADER',
      `broker ${this.brokerId} does not lead ${this.topic}/${this.index} (leader: ${this.st.leader})`,
    );
  }

  /**
   * Leader: the high watermark is the smallest log end among the ISR (and followers being added). It
   * stays while the leadership is not confirmed (fail-safe mode).
   */
  private maybeAdvanceHighWatermark(): void {
    if (!this.leadershipConfirmed) return;
    let min = this.log.logEndOffset;
    for (const r of this.st.isr) {
      if (r === this.brokerId) continue;
      const f = this.followers.get(r);
      // A member that has not fetched in this epoch holds the high watermark where it is.
      if (f === undefined || f.leo < 0) return;
      if (f.leo < min) min = f.leo;
    }
    for (const r of this.pendingIsrAdds.keys()) {
      const f = this.followers.get(r);
      if (f !== undefined && f.leo >= 0 && f.leo < min) min = f.leo;
    }
    if (min > this.hw) {
      this.hw = min;
      this.wake();
    }
  }

  private bytesBetween(from: number, to: number): number {
    // Marks cover only recent appends; an older position counts from the first mark (a lower bound), and
    // the time limit catches a follower that is that far behind.
    const marks = this.byteMarks;
    if (marks.length === 0) return 0;
    const at = (offset: number) => {
      let lo = 0;
      let hi = marks.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (marks[mid]!.offset <= offset) lo = mid;
        else hi = mid - 1;
      }
      return marks[lo]!.offset <= offset ? marks[lo]!.bytes : marks[0]!.bytes;
    };
    return at(to) - at(from);
  }
}

import { abortable, sleep } from '../../kit/sleep.js';
import type { ConfirmLeadershipPartition } from '../../proto/generated/tributary/v1/ConfirmLeadershipPartition.js';
import type { ConfirmLeadershipResponse__Output } from '../../proto/generated/tributary/v1/ConfirmLeadershipResponse.js';
import type { ReplicationServiceClient } from '../../proto/generated/tributary/v1/ReplicationService.js';
import type { Logger } from '../logger.js';
import { isFencingRefusal, LeadershipConfirmations } from './leadership-confirmations.js';
import type { Partition } from './partition.js';
import { callPeer } from './peers.js';

/** Partitions asked about in one ConfirmLeadership call, at most (the rest go unconfirmed and stop). */
export const CONFIRM_PARTITIONS_MAX = 20_000;

export interface FailSafeTimings {
  /** From the start of one round of questions to the next. */
  readonly refreshMs: number;
  /** How long a confirmation counts, from its question's send time. */
  readonly windowMs: number;
  /** Deadline of each question. */
  readonly timeoutMs: number;
}

/**
 * A round every third of the session timeout, each question answered within that, each confirmation good
 * for two rounds: one lost answer is covered by the previous one, two are not; the window stays shorter
 * than the session timeout.
 */
export function failSafeTimings(sessionTimeoutMs: number): FailSafeTimings {
  const refreshMs = Math.max(100, Math.floor(sessionTimeoutMs / 3));
  return { refreshMs, windowMs: 2 * refreshMs, timeoutMs: refreshMs };
}

export interface FailSafeDeps {
  readonly brokerId: number;
  /** Every partition hosted here (the leaders among them are the ones fail-safe keeps or stops). */
  partitions(): Partition[];
  /** A client for broker `id` at its last known address; undefined if it was never seen. */
  peer(id: number): ReplicationServiceClient | undefined;
  /**
   * Stops leading `p` if it still leads it at `leaderEpoch` and `still()` holds when its turn in the
   * partition's lane comes (waiters get OUTCOME_UNKNOWN).
   */
  stepDown(p: Partition, leaderEpoch: number, why: string, still: () => boolean): Promise<void>;
  readonly logger: Logger;
}

/**
 * Fail-safe mode (docs/architecture.md, "Fail-safe mode"; Patroni's failsafe_mode is the model): while
 * this broker's DCS session is lapsed, it keeps each leadership it holds only while every other in-sync
 * replica confirms directly that it still follows this broker at that leader epoch and leads nothing
 * itself. Nobody can elect anybody without the DCS, so the only other leader there can be is one a
 * controller elected where the DCS was still reachable, and the followers that saw it refuse.
 *
 * - Entering (the session was found lost) closes every leader's gate at once (Partition.confirmLeadershipUntil):
 *   no append, no high watermark move, no acks=all answer until the first confirmations arrive.
 * - Every `refreshMs`, one round: one ConfirmLeadership call per peer broker, carrying every partition led
 *   here that it hosts a replica of (at most CONFIRM_PARTITIONS_MAX), with a deadline of `timeoutMs`. At
 *   most one call per peer is in flight; nothing queues.
 * - After each answer, and when the earliest confirmation runs out, each leadership is re-judged: its gate
 *   is set to when its confirmations run out (LeadershipConfirmations), and it steps down when a required
 *   replica (ISR and pending additions) refused, any replica refused because it saw a newer epoch, or a
 *   required confirmation is missing past its window (the first round gets `timeoutMs` to answer).
 * - Leaving (the broker registered again) lifts every gate; stepped-down partitions wait for the metadata.
 *
 * A leadership that steps down here stays down for the rest of the episode: it is the DCS, once back,
 * that gives it back (the controller keeps a re-registered leader, docs/architecture.md).
 */
export class FailSafeMode {
  private readonly book: LeadershipConfirmations;
  private enteredAtMs: number | undefined;
  /** Counts enter() and leave(): a step-down decided in one episode is void in the next. */
  private episode = 0;
  private stopRounds: AbortController | undefined;
  private rounds: Promise<void> = Promise.resolve();
  private judgeTimer: NodeJS.Timeout | undefined;
  /** Peers whose failure to answer was logged in this episode (one line per peer). */
  private readonly reported = new Set<number>();
  private reportedTooMany = false;

  constructor(
    private readonly deps: FailSafeDeps,
    readonly timings: FailSafeTimings,
  ) {
    if (!(timings.windowMs > timings.refreshMs && timings.timeoutMs <= timings.refreshMs)) {
      throw new Error(
        `fail-safe timings must overlap (window > refresh >= timeout): ${JSON.stringify(timings)}`,
      );
    }
    this.book = new LeadershipConfirmations(timings.windowMs);
  }

  get active(): boolean {
    return this.enteredAtMs !== undefined;
  }

  /** The DCS session was lost: keep leading only while confirmed. Synchronous up to the first question. */
  enter(): void {
    if (this.active) return;
    this.episode++;
    this.enteredAtMs = performance.now();
    this.book.clear();
    this.reported.clear();
    this.reportedTooMany = false;
    const leaders = this.leaders();
    for (const p of leaders) p.confirmLeadershipUntil(Number.NEGATIVE_INFINITY);
    this.deps.logger.warn(
      { leaderships: leaders.length, ...this.timings },
      'fail-safe mode: leading on only while every in-sync replica confirms',
    );
    const stop = new AbortController();
    this.stopRounds = stop;
    this.rounds = this.run(stop.signal);
  }

  /** Registered again: the metadata decides from now on. */
  leave(): void {
    if (!this.active) return;
    this.episode++;
    this.enteredAtMs = undefined;
    this.stopRounds?.abort();
    clearTimeout(this.judgeTimer);
    this.book.clear();
    for (const p of this.deps.partitions()) p.confirmLeadershipUntil(Number.POSITIVE_INFINITY);
    this.deps.logger.info('fail-safe mode ended: registered in the DCS again');
  }

  async close(): Promise<void> {
    this.leave();
    await this.rounds;
  }

  private leaders(): Partition[] {
    return this.deps.partitions().filter((p) => p.isLeader);
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const startedMs = performance.now();
      await this.round(startedMs, signal);
      const left = startedMs + this.timings.refreshMs - performance.now();
      await sleep(Math.max(0, left), signal).catch(() => {});
    }
  }

  /** One question per peer broker, about every partition led here that it hosts. */
  private async round(sentAtMs: number, signal: AbortSignal): Promise<void> {
    const byPeer = new Map<number, Partition[]>();
    for (const p of this.leaders()) {
      for (const r of p.state.replicas) {
        if (r === this.deps.brokerId) continue;
        const list = byPeer.get(r) ?? [];
        byPeer.set(r, list);
        list.push(p);
      }
    }
    await Promise.all([...byPeer].map(([peer, led]) => this.ask(peer, led, sentAtMs, signal)));
    if (!signal.aborted) this.judge();
  }

  private async ask(peer: number, led: Partition[], sentAtMs: number, signal: AbortSignal): Promise<void> {
    if (led.length > CONFIRM_PARTITIONS_MAX && !this.reportedTooMany) {
      this.reportedTooMany = true;
      this.deps.logger.warn(
        { peer, partitions: led.length, max: CONFIRM_PARTITIONS_MAX },
        'fail-safe mode: too many partitions to confirm with one broker; the rest will step down',
      );
    }
    const asked: ConfirmLeadershipPartition[] = led
      .slice(0, CONFIRM_PARTITIONS_MAX)
      .map((p) => ({ topic: p.topic, partition: p.index, leader_epoch: p.leaderEpoch }));
    const client = this.deps.peer(peer);
    let res: ConfirmLeadershipResponse__Output;
    try {
      if (client === undefined) throw new Error('its address was never known');
      // Leaving the mode ends the wait at once; the call itself ends at its deadline, unheard.
      res = await abortable(
        callPeer<ConfirmLeadershipResponse__Output>(
          client.ConfirmLeadership.bind(client) as never,
          { leader_id: this.deps.brokerId, partitions: asked },
          this.timings.timeoutMs,
        ),
        signal,
      );
    } catch (err) {
      if (!signal.aborted && !this.reported.has(peer)) {
        this.reported.add(peer);
        this.deps.logger.warn(
          { peer, err: (err as Error).message },
          'fail-safe mode: a replica broker does not answer; its partitions stop when its last confirmation runs out',
        );
      }
      return;
    }
    if (signal.aborted) return;
    for (const [i, q] of asked.entries()) {
      const a = res.partitions[i];
      if (a === undefined || a.topic !== q.topic || a.partition !== q.partition) continue;
      const key = keyOf(q.topic, q.partition!);
      if (a.error) {
        const reason = a.error.reason;
        const why = `${reason}: ${a.error.message}`;
        this.book.refused(key, q.leader_epoch!, peer, why, isFencingRefusal(reason));
      } else {
        this.book.confirmed(key, q.leader_epoch!, peer, sentAtMs);
      }
    }
    this.judge();
  }

  /**
   * Sets every leader's gate from its confirmations and steps down those that must stop; re-arms itself
   * for the moment the earliest remaining confirmation runs out.
   */
  private judge(): void {
    const enteredAtMs = this.enteredAtMs;
    if (enteredAtMs === undefined) return;
    clearTimeout(this.judgeTimer);
    const nowMs = performance.now();
    const leaders = this.leaders();
    this.book.retain(new Set(leaders.map((p) => keyOf(p.topic, p.index))));
    let nextMs = Number.POSITIVE_INFINITY;
    const episode = this.episode;
    const still = () => this.episode === episode;
    for (const p of leaders) {
      const key = keyOf(p.topic, p.index);
      const epoch = p.leaderEpoch;
      const required = requiredConfirmers(p);
      const untilMs = this.book.confirmedUntil(key, epoch, required);
      p.confirmLeadershipUntil(untilMs);
      const deadlineMs = Math.max(untilMs, enteredAtMs + this.timings.timeoutMs);
      const stop = this.book.stopReason(key, epoch, required);
      if (stop !== undefined || nowMs >= deadlineMs) {
        const why =
          stop ??
          `no confirmation from broker(s) ${this.book.missing(key, epoch, required, nowMs).join(', ')} within ${this.timings.windowMs} ms`;
        void this.deps.stepDown(p, epoch, why, still);
      } else if (deadlineMs < nextMs) {
        nextMs = deadlineMs;
      }
    }
    if (Number.isFinite(nextMs)) {
      this.judgeTimer = setTimeout(() => this.judge(), Math.max(1, nextMs - nowMs));
      this.judgeTimer.unref();
    }
  }
}

/** The replicas whose confirmation a leadership needs: the ISR and pending additions, but this broker. */
function requiredConfirmers(p: Partition): number[] {
  return [...new Set([...p.state.isr, ...p.pendingIsrAdditions()])].filter((r) => r !== p.brokerId);
}

function keyOf(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

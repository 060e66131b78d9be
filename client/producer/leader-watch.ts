/**
 * The producer's watch on requests in flight to a leader that was replaced (docs/client-producer.md,
 * "Leader changes").
 *
 * A leader that stops answering without closing its connection (SIGSTOP, a long GC pause, a frozen VM)
 * would hold its requests until their deadline (the request timeout plus the broker's acks timeout, about
 * 30 s), though the cluster elects a new leader in a few seconds. So: once a request has been in flight
 * longer than twice the usual (the smoothed latency of recent requests, bounded to
 * [STALLED_MIN_MS, STALLED_MAX_MS]), the watch refreshes the metadata of its topics (a bounded call, at
 * most once per topic per that bound). Every partition of an in-flight request whose metadata now shows
 * another leader, or a higher leader epoch, than when it was sent is handed to `onLeaderChanged`: the
 * sender gives up on that partition's part of the request and sends its batches again to the new leader.
 * With idempotence that is safe: the same producer id, epoch and sequence, so a copy the new leader
 * already has is deduplicated, and the old leader, if it wakes, is fenced by the new leader epoch.
 */
import type { Cluster } from '../cluster.js';
import type { ProducerBatch } from './accumulator.js';

/** One produce request on its way, as the sender tracks it. */
export interface InFlightRequest {
  readonly brokerId: number;
  readonly sentMs: number;
  /** The request's batches per partition key. */
  readonly byPartition: ReadonlyMap<string, ProducerBatch[]>;
  /** The leader epoch the metadata showed for each partition when the request was sent. */
  readonly leaderEpochs: ReadonlyMap<string, number>;
  /** Partitions given up on (their leader changed): their answer, whenever it comes, is ignored. */
  readonly abandoned: Set<string>;
}

/** How often in-flight requests are looked at. */
const CHECK_INTERVAL_MS = 250;
/** Bounds of "stalled": twice the smoothed latency, but never below or above these. */
const STALLED_MIN_MS = 1000;
const STALLED_MAX_MS = 5000;
/** Weight of a new latency sample in the smoothed latency. */
const LATENCY_WEIGHT = 0.2;

export class LeaderWatch {
  private readonly requests = new Set<InFlightRequest>();
  private readonly refreshedAtMs = new Map<string, number>();
  private latencyMs = STALLED_MIN_MS / 2;
  private timer: NodeJS.Timeout | null = null;
  private checking = false;
  private stopped = false;

  constructor(
    private readonly cluster: Cluster,
    /** The leader of `key` changed while `request` was in flight to its old leader. */
    private readonly onLeaderChanged: (request: InFlightRequest, key: string) => void,
  ) {}

  /** How long a request may be in flight before the watch refreshes its topics' metadata. */
  get stalledAfterMs(): number {
    return Math.min(STALLED_MAX_MS, Math.max(STALLED_MIN_MS, Math.round(2 * this.latencyMs)));
  }

  add(request: InFlightRequest): void {
    if (this.stopped) return;
    this.requests.add(request);
    if (this.timer === null) {
      this.timer = setInterval(() => void this.check(), CHECK_INTERVAL_MS);
      this.timer.unref();
    }
  }

  /** The request was answered (or failed): it leaves the watch, and its latency counts. */
  settled(request: InFlightRequest): void {
    if (!this.requests.delete(request)) return;
    if (request.abandoned.size === 0) {
      this.latencyMs += LATENCY_WEIGHT * (Date.now() - request.sentMs - this.latencyMs);
    }
    if (this.requests.size === 0) this.clearTimer();
  }

  stop(): void {
    this.stopped = true;
    this.requests.clear();
    this.clearTimer();
  }

  private clearTimer(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private async check(): Promise<void> {
    if (this.checking || this.stopped) return;
    this.checking = true;
    try {
      const now = Date.now();
      const boundMs = this.stalledAfterMs;
      const topics = new Set<string>();
      for (const r of this.requests) {
        if (now - r.sentMs < boundMs) continue;
        for (const batches of r.byPartition.values()) {
          const topic = batches[0]!.topic;
          if (now - (this.refreshedAtMs.get(topic) ?? 0) >= boundMs) topics.add(topic);
        }
      }
      if (topics.size === 0) return;
      for (const t of topics) this.refreshedAtMs.set(t, now);
      // Per-topic errors come back as values; a failed call (no broker reachable) waits for the next round.
      await this.cluster.metadata([...topics], { timeoutMs: boundMs }).catch(() => undefined);
      this.compare(topics);
    } finally {
      this.checking = false;
    }
  }

  /** Hands over every in-flight partition of `topics` whose leader or leader epoch moved on. */
  private compare(topics: ReadonlySet<string>): void {
    for (const r of [...this.requests]) {
      for (const [key, batches] of r.byPartition) {
        const { topic, partition } = batches[0]!;
        if (r.abandoned.has(key) || !topics.has(topic)) continue;
        const meta = this.cluster.cachedPartition(topic, partition);
        if (meta === undefined || meta.leader < 0) continue;
        const sentEpoch = r.leaderEpochs.get(key) ?? -1;
        if (meta.leader !== r.brokerId || meta.leaderEpoch > sentEpoch) this.onLeaderChanged(r, key);
      }
    }
  }
}

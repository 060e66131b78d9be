import { TributaryError } from '../../proto/errors.js';
import type { Role } from './partition.js';

/**
 * The bookkeeping of fail-safe mode (docs/architecture.md, "Fail-safe mode"): which replica confirmed
 * which partition led here, at which leader epoch, and when the question was sent. Pure: times come in as
 * arguments (performance.now() in the broker), so expiry is tested without waiting.
 *
 * A confirmation counts from the moment its question was *sent* (not answered), for `windowMs`: the
 * replica's answer was true at some moment after the send, so counting from the send is conservative,
 * as the DCS session clock is (broker/dcs/lease-session.ts). A partition is confirmed until the earliest
 * of its required replicas' confirmations runs out; a replica that never confirmed it at this leader epoch
 * leaves it unconfirmed. A refusal voids that replica's confirmation until it confirms again; a required
 * replica's refusal means stop. A *fencing* refusal (the replica has seen a newer leader epoch, or leads
 * the partition itself: another leader may exist) means stop whoever sent it, and it sticks until the
 * bookkeeping is cleared.
 */
export class LeadershipConfirmations {
  private readonly entries = new Map<string, Entry>();

  constructor(readonly windowMs: number) {
    if (!(windowMs > 0)) throw new Error(`confirmation window must be positive, got ${windowMs}`);
  }

  /** Replica `replica` confirmed `key` at `leaderEpoch` for a question sent at `sentAtMs`. */
  confirmed(key: string, leaderEpoch: number, replica: number, sentAtMs: number): void {
    const entry = this.entry(key, leaderEpoch);
    entry.confirmedAtMs.set(replica, Math.max(entry.confirmedAtMs.get(replica) ?? -Infinity, sentAtMs));
    entry.refusedBy.delete(replica);
  }

  /**
   * Replica `replica` did not confirm `key` at `leaderEpoch` (`why`: its reason and message). Its earlier
   * confirmation is void; `fencing` (another leader may exist) makes the refusal stick.
   */
  refused(key: string, leaderEpoch: number, replica: number, why: string, fencing: boolean): void {
    const entry = this.entry(key, leaderEpoch);
    entry.confirmedAtMs.delete(replica);
    entry.refusedBy.set(replica, why);
    if (fencing && entry.fencedBy === undefined) entry.fencedBy = `broker ${replica} refused: ${why}`;
  }

  /**
   * Why the leader of `key` at `leaderEpoch` must stop now, if it must: a fencing refusal from any
   * replica, or a refusal from one of `required`.
   */
  stopReason(key: string, leaderEpoch: number, required: readonly number[]): string | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.leaderEpoch !== leaderEpoch) return undefined;
    if (entry.fencedBy !== undefined) return entry.fencedBy;
    for (const r of required) {
      const why = entry.refusedBy.get(r);
      if (why !== undefined) return `broker ${r} refused: ${why}`;
    }
    return undefined;
  }

  /** The brokers of `required` whose confirmation of `key` at `leaderEpoch` is missing at `nowMs`. */
  missing(key: string, leaderEpoch: number, required: readonly number[], nowMs: number): number[] {
    const entry = this.entries.get(key);
    const usable = entry !== undefined && entry.leaderEpoch === leaderEpoch;
    return required.filter((r) => {
      const at = usable ? entry.confirmedAtMs.get(r) : undefined;
      return at === undefined || at + this.windowMs <= nowMs;
    });
  }

  /**
   * Until when (same clock as the send times) every broker of `required` confirmed `key` at `leaderEpoch`:
   * -Infinity if one of them never did, or if a refusal fenced it. With no required broker (an ISR of the
   * leader alone) it is confirmed as long as nobody fenced it.
   */
  confirmedUntil(key: string, leaderEpoch: number, required: readonly number[]): number {
    const entry = this.entries.get(key);
    const usable = entry !== undefined && entry.leaderEpoch === leaderEpoch;
    if (usable && entry.fencedBy !== undefined) return Number.NEGATIVE_INFINITY;
    let until = Number.POSITIVE_INFINITY;
    for (const r of required) {
      const at = usable ? entry.confirmedAtMs.get(r) : undefined;
      if (at === undefined) return Number.NEGATIVE_INFINITY;
      until = Math.min(until, at + this.windowMs);
    }
    return until;
  }

  /** Forgets partitions not in `keys` (no longer led here). */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.entries.keys()) if (!keys.has(key)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  private entry(key: string, leaderEpoch: number): Entry {
    let entry = this.entries.get(key);
    if (entry === undefined || entry.leaderEpoch !== leaderEpoch) {
      entry = { leaderEpoch, confirmedAtMs: new Map(), refusedBy: new Map() };
      this.entries.set(key, entry);
    }
    return entry;
  }
}

interface Entry {
  readonly leaderEpoch: number;
  /** Per replica, the send time of its newest confirmation. */
  readonly confirmedAtMs: Map<number, number>;
  /** Per replica, its refusal, until it confirms again. */
  readonly refusedBy: Map<number, string>;
  fencedBy?: string;
}

/** What a replica knows of a partition, for its answer to ConfirmLeadership. */
export interface ReplicaView {
  readonly role: Role;
  /** The leader its metadata names (-1: none). */
  readonly leader: number;
  readonly leaderEpoch: number;
}

/**
 * A replica's answer to "do you still follow `leaderId` at `leaderEpoch`, and not lead this partition
 * yourself?": null for yes (its metadata names exactly that leader and epoch, and it follows it),
 * otherwise the refusal. FENCED_LEADER_EPOCH means another leader may exist (this replica has seen a
 * newer epoch, or leads the partition): the asking leader must stop.
 */
export function leadershipAnswer(
  view: ReplicaView,
  leaderId: number,
  leaderEpoch: number,
): TributaryError | null {
  if (view.leaderEpoch > leaderEpoch) {
    return new TributaryError(
      'FENCED_LEADER_EPOCH',
      `this replica has seen leader epoch ${view.leaderEpoch} (leader ${view.leader}), newer than ${leaderEpoch}`,
    );
  }
  if (view.leaderEpoch < leaderEpoch) {
    return new TributaryError(
      'UNKNOWN_LEADER_EPOCH',
      `this replica has not seen leader epoch ${leaderEpoch} yet (it knows ${view.leaderEpoch})`,
    );
  }
  if (view.role === 'leader') {
    return new TributaryError(
      'FENCED_LEADER_EPOCH',
      `this replica leads the partition itself at leader epoch ${leaderEpoch}`,
    );
  }
  if (view.leader !== leaderId || view.role !== 'follower') {
    const leader = view.leader < 0 ? 'no leader' : `leader ${view.leader}`;
    return new TributaryError(
      'NOT_LEADER',
      `this replica knows ${leader} at leader epoch ${leaderEpoch} and is ${view.role === 'follower' ? 'following it' : view.role}`,
    );
  }
  return null;
}

/** Refusals after which the asking leader must stop at once: another leader may exist. */
export function isFencingRefusal(reason: string): boolean {
  return reason === 'FENCED_LEADER_EPOCH';
}

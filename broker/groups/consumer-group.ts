import { TributaryError } from '../../proto/errors.js';
import {
  type AssignorMember,
  type AssignorTopic,
  assignPartitions,
  type GroupAssignment,
} from './assignor.js';
import {
  type HeartbeatRequest,
  type HeartbeatResult,
  LEAVE_EPOCH,
  STATIC_LEAVE_EPOCH,
  validateHeartbeat,
  validateOwnedCount,
} from './heartbeat.js';
import {
  cloneAssignment,
  intersect,
  listOf,
  minus,
  ownsOnly,
  sameAssignment,
  sameTopics,
} from './partition-sets.js';

/**
 * One consumer group's membership at its coordinator: the broker-driven, incremental protocol of Kafka's
 * KIP-848, kept in memory (a coordinator failover makes members rejoin; the group epoch is persisted so it
 * only ever grows). No I/O and no timers here: the coordinator feeds heartbeats and the clock in.
 *
 * Epochs. The **group epoch** grows whenever what the assignment depends on changes (a member joins or
 * leaves, a subscription or rack changes, a subscribed topic gains partitions). The **target assignment**
 * is computed for a group epoch by the assignor. Each member has a **member epoch**: the target epoch it
 * has reached. A heartbeat carries the member's epoch; an older one than the coordinator's (other than
 * the one right before, for a lost response) fences the member: FENCED_MEMBER_EPOCH, and it must drop its
 * partitions and rejoin. Commits carry it too and must come from the partition's current owner.
 *
 * Revoke before assign. A member moves to a new target in two steps. First, if it owns partitions the
 * target takes away, its assignment shrinks to what it keeps, the rest is "pending revocation", and its
 * epoch stays; the member commits and stops reading them, then says so in a heartbeat (its owned list no
 * longer has them). Only then does it reach the target epoch and receive its new partitions, minus any
 * another member still owns or is still revoking; those come in a later heartbeat once released. So a
 * partition is never owned by two members at once. A member that does not finish revoking within its
 * rebalance timeout is removed, which releases its partitions.
 *
 * Static membership. A member with an instance id that leaves with epoch -2 (a restart) keeps its
 * assignment until the session timeout; a new member with the same instance id takes the place over,
 * epoch and partitions included, with no rebalance.
 *
 * Recovery after a coordinator failover. Members live in the coordinator's memory only. A new coordinator
 * of a group that had members opens a recovery window of one session timeout: a member it does not know
 * that heartbeats with an epoch above 0 is taken back with the partitions it reports owning (a claim
 * already taken by a member with a higher epoch fences the claimer; a lower one is fenced itself), and
 * no partition is handed out that nobody claimed until the window ends, since its owner may still be on
 * its way back. Revocations go on meanwhile. So a failover never gives one partition to two members.
 */

export interface GroupSettings {
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxSize: number;
}

/** Topic metadata the assignor needs: the partition count and replica racks of a subscribed topic. */
export interface TopicLookup {
  /** The partition count of a subscribed topic (undefined: unknown). Cheap: asked at every heartbeat. */
  partitionCount(topic: string): number | undefined;
  /** The topic as the assignor needs it; asked only when the assignment is computed again. */
  describe(topic: string): AssignorTopic | undefined;
}

interface Member {
  memberId: string;
  instanceId: string;
  rack: string;
  topics: string[];
  memberEpoch: number;
  previousEpoch: number;
  assigned: Map<string, number[]>;
  pendingRevocation: Map<string, number[]>;
  rebalanceTimeoutMs: number;
  revocationDeadlineMs: number | undefined;
  lastHeartbeatMs: number;
  /** Set when a static member left with epoch -2 and nobody has taken its place yet. */
  leftAtMs: number | undefined;
}

export type GroupState = 'empty' | 'recovering' | 'assigning' | 'reconciling' | 'stable';

export interface MemberDescription {
  memberId: string;
  instanceId: string;
  rack: string;
  memberEpoch: number;
  subscribedTopics: string[];
  assigned: Array<{ topic: string; partitions: number[] }>;
  pendingRevocation: Array<{ topic: string; partitions: number[] }>;
  targetAssignment: Array<{ topic: string; partitions: number[] }>;
  lastHeartbeatMs: number;
}

export interface GroupDescription {
  groupId: string;
  state: GroupState;
  groupEpoch: number;
  targetEpoch: number;
  members: MemberDescription[];
}

export class ConsumerGroup {
  private readonly members = new Map<string, Member>();
  private readonly byInstance = new Map<string, string>();
  private target: GroupAssignment = new Map();
  private targetEpoch: number;
  /** Partition counts of the subscribed topics at the last assignment, to notice added partitions. */
  private topicsFingerprint: string | undefined;
  /** The members' subscribed topics, as of a group epoch (any change of them raises the epoch). */
  private subscribed: { epoch: number; topics: string[] } | undefined;

  constructor(
    readonly groupId: string,
    /** The last persisted group epoch (0 for a new group). */
    private groupEpoch: number,
    private readonly settings: GroupSettings,
    /** Set after a coordinator failover for a group that had members: the end of its recovery window. */
    private recoveringUntilMs: number | undefined = undefined,
  ) {
    this.targetEpoch = groupEpoch;
  }

  private recovering(nowMs: number): boolean {
    if (this.recoveringUntilMs !== undefined && nowMs >= this.recoveringUntilMs)
      this.recoveringUntilMs = undefined;
    return this.recoveringUntilMs !== undefined;
  }

  get epoch(): number {
    return this.groupEpoch;
  }

  get size(): number {
    return this.members.size;
  }

  heartbeat(req: HeartbeatRequest, nowMs: number, lookup: TopicLookup): HeartbeatResult {
    validateHeartbeat(req);
    const epochBefore = this.groupEpoch;
    let member = this.members.get(req.memberId);

    if (req.memberEpoch === LEAVE_EPOCH || req.memberEpoch === STATIC_LEAVE_EPOCH) {
      if (member !== undefined) {
        if (req.memberEpoch === STATIC_LEAVE_EPOCH && member.instanceId !== '') {
          member.leftAtMs = nowMs;
          member.lastHeartbeatMs = nowMs;
        } else this.remove(member);
      }
      return {
        memberId: req.memberId,
        memberEpoch: req.memberEpoch,
        assignment: new Map(),
        heartbeatIntervalMs: this.settings.heartbeatIntervalMs,
        groupEpochChanged: this.groupEpoch !== epochBefore,
      };
    }

    if (req.memberEpoch === 0) {
      member = this.join(req, member, nowMs);
    } else {
      if (member === undefined && this.recovering(nowMs)) member = this.adopt(req, nowMs);
      if (member === undefined || member.leftAtMs !== undefined) {
        throw new TributaryError(
          'UNKNOWN_MEMBER_ID',
          `member ${req.memberId} is not in group ${JSON.stringify(this.groupId)} (it timed out, left, or the coordinator moved); rejoin`,
        );
      }
      if (req.memberEpoch !== member.memberEpoch) {
        const lostResponse =
          req.memberEpoch === member.previousEpoch &&
          ownsOnly(req.owned, member.assigned, member.pendingRevocation);
        if (!lostResponse) {
          throw new TributaryError(
            'FENCED_MEMBER_EPOCH',
            `member ${req.memberId} sent epoch ${req.memberEpoch}, its epoch is ${member.memberEpoch}; drop every partition and rejoin`,
          );
        }
      }
      if (
        member.rack !== req.rack ||
        !sameTopics(member.topics, req.subscribedTopics) ||
        member.rebalanceTimeoutMs !== req.rebalanceTimeoutMs
      ) {
        if (member.rack !== req.rack || !sameTopics(member.topics, req.subscribedTopics)) this.groupEpoch++;
        member.rack = req.rack;
        member.topics = [...new Set(req.subscribedTopics)].sort();
        member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
      }
    }
    member.lastHeartbeatMs = nowMs;

    this.maybeReassign(lookup);
    this.reconcile(member, req.owned, nowMs, this.recovering(nowMs));
    return {
      memberId: member.memberId,
      memberEpoch: member.memberEpoch,
      assignment: cloneAssignment(member.assigned),
      heartbeatIntervalMs: this.settings.heartbeatIntervalMs,
      groupEpochChanged: this.groupEpoch !== epochBefore,
    };
  }

  /**
   * Removes members whose session timed out (no heartbeat, or a static member gone for good) or that did
   * not finish revoking within their rebalance timeout. Answers whether the group epoch changed.
   */
  expire(nowMs: number): { removed: string[]; groupEpochChanged: boolean } {
    const before = this.groupEpoch;
    const removed: string[] = [];
    for (const m of [...this.members.values()]) {
      const sessionOver = nowMs - m.lastHeartbeatMs > this.settings.sessionTimeoutMs;
      const revocationOver = m.revocationDeadlineMs !== undefined && nowMs > m.revocationDeadlineMs;
      if (sessionOver || revocationOver) {
        this.remove(m);
        removed.push(m.memberId);
      }
    }
    return { removed, groupEpochChanged: this.groupEpoch !== before };
  }

  /**
   * Checks that a commit comes from the partition's owner. With no member id (an admin or a consumer that
   * is not a member), only an empty group accepts commits.
   */
  validateCommit(
    memberId: string,
    memberEpoch: number,
    partitions: ReadonlyArray<{ topic: string; partition: number }>,
  ): void {
    if (memberId === '') {
      if (this.members.size > 0) {
        throw new TributaryError(
          'NON_EMPTY_GROUP',
          `group ${JSON.stringify(this.groupId)} has ${this.members.size} active member(s); commits must come from a member (stop the consumers before resetting offsets)`,
        );
      }
      return;
    }
    const m = this.members.get(memberId);
    if (m === undefined || m.leftAtMs !== undefined) {
      throw new TributaryError(
        'UNKNOWN_MEMBER_ID',
        `member ${memberId} is not in group ${JSON.stringify(this.groupId)}; its commit is refused`,
      );
    }
    const owned = new Set<string>();
    for (const map of [m.assigned, m.pendingRevocation]) {
      for (const [topic, ps] of map) for (const p of ps) owned.add(`${topic}\u0000${p}`);
    }
    const stale = memberEpoch !== m.memberEpoch && memberEpoch !== m.previousEpoch;
    const notOwned = partitions.find((tp) => !owned.has(`${tp.topic}\u0000${tp.partition}`));
    if (stale || notOwned !== undefined) {
      const what = notOwned === undefined ? 'its partitions' : `${notOwned.topic}/${notOwned.partition}`;
      throw new TributaryError(
        'STALE_MEMBER_EPOCH',
        `member ${memberId} at epoch ${memberEpoch} does not own ${what} (member epoch ${m.memberEpoch}); the commit is refused`,
      );
    }
  }

  /** Refuses admin changes (offset reset, deletion) while members are active. */
  assertEmpty(action: string): void {
    if (this.members.size > 0) {
      throw new TributaryError(
        'NON_EMPTY_GROUP',
        `cannot ${action}: group ${JSON.stringify(this.groupId)} has ${this.members.size} active member(s)`,
      );
    }
  }

  describe(nowMs: number = Date.now()): GroupDescription {
    const members = [...this.members.values()]
      .sort((a, b) => (a.memberId < b.memberId ? -1 : 1))
      .map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        rack: m.rack,
        memberEpoch: m.memberEpoch,
        subscribedTopics: [...m.topics],
        assigned: listOf(m.assigned),
        pendingRevocation: listOf(m.pendingRevocation),
        targetAssignment: listOf(this.target.get(m.memberId) ?? new Map()),
        lastHeartbeatMs: m.lastHeartbeatMs,
      }));
    return {
      groupId: this.groupId,
      state: this.state(nowMs),
      groupEpoch: this.groupEpoch,
      targetEpoch: this.targetEpoch,
      members,
    };
  }

  private state(nowMs: number): GroupState {
    if (this.members.size === 0) return 'empty';
    if (this.recovering(nowMs)) return 'recovering';
    if (this.targetEpoch < this.groupEpoch) return 'assigning';
    for (const m of this.members.values()) {
      if (m.memberEpoch !== this.targetEpoch || m.pendingRevocation.size > 0) return 'reconciling';
      if (!sameAssignment(m.assigned, this.target.get(m.memberId) ?? new Map())) return 'reconciling';
    }
    return 'stable';
  }

  /**
   * Takes back a member the previous coordinator knew (recovery window): with its epoch and the partitions
   * it owns. Conflicting claims go to the higher epoch; the lower one is fenced.
   */
  private adopt(req: HeartbeatRequest, nowMs: number): Member {
    validateOwnedCount(req.owned);
    const claims = new Map<string, number[]>();
    for (const [topic, partitions] of req.owned)
      claims.set(
        topic,
        [...new Set(partitions)].sort((a, b) => a - b),
      );
    let holders = this.holders();
    for (const [topic, partitions] of claims) {
      for (const p of partitions) {
        const holder = holders.get(`${topic}\u0000${p}`);
        if (holder === undefined) continue;
        const other = this.members.get(holder)!;
        if (other.memberEpoch >= req.memberEpoch) {
          throw new TributaryError(
            'FENCED_MEMBER_EPOCH',
            `member ${req.memberId} (epoch ${req.memberEpoch}) claims ${topic}/${p}, owned by a member at epoch ${other.memberEpoch}; drop every partition and rejoin`,
          );
        }
        this.remove(other);
        holders = this.holders();
      }
    }
    if (req.instanceId !== '') {
      const holderId = this.byInstance.get(req.instanceId);
      if (holderId !== undefined && holderId !== req.memberId) {
        throw new TributaryError(
          'UNRELEASED_INSTANCE_ID',
          `instance id ${req.instanceId} is held by member ${holderId} of group ${JSON.stringify(this.groupId)}`,
        );
      }
    }
    const member = this.addMember(req, nowMs, req.memberEpoch, claims);
    // Epochs handed out before the failover stay below every new one.
    this.groupEpoch = Math.max(this.groupEpoch, req.memberEpoch) + 1;
    return member;
  }

  private join(req: HeartbeatRequest, known: Member | undefined, nowMs: number): Member {
    if (req.instanceId !== '') {
      const holderId = this.byInstance.get(req.instanceId);
      const holder = holderId === undefined ? undefined : this.members.get(holderId);
      if (holder !== undefined && holder.memberId !== req.memberId) {
        if (holder.leftAtMs === undefined) {
          throw new TributaryError(
            'UNRELEASED_INSTANCE_ID',
            `instance id ${req.instanceId} is held by active member ${holder.memberId} of group ${JSON.stringify(this.groupId)}`,
          );
        }
        // A restarted static member takes its predecessor's place: same epoch, same partitions.
        this.members.delete(holder.memberId);
        const target = this.target.get(holder.memberId);
        this.target.delete(holder.memberId);
        if (target !== undefined) this.target.set(req.memberId, target);
        const member: Member = {
          ...holder,
          memberId: req.memberId,
          leftAtMs: undefined,
          lastHeartbeatMs: nowMs,
        };
        if (member.rack !== req.rack || !sameTopics(member.topics, req.subscribedTopics)) this.groupEpoch++;
        member.rack = req.rack;
        member.topics = [...new Set(req.subscribedTopics)].sort();
        member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
        this.members.set(member.memberId, member);
        this.byInstance.set(req.instanceId, member.memberId);
        return member;
      }
    }
    // A known member rejoining from scratch (after being fenced, or a retried join): start it over.
    if (known !== undefined) this.remove(known);
    const member = this.addMember(req, nowMs, 0, new Map());
    this.groupEpoch++;
    return member;
  }

  /** A new member at `memberEpoch` owning `assigned`, within the group's size limit. */
  private addMember(
    req: HeartbeatRequest,
    nowMs: number,
    memberEpoch: number,
    assigned: Map<string, number[]>,
  ): Member {
    if (this.members.size >= this.settings.maxSize) {
      throw new TributaryError(
        'GROUP_MAX_SIZE_REACHED',
        `group ${JSON.stringify(this.groupId)} has the most members allowed (${this.settings.maxSize}, groupMaxSize)`,
      );
    }
    const member: Member = {
      memberId: req.memberId,
      instanceId: req.instanceId,
      rack: req.rack,
      topics: [...new Set(req.subscribedTopics)].sort(),
      memberEpoch,
      previousEpoch: memberEpoch,
      assigned,
      pendingRevocation: new Map(),
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      revocationDeadlineMs: undefined,
      lastHeartbeatMs: nowMs,
      leftAtMs: undefined,
    };
    this.members.set(member.memberId, member);
    if (req.instanceId !== '') this.byInstance.set(req.instanceId, member.memberId);
    return member;
  }

  private remove(member: Member): void {
    this.members.delete(member.memberId);
    this.target.delete(member.memberId);
    if (member.instanceId !== '' && this.byInstance.get(member.instanceId) === member.memberId) {
      this.byInstance.delete(member.instanceId);
    }
    this.groupEpoch++;
  }

  /** Computes a new target assignment when the group epoch moved or a subscribed topic changed. */
  private maybeReassign(lookup: TopicLookup): void {
    if (this.subscribed?.epoch !== this.groupEpoch) {
      const topics = [...new Set([...this.members.values()].flatMap((m) => m.topics))].sort();
      this.subscribed = { epoch: this.groupEpoch, topics };
    }
    const subscribed = this.subscribed.topics;
    const fingerprint = subscribed.map((t) => `${t}:${lookup.partitionCount(t) ?? '-'}`).join(',');
    if (fingerprint !== this.topicsFingerprint) {
      // A subscribed topic appeared, grew or went away (the first look only records what is there).
      if (this.topicsFingerprint !== undefined) this.groupEpoch++;
      this.topicsFingerprint = fingerprint;
    }
    if (this.targetEpoch === this.groupEpoch && this.target.size === this.members.size) return;
    const topics = subscribed
      .map((t) => lookup.describe(t))
      .filter((t): t is AssignorTopic => t !== undefined);
    const members: AssignorMember[] = [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      rack: m.rack,
      topics: m.topics,
    }));
    this.target = assignPartitions(members, topics, this.target);
    this.targetEpoch = this.groupEpoch;
  }

  /** Moves one member toward its target, revoking before assigning (see the class comment). */
  private reconcile(
    m: Member,
    owned: ReadonlyMap<string, readonly number[]>,
    nowMs: number,
    recovering: boolean,
  ): void {
    // Revocations the member confirmed: it no longer owns them.
    for (const [topic, partitions] of m.pendingRevocation) {
      const ownedNow = new Set(owned.get(topic) ?? []);
      const still = partitions.filter((p) => ownedNow.has(p));
      if (still.length === 0) m.pendingRevocation.delete(topic);
      else m.pendingRevocation.set(topic, still);
    }
    if (m.pendingRevocation.size > 0) return;
    m.revocationDeadlineMs = undefined;
    const target = this.target.get(m.memberId) ?? new Map<string, number[]>();

    if (m.memberEpoch !== this.targetEpoch) {
      const revoke = minus(m.assigned, target);
      if (revoke.size > 0) {
        m.assigned = intersect(m.assigned, target);
        m.pendingRevocation = revoke;
        m.revocationDeadlineMs = nowMs + m.rebalanceTimeoutMs;
        return;
      }
      m.previousEpoch = m.memberEpoch;
      m.memberEpoch = this.targetEpoch;
    }
    // At the target epoch: take what the target adds, once no other member holds it (and, while
    // recovering from a failover, once the window is over: an unclaimed partition may have an owner
    // that has not come back yet).
    if (recovering) return;
    let holders: Map<string, string> | undefined;
    for (const [topic, partitions] of target) {
      const have = new Set(m.assigned.get(topic) ?? []);
      const missing = partitions.filter((p) => !have.has(p));
      if (missing.length === 0) continue;
      holders ??= this.holders();
      const free = missing.filter((p) => {
        const holder = holders!.get(`${topic}\u0000${p}`);
        return holder === undefined || holder === m.memberId;
      });
      if (free.length > 0)
        m.assigned.set(
          topic,
          [...have, ...free].sort((a, b) => a - b),
        );
    }
  }

  /** "topic\0partition" -> the member that owns it or is revoking it. */
  private holders(): Map<string, string> {
    const out = new Map<string, string>();
    for (const m of this.members.values()) {
      for (const map of [m.assigned, m.pendingRevocation]) {
        for (const [topic, partitions] of map)
          for (const p of partitions) out.set(`${topic}\u0000${p}`, m.memberId);
      }
    }
    return out;
  }
}

import { KeyedLanes } from '../../kit/serial-lane.js';
import { decodeBatches, encodeRecordBatch, scanBatches } from '../../proto/codec/index.js';
import { TributaryError } from '../../proto/errors.js';
import type { ClusterDirectory } from '../cluster/cluster-directory.js';
import type { Logger } from '../logger.js';
import { minInsyncReplicasOf } from '../metadata/topic-config.js';
import type { TopicRecord, TopicRegistry } from '../metadata/topic-registry.js';
import type { Partition } from '../replication/partition.js';
import type { ReplicaManager } from '../replication/replica-manager.js';
import type { AssignorTopic } from './assignor.js';
import {
  ConsumerGroup,
  type GroupDescription,
  type GroupSettings,
  type TopicLookup,
} from './consumer-group.js';
import type { HeartbeatRequest, HeartbeatResult } from './heartbeat.js';
import {
  chunkRecords,
  type DecodedOffsetsRecord,
  decodeOffsetsRecord,
  type EpochRecord,
  epochKeyOf,
  epochValueOf,
  type OffsetsTopicRecord,
  offsetKeyOf,
  offsetValueOf,
} from './offsets-records.js';

/** The internal topic holding every group's committed offsets (compacted, replicated). */
export const OFFSETS_TOPIC = '__consumer_offsets';
const GROUP_ID_MAX_LENGTH = 249;
const METADATA_MAX_BYTES = 4096;
/** Offsets in one commit request (limits on everything). */
const COMMIT_PARTITIONS_MAX = 10_000;

export interface StoredCommit {
  offset: number;
  metadata: string;
  commitTimestampMs: number;
}

export interface OffsetsTopicSettings {
  partitions: number;
  replicationFactor: number;
  /** Timeout of a commit's replication (acks=all on the offsets partition). */
  commitTimeoutMs: number;
  /** Membership: session timeout, heartbeat interval, most members per group. */
  membership: GroupSettings;
}

/** How often the coordinator looks for members whose session or rebalance timeout passed. */
const EXPIRY_CHECK_MS_MAX = 1000;
/** Largest record batch the coordinator appends (well below the default max.message.bytes of 1 MiB). */
const WRITE_BATCH_BYTES_MAX = 256 * 1024;
/** Group epochs reserved per write of the epoch record. */
const EPOCH_RESERVE = 100;
/** Pause before loading an offsets partition again after a failed load. */
const LOAD_RETRY_MS = 1000;

/** Java's String.hashCode, so a group lands on the partition Kafka would choose. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** The __consumer_offsets partition of a group (Kafka: Utils.abs(groupId.hashCode) % partitions). */
export function offsetsPartitionFor(groupId: string, partitions: number): number {
  const h = javaStringHash(groupId);
  return (h === -2147483648 ? 0 : Math.abs(h)) % partitions;
}

export function validateGroupId(groupId: string): void {
  if (typeof groupId !== 'string' || groupId.length === 0 || groupId.length > GROUP_ID_MAX_LENGTH) {
    throw new TributaryError('INVALID_GROUP_ID', `group id must be 1-${GROUP_ID_MAX_LENGTH} characters`);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(groupId)) {
    throw new TributaryError('INVALID_GROUP_ID', 'group id must not contain control characters');
  }
}

/**
 * The group coordinator's offset store (Kafka's GroupMetadataManager, offsets part). Each broker keeps,
 * for every __consumer_offsets partition it leads, the committed offsets of the groups that hash to it:
 * loaded from that partition's log when leadership arrives, dropped when it goes. A commit is a record
 * (key: group, topic, partition; value: offset and metadata; a tombstone deletes) appended with acks=all
 * to the group's partition; only once it is replicated does the cache change, so a coordinator failover
 * never loses a committed offset. The topic is compacted: the latest commit of each key survives.
 */
export class GroupCoordinator {
  /** Offsets partition -> group -> "topic\0partition" -> committed. */
  private readonly groups = new Map<
    number,
    Map<string, Map<string, StoredCommit & { topic: string; partition: number }>>
  >();
  private readonly loading = new Map<number, Promise<void>>();
  /** The latest load per partition; an older one finishing late must not install stale state. */
  private readonly loadTokens = new Map<number, object>();
  private creating: Promise<void> | undefined;
  /** Offsets partition -> group -> membership (groups with members, or that had some since loading). */
  private readonly memberships = new Map<number, Map<string, ConsumerGroup>>();
  /** Offsets partition -> group -> its persisted epoch record. */
  private readonly epochs = new Map<number, Map<string, EpochRecord>>();
  /** Offsets partition -> when this broker finished loading it (start of the groups' recovery windows). */
  private readonly loadedAtMs = new Map<number, number>();
  /** Group -> the chain serialising its membership changes and their epoch writes. */
  private readonly chains = new KeyedLanes<string>();
  private readonly expiryTimer: NodeJS.Timeout;

  constructor(
    private readonly deps: {
      replicas: ReplicaManager;
      topics: TopicRegistry;
      cluster: ClusterDirectory;
      logger: Logger;
      settings: OffsetsTopicSettings;
    },
  ) {
    deps.replicas.roles.on('role', (p: Partition) => {
      if (p.topic !== OFFSETS_TOPIC) return;
      if (p.isLeader) void this.load(p);
      else {
        this.groups.delete(p.index);
        this.loading.delete(p.index);
        this.memberships.delete(p.index);
        this.epochs.delete(p.index);
        this.loadedAtMs.delete(p.index);
      }
    });
    const every = Math.min(EXPIRY_CHECK_MS_MAX, Math.max(50, deps.settings.membership.sessionTimeoutMs / 4));
    this.expiryTimer = setInterval(() => this.expireMembers(), every);
    this.expiryTimer.unref();
  }

  close(): void {
    clearInterval(this.expiryTimer);
  }

  private get partitionCount(): number {
    return this.deps.topics.get(OFFSETS_TOPIC)?.partitions.length ?? this.deps.settings.partitions;
  }

  /** Creates the offsets topic on first use (through the controller); concurrent callers share it. */
  async ensureOffsetsTopic(): Promise<void> {
    if (this.deps.topics.get(OFFSETS_TOPIC) !== undefined) return;
    this.creating ??= (async () => {
      // Never create it with fewer replicas than configured because few brokers are up yet (cluster
      // start): that would stay so for good. Wait for them instead, as Kafka does.
      const live = this.deps.cluster.liveBrokers().length;
      const rf = this.deps.settings.replicationFactor;
      if (live < rf) {
        throw new TributaryError(
          'COORDINATOR_NOT_AVAILABLE',
          `the offsets topic needs ${rf} live brokers (offsetsTopicReplicationFactor), ${live} are up`,
        );
      }
      const configs = {
        'cleanup.policy': 'compact',
        'min.insync.replicas': String(Math.min(2, rf)),
        'segment.bytes': String(100 * 1024 * 1024),
      };
      try {
        await this.deps.cluster.createTopic(
          { name: OFFSETS_TOPIC, partitions: this.deps.settings.partitions, replicationFactor: rf, configs },
          this.deps.settings.commitTimeoutMs,
        );
        this.deps.logger.info(
          { partitions: this.deps.settings.partitions, replicationFactor: rf },
          'offsets topic created',
        );
      } catch (err) {
        if (!(err instanceof TributaryError && err.reason === 'TOPIC_ALREADY_EXISTS')) throw err;
      }
    })().finally(() => {
      this.creating = undefined;
    });
    await this.creating;
  }

  /** Which broker coordinates `groupId`, and through which offsets partition. */
  async findCoordinator(groupId: string): Promise<{ brokerId: number; partition: number }> {
    validateGroupId(groupId);
    try {
      await this.ensureOffsetsTopic();
    } catch (err) {
      if (err instanceof TributaryError && err.retriable) {
        throw new TributaryError(
          'COORDINATOR_NOT_AVAILABLE',
          `the offsets topic is not ready: ${err.message}`,
        );
      }
      throw err;
    }
    const record = this.deps.topics.get(OFFSETS_TOPIC);
    if (record === undefined)
      throw new TributaryError('COORDINATOR_NOT_AVAILABLE', 'the offsets topic is not ready yet');
    const partition = offsetsPartitionFor(groupId, record.partitions.length);
    const leader = record.partitions[partition]!.leader;
    if (leader < 0)
      throw new TributaryError('COORDINATOR_NOT_AVAILABLE', `offsets partition ${partition} has no leader`);
    return { brokerId: leader, partition };
  }

  /** The loaded state of the group's partition on this broker; NOT_COORDINATOR when it leads it not. */
  private async state(groupId: string): Promise<{
    p: Partition;
    groups: Map<string, Map<string, StoredCommit & { topic: string; partition: number }>>;
  }> {
    validateGroupId(groupId);
    const count = this.partitionCount;
    const index = offsetsPartitionFor(groupId, count);
    const p = this.deps.replicas.find(OFFSETS_TOPIC, index);
    if (p === undefined || !p.isLeader) {
      throw new TributaryError(
        'NOT_COORDINATOR',
        `broker ${this.deps.cluster.nodeId} does not coordinate group ${JSON.stringify(groupId)}`,
      );
    }
    const loading = this.loading.get(index);
    if (loading !== undefined) await loading;
    const groups = this.groups.get(index);
    if (groups === undefined)
      throw new TributaryError('COORDINATOR_LOAD_IN_PROGRESS', 'offsets are still loading');
    return { p, groups };
  }

  /** Appends commits (or tombstones) with acks=all; resolves once they are replicated. */
  private async write(p: Partition, records: OffsetsTopicRecord[]): Promise<void> {
    const now = Date.now();
    // Several batches when the records are many (a commit of thousands of partitions with metadata): one
    // batch must stay below the offsets topic's max.message.bytes. Each record stands alone, so a
    // failure part way leaves some commits written and the client's retry writes them again.
    const chunks = chunkRecords(records, WRITE_BATCH_BYTES_MAX);
    const minIsr = minInsyncReplicasOf(this.deps.topics.get(OFFSETS_TOPIC)?.configs);
    try {
      const epoch = p.leaderEpoch;
      let lastOffset = -1;
      for (const chunk of chunks) {
        const batch = encodeRecordBatch(chunk.map((r) => ({ key: r.key, value: r.value, timestamp: now })));
        lastOffset = (await p.append(batch, { minIsr })).lastOffset;
      }
      await p.waitForReplication(lastOffset, minIsr, this.deps.settings.commitTimeoutMs, undefined, epoch);
    } catch (err) {
      // The client knows coordinator reasons: leadership moved = find the coordinator again; the
      // partition cannot take writes now = retry later.
      if (
        err instanceof TributaryError &&
        (err.reason === 'NOT_LEADER' ||
          err.reason === 'OUTCOME_UNKNOWN' ||
          err.reason === 'LEADER_NOT_AVAILABLE')
      ) {
        throw new TributaryError('NOT_COORDINATOR', `the offsets partition moved: ${err.message}`, {
          cause: err,
        });
      }
      if (err instanceof TributaryError && err.retriable) {
        throw new TributaryError(
          'COORDINATOR_NOT_AVAILABLE',
          `the offsets partition cannot take the commit now: ${err.message}`,
          {
            cause: err,
          },
        );
      }
      throw err;
    }
  }

  async commit(
    groupId: string,
    offsets: Array<{ topic: string; partition: number; offset: number; metadata: string }>,
    member: { memberId: string; memberEpoch: number } = { memberId: '', memberEpoch: -1 },
  ): Promise<void> {
    if (offsets.length === 0) throw new TributaryError('INVALID_REQUEST', 'a commit names no partition');
    if (offsets.length > COMMIT_PARTITIONS_MAX) {
      throw new TributaryError('INVALID_REQUEST', `at most ${COMMIT_PARTITIONS_MAX} partitions per commit`);
    }
    for (const o of offsets) {
      if (!Number.isSafeInteger(o.offset) || o.offset < 0) {
        throw new TributaryError(
          'INVALID_REQUEST',
          `offset ${o.offset} for ${o.topic}/${o.partition} is not a valid offset`,
        );
      }
      if (Buffer.byteLength(o.metadata, 'utf8') > METADATA_MAX_BYTES) {
        throw new TributaryError(
          'INVALID_REQUEST',
          `commit metadata is limited to ${METADATA_MAX_BYTES} bytes`,
        );
      }
    }
    const { p, groups } = await this.state(groupId);
    const membership = this.memberships.get(p.index)?.get(groupId);
    if (membership !== undefined) {
      membership.validateCommit(member.memberId, member.memberEpoch, offsets);
    } else if (member.memberId !== '') {
      throw new TributaryError(
        'UNKNOWN_MEMBER_ID',
        `member ${member.memberId} is not in group ${JSON.stringify(groupId)}; its commit is refused`,
      );
    }
    const now = Date.now();
    await this.write(
      p,
      offsets.map((o) => ({
        key: offsetKeyOf(groupId, o.topic, o.partition),
        value: offsetValueOf(o.offset, o.metadata, now),
      })),
    );
    let group = groups.get(groupId);
    if (group === undefined) {
      group = new Map();
      groups.set(groupId, group);
    }
    for (const o of offsets) {
      group.set(`${o.topic}\u0000${o.partition}`, {
        topic: o.topic,
        partition: o.partition,
        offset: o.offset,
        metadata: o.metadata,
        commitTimestampMs: now,
      });
    }
  }

  async fetch(groupId: string): Promise<Array<StoredCommit & { topic: string; partition: number }>> {
    const { groups } = await this.state(groupId);
    return [...(groups.get(groupId)?.values() ?? [])].sort((a, b) =>
      a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
    );
  }

  /** Groups whose offsets partitions this broker leads (loaded ones) with offsets or active members. */
  listGroups(): string[] {
    const out = new Set<string>();
    for (const groups of this.groups.values())
      for (const [g, offsets] of groups) if (offsets.size > 0) out.add(g);
    for (const groups of this.memberships.values())
      for (const [g, membership] of groups) if (membership.size > 0) out.add(g);
    return [...out].sort();
  }

  async deleteGroup(groupId: string): Promise<number> {
    const { p, groups } = await this.state(groupId);
    this.memberships.get(p.index)?.get(groupId)?.assertEmpty('delete the group');
    const group = groups.get(groupId);
    if (group === undefined || group.size === 0) {
      throw new TributaryError(
        'GROUP_ID_NOT_FOUND',
        `group ${JSON.stringify(groupId)} has no committed offsets`,
      );
    }
    const entries = [...group.values()];
    await this.write(p, [
      ...entries.map((e) => ({ key: offsetKeyOf(groupId, e.topic, e.partition), value: null })),
      { key: epochKeyOf(groupId), value: null },
    ]);
    groups.delete(groupId);
    this.epochs.get(p.index)?.delete(groupId);
    this.memberships.get(p.index)?.delete(groupId);
    return entries.length;
  }

  // ------------------------------------------------------------------------------------ membership

  /** One member's heartbeat (see ConsumerGroup): joins, leaves, and moves it toward its target. */
  async heartbeat(groupId: string, req: HeartbeatRequest): Promise<HeartbeatResult> {
    const { p } = await this.state(groupId);
    const token = this.loadTokens.get(p.index);
    return this.serialised(groupId, async () => {
      // Leadership may have moved (and come back) while this waited its turn.
      if (!p.isLeader || this.loadTokens.get(p.index) !== token || !this.groups.has(p.index)) {
        throw new TributaryError('NOT_COORDINATOR', `the offsets partition of group ${groupId} moved`);
      }
      const group = this.membership(p.index, groupId);
      const result = group.heartbeat(req, Date.now(), this.topicLookup);
      await this.persistEpoch(p, groupId, group);
      return result;
    });
  }

  /** Groups with active members coordinated here (for metrics). */
  /**
   * The committed offsets of the groups coordinated here (at most `max`), for the lag metrics: each group
   * has one coordinator, so every (group, partition) is reported by exactly one broker.
   */
  committedOffsets(max: number): Array<{ group: string; topic: string; partition: number; offset: number }> {
    const out: Array<{ group: string; topic: string; partition: number; offset: number }> = [];
    for (const [index, groups] of this.groups) {
      if (this.deps.replicas.find(OFFSETS_TOPIC, index)?.isLeader !== true) continue;
      for (const [group, commits] of groups) {
        for (const c of commits.values()) {
          if (out.length >= max) return out;
          out.push({ group, topic: c.topic, partition: c.partition, offset: c.offset });
        }
      }
    }
    return out;
  }

  membershipStats(): Array<{ group: string; members: number; epoch: number }> {
    const out: Array<{ group: string; members: number; epoch: number }> = [];
    for (const groups of this.memberships.values()) {
      for (const [group, g] of groups) if (g.size > 0) out.push({ group, members: g.size, epoch: g.epoch });
    }
    return out;
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    const { p } = await this.state(groupId);
    const group = this.memberships.get(p.index)?.get(groupId);
    if (group !== undefined) return group.describe();
    const epoch = this.epochs.get(p.index)?.get(groupId)?.ceiling ?? 0;
    return { groupId, state: 'empty', groupEpoch: epoch, targetEpoch: epoch, members: [] };
  }

  private membership(partition: number, groupId: string): ConsumerGroup {
    let groups = this.memberships.get(partition);
    if (groups === undefined) {
      groups = new Map();
      this.memberships.set(partition, groups);
    }
    let group = groups.get(groupId);
    if (group === undefined) {
      const persisted = this.epochs.get(partition)?.get(groupId);
      // The group had members under the previous coordinator: give them a session to come back.
      const loadedAt = this.loadedAtMs.get(partition) ?? 0;
      const recoveringUntil =
        persisted?.hadMembers === true
          ? loadedAt + this.deps.settings.membership.sessionTimeoutMs
          : undefined;
      group = new ConsumerGroup(
        groupId,
        persisted?.ceiling ?? 0,
        this.deps.settings.membership,
        recoveringUntil,
      );
      groups.set(groupId, group);
    }
    return group;
  }

  /** Runs membership changes of one group one at a time (their epoch writes land in order). */
  private serialised<T>(groupId: string, fn: () => Promise<T>): Promise<T> {
    return this.chains.run(groupId, fn);
  }

  /**
   * Writes the group's epoch record when its epoch passed the reserved ceiling or it gained its first or
   * lost its last member. Until the write is replicated the heartbeat is not answered, so no epoch above
   * a persisted ceiling ever reaches a member.
   */
  private async persistEpoch(p: Partition, groupId: string, group: ConsumerGroup): Promise<void> {
    const known = this.epochs.get(p.index)?.get(groupId);
    const hadMembers = group.size > 0;
    if (known !== undefined && group.epoch <= known.ceiling && known.hadMembers === hadMembers) return;
    const record: EpochRecord = { ceiling: group.epoch + EPOCH_RESERVE, hadMembers };
    await this.write(p, [
      { key: epochKeyOf(groupId), value: epochValueOf({ ceiling: record.ceiling, hadMembers }) },
    ]);
    let epochs = this.epochs.get(p.index);
    if (epochs === undefined) {
      epochs = new Map();
      this.epochs.set(p.index, epochs);
    }
    epochs.set(groupId, record);
  }

  /** Subscribed topics as groups see them (the offsets topic and topics being deleted are not there). */
  private readonly topicLookup: TopicLookup = {
    partitionCount: (name) => this.assignable(name)?.partitions.length,
    describe: (name) => this.topicForAssignor(name),
  };

  private assignable(name: string): TopicRecord | undefined {
    const record = this.deps.topics.get(name);
    return record === undefined || record.deleting === true || name === OFFSETS_TOPIC ? undefined : record;
  }

  private topicForAssignor(name: string): AssignorTopic | undefined {
    const record = this.assignable(name);
    if (record === undefined) return undefined;
    const racks = new Map(this.deps.cluster.liveBrokers().map((b) => [b.id, b.rack ?? '']));
    return {
      name,
      partitionRacks: record.partitions.map((a) =>
        [...new Set(a.replicas.map((r) => racks.get(r) ?? ''))].filter((r) => r !== ''),
      ),
    };
  }

  private expireMembers(): void {
    for (const [index, groups] of this.memberships) {
      for (const [groupId, group] of groups) {
        if (group.size === 0) {
          // An empty group keeps nothing in memory but its epoch, which the log has: forget it.
          if (!this.chains.has(groupId)) groups.delete(groupId);
          continue;
        }
        void this.serialised(groupId, async () => {
          const p = this.deps.replicas.find(OFFSETS_TOPIC, index);
          if (p === undefined || !p.isLeader || this.memberships.get(index)?.get(groupId) !== group) return;
          const { removed } = group.expire(Date.now());
          if (removed.length > 0) {
            this.deps.logger.info({ group: groupId, members: removed }, 'group members timed out');
          }
          await this.persistEpoch(p, groupId, group);
        }).catch((err: unknown) => {
          this.deps.logger.warn({ group: groupId, err }, 'persisting the group epoch failed');
        });
      }
    }
  }

  /** Reads the partition's log into the cache (the latest record per key wins; tombstones delete). */
  private load(p: Partition): Promise<void> {
    const token = {};
    this.loadTokens.set(p.index, token);
    // Whatever membership this broker held for the partition before is stale now.
    this.memberships.delete(p.index);
    this.groups.delete(p.index);
    const run = (async () => {
      const state: LoadedOffsets = new Map();
      const epochs = new Map<string, EpochRecord>();
      let offset = p.logStartOffset;
      const end = p.logEndOffset;
      while (offset < end) {
        const { batches } = await p.log.read(offset, 4 * 1024 * 1024);
        const scanned = scanBatches(batches);
        if (scanned.length === 0) break;
        for (const r of decodeBatches(batches)) {
          if (r.offset < offset || r.key === null) continue;
          let record: DecodedOffsetsRecord | undefined;
          try {
            record = decodeOffsetsRecord(r.key, r.value);
          } catch {
            this.deps.logger.warn(
              { partition: p.index, offset: r.offset },
              'skipping an unreadable record in the offsets topic',
            );
            continue;
          }
          if (record !== undefined) applyRecord(record, state, epochs);
        }
        offset = scanned[scanned.length - 1]!.lastOffset + 1;
      }
      if (this.loadTokens.get(p.index) === token && p.isLeader) {
        this.groups.set(p.index, state);
        this.epochs.set(p.index, epochs);
        this.loadedAtMs.set(p.index, Date.now());
        this.deps.logger.info({ partition: p.index, groups: state.size }, 'group offsets loaded');
      }
    })()
      .catch((err: unknown) => {
        this.deps.logger.error({ partition: p.index, err }, 'loading group offsets failed; retrying');
        const retry = setTimeout(() => {
          if (this.loadTokens.get(p.index) === token && p.isLeader) void this.load(p);
        }, LOAD_RETRY_MS);
        retry.unref();
      })
      .finally(() => {
        if (this.loading.get(p.index) === run) this.loading.delete(p.index);
      });
    this.loading.set(p.index, run);
    return run;
  }
}

type LoadedOffsets = Map<string, Map<string, StoredCommit & { topic: string; partition: number }>>;

/** Applies one record read from the offsets topic to the state being loaded (the latest record wins). */
function applyRecord(
  record: DecodedOffsetsRecord,
  state: LoadedOffsets,
  epochs: Map<string, EpochRecord>,
): void {
  if (record.kind === 'epoch') {
    if (record.epoch === null) epochs.delete(record.group);
    else epochs.set(record.group, record.epoch);
    return;
  }
  let group = state.get(record.group);
  if (group === undefined) {
    group = new Map();
    state.set(record.group, group);
  }
  const id = `${record.topic}\u0000${record.partition}`;
  if (record.value === null) group.delete(id);
  else group.set(id, { topic: record.topic, partition: record.partition, ...record.value });
}

import { randomUUID } from 'node:crypto';
import { TributaryError } from '../../proto/errors.js';
import type { Dcs, DcsEvent, DcsGuard } from '../dcs/dcs.js';

/**
 * Where a partition lives and who leads it. Only the controller changes these fields, each change a
 * compare-and-set guarded by its controller key (see broker/controller).
 */
export interface PartitionRegistration {
  /** Replica brokers, preferred leader first. During a reassignment: the union of old and target lists. */
  replicas: number[];
  /** The leading broker, -1 while no in-sync replica is alive to lead. */
  leader: number;
  /** Bumped at every leader change; stamped into every batch the leader appends. */
  leaderEpoch: number;
  /**
   * The broker epoch (registration version) of the leader when it was elected. A broker leads only while
   * this equals its current epoch: after a restart or a lost session it waits for a new election.
   */
  leaderBrokerEpoch?: number;
  /** The leader's incarnation (BrokerRegistration.incarnation) when it was elected, if it registered one. */
  leaderIncarnation?: string;
  /** In-sync replicas, leader included. Never empty: with no live member it keeps the last leader. */
  isr: number[];
  /** Bumped at every change of leader, ISR or replicas; AlterPartition requests must carry the current one. */
  partitionEpoch?: number;
  /** Set during a reassignment: replicas being added (not yet in sync) and ones to drop at the end. */
  addingReplicas?: number[];
  removingReplicas?: number[];
}

/** A topic as stored in the DCS under `topics/<name>` (JSON). */
export interface TopicRecord {
  id: string;
  name: string;
  replicationFactor: number;
  partitions: PartitionRegistration[];
  /** Only the entries set on the topic; defaults come from the broker. */
  configs: Record<string, string>;
  createdAtMs: number;
  /** Set while the topic's logs are being removed; the deletion finishes at the next start if interrupted. */
  deleting?: boolean;
}

const PREFIX = 'topics/';

/**
 * The broker's view of topic metadata: an in-memory copy of every `topics/*` document, kept current by
 * the DCS watch, and the compare-and-set updates that change them. A lost race (another writer changed
 * the document first) surfaces as a retriable error rather than a silent overwrite.
 */
export class TopicRegistry {
  private readonly topics = new Map<string, { record: TopicRecord; version: number }>();
  private unwatch: (() => void) | undefined;
  /** Topic documents that could not be read (see apply). */
  skipped = 0;
  private readonly listeners = new Set<(name: string, record: TopicRecord | undefined) => void>();

  constructor(private readonly dcs: Dcs) {}

  /** Calls `listener` after every change that reached this registry (the record is undefined once deleted). */
  onChange(listener: (name: string, record: TopicRecord | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Watch first, then list: the watch is live before the list is read, so no change can fall between the
   * two. Events that arrive while the list is in flight wait until it has been applied, and every change,
   * listed or watched, applies only if it is newer than what is known: a replayed event never rolls a
   * topic back, and a delete never removes a topic re-created after it.
   */
  async load(): Promise<void> {
    let pending: DcsEvent[] | undefined = [];
    this.unwatch = await this.dcs.watch(PREFIX, (event) => {
      if (pending !== undefined) pending.push(event);
      else this.apply(event);
    });
    for (const entry of await this.dcs.list(PREFIX)) this.apply({ type: 'put', ...entry });
    const queued = pending;
    pending = undefined;
    for (const event of queued) this.apply(event);
  }

  private apply(event: DcsEvent): void {
    const name = event.key.slice(PREFIX.length);
    const known = this.topics.get(name);
    if (known !== undefined && known.version >= event.version) return;
    if (event.type === 'delete') this.topics.delete(name);
    else {
      // A value that is not a topic document (written by hand, or by another version) is skipped: one
      // bad key must not take every broker down with it.
      let record: TopicRecord;
      try {
        record = JSON.parse(event.value.toString('utf8')) as TopicRecord;
        if (typeof record.name !== 'string' || !Array.isArray(record.partitions))
          throw new Error('not a topic');
      } catch {
        this.skipped++;
        return;
      }
      this.topics.set(name, { record, version: event.version });
    }
    this.notify(name);
  }

  private notify(name: string): void {
    const record = this.topics.get(name)?.record;
    for (const l of this.listeners) l(name, record);
  }

  stop(): void {
    this.unwatch?.();
  }

  get(name: string): TopicRecord | undefined {
    const t = this.topics.get(name);
    return t === undefined || t.record.deleting ? undefined : t.record;
  }

  /** Every topic, including ones being deleted when `includeDeleting` is set. */
  list(includeDeleting = false): TopicRecord[] {
    return [...this.topics.values()]
      .map((t) => t.record)
      .filter((r) => includeDeleting || !r.deleting)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async create(
    spec: {
      name: string;
      partitions: PartitionRegistration[];
      replicationFactor: number;
      configs: Record<string, string>;
    },
    options: { guard?: DcsGuard } = {},
  ): Promise<TopicRecord> {
    const record: TopicRecord = { id: randomUUID(), createdAtMs: Date.now(), ...spec };
    const result = await this.dcs.compareAndSet(PREFIX + spec.name, encode(record), 0, options);
    if (result.guardFailed) throw notController();
    if (!result.ok) {
      throw new TributaryError('TOPIC_ALREADY_EXISTS', `topic ${JSON.stringify(spec.name)} already exists`);
    }
    this.remember(spec.name, record, result.version);
    return record;
  }

  /** Applies `change` to the current document and writes it back with compare-and-set. */
  async update(
    name: string,
    change: (record: TopicRecord) => TopicRecord,
    options: { guard?: DcsGuard } = {},
  ): Promise<TopicRecord> {
    const current = this.topics.get(name);
    if (current === undefined) throw unknownTopic(name);
    const next = change(structuredClone(current.record));
    const result = await this.dcs.compareAndSet(PREFIX + name, encode(next), current.version, options);
    if (result.guardFailed) throw notController();
    if (!result.ok) {
      throw new TributaryError('TOO_MANY_REQUESTS', `topic ${name} changed concurrently; retry`);
    }
    this.remember(name, next, result.version);
    return next;
  }

  async remove(name: string, options: { guard?: DcsGuard } = {}): Promise<void> {
    const current = this.topics.get(name);
    if (current === undefined) return;
    const result = await this.dcs.compareAndDelete(PREFIX + name, current.version, options);
    if (result.guardFailed) throw notController();
    if (!result.ok)
      throw new TributaryError('TOO_MANY_REQUESTS', `topic ${name} changed concurrently; retry`);
    if ((this.topics.get(name)?.version ?? 0) <= current.version) {
      this.topics.delete(name);
      this.notify(name);
    }
  }

  /** Records our own write, unless the watch already delivered something newer while we awaited. */
  private remember(name: string, record: TopicRecord, version: number): void {
    if ((this.topics.get(name)?.version ?? 0) >= version) return;
    this.topics.set(name, { record, version });
    this.notify(name);
  }
}

export function unknownTopic(name: string): TributaryError {
  return new TributaryError('UNKNOWN_TOPIC', `topic ${JSON.stringify(name)} does not exist`);
}

function notController(): TributaryError {
  return new TributaryError('NOT_CONTROLLER', 'this broker is no longer the controller');
}

function encode(record: TopicRecord): Buffer {
  return Buffer.from(JSON.stringify(record), 'utf8');
}

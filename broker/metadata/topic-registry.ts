import { randomUUID } from 'node:crypto';
import { TributaryError } from '../../proto/errors.js';
import type { Dcs } from '../dcs/dcs.js';

/** Where a partition lives. With one broker every list is `[nodeId]`; the shape is the replicated one. */
export interface PartitionAssignment {
  replicas: number[];
  leader: number;
  leaderEpoch: number;
  isr: number[];
}

/** A topic as stored in the DCS under `topics/<name>` (JSON). */
export interface TopicRecord {
  id: string;
  name: string;
  replicationFactor: number;
  partitions: PartitionAssignment[];
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

  constructor(private readonly dcs: Dcs) {}

  async load(): Promise<void> {
    for (const entry of await this.dcs.list(PREFIX)) {
      const record = JSON.parse(entry.value.toString('utf8')) as TopicRecord;
      this.topics.set(record.name, { record, version: entry.version });
    }
    this.unwatch = this.dcs.watch(PREFIX, (event) => {
      const name = event.key.slice(PREFIX.length);
      if (event.type === 'delete') this.topics.delete(name);
      else
        this.topics.set(name, { record: JSON.parse(event.value.toString('utf8')), version: event.version });
    });
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

  async create(spec: {
    name: string;
    partitions: PartitionAssignment[];
    replicationFactor: number;
    configs: Record<string, string>;
  }): Promise<TopicRecord> {
    const record: TopicRecord = { id: randomUUID(), createdAtMs: Date.now(), ...spec };
    const result = await this.dcs.compareAndSet(PREFIX + spec.name, encode(record), 0);
    if (!result.ok) {
      throw new TributaryError('TOPIC_ALREADY_EXISTS', `topic ${JSON.stringify(spec.name)} already exists`);
    }
    this.topics.set(spec.name, { record, version: result.version });
    return record;
  }

  /** Applies `change` to the current document and writes it back with compare-and-set. */
  async update(name: string, change: (record: TopicRecord) => TopicRecord): Promise<TopicRecord> {
    const current = this.topics.get(name);
    if (current === undefined) throw unknownTopic(name);
    const next = change(structuredClone(current.record));
    const result = await this.dcs.compareAndSet(PREFIX + name, encode(next), current.version);
    if (!result.ok) {
      throw new TributaryError('TOO_MANY_REQUESTS', `topic ${name} changed concurrently; retry`);
    }
    this.topics.set(name, { record: next, version: result.version });
    return next;
  }

  async remove(name: string): Promise<void> {
    const current = this.topics.get(name);
    if (current === undefined) return;
    const result = await this.dcs.compareAndDelete(PREFIX + name, current.version);
    if (!result.ok)
      throw new TributaryError('TOO_MANY_REQUESTS', `topic ${name} changed concurrently; retry`);
    this.topics.delete(name);
  }
}

export function unknownTopic(name: string): TributaryError {
  return new TributaryError('UNKNOWN_TOPIC', `topic ${JSON.stringify(name)} does not exist`);
}

function encode(record: TopicRecord): Buffer {
  return Buffer.from(JSON.stringify(record), 'utf8');
}

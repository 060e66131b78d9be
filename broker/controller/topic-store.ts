import { TributaryError } from '../../proto/errors.js';
import type { Dcs, DcsEvent, DcsGuard } from '../dcs/dcs.js';
import type { Logger } from '../logger.js';
import { TOPICS_PREFIX } from '../metadata/keys.js';
import type { TopicRecord } from '../metadata/topic-registry.js';

/** A topic document as last seen, with its DCS version; `record` null once deleted (at `version`). */
export interface TopicEntry {
  readonly record: TopicRecord | null;
  readonly version: number;
}

/**
 * The controller's copy of every `topics/<name>` document with its version, kept by a watch (versions
 * compared, so a repeated or late event never moves an entry back), and the guarded writes that change
 * them. A write that loses the race reports 'conflict' after re-reading the key; a failed guard means this
 * broker is no longer the controller and throws NOT_CONTROLLER.
 */
export class TopicStore {
  private readonly entries = new Map<string, TopicEntry>();
  private unwatch: (() => void) | undefined;

  constructor(
    private readonly dcs: Dcs,
    /** Called after a change seen by the watch or a re-read (not after our own writes): reconcile on it. */
    private readonly onChange: (name: string) => void,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.unwatch = await this.dcs.watch(TOPICS_PREFIX, (e) => this.apply(e));
    for (const v of await this.dcs.list(TOPICS_PREFIX)) {
      this.apply({ type: 'put', key: v.key, value: v.value, version: v.version });
    }
  }

  stop(): void {
    this.unwatch?.();
    this.unwatch = undefined;
  }

  /** The live (not deleted) entry of a topic, being deleted or not. */
  entry(name: string): (TopicEntry & { record: TopicRecord }) | undefined {
    const e = this.entries.get(name);
    return e?.record ? (e as TopicEntry & { record: TopicRecord }) : undefined;
  }

  /** Every existing topic, sorted by name. */
  records(): TopicRecord[] {
    return [...this.entries.values()]
      .flatMap((e) => (e.record === null ? [] : [e.record]))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Writes `record` if the document is still at `expectedVersion` (0: absent). */
  async write(record: TopicRecord, expectedVersion: number, guard: DcsGuard): Promise<'ok' | 'conflict'> {
    const key = TOPICS_PREFIX + record.name;
    const result = await this.dcs.compareAndSet(key, encode(record), expectedVersion, { guard });
    if (result.guardFailed) throw notController();
    if (result.ok) {
      this.set(record.name, { record, version: result.version }, false);
      return 'ok';
    }
    await this.refresh(record.name);
    return 'conflict';
  }

  async remove(name: string, expectedVersion: number, guard: DcsGuard): Promise<'ok' | 'conflict'> {
    const result = await this.dcs.compareAndDelete(TOPICS_PREFIX + name, expectedVersion, { guard });
    if (result.guardFailed) throw notController();
    if (result.ok) {
      // The delete's own revision is unknown here (the watch event brings it); never move an entry back.
      if ((this.entries.get(name)?.version ?? 0) <= expectedVersion) {
        this.set(name, { record: null, version: expectedVersion }, false);
      }
      return 'ok';
    }
    await this.refresh(name);
    return 'conflict';
  }

  /** Re-reads one topic from the DCS (after a lost race). */
  async refresh(name: string): Promise<void> {
    const v = await this.dcs.get(TOPICS_PREFIX + name);
    if (v === null) {
      const known = this.entries.get(name);
      if (known !== undefined) this.entries.set(name, { record: null, version: known.version });
      return;
    }
    this.apply({ type: 'put', key: v.key, value: v.value, version: v.version });
  }

  private apply(e: DcsEvent): void {
    const name = e.key.slice(TOPICS_PREFIX.length);
    const known = this.entries.get(name);
    if (known !== undefined && known.version >= e.version) return;
    if (e.type === 'delete') {
      this.set(name, { record: null, version: e.version });
      return;
    }
    try {
      this.set(name, { record: decode(e.value, name), version: e.version });
    } catch (err) {
      this.logger.error(
        { err, topic: name, version: e.version },
        'unreadable topic document; left as it was',
      );
    }
  }

  private set(name: string, entry: TopicEntry, notify = true): void {
    const known = this.entries.get(name);
    if (known !== undefined && known.version > entry.version) return;
    this.entries.set(name, entry);
    if (notify) this.onChange(name);
  }
}

function encode(record: TopicRecord): Buffer {
  return Buffer.from(JSON.stringify(record), 'utf8');
}

function decode(value: Buffer, name: string): TopicRecord {
  const record = JSON.parse(value.toString('utf8')) as TopicRecord;
  if (record.name !== name || !Array.isArray(record.partitions)) {
    throw new Error(`topics/${name} does not hold a topic record for ${name}`);
  }
  return record;
}

function notController(): TributaryError {
  return new TributaryError('NOT_CONTROLLER', 'this broker is no longer the controller (guard failed)');
}

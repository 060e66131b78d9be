import type { DcsLogger } from '../dcs.js';
import { type DcsEvent, deliver, type VersionedValue } from '../dcs.js';
import { relistEvents } from '../resumable-watch.js';
import type { KubeApi } from './kube-api.js';
import { KubeListWatch } from './kube-list-watch.js';
import { CONFIGMAPS, type ConfigMapObject, entryOf, resourcePath, selectorOf } from './kube-objects.js';

interface Subscriber {
  readonly prefix: string;
  readonly listener: (event: DcsEvent) => void;
}

/**
 * The one watch of a store's ConfigMaps (every key under the DCS prefix), shared by every `watch()` of
 * the store: one stream on the API server per broker rather than one per watched prefix. Events reach the
 * subscribers whose prefix matches, in resourceVersion order.
 *
 * A subscriber added while the stream runs gets every event committed after it joined; a `list` made
 * after that misses nothing, which is what `Dcs.watch` promises. After a 410 Gone the keys are listed
 * again and the difference is delivered (puts by version, then deletes at the list's version): the
 * intermediate states are skipped, the end state is exact, as with the etcd backend after a compaction.
 */
export class KubeKeyWatch {
  private readonly subscribers = new Set<Subscriber>();
  /** Every key under the prefix and its version, as last delivered. */
  private readonly known = new Map<string, number>();
  /** The highest version delivered: anything at or below it is a repeat. */
  private delivered = 0;
  private readonly listWatch: KubeListWatch<ConfigMapObject>;
  private starting: Promise<void> | undefined;

  constructor(
    api: KubeApi,
    namespace: string,
    dcsPrefix: string,
    private readonly logger: DcsLogger | undefined,
  ) {
    this.listWatch = new KubeListWatch(
      api,
      resourcePath(namespace, CONFIGMAPS),
      selectorOf(dcsPrefix),
      {
        onList: (items, rv, initial) => this.onList(items, rv, initial),
        onEvent: (type, cm) => this.onEvent(type, cm),
      },
      logger,
    );
  }

  async subscribe(prefix: string, listener: (event: DcsEvent) => void): Promise<() => void> {
    if (this.starting === undefined) {
      this.starting = this.listWatch.start().catch((err: unknown) => {
        this.starting = undefined; // nothing runs after a failed start: the next subscribe tries again
        throw err;
      });
    }
    await this.starting;
    const subscriber: Subscriber = { prefix, listener };
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  stop(): void {
    this.subscribers.clear();
    this.listWatch.stop();
  }

  private onList(items: ConfigMapObject[], listResourceVersion: string, initial: boolean): void {
    const present = new Map<string, VersionedValue>();
    for (const cm of items) {
      const entry = this.read(cm);
      if (entry !== undefined) present.set(entry.key, entry);
    }
    const at = Math.max(this.delivered, Number(listResourceVersion) || 0);
    if (initial) {
      for (const e of present.values()) this.known.set(e.key, e.version);
      this.delivered = at;
      return;
    }
    const events = relistEvents(this.known, present, at);
    this.delivered = at;
    for (const event of events) this.emit(event);
  }

  private onEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', cm: ConfigMapObject): void {
    const entry = this.read(cm);
    if (entry === undefined || entry.version <= this.delivered) return;
    this.delivered = entry.version;
    if (type === 'DELETED') {
      this.known.delete(entry.key);
      // A deleted object carries the resourceVersion of its deletion.
      this.emit({ type: 'delete', key: entry.key, version: entry.version });
    } else {
      this.known.set(entry.key, entry.version);
      this.emit({ type: 'put', key: entry.key, value: entry.value, version: entry.version });
    }
  }

  private emit(event: DcsEvent): void {
    for (const s of this.subscribers) {
      if (event.key.startsWith(s.prefix)) deliver(s.listener, event);
    }
  }

  /** An object that is not a readable key is skipped, not fatal: someone else's edit must not stop a broker. */
  private read(cm: ConfigMapObject): VersionedValue | undefined {
    try {
      return entryOf(cm);
    } catch (err) {
      this.logger?.warn({ name: cm?.metadata?.name, err }, 'skipping an unreadable DCS object');
      return undefined;
    }
  }
}

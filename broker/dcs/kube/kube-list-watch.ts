import type { DcsLogger } from '../dcs.js';
import { ResumableWatch } from '../resumable-watch.js';
import { type KubeApi, KubeApiError, type KubeWatchEvent, type KubeWatchStream } from './kube-api.js';
import type { ObjectMeta } from './kube-objects.js';

/** What a list-watch reports, in the order the API server committed it. */
export interface ListWatchHandler<T> {
  /**
   * The whole collection: once at start (`initial`), and again whenever the watch fell so far behind
   * that the server no longer had the changes in between (410 Gone); the handler works out the
   * difference itself.
   */
  onList(items: T[], listResourceVersion: string, initial: boolean): void;
  onEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: T): void;
}

/**
 * Server-side watch timeouts are spread over this range, as client-go does, so reconnects do not bunch.
 * Short, because a connection that died without a reset (a half-open TCP connection) is noticed only by
 * the idle watchdog, at the timeout plus its slack (kube-api.ts): 1.5 to 2.5 minutes.
 */
const WATCH_TIMEOUT_S_MIN = 60;
const WATCH_TIMEOUT_S_SPREAD = 60;
/** A watch that ends sooner than this after it opened is reopened with backoff, not at once. */
const WATCH_LIFETIME_MS_ORDINARY = 1_000;

/**
 * List, then watch from the list's resourceVersion, for as long as it runs (the informer pattern without
 * a cache: the handler keeps what it needs). A watch that ends (server timeout) or breaks (network, API
 * server restart) is reopened from the last resourceVersion it delivered, bookmarks included, so nothing
 * is missed or repeated; when that version is too old (410 Gone), the collection is listed again.
 */
export class KubeListWatch<T extends { metadata?: ObjectMeta }> extends ResumableWatch {
  private resourceVersion = '';
  private stream: KubeWatchStream | undefined;

  constructor(
    private readonly api: KubeApi,
    private readonly path: string,
    private readonly labelSelector: string,
    private readonly handler: ListWatchHandler<T>,
    logger: DcsLogger | undefined,
  ) {
    super(logger);
  }

  /** Lists and opens the watch; resolves once the API server accepted it. */
  async start(): Promise<void> {
    await this.list(true);
    await this.attach(); // after stop(): opens nothing, and a watch it was opening is stopped at once
  }

  stop(): void {
    this.markStopped();
    this.stream?.stop();
    this.stream = undefined;
  }

  protected position(): Record<string, unknown> {
    return { path: this.path, fromResourceVersion: this.resourceVersion };
  }

  protected relist(): Promise<void> {
    return this.list(false);
  }

  protected override onReopenFailed(err: unknown): void {
    if (err instanceof KubeApiError && err.status === 410) this.relistNeeded = true;
  }

  private async list(initial: boolean): Promise<void> {
    const list = await this.api.list<T>(this.path, this.labelSelector);
    if (this.stopped) return;
    this.resourceVersion = list.resourceVersion;
    this.relistNeeded = false;
    this.handler.onList(list.items, list.resourceVersion, initial);
  }

  protected async attach(): Promise<void> {
    if (this.stopped) return;
    const generation = ++this.generation;
    const stream = await this.api.watch(
      this.path,
      {
        labelSelector: this.labelSelector,
        resourceVersion: this.resourceVersion,
        timeoutSeconds: WATCH_TIMEOUT_S_MIN + Math.floor(Math.random() * WATCH_TIMEOUT_S_SPREAD),
      },
      (event) => {
        if (generation === this.generation) this.onWatchEvent(event);
      },
    );
    if (generation !== this.generation) {
      stream.stop();
      return;
    }
    this.stream = stream;
    const openedAtMs = performance.now();
    void stream.ended.then((err) => {
      if (generation !== this.generation) return;
      this.stream = undefined;
      const ordinary = performance.now() - openedAtMs >= WATCH_LIFETIME_MS_ORDINARY;
      if (err === undefined && !this.relistNeeded && ordinary) {
        // The server's timeout: an ordinary end. Watch on from where it stopped.
        this.resetBackoff();
        void this.reopen();
      } else {
        this.retry(
          err ??
            new Error(
              this.relistNeeded ? 'the watch fell behind the server (410 Gone)' : 'the watch ended at once',
            ),
        );
      }
    });
  }

  private onWatchEvent(event: KubeWatchEvent): void {
    const object = event.object as T | undefined;
    if (event.type === 'ERROR') {
      const status = event.object as { code?: number; message?: string } | undefined;
      if (status?.code === 410) this.relistNeeded = true;
      this.logger?.warn(
        { path: this.path, status: status?.code, err: status?.message },
        'DCS watch error event',
      );
      // Nothing useful follows an error on this stream: end it, and its end reopens it (or relists).
      this.stream?.stop();
      return;
    }
    const rv = object?.metadata?.resourceVersion;
    if (typeof rv === 'string' && rv !== '') this.resourceVersion = rv;
    if (event.type === 'BOOKMARK') return;
    this.resetBackoff();
    this.handler.onEvent(event.type, object as T);
  }
}

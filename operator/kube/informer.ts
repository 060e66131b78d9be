/**
 * An informer: a ListWatch cache of one kind (client-node's `makeInformer`) that keeps itself alive.
 *
 * client-node's ListWatch re-watches on its own when the server ends a watch, and re-lists after a 410
 * (resource version too old), but after any other failure (the API server unreachable, a list refused)
 * it reports an error and stops. This wrapper restarts it then, after a capped exponential backoff, so
 * the cache heals without the operator restarting. `synced` turns true once the first list arrived;
 * reconcilers read objects from here, not with fresh GETs.
 */
import {
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  makeInformer,
} from '@kubernetes/client-node';
import { type BackoffPolicy, backoffDelayMs } from '../../kit/backoff.js';

export type InformerEvent = 'add' | 'update' | 'delete';

export interface InformerOptions<T extends KubernetesObject> {
  /** What it caches, for logs: e.g. `clusters`, `statefulsets`. */
  name: string;
  /** Watch path, e.g. `/apis/apps/v1/statefulsets` or `/apis/apps/v1/namespaces/ns/statefulsets`. */
  path: string;
  /** Lists the objects (with the same namespace and label selector as the watch). */
  list: () => Promise<KubernetesListObject<T>>;
  labelSelector?: string;
  restart?: BackoffPolicy;
  /** Told about each failure of the list or watch, and the delay before the next attempt. */
  onError?: (name: string, err: unknown, retryInMs: number) => void;
}

const DEFAULT_RESTART: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };

export class Informer<T extends KubernetesObject> {
  private readonly inner;
  private readonly handlers: Array<(obj: T, event: InformerEvent) => void> = [];
  private readonly restart: BackoffPolicy;
  private failures = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = true;
  private listed = false;
  private syncWaiters: Array<() => void> = [];

  constructor(
    kubeConfig: KubeConfig,
    private readonly options: InformerOptions<T>,
  ) {
    this.restart = options.restart ?? DEFAULT_RESTART;
    this.inner = makeInformer<T>(kubeConfig, options.path, options.list, options.labelSelector);
    for (const event of ['add', 'update', 'delete'] as const) {
      this.inner.on(event, (obj: T) => {
        this.listed = true;
        for (const handler of this.handlers) handler(obj, event);
      });
    }
    this.inner.on('error', (err?: unknown) => this.failed(err));
  }

  /** True once a list has been received (the cache reflects the server at some recent point). */
  get synced(): boolean {
    return this.listed;
  }

  /** Calls `handler` for every change (adds of the first list included). */
  onChange(handler: (obj: T, event: InformerEvent) => void): void {
    this.handlers.push(handler);
  }

  get(name: string, namespace?: string): T | undefined {
    return this.inner.get(name, namespace);
  }

  list(namespace?: string): ReadonlyArray<T> {
    return this.inner.list(namespace);
  }

  /** Starts listing and watching; resolves when the first list arrived (retrying until it does). */
  async start(): Promise<void> {
    this.stopped = false;
    const synced = new Promise<void>((resolve) => this.syncWaiters.push(resolve));
    await this.attempt();
    await synced;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer !== undefined) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    await this.inner.stop();
    for (const waiter of this.syncWaiters) waiter();
    this.syncWaiters = [];
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    let failedDuringStart = false;
    const noteFailure = () => {
      failedDuringStart = true;
    };
    this.inner.on('error', noteFailure);
    try {
      // Resolves after the list and the watch request; most failures arrive through the 'error' callback,
      // but some reject (no current cluster in the kubeconfig, an event handler that threw): those are
      // retried the same way, never left as an unhandled rejection that would end the process.
      await this.inner.start();
    } catch (err) {
      failedDuringStart = true;
      this.failed(err);
    } finally {
      this.inner.off('error', noteFailure);
    }
    if (failedDuringStart || this.stopped) return;
    this.failures = 0;
    // An empty list fires no add events, so the list having been received is known only here.
    this.listed = true;
    for (const waiter of this.syncWaiters) waiter();
    this.syncWaiters = [];
  }

  private failed(err: unknown): void {
    if (this.stopped || this.restartTimer !== undefined) return;
    this.failures++;
    const delayMs = backoffDelayMs(this.failures, this.restart);
    this.options.onError?.(this.options.name, err, delayMs);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.attempt();
    }, delayMs);
  }
}

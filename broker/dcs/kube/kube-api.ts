import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { type BackoffPolicy, backoffDelayMs } from '../../../kit/backoff.js';
import { sleep } from '../../../kit/sleep.js';
import type { KubeConnection } from './kube-config.js';

/**
 * A small JSON client of the Kubernetes REST API, just what the `kubernetes` DCS backend needs: requests
 * with a deadline each and a cap on the answer's size, paged lists, and watch streams. It keeps its
 * connections alive (one TLS handshake, not one per request) and retries only what is safe to retry:
 * reads after a network error, and any request the server refused with 401 (after re-reading a rotated
 * token) or 429 (not executed). A write whose answer was lost is reported, never repeated blindly.
 */

/** An error status from the API server (a metav1.Status), or a request that got no answer. */
export class KubeApiError extends Error {
  constructor(
    /** HTTP status; 0 when the request got no answer (network error, timeout). */
    readonly status: number,
    /** The Status reason (`Conflict`, `AlreadyExists`, `NotFound`, `Expired`, ...) or '' */
    readonly reason: string,
    message: string,
    options: { cause?: unknown; retryAfterMs?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'KubeApiError';
    this.retryAfterMs = options.retryAfterMs;
  }

  /** A 429's `retryAfterSeconds`, in ms. */
  readonly retryAfterMs: number | undefined;

  get retriable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

export interface KubeWatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: unknown;
}

/** An open watch stream: `ended` settles when the server or the network ends it, or it is stopped. */
export interface KubeWatchStream {
  readonly ended: Promise<Error | undefined>;
  stop(): void;
}

/** Whole-answer cap of a request, and of one line of a watch (a ConfigMap holds at most 1 MiB). */
const RESPONSE_BYTES_MAX = 64 * 1024 * 1024;
const WATCH_LINE_BYTES_MAX = 8 * 1024 * 1024;
/** Objects per page of a list, and pages per list. */
const LIST_PAGE_ITEMS = 50; // up to 1 MiB each: a page stays well under RESPONSE_BYTES_MAX
const LIST_PAGES_MAX = 400;
const READ_ATTEMPTS_MAX = 3;
/** Pause before a retried read (a 429 waits as the server asks instead). */
const READ_RETRY_BACKOFF: BackoffPolicy = { baseMs: 100, maxMs: 1_000 };
/** Longest Retry-After honoured; a longer one fails the request instead. */
const RETRY_AFTER_MS_MAX = 2_000;
const SOCKETS_MAX = 16;
/** No byte on a watch for this long beyond its server-side timeout means the connection is dead. */
const WATCH_IDLE_SLACK_MS = 30_000;

export class KubeApi {
  private readonly agent: HttpAgent;
  private readonly request: typeof httpsRequest;

  constructor(
    readonly connection: KubeConnection,
    readonly requestTimeoutMs: number,
  ) {
    const https = connection.server.protocol === 'https:';
    this.agent = https
      ? new HttpsAgent({ keepAlive: true, maxSockets: SOCKETS_MAX, ...connection.tls })
      : new HttpAgent({ keepAlive: true, maxSockets: SOCKETS_MAX });
    this.request = (https ? httpsRequest : httpRequest) as typeof httpsRequest;
  }

  /**
   * One request; resolves with the parsed answer, or throws KubeApiError. `timeoutMs` bounds the whole
   * exchange, attempts included (default: the request timeout).
   */
  async call<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: { body?: unknown; query?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<T> {
    const deadlineMs = performance.now() + (options.timeoutMs ?? this.requestTimeoutMs);
    const url = this.url(path, options.query);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const remainingMs = deadlineMs - performance.now();
      if (remainingMs <= 0) throw new KubeApiError(0, 'Timeout', `${method} ${path} timed out`);
      try {
        return await this.once<T>(method, url, body, remainingMs, refreshed);
      } catch (err) {
        if (!(err instanceof KubeApiError)) throw err;
        if (err.status === 401 && !refreshed) {
          refreshed = true; // a rotated token: read it again, once
          continue;
        }
        // A 429 was not executed: wait as asked when that is short, then send it again.
        const retryAfterMs =
          err.status === 429 && (err.retryAfterMs ?? 0) <= RETRY_AFTER_MS_MAX
            ? (err.retryAfterMs ?? 100)
            : undefined;
        const again =
          attempt < READ_ATTEMPTS_MAX && (retryAfterMs !== undefined || (method === 'GET' && err.retriable));
        if (!again) throw err;
        const pauseMs = retryAfterMs ?? backoffDelayMs(attempt, READ_RETRY_BACKOFF);
        await sleep(Math.min(pauseMs, Math.max(0, deadlineMs - performance.now())));
      }
    }
  }

  /** Every object of a collection matching `labelSelector`, page by page, and the list's resourceVersion. */
  async list<T>(path: string, labelSelector: string): Promise<{ items: T[]; resourceVersion: string }> {
    const items: T[] = [];
    let resourceVersion = '';
    let next = '';
    for (let page = 0; page < LIST_PAGES_MAX; page++) {
      const query: Record<string, string> = { labelSelector, limit: String(LIST_PAGE_ITEMS) };
      if (next !== '') query.continue = next;
      const res = await this.call<{
        items?: T[];
        metadata?: { resourceVersion?: string; continue?: string };
      }>('GET', path, { query });
      items.push(...(res.items ?? []));
      // The first page fixes the snapshot; later pages continue it at the same resourceVersion.
      if (page === 0) resourceVersion = res.metadata?.resourceVersion ?? '';
      next = res.metadata?.continue ?? '';
      if (next === '') return { items, resourceVersion };
    }
    throw new Error(`${path} holds more than ${LIST_PAGES_MAX * LIST_PAGE_ITEMS} objects`);
  }

  /**
   * Opens a watch from `resourceVersion` (exclusive) and resolves once the server accepted it (200);
   * events then go to `onEvent` in order. Rejects with KubeApiError when the server refuses (410: the
   * version is too old to watch from).
   */
  // biome-ignore lint/complexity/noExcessiveLinesPerFunction: one HTTP watch request: its line parser, idle watchdog and end handling share the request's closure
  watch(
    path: string,
    query: { labelSelector: string; resourceVersion: string; timeoutSeconds: number },
    onEvent: (event: KubeWatchEvent) => void,
  ): Promise<KubeWatchStream> {
    const url = this.url(path, {
      watch: '1',
      allowWatchBookmarks: 'true',
      labelSelector: query.labelSelector,
      resourceVersion: query.resourceVersion,
      timeoutSeconds: String(query.timeoutSeconds),
    });
    const idleMs = query.timeoutSeconds * 1000 + WATCH_IDLE_SLACK_MS;
    return this.headers(false).then(
      (headers) =>
        new Promise<KubeWatchStream>((resolve, reject) => {
          let settle: (err: Error | undefined) => void = () => undefined;
          const ended = new Promise<Error | undefined>((r) => {
            settle = r;
          });
          let accepted = false;
          let idleTimer: NodeJS.Timeout | undefined;
          const req = this.request(url, { method: 'GET', agent: this.agent, headers }, (res) => {
            if (res.statusCode !== 200) {
              // A rotated token: the next attempt (the caller's retry) reads it again.
              if (res.statusCode === 401)
                void this.connection.authorization({ refresh: true }).catch(() => undefined);
              readBody(res, RESPONSE_BYTES_MAX).then(
                (text) => reject(statusError(res.statusCode ?? 0, text, `watch ${path}`)),
                (err: Error) =>
                  reject(new KubeApiError(0, '', `watch ${path}: ${err.message}`, { cause: err })),
              );
              return;
            }
            accepted = true;
            resolve({ ended, stop: () => finish(undefined) });
            let pending = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              armIdle();
              pending += chunk;
              let nl = pending.indexOf('\n');
              while (nl >= 0) {
                const line = pending.slice(0, nl);
                pending = pending.slice(nl + 1);
                nl = pending.indexOf('\n');
                if (line.trim() === '') continue;
                let event: unknown;
                try {
                  event = JSON.parse(line);
                } catch (err) {
                  return finish(new Error(`watch ${path}: unreadable event: ${(err as Error).message}`));
                }
                if (!isWatchEvent(event)) return finish(new Error(`watch ${path}: malformed event`));
                onEvent(event);
              }
              if (pending.length > WATCH_LINE_BYTES_MAX) {
                finish(new Error(`watch ${path}: an event exceeds ${WATCH_LINE_BYTES_MAX} bytes`));
              }
            });
            res.on('end', () => finish(undefined));
            res.on('error', (err) => finish(err));
            // A connection cut mid-stream may close without 'end'; after 'end' this changes nothing.
            res.on('close', () => finish(new Error(`watch ${path}: connection closed`)));
          });
          const finish = (err: Error | undefined) => {
            clearTimeout(idleTimer);
            req.destroy();
            settle(err);
          };
          const armIdle = () => {
            clearTimeout(idleTimer);
            idleTimer = setTimeout(
              () => finish(new Error(`watch ${path}: no data for ${idleMs} ms`)),
              idleMs,
            );
            idleTimer.unref();
          };
          // Until the server answers, the request timeout applies; then the idle watchdog.
          const openTimer = setTimeout(
            () => req.destroy(new Error(`watch ${path}: no answer in ${this.requestTimeoutMs} ms`)),
            this.requestTimeoutMs,
          );
          req.on('response', () => {
            clearTimeout(openTimer);
            armIdle();
          });
          req.on('error', (err) => {
            clearTimeout(openTimer);
            if (accepted) finish(err);
            else reject(new KubeApiError(0, '', `watch ${path}: ${err.message}`, { cause: err }));
          });
          req.end();
        }),
    );
  }

  close(): void {
    this.agent.destroy();
  }

  private url(path: string, query: Record<string, string> | undefined): URL {
    // A server URL may carry a path (an API server behind a proxy at /k8s): the request path goes after it.
    const server = this.connection.server;
    const url = new URL(server.pathname.replace(/\/+$/, '') + path, server);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    return url;
  }

  private async headers(refresh: boolean, body?: string): Promise<Record<string, string>> {
    const authorization = await this.connection.authorization({ refresh });
    return {
      accept: 'application/json',
      'user-agent': 'tributary-broker',
      ...(authorization === '' ? {} : { authorization }),
      ...(body === undefined
        ? {}
        : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
    };
  }

  private async once<T>(
    method: string,
    url: URL,
    body: string | undefined,
    timeoutMs: number,
    refresh: boolean,
  ): Promise<T> {
    const headers = await this.headers(refresh, body);
    const what = `${method} ${url.pathname}`;
    return new Promise<T>((resolve, reject) => {
      const req = this.request(url, { method, agent: this.agent, headers }, (res) => {
        readBody(res, RESPONSE_BYTES_MAX).then(
          (text) => {
            clearTimeout(timer);
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300) return reject(statusError(status, text, what));
            try {
              resolve(JSON.parse(text) as T);
            } catch (err) {
              reject(new KubeApiError(status, '', `${what}: unreadable answer`, { cause: err }));
            }
          },
          (err: Error) => {
            clearTimeout(timer);
            reject(new KubeApiError(0, '', `${what}: ${err.message}`, { cause: err }));
          },
        );
      });
      const timer = setTimeout(
        () => req.destroy(new Error(`no answer in ${Math.round(timeoutMs)} ms`)),
        timeoutMs,
      );
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(new KubeApiError(0, '', `${what}: ${err.message}`, { cause: err }));
      });
      req.end(body);
    });
  }
}

const WATCH_EVENT_TYPES: ReadonlySet<string> = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

/** An event of a known type with an object; all but ERROR (a Status) carry the object's metadata. */
function isWatchEvent(event: unknown): event is KubeWatchEvent {
  if (typeof event !== 'object' || event === null) return false;
  const { type, object } = event as { type?: unknown; object?: unknown };
  if (typeof type !== 'string' || !WATCH_EVENT_TYPES.has(type)) return false;
  if (typeof object !== 'object' || object === null) return false;
  if (type === 'ERROR') return true;
  const metadata = (object as { metadata?: unknown }).metadata;
  return typeof metadata === 'object' && metadata !== null;
}

function readBody(res: IncomingMessage, bytesMax: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    res.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > bytesMax) {
        res.destroy(new Error(`answer exceeds ${bytesMax} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('answer cut off')));
  });
}

/** A metav1.Status answer as an error (its reason and message when readable). */
function statusError(status: number, text: string, what: string): KubeApiError {
  let reason = '';
  let message = text.slice(0, 300);
  let retryAfterMs: number | undefined;
  try {
    const s = JSON.parse(text) as {
      reason?: string;
      message?: string;
      details?: { retryAfterSeconds?: number };
    };
    reason = s.reason ?? '';
    message = s.message ?? message;
    if (typeof s.details?.retryAfterSeconds === 'number') retryAfterMs = s.details.retryAfterSeconds * 1000;
  } catch {
    // Not a Status (a proxy's page, say): keep the text.
  }
  return new KubeApiError(status, reason, `${what}: ${status} ${reason} ${message}`.trim(), {
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

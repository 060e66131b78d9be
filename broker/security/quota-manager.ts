/**
 * Client quotas (docs/architecture.md, "Security: quotas"): produce bytes/s, fetch bytes/s and
 * requests/s per principal and client id, as Kafka resolves them. For each quota key the first entity
 * with a value wins, most specific first:
 *   (principal, client) > (principal, <default> client) > (principal) >
 *   (<default> principal, client) > (<default>, <default>) > (<default> principal) >
 *   (client) > (<default> client)
 * A quota is shared by everything the winning entity covers: `(User:a)` is one bucket for all of alice's
 * clients; a `<default>` part stands for each principal (or client id) on its own, so `(<default>)` gives
 * every principal a bucket of its own.
 *
 * Enforcement: a token bucket per (key, resolved entity) refilling at the quota with a quarter second of
 * burst (small, so a client that was slow for a while cannot make up for it in a burst above the rate).
 * Usage is taken when known (request bytes on arrival, response bytes as sent), and the bucket may go into
 * debt; `throttleMs` is how long until it is positive again. The broker tells the client that time
 * (`tributary-throttle-ms`), and holds the client's next request of that kind until the debt is paid, so
 * a client that ignores the hint is slowed all the same. Bucket state is bounded (least recently used
 * buckets go first; a forgotten bucket starts full).
 */
import { TokenBucket } from '../../kit/token-bucket.js';
import { QUOTA_DEFAULT, type QuotaDoc, type QuotaKey } from './security-records.js';

export const BUCKETS_MAX = 10_000;
/** The longest a client is told to wait, or held, at a time. */
export const THROTTLE_MS_MAX = 30_000;
/** Seconds of quota a bucket holds when full. */
const BURST_SECONDS = 0.25;

const UNSET = '\u0001';

interface Bucket {
  limit: number;
  bucket: TokenBucket;
  /** The caller that made it (to resolve it again when quotas change). */
  kind: QuotaKey;
  principal: string;
  clientId: string;
}

function entityKey(principal: string | undefined, clientId: string | undefined): string {
  return `${principal ?? UNSET}\u0000${clientId ?? UNSET}`;
}

export class QuotaManager {
  private readonly limits = new Map<string, Partial<Record<QuotaKey, number>>>();
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = Date.now) {}

  get bucketCount(): number {
    return this.buckets.size;
  }

  get empty(): boolean {
    return this.limits.size === 0;
  }

  setQuotas(docs: readonly QuotaDoc[]): void {
    this.limits.clear();
    for (const d of docs) this.limits.set(entityKey(d.entity.principal, d.entity.clientId), d.values);
    // Buckets whose quota went away are dropped; the others take their new limit when next used.
    for (const [key, b] of this.buckets) {
      if (this.resolve(b.kind, b.principal, b.clientId)?.bucketKey !== key) this.buckets.delete(key);
    }
  }

  /** The quota for a key and caller, and the bucket it is kept in; undefined when none applies. */
  resolve(
    kind: QuotaKey,
    principal: string,
    clientId: string,
  ): { limit: number; bucketKey: string } | undefined {
    if (this.limits.size === 0) return undefined;
    // A caller without a client id has the client id "": only a <default> client id entity covers it.
    const candidates: Array<[string | undefined, string | undefined]> = [
      [principal, clientId],
      [principal, QUOTA_DEFAULT],
      [principal, undefined],
      [QUOTA_DEFAULT, clientId],
      [QUOTA_DEFAULT, QUOTA_DEFAULT],
      [QUOTA_DEFAULT, undefined],
      [undefined, clientId],
      [undefined, QUOTA_DEFAULT],
    ];
    for (const [p, cl] of candidates) {
      const limit = this.limits.get(entityKey(p, cl))?.[kind];
      if (limit === undefined) continue;
      // A <default> part stands for the caller's own value; an unset part is not part of the bucket.
      const bucketPrincipal = p === undefined ? UNSET : principal;
      const bucketClient = cl === undefined ? UNSET : clientId;
      return { limit, bucketKey: `${kind}\u0000${bucketPrincipal}\u0000${bucketClient}` };
    }
    return undefined;
  }

  /** How long a request of this kind should wait before it is handled (0: at once). */
  throttleMs(kind: QuotaKey, principal: string, clientId: string): number {
    const b = this.bucket(kind, principal, clientId);
    return b === undefined ? 0 : Math.min(THROTTLE_MS_MAX, b.waitMs());
  }

  /** Takes `amount` and answers how long the caller should now wait (0: no throttle). */
  record(kind: QuotaKey, principal: string, clientId: string, amount: number): number {
    const b = this.bucket(kind, principal, clientId);
    if (b === undefined) return 0;
    b.take(amount);
    return Math.min(THROTTLE_MS_MAX, b.waitMs());
  }

  private bucket(kind: QuotaKey, principal: string, clientId: string): TokenBucket | undefined {
    const resolved = this.resolve(kind, principal, clientId);
    if (resolved === undefined) return undefined;
    const { limit, bucketKey } = resolved;
    let b = this.buckets.get(bucketKey);
    if (b !== undefined) {
      this.buckets.delete(bucketKey); // re-inserted: the map's order is least recently used first
      if (b.limit !== limit) {
        b.bucket.setRate(limit, limit * BURST_SECONDS);
        b.limit = limit;
      }
    } else {
      while (this.buckets.size >= BUCKETS_MAX)
        this.buckets.delete(this.buckets.keys().next().value as string);
      b = {
        limit,
        bucket: new TokenBucket(limit, limit * BURST_SECONDS, this.now),
        kind,
        principal,
        clientId,
      };
    }
    this.buckets.set(bucketKey, b);
    return b.bucket;
  }
}

/**
 * Kubernetes service-account tokens (docs/architecture.md, "Security"): a bearer token that is not one of
 * ours is sent to the API server's TokenReview for the audience `serviceAccountAudience`; an authenticated
 * `system:serviceaccount:<ns>:<name>` whose audiences include ours becomes `ServiceAccount:<ns>/<name>`.
 *
 * Answers are cached by the token's SHA-256 (never the token): an accepted token until the earlier of its
 * own `exp` and REVIEW_CACHE_MS (so a token bound to a deleted pod or secret stops working within that),
 * a refused one for REFUSED_CACHE_MS (a client retrying a bad token costs the API server nothing). The
 * cache is bounded (oldest entries go first); concurrent reviews of one token share one request, and at
 * most REVIEWS_IN_FLIGHT_MAX run at once (more are refused, retriable).
 */
import { createHash } from 'node:crypto';
import { TributaryError } from '../../proto/errors.js';
import { KubeApi } from '../dcs/kube/kube-api.js';
import { loadKubeConnection } from '../dcs/kube/kube-config.js';

export const SERVICE_ACCOUNT_TOKEN_BYTES_MAX = 16 * 1024;
const REVIEW_CACHE_MS = 60_000;
const REFUSED_CACHE_MS = 10_000;
const CACHE_ENTRIES_MAX = 10_000;
const REVIEWS_IN_FLIGHT_MAX = 32;
const REVIEW_TIMEOUT_MS = 10_000;

export interface ReviewedToken {
  principal: string;
  /** When the answer stops being trusted (token expiry or cache limit). */
  validUntilMs: number;
}

type Review = { ok: true; principal: string } | { ok: false; why: string };

/** What TokenReview answers (the fields read). */
interface TokenReviewStatus {
  authenticated?: boolean;
  error?: string;
  audiences?: string[];
  user?: { username?: string };
}

/** Does the work of one review; the real one POSTs a TokenReview (tests may stand in). */
export type TokenReviewer = (token: string, audience: string) => Promise<TokenReviewStatus>;

export function kubeTokenReviewer(kubeconfig: string): TokenReviewer {
  let api: Promise<KubeApi> | undefined;
  return async (token, audience) => {
    api ??= loadKubeConnection({ kubeconfig }).then((c) => new KubeApi(c, REVIEW_TIMEOUT_MS));
    const review = await (await api).call<{ status?: TokenReviewStatus }>(
      'POST',
      '/apis/authentication.k8s.io/v1/tokenreviews',
      {
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenReview',
          spec: { token, audiences: [audience] },
        },
      },
    );
    return review.status ?? {};
  };
}

/** The `exp` claim of a JWT in ms, unverified (only to bound how long an accepted answer is cached). */
function jwtExpiryMs(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export class ServiceAccountReviewer {
  private readonly cache = new Map<string, { review: Review; untilMs: number }>();
  private readonly inFlight = new Map<string, Promise<Review>>();

  constructor(
    private readonly audience: string,
    private readonly review: TokenReviewer,
    private readonly now: () => number = Date.now,
  ) {}

  /** The principal of a valid token; throws AUTHENTICATION_FAILED (or _EXPIRED) naming why, never the token. */
  async authenticate(token: string): Promise<ReviewedToken> {
    if (token.length === 0 || token.length > SERVICE_ACCOUNT_TOKEN_BYTES_MAX)
      throw new TributaryError(
        'AUTHENTICATION_FAILED',
        `a bearer token has 1 to ${SERVICE_ACCOUNT_TOKEN_BYTES_MAX} bytes`,
      );
    const expMs = jwtExpiryMs(token);
    const now = this.now();
    if (expMs !== undefined && expMs <= now)
      throw new TributaryError('AUTHENTICATION_EXPIRED', 'the service-account token has expired');
    const key = createHash('sha256').update(token).digest('base64');
    let entry = this.cache.get(key);
    if (entry !== undefined && entry.untilMs <= now) {
      this.cache.delete(key);
      entry = undefined;
    }
    const review = entry?.review ?? (await this.reviewOnce(key, token, expMs));
    if (!review.ok)
      throw new TributaryError('AUTHENTICATION_FAILED', `service-account token refused: ${review.why}`);
    return {
      principal: review.principal,
      validUntilMs: Math.min(expMs ?? Number.POSITIVE_INFINITY, now + REVIEW_CACHE_MS),
    };
  }

  private reviewOnce(key: string, token: string, expMs: number | undefined): Promise<Review> {
    const running = this.inFlight.get(key);
    if (running !== undefined) return running;
    if (this.inFlight.size >= REVIEWS_IN_FLIGHT_MAX)
      return Promise.reject(
        new TributaryError('TOO_MANY_REQUESTS', 'too many service-account token reviews in flight'),
      );
    const work = this.ask(token).then((review) => {
      const now = this.now();
      const untilMs = review.ok
        ? Math.min(expMs ?? Number.POSITIVE_INFINITY, now + REVIEW_CACHE_MS)
        : now + REFUSED_CACHE_MS;
      if (this.cache.size >= CACHE_ENTRIES_MAX) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, { review, untilMs });
      return review;
    });
    this.inFlight.set(key, work);
    const forget = () => this.inFlight.delete(key);
    work.then(forget, forget);
    return work;
  }

  private async ask(token: string): Promise<Review> {
    let status: TokenReviewStatus;
    try {
      status = await this.review(token, this.audience);
    } catch (err) {
      // The API server did not answer: not the client's fault, and not cached.
      throw new TributaryError('TOO_MANY_REQUESTS', `TokenReview failed: ${(err as Error).message}`);
    }
    if (status.authenticated !== true) return { ok: false, why: status.error ?? 'not authenticated' };
    if (!(status.audiences ?? []).includes(this.audience))
      return { ok: false, why: `not issued for the audience "${this.audience}"` };
    const match = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(status.user?.username ?? '');
    if (match === null) return { ok: false, why: 'not a service-account token' };
    return { ok: true, principal: `ServiceAccount:${match[1]}/${match[2]}` };
  }
}

/**
 * Session tokens issued by a SCRAM exchange (docs/architecture.md, "Security"): 32 random bytes, kept by
 * their SHA-256 (a memory dump shows no usable token) with the principal, the mechanism and the expiry.
 * Bounded: past SESSIONS_MAX the oldest session goes (sessions all live sessionLifetimeMs, so the oldest
 * is the first to expire); expired ones are dropped when met and by a sweep on every issue.
 */
import { createHash, randomBytes } from 'node:crypto';
import { TributaryError } from '../../proto/errors.js';

export const SESSION_TOKEN_PREFIX = 'tss.';
export const SESSIONS_MAX = 100_000;
/** Expired sessions removed per issue (amortized sweep). */
const SWEEP_PER_ISSUE = 4;

export interface Session {
  principal: string;
  mechanism: string;
  expiresAtMs: number;
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64');
}

export class SessionTokens {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
    private readonly max: number = SESSIONS_MAX,
  ) {
    if (!(lifetimeMs > 0)) throw new RangeError(`session lifetime must be positive, got ${lifetimeMs}`);
  }

  get size(): number {
    return this.sessions.size;
  }

  issue(principal: string, mechanism: string): { token: string; expiresAtMs: number } {
    this.sweep();
    while (this.sessions.size >= this.max) this.sessions.delete(this.sessions.keys().next().value as string);
    const token = `${SESSION_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const expiresAtMs = this.now() + this.lifetimeMs;
    this.sessions.set(digest(token), { principal, mechanism, expiresAtMs });
    return { token, expiresAtMs };
  }

  /** The session of a token; AUTHENTICATION_EXPIRED when it expired or is unknown here (issued by another broker, or before a restart). */
  verify(token: string): Session {
    const key = digest(token);
    const session = this.sessions.get(key);
    if (session === undefined)
      throw new TributaryError(
        'AUTHENTICATION_EXPIRED',
        'unknown session token (expired, or issued by another broker): authenticate again',
      );
    if (session.expiresAtMs <= this.now()) {
      this.sessions.delete(key);
      throw new TributaryError('AUTHENTICATION_EXPIRED', 'the session token has expired: authenticate again');
    }
    return session;
  }

  private sweep(): void {
    const now = this.now();
    let n = 0;
    for (const [key, s] of this.sessions) {
      if (n++ >= SWEEP_PER_ISSUE || s.expiresAtMs > now) return;
      this.sessions.delete(key);
    }
  }
}

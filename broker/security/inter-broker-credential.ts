/**
 * How brokers prove to each other that they are brokers of this cluster, with or without TLS
 * (docs/architecture.md, "Security: brokers authenticate each other"). Every broker can read the cluster's
 * inter-broker secret in the DCS (security-records.ts); a broker calling another presents
 * `tbk.<brokerId>.<issuedAtMs>.<HMAC-SHA256(secret, "tributary-broker|<id>|<issuedAtMs>")>` as its bearer
 * token and becomes the principal `Broker:<id>`, which may do everything (CLUSTER_ACTION included).
 *
 * A token is accepted for TOKEN_AGE_MS_MAX either side of the receiver's clock, so one copied off a
 * plaintext wire is good for minutes, not forever (and TLS keeps it off the wire). A process that cannot
 * read the DCS cannot make one: the DCS is the cluster's root of trust, as it already holds every
 * credential.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { TributaryError } from '../../proto/errors.js';

export const BROKER_TOKEN_PREFIX = 'tbk.';
export const BROKER_PRINCIPAL_PREFIX = 'Broker:';
/** How far the issue time may be from the receiver's clock (minting every minute leaves room for skew). */
export const TOKEN_AGE_MS_MAX = 5 * 60_000;
const REMINT_MS = 60_000;

function mac(secret: Buffer, brokerId: number, issuedAtMs: number): Buffer {
  return createHmac('sha256', secret).update(`tributary-broker|${brokerId}|${issuedAtMs}`).digest();
}

export function mintBrokerToken(secret: Buffer, brokerId: number, issuedAtMs: number): string {
  return `${BROKER_TOKEN_PREFIX}${brokerId}.${issuedAtMs}.${mac(secret, brokerId, issuedAtMs).toString('base64url')}`;
}

/** The broker id of a valid token; throws AUTHENTICATION_FAILED naming why. */
export function verifyBrokerToken(secret: Buffer, token: string, nowMs: number): number {
  const match = /^tbk\.(\d{1,9})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (match === null) throw new TributaryError('AUTHENTICATION_FAILED', 'malformed inter-broker token');
  const brokerId = Number(match[1]);
  const issuedAtMs = Number(match[2]);
  const got = Buffer.from(match[3]!, 'base64url');
  if (!timingSafeEqual(got, mac(secret, brokerId, issuedAtMs)))
    throw new TributaryError(
      'AUTHENTICATION_FAILED',
      "inter-broker token not made with this cluster's secret",
    );
  if (Math.abs(nowMs - issuedAtMs) > TOKEN_AGE_MS_MAX)
    throw new TributaryError(
      'AUTHENTICATION_FAILED',
      `inter-broker token issued ${nowMs - issuedAtMs} ms from now (more than ${TOKEN_AGE_MS_MAX} ms)`,
    );
  return brokerId;
}

/** The token this broker presents, minted again every minute. */
export class BrokerTokenSource {
  private token = '';
  private mintedAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly secret: () => Buffer,
    private readonly brokerId: number,
    private readonly now: () => number = Date.now,
  ) {}

  current(): string {
    const now = this.now();
    if (now - this.mintedAtMs >= REMINT_MS) {
      this.token = mintBrokerToken(this.secret(), this.brokerId, now);
      this.mintedAtMs = now;
    }
    return this.token;
  }
}

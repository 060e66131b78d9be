/**
 * Who is calling (docs/architecture.md, "Security: authentication"), decided once per call before any
 * handler runs (security-interceptor.ts). In order:
 *
 * 1. No mechanism configured (`authentication` empty): everyone is `User:ANONYMOUS`.
 * 2. A bearer token (`authorization: Bearer <token>` metadata) decides when present:
 *    `tbk.` an inter-broker token -> `Broker:<id>`; `tss.` a session token from Authenticate (scram) ->
 *    its user; anything else a Kubernetes service-account token (serviceaccount) -> TokenReview.
 *    A token of a mechanism the broker does not accept is UNSUPPORTED_AUTHENTICATION_MECHANISM.
 * 3. Else a client certificate (mtls) this broker verified -> `User:<CN>`.
 * 4. Else AUTHENTICATION_REQUIRED.
 *
 * A refused credential goes through the LoginGuard (counted, logged without the secret, slowed down); an
 * expired one (AUTHENTICATION_EXPIRED) is an ordinary event that the client answers by authenticating again.
 */
import type { PeerCertificate } from 'node:tls';
import type { Metadata } from '@grpc/grpc-js';
import { type AuthenticationMechanism, parseAuthenticationMechanisms } from '../../proto/broker-settings.js';
import { TributaryError } from '../../proto/errors.js';
import type { ClientCertificates } from './client-certificate.js';
import {
  BROKER_PRINCIPAL_PREFIX,
  BROKER_TOKEN_PREFIX,
  verifyBrokerToken,
} from './inter-broker-credential.js';
import type { LoginGuard } from './login-guard.js';
import type { ServiceAccountReviewer } from './service-account-reviewer.js';
import { SESSION_TOKEN_PREFIX, type SessionTokens } from './session-tokens.js';

export const ANONYMOUS = 'User:ANONYMOUS';

/** What grpc-js tells of a call's transport (its AuthContext, which it does not export). */
export interface CallAuthContext {
  transportSecurityType?: string;
  sslPeerCertificate?: PeerCertificate;
}
/** The metadata key a client names itself with (quotas per client id). */
export const CLIENT_ID_METADATA_KEY = 'tributary-client-id';
const CLIENT_ID_CHARS_MAX = 255;
const BEARER_CHARS_MAX = 16 * 1024;

export type IdentityMechanism =
  | 'none'
  | 'mtls'
  | 'scram-sha-256'
  | 'scram-sha-512'
  | 'serviceaccount'
  | 'broker';

export interface Identity {
  readonly principal: string;
  readonly mechanism: IdentityMechanism;
  /** The client's IP address (ACL host). */
  readonly host: string;
  /** From `tributary-client-id` metadata; '' when absent. */
  readonly clientId: string;
}

export interface AuthenticatorDeps {
  readonly authentication: string;
  readonly sessions: SessionTokens;
  readonly certificates: ClientCertificates | undefined;
  readonly serviceAccounts: ServiceAccountReviewer | undefined;
  readonly interBrokerSecret: () => Buffer;
  readonly guard: LoginGuard;
  readonly now?: () => number;
}

/** The IP address of a gRPC peer string ("1.2.3.4:5678", "[::1]:5678", "ipv4:..."). */
export function peerHost(peer: string): string {
  const bare = peer.replace(/^ipv[46]:/, '');
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(bare);
  if (v6 !== null) return v6[1]!;
  const colon = bare.lastIndexOf(':');
  return colon > 0 && bare.indexOf(':') === colon ? bare.slice(0, colon) : bare;
}

function single(metadata: Metadata, key: string): string | undefined {
  const values = metadata.get(key);
  if (values.length > 1)
    throw new TributaryError('AUTHENTICATION_FAILED', `more than one ${key} metadata entry`);
  const v = values[0];
  return v === undefined ? undefined : typeof v === 'string' ? v : v.toString('utf8');
}

export function clientIdOf(metadata: Metadata): string {
  const values = metadata.get(CLIENT_ID_METADATA_KEY);
  const v = values[0];
  const text = v === undefined ? '' : typeof v === 'string' ? v : v.toString('utf8');
  return text.slice(0, CLIENT_ID_CHARS_MAX);
}

export class Authenticator {
  readonly mechanisms: ReadonlySet<AuthenticationMechanism>;
  private readonly now: () => number;

  constructor(private readonly deps: AuthenticatorDeps) {
    this.mechanisms = new Set(parseAuthenticationMechanisms(deps.authentication));
    this.now = deps.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.mechanisms.size > 0;
  }

  async identify(metadata: Metadata, auth: CallAuthContext, peer: string): Promise<Identity> {
    const host = peerHost(peer);
    const clientId = clientIdOf(metadata);
    if (!this.enabled) return { principal: ANONYMOUS, mechanism: 'none', host, clientId };
    let mechanism = 'unknown';
    try {
      const authorization = single(metadata, 'authorization');
      if (authorization !== undefined) {
        const match = /^Bearer ([\x21-\x7e]+)$/.exec(authorization);
        if (match === null || authorization.length > BEARER_CHARS_MAX)
          throw new TributaryError(
            'AUTHENTICATION_FAILED',
            'the authorization metadata is not "Bearer <token>" (or is too long)',
          );
        const token = match[1]!;
        mechanism = token.startsWith(BROKER_TOKEN_PREFIX)
          ? 'broker'
          : token.startsWith(SESSION_TOKEN_PREFIX)
            ? 'session'
            : 'serviceaccount';
        const found = await this.fromBearer(token);
        return { ...found, host, clientId };
      }
      mechanism = 'mtls';
      const principal = this.mechanisms.has('mtls')
        ? this.deps.certificates?.principal(auth.sslPeerCertificate)
        : undefined;
      if (principal !== undefined) return { principal, mechanism: 'mtls', host, clientId };
    } catch (err) {
      const e =
        err instanceof TributaryError ? err : new TributaryError('AUTHENTICATION_FAILED', String(err));
      if (e.reason === 'AUTHENTICATION_FAILED') await this.deps.guard.failed({ mechanism, host, error: e });
      throw e;
    }
    throw new TributaryError(
      'AUTHENTICATION_REQUIRED',
      `this broker requires authentication (${[...this.mechanisms].join(', ')}); the call carried no credentials`,
    );
  }

  private async fromBearer(token: string): Promise<Pick<Identity, 'principal' | 'mechanism'>> {
    if (token.startsWith(BROKER_TOKEN_PREFIX)) {
      const id = verifyBrokerToken(this.deps.interBrokerSecret(), token, this.now());
      return { principal: `${BROKER_PRINCIPAL_PREFIX}${id}`, mechanism: 'broker' };
    }
    if (token.startsWith(SESSION_TOKEN_PREFIX)) {
      if (!this.mechanisms.has('scram')) throw this.unsupported('session tokens (scram)');
      const session = this.deps.sessions.verify(token);
      return { principal: session.principal, mechanism: session.mechanism as IdentityMechanism };
    }
    const reviewer = this.deps.serviceAccounts;
    if (!this.mechanisms.has('serviceaccount') || reviewer === undefined)
      throw this.unsupported('service-account tokens');
    const reviewed = await reviewer.authenticate(token);
    return { principal: reviewed.principal, mechanism: 'serviceaccount' };
  }

  private unsupported(what: string): TributaryError {
    return new TributaryError(
      'UNSUPPORTED_AUTHENTICATION_MECHANISM',
      `this broker does not accept ${what}; it accepts: ${[...this.mechanisms].join(', ')}`,
    );
  }
}

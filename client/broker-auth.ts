/**
 * Authentication and throttling of one broker connection (docs/client.md, "Security"), as a gRPC client
 * interceptor on every stub of the connection:
 *
 * - credentials: a SCRAM user and password, exchanged with this broker for a session token
 *   (SecurityService.Authenticate, two calls, RFC 5802; the password never leaves the process), cached and
 *   renewed before it expires (at RENEW_FRACTION of its life) or when the broker answers
 *   AUTHENTICATION_EXPIRED (it restarted, or the token aged out); or a Kubernetes service-account token,
 *   read from its file (re-read every TOKEN_FILE_REREAD_MS, as the kubelet rotates it) and sent as is.
 *   Either travels as `authorization: Bearer <token>` on every call. One exchange at a time per broker.
 * - client id: `tributary-client-id` metadata (quotas per client id).
 * - throttling: a broker that throttled this client by quota says for how long (`tributary-throttle-ms`
 *   trailer); the next call to that broker waits that long before it is sent.
 *
 * Defaults come from the environment (`authFromEnv`): TRIBUTARY_USERNAME, TRIBUTARY_PASSWORD and
 * TRIBUTARY_SCRAM_MECHANISM, or TRIBUTARY_TOKEN_FILE.
 */
import { readFile } from 'node:fs/promises';
import { InterceptingCall, type Interceptor, Metadata, type StatusObject, type status } from '@grpc/grpc-js';
import { sleep } from '../kit/sleep.js';
import { REASON_METADATA_KEY, RETRIABLE_METADATA_KEY, TributaryError } from '../proto/errors.js';
import type { AuthenticateResponse__Output } from '../proto/generated/tributary/v1/AuthenticateResponse.js';
import type { SecurityServiceClient } from '../proto/generated/tributary/v1/SecurityService.js';
import { ScramClient, type ScramMechanismName, ScramProtocolError } from '../proto/scram.js';
import { fromServiceError, TributaryClientError } from './errors.js';

/** How a client proves who it is. */
export type ClientAuth =
  | { username: string; password: string; mechanism?: ScramMechanismName }
  | { tokenFile: string }
  | { token: string };

export const THROTTLE_METADATA_KEY = 'tributary-throttle-ms';
export const CLIENT_ID_METADATA_KEY = 'tributary-client-id';
const AUTHENTICATE_PATH = '/tributary.v1.SecurityService/Authenticate';
/** A session token is renewed once this share of its life has passed. */
const RENEW_FRACTION = 0.8;
const TOKEN_FILE_REREAD_MS = 60_000;
const AUTHENTICATE_TIMEOUT_MS = 15_000;
/** The longest wait a throttle hint may impose (the broker caps its hints lower). */
const THROTTLE_MS_MAX = 60_000;

/** Credentials from the environment, or undefined when it names none. */
export function authFromEnv(env: NodeJS.ProcessEnv = process.env): ClientAuth | undefined {
  const username = env.TRIBUTARY_USERNAME;
  if (username !== undefined && username !== '') {
    const password = env.TRIBUTARY_PASSWORD;
    if (password === undefined || password === '')
      throw new RangeError('TRIBUTARY_USERNAME is set but TRIBUTARY_PASSWORD is not');
    const mechanism = env.TRIBUTARY_SCRAM_MECHANISM;
    if (mechanism !== undefined && mechanism !== 'SCRAM-SHA-256' && mechanism !== 'SCRAM-SHA-512')
      throw new RangeError(
        `TRIBUTARY_SCRAM_MECHANISM must be SCRAM-SHA-256 or SCRAM-SHA-512, got "${mechanism}"`,
      );
    return { username, password, ...(mechanism === undefined ? {} : { mechanism }) };
  }
  const tokenFile = env.TRIBUTARY_TOKEN_FILE;
  if (tokenFile !== undefined && tokenFile !== '') return { tokenFile };
  return undefined;
}

function wireMechanism(m: ScramMechanismName): 'SCRAM_MECHANISM_SHA_256' | 'SCRAM_MECHANISM_SHA_512' {
  return m === 'SCRAM-SHA-256' ? 'SCRAM_MECHANISM_SHA_256' : 'SCRAM_MECHANISM_SHA_512';
}

/** A status for a call that failed before it was sent (authentication failed here). */
function statusOf(err: TributaryError): StatusObject {
  const name = err instanceof TributaryClientError ? err.reasonName : err.reason;
  const metadata = new Metadata();
  metadata.set(REASON_METADATA_KEY, name);
  metadata.set(RETRIABLE_METADATA_KEY, String(err.retriable));
  // A broker's answer already reads "REASON: message"; keep it as the broker said it.
  const details = err.message.startsWith(`${name}: `) ? err.message : `${name}: ${err.message}`;
  return { code: err.code as unknown as status, details, metadata };
}

function reasonOf(s: StatusObject): string | undefined {
  const v = s.metadata?.get(REASON_METADATA_KEY)[0];
  return v === undefined ? undefined : String(v);
}

export class BrokerAuth {
  private session: { token: string; renewAtMs: number; expiresAtMs: number } | undefined;
  private exchange: Promise<string> | undefined;
  private fileToken: { token: string; readAtMs: number } | undefined;
  private throttleUntilMs = 0;
  /** Set once the connection exists: the stub that runs Authenticate. */
  security: SecurityServiceClient | undefined;

  constructor(
    private readonly auth: ClientAuth | undefined,
    private readonly clientId: string | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** The interceptor for every stub of the connection. */
  readonly interceptor: Interceptor = (options, nextCall) => {
    const path = options.method_definition.path;
    let sentToken: string | undefined;
    return new InterceptingCall(nextCall(options), {
      start: (metadata, listener, next) => {
        this.prepare(path)
          .then((token) => {
            sentToken = token;
            if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
            if (this.clientId !== undefined) metadata.set(CLIENT_ID_METADATA_KEY, this.clientId);
            next(metadata, {
              onReceiveStatus: (s, nextStatus) => {
                this.noteThrottle(s.metadata);
                if (reasonOf(s) === 'AUTHENTICATION_EXPIRED' && sentToken !== undefined)
                  this.forget(sentToken);
                nextStatus(s);
              },
            });
          })
          .catch((err: unknown) => {
            const e = err instanceof TributaryError ? err : fromServiceError(err);
            listener.onReceiveStatus(statusOf(e));
          });
      },
    });
  };

  /** Waits out a throttle, then gives the bearer token for the call (none for Authenticate itself). */
  private async prepare(path: string): Promise<string | undefined> {
    const waitMs = Math.min(THROTTLE_MS_MAX, this.throttleUntilMs - this.now());
    if (waitMs > 0) await sleep(waitMs);
    if (path === AUTHENTICATE_PATH || this.auth === undefined) return undefined;
    if ('token' in this.auth) return this.auth.token;
    if ('tokenFile' in this.auth) return this.readTokenFile(this.auth.tokenFile);
    return this.sessionToken();
  }

  private noteThrottle(metadata: Metadata | undefined): void {
    const raw = metadata?.get(THROTTLE_METADATA_KEY)[0];
    const ms = Number(raw);
    if (raw === undefined || !(ms > 0)) return;
    this.throttleUntilMs = Math.max(this.throttleUntilMs, this.now() + Math.min(ms, THROTTLE_MS_MAX));
  }

  private forget(token: string): void {
    if (this.session?.token === token) this.session = undefined;
    if (this.fileToken?.token === token) this.fileToken = undefined;
  }

  private async readTokenFile(path: string): Promise<string> {
    const cached = this.fileToken;
    if (cached !== undefined && this.now() - cached.readAtMs < TOKEN_FILE_REREAD_MS) return cached.token;
    const token = (await readFile(path, 'utf8')).trim();
    if (token === '') throw new TributaryError('AUTHENTICATION_FAILED', `the token file ${path} is empty`);
    this.fileToken = { token, readAtMs: this.now() };
    return token;
  }

  private sessionToken(): Promise<string> {
    const s = this.session;
    if (s !== undefined && this.now() < s.renewAtMs) return Promise.resolve(s.token);
    this.exchange ??= this.authenticate().finally(() => {
      this.exchange = undefined;
    });
    return this.exchange;
  }

  /** One SCRAM exchange with this broker; the session token it yields. */
  private async authenticate(): Promise<string> {
    const auth = this.auth as { username: string; password: string; mechanism?: ScramMechanismName };
    const stub = this.security;
    if (stub === undefined) throw new Error('BrokerAuth.security is not set');
    const mechanism = auth.mechanism ?? 'SCRAM-SHA-512';
    const scram = new ScramClient(mechanism, auth.username, auth.password);
    const call = (handshake_id: string, message: string) =>
      new Promise<AuthenticateResponse__Output>((resolve, reject) => {
        stub.Authenticate(
          { mechanism: wireMechanism(mechanism), handshake_id, message: Buffer.from(message, 'utf8') },
          { deadline: Date.now() + AUTHENTICATE_TIMEOUT_MS },
          (err, res) => (err ? reject(fromServiceError(err)) : resolve(res!)),
        );
      });
    try {
      const first = await call('', scram.first());
      const final = await call(first.handshake_id, scram.final(first.message.toString('utf8')));
      scram.verify(final.message.toString('utf8'));
      const expiresAtMs = Number(final.session_expires_at_ms);
      const issuedMs = this.now();
      const renewAtMs = issuedMs + Math.max(0, (expiresAtMs - issuedMs) * RENEW_FRACTION);
      this.session = { token: final.session_token, renewAtMs, expiresAtMs };
      return final.session_token;
    } catch (err) {
      if (err instanceof ScramProtocolError) throw new TributaryError('AUTHENTICATION_FAILED', err.message);
      throw err;
    }
  }
}

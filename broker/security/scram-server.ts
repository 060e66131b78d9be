/**
 * The broker's side of a SCRAM exchange (RFC 5802; proto/scram.ts has the math), in the two unary steps
 * of SecurityService.Authenticate:
 *
 * 1. `first(mechanism, client-first, host)`: parses "n,,n=<user>,r=<nonce>" (no channel binding, no
 *    authorization identity, no extensions), looks up the user's credential and answers the server-first
 *    message with a fresh handshake id. An unknown user gets a made-up salt (an HMAC of the user under a
 *    per-process key, so it is stable) and the usual iterations, so step 1 never tells whether a user exists.
 * 2. `final(handshakeId, mechanism, client-final, host)`: takes the handshake (once: a replay finds
 *    nothing), checks the channel-binding echo and the nonce, verifies the proof against the stored key, and
 *    answers the server-final message. Every failure is AUTHENTICATION_FAILED with the same words for an
 *    unknown user and a wrong password (the log, not the client, tells them apart).
 *
 * Pending handshakes are bounded: at most PENDING_MAX in all and PENDING_PER_HOST_MAX per client address,
 * each dropped after PENDING_TTL_MS; a new one past a bound is refused (TOO_MANY_REQUESTS) after expired
 * ones are swept, so a flood from one address cannot starve the others.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { TributaryError } from '../../proto/errors.js';
import {
  isScramNonce,
  parseScramAttributes,
  SCRAM_ITERATIONS_DEFAULT,
  SCRAM_MESSAGE_BYTES_MAX,
  SCRAM_USER_BYTES_MAX,
  type ScramCredential,
  type ScramMechanismName,
  type ScramProtocolError,
  scramKeyBytes,
  scramNonce,
  scramServerSignature,
  unescapeScramName,
  verifyScramProof,
} from '../../proto/scram.js';

export const PENDING_MAX = 1_000;
export const PENDING_PER_HOST_MAX = 32;
export const PENDING_TTL_MS = 30_000;

interface Pending {
  mechanism: ScramMechanismName;
  user: string;
  /** Undefined for an unknown user: step 2 fails. */
  credential: ScramCredential | undefined;
  authMessagePrefix: string;
  nonce: string;
  host: string;
  expiresAtMs: number;
}

/** A refused exchange, with the user it named (for the log) when it got that far. */
export class ScramFailure extends TributaryError {
  constructor(
    readonly user: string | undefined,
    readonly why: string,
    message = 'SCRAM authentication failed: unknown user or wrong password',
  ) {
    super('AUTHENTICATION_FAILED', message);
  }
}

function malformed(problem: string, user?: string): ScramFailure {
  return new ScramFailure(
    user,
    `malformed message: ${problem}`,
    `SCRAM authentication failed: malformed message (${problem})`,
  );
}

export class ScramServer {
  private readonly pending = new Map<string, Pending>();
  private readonly perHost = new Map<string, number>();
  private readonly fakeKey = randomBytes(32);

  constructor(
    private readonly lookup: (user: string, mechanism: ScramMechanismName) => ScramCredential | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  get pendingCount(): number {
    return this.pending.size;
  }

  first(
    mechanism: ScramMechanismName,
    message: Buffer,
    host: string,
  ): { handshakeId: string; serverFirst: string } {
    const { user, clientFirstBare, clientNonce } = parseClientFirst(message);
    this.sweep();
    if (this.pending.size >= PENDING_MAX || (this.perHost.get(host) ?? 0) >= PENDING_PER_HOST_MAX) {
      throw new TributaryError('TOO_MANY_REQUESTS', 'too many SCRAM exchanges in progress; retry later');
    }
    const credential = this.lookup(user, mechanism);
    const salt =
      credential?.salt ?? createHmac('sha256', this.fakeKey).update(`${mechanism}|${user}`).digest();
    const iterations = credential?.iterations ?? SCRAM_ITERATIONS_DEFAULT;
    const nonce = `${clientNonce}${scramNonce()}`;
    const serverFirst = `r=${nonce},s=${salt.toString('base64')},i=${iterations}`;
    const handshakeId = randomBytes(16).toString('base64url');
    this.pending.set(handshakeId, {
      mechanism,
      user,
      credential,
      authMessagePrefix: `${clientFirstBare},${serverFirst}`,
      nonce,
      host,
      expiresAtMs: this.now() + PENDING_TTL_MS,
    });
    this.perHost.set(host, (this.perHost.get(host) ?? 0) + 1);
    return { handshakeId, serverFirst };
  }

  final(
    handshakeId: string,
    mechanism: ScramMechanismName,
    message: Buffer,
  ): { user: string; serverFinal: string } {
    const p = this.pending.get(handshakeId);
    if (p === undefined || p.expiresAtMs <= this.now()) {
      if (p !== undefined) this.forget(handshakeId, p);
      throw new ScramFailure(undefined, 'unknown or expired handshake');
    }
    this.forget(handshakeId, p);
    if (p.mechanism !== mechanism) throw malformed('the mechanism changed between the steps', p.user);
    const text = utf8(message, p.user);
    const proofAt = text.lastIndexOf(',p=');
    if (proofAt < 0) throw malformed('no proof', p.user);
    const withoutProof = text.slice(0, proofAt);
    let attrs: Map<string, string>;
    try {
      attrs = parseScramAttributes(text);
    } catch (err) {
      throw malformed((err as Error).message, p.user);
    }
    if (attrs.get('c') !== 'biws')
      throw malformed('channel binding is not supported (expected c=biws)', p.user);
    if (attrs.get('r') !== p.nonce) throw malformed('the nonce does not match', p.user);
    const proof = Buffer.from(attrs.get('p') ?? '', 'base64');
    if (proof.length !== scramKeyBytes(mechanism)) throw malformed('the proof has the wrong length', p.user);
    const authMessage = `${p.authMessagePrefix},${withoutProof}`;
    if (p.credential === undefined) throw new ScramFailure(p.user, 'unknown user');
    if (!verifyScramProof(p.credential, authMessage, proof)) throw new ScramFailure(p.user, 'wrong password');
    return {
      user: p.user,
      serverFinal: `v=${scramServerSignature(p.credential, authMessage).toString('base64')}`,
    };
  }

  private forget(id: string, p: Pending): void {
    this.pending.delete(id);
    const left = (this.perHost.get(p.host) ?? 1) - 1;
    if (left <= 0) this.perHost.delete(p.host);
    else this.perHost.set(p.host, left);
  }

  /** Drops expired handshakes (insertion order is expiry order: all live PENDING_TTL_MS). */
  private sweep(): void {
    const now = this.now();
    for (const [id, p] of this.pending) {
      if (p.expiresAtMs > now) return;
      this.forget(id, p);
    }
  }
}

function utf8(message: Buffer, user?: string): string {
  if (message.length === 0 || message.length > SCRAM_MESSAGE_BYTES_MAX)
    throw malformed(`a message has 1 to ${SCRAM_MESSAGE_BYTES_MAX} bytes`, user);
  const text = message.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(message)) throw malformed('not UTF-8', user);
  return text;
}

function parseClientFirst(message: Buffer): { user: string; clientFirstBare: string; clientNonce: string } {
  const text = utf8(message);
  if (!text.startsWith('n,,')) {
    throw malformed(
      text.startsWith('p=') || text.startsWith('y,')
        ? 'channel binding is not supported (gs2 header must be "n,,")'
        : 'the gs2 header must be "n,," (no authorization identity)',
    );
  }
  const clientFirstBare = text.slice(3);
  let attrs: Map<string, string>;
  try {
    attrs = parseScramAttributes(clientFirstBare);
  } catch (err) {
    throw malformed((err as ScramProtocolError).message);
  }
  if (attrs.has('m')) throw malformed('extensions are not supported');
  const escaped = attrs.get('n');
  const clientNonce = attrs.get('r');
  if (
    escaped === undefined ||
    clientNonce === undefined ||
    attrs.size !== 2 ||
    !clientFirstBare.startsWith('n=')
  )
    throw malformed('expected n=<user>,r=<nonce>');
  let user: string;
  try {
    user = unescapeScramName(escaped);
  } catch {
    throw malformed('invalid user name encoding');
  }
  if (user === '' || Buffer.byteLength(user, 'utf8') > SCRAM_USER_BYTES_MAX)
    throw malformed('user name length');
  if (!isScramNonce(clientNonce)) throw malformed('invalid nonce');
  return { user, clientFirstBare, clientNonce };
}

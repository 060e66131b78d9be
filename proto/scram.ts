/**
 * SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677): the key derivation and the message formats that
 * the client (computing credentials and proofs) and the broker (verifying proofs) both need.
 *
 * Credential (what the broker stores, never the password):
 *   SaltedPassword = PBKDF2(HMAC-H, password as UTF-8, salt, iterations)
 *   ClientKey = HMAC(SaltedPassword, "Client Key"); StoredKey = H(ClientKey)
 *   ServerKey = HMAC(SaltedPassword, "Server Key")
 * Exchange (channel binding is not used: the gs2 header is "n,,"):
 *   client-first  "n,,n=<user>,r=<client nonce>"
 *   server-first  "r=<client nonce><server nonce>,s=<base64 salt>,i=<iterations>"
 *   client-final  "c=biws,r=<nonce>,p=<base64 ClientProof>"
 *   server-final  "v=<base64 ServerSignature>" or "e=<error>"
 *   AuthMessage = client-first-bare + "," + server-first + "," + client-final-without-proof
 *   ClientProof = ClientKey XOR HMAC(StoredKey, AuthMessage); ServerSignature = HMAC(ServerKey, AuthMessage)
 * The password is taken as its UTF-8 bytes without SASLprep, as Kafka does; user names escape "," and "="
 * as "=2C" and "=3D".
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export type ScramMechanismName = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export const SCRAM_MECHANISMS: readonly ScramMechanismName[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

/** Iteration bounds the broker accepts for a stored credential (Kafka's: 4096 to 16384). */
export const SCRAM_ITERATIONS_MIN = 4096;
export const SCRAM_ITERATIONS_MAX = 16_384;
export const SCRAM_ITERATIONS_DEFAULT = 8192;
/** Bounds on a message of the exchange and on its parts, so a hostile peer cannot make either side work. */
export const SCRAM_MESSAGE_BYTES_MAX = 1024;
export const SCRAM_USER_BYTES_MAX = 255;
export const SCRAM_NONCE_CHARS_MAX = 256;

export interface ScramCredential {
  mechanism: ScramMechanismName;
  iterations: number;
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

function digest(mechanism: ScramMechanismName): 'sha256' | 'sha512' {
  return mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
}

/** Bytes of the mechanism's hash (32 or 64): the length of stored and server keys. */
export function scramKeyBytes(mechanism: ScramMechanismName): number {
  return mechanism === 'SCRAM-SHA-256' ? 32 : 64;
}

function hmac(mechanism: ScramMechanismName, key: Buffer, data: string | Buffer): Buffer {
  return createHmac(digest(mechanism), key).update(data).digest();
}

function hash(mechanism: ScramMechanismName, data: Buffer): Buffer {
  return createHash(digest(mechanism)).update(data).digest();
}

function xor(a: Buffer, b: Buffer): Buffer {
  if (a.length !== b.length) throw new RangeError('SCRAM: xor of buffers of different lengths');
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

export function saltedPassword(
  mechanism: ScramMechanismName,
  password: string,
  salt: Buffer,
  iterations: number,
): Buffer {
  return pbkdf2Sync(
    Buffer.from(password, 'utf8'),
    salt,
    iterations,
    scramKeyBytes(mechanism),
    digest(mechanism),
  );
}

/** ClientKey and ServerKey from a salted password. */
export function scramKeys(
  mechanism: ScramMechanismName,
  salted: Buffer,
): { clientKey: Buffer; storedKey: Buffer; serverKey: Buffer } {
  const clientKey = hmac(mechanism, salted, 'Client Key');
  return {
    clientKey,
    storedKey: hash(mechanism, clientKey),
    serverKey: hmac(mechanism, salted, 'Server Key'),
  };
}

/**
 * The credential to store for a password: a random 32-byte salt (unless given) and `iterations` rounds.
 * Runs on the client; only the result crosses the wire.
 */
export function scramCredential(
  password: string,
  options: { mechanism?: ScramMechanismName; iterations?: number; salt?: Buffer } = {},
): ScramCredential {
  const mechanism = options.mechanism ?? 'SCRAM-SHA-512';
  const iterations = options.iterations ?? SCRAM_ITERATIONS_DEFAULT;
  if (
    !Number.isInteger(iterations) ||
    iterations < SCRAM_ITERATIONS_MIN ||
    iterations > SCRAM_ITERATIONS_MAX
  ) {
    throw new RangeError(
      `SCRAM iterations must be an integer from ${SCRAM_ITERATIONS_MIN} to ${SCRAM_ITERATIONS_MAX}, got ${iterations}`,
    );
  }
  if (password.length === 0) throw new RangeError('SCRAM: the password is empty');
  const salt = options.salt ?? randomBytes(32);
  const { storedKey, serverKey } = scramKeys(
    mechanism,
    saltedPassword(mechanism, password, salt, iterations),
  );
  return { mechanism, iterations, salt, storedKey, serverKey };
}

/** A SCRAM user name on the wire: "," and "=" escaped (RFC 5802 section 5.1). */
export function escapeScramName(name: string): string {
  return name.replaceAll('=', '=3D').replaceAll(',', '=2C');
}

/** The inverse of escapeScramName; throws on an "=" that starts no valid escape. */
export function unescapeScramName(name: string): string {
  if (/=(?!2C|3D)/.test(name)) throw new ScramProtocolError('invalid-username-encoding');
  return name.replaceAll('=2C', ',').replaceAll('=3D', '=');
}

/** A malformed or refused exchange; `code` is the RFC 5802 server-error value. */
export class ScramProtocolError extends Error {
  constructor(
    readonly code: string,
    message?: string,
  ) {
    super(message ?? `SCRAM: ${code}`);
    this.name = 'ScramProtocolError';
  }
}

/** Attributes "k=v" of one message, in order; a key may appear once. */
export function parseScramAttributes(message: string): Map<string, string> {
  if (Buffer.byteLength(message, 'utf8') > SCRAM_MESSAGE_BYTES_MAX)
    throw new ScramProtocolError('other-error', 'SCRAM: message too long');
  const out = new Map<string, string>();
  for (const part of message.split(',')) {
    const match = /^([a-zA-Z])=(.*)$/s.exec(part);
    if (match === null)
      throw new ScramProtocolError('other-error', `SCRAM: malformed attribute "${part.slice(0, 32)}"`);
    if (out.has(match[1]!))
      throw new ScramProtocolError('other-error', `SCRAM: attribute ${match[1]} repeated`);
    out.set(match[1]!, match[2]!);
  }
  return out;
}

/** A printable nonce (RFC 5802: printable ASCII except ","). */
export function scramNonce(): string {
  return randomBytes(24).toString('base64');
}

const NONCE_PATTERN = /^[\x21-\x2b\x2d-\x7e]+$/;

export function isScramNonce(nonce: string): boolean {
  return nonce.length > 0 && nonce.length <= SCRAM_NONCE_CHARS_MAX && NONCE_PATTERN.test(nonce);
}

/** The proof and the expected server signature for an exchange. */
export function scramProof(
  mechanism: ScramMechanismName,
  salted: Buffer,
  authMessage: string,
): { proof: Buffer; serverSignature: Buffer } {
  const { clientKey, storedKey, serverKey } = scramKeys(mechanism, salted);
  const clientSignature = hmac(mechanism, storedKey, authMessage);
  return { proof: xor(clientKey, clientSignature), serverSignature: hmac(mechanism, serverKey, authMessage) };
}

/** The broker's check of a client proof against a stored credential (constant time on the key compare). */
export function verifyScramProof(
  credential: Pick<ScramCredential, 'mechanism' | 'storedKey'>,
  authMessage: string,
  proof: Buffer,
): boolean {
  const { mechanism, storedKey } = credential;
  if (proof.length !== scramKeyBytes(mechanism) || storedKey.length !== scramKeyBytes(mechanism))
    return false;
  const clientKey = xor(proof, hmac(mechanism, storedKey, authMessage));
  return timingSafeEqual(hash(mechanism, clientKey), storedKey);
}

export function scramServerSignature(
  credential: Pick<ScramCredential, 'mechanism' | 'serverKey'>,
  authMessage: string,
): Buffer {
  return hmac(credential.mechanism, credential.serverKey, authMessage);
}

/**
 * The client side of one exchange. `first()` gives the client-first message; `final(serverFirst)` checks
 * it and gives the client-final message; `verify(serverFinal)` checks the server's signature, so a
 * server that does not know the credential is caught.
 */
export class ScramClient {
  private readonly clientNonce: string;
  private readonly clientFirstBare: string;
  private expectedServerSignature: Buffer | undefined;

  constructor(
    readonly mechanism: ScramMechanismName,
    readonly user: string,
    private readonly password: string,
    nonce: string = scramNonce(),
  ) {
    if (!isScramNonce(nonce)) throw new RangeError('SCRAM: invalid client nonce');
    this.clientNonce = nonce;
    this.clientFirstBare = `n=${escapeScramName(user)},r=${nonce}`;
  }

  first(): string {
    return `n,,${this.clientFirstBare}`;
  }

  final(serverFirst: string): string {
    const attrs = parseScramAttributes(serverFirst);
    if (attrs.has('e'))
      throw new ScramProtocolError(attrs.get('e')!, `SCRAM: the broker refused: ${attrs.get('e')}`);
    const nonce = attrs.get('r');
    const salt = attrs.get('s');
    const iterations = Number(attrs.get('i'));
    if (
      nonce === undefined ||
      !nonce.startsWith(this.clientNonce) ||
      nonce.length === this.clientNonce.length
    )
      throw new ScramProtocolError('other-error', 'SCRAM: the server nonce does not extend the client nonce');
    if (!isScramNonce(nonce)) throw new ScramProtocolError('other-error', 'SCRAM: invalid server nonce');
    if (salt === undefined || salt === '') throw new ScramProtocolError('other-error', 'SCRAM: no salt');
    if (!Number.isInteger(iterations) || iterations < 1 || iterations > SCRAM_ITERATIONS_MAX)
      throw new ScramProtocolError('other-error', `SCRAM: iteration count ${attrs.get('i')} out of range`);
    const withoutProof = `c=biws,r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const salted = saltedPassword(this.mechanism, this.password, Buffer.from(salt, 'base64'), iterations);
    const { proof, serverSignature } = scramProof(this.mechanism, salted, authMessage);
    this.expectedServerSignature = serverSignature;
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  verify(serverFinal: string): void {
    const attrs = parseScramAttributes(serverFinal);
    if (attrs.has('e'))
      throw new ScramProtocolError(attrs.get('e')!, `SCRAM: the broker refused: ${attrs.get('e')}`);
    const expected = this.expectedServerSignature;
    const got = Buffer.from(attrs.get('v') ?? '', 'base64');
    if (expected === undefined || got.length !== expected.length || !timingSafeEqual(got, expected))
      throw new ScramProtocolError(
        'other-error',
        'SCRAM: the server signature is wrong (the broker does not hold this credential)',
      );
  }
}

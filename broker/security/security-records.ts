/**
 * The security documents in the DCS (docs/architecture.md, "Security"), their keys and their JSON:
 *
 * - `security/acls/<h>`    the bindings of one resource pattern: `{ resourceType, patternType,
 *                          resourceName, bindings: AclBinding[] }` (Kafka keeps one znode per pattern too).
 * - `security/scram/<h>`   one user's SCRAM credentials: `{ user, credentials: { "SCRAM-SHA-256"?:
 *                          { iterations, salt, storedKey, serverKey } (base64), "SCRAM-SHA-512"?: ... } }`.
 *                          Salted, iterated hashes only: never a password.
 * - `security/quotas/<h>`  one quota entity's values: `{ entity: { principal?, clientId? }, values:
 *                          { producer_byte_rate?, consumer_byte_rate?, request_rate? } }`.
 * - `security/inter-broker-secret`  32 random bytes (base64) from which brokers make the tokens they
 *                          present to each other (inter-broker-credential.ts); created by the first broker.
 *
 * `<h>` is the first 32 hex digits of the SHA-256 of the document's identity (pattern, user or entity),
 * so any name fits a DCS key; the identity itself is inside the value. A value that does not decode is
 * skipped with a warning, never applied half.
 */
import { createHash } from 'node:crypto';
import {
  type AclBinding,
  type AclPatternType,
  type AclResourceType,
  isPrincipal,
  validateAclBinding,
} from '../../proto/acl.js';
import {
  SCRAM_MECHANISMS,
  type ScramCredential,
  type ScramMechanismName,
  scramKeyBytes,
} from '../../proto/scram.js';

export const SECURITY_PREFIX = 'security/';
export const ACLS_PREFIX = 'security/acls/';
export const SCRAM_PREFIX = 'security/scram/';
export const QUOTAS_PREFIX = 'security/quotas/';
export const INTER_BROKER_SECRET_KEY = 'security/inter-broker-secret';

/** Limits on what the cluster stores (a write past them is refused). */
export const ACL_BINDINGS_MAX = 10_000;
export const SCRAM_USERS_MAX = 10_000;
export const QUOTA_ENTITIES_MAX = 10_000;
export const SCRAM_USER_CHARS_MAX = 255;
export const CLIENT_ID_CHARS_MAX = 255;

export const QUOTA_KEYS = ['producer_byte_rate', 'consumer_byte_rate', 'request_rate'] as const;
export type QuotaKey = (typeof QUOTA_KEYS)[number];
/** The entity value that stands for every principal (or client id) without an entry of its own. */
export const QUOTA_DEFAULT = '<default>';
/** Largest quota value accepted (bytes/s or requests/s); a quota of 0 would stop a client dead. */
export const QUOTA_VALUE_MAX = 1e12;

export interface AclPatternDoc {
  resourceType: AclResourceType;
  patternType: AclPatternType;
  resourceName: string;
  bindings: AclBinding[];
}

export interface ScramUserDoc {
  user: string;
  credentials: Partial<Record<ScramMechanismName, ScramCredential>>;
}

export interface QuotaEntity {
  principal?: string;
  clientId?: string;
}

export interface QuotaDoc {
  entity: QuotaEntity;
  values: Partial<Record<QuotaKey, number>>;
}

function digestKey(prefix: string, identity: string): string {
  return `${prefix}${createHash('sha256').update(identity).digest('hex').slice(0, 32)}`;
}

export function aclPatternKey(p: Pick<AclBinding, 'resourceType' | 'patternType' | 'resourceName'>): string {
  return digestKey(ACLS_PREFIX, `${p.resourceType}\u0000${p.patternType}\u0000${p.resourceName}`);
}

export function scramUserKey(user: string): string {
  return digestKey(SCRAM_PREFIX, user);
}

export function quotaEntityKey(entity: QuotaEntity): string {
  return digestKey(QUOTAS_PREFIX, `${entity.principal ?? '\u0001'}\u0000${entity.clientId ?? '\u0001'}`);
}

export function sameEntity(a: QuotaEntity, b: QuotaEntity): boolean {
  return a.principal === b.principal && a.clientId === b.clientId;
}

function json(value: Buffer): Record<string, unknown> {
  const parsed: unknown = JSON.parse(value.toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('not a JSON object');
  return parsed as Record<string, unknown>;
}

export function encodeDoc(doc: AclPatternDoc | ScramUserDoc | QuotaDoc): Buffer {
  // The holder's own value: JSON.stringify hands a replacer what Buffer.toJSON made of a Buffer.
  return Buffer.from(
    JSON.stringify(doc, function (this: Record<string, unknown>, key: string, value: unknown) {
      const raw = this[key];
      return Buffer.isBuffer(raw) ? raw.toString('base64') : value;
    }),
    'utf8',
  );
}

export function decodeAclPattern(value: Buffer): AclPatternDoc {
  const doc = json(value) as unknown as AclPatternDoc;
  if (!Array.isArray(doc.bindings)) throw new Error('bindings is not a list');
  for (const b of doc.bindings) {
    validateAclBinding(b);
    if (
      b.resourceType !== doc.resourceType ||
      b.patternType !== doc.patternType ||
      b.resourceName !== doc.resourceName
    )
      throw new Error('a binding of another pattern');
  }
  return doc;
}

export function validateScramUser(user: string): void {
  if (user === '' || user.length > SCRAM_USER_CHARS_MAX || !/^[^\s\p{Cc}]+$/u.test(user))
    throw new Error(
      `a SCRAM user name has 1 to ${SCRAM_USER_CHARS_MAX} characters, no spaces or control characters`,
    );
}

/** Checks a credential's shape (keys of the mechanism's length, iterations in range). */
export function validateScramCredential(
  c: ScramCredential,
  iterationsMin: number,
  iterationsMax: number,
): void {
  if (!SCRAM_MECHANISMS.includes(c.mechanism)) throw new Error(`unknown SCRAM mechanism ${c.mechanism}`);
  if (!Number.isInteger(c.iterations) || c.iterations < iterationsMin || c.iterations > iterationsMax)
    throw new Error(`iterations must be from ${iterationsMin} to ${iterationsMax}, got ${c.iterations}`);
  if (c.salt.length < 16 || c.salt.length > 128) throw new Error('the salt must have 16 to 128 bytes');
  const bytes = scramKeyBytes(c.mechanism);
  if (c.storedKey.length !== bytes || c.serverKey.length !== bytes)
    throw new Error(`${c.mechanism} stored and server keys have ${bytes} bytes`);
}

export function decodeScramUser(value: Buffer): ScramUserDoc {
  const raw = json(value);
  const user = String(raw['user']);
  validateScramUser(user);
  const credentials: ScramUserDoc['credentials'] = {};
  const stored = (raw['credentials'] ?? {}) as Record<string, Record<string, unknown>>;
  for (const mechanism of SCRAM_MECHANISMS) {
    const c = stored[mechanism];
    if (c === undefined) continue;
    const credential: ScramCredential = {
      mechanism,
      iterations: Number(c['iterations']),
      salt: Buffer.from(String(c['salt']), 'base64'),
      storedKey: Buffer.from(String(c['storedKey']), 'base64'),
      serverKey: Buffer.from(String(c['serverKey']), 'base64'),
    };
    validateScramCredential(credential, 1, Number.MAX_SAFE_INTEGER);
    credentials[mechanism] = credential;
  }
  return { user, credentials };
}

/** Throws naming the problem with an entity (what the quota API refuses). */
export function validateQuotaEntity(entity: QuotaEntity): void {
  if (entity.principal === undefined && entity.clientId === undefined)
    throw new Error('a quota entity names a principal, a client id, or both');
  if (entity.principal !== undefined && entity.principal !== QUOTA_DEFAULT && !isPrincipal(entity.principal))
    throw new Error(
      `principal ${JSON.stringify(entity.principal)} is not User:<name> or ServiceAccount:<ns>/<name>`,
    );
  if (
    entity.clientId !== undefined &&
    (entity.clientId === '' || entity.clientId.length > CLIENT_ID_CHARS_MAX)
  )
    throw new Error(`a client id has 1 to ${CLIENT_ID_CHARS_MAX} characters`);
}

export function validateQuotaValue(key: string, value: number): asserts key is QuotaKey {
  if (!(QUOTA_KEYS as readonly string[]).includes(key))
    throw new Error(`unknown quota ${JSON.stringify(key)} (known: ${QUOTA_KEYS.join(', ')})`);
  if (!Number.isFinite(value) || value <= 0 || value > QUOTA_VALUE_MAX)
    throw new Error(`quota ${key} must be above 0 and at most ${QUOTA_VALUE_MAX}, got ${value}`);
}

export function decodeQuota(value: Buffer): QuotaDoc {
  const raw = json(value);
  const e = (raw['entity'] ?? {}) as Record<string, unknown>;
  const entity: QuotaEntity = {};
  if (typeof e['principal'] === 'string') entity.principal = e['principal'];
  if (typeof e['clientId'] === 'string') entity.clientId = e['clientId'];
  validateQuotaEntity(entity);
  const values: QuotaDoc['values'] = {};
  for (const [key, v] of Object.entries((raw['values'] ?? {}) as Record<string, unknown>)) {
    validateQuotaValue(key, Number(v));
    values[key] = Number(v);
  }
  return { entity, values };
}

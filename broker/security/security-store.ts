/**
 * The cluster's security metadata as this broker sees it: ACL bindings, SCRAM credentials, quotas and the
 * inter-broker secret (security-records.ts gives the layout). Every broker lists `security/` at start and
 * follows it with a watch, so a change written through any broker applies everywhere within a watch
 * delay; versions are compared so a late event never goes back.
 *
 * Writes come from any broker's SecurityService (they are not controller decisions): each is a
 * read-modify-compare-and-set of one document, retried when another writer got there first.
 */
import { randomBytes } from 'node:crypto';
import { TributaryError } from '../../proto/errors.js';
import type { Dcs, DcsEvent } from '../dcs/dcs.js';
import type { Logger } from '../logger.js';
import {
  ACLS_PREFIX,
  type AclPatternDoc,
  decodeAclPattern,
  decodeQuota,
  decodeScramUser,
  INTER_BROKER_SECRET_KEY,
  QUOTAS_PREFIX,
  type QuotaDoc,
  SCRAM_PREFIX,
  type ScramUserDoc,
  SECURITY_PREFIX,
} from './security-records.js';

/** Attempts of one read-modify-write before the caller is told to retry. */
const WRITE_ATTEMPTS = 8;

interface Entry<T> {
  version: number;
  doc: T;
}

export type SecurityChange = 'acls' | 'scram' | 'quotas';

export class SecurityStore {
  private readonly acls = new Map<string, Entry<AclPatternDoc>>();
  private readonly scram = new Map<string, Entry<ScramUserDoc>>();
  private readonly quotas = new Map<string, Entry<QuotaDoc>>();
  /** Versions of deleted keys, so an old put arriving after the delete is not applied. */
  private readonly deletedAt = new Map<string, number>();
  private readonly listeners = new Set<(change: SecurityChange) => void>();
  private unwatch: (() => void) | undefined;
  private secret: Buffer | undefined;

  constructor(
    private readonly dcs: Dcs,
    private readonly logger: Logger,
  ) {}

  /** Creates the inter-broker secret if no broker has, then lists and follows every document. */
  async start(): Promise<void> {
    this.secret = await this.interBrokerSecretOrCreate();
    this.unwatch = await this.dcs.watch(SECURITY_PREFIX, (e) => this.apply(e));
    for (const v of await this.dcs.list(SECURITY_PREFIX)) {
      this.apply({ type: 'put', key: v.key, value: v.value, version: v.version });
    }
  }

  stop(): void {
    this.unwatch?.();
    this.unwatch = undefined;
  }

  get interBrokerSecret(): Buffer {
    if (this.secret === undefined) throw new Error('SecurityStore.start() has not run');
    return this.secret;
  }

  onChange(listener: (change: SecurityChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  aclPatterns(): AclPatternDoc[] {
    return [...this.acls.values()].map((e) => e.doc);
  }

  scramUsers(): ScramUserDoc[] {
    return [...this.scram.values()].map((e) => e.doc);
  }

  scramUser(user: string): ScramUserDoc | undefined {
    for (const e of this.scram.values()) if (e.doc.user === user) return e.doc;
    return undefined;
  }

  quotaDocs(): QuotaDoc[] {
    return [...this.quotas.values()].map((e) => e.doc);
  }

  /**
   * Reads `key`, hands its value to `mutate` and writes what it returns (null deletes; undefined leaves
   * the key as it is), by compare-and-set, again from the read when another writer came first.
   */
  async update(
    key: string,
    mutate: (current: Buffer | undefined) => Buffer | null | undefined,
  ): Promise<void> {
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const current = await this.dcs.get(key);
      const next = mutate(current?.value);
      if (next === undefined) return;
      const result =
        next === null
          ? current === null
            ? { ok: true, version: 0 }
            : await this.dcs.compareAndDelete(key, current.version)
          : await this.dcs.compareAndSet(key, next, current?.version ?? 0);
      if (result.ok) {
        // Apply our own write at once: the caller's next read on this broker sees it.
        this.apply(
          next === null
            ? { type: 'delete', key, version: result.version }
            : { type: 'put', key, value: next, version: result.version },
        );
        return;
      }
    }
    throw new TributaryError('TOO_MANY_REQUESTS', `${key} kept changing under this write; retry`);
  }

  private async interBrokerSecretOrCreate(): Promise<Buffer> {
    const existing = await this.dcs.get(INTER_BROKER_SECRET_KEY);
    if (existing !== null) return Buffer.from(existing.value.toString('utf8'), 'base64');
    const created = randomBytes(32);
    const result = await this.dcs.compareAndSet(
      INTER_BROKER_SECRET_KEY,
      Buffer.from(created.toString('base64')),
      0,
    );
    if (result.ok) return created;
    const raced = await this.dcs.get(INTER_BROKER_SECRET_KEY);
    if (raced === null) throw new Error('the inter-broker secret vanished while it was created');
    return Buffer.from(raced.value.toString('utf8'), 'base64');
  }

  private apply(event: DcsEvent): void {
    const kind = changeKind(event.key);
    if (kind === undefined) return;
    const map = this.mapOf(kind);
    const seen = Math.max(map.get(event.key)?.version ?? 0, this.deletedAt.get(event.key) ?? 0);
    if (event.version <= seen) return;
    if (event.type === 'delete') {
      map.delete(event.key);
      this.deletedAt.set(event.key, event.version);
      if (this.deletedAt.size > 10_000) this.deletedAt.clear();
    } else {
      try {
        const doc =
          kind === 'acls'
            ? decodeAclPattern(event.value)
            : kind === 'scram'
              ? decodeScramUser(event.value)
              : decodeQuota(event.value);
        (map as Map<string, Entry<unknown>>).set(event.key, { version: event.version, doc });
        this.deletedAt.delete(event.key);
      } catch (err) {
        this.logger.warn(
          { key: event.key, err: (err as Error).message },
          'ignoring an unreadable security document',
        );
        return;
      }
    }
    for (const listener of this.listeners) listener(kind);
  }

  private mapOf(kind: SecurityChange): Map<string, Entry<unknown>> {
    if (kind === 'acls') return this.acls as Map<string, Entry<unknown>>;
    if (kind === 'scram') return this.scram as Map<string, Entry<unknown>>;
    return this.quotas as Map<string, Entry<unknown>>;
  }
}

function changeKind(key: string): SecurityChange | undefined {
  if (key.startsWith(ACLS_PREFIX)) return 'acls';
  if (key.startsWith(SCRAM_PREFIX)) return 'scram';
  if (key.startsWith(QUOTAS_PREFIX)) return 'quotas';
  return undefined;
}

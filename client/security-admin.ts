/**
 * The SecurityService calls of the admin client (docs/client.md, "Security"): who am I, ACLs, SCRAM
 * credentials and client quotas. `Authenticate` is not here: the connection runs it (client/broker-auth.ts).
 *
 * Batch calls answer one result per item with `error` set and never throw for one bad item (as `Admin`);
 * the single-item helpers (`createAcl`, `setUserPassword`, ...) throw that item's error.
 *
 * SCRAM credentials are computed here, on the client, from the password (`scramCredential`, RFC 5802:
 * salt, iterations, stored key, server key); only that salted, iterated hash crosses the wire.
 */

import {
  type AclBinding,
  type AclFilter,
  aclBindingFromWire,
  aclBindingToWire,
  aclFilterToWire,
  type NewAclBinding,
} from '../proto/acl.js';
import type { AlterClientQuotasResponse__Output } from '../proto/generated/tributary/v1/AlterClientQuotasResponse.js';
import type { AlterUserScramCredentialsResponse__Output } from '../proto/generated/tributary/v1/AlterUserScramCredentialsResponse.js';
import type { CreateAclsResponse__Output } from '../proto/generated/tributary/v1/CreateAclsResponse.js';
import type { DeleteAclsResponse__Output } from '../proto/generated/tributary/v1/DeleteAclsResponse.js';
import type { DescribeAclsResponse__Output } from '../proto/generated/tributary/v1/DescribeAclsResponse.js';
import type { DescribeClientQuotasResponse__Output } from '../proto/generated/tributary/v1/DescribeClientQuotasResponse.js';
import type { DescribeUserScramCredentialsResponse__Output } from '../proto/generated/tributary/v1/DescribeUserScramCredentialsResponse.js';
import type { QuotaEntity } from '../proto/generated/tributary/v1/QuotaEntity.js';
import type { ScramMechanism as WireScramMechanism } from '../proto/generated/tributary/v1/ScramMechanism.js';
import type { WhoAmIResponse__Output } from '../proto/generated/tributary/v1/WhoAmIResponse.js';
import { type ScramCredential, type ScramMechanismName, scramCredential } from '../proto/scram.js';
import type { Connection, UnaryInvoker } from './connection.js';
import { fromWireError, TributaryClientError } from './errors.js';

export { type ScramCredential, type ScramMechanismName, scramCredential } from '../proto/scram.js';

export interface WhoAmI {
  /** "User:alice", "User:<certificate CN>", "ServiceAccount:ns/name", "User:ANONYMOUS". */
  principal: string;
  /** "none", "mtls", "scram-sha-256", "scram-sha-512", "serviceaccount". */
  mechanism: string;
  superUser: boolean;
}

export interface AclCreationResult {
  binding: NewAclBinding;
  error: TributaryClientError | null;
}

export interface AclDeletionResult {
  filter: AclFilter;
  error: TributaryClientError | null;
  deleted: AclBinding[];
}

export interface ScramCredentialDeletion {
  user: string;
  mechanism: ScramMechanismName;
}

export interface UserResult {
  user: string;
  error: TributaryClientError | null;
}

export interface UserScramCredentials {
  user: string;
  credentials: Array<{ mechanism: ScramMechanismName; iterations: number }>;
}

/** "producer_byte_rate" and "consumer_byte_rate" in bytes/s, "request_rate" in requests/s. */
export type QuotaKey = 'producer_byte_rate' | 'consumer_byte_rate' | 'request_rate';
export const QUOTA_KEYS: readonly QuotaKey[] = ['producer_byte_rate', 'consumer_byte_rate', 'request_rate'];
/** The entity value that stands for every principal (or client id) without an entry of its own. */
export const QUOTA_DEFAULT_ENTITY = '<default>';

/** A principal, a client id, or both; "<default>" in a field is that field's default entity. */
export interface ClientQuotaEntity {
  principal?: string;
  clientId?: string;
}

export interface ClientQuotaAlteration {
  entity: ClientQuotaEntity;
  /** Keys set or replaced. */
  set?: Partial<Record<QuotaKey, number>>;
  /** Keys removed. */
  remove?: QuotaKey[];
}

export interface ClientQuotaResult {
  entity: ClientQuotaEntity;
  error: TributaryClientError | null;
}

export interface ClientQuotaEntry {
  entity: ClientQuotaEntity;
  values: Partial<Record<QuotaKey, number>>;
}

const MECHANISM_TO_WIRE: Record<ScramMechanismName, WireScramMechanism> = {
  'SCRAM-SHA-256': 'SCRAM_MECHANISM_SHA_256',
  'SCRAM-SHA-512': 'SCRAM_MECHANISM_SHA_512',
};

export function scramMechanismToWire(mechanism: ScramMechanismName): WireScramMechanism {
  const wire = MECHANISM_TO_WIRE[mechanism];
  if (wire === undefined) throw new RangeError(`unknown SCRAM mechanism "${mechanism}"`);
  return wire;
}

function scramMechanismFromWire(wire: string): ScramMechanismName {
  if (wire === 'SCRAM_MECHANISM_SHA_256') return 'SCRAM-SHA-256';
  if (wire === 'SCRAM_MECHANISM_SHA_512') return 'SCRAM-SHA-512';
  throw new TributaryClientError('INTERNAL', `the broker answered an unknown SCRAM mechanism "${wire}"`);
}

function entityToWire(entity: ClientQuotaEntity): QuotaEntity {
  if (entity.principal === undefined && entity.clientId === undefined)
    throw new RangeError('a quota entity names a principal, a client id, or both');
  const out: QuotaEntity = {};
  if (entity.principal !== undefined) out.principal = entity.principal;
  if (entity.clientId !== undefined) out.client_id = entity.clientId;
  return out;
}

function entityFromWire(entity: QuotaEntity | null | undefined): ClientQuotaEntity {
  const out: ClientQuotaEntity = {};
  if (entity?.principal !== undefined) out.principal = entity.principal;
  if (entity?.client_id !== undefined) out.clientId = entity.client_id;
  return out;
}

function firstError<T extends { error: TributaryClientError | null }>(results: T[], what: string): T {
  const result = results[0];
  if (result === undefined)
    throw new TributaryClientError('INTERNAL', `the broker did not answer for ${what}`);
  if (result.error !== null) throw result.error;
  return result;
}

export class SecurityAdmin {
  constructor(
    private readonly connection: Connection,
    private readonly unary: <T>(invoke: UnaryInvoker<T>) => Promise<T> = (invoke) => connection.unary(invoke),
  ) {}

  private get stub() {
    return this.connection.security;
  }

  /** The principal the broker sees for this client, and how it authenticated. */
  async whoAmI(): Promise<WhoAmI> {
    const r = await this.unary<WhoAmIResponse__Output>((md, opts, cb) => this.stub.WhoAmI({}, md, opts, cb));
    return { principal: r.principal, mechanism: r.mechanism, superUser: r.super_user };
  }

  /** Creates bindings (an existing equal binding is not an error); one result per binding, in order. */
  async createAcls(bindings: NewAclBinding[]): Promise<AclCreationResult[]> {
    const creations = bindings.map(aclBindingToWire);
    const r = await this.unary<CreateAclsResponse__Output>((md, opts, cb) =>
      this.stub.CreateAcls({ creations }, md, opts, cb),
    );
    return bindings.map((binding, i) => ({ binding, error: fromWireError(r.results[i]?.error) }));
  }

  async createAcl(binding: NewAclBinding): Promise<void> {
    firstError(await this.createAcls([binding]), 'the ACL');
  }

  /** The bindings matching `filter` (every binding without one). */
  async describeAcls(filter: AclFilter = {}): Promise<AclBinding[]> {
    const r = await this.unary<DescribeAclsResponse__Output>((md, opts, cb) =>
      this.stub.DescribeAcls({ filter: aclFilterToWire(filter) }, md, opts, cb),
    );
    return r.bindings.map(aclBindingFromWire);
  }

  /** Deletes the bindings matching each filter; answers, per filter, what it deleted. */
  async deleteAcls(filters: AclFilter[]): Promise<AclDeletionResult[]> {
    const r = await this.unary<DeleteAclsResponse__Output>((md, opts, cb) =>
      this.stub.DeleteAcls({ filters: filters.map(aclFilterToWire) }, md, opts, cb),
    );
    return filters.map((filter, i) => {
      const result = r.results[i];
      return {
        filter,
        error: fromWireError(result?.error),
        deleted: (result?.deleted ?? []).map(aclBindingFromWire),
      };
    });
  }

  /**
   * Stores (upserts) credentials and deletes others; one result per upsertion, then per deletion.
   * Compute a credential with `scramCredential(password)`, or use `setUserPassword`.
   */
  async alterUserScramCredentials(changes: {
    upsertions?: Array<ScramCredential & { user: string }>;
    deletions?: ScramCredentialDeletion[];
  }): Promise<UserResult[]> {
    const upsertions = (changes.upsertions ?? []).map((u) => ({
      user: u.user,
      mechanism: scramMechanismToWire(u.mechanism),
      iterations: u.iterations,
      salt: u.salt,
      stored_key: u.storedKey,
      server_key: u.serverKey,
    }));
    const deletions = (changes.deletions ?? []).map((d) => ({
      user: d.user,
      mechanism: scramMechanismToWire(d.mechanism),
    }));
    const r = await this.unary<AlterUserScramCredentialsResponse__Output>((md, opts, cb) =>
      this.stub.AlterUserScramCredentials({ upsertions, deletions }, md, opts, cb),
    );
    return r.results.map((x) => ({ user: x.user, error: fromWireError(x.error) }));
  }

  /**
   * Sets a user's password for one mechanism (SCRAM-SHA-512 unless given): the credential is computed
   * here and only the salted, iterated hash is sent.
   */
  async setUserPassword(
    user: string,
    password: string,
    options: { mechanism?: ScramMechanismName; iterations?: number } = {},
  ): Promise<void> {
    const credential = scramCredential(password, options);
    firstError(
      await this.alterUserScramCredentials({ upsertions: [{ ...credential, user }] }),
      `user ${user}`,
    );
  }

  async deleteUserScramCredential(user: string, mechanism: ScramMechanismName): Promise<void> {
    firstError(await this.alterUserScramCredentials({ deletions: [{ user, mechanism }] }), `user ${user}`);
  }

  /** Users with credentials, their mechanisms and iterations (never the keys); all users without `users`. */
  async describeUserScramCredentials(users: string[] = []): Promise<UserScramCredentials[]> {
    const r = await this.unary<DescribeUserScramCredentialsResponse__Output>((md, opts, cb) =>
      this.stub.DescribeUserScramCredentials({ users }, md, opts, cb),
    );
    return r.users.map((u) => ({
      user: u.user,
      credentials: u.credentials.map((c) => ({
        mechanism: scramMechanismFromWire(c.mechanism),
        iterations: c.iterations,
      })),
    }));
  }

  /** Sets and removes quota values per entity; one result per alteration, in order. */
  async alterClientQuotas(alterations: ClientQuotaAlteration[]): Promise<ClientQuotaResult[]> {
    const wire = alterations.map((a) => ({
      entity: entityToWire(a.entity),
      set: Object.entries(a.set ?? {}).map(([key, value]) => ({ key, value })),
      remove: a.remove ?? [],
    }));
    const r = await this.unary<AlterClientQuotasResponse__Output>((md, opts, cb) =>
      this.stub.AlterClientQuotas({ alterations: wire }, md, opts, cb),
    );
    return alterations.map((a, i) => ({ entity: a.entity, error: fromWireError(r.results[i]?.error) }));
  }

  async alterClientQuota(alteration: ClientQuotaAlteration): Promise<void> {
    firstError(await this.alterClientQuotas([alteration]), 'the quota');
  }

  /** Entries whose set fields equal the filter's (every entry without one). */
  async describeClientQuotas(filter?: ClientQuotaEntity): Promise<ClientQuotaEntry[]> {
    const request = filter === undefined ? {} : { filter: entityToWire(filter) };
    const r = await this.unary<DescribeClientQuotasResponse__Output>((md, opts, cb) =>
      this.stub.DescribeClientQuotas(request, md, opts, cb),
    );
    return r.entries.map((e) => {
      const values: Partial<Record<QuotaKey, number>> = {};
      for (const v of e.values) values[v.key as QuotaKey] = v.value;
      return { entity: entityFromWire(e.entity), values };
    });
  }
}

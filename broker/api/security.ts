/**
 * SecurityService (docs/api.md, "SecurityService"): the SCRAM login (Authenticate), WhoAmI, and the admin
 * calls over ACLs, SCRAM credentials and quotas. Who may call the admin calls is the security
 * interceptor's business (security/rpc-access.ts); here each request is validated and written through
 * the DCS (security/security-store.ts), from where every broker applies it. Batch calls answer one result
 * per item: a bad item never aborts the others.
 */
import type { ServerUnaryCall } from '@grpc/grpc-js';
import {
  type AclBinding,
  type AclFilter,
  aclBindingFromWire,
  aclBindingToWire,
  aclFilterFromWire,
  validateAclBinding,
} from '../../proto/acl.js';
import { TributaryError } from '../../proto/errors.js';
import type { AlterClientQuotasRequest__Output } from '../../proto/generated/tributary/v1/AlterClientQuotasRequest.js';
import type { AlterClientQuotasResponse } from '../../proto/generated/tributary/v1/AlterClientQuotasResponse.js';
import type { AlterUserScramCredentialsRequest__Output } from '../../proto/generated/tributary/v1/AlterUserScramCredentialsRequest.js';
import type { AlterUserScramCredentialsResponse } from '../../proto/generated/tributary/v1/AlterUserScramCredentialsResponse.js';
import type { AuthenticateRequest__Output } from '../../proto/generated/tributary/v1/AuthenticateRequest.js';
import type { AuthenticateResponse } from '../../proto/generated/tributary/v1/AuthenticateResponse.js';
import type { CreateAclsRequest__Output } from '../../proto/generated/tributary/v1/CreateAclsRequest.js';
import type { CreateAclsResponse } from '../../proto/generated/tributary/v1/CreateAclsResponse.js';
import type { DeleteAclsRequest__Output } from '../../proto/generated/tributary/v1/DeleteAclsRequest.js';
import type { DeleteAclsResponse } from '../../proto/generated/tributary/v1/DeleteAclsResponse.js';
import type { DescribeAclsRequest__Output } from '../../proto/generated/tributary/v1/DescribeAclsRequest.js';
import type { DescribeAclsResponse } from '../../proto/generated/tributary/v1/DescribeAclsResponse.js';
import type { DescribeClientQuotasRequest__Output } from '../../proto/generated/tributary/v1/DescribeClientQuotasRequest.js';
import type { DescribeClientQuotasResponse } from '../../proto/generated/tributary/v1/DescribeClientQuotasResponse.js';
import type { DescribeUserScramCredentialsRequest__Output } from '../../proto/generated/tributary/v1/DescribeUserScramCredentialsRequest.js';
import type { DescribeUserScramCredentialsResponse } from '../../proto/generated/tributary/v1/DescribeUserScramCredentialsResponse.js';
import type { QuotaEntity as WireQuotaEntity } from '../../proto/generated/tributary/v1/QuotaEntity.js';
import type { SecurityServiceHandlers } from '../../proto/generated/tributary/v1/SecurityService.js';
import type { WhoAmIResponse } from '../../proto/generated/tributary/v1/WhoAmIResponse.js';
import { SCRAM_ITERATIONS_MAX, SCRAM_ITERATIONS_MIN, type ScramMechanismName } from '../../proto/scram.js';
import { filterMatches, sameBinding } from '../security/acl-authorizer.js';
import { peerHost } from '../security/authenticator.js';
import type { BrokerSecurity } from '../security/broker-security.js';
import { ScramFailure } from '../security/scram-server.js';
import {
  ACL_BINDINGS_MAX,
  type AclPatternDoc,
  aclPatternKey,
  decodeAclPattern,
  decodeQuota,
  decodeScramUser,
  encodeDoc,
  QUOTA_ENTITIES_MAX,
  type QuotaDoc,
  type QuotaEntity,
  quotaEntityKey,
  SCRAM_USERS_MAX,
  type ScramUserDoc,
  sameEntity,
  scramUserKey,
  validateQuotaEntity,
  validateQuotaValue,
  validateScramCredential,
  validateScramUser,
} from '../security/security-records.js';
import type { ApiContext } from './context.js';
import { toWireError } from './errors.js';
import { unary } from './rpc.js';
import { identityOf } from './security-interceptor.js';

const MECHANISMS: Record<string, ScramMechanismName> = {
  SCRAM_MECHANISM_SHA_256: 'SCRAM-SHA-256',
  SCRAM_MECHANISM_SHA_512: 'SCRAM-SHA-512',
};
const MECHANISMS_TO_WIRE: Record<ScramMechanismName, 'SCRAM_MECHANISM_SHA_256' | 'SCRAM_MECHANISM_SHA_512'> =
  {
    'SCRAM-SHA-256': 'SCRAM_MECHANISM_SHA_256',
    'SCRAM-SHA-512': 'SCRAM_MECHANISM_SHA_512',
  };
/** Items one batch call may carry. */
const BATCH_ITEMS_MAX = 1_000;

function mechanismOf(wire: string): ScramMechanismName {
  const m = MECHANISMS[wire];
  if (m === undefined)
    throw new TributaryError(
      'UNSUPPORTED_AUTHENTICATION_MECHANISM',
      `unknown SCRAM mechanism ${wire}; use SCRAM-SHA-256 or SCRAM-SHA-512`,
    );
  return m;
}

function invalid(err: unknown): TributaryError {
  return err instanceof TributaryError ? err : new TributaryError('INVALID_REQUEST', (err as Error).message);
}

function limitItems(items: readonly unknown[], what: string): void {
  if (items.length > BATCH_ITEMS_MAX)
    throw new TributaryError(
      'INVALID_REQUEST',
      `at most ${BATCH_ITEMS_MAX} ${what} per request, got ${items.length}`,
    );
}

function entityFromWire(e: WireQuotaEntity | null | undefined): QuotaEntity {
  const out: QuotaEntity = {};
  if (e?.principal !== undefined) out.principal = e.principal;
  if (e?.client_id !== undefined) out.clientId = e.client_id;
  return out;
}

function entityToWire(e: QuotaEntity): WireQuotaEntity {
  const out: WireQuotaEntity = {};
  if (e.principal !== undefined) out.principal = e.principal;
  if (e.clientId !== undefined) out.client_id = e.clientId;
  return out;
}

export class SecurityApi {
  constructor(
    private readonly api: ApiContext,
    private readonly security: BrokerSecurity,
  ) {}

  handlers(): SecurityServiceHandlers {
    const api = this.api;
    return {
      Authenticate: unary(api, 'Authenticate', (req, call) => this.authenticate(req, call)),
      WhoAmI: unary(api, 'WhoAmI', async (_req, call) => this.whoAmI(call)),
      CreateAcls: unary(api, 'CreateAcls', (req) => this.createAcls(req)),
      DescribeAcls: unary(api, 'DescribeAcls', async (req) => this.describeAcls(req)),
      DeleteAcls: unary(api, 'DeleteAcls', (req) => this.deleteAcls(req)),
      AlterUserScramCredentials: unary(api, 'AlterUserScramCredentials', (req) => this.alterScram(req)),
      DescribeUserScramCredentials: unary(api, 'DescribeUserScramCredentials', async (req) =>
        this.describeScram(req),
      ),
      AlterClientQuotas: unary(api, 'AlterClientQuotas', (req) => this.alterQuotas(req)),
      DescribeClientQuotas: unary(api, 'DescribeClientQuotas', async (req) => this.describeQuotas(req)),
    };
  }

  private async authenticate(
    req: AuthenticateRequest__Output,
    call: ServerUnaryCall<AuthenticateRequest__Output, AuthenticateResponse>,
  ): Promise<AuthenticateResponse> {
    const { security } = this;
    if (!security.authenticator.mechanisms.has('scram'))
      throw new TributaryError(
        'UNSUPPORTED_AUTHENTICATION_MECHANISM',
        'this broker does not accept SCRAM (authentication setting)',
      );
    const tls = call.getAuthContext().transportSecurityType === 'ssl';
    if (!tls && security.config.allowPlaintextAuthentication !== 'true')
      throw new TributaryError(
        'UNSUPPORTED_AUTHENTICATION_MECHANISM',
        'SCRAM is refused over plaintext: connect with TLS',
      );
    const mechanism = mechanismOf(req.mechanism);
    const host = peerHost(call.getPeer());
    const message = req.message;
    try {
      if (req.handshake_id === '') {
        const { handshakeId, serverFirst } = security.scram.first(mechanism, message, host);
        return { handshake_id: handshakeId, message: Buffer.from(serverFirst, 'utf8') };
      }
      const { user, serverFinal } = security.scram.final(req.handshake_id, mechanism, message);
      const mechanismName = mechanism.toLowerCase();
      const session = security.sessions.issue(`User:${user}`, mechanismName);
      security.guard.succeeded(mechanismName);
      return {
        handshake_id: req.handshake_id,
        message: Buffer.from(serverFinal, 'utf8'),
        session_token: session.token,
        session_expires_at_ms: String(session.expiresAtMs),
      };
    } catch (err) {
      if (err instanceof ScramFailure) {
        await security.guard.failed({ mechanism: mechanism.toLowerCase(), host, user: err.user, error: err });
        security.logger.debug({ user: err.user, why: err.why }, 'SCRAM failure detail');
      }
      throw err;
    }
  }

  private whoAmI(call: ServerUnaryCall<unknown, WhoAmIResponse>): WhoAmIResponse {
    const identity = identityOf(call);
    return {
      principal: identity.principal,
      mechanism: identity.mechanism,
      super_user: this.security.isSuperUser(identity.principal),
    };
  }

  private requireAuthorizer(): void {
    if (!this.security.authorizing)
      throw new TributaryError(
        'SECURITY_DISABLED',
        'ACLs are off on this broker (authorizer=none): set authorizer=acl',
      );
  }

  private async createAcls(req: CreateAclsRequest__Output): Promise<CreateAclsResponse> {
    this.requireAuthorizer();
    limitItems(req.creations, 'ACL creations');
    const results: CreateAclsResponse['results'] = [];
    for (const creation of req.creations) {
      try {
        const binding = aclBindingFromWire(creation);
        validateAclBinding(binding);
        await this.addBinding(binding);
        results.push({});
      } catch (err) {
        results.push({ error: toWireError(invalid(err)) });
      }
    }
    return { results };
  }

  private async addBinding(binding: AclBinding): Promise<void> {
    const total = this.security.store.aclPatterns().reduce((n, p) => n + p.bindings.length, 0);
    await this.security.store.update(aclPatternKey(binding), (current) => {
      const doc: AclPatternDoc =
        current === undefined ? { ...patternOf(binding), bindings: [] } : decodeAclPattern(current);
      if (doc.bindings.some((b) => sameBinding(b, binding))) return undefined; // already there
      if (total >= ACL_BINDINGS_MAX)
        throw new TributaryError(
          'INVALID_REQUEST',
          `the cluster holds ${ACL_BINDINGS_MAX} ACL bindings, the most it keeps`,
        );
      return encodeDoc({ ...doc, bindings: [...doc.bindings, binding] });
    });
  }

  private describeAcls(req: DescribeAclsRequest__Output): DescribeAclsResponse {
    this.requireAuthorizer();
    const filter = aclFilterFromWire(req.filter);
    return { bindings: this.matching(filter).map(aclBindingToWire) };
  }

  private matching(filter: AclFilter): AclBinding[] {
    return this.security.store
      .aclPatterns()
      .flatMap((p) => p.bindings)
      .filter((b) => filterMatches(filter, b));
  }

  private async deleteAcls(req: DeleteAclsRequest__Output): Promise<DeleteAclsResponse> {
    this.requireAuthorizer();
    limitItems(req.filters, 'ACL filters');
    const results: DeleteAclsResponse['results'] = [];
    for (const wire of req.filters) {
      try {
        const filter = aclFilterFromWire(wire);
        const deleted: AclBinding[] = [];
        const keys = new Set(this.matching(filter).map(aclPatternKey));
        for (const key of keys) {
          await this.security.store.update(key, (current) => {
            if (current === undefined) return undefined;
            const doc = decodeAclPattern(current);
            const keepers = doc.bindings.filter((b) => !filterMatches(filter, b));
            if (keepers.length === doc.bindings.length) return undefined;
            deleted.push(...doc.bindings.filter((b) => filterMatches(filter, b)));
            return keepers.length === 0 ? null : encodeDoc({ ...doc, bindings: keepers });
          });
        }
        results.push({ deleted: deleted.map(aclBindingToWire) });
      } catch (err) {
        results.push({ error: toWireError(invalid(err)), deleted: [] });
      }
    }
    return { results };
  }

  private async alterScram(
    req: AlterUserScramCredentialsRequest__Output,
  ): Promise<AlterUserScramCredentialsResponse> {
    limitItems([...req.upsertions, ...req.deletions], 'credential changes');
    const results: AlterUserScramCredentialsResponse['results'] = [];
    const store = this.security.store;
    for (const u of req.upsertions) {
      try {
        validateScramUser(u.user);
        const credential = {
          mechanism: mechanismOf(u.mechanism),
          iterations: u.iterations,
          salt: u.salt,
          storedKey: u.stored_key,
          serverKey: u.server_key,
        };
        validateScramCredential(credential, SCRAM_ITERATIONS_MIN, SCRAM_ITERATIONS_MAX);
        const known = store.scramUser(u.user) !== undefined;
        if (!known && store.scramUsers().length >= SCRAM_USERS_MAX)
          throw new TributaryError(
            'INVALID_REQUEST',
            `the cluster holds ${SCRAM_USERS_MAX} users, the most it keeps`,
          );
        await store.update(scramUserKey(u.user), (current) => {
          const doc: ScramUserDoc =
            current === undefined ? { user: u.user, credentials: {} } : decodeScramUser(current);
          return encodeDoc({
            ...doc,
            credentials: { ...doc.credentials, [credential.mechanism]: credential },
          });
        });
        results.push({ user: u.user });
      } catch (err) {
        results.push({ user: u.user, error: toWireError(invalid(err)) });
      }
    }
    for (const d of req.deletions) {
      try {
        const mechanism = mechanismOf(d.mechanism);
        let found = false;
        await store.update(scramUserKey(d.user), (current) => {
          if (current === undefined) return undefined;
          const doc = decodeScramUser(current);
          if (doc.credentials[mechanism] === undefined) return undefined;
          found = true;
          const { [mechanism]: _gone, ...rest } = doc.credentials;
          return Object.keys(rest).length === 0 ? null : encodeDoc({ ...doc, credentials: rest });
        });
        if (!found)
          throw new TributaryError(
            'INVALID_REQUEST',
            `user ${JSON.stringify(d.user)} has no ${mechanism} credential`,
          );
        results.push({ user: d.user });
      } catch (err) {
        results.push({ user: d.user, error: toWireError(invalid(err)) });
      }
    }
    return { results };
  }

  private describeScram(
    req: DescribeUserScramCredentialsRequest__Output,
  ): DescribeUserScramCredentialsResponse {
    const wanted = new Set(req.users);
    return {
      users: this.security.store
        .scramUsers()
        .filter((u) => wanted.size === 0 || wanted.has(u.user))
        .sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0))
        .map((u) => ({
          user: u.user,
          credentials: Object.values(u.credentials).map((c) => ({
            mechanism: MECHANISMS_TO_WIRE[c.mechanism],
            iterations: c.iterations,
          })),
        })),
    };
  }

  private async alterQuotas(req: AlterClientQuotasRequest__Output): Promise<AlterClientQuotasResponse> {
    limitItems(req.alterations, 'quota alterations');
    const results: AlterClientQuotasResponse['results'] = [];
    const store = this.security.store;
    for (const a of req.alterations) {
      const entity = entityFromWire(a.entity);
      try {
        try {
          validateQuotaEntity(entity);
          for (const v of a.set) validateQuotaValue(v.key, v.value);
          for (const key of a.remove) validateQuotaValue(key, 1);
        } catch (err) {
          throw invalid(err);
        }
        const known = store.quotaDocs().some((d) => sameEntity(d.entity, entity));
        if (!known && store.quotaDocs().length >= QUOTA_ENTITIES_MAX)
          throw new TributaryError(
            'INVALID_REQUEST',
            `the cluster holds ${QUOTA_ENTITIES_MAX} quota entities, the most it keeps`,
          );
        await store.update(quotaEntityKey(entity), (current) => {
          const doc: QuotaDoc = current === undefined ? { entity, values: {} } : decodeQuota(current);
          const values = { ...doc.values };
          for (const v of a.set) values[v.key as keyof QuotaDoc['values']] = v.value;
          for (const key of a.remove) delete values[key as keyof QuotaDoc['values']];
          return Object.keys(values).length === 0
            ? current === undefined
              ? undefined
              : null
            : encodeDoc({ entity, values });
        });
        results.push({ entity: entityToWire(entity) });
      } catch (err) {
        results.push({ entity: entityToWire(entity), error: toWireError(invalid(err)) });
      }
    }
    return { results };
  }

  private describeQuotas(req: DescribeClientQuotasRequest__Output): DescribeClientQuotasResponse {
    const filter = req.filter === undefined || req.filter === null ? undefined : entityFromWire(req.filter);
    return {
      entries: this.security.store
        .quotaDocs()
        .filter(
          (d) =>
            filter === undefined ||
            ((filter.principal === undefined || filter.principal === d.entity.principal) &&
              (filter.clientId === undefined || filter.clientId === d.entity.clientId)),
        )
        .map((d) => ({
          entity: entityToWire(d.entity),
          values: Object.entries(d.values).map(([key, value]) => ({ key, value })),
        })),
    };
  }
}

function patternOf(b: AclBinding): Pick<AclPatternDoc, 'resourceType' | 'patternType' | 'resourceName'> {
  return { resourceType: b.resourceType, patternType: b.patternType, resourceName: b.resourceName };
}

/**
 * Reconciles one User: a flat list of named steps, each idempotent, so a reconcile cut off anywhere is
 * finished by the next one.
 *
 *   read         the User from the cache; gone means done
 *   finalize     (being deleted) revoke: the SCRAM credentials of the user name, the principal's ACLs and
 *                quotas, then the Secret; then drop the finalizer
 *   finalizer    add `tributary.dev/user` before anything reaches the brokers
 *   validate     the spec describes a principal, credential, ACLs and quotas (InvalidSpec otherwise)
 *   cluster      the Cluster exists (ClusterNotFound, retried with backoff) and has an address
 *   conflict     no older User of the Cluster has the same principal (PrincipalConflict)
 *   previous     the principal of the last status, if another: its ACLs and quotas are revoked first
 *   credential   tls: a certificate from the clients CA in the Secret, issued again before it expires;
 *                scram: the password (generated, or from the referenced Secret) in the Secret, and its
 *                salted hash in the brokers when they lack it or the password changed; other SCRAM
 *                mechanisms of the user name deleted; serviceAccount / none: no Secret, no SCRAM credential
 *   acls         the principal's bindings made equal to the spec's (planning/user-plan.ts)
 *   quotas       the principal's quotas made equal to the spec's
 *   status       written only when it changed, also after a failed step
 *
 * Principal conflicts: two serviceAccount Users of one Cluster naming the same ServiceAccount would undo
 * each other's ACLs. The oldest (creation time, then name) owns the principal; the others report
 * PrincipalConflict, never touch the brokers, and their deletion revokes nothing.
 *
 * A password change: the brokers keep only salted hashes, so the operator cannot compare passwords. It
 * remembers, in `status.passwordVersion`, the uid and resourceVersion of the Secret the credential was
 * computed from, and sets the credential again when that changes (or when the brokers lack it).
 *
 * Failures are retried with the key's backoff, except a spec that cannot describe a user (a new spec is a
 * watch event). A tls User comes back before its certificate's renewal time (at most every hour).
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { QUOTA_KEYS, reasonOf, TributaryError } from '../../../client/index.js';
import { issueCertificate, type PemPair } from '../../../kit/pki.js';
import { API_VERSION, type Cluster, USER_KIND, type User } from '../../api/v1alpha1.js';
import { describeApiError, errorText } from '../../kube/api-error.js';
import type { EventRecorder, EventType } from '../../kube/event-recorder.js';
import { Finalizers } from '../../kube/finalizers.js';
import type { Informer } from '../../kube/informer.js';
import { splitKey } from '../../kube/object-key.js';
import type { SecretStore } from '../../kube/secret-store.js';
import type { StatusWriter } from '../../kube/status-writer.js';
import type { ReconcileOutcome } from '../../kube/work-queue.js';
import type { OperatorMetrics } from '../../metrics.js';
import { olderClaimant } from '../../planning/claim-owner.js';
import { CONDITION_READY, conditionTime, findCondition } from '../../planning/conditions.js';
import { USER_FINALIZER } from '../../planning/labels.js';
import {
  type DesiredUser,
  desiredUser,
  planAcls,
  planQuotas,
  planScram,
  quotaChangesEmpty,
  type UserCredential,
  userPrincipal,
} from '../../planning/user-plan.js';
import {
  CERTIFICATE_VALIDITY_DAYS,
  certificateNotAfter,
  certificateProblem,
  certificateRenewAtMs,
  generatePassword,
  isUserSecret,
  PASSWORD_BYTES_MAX,
  SECRET_CA_CERT,
  SECRET_MECHANISM,
  SECRET_PASSWORD,
  SECRET_USER_CERT,
  SECRET_USER_KEY,
  SECRET_USERNAME,
  secretText,
  userSecret,
} from '../../planning/user-secret.js';
import {
  appliedOf,
  type UserApplied,
  type UserFailureReason,
  type UserOutcome,
  userStatus,
} from '../../planning/user-status.js';
import type { BrokerAddresses } from '../broker-addresses.js';
import { StatusReporter } from '../status-reporter.js';
import type { BrokerSecurity } from './broker-security.js';
import type { ClientsCaSource } from './clients-ca.js';

export const CONTROLLER_USER = 'user';

/** A tls User is looked at again at least this often before its renewal time (timers cannot wait a year). */
const RENEWAL_REQUEUE_MS_MAX = 3_600_000;

/** Broker reasons that mean the spec itself was refused. */
const INVALID_REASONS: ReadonlySet<string> = new Set(['INVALID_REQUEST', 'INVALID_CONFIG']);

export interface UserReconcilerDeps {
  users: Pick<Informer<User>, 'get' | 'list'>;
  clusters: Pick<Informer<Cluster>, 'get'>;
  finalizers: Pick<Finalizers, 'ensure' | 'release'>;
  statuses: StatusWriter;
  secrets: Pick<SecretStore, 'get' | 'delete'>;
  applier: { apply<T extends V1Secret>(desired: T): Promise<T> };
  /** The security calls of the brokers at a bootstrap address. */
  security: (bootstrap: string) => BrokerSecurity;
  clientsCa: ClientsCaSource;
  addresses: Pick<BrokerAddresses, 'bootstrapOf'>;
  events: EventRecorder;
  metrics: OperatorMetrics;
  log: Logger;
  /** Defaults: node:crypto, kit/pki.ts, Date.now (tests replace them). */
  randomBytes?: (n: number) => Buffer;
  issueCertificate?: (ca: PemPair, commonName: string) => Promise<PemPair>;
  nowMs?: () => number;
}

/** A failure of one step, with the reason the status reports. */
class StepFailure extends Error {
  constructor(
    readonly reason: UserFailureReason,
    message: string,
  ) {
    super(message);
  }
}

function brokerFailure(step: string, err: unknown): StepFailure {
  if (err instanceof StepFailure) return err;
  if (err instanceof TributaryError) {
    const reason = reasonOf(err);
    const status: UserFailureReason =
      reason === 'SECURITY_DISABLED'
        ? 'SecurityDisabled'
        : INVALID_REASONS.has(reason)
          ? 'InvalidSpec'
          : 'BrokerError';
    return new StepFailure(status, `${step}: ${reason}: ${err.message}`);
  }
  return new StepFailure('BrokerError', `${step}: ${errorText(err)}`);
}

function wasInConflict(user: User): boolean {
  return findCondition(user.status?.conditions, CONDITION_READY)?.reason === 'PrincipalConflict';
}

function secretVersion(secret: V1Secret): string {
  return `${secret.metadata?.uid ?? ''}/${secret.metadata?.resourceVersion ?? ''}`;
}

export class UserReconciler {
  private readonly status: StatusReporter;
  private readonly randomBytes: (n: number) => Buffer;
  private readonly issue: (ca: PemPair, commonName: string) => Promise<PemPair>;
  private readonly nowMs: () => number;

  constructor(private readonly deps: UserReconcilerDeps) {
    this.status = new StatusReporter(deps, CONTROLLER_USER, USER_KIND);
    this.randomBytes = deps.randomBytes ?? cryptoRandomBytes;
    this.issue =
      deps.issueCertificate ??
      ((ca, commonName) =>
        issueCertificate(ca, { commonName, usage: 'client', validityDays: CERTIFICATE_VALIDITY_DAYS }));
    this.nowMs = deps.nowMs ?? Date.now;
  }

  async reconcile(key: string): Promise<ReconcileOutcome | undefined> {
    const { namespace, name } = splitKey(key);
    let user = this.deps.users.get(name, namespace);
    if (user === undefined) return undefined;
    if (user.metadata.deletionTimestamp !== undefined) return this.finalize(user);

    const added = await this.deps.finalizers.ensure(user, USER_FINALIZER);
    if ('done' in added) return added.done;
    user = added.object;
    const applied = appliedOf(user);

    const desired = desiredUser(user);
    if (!desired.ok) {
      await this.writeStatus(user, applied, {
        kind: 'failed',
        reason: 'InvalidSpec',
        message: desired.message,
      });
      return undefined;
    }
    const cluster = this.deps.clusters.get(user.spec.cluster, namespace);
    if (cluster === undefined) {
      await this.writeStatus(user, applied, {
        kind: 'failed',
        reason: 'ClusterNotFound',
        message: `Cluster ${JSON.stringify(user.spec.cluster)} does not exist in namespace ${namespace}`,
      });
      return { backoff: true };
    }
    const rival = this.olderRival(user, desired.user.principal);
    if (rival !== undefined) {
      await this.writeStatus(user, applied, {
        kind: 'failed',
        reason: 'PrincipalConflict',
        message: `User ${rival} already manages principal ${desired.user.principal} of Cluster ${user.spec.cluster}`,
      });
      return undefined;
    }
    const bootstrap = this.deps.addresses.bootstrapOf(cluster);
    if (bootstrap === undefined) {
      await this.writeStatus(user, applied, {
        kind: 'failed',
        reason: 'BrokerError',
        message: `Cluster ${user.spec.cluster} has no broker address yet`,
      });
      return { backoff: true };
    }
    return this.sync(user, cluster, this.deps.security(bootstrap), desired.user, applied);
  }

  /** The previous, credential, acls and quotas steps, then the status. */
  private async sync(
    user: User,
    cluster: Cluster,
    security: BrokerSecurity,
    desired: DesiredUser,
    applied: UserApplied,
  ): Promise<ReconcileOutcome | undefined> {
    let outcome: UserOutcome;
    let requeueAfterMs: number | undefined;
    try {
      if (applied.principal !== undefined && applied.principal !== desired.principal) {
        await this.revokePrincipal(security, applied.principal);
        this.event(
          user,
          'Normal',
          'PrincipalRevoked',
          'Revoke',
          `revoked the ACLs and quotas of ${applied.principal}`,
        );
      }
      applied.principal = desired.principal;
      const credential = await this.credential(user, cluster, security, desired, applied);
      requeueAfterMs = credential.requeueAfterMs;
      const acls = await this.syncAcls(user, security, desired);
      await this.syncQuotas(user, security, desired);
      const quotaText = QUOTA_KEYS.filter((k) => desired.quotas[k] !== undefined)
        .map((k) => `${k}=${desired.quotas[k]}`)
        .join(', ');
      outcome = {
        kind: 'synced',
        message: `${desired.principal}: ${credential.summary}; ${acls} ACL bindings; ${quotaText === '' ? 'no quotas' : `quotas ${quotaText}`}`,
      };
    } catch (err) {
      const failure = brokerFailure('reconcile', err);
      outcome = { kind: 'failed', reason: failure.reason, message: failure.message };
      this.deps.log.warn(
        {
          user: `${user.metadata.namespace}/${user.metadata.name}`,
          reason: failure.reason,
          err: failure.message,
        },
        'user not in sync',
      );
    }
    await this.writeStatus(user, applied, outcome);
    if (outcome.kind === 'failed') return { backoff: true };
    return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
  }

  /** The credential step; answers a summary for the status message, and when to come back. */
  private async credential(
    user: User,
    cluster: Cluster,
    security: BrokerSecurity,
    desired: DesiredUser,
    applied: UserApplied,
  ): Promise<{ summary: string; requeueAfterMs?: number }> {
    const credential = desired.credential;
    let passwordChanged = false;
    let password: string | undefined;
    let passwordVersion: string | undefined;
    let summary: string;
    let requeueAfterMs: number | undefined;
    switch (credential.kind) {
      case 'tls': {
        const issued = await this.certificate(user, cluster, desired.name);
        applied.secret = user.metadata.name!;
        applied.certificateNotAfter = certificateNotAfter(issued);
        delete applied.passwordVersion;
        summary = `certificate valid until ${applied.certificateNotAfter} in Secret ${applied.secret}`;
        requeueAfterMs = Math.max(
          1000,
          Math.min(RENEWAL_REQUEUE_MS_MAX, certificateRenewAtMs(issued) - this.nowMs()),
        );
        break;
      }
      case 'scram': {
        const current = await this.password(user, credential);
        password = current.password;
        passwordVersion = current.version;
        passwordChanged = current.version !== applied.passwordVersion;
        applied.secret = user.metadata.name!;
        delete applied.certificateNotAfter;
        summary = `${credential.mechanism} credential, password in Secret ${applied.secret}`;
        break;
      }
      case 'serviceAccount':
      case 'none': {
        const own = await this.ownSecret(user, false);
        if (own !== undefined) await this.deps.secrets.delete(own);
        delete applied.secret;
        delete applied.certificateNotAfter;
        delete applied.passwordVersion;
        summary = credential.kind === 'none' ? 'no credential' : `ServiceAccount ${credential.name}`;
        break;
      }
    }
    let observed: Awaited<ReturnType<BrokerSecurity['scramMechanisms']>>;
    try {
      observed = await security.scramMechanisms(desired.name);
    } catch (err) {
      throw brokerFailure('describe SCRAM credentials', err);
    }
    const changes = planScram(credential, observed, passwordChanged);
    try {
      if (changes.upsert !== undefined && password !== undefined) {
        await security.upsertScram(desired.name, changes.upsert, password);
        this.event(
          user,
          'Normal',
          'PasswordSet',
          'Update',
          `set the ${changes.upsert} credential of ${desired.name}`,
        );
      }
      if (changes.delete.length > 0) {
        await security.deleteScram(desired.name, changes.delete);
        this.event(
          user,
          'Normal',
          'CredentialsDeleted',
          'Delete',
          `deleted the ${changes.delete.join(', ')} credentials of ${desired.name}`,
        );
      }
    } catch (err) {
      throw brokerFailure('SCRAM credentials', err);
    }
    if (passwordVersion !== undefined) applied.passwordVersion = passwordVersion;
    return requeueAfterMs === undefined ? { summary } : { summary, requeueAfterMs };
  }

  /**
   * The Secret the operator writes for `user`, when it exists; a Secret of that name that is not the
   * operator's is a SecretConflict when `required` (the User needs it), else left alone (undefined).
   */
  private async ownSecret(user: User, required: boolean): Promise<V1Secret | undefined> {
    const secret = await this.readSecret(user.metadata.namespace!, user.metadata.name!);
    if (secret === undefined || isUserSecret(secret, user)) return secret;
    if (!required) return undefined;
    throw new StepFailure(
      'SecretConflict',
      `Secret ${user.metadata.name} exists and is not this User's: delete or rename it, the operator writes the User's credentials there`,
    );
  }

  private async readSecret(namespace: string, name: string): Promise<V1Secret | undefined> {
    try {
      return await this.deps.secrets.get(namespace, name);
    } catch (err) {
      throw new StepFailure('BrokerError', `reading Secret ${name}: ${describeApiError(err)}`);
    }
  }

  private async applySecret(user: User, data: Record<string, string>): Promise<V1Secret> {
    try {
      return await this.deps.applier.apply(userSecret(user, data));
    } catch (err) {
      throw new StepFailure('BrokerError', `applying Secret ${user.metadata.name}: ${describeApiError(err)}`);
    }
  }

  /** The tls part of the credential step: the Secret's certificate, issued (again) when needed. */
  private async certificate(user: User, cluster: Cluster, userName: string): Promise<Record<string, string>> {
    const ca = await this.deps.clientsCa.clientsCa(cluster);
    if (ca === undefined) {
      throw new StepFailure('ClientsCaNotFound', `Cluster ${cluster.metadata.name} has no clients CA yet`);
    }
    const own = await this.ownSecret(user, true);
    const current = secretText(own);
    const problem = certificateProblem(current, ca.certPem, userName, this.nowMs());
    let data: Record<string, string> = {
      [SECRET_CA_CERT]: ca.certPem,
      [SECRET_USER_CERT]: current[SECRET_USER_CERT] ?? '',
      [SECRET_USER_KEY]: current[SECRET_USER_KEY] ?? '',
    };
    if (problem !== undefined) {
      const issued = await this.issue(ca, userName);
      data = {
        [SECRET_CA_CERT]: ca.certPem,
        [SECRET_USER_CERT]: issued.certPem,
        [SECRET_USER_KEY]: issued.keyPem,
      };
    }
    await this.applySecret(user, data);
    if (problem !== undefined) {
      this.deps.log.info(
        { user: `${user.metadata.namespace}/${userName}`, why: problem },
        'user certificate issued',
      );
      this.event(
        user,
        'Normal',
        'CertificateIssued',
        'Issue',
        `issued a certificate for ${userName} (${problem})`,
      );
    }
    return data;
  }

  /**
   * The scram part of the credential step: the password and its version, written into the User's Secret
   * (copied from the referenced Secret, or kept, or generated).
   */
  private async password(
    user: User,
    credential: Extract<UserCredential, { kind: 'scram' }>,
  ): Promise<{ password: string; version: string }> {
    const ref = credential.passwordRef;
    const own = await this.ownSecret(user, true);
    let password: string;
    let version: string | undefined;
    if (ref !== undefined) {
      const source = await this.readSecret(user.metadata.namespace!, ref.name);
      const value = secretText(source)[ref.key];
      if (source === undefined || value === undefined) {
        throw new StepFailure(
          'PasswordSecretNotFound',
          source === undefined
            ? `Secret ${ref.name} does not exist`
            : `Secret ${ref.name} has no key ${ref.key}`,
        );
      }
      if (value === '' || Buffer.byteLength(value) > PASSWORD_BYTES_MAX) {
        throw new StepFailure(
          'InvalidSpec',
          `the password in Secret ${ref.name} key ${ref.key} must be 1 to ${PASSWORD_BYTES_MAX} bytes`,
        );
      }
      password = value;
      version = secretVersion(source);
    } else {
      const kept = secretText(own)[SECRET_PASSWORD];
      password = kept !== undefined && kept !== '' ? kept : generatePassword(this.randomBytes);
    }
    const written = await this.applySecret(user, {
      [SECRET_USERNAME]: user.metadata.name!,
      [SECRET_PASSWORD]: password,
      [SECRET_MECHANISM]: credential.mechanism,
    });
    return { password, version: version ?? secretVersion(written) };
  }

  private async syncAcls(user: User, security: BrokerSecurity, desired: DesiredUser): Promise<number> {
    let observed: Awaited<ReturnType<BrokerSecurity['acls']>>;
    try {
      observed = await security.acls(desired.principal);
    } catch (err) {
      // Brokers without an authorizer hold no ACLs: nothing to delete, and nothing to create if none is asked.
      if (desired.acls.length === 0 && err instanceof TributaryError && reasonOf(err) === 'SECURITY_DISABLED')
        return 0;
      throw brokerFailure('describe ACLs', err);
    }
    const changes = planAcls(desired.acls, observed);
    try {
      if (changes.delete.length > 0) await security.deleteAcls(changes.delete);
      if (changes.create.length > 0) await security.createAcls(changes.create);
    } catch (err) {
      throw brokerFailure('ACLs', err);
    }
    if (changes.create.length + changes.delete.length > 0) {
      this.event(
        user,
        'Normal',
        'AclsChanged',
        'Update',
        `${desired.principal}: ${changes.create.length} ACL bindings created, ${changes.delete.length} deleted`,
      );
    }
    return desired.acls.length;
  }

  private async syncQuotas(user: User, security: BrokerSecurity, desired: DesiredUser): Promise<void> {
    try {
      const changes = planQuotas(desired.quotas, await security.quotas(desired.principal));
      if (quotaChangesEmpty(changes)) return;
      await security.alterQuotas(desired.principal, changes);
      const set = Object.entries(changes.set).map(([k, v]) => `${k}=${v}`);
      const removed = changes.remove.map((k) => `${k} removed`);
      this.event(
        user,
        'Normal',
        'QuotasChanged',
        'Update',
        `${desired.principal}: ${[...set, ...removed].join(', ')}`,
      );
    } catch (err) {
      throw brokerFailure('quotas', err);
    }
  }

  /** Deletes every ACL binding and quota of `principal`. */
  private async revokePrincipal(security: BrokerSecurity, principal: string): Promise<void> {
    try {
      let bindings: Awaited<ReturnType<BrokerSecurity['acls']>> = [];
      try {
        bindings = await security.acls(principal);
      } catch (err) {
        if (!(err instanceof TributaryError && reasonOf(err) === 'SECURITY_DISABLED')) throw err;
      }
      if (bindings.length > 0) await security.deleteAcls(bindings);
      const quotas = await security.quotas(principal);
      const remove = QUOTA_KEYS.filter((k) => quotas[k] !== undefined);
      if (remove.length > 0) await security.alterQuotas(principal, { set: {}, remove });
    } catch (err) {
      throw brokerFailure(`revoking ${principal}`, err);
    }
  }

  /** The deletion path: the brokers forget the user first, the Secret goes, the finalizer last. */
  private async finalize(user: User): Promise<ReconcileOutcome | undefined> {
    if (!Finalizers.has(user, USER_FINALIZER)) return undefined;
    const namespace = user.metadata.namespace!;
    const applied = appliedOf(user);
    const principal = applied.principal ?? userPrincipal(user);
    const cluster = this.deps.clusters.get(user.spec.cluster, namespace);
    // Nothing to revoke: no Cluster or one being deleted (its brokers go with it), no principal, or another
    // User owns the principal.
    const skip =
      principal === undefined ||
      cluster === undefined ||
      cluster.metadata.deletionTimestamp !== undefined ||
      wasInConflict(user) ||
      this.olderRival(user, principal) !== undefined;
    if (!skip) {
      const bootstrap = this.deps.addresses.bootstrapOf(cluster);
      if (bootstrap === undefined) {
        await this.writeStatus(user, applied, {
          kind: 'failed',
          reason: 'BrokerError',
          message: `deleting: Cluster ${user.spec.cluster} has no broker address yet`,
        });
        return { backoff: true };
      }
      const security = this.deps.security(bootstrap);
      try {
        const name = user.metadata.name!;
        const mechanisms = await security.scramMechanisms(name);
        if (mechanisms.length > 0) await security.deleteScram(name, mechanisms);
        await this.revokePrincipal(security, principal);
        this.deps.log.info({ user: `${namespace}/${name}`, principal }, 'user revoked');
        this.event(
          user,
          'Normal',
          'AccessRevoked',
          'Revoke',
          `revoked ${principal}: credentials, ACLs and quotas`,
        );
      } catch (err) {
        const failure = brokerFailure('deleting', err);
        await this.writeStatus(user, applied, {
          kind: 'failed',
          reason: failure.reason,
          message: failure.message,
        });
        return { backoff: true };
      }
    }
    try {
      const own = await this.ownSecret(user, false);
      if (own !== undefined) await this.deps.secrets.delete(own);
    } catch (err) {
      const message =
        err instanceof StepFailure ? err.message : `deleting the Secret: ${describeApiError(err)}`;
      await this.writeStatus(user, applied, { kind: 'failed', reason: 'BrokerError', message });
      return { backoff: true };
    }
    const removed = await this.deps.finalizers.release(user, USER_FINALIZER);
    return 'done' in removed ? removed.done : undefined;
  }

  /**
   * Another User of the same Cluster and principal, created earlier (ties broken by name): the owner of the
   * principal, also while its deletion (its finalizer) runs.
   */
  private olderRival(user: User, principal: string): string | undefined {
    const samePrincipal = this.deps.users
      .list(user.metadata.namespace)
      .filter((other) => other.spec.cluster === user.spec.cluster && userPrincipal(other) === principal);
    return olderClaimant(user, samePrincipal, USER_FINALIZER);
  }

  private event(user: User, type: EventType, reason: string, action: string, note: string): void {
    this.deps.events.record(
      { apiVersion: API_VERSION, kind: USER_KIND, metadata: user.metadata },
      type,
      reason,
      action,
      note,
    );
  }

  private async writeStatus(user: User, applied: UserApplied, outcome: UserOutcome): Promise<void> {
    await this.status.write(user, userStatus(user, applied, outcome, conditionTime(this.nowMs())));
  }
}

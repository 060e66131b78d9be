/**
 * One broker's security (docs/architecture.md, "Security"): the parts the security interceptor and the
 * SecurityService use, built from the broker settings and the security documents of the DCS.
 *
 * - authentication: Authenticator (bearer tokens, client certificates), SessionTokens, ScramServer,
 *   ServiceAccountReviewer, LoginGuard;
 * - authorization: AclAuthorizer fed with every binding in the DCS (authorizer=acl), super users from the
 *   settings and every `Broker:<id>`;
 * - quotas: QuotaManager fed with every quota in the DCS.
 */
import type { AclOperation, AclResourceType } from '../../proto/acl.js';
import { CLUSTER_RESOURCE_NAME } from '../../proto/acl.js';
import { parseAuthenticationMechanisms } from '../../proto/broker-settings.js';
import { type ErrorReason, TributaryError } from '../../proto/errors.js';
import type { ScramMechanismName } from '../../proto/scram.js';
import type { BrokerConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { BrokerMetrics } from '../metrics.js';
import { AclAuthorizer } from './acl-authorizer.js';
import { Authenticator, type Identity } from './authenticator.js';
import { ClientCertificates } from './client-certificate.js';
import { BROKER_PRINCIPAL_PREFIX } from './inter-broker-credential.js';
import { LoginGuard } from './login-guard.js';
import { QuotaManager } from './quota-manager.js';
import type { Access } from './rpc-access.js';
import { ScramServer } from './scram-server.js';
import type { SecurityStore } from './security-store.js';
import { kubeTokenReviewer, ServiceAccountReviewer, type TokenReviewer } from './service-account-reviewer.js';
import { SessionTokens } from './session-tokens.js';

const DENIAL_REASON: Record<AclResourceType, ErrorReason> = {
  topic: 'TOPIC_AUTHORIZATION_FAILED',
  group: 'GROUP_AUTHORIZATION_FAILED',
  cluster: 'CLUSTER_AUTHORIZATION_FAILED',
};

export interface BrokerSecurityOptions {
  /** Stands in for the API server's TokenReview (tests of the cache); default: the real one. */
  tokenReviewer?: TokenReviewer;
  now?: () => number;
}

export class BrokerSecurity {
  readonly sessions: SessionTokens;
  readonly scram: ScramServer;
  readonly authenticator: Authenticator;
  readonly guard: LoginGuard;
  readonly acl: AclAuthorizer;
  readonly quotas: QuotaManager;
  /** authorizer=acl: every call is checked; none: everything is allowed. */
  readonly authorizing: boolean;
  private readonly configuredSuperUsers: ReadonlySet<string>;

  constructor(
    readonly config: BrokerConfig,
    readonly store: SecurityStore,
    readonly metrics: BrokerMetrics,
    readonly logger: Logger,
    options: BrokerSecurityOptions = {},
  ) {
    const now = options.now ?? Date.now;
    this.configuredSuperUsers = new Set(
      config.superUsers
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    );
    this.authorizing = config.authorizer === 'acl';
    this.sessions = new SessionTokens(config.sessionLifetimeMs, now);
    this.scram = new ScramServer((user, mechanism) => store.scramUser(user)?.credentials[mechanism], now);
    this.guard = new LoginGuard(metrics, logger, now);
    const mechanisms = parseAuthenticationMechanisms(config.authentication);
    this.authenticator = new Authenticator({
      authentication: config.authentication,
      sessions: this.sessions,
      certificates: config.tlsCaFile === '' ? undefined : new ClientCertificates(config.tlsCaFile, now),
      serviceAccounts: mechanisms.includes('serviceaccount')
        ? new ServiceAccountReviewer(
            config.serviceAccountAudience,
            options.tokenReviewer ?? kubeTokenReviewer(config.serviceAccountKubeconfig),
            now,
          )
        : undefined,
      interBrokerSecret: () => store.interBrokerSecret,
      guard: this.guard,
      now,
    });
    this.acl = new AclAuthorizer((p) => this.isSuperUser(p));
    this.quotas = new QuotaManager(now);
    const applyAcls = () => this.acl.setBindings(store.aclPatterns().flatMap((p) => p.bindings));
    const applyQuotas = () => this.quotas.setQuotas(store.quotaDocs());
    applyAcls();
    applyQuotas();
    store.onChange((change) => {
      if (change === 'acls') applyAcls();
      if (change === 'quotas') applyQuotas();
    });
  }

  isSuperUser(principal: string): boolean {
    return this.configuredSuperUsers.has(principal) || principal.startsWith(BROKER_PRINCIPAL_PREFIX);
  }

  scramCredential(user: string, mechanism: ScramMechanismName) {
    return this.store.scramUser(user)?.credentials[mechanism];
  }

  /** The rights of one caller, as the RPC rules use them. */
  access(identity: Identity): Access {
    const allowed = (operation: AclOperation, resourceType: AclResourceType, name: string): boolean =>
      !this.authorizing ||
      this.acl.authorize({
        principal: identity.principal,
        host: identity.host,
        operation,
        resourceType,
        resourceName: name,
      });
    const deny = (operation: AclOperation, resourceType: AclResourceType, name: string): never => {
      this.metrics.authorizationDenials.inc({ operation, resource_type: resourceType });
      const what = resourceType === 'cluster' ? 'the cluster' : `${resourceType} ${JSON.stringify(name)}`;
      throw new TributaryError(
        DENIAL_REASON[resourceType],
        `${identity.principal} is not allowed to ${operation.toUpperCase()} ${what}`,
      );
    };
    return {
      allowed,
      require: (operation, resourceType, name) => {
        if (!allowed(operation, resourceType, name)) deny(operation, resourceType, name);
      },
      requireIdempotentWrite: () => {
        if (allowed('idempotent_write', 'cluster', CLUSTER_RESOURCE_NAME)) return;
        if (this.acl.mayWriteSomeTopic(identity.principal, identity.host)) return;
        deny('idempotent_write', 'cluster', CLUSTER_RESOURCE_NAME);
      },
    };
  }
}

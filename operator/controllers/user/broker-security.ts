/**
 * What the user reconcile asks of a Cluster's brokers (SecurityService: SCRAM credentials, ACLs, quotas), in
 * the planning's terms. The SDK's security admin is behind it; tests put a map in memory behind it.
 */
import type { ScramMechanismName } from '../../../proto/scram.js';
import type { AclRule, QuotaChanges, QuotaValues } from '../../planning/user-plan.js';

export interface BrokerSecurity {
  /** The mechanisms `user` has SCRAM credentials for. */
  scramMechanisms(user: string): Promise<ScramMechanismName[]>;
  /** Sets the credential of `user` for `mechanism`, computed here from `password` (never sent). */
  upsertScram(user: string, mechanism: ScramMechanismName, password: string): Promise<void>;
  deleteScram(user: string, mechanisms: readonly ScramMechanismName[]): Promise<void>;
  /** The bindings whose principal is exactly `principal`. */
  acls(principal: string): Promise<AclRule[]>;
  createAcls(rules: readonly AclRule[]): Promise<void>;
  /** Deletes exactly these bindings. */
  deleteAcls(rules: readonly AclRule[]): Promise<void>;
  /** The quotas of the entity {principal} (no client id). */
  quotas(principal: string): Promise<QuotaValues>;
  alterQuotas(principal: string, changes: QuotaChanges): Promise<void>;
}

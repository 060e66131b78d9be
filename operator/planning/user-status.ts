/**
 * A User's status from one reconcile. Pure.
 *
 * `Ready` True, reason Synced: the brokers hold the spec's credential, ACLs and quotas and the Secret holds
 * the credential. False with InvalidSpec, ClusterNotFound, BrokerError, PrincipalConflict (an older User of
 * the Cluster has the same principal), SecretConflict (a Secret named like the User exists and is not the
 * operator's), PasswordSecretNotFound, ClientsCaNotFound, SecurityDisabled (the brokers have the feature the
 * spec needs switched off).
 *
 * The other fields say what exists for the User, as far as the reconcile got (`UserApplied`), whatever the
 * outcome: `principal` is the one whose ACLs and quotas the brokers may hold, so the next reconcile (or the
 * deletion) knows what to revoke.
 */
import type { User, UserStatus } from '../api/v1alpha1.js';
import { CONDITION_READY, setCondition } from './conditions.js';

export type UserFailureReason =
  | 'InvalidSpec'
  | 'ClusterNotFound'
  | 'BrokerError'
  | 'PrincipalConflict'
  | 'SecretConflict'
  | 'PasswordSecretNotFound'
  | 'ClientsCaNotFound'
  | 'SecurityDisabled';

/** What the brokers and the User's Secret hold for it. */
export interface UserApplied {
  principal?: string;
  secret?: string;
  certificateNotAfter?: string;
  passwordVersion?: string;
}

export type UserOutcome =
  | { kind: 'synced'; message: string }
  | { kind: 'failed'; reason: UserFailureReason; message: string };

/** What the last status says exists for `user`. */
export function appliedOf(user: User): UserApplied {
  const s = user.status ?? {};
  const applied: UserApplied = {};
  if (s.principal !== undefined) applied.principal = s.principal;
  if (s.secret !== undefined) applied.secret = s.secret;
  if (s.certificateNotAfter !== undefined) applied.certificateNotAfter = s.certificateNotAfter;
  if (s.passwordVersion !== undefined) applied.passwordVersion = s.passwordVersion;
  return applied;
}

export function userStatus(
  user: User,
  applied: UserApplied,
  outcome: UserOutcome,
  nowIso: string,
): UserStatus {
  const generation = user.metadata.generation ?? 0;
  const ready =
    outcome.kind === 'synced'
      ? { status: 'True' as const, reason: 'Synced', message: outcome.message }
      : { status: 'False' as const, reason: outcome.reason, message: outcome.message };
  return {
    observedGeneration: generation,
    ...appliedOf({ ...user, status: applied }),
    conditions: setCondition(
      user.status?.conditions,
      { type: CONDITION_READY, ...ready },
      generation,
      nowIso,
    ),
  };
}

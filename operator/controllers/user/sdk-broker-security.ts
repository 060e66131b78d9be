/**
 * `BrokerSecurity` over the SDK's `SecurityAdmin`: the CRD's operation names (`DescribeConfigs`) become the
 * SDK's (`describe_configs`), one failed item of a batch call fails the call, and only the entity
 * {principal} (no client id) is read and written for quotas.
 */
import type { AclBinding, AclOperation, SecurityAdmin } from '../../../client/index.js';
import type { AclOperationName, AclRule } from '../../planning/user-plan.js';
import type { BrokerSecurity } from './broker-security.js';

const OPERATION_TO_SDK: Record<AclOperationName, AclOperation> = {
  All: 'all',
  Read: 'read',
  Write: 'write',
  Create: 'create',
  Delete: 'delete',
  Alter: 'alter',
  Describe: 'describe',
  ClusterAction: 'cluster_action',
  DescribeConfigs: 'describe_configs',
  AlterConfigs: 'alter_configs',
  IdempotentWrite: 'idempotent_write',
};
const OPERATION_FROM_SDK = new Map(
  Object.entries(OPERATION_TO_SDK).map(([crd, sdk]) => [sdk, crd as AclOperationName]),
);

function toBinding(rule: AclRule): AclBinding {
  return { ...rule, operation: OPERATION_TO_SDK[rule.operation] };
}

function fromBinding(binding: AclBinding): AclRule {
  const operation = OPERATION_FROM_SDK.get(binding.operation);
  if (operation === undefined) throw new Error(`unknown ACL operation ${JSON.stringify(binding.operation)}`);
  return { ...binding, operation };
}

function throwFirst(results: ReadonlyArray<{ error: Error | null }>): void {
  const failed = results.find((r) => r.error !== null);
  if (failed?.error != null) throw failed.error;
}

export function sdkBrokerSecurity(admin: SecurityAdmin): BrokerSecurity {
  return {
    async scramMechanisms(user) {
      const users = await admin.describeUserScramCredentials([user]);
      return users.filter((u) => u.user === user).flatMap((u) => u.credentials.map((c) => c.mechanism));
    },
    upsertScram: (user, mechanism, password) => admin.setUserPassword(user, password, { mechanism }),
    async deleteScram(user, mechanisms) {
      throwFirst(
        await admin.alterUserScramCredentials({
          deletions: mechanisms.map((mechanism) => ({ user, mechanism })),
        }),
      );
    },
    async acls(principal) {
      const bindings = await admin.describeAcls({ principal });
      return bindings.filter((b) => b.principal === principal).map(fromBinding);
    },
    async createAcls(rules) {
      throwFirst(await admin.createAcls(rules.map(toBinding)));
    },
    async deleteAcls(rules) {
      throwFirst(await admin.deleteAcls(rules.map(toBinding)));
    },
    async quotas(principal) {
      const entries = await admin.describeClientQuotas({ principal });
      return (
        entries.find((e) => e.entity.principal === principal && e.entity.clientId === undefined)?.values ?? {}
      );
    },
    alterQuotas: (principal, changes) =>
      admin.alterClientQuota({ entity: { principal }, set: changes.set, remove: changes.remove }),
  };
}

/**
 * Identities for control-plane tests: a ServiceAccount bound to a namespaced Role, and tokens of it, so a
 * test can prove a component works with exactly the rights its Role grants (and fails without them).
 */
import type { CoreV1Api, RbacAuthorizationV1Api, V1PolicyRule } from '@kubernetes/client-node';

/** The broker's Role for the kubernetes DCS, as docs/operations.md and the operator contract give it. */
export const BROKER_DCS_RULES: V1PolicyRule[] = [
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'delete'],
  },
  {
    apiGroups: [''],
    resources: ['configmaps'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'delete'],
  },
];

export interface KubeAdmin {
  readonly core: CoreV1Api;
  readonly rbac: RbacAuthorizationV1Api;
}

/**
 * Creates ServiceAccount `name` in `namespace`, and a Role and RoleBinding of the same name granting it
 * `rules` (none: no Role at all); returns a token of it.
 */
export async function serviceAccountWithRole(
  admin: KubeAdmin,
  namespace: string,
  name: string,
  rules: V1PolicyRule[],
  options: { boundSecret?: string } = {},
): Promise<string> {
  await admin.core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  if (rules.length > 0) {
    await admin.rbac.createNamespacedRole({ namespace, body: { metadata: { name }, rules } });
    await admin.rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ kind: 'ServiceAccount', name, namespace }],
      },
    });
  }
  return serviceAccountToken(admin, namespace, name, options);
}

/** A token of ServiceAccount `name` valid for an hour, bound to Secret `boundSecret` when given. */
export async function serviceAccountToken(
  admin: KubeAdmin,
  namespace: string,
  name: string,
  options: { boundSecret?: string } = {},
): Promise<string> {
  const bound = options.boundSecret;
  const token = await admin.core.createNamespacedServiceAccountToken({
    namespace,
    name,
    body: {
      spec: {
        audiences: [],
        expirationSeconds: 3600,
        ...(bound === undefined ? {} : { boundObjectRef: { apiVersion: 'v1', kind: 'Secret', name: bound } }),
      },
    },
  });
  const text = token.status?.token;
  if (text === undefined || text === '') throw new Error(`no token issued for ${namespace}/${name}`);
  return text;
}

/**
 * The plan for one Cluster: the objects it should own, in the order the reconcile applies them, and the
 * parts of its spec that cannot take effect (yet). Pure: the reconcile passes in what it observed, and
 * acts on the plan (Strimzi's rule: one step returns the plan, the next receives it).
 *
 * Order: identity first (ServiceAccount, Role, RoleBinding: pods cannot start without their account), then
 * the config the pods mount, the Services whose DNS names the brokers advertise, the StatefulSet, and
 * the PodDisruptionBudget last.
 *
 * Held back, reported as problems rather than done:
 * - InvalidConfig: spec.config names unknown or operator-owned settings. The ConfigMap and the StatefulSet
 *   keep their last good state (running brokers are never handed a config they would refuse).
 * A scale-down (spec.brokers below the running count) keeps the brokers that go until they are drained:
 * the StatefulSet gets the replicas the scale plan allows (scale-plan.ts, through `scaleDownReplicas`), and
 * without that answer (the brokers could not be asked) the running count.
 * - StorageResizeNotSupported: a StatefulSet's volume claim template cannot change; the existing one is
 *   kept until the resize step (a later issue) expands the claims one by one.
 * The roll of the pods is not an object: the reconcile runs it after the apply (broker-roller.ts).
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Cluster } from '../api/v1alpha1.js';
import { brokerConfigMap, configHash, configMapName } from './broker-config-map.js';
import { brokerDisruptionBudget } from './broker-disruption-budget.js';
import { brokerRole, brokerRoleBinding, brokerServiceAccount } from './broker-rbac.js';
import { bootstrapService, headlessService } from './broker-services.js';
import { brokerConfigProblem, renderBrokerYaml } from './broker-settings.js';
import { brokerStatefulSet } from './broker-statefulset.js';
import { bootstrapAddress } from './cluster-names.js';
import { selectorLabels, selectorString } from './labels.js';
import { sameQuantity } from './quantity.js';
import { type ResolvedCluster, resolveCluster } from './resolved-cluster.js';

export type ClusterStep =
  | 'ServiceAccount'
  | 'Role'
  | 'RoleBinding'
  | 'ConfigMap'
  | 'HeadlessService'
  | 'BootstrapService'
  | 'StatefulSet'
  | 'PodDisruptionBudget'
  /** Not an object: the roll of the broker pods (controllers/cluster/broker-roller.ts). */
  | 'RollingUpdate'
  /** Not an object: the brokers' balancing (controllers/cluster/balancer-sync.ts). */
  | 'Balancing';

export interface PlannedObject {
  step: ClusterStep;
  object: KubernetesObject;
}

export type SpecProblemReason = 'InvalidConfig' | 'StorageResizeNotSupported';

export interface SpecProblem {
  reason: SpecProblemReason;
  message: string;
}

/** The Cluster's StatefulSet as last seen (from the informer cache), when it exists. */
export interface ObservedStatefulSet {
  replicas: number;
  volume?: { size: string; storageClassName?: string | undefined };
}

export interface ClusterPlan {
  readonly resolved: ResolvedCluster;
  readonly objects: PlannedObject[];
  readonly problems: SpecProblem[];
  /** Brokers the StatefulSet is asked to run. */
  readonly replicas: number;
  readonly bootstrap: string;
  readonly selector: string;
  /** The ConfigMap the planned StatefulSet mounts (undefined while the config is invalid). */
  readonly configMap: string | undefined;
}

export function planCluster(
  cluster: Cluster,
  observed: ObservedStatefulSet | undefined,
  scaleDownReplicas?: number,
): ClusterPlan {
  const ctx = resolveCluster(cluster);
  const { spec } = ctx;
  const problems: SpecProblem[] = [];

  const configProblem = brokerConfigProblem(spec.config);
  if (configProblem !== undefined) problems.push({ reason: 'InvalidConfig', message: configProblem });

  let replicas = spec.brokers;
  if (observed !== undefined && observed.replicas > spec.brokers) {
    replicas = Math.min(observed.replicas, Math.max(spec.brokers, scaleDownReplicas ?? observed.replicas));
  }

  let volume: { size: string; storageClassName?: string | undefined } = {
    size: spec.storage.size,
    storageClassName: spec.storage.storageClassName,
  };
  if (observed?.volume !== undefined) {
    if (!sameQuantity(observed.volume.size, spec.storage.size)) {
      problems.push({
        reason: 'StorageResizeNotSupported',
        message: `spec.storage.size is ${spec.storage.size} but the volumes were made with ${observed.volume.size}; resizing volumes is not done by this operator version`,
      });
    }
    volume = observed.volume;
  }

  const objects: PlannedObject[] = [
    { step: 'ServiceAccount', object: brokerServiceAccount(ctx) },
    { step: 'Role', object: brokerRole(ctx) },
    { step: 'RoleBinding', object: brokerRoleBinding(ctx) },
  ];
  const brokerYaml = configProblem === undefined ? renderBrokerYaml(spec.config) : undefined;
  if (brokerYaml !== undefined) objects.push({ step: 'ConfigMap', object: brokerConfigMap(ctx, brokerYaml) });
  objects.push(
    { step: 'HeadlessService', object: headlessService(ctx) },
    { step: 'BootstrapService', object: bootstrapService(ctx) },
  );
  if (brokerYaml !== undefined) {
    objects.push({
      step: 'StatefulSet',
      object: brokerStatefulSet(ctx, { replicas, configHash: configHash(brokerYaml), volume }),
    });
  }
  objects.push({ step: 'PodDisruptionBudget', object: brokerDisruptionBudget(ctx) });

  return {
    resolved: ctx,
    objects,
    problems,
    replicas,
    bootstrap: bootstrapAddress(ctx.name, ctx.namespace, spec.listeners.client.port),
    selector: selectorString(selectorLabels(ctx.name)),
    configMap: brokerYaml === undefined ? undefined : configMapName(ctx.name, configHash(brokerYaml)),
  };
}

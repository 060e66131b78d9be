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
 * - StorageShrinkNotSupported: spec.storage.size below the volumes' size (volume-plan.ts): nothing changes.
 *
 * A scale-down (spec.brokers below the running count) keeps the brokers that go until they are drained:
 * the StatefulSet gets the replicas the scale plan allows (scale-plan.ts, through `scaleDownReplicas`), and
 * without that answer (the brokers could not be asked) the running count.
 *
 * The StatefulSet's volume claim template is immutable: an existing StatefulSet is applied with the template
 * it has, and volume-plan.ts says when it must be replaced to carry a new size. A StatefulSet whose cached
 * copy is terminating (deleted by the operator's replacement, or by a person with --cascade=orphan) is not
 * applied at all: applying it would re-create it, once gone, from that copy. An existing one is applied with
 * its uid, so an apply that finds it gone (a cache behind the deletion) fails instead of re-creating it.
 * Once the cache no longer holds it, it is made from the spec: the size volume-plan.ts gives, and at least
 * as many replicas as broker pods exist (orphaned pods are adopted, never deleted by a smaller count).
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
import { type ResolvedCluster, resolveCluster } from './resolved-cluster.js';
import { type ClaimObservation, planVolumes, type VolumePlan } from './volume-plan.js';

export type ClusterStep =
  | 'ServiceAccount'
  | 'Role'
  | 'RoleBinding'
  | 'ConfigMap'
  | 'HeadlessService'
  | 'BootstrapService'
  | 'StatefulSet'
  | 'PodDisruptionBudget'
  /** Not objects: the roll of the broker pods (controllers/cluster/broker-roller.ts), the claims' expansion
   * and the StatefulSet's replacement (controllers/cluster/volume-resizer.ts), the brokers' balancing
   * (controllers/cluster/balancer-sync.ts). */
  | 'RollingUpdate'
  | 'VolumeExpansion'
  | 'StatefulSetReplacement'
  | 'Balancing';

export interface PlannedObject {
  step: ClusterStep;
  object: KubernetesObject;
}

export type SpecProblemReason = 'InvalidConfig' | 'StorageShrinkNotSupported' | 'StorageExpansionNotAllowed';

export interface SpecProblem {
  reason: SpecProblemReason;
  message: string;
}

/** The Cluster's StatefulSet as last seen (from the informer cache), when it exists. */
export interface ObservedStatefulSet {
  replicas: number;
  volume?: { size: string; storageClassName?: string | undefined };
  /** Its deletionTimestamp is set. */
  terminating?: boolean;
  /** Its uid: the planned StatefulSet updates that object only, never re-creates it (broker-statefulset.ts). */
  uid?: string | undefined;
}

/** What else planning needs of the brokers as last seen. */
export interface ObservedBrokers {
  /** The Cluster's PersistentVolumeClaims. */
  claims: readonly ClaimObservation[];
  /** Broker pods that exist, whatever owns them: the highest ordinal plus one (0 without pods). */
  podCount: number;
  /** A roll deleted a broker pod that is not back yet. */
  rollRestarting: boolean;
}

const NO_BROKERS: ObservedBrokers = { claims: [], podCount: 0, rollRestarting: false };

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
  /** The volumes against spec.storage.size (volume-plan.ts). */
  readonly volumes: VolumePlan;
  /** The cached StatefulSet is terminating: nothing is applied to it, the reconcile waits until it is gone. */
  readonly statefulSetTerminating: boolean;
}

export function planCluster(
  cluster: Cluster,
  observedStatefulSet: ObservedStatefulSet | undefined,
  brokers: ObservedBrokers = NO_BROKERS,
  scaleDownReplicas?: number,
): ClusterPlan {
  const ctx = resolveCluster(cluster);
  const { spec } = ctx;
  const problems: SpecProblem[] = [];
  const terminating = observedStatefulSet?.terminating === true;
  const observed = terminating ? undefined : observedStatefulSet;

  const configProblem = brokerConfigProblem(spec.config);
  if (configProblem !== undefined) problems.push({ reason: 'InvalidConfig', message: configProblem });

  let replicas = spec.brokers;
  const running = observed?.replicas ?? brokers.podCount;
  if (running > spec.brokers) {
    replicas = Math.min(running, Math.max(spec.brokers, scaleDownReplicas ?? running));
  }

  const brokerYaml = configProblem === undefined ? renderBrokerYaml(spec.config) : undefined;
  let volumes = planVolumes({
    wanted: spec.storage.size,
    template: observed?.volume?.size,
    claims: brokers.claims,
    replicas,
    rollRestarting: brokers.rollRestarting,
  });
  if (volumes.problem !== undefined) problems.push(volumes.problem);
  if (volumes.replace.kind === 'now' && brokerYaml === undefined) {
    // Without a valid config no StatefulSet can be made: a deleted one would leave the brokers orphaned.
    volumes = {
      ...volumes,
      replace: { kind: 'wait', why: 'the claim template follows once spec.config is valid' },
    };
  }
  // An existing template cannot change: it is applied as it is until the StatefulSet is replaced.
  const volume = observed?.volume ?? {
    size: volumes.templateSize,
    storageClassName: spec.storage.storageClassName,
  };

  const objects: PlannedObject[] = [
    { step: 'ServiceAccount', object: brokerServiceAccount(ctx) },
    { step: 'Role', object: brokerRole(ctx) },
    { step: 'RoleBinding', object: brokerRoleBinding(ctx) },
  ];
  if (brokerYaml !== undefined) objects.push({ step: 'ConfigMap', object: brokerConfigMap(ctx, brokerYaml) });
  objects.push(
    { step: 'HeadlessService', object: headlessService(ctx) },
    { step: 'BootstrapService', object: bootstrapService(ctx) },
  );
  if (brokerYaml !== undefined && !terminating) {
    objects.push({
      step: 'StatefulSet',
      object: brokerStatefulSet(ctx, {
        replicas,
        configHash: configHash(brokerYaml),
        volume,
        uid: observed?.uid,
      }),
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
    volumes,
    statefulSetTerminating: terminating,
  };
}

/**
 * The volume step of a Cluster's reconcile: expand the brokers' claims the volume plan names, and replace the
 * StatefulSet when the plan says so (planning/volume-plan.ts has the algorithm, docs/architecture.md
 * "Volume growth" the reasons).
 *
 *   expand    a JSON merge patch of each claim's spec.resources.requests.storage, in broker order. A 403 is
 *             the API server's refusal (its PersistentVolumeClaimResize admission: the claim's class does
 *             not allow expansion, or its volume was not dynamically provisioned; or a quota): the claims
 *             after it are not asked (they share the class), and the refusal goes to the status. The
 *             StatefulSet controller and the storage's resizer do the rest; the claims' watch events bring
 *             the reconcile back.
 *   replace   delete the StatefulSet with propagationPolicy Orphan and its uid as precondition (one
 *             re-created meanwhile is not touched): the garbage collector removes the pods' owner reference
 *             and no pod stops. Its deletion event queues the Cluster, and the reconcile that no longer
 *             finds it in the cache makes it from the spec with the new claim template; the StatefulSet
 *             controller adopts the pods, which keep their uids and their revision (the pod template is
 *             the same, so no broker is rolled).
 */
import {
  AppsV1Api,
  CoreV1Api,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1PersistentVolumeClaim,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { describeApiError, isConflict, isNotFound, statusCodeOf } from '../../kube/api-error.js';
import { DATA_VOLUME } from '../../planning/broker-statefulset.js';
import type { ClaimObservation, VolumePlan } from '../../planning/volume-plan.js';
import type { ExpansionRefusal } from '../../planning/volume-status.js';

export interface VolumeWriter {
  /** Sets the claim's requested size; answers the claim as stored. */
  expandClaim(namespace: string, name: string, size: string): Promise<V1PersistentVolumeClaim>;
  /** Deletes the StatefulSet, orphaning its pods; gone or re-created (uid precondition failed) is done. */
  orphanStatefulSet(namespace: string, name: string, uid: string): Promise<void>;
}

export function apiVolumeWriter(kc: KubeConfig): VolumeWriter {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  return {
    expandClaim: (namespace, name, size) =>
      core.patchNamespacedPersistentVolumeClaim(
        { namespace, name, body: { spec: { resources: { requests: { storage: size } } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    orphanStatefulSet: async (namespace, name, uid) => {
      try {
        await apps.deleteNamespacedStatefulSet({
          namespace,
          name,
          body: { propagationPolicy: 'Orphan', preconditions: { uid } },
        });
      } catch (err) {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
    },
  };
}

/** The claim of a broker of StatefulSet `statefulSet` (`data-<statefulSet>-<ordinal>`), or undefined. */
export function claimObservation(
  claim: V1PersistentVolumeClaim,
  statefulSet: string,
): ClaimObservation | undefined {
  const name = claim.metadata?.name ?? '';
  const prefix = `${DATA_VOLUME}-${statefulSet}-`;
  if (!name.startsWith(prefix) || !/^\d+$/.test(name.slice(prefix.length))) return undefined;
  const resizing = claim.status?.conditions?.find((c) => c.status === 'True');
  return {
    broker: Number(name.slice(prefix.length)),
    name,
    requested: claim.spec?.resources?.requests?.['storage'],
    capacity: claim.status?.capacity?.['storage'],
    bound: claim.status?.phase === 'Bound',
    resizeCondition:
      resizing === undefined
        ? undefined
        : `${resizing.type}${resizing.message ? `: ${resizing.message}` : ''}`,
  };
}

export interface ExpansionResult {
  /** The brokers' claims after the expansions (as the API server answered them). */
  claims: ClaimObservation[];
  refusal: ExpansionRefusal | undefined;
  /** A failure other than a refusal (retried with the reconcile's back-off). */
  failure: string | undefined;
}

export class VolumeResizer {
  constructor(private readonly deps: { writer: VolumeWriter; log: Logger }) {}

  /** Expands the claims `plan` names, of the brokers of StatefulSet `statefulSet`. */
  async expand(
    who: string,
    namespace: string,
    statefulSet: string,
    plan: VolumePlan,
  ): Promise<ExpansionResult> {
    const claims = [...plan.claims];
    for (const name of plan.expand) {
      const i = claims.findIndex((c) => c.name === name);
      try {
        const after = claimObservation(
          await this.deps.writer.expandClaim(namespace, name, plan.target),
          statefulSet,
        );
        if (i >= 0 && after !== undefined) claims[i] = after;
        this.deps.log.info({ cluster: who, claim: name, size: plan.target }, 'expanding a broker volume');
      } catch (err) {
        if (statusCodeOf(err) === 403) {
          const message = describeApiError(err);
          this.deps.log.warn(
            { cluster: who, claim: name, size: plan.target, message },
            'volume expansion refused',
          );
          return { claims, refusal: { claim: name, message }, failure: undefined };
        }
        return { claims, refusal: undefined, failure: `expanding ${name}: ${describeApiError(err)}` };
      }
    }
    return { claims, refusal: undefined, failure: undefined };
  }

  async replace(who: string, namespace: string, name: string, uid: string): Promise<void> {
    this.deps.log.info(
      { cluster: who, statefulSet: name, uid },
      'replacing the StatefulSet for its new volume claim template (pods orphaned, not restarted)',
    );
    await this.deps.writer.orphanStatefulSet(namespace, name, uid);
  }
}

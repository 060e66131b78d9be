/**
 * `status.storage` of a Cluster and its `StorageResize` condition, from the volume plan and the claims as
 * they are after the reconcile acted on them. Pure.
 *
 * Each broker's claim is Expanded (its capacity is at the target size), Expanding (its request is, the
 * resizer works on it), Waiting (its expansion is still to be asked), Unbound (it is asked once the claim is
 * bound) or NotAllowed (the API server refused to expand it: the storage class does not allow expansion).
 *
 * `StorageResize` appears once volumes had to change: True while a resize is under way (reason Expanding,
 * ReplacingStatefulSet, or NotAllowed when the API server refuses), False with reason Completed when every
 * volume and the claim template have the target size. A refusal also makes Ready False with reason
 * StorageExpansionNotAllowed; setting spec.storage.size back to the volumes' size completes the "resize"
 * at once and clears both.
 */
import type { BrokerVolumeStatus, ClusterStatus, Condition } from '../api/v1alpha1.js';
import { findCondition } from './conditions.js';
import { sameQuantity } from './quantity.js';
import { below, type ClaimObservation, type VolumePlan } from './volume-plan.js';

export const CONDITION_STORAGE_RESIZE = 'StorageResize';

export type StorageStatus = NonNullable<ClusterStatus['storage']>;

/** An expansion the API server refused: the claim and its answer. */
export interface ExpansionRefusal {
  claim: string;
  message: string;
}

export interface VolumeObservation {
  plan: VolumePlan;
  /** The brokers' claims after this reconcile's expansions (by ordinal). */
  claims: readonly ClaimObservation[];
  refusal: ExpansionRefusal | undefined;
  /** The StatefulSet's claim template size now; undefined while there is none (being replaced). */
  claimTemplateSize: string | undefined;
}

function volumeStatus(
  claim: ClaimObservation,
  target: string,
  refusal: ExpansionRefusal | undefined,
): BrokerVolumeStatus {
  const base = {
    broker: claim.broker,
    claim: claim.name,
    ...(claim.requested === undefined ? {} : { requested: claim.requested }),
    ...(claim.capacity === undefined ? {} : { capacity: claim.capacity }),
  };
  if (!claim.bound) return { ...base, state: 'Unbound' };
  if (claim.capacity !== undefined && !below(claim.capacity, target)) return { ...base, state: 'Expanded' };
  if (refusal?.claim === claim.name) return { ...base, state: 'NotAllowed', message: refusal.message };
  if (below(claim.requested, target)) return { ...base, state: 'Waiting' };
  return {
    ...base,
    state: 'Expanding',
    ...(claim.resizeCondition === undefined ? {} : { message: claim.resizeCondition }),
  };
}

export function storageStatus(observed: VolumeObservation): StorageStatus {
  const { target } = observed.plan;
  return {
    size: target,
    ...(observed.claimTemplateSize === undefined ? {} : { claimTemplateSize: observed.claimTemplateSize }),
    volumes: observed.claims.map((c) => volumeStatus(c, target, observed.refusal)),
  };
}

type ConditionBody = Pick<Condition, 'status' | 'reason' | 'message'>;

/** The StorageResize condition's body, or undefined while no resize ever was needed. */
export function storageResizeCondition(
  storage: StorageStatus,
  plan: VolumePlan,
  previous: readonly Condition[] | undefined,
): ConditionBody | undefined {
  const { size, volumes } = storage;
  const expanded = volumes.filter((v) => v.state === 'Expanded').length;
  const templateDone =
    storage.claimTemplateSize !== undefined && sameQuantity(storage.claimTemplateSize, size);
  const refused = volumes.find((v) => v.state === 'NotAllowed');
  if (expanded === volumes.length && templateDone) {
    if (findCondition(previous, CONDITION_STORAGE_RESIZE) === undefined) return undefined;
    return {
      status: 'False',
      reason: 'Completed',
      message: `${volumes.length} volume(s) and the claim template at ${size}`,
    };
  }
  const progress = `${expanded}/${volumes.length} volume(s) at ${size}`;
  if (refused !== undefined) {
    return {
      status: 'True',
      reason: 'NotAllowed',
      message: `${progress}; expanding ${refused.claim} was refused: ${refused.message}; set spec.storage.size back to ${refused.requested ?? "the volumes' size"} to cancel`,
    };
  }
  const pending = volumes
    .filter((v) => v.state !== 'Expanded')
    .slice(0, 10)
    .map((v) => `${v.claim} ${v.state}${v.message === undefined ? '' : ` (${v.message})`}`);
  const template =
    storage.claimTemplateSize === undefined
      ? 'the StatefulSet is being replaced to carry the new claim template'
      : templateDone
        ? `claim template at ${size}`
        : `claim template at ${storage.claimTemplateSize}${plan.replace.kind === 'wait' ? `: ${plan.replace.why}` : ''}`;
  return {
    status: 'True',
    reason: pending.length === 0 ? 'ReplacingStatefulSet' : 'Expanding',
    message: [progress, ...pending, template].join('; '),
  };
}

/**
 * The brokers' volumes against `spec.storage.size`: which claims to expand, the volume claim template the
 * StatefulSet should carry, and whether the StatefulSet must be replaced to carry it. Pure.
 *
 * A StatefulSet's volumeClaimTemplates are immutable, and its controller never resizes a claim it made: a
 * larger size is given to each broker's claim directly (the storage class's resizer grows the volume), and
 * the template is changed by replacing the StatefulSet: deleted with propagationPolicy Orphan (its pods keep
 * running, their owner reference removed), re-created once gone, adopting the pods (docs/architecture.md,
 * "Volume growth").
 *
 * Algorithm:
 * 1. current = the largest request among the brokers' claims (ordinals below `replicas`), or the claim
 *    template's size when no claim exists; none without either.
 * 2. wanted below current is a shrink: volumes never shrink, so it is refused (StorageShrinkNotSupported) and
 *    nothing changes: target = current, no claim is expanded, the template is kept (a StatefulSet made now
 *    gets current).
 * 3. Otherwise target = wanted. Every bound claim whose request is below target is expanded; an unbound one
 *    waits (the API server changes the size of a bound claim only) and is expanded once bound.
 * 4. The claim template: without a StatefulSet, a new one is made at target. An existing one whose template
 *    differs from target is replaced once no bound claim waits for its expansion (each one accepted by the
 *    API server: a class that refuses holds the template, so reverting spec.storage.size leaves nothing to
 *    undo) and no broker pod is mid-restart in a roll (its pod is re-created by the StatefulSet).
 */
import type { SpecProblem } from './cluster-plan.js';
import { parseQuantity, sameQuantity } from './quantity.js';

/** A broker's PersistentVolumeClaim as observed. */
export interface ClaimObservation {
  /** The broker's ordinal (the claim is `data-<cluster>-<ordinal>`). */
  broker: number;
  name: string;
  /** spec.resources.requests.storage */
  requested: string | undefined;
  /** status.capacity.storage (absent until bound) */
  capacity: string | undefined;
  bound: boolean;
  /** The claim's resize condition that holds, as `Type: message` (e.g. FileSystemResizePending). */
  resizeCondition?: string | undefined;
}

export interface VolumeInputs {
  /** spec.storage.size */
  wanted: string;
  /** The existing StatefulSet's claim template size; undefined when there is no StatefulSet. */
  template: string | undefined;
  /** The Cluster's claims (any ordinal; those at or above `replicas` are left alone). */
  claims: readonly ClaimObservation[];
  /** Brokers the StatefulSet runs. */
  replicas: number;
  /** A roll has deleted a broker pod that is not back yet. */
  rollRestarting: boolean;
}

export type Replacement =
  /** Nothing to replace: no StatefulSet, or its template already has the size. */
  { kind: 'none' } | { kind: 'now' } | { kind: 'wait'; why: string };

export interface VolumePlan {
  /** The size the brokers' volumes are brought to. */
  readonly target: string;
  /** The brokers' claims (ordinals below replicas), by ordinal. */
  readonly claims: readonly ClaimObservation[];
  /** Names of the claims to expand to `target` now, by ordinal. */
  readonly expand: readonly string[];
  /** The claim template of a StatefulSet made now. */
  readonly templateSize: string;
  readonly replace: Replacement;
  readonly problem: SpecProblem | undefined;
}

/** Whether quantity `a` is below `b` (false when either is not a quantity). */
export function below(a: string | undefined, b: string): boolean {
  if (a === undefined) return true;
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return Number.isFinite(x) && Number.isFinite(y) && x < y && !sameQuantity(a, b);
}

/** The claim of broker `ordinal` of StatefulSet `statefulSet`, from its template `volume`. */
export function claimName(volume: string, statefulSet: string, ordinal: number): string {
  return `${volume}-${statefulSet}-${ordinal}`;
}

function largest(sizes: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const size of sizes) {
    if (!Number.isFinite(parseQuantity(size))) continue;
    if (best === undefined || below(best, size)) best = size;
  }
  return best;
}

export function planVolumes(inputs: VolumeInputs): VolumePlan {
  if (!Number.isFinite(parseQuantity(inputs.wanted))) {
    throw new Error(`spec.storage.size ${JSON.stringify(inputs.wanted)} is not a quantity`);
  }
  const claims = inputs.claims
    .filter((c) => c.broker >= 0 && c.broker < inputs.replicas)
    .sort((a, b) => a.broker - b.broker);
  const requested = claims.flatMap((c) => (c.requested === undefined ? [] : [c.requested]));
  const current = largest(requested) ?? inputs.template;

  if (current !== undefined && below(inputs.wanted, current)) {
    return {
      target: current,
      claims,
      expand: [],
      templateSize: inputs.template ?? current,
      replace: { kind: 'none' },
      problem: {
        reason: 'StorageShrinkNotSupported',
        message: `spec.storage.size is ${inputs.wanted} but the brokers' volumes have ${current}; volumes never shrink, so nothing is changed: set it back to ${current} or more`,
      },
    };
  }

  const target = inputs.wanted;
  const expand = claims.filter((c) => c.bound && below(c.requested, target)).map((c) => c.name);
  let replace: Replacement = { kind: 'none' };
  if (inputs.template !== undefined && !sameQuantity(inputs.template, target)) {
    if (expand.length > 0) {
      replace = {
        kind: 'wait',
        why: `the claim template follows once ${expand.length} claim(s) are expanded to ${target}`,
      };
    } else if (inputs.rollRestarting) {
      replace = {
        kind: 'wait',
        why: 'the claim template follows once the broker restarting in the roll is back',
      };
    } else {
      replace = { kind: 'now' };
    }
  }
  return { target, claims, expand, templateSize: target, replace, problem: undefined };
}

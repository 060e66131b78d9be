/**
 * Merges a Cluster's `spec.podTemplate.spec` over the pod spec the operator generates, the way a strategic
 * merge patch treats a PodSpec, reduced to three rules:
 * - objects merge key by key, recursively; a `null` in the override removes the key (as in a JSON merge
 *   patch), e.g. `topologySpreadConstraints: null`;
 * - lists whose items all carry a string `name` (containers, initContainers, volumes, env, ports,
 *   volumeMounts, ...) merge item by item by name: same name merges, new names are appended in order
 *   (an override list that repeats a name replaces the list);
 * - anything else (scalars, other lists such as tolerations) is replaced by the override.
 * Pure; never mutates its inputs.
 */
const DEPTH_MAX = 32;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNamedList(v: unknown): v is Array<{ name: string } & Record<string, unknown>> {
  return Array.isArray(v) && v.every((item) => isObject(item) && typeof item['name'] === 'string');
}

/** A named list whose names repeat cannot be merged by name (and is no valid pod spec list): it replaces. */
function hasUniqueNames(list: Array<{ name: string }>): boolean {
  return new Set(list.map((item) => item.name)).size === list.length;
}

function mergeAt(base: unknown, override: unknown, depth: number): unknown {
  if (depth > DEPTH_MAX) throw new RangeError(`podTemplate.spec is nested deeper than ${DEPTH_MAX} levels`);
  if (override === undefined) return structuredClone(base);
  if (isObject(base) && isObject(override)) {
    const out: Record<string, unknown> = structuredClone(base);
    for (const [key, value] of Object.entries(override)) {
      if (value === null) delete out[key];
      else out[key] = mergeAt(base[key], value, depth + 1);
    }
    return out;
  }
  if (isNamedList(base) && isNamedList(override) && base.length > 0 && hasUniqueNames(override)) {
    const out = base.map((item) => structuredClone(item));
    for (const item of override) {
      const i = out.findIndex((b) => b.name === item.name);
      if (i >= 0) out[i] = mergeAt(out[i], item, depth + 1) as (typeof out)[number];
      else out.push(structuredClone(item));
    }
    return out;
  }
  return structuredClone(override);
}

/** `base` with `override` merged over it (see the file comment). */
export function mergePodSpec<T extends object>(base: T, override: Record<string, unknown> | undefined): T {
  return mergeAt(base, override, 0) as T;
}

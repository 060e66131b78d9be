/**
 * Set operations on partition assignments (topic -> partition numbers), as the group protocol uses them.
 * Pure; none changes its arguments.
 */

export function ownsOnly(
  owned: ReadonlyMap<string, readonly number[]>,
  assigned: Map<string, number[]>,
  pending: Map<string, number[]>,
): boolean {
  for (const [topic, partitions] of owned) {
    const mine = new Set([...(assigned.get(topic) ?? []), ...(pending.get(topic) ?? [])]);
    if (!partitions.every((p) => mine.has(p))) return false;
  }
  return true;
}

export function sameTopics(a: readonly string[], b: readonly string[]): boolean {
  const sb = [...new Set(b)].sort();
  return a.length === sb.length && a.every((t, i) => t === sb[i]);
}

export function sameAssignment(a: Map<string, number[]>, b: Map<string, number[]>): boolean {
  const la = listOf(a);
  const lb = listOf(b);
  return JSON.stringify(la) === JSON.stringify(lb);
}

export function minus(a: Map<string, number[]>, b: Map<string, number[]>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [topic, partitions] of a) {
    const other = new Set(b.get(topic) ?? []);
    const rest = partitions.filter((p) => !other.has(p));
    if (rest.length > 0) out.set(topic, rest);
  }
  return out;
}

export function intersect(a: Map<string, number[]>, b: Map<string, number[]>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [topic, partitions] of a) {
    const other = new Set(b.get(topic) ?? []);
    const both = partitions.filter((p) => other.has(p));
    if (both.length > 0) out.set(topic, both);
  }
  return out;
}

export function cloneAssignment(a: Map<string, number[]>): Map<string, number[]> {
  return new Map([...a].map(([t, ps]) => [t, [...ps]]));
}

export function listOf(a: Map<string, number[]>): Array<{ topic: string; partitions: number[] }> {
  return [...a]
    .filter(([, ps]) => ps.length > 0)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((p, q) => p - q) }));
}

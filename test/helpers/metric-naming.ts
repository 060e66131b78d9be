/**
 * Prometheus's naming rules, checked over a registry's metrics (https://prometheus.io/docs/practices/naming/):
 * names `<prefix>snake_case`; counters, and only counters, end in `_total`; histograms end in their base
 * unit (`_seconds`, `_bytes`); a unit in a name is a whole word of it (`bytes`, `seconds`, not `bytesIn`); and every label is
 * one of a bounded set (no ids, keys or free text: each label's values are bounded by the cluster's
 * topics, partitions, groups and resources, or by an enumeration). Metrics under `ignored` prefixes (the
 * client library's default process and Node.js metrics) are not ours and are skipped.
 */
import type { MetricObject } from 'prom-client';
import { expect } from 'vitest';

/** Label names whose values come from bounded sets. */
export const BOUNDED_LABELS: ReadonlySet<string> = new Set([
  'topic',
  'partition',
  'group',
  'method',
  'code',
  'reason',
  'state',
  'controller',
  'result',
  'informer',
  'namespace',
  'name',
]);

export function assertPrometheusNaming(
  metrics: readonly MetricObject[],
  prefix: string,
  ignored: readonly string[],
): void {
  const problems: string[] = [];
  for (const m of metrics) {
    if (ignored.some((p) => m.name.startsWith(p))) continue;
    const type = String(m.type);
    if (!new RegExp(`^${prefix}[a-z][a-z0-9_]*[a-z0-9]$`).test(m.name))
      problems.push(`${m.name}: not ${prefix}snake_case`);
    if ((type === 'counter') !== m.name.endsWith('_total'))
      problems.push(`${m.name}: a ${type}, _total is for counters`);
    if (type === 'histogram' && !/_(seconds|bytes)$/.test(m.name))
      problems.push(`${m.name}: a histogram without its unit`);
    if (/(bytes|seconds)[a-z]|[a-z](bytes|seconds)/.test(m.name))
      problems.push(`${m.name}: a unit run into another word`);
    for (const label of (m as MetricObject & { labelNames?: string[] }).labelNames ?? []) {
      if (!BOUNDED_LABELS.has(label)) problems.push(`${m.name}: label ${label} is not a bounded one`);
    }
  }
  expect(problems).toEqual([]);
}

/**
 * The `tributary.dev/rebalance` annotation of a Cluster: a request to the brokers' balancer, acted on once
 * per value (docs/operations.md, "Scaling and balancing"). Pure. The value acted on last is kept in
 * `status.balancing.rebalanceRequest`, so a request survives an operator restart and is never repeated:
 *
 * - `cancel`, or any value starting with `cancel-`: cancel the plan running (its running moves go back);
 * - any other value (a date, a counter): plan a rebalance and start it.
 *
 * A new value is needed for each request (`kubectl annotate --overwrite tcluster NAME
 * tributary.dev/rebalance=$(date +%s)`). Removing the annotation asks for nothing.
 */
export const ANNOTATION_REBALANCE = 'tributary.dev/rebalance';

export type RebalanceRequest =
  | { kind: 'none' }
  | { kind: 'rebalance'; value: string }
  | { kind: 'cancel'; value: string };

export function rebalanceRequest(
  annotation: string | undefined,
  handled: string | undefined,
): RebalanceRequest {
  if (annotation === undefined || annotation === handled) return { kind: 'none' };
  const cancel = annotation === 'cancel' || annotation.startsWith('cancel-');
  return { kind: cancel ? 'cancel' : 'rebalance', value: annotation };
}

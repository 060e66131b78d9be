import type { BalancingConfig } from './balancing-config.js';
import { type BrokerStates, stateOf } from './broker-states.js';
import type { BrokerLoad } from './types.js';

/**
 * When the balancer plans by itself (docs/architecture.md, "Partition balancing"). Pure: the balancer
 * feeds it the brokers that joined, states and replica counts at each tick while no plan runs.
 *
 * - `onScale` and `continuous`: a broker that joined (an id the balancer had not seen registered, or one
 *   made active again after a drain) holding no replica while others hold some; a `leaving` broker that
 *   still holds replicas (it must be drained). A broker that was there all along and holds nothing (the
 *   topics are small) is no reason: that is balance, not scale.
 * - `continuous` only: a broker holding replicas gone longer than `goneBrokerGraceMs` (its replicas are
 *   re-created elsewhere); and, checked every `imbalanceCheckIntervalMs` by the balancer, an imbalance
 *   above `imbalanceThresholdPercent` (see `imbalancePercent`).
 * - `off`: never.
 * Each answer is a list of reasons; the plan made for them carries them. A situation whose plan was empty
 * is not planned again until something changes (the balancer's fingerprint).
 */
export interface TriggerInput {
  readonly config: BalancingConfig;
  readonly states: BrokerStates;
  /** Registered brokers that joined since the last check (see RebalanceDocument.brokersSeen). */
  readonly joined: ReadonlyArray<{ id: number; shuttingDown?: boolean }>;
  /** Replicas held per broker (target replicas of partitions being moved). */
  readonly replicas: ReadonlyMap<number, number>;
  goneForMs(id: number): number;
}

export function automaticTriggers(input: TriggerInput): string[] {
  const { config, states } = input;
  if (config.mode === 'off') return [];
  const reasons: string[] = [];
  const held = (id: number) => input.replicas.get(id) ?? 0;
  const anyHeld = [...input.replicas.values()].some((n) => n > 0);
  for (const b of input.joined) {
    if (anyHeld && held(b.id) === 0 && b.shuttingDown !== true && stateOf(states, b.id) === 'active') {
      reasons.push(`broker ${b.id} joined holding no replicas`);
    }
  }
  for (const [id, n] of input.replicas) {
    if (n > 0 && stateOf(states, id) === 'leaving')
      reasons.push(`broker ${id} is leaving and holds ${n} replicas`);
  }
  if (config.mode === 'continuous') {
    for (const [id, n] of input.replicas) {
      const goneMs = input.goneForMs(id);
      if (n > 0 && goneMs > config.goneBrokerGraceMs) {
        reasons.push(
          `broker ${id} has been gone ${Math.round(goneMs / 1000)} s (grace ${config.goneBrokerGraceMs} ms)`,
        );
      }
    }
  }
  return reasons;
}

/**
 * How far the most unbalanced active broker is from the mean, in percent of the mean: for replica counts,
 * beyond the rounding any balance must allow (a broker may hold floor or ceil of the mean); for bytes,
 * the plain distance. The larger of the two.
 */
export function imbalancePercent(active: readonly BrokerLoad[]): number {
  if (active.length < 2) return 0;
  const meanReplicas = active.reduce((n, l) => n + l.replicas, 0) / active.length;
  const meanBytes = active.reduce((n, l) => n + l.bytes, 0) / active.length;
  let worst = 0;
  for (const l of active) {
    const over = Math.max(0, l.replicas - Math.ceil(meanReplicas), Math.floor(meanReplicas) - l.replicas);
    worst = Math.max(worst, (100 * over) / Math.max(1, meanReplicas));
    if (meanBytes > 0) worst = Math.max(worst, (100 * Math.abs(l.bytes - meanBytes)) / meanBytes);
  }
  return Math.round(worst);
}

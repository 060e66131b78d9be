/**
 * `spec.balancing` against the brokers' balancing config (admin DescribeBalance / AlterBalancingConfig).
 * Pure. The operator owns what the spec sets: `mode` always (it has a default), the other settings only when
 * given; a setting left out keeps the brokers' value, so `tributary cluster` commands may tune it. The
 * throttle is a quantity (`25Mi`, bytes per second), rounded down to whole bytes.
 */
import type { ClusterBalancing } from '../api/v1alpha1.js';
import { parseQuantity } from './quantity.js';

/** The brokers' balancing config, as the admin client shows it (client/balance.ts). */
export interface BrokerBalancingConfig {
  mode: 'onScale' | 'continuous' | 'off';
  throttleBytesPerSec: number;
  movesPerBroker: number;
  imbalanceThresholdPercent: number;
  goneBrokerGraceMs: number;
}

/** The config `spec` asks for: only the settings it owns. */
export function wantedBalancingConfig(spec: ClusterBalancing): Partial<BrokerBalancingConfig> {
  const wanted: Partial<BrokerBalancingConfig> = { mode: spec.mode };
  if (spec.throttleBytesPerSecond !== undefined) {
    const bytes = Math.floor(parseQuantity(spec.throttleBytesPerSecond));
    if (!Number.isSafeInteger(bytes) || bytes <= 0) {
      throw new Error(`spec.balancing.throttleBytesPerSecond ${spec.throttleBytesPerSecond} is not a size`);
    }
    wanted.throttleBytesPerSec = bytes;
  }
  if (spec.movesPerBroker !== undefined) wanted.movesPerBroker = spec.movesPerBroker;
  if (spec.imbalanceThresholdPercent !== undefined)
    wanted.imbalanceThresholdPercent = spec.imbalanceThresholdPercent;
  if (spec.goneBrokerGraceSeconds !== undefined)
    wanted.goneBrokerGraceMs = spec.goneBrokerGraceSeconds * 1000;
  return wanted;
}

/** The settings to change so that the brokers' config is what `spec` asks for; empty when it is. */
export function balancingConfigChanges(
  spec: ClusterBalancing,
  current: BrokerBalancingConfig,
): Partial<BrokerBalancingConfig> {
  const wanted = wantedBalancingConfig(spec);
  const changes: Partial<BrokerBalancingConfig> = {};
  for (const key of Object.keys(wanted) as (keyof BrokerBalancingConfig)[]) {
    if (wanted[key] !== current[key]) Object.assign(changes, { [key]: wanted[key] });
  }
  return changes;
}

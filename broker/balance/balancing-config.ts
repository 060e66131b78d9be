import { TributaryError } from '../../proto/errors.js';
import type { Dcs } from '../dcs/dcs.js';
import type { Logger } from '../logger.js';
import { BALANCING_CONFIG_KEY } from '../metadata/keys.js';

/**
 * The partition balancer's settings, stored in the `balancing-config` key (docs/architecture.md,
 * "Partition balancing"). Written by the controller (AlterBalancingConfig), read by the controller's
 * balancer and, for the throttle, by every broker's replica fetchers.
 *
 * - `mode`: `onScale` rebalances by itself when a broker joins empty or is marked leaving; `continuous`
 *   also when the imbalance passes `imbalanceThresholdPercent` and when a broker has been gone longer than
 *   `goneBrokerGraceMs` (its replicas are re-created elsewhere); `off` only on an explicit Rebalance.
 * - `throttleBytesPerSec`: what a broker may copy per second for replicas it is receiving in a move, and
 *   send per second, as leader, to replicas a move adds (normal replication is never throttled).
 * - `movesPerBroker`: reassignments running at once that involve one broker, as source or target.
 */
export type BalancingMode = 'onScale' | 'continuous' | 'off';
export const BALANCING_MODES: readonly BalancingMode[] = ['onScale', 'continuous', 'off'];

export interface BalancingConfig {
  readonly mode: BalancingMode;
  readonly throttleBytesPerSec: number;
  readonly movesPerBroker: number;
  readonly imbalanceThresholdPercent: number;
  readonly goneBrokerGraceMs: number;
}

/**
 * Defaults. The throttle, 25 MiB/s per receiving broker, is a fifth of a 1 Gbit/s link or of a cloud
 * volume's 125 MiB/s baseline: a move never takes more than that from producers and consumers, and a
 * broker still receives 100 GiB in about 70 minutes. Two moves per broker keeps one copying while the
 * other finishes its leader change. 30 minutes of grace before a gone broker's replicas are re-created
 * is Cruise Control's self-healing default: long enough for a node replacement, short enough that a
 * second failure is unlikely meanwhile.
 */
export const DEFAULT_BALANCING_CONFIG: BalancingConfig = {
  mode: 'onScale',
  throttleBytesPerSec: 25 * 1024 * 1024,
  movesPerBroker: 2,
  imbalanceThresholdPercent: 10,
  goneBrokerGraceMs: 30 * 60_000,
};

/** Ranges every setting is checked against (inclusive). */
export const BALANCING_LIMITS = {
  throttleBytesPerSec: { min: 1024, max: 10 * 1024 ** 3 },
  movesPerBroker: { min: 1, max: 64 },
  imbalanceThresholdPercent: { min: 1, max: 1000 },
  goneBrokerGraceMs: { min: 1000, max: 7 * 24 * 3_600_000 },
} as const;

type NumericSetting = keyof typeof BALANCING_LIMITS;

function checkSetting(name: NumericSetting, value: number): number {
  const { min, max } = BALANCING_LIMITS[name];
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new TributaryError(
      'INVALID_BALANCING_CONFIG',
      `${name} must be an integer from ${min} to ${max}, got ${value}`,
    );
  }
  return value;
}

/** `current` with `changes` applied, every setting checked (INVALID_BALANCING_CONFIG names the first bad one). */
export function alterBalancingConfig(
  current: BalancingConfig,
  changes: Partial<BalancingConfig>,
): BalancingConfig {
  const next = { ...current, ...changes };
  if (!BALANCING_MODES.includes(next.mode)) {
    throw new TributaryError(
      'INVALID_BALANCING_CONFIG',
      `mode must be one of ${BALANCING_MODES.join(', ')}, got ${String(next.mode)}`,
    );
  }
  for (const name of Object.keys(BALANCING_LIMITS) as NumericSetting[]) checkSetting(name, next[name]);
  return next;
}

/** Reads a stored config; settings missing or unreadable fall back to their defaults. */
export function decodeBalancingConfig(raw: Buffer | undefined): BalancingConfig {
  if (raw === undefined) return DEFAULT_BALANCING_CONFIG;
  let parsed: Partial<BalancingConfig>;
  try {
    parsed = JSON.parse(raw.toString('utf8')) as Partial<BalancingConfig>;
  } catch {
    return DEFAULT_BALANCING_CONFIG;
  }
  const out: Record<string, unknown> = { ...DEFAULT_BALANCING_CONFIG };
  if (BALANCING_MODES.includes(parsed.mode as BalancingMode)) out['mode'] = parsed.mode;
  for (const name of Object.keys(BALANCING_LIMITS) as NumericSetting[]) {
    const v = parsed[name];
    const { min, max } = BALANCING_LIMITS[name];
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max) out[name] = v;
  }
  return out as unknown as BalancingConfig;
}

export function encodeBalancingConfig(config: BalancingConfig): Buffer {
  return Buffer.from(JSON.stringify(config), 'utf8');
}

/**
 * Calls `onConfig` with the stored config now and after every change (versions compared, so a late event
 * never goes back). Every broker follows it for the replication throttle. Resolves with the unsubscribe.
 */
export async function followBalancingConfig(
  dcs: Dcs,
  logger: Logger,
  onConfig: (config: BalancingConfig) => void,
): Promise<() => void> {
  let seen = 0;
  const apply = (version: number, value: Buffer | undefined) => {
    if (version <= seen) return;
    seen = version;
    const config = decodeBalancingConfig(value);
    logger.debug({ config }, 'balancing config');
    onConfig(config);
  };
  const unwatch = await dcs.watch(BALANCING_CONFIG_KEY, (e) => {
    if (e.key === BALANCING_CONFIG_KEY) apply(e.version, e.type === 'put' ? e.value : undefined);
  });
  const current = await dcs.get(BALANCING_CONFIG_KEY);
  if (current === null) onConfig(DEFAULT_BALANCING_CONFIG);
  else apply(current.version, current.value);
  return unwatch;
}

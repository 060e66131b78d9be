import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import {
  type BrokerConfig,
  type BrokerSettingKey,
  brokerSettingsProblems,
  DEFAULT_BROKER_CONFIG,
  parseBrokerSetting,
} from '../proto/broker-settings.js';
import { TributaryError } from '../proto/errors.js';
import { assertValidKubePrefix } from './dcs/kube/kube-objects.js';

/**
 * The broker's configuration, loaded from, in rising precedence, the defaults, a YAML or JSON file
 * (`--config FILE`), environment variables (`TRIBUTARY_<NAME>`) and command-line flags. The schema (names,
 * types, defaults, ranges) is proto/broker-settings.ts, shared with the operator.
 */
export { type BrokerConfig, DEFAULT_BROKER_CONFIG } from '../proto/broker-settings.js';

type Key = BrokerSettingKey;

function configError(message: string): TributaryError {
  return new TributaryError('INVALID_CONFIG', message);
}

/** Checks ranges, enums and limits (proto/broker-settings.ts); throws INVALID_CONFIG naming the first bad key. */
export function validateBrokerConfig(config: BrokerConfig): BrokerConfig {
  const first = brokerSettingsProblems(config)[0];
  if (first !== undefined) throw configError(first.message);
  if (config.dcs === 'kubernetes') {
    try {
      assertValidKubePrefix(config.dcsPrefix);
    } catch (err) {
      throw configError(`dcsPrefix: ${(err as Error).message}`);
    }
  }
  return config;
}

function envName(key: string): string {
  return `TRIBUTARY_${key.replace(/([A-Z0-9]+)/g, '_$1').toUpperCase()}`;
}

/** Keys as UPPER_SNAKE_CASE env names, for docs and `--help`. */
export function brokerEnvNames(): Record<Key, string> {
  return Object.fromEntries(Object.keys(DEFAULT_BROKER_CONFIG).map((k) => [k, envName(k)])) as Record<
    Key,
    string
  >;
}

export interface ConfigSources {
  /** Path of a YAML/JSON file with camelCase keys. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Already-named overrides, e.g. from command-line flags (camelCase keys, string or number values). */
  flags?: Partial<Record<Key, unknown>>;
}

export function loadBrokerConfig(sources: ConfigSources = {}): BrokerConfig {
  const config: BrokerConfig = { ...DEFAULT_BROKER_CONFIG };
  const set = (key: string, raw: unknown, source: string) => {
    if (!Object.hasOwn(DEFAULT_BROKER_CONFIG, key)) throw configError(`${source}: unknown setting ${key}`);
    (config as unknown as Record<string, unknown>)[key] = parseBrokerSetting(key as Key, raw, source);
  };
  if (sources.file !== undefined) {
    let parsed: unknown;
    try {
      parsed = parseYaml(readFileSync(sources.file, 'utf8'));
    } catch (err) {
      throw configError(`cannot read config file ${sources.file}: ${(err as Error).message}`);
    }
    if (parsed !== null && parsed !== undefined) {
      if (typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw configError(`config file ${sources.file} must hold a mapping of settings`);
      }
      for (const [k, v] of Object.entries(parsed)) set(k, v, sources.file);
    }
  }
  const env = sources.env ?? {};
  for (const key of Object.keys(DEFAULT_BROKER_CONFIG)) {
    const v = env[envName(key)];
    if (v !== undefined && v !== '') set(key, v, `env ${envName(key)}`);
  }
  for (const [k, v] of Object.entries(sources.flags ?? {})) {
    if (v !== undefined) set(k, v, `flag for ${k}`);
  }
  if (config.advertisedHost === '') config.advertisedHost = config.host;
  return validateBrokerConfig(config);
}

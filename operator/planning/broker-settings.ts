/**
 * The broker settings a Cluster's `spec.config` may set, and their rendering into `broker.yaml`.
 *
 * Names are the camelCase keys of the broker's configuration. Values are checked with the broker's own
 * schema and parser (proto/broker-settings.ts, shared by both) before anything is written: a value every
 * broker would refuse at its next start (`replicaLagTimeMaxMs: "soon"`) never reaches the ConfigMap.
 */
import { stringify } from 'yaml';
import {
  type BrokerConfig,
  type BrokerSettingKey,
  brokerSettingsProblems,
  DEFAULT_BROKER_CONFIG,
  parseBrokerSetting,
} from '../../proto/broker-settings.js';

/** Settings the operator sets itself on every broker (identity, addresses, ports, data, DCS). */
export const OPERATOR_OWNED_SETTINGS: ReadonlySet<string> = new Set([
  'nodeId',
  'host',
  'port',
  'advertisedHost',
  'metricsHost',
  'metricsPort',
  'dataDir',
  'dcs',
  'dcsEtcdEndpoints',
  'dcsPrefix',
  'dcsKubeNamespace',
  'dcsKubeconfig',
]);

/** Settings a user may set through `spec.config`: every broker setting the operator does not own. */
export const USER_SETTINGS: ReadonlySet<string> = new Set(
  Object.keys(DEFAULT_BROKER_CONFIG).filter((k) => !OPERATOR_OWNED_SETTINGS.has(k)),
);

/** Settings in one ConfigMap at most (the broker has about 50). */
const SETTINGS_MAX = 200;
const VALUE_CHARS_MAX = 4096;

/**
 * What is wrong with `config`, in one sentence naming the settings, or undefined when it may be used.
 * Unknown names are listed first: a typo is the likeliest mistake.
 */
export function brokerConfigProblem(config: Record<string, string> | undefined): string | undefined {
  const entries = Object.entries(config ?? {});
  if (entries.length > SETTINGS_MAX)
    return `spec.config has ${entries.length} settings, at most ${SETTINGS_MAX}`;
  const unknown = entries
    .filter(([k]) => !USER_SETTINGS.has(k) && !OPERATOR_OWNED_SETTINGS.has(k))
    .map(([k]) => k);
  if (unknown.length > 0) {
    return `unknown broker setting${unknown.length > 1 ? 's' : ''} ${unknown.sort().join(', ')} in spec.config`;
  }
  const owned = entries.filter(([k]) => OPERATOR_OWNED_SETTINGS.has(k)).map(([k]) => k);
  if (owned.length > 0) {
    return `spec.config cannot set ${owned.sort().join(', ')}: the operator sets ${owned.length > 1 ? 'them' : 'it'}`;
  }
  const long = entries.find(([, v]) => typeof v !== 'string' || v.length > VALUE_CHARS_MAX);
  if (long !== undefined)
    return `spec.config.${long[0]} must be a string of at most ${VALUE_CHARS_MAX} characters`;
  return valueProblem(entries);
}

/**
 * Every value the broker's parser refuses, then every rule the settings break together (ranges, enums,
 * limits between settings), each naming its setting; undefined when the brokers would start with them.
 */
function valueProblem(entries: Array<[string, string]>): string | undefined {
  const config: BrokerConfig = { ...DEFAULT_BROKER_CONFIG };
  const problems: string[] = [];
  for (const [key, raw] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    try {
      (config as unknown as Record<string, unknown>)[key] = parseBrokerSetting(
        key as BrokerSettingKey,
        raw,
        'spec.config',
      );
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length === 0) {
    for (const p of brokerSettingsProblems(config)) problems.push(`spec.config: ${p.message}`);
  }
  if (problems.length === 0) return undefined;
  return `invalid broker setting${problems.length > 1 ? 's' : ''}: ${problems.join('; ')}`;
}

/** `broker.yaml`: the settings as a YAML mapping with keys sorted, so equal settings render equal bytes. */
export function renderBrokerYaml(config: Record<string, string> | undefined): string {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(config ?? {}).sort()) sorted[key] = config![key]!;
  const header = '# Written by the Tributary operator from the Cluster spec.config; edits are overwritten.\n';
  return Object.keys(sorted).length === 0 ? `${header}{}\n` : header + stringify(sorted);
}

/**
 * The broker settings a Cluster's `spec.config` may set, and their rendering into `broker.yaml`.
 *
 * Names are the camelCase keys of the broker's configuration (broker/config.ts). The operator keeps its
 * own copy of the names rather than importing the broker (imports flow operator -> client, never into
 * the broker); broker-settings.test.ts fails when the two lists differ. Values are passed through as
 * strings: the broker parses and range-checks them at start, as it does for its environment variables.
 */
import { stringify } from 'yaml';

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

/** Settings a user may set through `spec.config`. */
export const USER_SETTINGS: ReadonlySet<string> = new Set([
  'rack',
  'sessionTimeoutMs',
  'replicaLagTimeMaxMs',
  'replicaLagMaxBytes',
  'replicaFetchMaxWaitMs',
  'replicaFetchMaxBytes',
  'replicaFetchPartitionMaxBytes',
  'replicaFetchBackoffMs',
  'controllerRequestTimeoutMs',
  'offsetsTopicPartitions',
  'offsetsTopicReplicationFactor',
  'groupSessionTimeoutMs',
  'groupHeartbeatIntervalMs',
  'groupMaxSize',
  'logLevel',
  'defaultPartitions',
  'defaultReplicationFactor',
  'maxPartitionsPerTopic',
  'maxRequestBytes',
  'maxInflightProduceBytes',
  'maxInflightRequests',
  'maxFetchWaitMs',
  'maxFetchBytes',
  'defaultPartitionFetchBytes',
  'maxSubscriptions',
  'maxProduceStreams',
  'produceStreamInflightBytes',
  'produceTimeoutMs',
  'logSegmentBytes',
  'logSegmentMs',
  'logRetentionBytes',
  'logRetentionMs',
  'logIndexIntervalBytes',
  'maxBatchBytes',
  'logFlushIntervalMs',
  'logFlushMessages',
  'logMessageTimestampType',
  'maxOpenFiles',
  'retentionCheckIntervalMs',
  'logCleanerIntervalMs',
  'logCleanerMaxKeys',
  'logCleanerIoBytesPerSecond',
  'http2StreamWindowBytes',
  'http2ConnectionWindowBytes',
  'shutdownGraceMs',
]);

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
  return undefined;
}

/** `broker.yaml`: the settings as a YAML mapping with keys sorted, so equal settings render equal bytes. */
export function renderBrokerYaml(config: Record<string, string> | undefined): string {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(config ?? {}).sort()) sorted[key] = config![key]!;
  const header = '# Written by the Tributary operator from the Cluster spec.config; edits are overwritten.\n';
  return Object.keys(sorted).length === 0 ? `${header}{}\n` : header + stringify(sorted);
}

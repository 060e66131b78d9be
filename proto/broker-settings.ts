/**
 * The broker's settings schema: names, types, defaults, integer ranges and enums, the parser of one raw
 * value, and the checks of a whole configuration. Pure (no file or environment access). The broker loads
 * its configuration with it (broker/config.ts: file, environment, flags); the operator checks a Cluster's
 * `spec.config` with it before writing the ConfigMap every broker reads (operator/planning/broker-settings.ts),
 * so a value the brokers would refuse at start is refused before any broker sees it. It lives in proto/
 * because both sides depend on it and imports flow down (docs/architecture.md).
 */
import { TributaryError } from './errors.js';

/**
 * The broker's configuration: one typed, validated place. Values come from, in rising precedence, the
 * defaults below, a YAML or JSON file (`--config FILE`), environment variables (`TRIBUTARY_<NAME>` with the
 * camelCase name in UPPER_SNAKE_CASE, e.g. TRIBUTARY_DATA_DIR) and command-line flags.
 */
export interface BrokerConfig {
  /** This broker's id in the cluster. */
  nodeId: number;
  /** Address the gRPC listener binds to. */
  host: string;
  /** gRPC port; 0 picks a free one (printed at start). */
  port: number;
  /** Host clients should use to reach this broker (defaults to host). */
  advertisedHost: string;
  /** Rack or zone label, used for rack-aware placement in clusters. */
  rack: string;
  /** Prometheus endpoint host; metrics are served at http://metricsHost:metricsPort/metrics. */
  metricsHost: string;
  /** Prometheus port; 0 picks a free one, -1 disables the endpoint. */
  metricsPort: number;
  /** Where partition logs and local metadata live. */
  dataDir: string;
  /** Metadata store: `local` (a file under dataDir, one broker), `etcd` (a cluster; see dcsEtcdEndpoints) or `kubernetes` (ConfigMaps and Leases). */
  dcs: 'local' | 'etcd' | 'kubernetes';
  /** etcd endpoints, comma-separated (e.g. http://127.0.0.1:2379), for dcs=etcd. */
  dcsEtcdEndpoints: string;
  /** Key prefix in the DCS: one per cluster, so clusters can share an etcd or a namespace (dcs=kubernetes: the Cluster name). */
  dcsPrefix: string;
  /** Namespace of the DCS objects, for dcs=kubernetes; empty: the pod's namespace, else the kubeconfig context's, else default. */
  dcsKubeNamespace: string;
  /** Kubeconfig file for dcs=kubernetes; empty: in-cluster config in a pod, else $KUBECONFIG. */
  dcsKubeconfig: string;
  /** A broker whose DCS session is not renewed for this long is considered dead; its leaderships move. */
  sessionTimeoutMs: number;
  /** A follower that has not caught up with the leader's log end for this long leaves the ISR. */
  replicaLagTimeMaxMs: number;
  /** A follower this many bytes behind the leader's log end leaves the ISR. */
  replicaLagMaxBytes: number;
  /** Longest a follower's fetch waits at the leader for new data. */
  replicaFetchMaxWaitMs: number;
  /** Largest replica fetch response. */
  replicaFetchMaxBytes: number;
  /** Largest amount of one partition in a replica fetch response. */
  replicaFetchPartitionMaxBytes: number;
  /** Pause before a follower retries a failed fetch (doubles up to 2 s). */
  replicaFetchBackoffMs: number;
  /** Timeout of broker-to-broker requests (ISR changes, forwarded admin requests). */
  controllerRequestTimeoutMs: number;
  /** Partitions of the internal __consumer_offsets topic, set when it is created (on first group use). */
  offsetsTopicPartitions: number;
  /** Replication factor of __consumer_offsets (with the local DCS: 1); groups wait until this many brokers are alive. */
  offsetsTopicReplicationFactor: number;
  /** A consumer-group member that sends no heartbeat for this long leaves the group (its partitions move). */
  groupSessionTimeoutMs: number;
  /** How often group members are told to heartbeat. */
  groupHeartbeatIntervalMs: number;
  /** Members one consumer group may have. */
  groupMaxSize: number;
  /** pino level: trace, debug, info, warn, error, fatal, silent. */
  logLevel: string;

  /** Partition count for topics created without one. */
  defaultPartitions: number;
  /** Replication factor for topics created without one. */
  defaultReplicationFactor: number;
  /** Largest partition count one topic may have. */
  maxPartitionsPerTopic: number;

  /** Largest gRPC message the broker accepts (whole produce request). */
  maxRequestBytes: number;
  /** Produce bytes being appended at once across all requests; beyond it the broker answers TOO_MANY_REQUESTS. */
  maxInflightProduceBytes: number;
  /** Concurrent requests of any kind; beyond it the broker answers TOO_MANY_REQUESTS. */
  maxInflightRequests: number;
  /** Longest a fetch may long-poll. */
  maxFetchWaitMs: number;
  /** Largest fetch response, and default for requests that ask for more or give 0. */
  maxFetchBytes: number;
  /** Default per-partition fetch limit. */
  defaultPartitionFetchBytes: number;
  /** Concurrent subscribe streams. */
  maxSubscriptions: number;
  /** Concurrent ProduceStream streams. */
  maxProduceStreams: number;
  /** Produce bytes one ProduceStream may have in flight before the broker stops reading it (backpressure). */
  produceStreamInflightBytes: number;
  /** Default and largest produce timeout. */
  produceTimeoutMs: number;

  /** Default segment size before a roll (topic config segment.bytes). */
  logSegmentBytes: number;
  /** Default segment age before a roll (segment.ms). */
  logSegmentMs: number;
  /** Default size limit of a partition, -1 for none (retention.bytes). */
  logRetentionBytes: number;
  /** Default age limit of closed segments, -1 for none (retention.ms). */
  logRetentionMs: number;
  /** Default bytes between two offset-index entries (index.interval.bytes). */
  logIndexIntervalBytes: number;
  /** Largest record batch (Kafka's message.max.bytes). */
  maxBatchBytes: number;
  /** 0: fsync before every produce is acknowledged; N: fsync every N ms in the background. */
  logFlushIntervalMs: number;
  /** fsync after this many records; the default (2^53-1) never does (Kafka's flush.messages). */
  logFlushMessages: number;
  /** Default timestamp type (message.timestamp.type). */
  logMessageTimestampType: 'CreateTime' | 'LogAppendTime';
  /** Open file handles across all partition logs (LRU for inactive segments). */
  maxOpenFiles: number;
  /** How often retention and age-based rolls are checked. */
  retentionCheckIntervalMs: number;
  /** How often compacted topics are checked for a compaction pass. */
  logCleanerIntervalMs: number;
  /** Keys one compaction pass holds in memory (about 100 bytes each); a pass covers fewer segments rather than exceed it. */
  logCleanerMaxKeys: number;
  /** Compaction rewrite speed limit in bytes per second; 0 is unlimited. */
  logCleanerIoBytesPerSecond: number;

  /** HTTP/2 flow-control window the broker grants each stream (bytes). Raised well above the 64 KiB default. */
  http2StreamWindowBytes: number;
  /** HTTP/2 connection-level receive window (bytes). */
  http2ConnectionWindowBytes: number;
  /** How long SIGTERM waits for in-flight requests before cancelling them. */
  shutdownGraceMs: number;

  // Security (docs/architecture.md, "Security"; docs/operations.md, "Secure a cluster").
  /** PEM certificate chain of the listener. With tlsKeyFile set, the listener speaks TLS (1.2 or later) only. */
  tlsCertFile: string;
  /** PEM private key of tlsCertFile. */
  tlsKeyFile: string;
  /** PEM CA bundle trusted for client certificates and for the certificates of other brokers. */
  tlsCaFile: string;
  /** Client certificates: none (not asked), requested (verified when sent), required (mutual TLS). */
  tlsClientAuth: 'none' | 'requested' | 'required';
  /** Accepted authentication mechanisms, comma-separated, of mtls, scram, serviceaccount; empty: none, every caller is User:ANONYMOUS. */
  authentication: string;
  /** Allow SCRAM exchanges and session tokens over plaintext (a laptop, a test); "false" refuses them without TLS. */
  allowPlaintextAuthentication: 'false' | 'true';
  /** Lifetime of a session token issued by a SCRAM exchange. */
  sessionLifetimeMs: number;
  /** The audience a Kubernetes service-account token must be issued for. */
  serviceAccountAudience: string;
  /** Kubeconfig for TokenReview calls; empty: in-cluster config in a pod, else $KUBECONFIG. */
  serviceAccountKubeconfig: string;
  /** acl: every call is checked against the ACLs (super users pass); none: everything is allowed. */
  authorizer: 'none' | 'acl';
  /** Principals allowed everything, comma-separated, e.g. "User:admin,User:tributary-broker". */
  superUsers: string;
  /** PEM CA bundle that verifies etcd's certificate (https endpoints). */
  dcsEtcdCaFile: string;
  /** PEM client certificate and key presented to etcd (etcd --client-cert-auth). */
  dcsEtcdCertFile: string;
  dcsEtcdKeyFile: string;
  /** etcd user (etcd auth enabled); its password is read from dcsEtcdPasswordFile. */
  dcsEtcdUsername: string;
  dcsEtcdPasswordFile: string;
}

export const DEFAULT_BROKER_CONFIG: BrokerConfig = {
  nodeId: 0,
  host: '127.0.0.1',
  port: 9292,
  advertisedHost: '',
  rack: '',
  metricsHost: '127.0.0.1',
  metricsPort: 9293,
  dataDir: './data',
  dcs: 'local',
  dcsEtcdEndpoints: 'http://127.0.0.1:2379',
  dcsPrefix: 'tributary',
  dcsKubeNamespace: '',
  dcsKubeconfig: '',
  sessionTimeoutMs: 9000,
  replicaLagTimeMaxMs: 30_000,
  replicaLagMaxBytes: 256 * 1024 * 1024,
  replicaFetchMaxWaitMs: 500,
  replicaFetchMaxBytes: 16 * 1024 * 1024,
  replicaFetchPartitionMaxBytes: 4 * 1024 * 1024,
  replicaFetchBackoffMs: 100,
  controllerRequestTimeoutMs: 10_000,
  offsetsTopicPartitions: 16,
  offsetsTopicReplicationFactor: 3,
  groupSessionTimeoutMs: 45_000,
  groupHeartbeatIntervalMs: 5_000,
  groupMaxSize: 1_000,
  logLevel: 'info',
  defaultPartitions: 1,
  defaultReplicationFactor: 1,
  maxPartitionsPerTopic: 10_000,
  maxRequestBytes: 64 * 1024 * 1024,
  maxInflightProduceBytes: 256 * 1024 * 1024,
  maxInflightRequests: 4096,
  maxFetchWaitMs: 30_000,
  maxFetchBytes: 50 * 1024 * 1024,
  defaultPartitionFetchBytes: 1024 * 1024,
  maxSubscriptions: 1024,
  maxProduceStreams: 1024,
  produceStreamInflightBytes: 64 * 1024 * 1024,
  produceTimeoutMs: 30_000,
  logSegmentBytes: 1024 * 1024 * 1024,
  logSegmentMs: 7 * 24 * 3600 * 1000,
  logRetentionBytes: -1,
  logRetentionMs: 7 * 24 * 3600 * 1000,
  logIndexIntervalBytes: 4096,
  maxBatchBytes: 1024 * 1024 + 12,
  logFlushIntervalMs: 1000,
  logFlushMessages: Number.MAX_SAFE_INTEGER,
  logMessageTimestampType: 'CreateTime',
  maxOpenFiles: 1024,
  retentionCheckIntervalMs: 60_000,
  logCleanerIntervalMs: 15_000,
  logCleanerMaxKeys: 1_000_000,
  logCleanerIoBytesPerSecond: 64 * 1024 * 1024,
  http2StreamWindowBytes: 4 * 1024 * 1024,
  http2ConnectionWindowBytes: 32 * 1024 * 1024,
  shutdownGraceMs: 10_000,
  tlsCertFile: '',
  tlsKeyFile: '',
  tlsCaFile: '',
  tlsClientAuth: 'none',
  authentication: '',
  allowPlaintextAuthentication: 'false',
  sessionLifetimeMs: 3_600_000,
  serviceAccountAudience: 'tributary',
  serviceAccountKubeconfig: '',
  authorizer: 'none',
  superUsers: '',
  dcsEtcdCaFile: '',
  dcsEtcdCertFile: '',
  dcsEtcdKeyFile: '',
  dcsEtcdUsername: '',
  dcsEtcdPasswordFile: '',
};

export type BrokerSettingKey = keyof BrokerConfig;
type Key = BrokerSettingKey;

const INT_RANGES: Partial<Record<Key, [number, number]>> = {
  nodeId: [0, 2 ** 31 - 1],
  port: [0, 65535],
  metricsPort: [-1, 65535],
  defaultPartitions: [1, 10_000],
  defaultReplicationFactor: [1, 16],
  maxPartitionsPerTopic: [1, 100_000],
  maxRequestBytes: [1024, 2 ** 31 - 1],
  maxInflightProduceBytes: [1024, 2 ** 40],
  maxInflightRequests: [1, 1_000_000],
  maxFetchWaitMs: [0, 3_600_000],
  maxFetchBytes: [1024, 2 ** 31 - 1],
  defaultPartitionFetchBytes: [1024, 2 ** 31 - 1],
  maxSubscriptions: [1, 1_000_000],
  maxProduceStreams: [1, 1_000_000],
  produceStreamInflightBytes: [1024, 2 ** 40],
  produceTimeoutMs: [1, 3_600_000],
  logSegmentBytes: [1024, 2 ** 31 - 1],
  logSegmentMs: [1, Number.MAX_SAFE_INTEGER],
  logRetentionBytes: [-1, Number.MAX_SAFE_INTEGER],
  logRetentionMs: [-1, Number.MAX_SAFE_INTEGER],
  logIndexIntervalBytes: [0, 2 ** 31 - 1],
  maxBatchBytes: [128, 2 ** 31 - 1],
  logFlushIntervalMs: [0, Number.MAX_SAFE_INTEGER],
  logFlushMessages: [1, Number.MAX_SAFE_INTEGER],
  maxOpenFiles: [16, 1_000_000],
  retentionCheckIntervalMs: [10, 86_400_000],
  logCleanerIntervalMs: [10, 86_400_000],
  logCleanerMaxKeys: [1000, 100_000_000],
  logCleanerIoBytesPerSecond: [0, Number.MAX_SAFE_INTEGER],
  http2StreamWindowBytes: [65_535, 2 ** 31 - 1],
  http2ConnectionWindowBytes: [65_535, 2 ** 31 - 1],
  shutdownGraceMs: [0, 600_000],
  sessionTimeoutMs: [1000, 600_000],
  replicaLagTimeMaxMs: [100, 3_600_000],
  replicaLagMaxBytes: [1024, Number.MAX_SAFE_INTEGER],
  replicaFetchMaxWaitMs: [0, 60_000],
  replicaFetchMaxBytes: [1024, 2 ** 30],
  replicaFetchPartitionMaxBytes: [1024, 2 ** 30],
  replicaFetchBackoffMs: [1, 60_000],
  controllerRequestTimeoutMs: [100, 600_000],
  offsetsTopicPartitions: [1, 1000],
  offsetsTopicReplicationFactor: [1, 16],
  groupSessionTimeoutMs: [500, 1_800_000],
  groupHeartbeatIntervalMs: [50, 600_000],
  groupMaxSize: [1, 100_000],
  sessionLifetimeMs: [1000, 7 * 86_400_000],
};

const ENUMS: Partial<Record<Key, readonly string[]>> = {
  dcs: ['local', 'etcd', 'kubernetes'],
  logLevel: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
  logMessageTimestampType: ['CreateTime', 'LogAppendTime'],
  tlsClientAuth: ['none', 'requested', 'required'],
  allowPlaintextAuthentication: ['false', 'true'],
  authorizer: ['none', 'acl'],
};

function configError(message: string): TributaryError {
  return new TributaryError('INVALID_CONFIG', message);
}

/**
 * Parses one raw value (a string from the environment, flags or a Cluster's spec.config, or a YAML value)
 * for `key`; throws INVALID_CONFIG naming `source` and the key.
 */
export function parseBrokerSetting(key: Key, raw: unknown, source: string): BrokerConfig[Key] {
  const template = DEFAULT_BROKER_CONFIG[key];
  if (typeof template === 'number') {
    const n =
      typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(n))
      throw configError(`${source}: ${key} must be an integer, got ${JSON.stringify(raw)}`);
    return n;
  }
  if (typeof raw !== 'string' && typeof raw !== 'number') {
    throw configError(`${source}: ${key} must be a string, got ${JSON.stringify(raw)}`);
  }
  return String(raw) as BrokerConfig[Key];
}

/** A broken rule of a configuration: the setting it is about, and why. */
export interface BrokerSettingProblem {
  key: BrokerSettingKey;
  message: string;
}

/**
 * Every rule `config` breaks (ranges, enums, required values, limits between settings), in a fixed order.
 * The Kubernetes DCS's own check of dcsPrefix is the broker's (broker/config.ts).
 */
export function brokerSettingsProblems(config: BrokerConfig): BrokerSettingProblem[] {
  const problems: BrokerSettingProblem[] = [];
  for (const [key, range] of Object.entries(INT_RANGES) as [Key, [number, number]][]) {
    const v = config[key] as number;
    if (!Number.isSafeInteger(v) || v < range[0] || v > range[1]) {
      problems.push({ key, message: `${key} must be an integer in [${range[0]}, ${range[1]}], got ${v}` });
    }
  }
  for (const [key, allowed] of Object.entries(ENUMS) as [Key, readonly string[]][]) {
    if (!allowed.includes(config[key] as string)) {
      problems.push({
        key,
        message: `${key} must be one of ${allowed.join(', ')}, got ${JSON.stringify(config[key])}`,
      });
    }
  }
  if (config.host === '') problems.push({ key: 'host', message: 'host must not be empty' });
  if (config.dataDir === '') problems.push({ key: 'dataDir', message: 'dataDir must not be empty' });
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(config.dcsPrefix)) {
    problems.push({
      key: 'dcsPrefix',
      message: `dcsPrefix must be 1-100 characters of [A-Za-z0-9._-], got ${JSON.stringify(config.dcsPrefix)}`,
    });
  }
  if (config.replicaFetchPartitionMaxBytes > config.replicaFetchMaxBytes) {
    problems.push({
      key: 'replicaFetchPartitionMaxBytes',
      message: 'replicaFetchPartitionMaxBytes exceeds replicaFetchMaxBytes',
    });
  }
  if (config.maxBatchBytes > config.maxRequestBytes) {
    problems.push({
      key: 'maxBatchBytes',
      message: `maxBatchBytes (${config.maxBatchBytes}) exceeds maxRequestBytes (${config.maxRequestBytes})`,
    });
  }
  problems.push(...securityProblems(config));
  return problems;
}

export const AUTHENTICATION_MECHANISMS = ['mtls', 'scram', 'serviceaccount'] as const;
export type AuthenticationMechanism = (typeof AUTHENTICATION_MECHANISMS)[number];

/** The mechanisms of an `authentication` setting; throws INVALID_CONFIG on an unknown or repeated one. */
export function parseAuthenticationMechanisms(value: string): AuthenticationMechanism[] {
  const names = value
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  const out: AuthenticationMechanism[] = [];
  for (const name of names) {
    if (!(AUTHENTICATION_MECHANISMS as readonly string[]).includes(name)) {
      throw configError(
        `authentication: unknown mechanism "${name}" (known: ${AUTHENTICATION_MECHANISMS.join(', ')})`,
      );
    }
    if (out.includes(name as AuthenticationMechanism))
      throw configError(`authentication: "${name}" named twice`);
    out.push(name as AuthenticationMechanism);
  }
  return out;
}

/** The TLS and authentication settings that only make sense together. */
function securityProblems(config: BrokerConfig): BrokerSettingProblem[] {
  const problems: BrokerSettingProblem[] = [];
  const tls = config.tlsCertFile !== '' || config.tlsKeyFile !== '';
  if ((config.tlsCertFile === '') !== (config.tlsKeyFile === '')) {
    problems.push({ key: 'tlsKeyFile', message: 'tlsCertFile and tlsKeyFile must be set together' });
  }
  if (config.tlsClientAuth !== 'none' && (!tls || config.tlsCaFile === '')) {
    problems.push({
      key: 'tlsClientAuth',
      message: `tlsClientAuth=${config.tlsClientAuth} needs TLS (tlsCertFile, tlsKeyFile) and tlsCaFile to verify client certificates`,
    });
  }
  let mechanisms: AuthenticationMechanism[] = [];
  try {
    mechanisms = parseAuthenticationMechanisms(config.authentication);
  } catch (err) {
    problems.push({ key: 'authentication', message: (err as Error).message });
  }
  if (mechanisms.includes('mtls') && config.tlsClientAuth === 'none') {
    problems.push({
      key: 'authentication',
      message: 'authentication=mtls needs tlsClientAuth requested or required',
    });
  }
  const secretsOverPlaintext = mechanisms.includes('scram') || mechanisms.includes('serviceaccount');
  if (secretsOverPlaintext && !tls && config.allowPlaintextAuthentication !== 'true') {
    problems.push({
      key: 'authentication',
      message:
        'scram and serviceaccount send tokens that must not travel in clear: set tlsCertFile and tlsKeyFile, or allowPlaintextAuthentication=true on a trusted network',
    });
  }
  if (config.authorizer === 'acl' && mechanisms.length === 0) {
    problems.push({
      key: 'authorizer',
      message: 'authorizer=acl needs authentication (every caller would be User:ANONYMOUS)',
    });
  }
  for (const p of config.superUsers
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')) {
    if (!/^(User|ServiceAccount):[^\s,]{1,253}$/.test(p)) {
      problems.push({
        key: 'superUsers',
        message: `superUsers: "${p}" is not a principal (User:name or ServiceAccount:namespace/name)`,
      });
    }
  }
  if ((config.dcsEtcdCertFile === '') !== (config.dcsEtcdKeyFile === '')) {
    problems.push({
      key: 'dcsEtcdKeyFile',
      message: 'dcsEtcdCertFile and dcsEtcdKeyFile must be set together',
    });
  }
  const etcdTls = config.dcsEtcdCaFile !== '' || config.dcsEtcdCertFile !== '';
  const plainEndpoint = config.dcsEtcdEndpoints
    .split(',')
    .map((e) => e.trim())
    .find((e) => e !== '' && !e.startsWith('https://'));
  if (config.dcs === 'etcd' && etcdTls && plainEndpoint !== undefined) {
    problems.push({
      key: 'dcsEtcdEndpoints',
      message: `dcsEtcdCaFile/dcsEtcdCertFile need https:// endpoints, got ${plainEndpoint}`,
    });
  }
  if ((config.dcsEtcdUsername === '') !== (config.dcsEtcdPasswordFile === '')) {
    problems.push({
      key: 'dcsEtcdPasswordFile',
      message: 'dcsEtcdUsername and dcsEtcdPasswordFile must be set together',
    });
  }
  return problems;
}

/**
 * The operator's configuration: one typed, validated place, with the defaults documented in
 * docs/operator.md. `tributary operator run` (cli/commands/operator.ts) turns its flags into `RawOptions`;
 * `resolveOperatorOptions` applies defaults, the pod's environment (POD_NAME from the
 * downward API) and checks every value.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export interface OperatorOptions {
  /** A kubeconfig file; absent: in-cluster config, else $KUBECONFIG or ~/.kube/config. */
  kubeconfig: string | undefined;
  /** Watch only this namespace; absent: all namespaces. */
  namespace: string | undefined;
  /** Address the metrics and health endpoints bind to. */
  bindAddress: string;
  /** Prometheus endpoint (/metrics); 0 picks a free port. */
  metricsPort: number;
  /** /healthz (alive) and /readyz (caches synced); 0 picks a free port. */
  healthPort: number;
  leaderElect: boolean;
  leaseNamespace: string;
  leaseName: string;
  leaseDurationSeconds: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** This replica's name in the Lease. */
  identity: string;
  /** `<namespace>/<cluster>` -> broker addresses, instead of the Cluster's status.bootstrap. */
  bootstrapOverrides: ReadonlyMap<string, string>;
  /** Reconciles at once per controller. */
  workers: number;
  /** Every object is reconciled again at least this often (catches drift nothing announces). */
  resyncMs: number;
  /** A reconciled Cluster is looked at again after this long (its controller broker can move). */
  statusRefreshMs: number;
  /** First and largest delay before retrying a failed reconcile. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Deadline of each call to the brokers. */
  brokerTimeoutMs: number;
  /** On SIGTERM, how long running reconciles may take to finish. */
  shutdownGraceMs: number;
  logLevel: string;
}

/** Flag values as given (strings), before defaults and checks. */
export interface RawOptions {
  kubeconfig?: string | undefined;
  namespace?: string | undefined;
  bindAddress?: string | undefined;
  metricsPort?: string | undefined;
  healthPort?: string | undefined;
  leaderElect?: string | boolean | undefined;
  leaseNamespace?: string | undefined;
  leaseName?: string | undefined;
  leaseDurationSeconds?: string | undefined;
  renewDeadlineMs?: string | undefined;
  retryPeriodMs?: string | undefined;
  identity?: string | undefined;
  bootstrapOverride?: string[] | undefined;
  workers?: string | undefined;
  resyncMs?: string | undefined;
  statusRefreshMs?: string | undefined;
  retryBaseMs?: string | undefined;
  retryMaxMs?: string | undefined;
  brokerTimeoutMs?: string | undefined;
  shutdownGraceMs?: string | undefined;
  logLevel?: string | undefined;
}

export const OPERATOR_DEFAULTS = {
  bindAddress: '0.0.0.0',
  metricsPort: 8080,
  healthPort: 8081,
  leaderElect: true,
  leaseName: 'tributary-operator',
  leaseDurationSeconds: 15,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  workers: 4,
  resyncMs: 5 * 60_000,
  statusRefreshMs: 30_000,
  retryBaseMs: 500,
  retryMaxMs: 5 * 60_000,
  brokerTimeoutMs: 10_000,
  shutdownGraceMs: 10_000,
  logLevel: 'info',
} as const;

/** Where a cluster-wide operator's Lease lives (as kube-controller-manager's and cert-manager's do). */
export const CLUSTER_SCOPE_LEASE_NAMESPACE = 'kube-system';

const OVERRIDES_MAX = 1000;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export class OptionsError extends Error {}

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new OptionsError(`--${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  }
  return n;
}

function bool(name: string, raw: string | boolean | undefined, fallback: boolean): boolean {
  if (raw === undefined) return fallback;
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new OptionsError(`--${name} must be true or false, got ${JSON.stringify(raw)}`);
}

function dnsLabel(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!DNS_LABEL.test(raw) || raw.length > 63) {
    throw new OptionsError(`--${name} must be a Kubernetes namespace name, got ${JSON.stringify(raw)}`);
  }
  return raw;
}

/** `<namespace>/<cluster>=host:port[,host:port]` as a map entry. */
export function parseBootstrapOverride(text: string): [string, string] {
  const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z]([-a-z0-9]*[a-z0-9])?)=(.+)$/.exec(text.trim());
  const addresses = match?.[5]?.split(',').map((a) => a.trim());
  if (
    match === null ||
    addresses === undefined ||
    !addresses.every((a) => /^(\[[0-9a-fA-F:.]+\]|[^:\s,]+):\d{1,5}$/.test(a))
  ) {
    throw new OptionsError(
      `--bootstrap-override wants <namespace>/<cluster>=host:port[,host:port], got ${JSON.stringify(text)}`,
    );
  }
  return [`${match[1]}/${match[3]}`, addresses.join(',')];
}

export function resolveOperatorOptions(
  raw: RawOptions,
  env: NodeJS.ProcessEnv = process.env,
): OperatorOptions {
  const d = OPERATOR_DEFAULTS;
  const namespace = dnsLabel('namespace', raw.namespace);
  // One Lease per scope, never per install: every operator of a scope (all namespaces, or one) contends for
  // the same Lease whatever namespace it runs in, so two Helm releases cannot run two leaders.
  const leaseNamespace =
    dnsLabel('lease-namespace', raw.leaseNamespace ?? namespace) ?? CLUSTER_SCOPE_LEASE_NAMESPACE;
  const leaseDurationSeconds = integer(
    'lease-duration-seconds',
    raw.leaseDurationSeconds,
    d.leaseDurationSeconds,
    1,
    3600,
  );
  const renewDeadlineMs = integer(
    'renew-deadline-ms',
    raw.renewDeadlineMs,
    d.renewDeadlineMs,
    100,
    3_600_000,
  );
  const retryPeriodMs = integer('retry-period-ms', raw.retryPeriodMs, d.retryPeriodMs, 50, 3_600_000);
  if (!(retryPeriodMs < renewDeadlineMs && renewDeadlineMs < leaseDurationSeconds * 1000)) {
    throw new OptionsError(
      'leader election needs --retry-period-ms < --renew-deadline-ms < --lease-duration-seconds',
    );
  }
  const overrides = new Map<string, string>();
  for (const text of raw.bootstrapOverride ?? []) {
    const [key, value] = parseBootstrapOverride(text);
    overrides.set(key, value);
  }
  if (overrides.size > OVERRIDES_MAX) throw new OptionsError(`at most ${OVERRIDES_MAX} --bootstrap-override`);
  const retryBaseMs = integer('retry-base-ms', raw.retryBaseMs, d.retryBaseMs, 1, 3_600_000);
  const retryMaxMs = integer('retry-max-ms', raw.retryMaxMs, d.retryMaxMs, retryBaseMs, 3_600_000);
  const logLevel = raw.logLevel ?? env['TRIBUTARY_LOG_LEVEL'] ?? d.logLevel;
  if (!LOG_LEVELS.includes(logLevel))
    throw new OptionsError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  const identity = raw.identity ?? `${env['POD_NAME'] ?? hostname()}-${randomBytes(4).toString('hex')}`;
  if (identity.length === 0 || identity.length > 128)
    throw new OptionsError('--identity must be 1-128 characters');
  return {
    kubeconfig: raw.kubeconfig,
    namespace,
    bindAddress: raw.bindAddress ?? d.bindAddress,
    metricsPort: integer('metrics-port', raw.metricsPort, d.metricsPort, 0, 65535),
    healthPort: integer('health-port', raw.healthPort, d.healthPort, 0, 65535),
    leaderElect: bool('leader-elect', raw.leaderElect, d.leaderElect),
    leaseNamespace,
    leaseName: raw.leaseName ?? d.leaseName,
    leaseDurationSeconds,
    renewDeadlineMs,
    retryPeriodMs,
    identity,
    bootstrapOverrides: overrides,
    workers: integer('workers', raw.workers, d.workers, 1, 64),
    resyncMs: integer('resync-ms', raw.resyncMs, d.resyncMs, 1000, 86_400_000),
    statusRefreshMs: integer('status-refresh-ms', raw.statusRefreshMs, d.statusRefreshMs, 100, 86_400_000),
    retryBaseMs,
    retryMaxMs,
    brokerTimeoutMs: integer('broker-timeout-ms', raw.brokerTimeoutMs, d.brokerTimeoutMs, 100, 600_000),
    shutdownGraceMs: integer('shutdown-grace-ms', raw.shutdownGraceMs, d.shutdownGraceMs, 0, 600_000),
    logLevel,
  };
}

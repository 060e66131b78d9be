/**
 * The operator under test: the CRDs installed from crds/, the operator's ClusterRole (the contract of
 * issue 5, operator/rbac.ts) bound to a ServiceAccount whose token the operator runs with, and the
 * operator itself as a child process of the compiled CLI (`node dist/cli/main.js operator run`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  KubeConfig,
  KubernetesObjectApi,
  loadAllYaml,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { API_VERSION, type Condition, GROUP, VERSION } from '../../operator/api/v1alpha1.js';
import { OPERATOR_CLUSTER_ROLE_RULES } from '../../operator/rbac.js';
import { CLI_ENTRY, REPO_ROOT } from './broker-process.js';
import { waitFor } from './cluster.js';
import type { KubeControlPlane } from './kube-apiserver.js';

const CRD_FILES = ['tributary.dev_clusters.yaml', 'tributary.dev_topics.yaml', 'tributary.dev_users.yaml'];
const START_MS_MAX = 30_000;
const STOP_MS_MAX = 20_000;
/** The in-memory copy of the operator's output keeps this many characters (the tail). */
const OUTPUT_KEEP_CHARS = 4 * 1024 * 1024;

/** An admin client configuration for the control plane. */
export function adminConfig(plane: KubeControlPlane): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(plane.kubeconfigPath);
  return kc;
}

/** Cluster, Topic and User objects of one namespace, as an admin sees them. */
export class Resources {
  private readonly api: CustomObjectsApi;

  constructor(
    kc: KubeConfig,
    readonly namespace: string,
  ) {
    this.api = kc.makeApiClient(CustomObjectsApi);
  }

  private where(plural: string) {
    return { group: GROUP, version: VERSION, namespace: this.namespace, plural };
  }

  async create<T>(
    kind: 'Cluster' | 'Topic' | 'User',
    name: string,
    spec: object,
    annotations?: Record<string, string>,
  ): Promise<T> {
    return (await this.api.createNamespacedCustomObject({
      ...this.where(`${kind.toLowerCase()}s`),
      body: { apiVersion: API_VERSION, kind, metadata: { name, ...(annotations && { annotations }) }, spec },
    })) as T;
  }

  /** The object, or undefined when it does not exist. */
  async get<T>(plural: string, name: string): Promise<T | undefined> {
    try {
      return (await this.api.getNamespacedCustomObject({ ...this.where(plural), name })) as T;
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  }

  /** A JSON merge patch (null removes a field). */
  patch(plural: string, name: string, body: object): Promise<unknown> {
    return this.api.patchNamespacedCustomObject(
      { ...this.where(plural), name, body },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  delete(plural: string, name: string): Promise<unknown> {
    return this.api.deleteNamespacedCustomObject({ ...this.where(plural), name });
  }

  /** Resolves once the object is gone (its finalizers done). */
  async gone(plural: string, name: string, timeoutMs = 20_000): Promise<void> {
    await waitFor(
      `${plural}/${name} to be gone`,
      async () => ((await this.get(plural, name)) === undefined ? true : undefined),
      timeoutMs,
    );
  }
}

/** Resolves with the Event about `kind` `name` in `namespace` with `reason`, once the operator recorded it. */
export function eventFor(kc: KubeConfig, namespace: string, kind: string, name: string, reason: string) {
  const events = kc.makeApiClient(EventsV1Api);
  return waitFor(`a ${reason} Event about ${kind} ${name}`, async () =>
    (await events.listNamespacedEvent({ namespace })).items.find(
      (e) =>
        e.regarding?.kind === kind &&
        e.regarding.name === name &&
        e.reason === reason &&
        e.reportingController === 'tributary.dev/operator',
    ),
  );
}

/** The Ready condition of a Cluster or Topic. */
export function readyOf(obj: { status?: { conditions?: Condition[] } } | undefined): Condition | undefined {
  return obj?.status?.conditions?.find((c) => c.type === 'Ready');
}

/** Creates the Cluster, Topic and User CRDs and waits until they are served. */
export async function installCrds(kc: KubeConfig): Promise<void> {
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  const names: string[] = [];
  for (const file of CRD_FILES) {
    // loadAllYaml gives client-node's model objects, which serialize `default` and x-kubernetes-* keys.
    for (const crd of loadAllYaml(
      readFileSync(join(REPO_ROOT, 'crds', file), 'utf8'),
    ) as V1CustomResourceDefinition[]) {
      await objects.create(crd);
      names.push(crd.metadata!.name!);
    }
  }
  for (const name of names) {
    await waitFor(`CRD ${name} established`, async () => {
      const crd = await ext.readCustomResourceDefinition({ name });
      return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')
        ? true
        : undefined;
    });
  }
}

/**
 * A ServiceAccount `tributary-operator` in `namespace` bound to a ClusterRole with exactly the operator's
 * rules; answers a kubeconfig with its token (valid for an hour).
 */
export async function operatorIdentity(plane: KubeControlPlane, namespace = 'default'): Promise<string> {
  const kc = adminConfig(plane);
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const name = 'tributary-operator';
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  await rbac.createClusterRole({
    body: { metadata: { name }, rules: OPERATOR_CLUSTER_ROLE_RULES.map((r) => structuredClone(r)) },
  });
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
  });
  const token = await core.createNamespacedServiceAccountToken({
    namespace,
    name,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  return plane.kubeconfigFor(name, token.status!.token);
}

export interface OperatorProcess {
  readonly pid: number;
  readonly identity: string;
  readonly metricsPort: number;
  readonly healthPort: number;
  /** Everything it printed (JSON log lines). */
  output(): string;
  /** The Prometheus text of /metrics. */
  metrics(): Promise<string>;
  /** One sample of /metrics (sum over series whose labels include `labels`), 0 when absent. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** SIGTERM and wait; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
  readonly exited: Promise<number | null>;
}

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** The value of `name` in Prometheus text, summed over series whose labels include `labels`. */
export function sampleOf(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const have = new Map([...(match[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) sum += Number(match[4]);
  }
  return sum;
}

/**
 * Starts `tributary operator run` with `kubeconfig` on 127.0.0.1 (free ports), fast retry and lease
 * timings unless `args` override them, and resolves once /readyz answers 200 (its caches synced).
 */
export async function startOperator(opts: {
  kubeconfig: string;
  identity: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
}): Promise<OperatorProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      CLI_ENTRY,
      'operator',
      'run',
      '--kubeconfig',
      opts.kubeconfig,
      '--bind-address',
      '127.0.0.1',
      '--metrics-port',
      '0',
      '--health-port',
      '0',
      '--identity',
      opts.identity,
      '--lease-namespace',
      'default',
      // Short enough that a standby takes over quickly, long enough that a loaded machine (a full run on
      // 2 cores) does not make a leader miss its renew deadline and exit.
      '--lease-duration-seconds',
      '6',
      '--renew-deadline-ms',
      '4000',
      '--retry-period-ms',
      '300',
      '--retry-base-ms',
      '200',
      '--retry-max-ms',
      '2000',
      '--broker-timeout-ms',
      '5000',
      '--shutdown-grace-ms',
      '5000',
      '--log-level',
      'debug',
      ...(opts.args ?? []),
    ],
    { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  // For debugging: TRIBUTARY_TEST_OPERATOR_LOGS=<dir> keeps each operator's whole log as <dir>/<identity>.log.
  const logDir = process.env['TRIBUTARY_TEST_OPERATOR_LOGS'];
  const log = logDir ? createWriteStream(join(logDir, `${opts.identity}.log`), { flags: 'a' }) : undefined;
  child.once('exit', () => log?.end());
  const capture = (chunk: Buffer) => {
    log?.write(chunk);
    output += chunk.toString('utf8');
    if (output.length > OUTPUT_KEEP_CHARS) output = output.slice(-OUTPUT_KEEP_CHARS / 2);
  };
  child.stdout!.on('data', capture);
  child.stderr!.on('data', capture);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // If the test process ends without stopping it (a crash, a timeout), take the operator along.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  let ports: { metricsPort: number; healthPort: number };
  try {
    ports = await waitFor(
      'the operator to listen',
      () => {
        if (child.exitCode !== null)
          throw new Error(`operator exited (${child.exitCode}): ${output.slice(-3000)}`);
        for (const line of output.split('\n')) {
          if (!line.includes('"operator listening"')) continue;
          const { metricsPort, healthPort } = JSON.parse(line) as { metricsPort: number; healthPort: number };
          return { metricsPort, healthPort };
        }
        return undefined;
      },
      START_MS_MAX,
    );
    await waitFor(
      'the operator caches to sync',
      async () => ((await httpGet(ports.healthPort, '/readyz')).status === 200 ? true : undefined),
      START_MS_MAX,
    );
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`${(err as Error).message}\n${output.slice(-3000)}`);
  }
  const metrics = async () => (await httpGet(ports.metricsPort, '/metrics')).body;
  return {
    pid: child.pid!,
    identity: opts.identity,
    ...ports,
    output: () => output,
    metrics,
    metric: async (name, labels) => sampleOf(await metrics(), name, labels),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_MS_MAX);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    exited,
  };
}

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ApiextensionsV1Api,
  AuthorizationV1Api,
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  loadAllYaml,
  PatchStrategy,
  RbacAuthorizationV1Api,
  type V1Deployment,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { OPERATOR_CLUSTER_ROLE_RULES } from '../../operator/rbac.js';
import { waitFor } from '../helpers/cluster.js';
import { type KubeControlPlane, startKubeControlPlane } from '../helpers/kube-apiserver.js';
import { type OperatorProcess, startOperator } from '../helpers/operator.js';

// The Helm chart (charts/tributary): helm lints and renders it, refuses values its schema forbids, and a
// real kube-apiserver accepts what it renders (server-side apply, CRDs first); the RBAC it grants lets the
// operator do its work, including granting the broker Role, and nothing outside its namespace when limited
// to one.

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHART = join(repoRoot, 'charts/tributary');
const HELM_MS_MAX = 60_000;
const ESTABLISHED_MS_MAX = 30_000;
const FIELD_MANAGER = 'tributary-chart-test';

/** A Cluster and Topics in values, as a user would write them. */
const WITH_CLUSTER = {
  cluster: { enabled: true, name: 'demo', spec: { brokers: 3, storage: { size: '20Gi' } } },
  topics: [
    { name: 'orders', partitions: 12, config: { retentionMs: 604_800_000, minInsyncReplicas: 2 } },
    { name: 'audit', topicName: 'Audit_Log', partitions: 1, replicationFactor: 1, managed: false },
  ],
};

/** One rendered manifest, with the fields the tests read. */
interface Doc {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
}

let work: string;
let helmEnv: NodeJS.ProcessEnv;
let helm: string;

/** Runs helm; returns its exit status, stdout and stderr. */
function runHelm(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(helm, args, { encoding: 'utf8', env: helmEnv, timeout: HELM_MS_MAX });
  if (r.error !== undefined) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function helmOk(args: string[]): string {
  const r = runHelm(args);
  if (r.status !== 0) throw new Error(`helm ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

function valuesFile(name: string, values: unknown): string {
  const path = join(work, `${name}.json`);
  writeFileSync(path, JSON.stringify(values));
  return path;
}

/** `helm template` output as plain objects, in order. */
function render(release: string, namespace: string, values: unknown, extra: string[] = []): Doc[] {
  const out = helmOk([
    'template',
    release,
    CHART,
    '-n',
    namespace,
    '-f',
    valuesFile(release, values),
    ...extra,
  ]);
  return parseAllDocuments(out)
    .map((d) => d.toJS() as Doc | null)
    .filter((d): d is Doc => d !== null);
}

function kindsAndNames(docs: Doc[]): string[] {
  return docs.map((d) => `${d.kind}/${d.metadata.namespace ?? ''}/${d.metadata.name}`);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tributary-helm-'));
  // helm keeps caches and settings under these; keep them out of $HOME.
  helmEnv = {
    ...process.env,
    HELM_CACHE_HOME: join(work, 'cache'),
    HELM_CONFIG_HOME: join(work, 'config'),
    HELM_DATA_HOME: join(work, 'data'),
  };
  const out = execFileSync('bash', [join(repoRoot, 'hack/helm.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  helm = out.trim().split('\n').at(-1)!;
}, 600_000);
afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('helm chart, offline', () => {
  it('passes helm lint --strict, with default values and with a Cluster and Topics', () => {
    expect(helmOk(['lint', '--strict', CHART])).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(helmOk(['lint', '--strict', CHART, '-f', valuesFile('lint', WITH_CLUSTER)])).toContain(
      '1 chart(s) linted, 0 chart(s) failed',
    );
    expect(
      helmOk([
        'lint',
        '--strict',
        CHART,
        '-f',
        valuesFile('lint-ns', { ...WITH_CLUSTER, watchNamespace: 'apps' }),
      ]),
    ).toContain('1 chart(s) linted, 0 chart(s) failed');
  });

  it('renders the operator per the contract with default values', () => {
    const docs = render('tributary', 'tributary-system', {});
    expect(kindsAndNames(docs).sort()).toEqual([
      'ClusterRole//tributary-operator',
      'ClusterRoleBinding//tributary-operator',
      'Deployment/tributary-system/tributary-operator',
      'Service/tributary-system/tributary-operator-metrics',
      'ServiceAccount/tributary-system/tributary-operator',
    ]);
    for (const d of docs) {
      expect(d.metadata.labels).toMatchObject({
        'helm.sh/chart': 'tributary-0.1.0',
        'app.kubernetes.io/name': 'tributary',
        'app.kubernetes.io/instance': 'tributary',
        'app.kubernetes.io/version': '0.1.0',
        'app.kubernetes.io/managed-by': 'Helm',
        'app.kubernetes.io/component': 'operator',
      });
    }
    const deployment = docs.find((d) => d.kind === 'Deployment') as unknown as V1Deployment;
    const pod = deployment.spec!.template.spec!;
    const container = pod.containers[0]!;
    expect(container.image).toBe('tributary/operator:0.1.0');
    expect(container.command).toEqual(['node', '/app/bin/tributary.js', 'operator', 'run']);
    expect(container.args).toEqual([
      '--metrics-port=8080',
      '--health-port=8081',
      '--leader-elect=true',
      '--lease-namespace=kube-system',
    ]);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.livenessProbe?.httpGet).toMatchObject({ path: '/healthz', port: 'health' });
    expect(container.readinessProbe?.httpGet).toMatchObject({ path: '/readyz', port: 'health' });
    expect(container.ports).toContainEqual({ name: 'health', containerPort: 8081, protocol: 'TCP' });
    expect(container.resources?.limits).toEqual({ memory: '512Mi' });
    // With a Lease, a rolling update is safe; without one, the old operator stops before the new one starts.
    expect(deployment.spec!.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    });
    const single = render('tributary', 'tributary-system', { leaderElection: { enabled: false } });
    const singleDeployment = single.find((d) => d.kind === 'Deployment') as unknown as V1Deployment;
    expect(singleDeployment.spec!.strategy).toEqual({ type: 'Recreate' });
    expect(singleDeployment.spec!.template.spec!.containers[0]!.args).toContain('--leader-elect=false');

    // Least privilege, one source: the chart's ClusterRole grants exactly operator/rbac.ts (the rules the
    // operator's own tests run with), no more and no less.
    const role = docs.find((d) => d.kind === 'ClusterRole')!;
    const triples = (rules: ReadonlyArray<{ apiGroups?: string[]; resources?: string[]; verbs: string[] }>) =>
      [
        ...new Set(
          rules.flatMap((r) =>
            (r.apiGroups ?? []).flatMap((g) =>
              (r.resources ?? []).flatMap((res) => r.verbs.map((v) => `${g}/${res}:${v}`)),
            ),
          ),
        ),
      ].sort();
    expect(triples(role.rules ?? [])).toEqual(triples(OPERATOR_CLUSTER_ROLE_RULES));
  });

  it('renders a Cluster and Topics from values', () => {
    const docs = render('events', 'data', WITH_CLUSTER);
    const cluster = docs.find((d) => d.kind === 'Cluster')!;
    expect(cluster.metadata).toMatchObject({
      name: 'demo',
      namespace: 'data',
      annotations: { 'helm.sh/resource-policy': 'keep' },
    });
    expect(cluster.spec).toEqual({ brokers: 3, version: '0.1.0', storage: { size: '20Gi' } });
    const topics = docs.filter((d) => d.kind === 'Topic');
    expect(topics.map((t) => t.spec)).toEqual([
      { cluster: 'demo', partitions: 12, config: { retentionMs: 604_800_000, minInsyncReplicas: 2 } },
      { cluster: 'demo', topicName: 'Audit_Log', partitions: 1, replicationFactor: 1 },
    ]);
    expect(topics[1]!.metadata.annotations).toEqual({
      'helm.sh/resource-policy': 'keep',
      'tributary.dev/managed': 'false',
    });
    expect(topics[0]!.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
  });

  it('limits itself to one namespace with a Role when watchNamespace is set', () => {
    const docs = render('tributary', 'tributary-system', { watchNamespace: 'apps' });
    expect(
      kindsAndNames(docs.filter((d) => d.kind.startsWith('Role') || d.kind.startsWith('ClusterRole'))).sort(),
    ).toEqual(['Role/apps/tributary-operator', 'RoleBinding/apps/tributary-operator']);
    const deployment = docs.find((d) => d.kind === 'Deployment') as unknown as V1Deployment;
    // Its Lease lives in the namespace it manages: one per scope, whatever the release's namespace.
    expect(deployment.spec!.template.spec!.containers[0]!.args).toEqual(
      expect.arrayContaining(['--namespace=apps', '--lease-namespace=apps']),
    );
  });

  it('gives every release of one scope the same Lease, so two releases never run two leaders', () => {
    const argsOf = (docs: Doc[]) =>
      (docs.find((d) => d.kind === 'Deployment') as unknown as V1Deployment).spec!.template.spec!
        .containers[0]!.args;
    const a = argsOf(render('tributary', 'tributary-system', {}));
    const b = argsOf(render('events', 'data', WITH_CLUSTER));
    expect(a).toContain('--lease-namespace=kube-system');
    expect(b).toEqual(a);
    const scopedA = argsOf(render('one', 'ops-a', { watchNamespace: 'apps' }));
    const scopedB = argsOf(render('two', 'ops-b', { watchNamespace: 'apps' }));
    expect(scopedA).toContain('--lease-namespace=apps');
    expect(scopedB).toEqual(scopedA);
  });

  it('renders only the Cluster and Topics with operator.enabled=false', () => {
    const values = { ...WITH_CLUSTER, operator: { enabled: false } };
    expect(helmOk(['lint', '--strict', CHART, '-f', valuesFile('lint-no-operator', values)])).toContain(
      '1 chart(s) linted, 0 chart(s) failed',
    );
    const docs = render('events', 'data', values);
    expect(kindsAndNames(docs)).toEqual(['Cluster/data/demo', 'Topic/data/orders', 'Topic/data/audit']);
  });

  it('renders dashboards, alert rules and monitors when asked, the monitoring.coreos.com ones only where that API exists', () => {
    const all = {
      monitoring: {
        dashboards: { enabled: true },
        prometheusRule: { enabled: true },
        rulesConfigMap: { enabled: true },
        podMonitor: { enabled: true },
        serviceMonitor: { enabled: true },
      },
    };
    const monitoring = (docs: Doc[]) =>
      kindsAndNames(
        docs.filter((d) => d.metadata.labels?.['app.kubernetes.io/component'] === 'monitoring'),
      ).sort();
    const plain = render('tributary', 'obs', all);
    expect(monitoring(plain)).toEqual([
      'ConfigMap/obs/tributary-alert-rules',
      'ConfigMap/obs/tributary-dashboard-cluster-overview',
      'ConfigMap/obs/tributary-dashboard-consumer-lag',
      'ConfigMap/obs/tributary-dashboard-operator',
      'ConfigMap/obs/tributary-dashboard-topics',
    ]);
    for (const d of plain.filter((x) => x.metadata.name.includes('-dashboard-'))) {
      expect(d.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
      const [json] = Object.values((d as unknown as { data: Record<string, string> }).data);
      expect(JSON.parse(json!).panels.length).toBeGreaterThan(0);
    }
    const withCrds = render('tributary', 'obs', all, ['--api-versions', 'monitoring.coreos.com/v1']);
    expect(monitoring(withCrds)).toEqual(
      [
        ...monitoring(plain),
        'PodMonitor/obs/tributary-brokers',
        'PrometheusRule/obs/tributary',
        'ServiceMonitor/obs/tributary-operator',
      ].sort(),
    );
    const rule = withCrds.find((d) => d.kind === 'PrometheusRule') as unknown as {
      spec: { groups: Array<{ rules: Array<{ alert: string }> }> };
    };
    expect(rule.spec.groups.flatMap((g) => g.rules.map((r) => r.alert))).toContain(
      'TributaryOfflinePartitions',
    );
  });

  it('refuses values that break values.schema.json, saying which value and why', () => {
    const refused = (values: unknown) => {
      const r = runHelm(['template', 't', CHART, '-f', valuesFile('bad', values)]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain("values don't meet the specifications of the schema(s)");
      return r.stderr;
    };
    expect(refused({ replicas: 'two' })).toContain("at '/replicas': got string, want integer");
    expect(refused({ replica: 2 })).toContain("additional properties 'replica' not allowed");
    expect(refused({ image: { pullPolicy: 'Sometimes' } })).toMatch(
      /at '\/image\/pullPolicy': value must be one of/,
    );
    expect(refused({ metrics: { port: 70_000 } })).toContain(
      "at '/metrics/port': maximum: got 70,000, want 65,535",
    );
    expect(refused({ cluster: { name: 'x'.repeat(53) } })).toContain(
      "at '/cluster/name': maxLength: got 53, want 52",
    );
    expect(refused({ cluster: { spec: { brokers: 0 } } })).toContain(
      "at '/cluster/spec/brokers': minimum: got 0, want 1",
    );
    expect(refused({ topics: [{ name: 'Orders', partitions: 1 }] })).toContain("at '/topics/0/name'");
    expect(refused({ topics: [{ name: 'orders' }] })).toContain(
      "at '/topics/0': missing property 'partitions'",
    );
    expect(
      refused({ topics: [{ name: 'orders', partitions: 1, config: { cleanupPolicy: 'archive' } }] }),
    ).toMatch(/at '\/topics\/0\/config\/cleanupPolicy': value must be one of/);
  });

  it('refuses contradictory values in its templates', () => {
    const r1 = runHelm([
      'template',
      't',
      CHART,
      '-f',
      valuesFile('two', { replicas: 2, leaderElection: { enabled: false } }),
    ]);
    expect(r1.stderr).toContain('replicas > 1 needs leaderElection.enabled');
    const r2 = runHelm([
      'template',
      't',
      CHART,
      '-f',
      valuesFile('orphan', { topics: [{ name: 'a', partitions: 1 }] }),
    ]);
    expect(r2.stderr).toContain('topics[0] (a) needs a cluster: set topics[0].cluster, or cluster.enabled');
    // A Cluster or Topics in a namespace the operator does not watch would never be reconciled.
    for (const values of [
      { watchNamespace: 'apps', cluster: { enabled: true } },
      { watchNamespace: 'apps', topics: [{ name: 'a', partitions: 1, cluster: 'c' }] },
    ]) {
      const r = runHelm(['template', 't', CHART, '-n', 'data', '-f', valuesFile('unwatched', values)]);
      expect(r.stderr).toContain('in the release namespace data, which the operator does not watch');
    }
    const watched = runHelm([
      'template',
      't',
      CHART,
      '-n',
      'apps',
      '-f',
      valuesFile('watched', { watchNamespace: 'apps', cluster: { enabled: true } }),
    ]);
    expect(watched.status, watched.stderr).toBe(0);
  });

  it('keeps its CRDs equal to crds/ (hack/chart-crds.sh --check)', () => {
    const files = readdirSync(join(repoRoot, 'crds'))
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    expect(readdirSync(join(CHART, 'crds')).sort()).toEqual(files);
    for (const f of files) {
      const source = parse(readFileSync(join(repoRoot, 'crds', f), 'utf8'));
      expect(parse(readFileSync(join(CHART, 'crds', f), 'utf8')), f).toEqual(source);
    }
    const check = spawnSync('bash', [join(repoRoot, 'hack/chart-crds.sh'), '--check'], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
  });
});

describe('helm chart on a real API server', () => {
  let plane: KubeControlPlane;
  let kc: KubeConfig;
  let objects: KubernetesObjectApi;

  /** Server-side apply of rendered YAML, in order; CRDs are waited on until Established. */
  const apply = async (yamlText: string): Promise<KubernetesObject[]> => {
    // client-node serializes bodies through its models; loadAllYaml builds them (a plain parse would lose
    // keys the models name differently, such as a CRD schema's `default` and `x-kubernetes-*`).
    const docs = loadAllYaml(yamlText).filter((d): d is KubernetesObject => d !== null && d !== undefined);
    const ext = kc.makeApiClient(ApiextensionsV1Api);
    for (const doc of docs) {
      await objects.patch(doc, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
      if (doc.kind === 'CustomResourceDefinition') await waitEstablished(ext, doc.metadata!.name!);
    }
    return docs;
  };

  beforeAll(async () => {
    plane = await startKubeControlPlane();
    kc = new KubeConfig();
    kc.loadFromFile(plane.kubeconfigPath);
    objects = KubernetesObjectApi.makeApiClient(kc);
    const core = kc.makeApiClient(CoreV1Api);
    for (const name of ['tributary-system', 'data', 'apps', 'elsewhere']) {
      await core.createNamespace({ body: { metadata: { name } } });
    }
  }, 180_000);
  afterAll(async () => {
    await plane?.stop();
  });

  it('accepts every rendered object by server-side apply, CRDs first, and they all exist', async () => {
    const text = helmOk([
      'template',
      'tributary',
      CHART,
      '-n',
      'data',
      '--include-crds',
      '-f',
      valuesFile('apply', WITH_CLUSTER),
    ]);
    const docs = await apply(text);
    const kinds = docs.map((d) => d.kind);
    // The three CRDs (Cluster, Topic, User) first.
    expect(kinds.slice(0, 3)).toEqual(Array(3).fill('CustomResourceDefinition'));
    expect(kinds.lastIndexOf('CustomResourceDefinition')).toBe(2);
    expect(new Set(kinds)).toEqual(
      new Set([
        'CustomResourceDefinition',
        'ServiceAccount',
        'ClusterRole',
        'ClusterRoleBinding',
        'Service',
        'Deployment',
        'Cluster',
        'Topic',
      ]),
    );
    for (const doc of docs) {
      const read = await objects.read({
        apiVersion: doc.apiVersion!,
        kind: doc.kind!,
        metadata: { name: doc.metadata!.name!, namespace: doc.metadata!.namespace },
      });
      expect(read.metadata?.uid, `${doc.kind}/${doc.metadata!.name}`).toBeTruthy();
      expect(read.metadata?.managedFields?.some((f) => f.manager === FIELD_MANAGER)).toBe(true);
    }
    // The API server filled in the CRD defaults of the chart's Cluster.
    const cluster = (await objects.read({
      apiVersion: 'tributary.dev/v1alpha1',
      kind: 'Cluster',
      metadata: { name: 'demo', namespace: 'data' },
    })) as KubernetesObject & { spec: Record<string, unknown> };
    expect(cluster.spec).toMatchObject({ listeners: { client: { port: 9292 } }, storage: { size: '20Gi' } });

    // The operator's ServiceAccount may do its work anywhere, and may grant the broker Role (Kubernetes
    // refuses a Role that grants more than its creator holds).
    const sa = await serviceAccountClient(kc, plane, 'data', 'tributary-operator');
    await sa.rbac.createNamespacedRole({ namespace: 'apps', body: brokerRole('demo') });
    expect(
      await canI(kc, 'system:serviceaccount:data:tributary-operator', {
        namespace: 'elsewhere',
        group: 'tributary.dev',
        resource: 'topics',
        verb: 'patch',
      }),
    ).toBe(true);
  });

  it('runs one leader among the operators of two releases of one scope, and leaves no Lease behind', async () => {
    // Two releases as docs/crds.md shows them (the operator in tributary-system, a Cluster in data), each
    // keeping its operator: started with the arguments and the environment the chart gives them, with the
    // chart's RBAC (the previous test applied the release "tributary" into data).
    const argsOf = (release: string, namespace: string, values: unknown) =>
      (
        render(release, namespace, values).find((d) => d.kind === 'Deployment') as unknown as V1Deployment
      ).spec!.template.spec!.containers[0]!.args!.filter((a) =>
        /^--(leader-elect|lease-namespace|namespace)=/.test(a),
      );
    const core = kc.makeApiClient(CoreV1Api);
    const token = await core.createNamespacedServiceAccountToken({
      namespace: 'data',
      name: 'tributary-operator',
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    });
    const kubeconfig = plane.kubeconfigFor('data-operator', token.status!.token);
    const operators: OperatorProcess[] = [];
    try {
      for (const [release, namespace, values] of [
        ['tributary', 'tributary-system', {}],
        ['events', 'data', WITH_CLUSTER],
      ] as const) {
        operators.push(
          await startOperator({
            kubeconfig,
            identity: `${release}-operator`,
            args: argsOf(release, namespace, values),
            env: { POD_NAMESPACE: namespace, POD_NAME: `${release}-operator` },
          }),
        );
      }
      const leases = kc.makeApiClient(CoordinationV1Api);
      const leader = await waitFor('one leader', async () => {
        const gauges = await Promise.all(operators.map((o) => o.metric('tributary_operator_leader')));
        if (gauges.filter((g) => g === 1).length !== 1) return undefined;
        return operators[gauges.indexOf(1)];
      });
      // Never two: watched over several retry periods of the standby (300 ms each in these tests), in which
      // a standby with a Lease of its own would lead.
      for (const untilMs = Date.now() + 2_000; Date.now() < untilMs; ) {
        const gauges = await Promise.all(operators.map((o) => o.metric('tributary_operator_leader')));
        expect(gauges.filter((g) => g === 1)).toHaveLength(1);
        await new Promise((r) => setTimeout(r, 100));
      }
      const lease = await leases.readNamespacedLease({
        name: 'tributary-operator',
        namespace: 'kube-system',
      });
      expect(lease.spec?.holderIdentity).toBe(leader!.identity);
      for (const namespace of ['tributary-system', 'data']) {
        await expect(
          leases.readNamespacedLease({ name: 'tributary-operator', namespace }),
        ).rejects.toMatchObject({ code: 404 });
      }
      // Uninstalled (SIGTERM to each): the last one out deletes the Lease.
      for (const o of operators.splice(0)) expect(await o.stop()).toBe(0);
      await expect(
        leases.readNamespacedLease({ name: 'tributary-operator', namespace: 'kube-system' }),
      ).rejects.toMatchObject({ code: 404 });
    } finally {
      for (const o of operators) await o.kill();
    }
  }, 120_000);

  it('installs a release without an operator (operator.enabled=false): only its Cluster and Topics', async () => {
    const kubeconfig = ['--kubeconfig', plane.kubeconfigPath];
    const values = valuesFile('no-operator', {
      operator: { enabled: false },
      cluster: { enabled: true, name: 'shop' },
      topics: [{ name: 'carts', partitions: 3 }],
    });
    const out = helmOk(['install', 'shop', CHART, '-n', 'elsewhere', '-f', values, ...kubeconfig]);
    expect(out).toContain('STATUS: deployed');
    expect(out).toContain('This release runs no operator (operator.enabled=false)');
    expect(out).not.toContain('rollout status deployment');
    const manifest = helmOk(['get', 'manifest', 'shop', '-n', 'elsewhere', ...kubeconfig]);
    expect(
      parseAllDocuments(manifest)
        .map((d) => (d.toJS() as Doc | null)?.kind)
        .filter((k) => k !== undefined),
    ).toEqual(['Cluster', 'Topic']);
    helmOk(['uninstall', 'shop', '-n', 'elsewhere', ...kubeconfig]);
  });

  it('installs with helm against the API server, limited to one namespace, and keeps the Cluster on uninstall', async () => {
    const kubeconfig = ['--kubeconfig', plane.kubeconfigPath];
    const values = valuesFile('install', {
      watchNamespace: 'apps',
      cluster: { enabled: true, name: 'scoped' },
      topics: [{ name: 'clicks', partitions: 3 }],
    });
    // The CRDs exist already (the previous test applied them): helm skips its crds/ then, as it does on upgrades.
    const out = helmOk(['install', 'ops', CHART, '-n', 'apps', '-f', values, ...kubeconfig]);
    expect(out).toContain('STATUS: deployed');
    expect(out).toContain('managing Clusters and Topics in namespace apps only');
    expect(out).toContain('Clients connect to scoped-bootstrap.apps.svc:9292');

    const user = 'system:serviceaccount:apps:ops-tributary-operator';
    const statefulsets = { group: 'apps', resource: 'statefulsets', verb: 'create' };
    expect(await canI(kc, user, { ...statefulsets, namespace: 'apps' })).toBe(true);
    expect(await canI(kc, user, { ...statefulsets, namespace: 'elsewhere' })).toBe(false);
    const sa = await serviceAccountClient(kc, plane, 'apps', 'ops-tributary-operator');
    await sa.rbac.createNamespacedRole({ namespace: 'apps', body: brokerRole('scoped') });
    await expect(
      sa.rbac.createNamespacedRole({ namespace: 'elsewhere', body: brokerRole('scoped') }),
    ).rejects.toMatchObject({
      code: 403,
    });

    helmOk(['uninstall', 'ops', '-n', 'apps', ...kubeconfig]);
    const read = (kind: string, name: string, apiVersion: string) =>
      objects.read({ apiVersion, kind, metadata: { name, namespace: 'apps' } });
    await expect(read('Deployment', 'ops-tributary-operator', 'apps/v1')).rejects.toMatchObject({
      code: 404,
    });
    expect((await read('Cluster', 'scoped', 'tributary.dev/v1alpha1')).metadata?.name).toBe('scoped');
    expect((await read('Topic', 'clicks', 'tributary.dev/v1alpha1')).metadata?.name).toBe('clicks');
  });
});

async function waitEstablished(ext: ApiextensionsV1Api, name: string): Promise<void> {
  const deadline = Date.now() + ESTABLISHED_MS_MAX;
  for (;;) {
    const crd = await ext.readCustomResourceDefinition({ name });
    if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return;
    if (Date.now() > deadline) throw new Error(`${name} not Established after ${ESTABLISHED_MS_MAX} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The Role the operator gives a Cluster's brokers (the Kubernetes DCS: leases and configmaps). */
function brokerRole(cluster: string) {
  const verbs = ['get', 'list', 'watch', 'create', 'update', 'delete'];
  return {
    metadata: { name: `${cluster}-broker` },
    rules: [
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs },
      { apiGroups: [''], resources: ['configmaps'], verbs },
    ],
  };
}

/** API clients authenticated as a ServiceAccount, through a token the API server issues for it. */
async function serviceAccountClient(
  kc: KubeConfig,
  plane: KubeControlPlane,
  namespace: string,
  name: string,
) {
  const core = kc.makeApiClient(CoreV1Api);
  const token = await core.createNamespacedServiceAccountToken({
    namespace,
    name,
    body: { spec: { audiences: [], expirationSeconds: 600 } },
  });
  const sa = new KubeConfig();
  sa.loadFromFile(plane.kubeconfigFor(`${namespace}-${name}`, token.status!.token));
  return { rbac: sa.makeApiClient(RbacAuthorizationV1Api) };
}

/** Asks the API server whether `user` may do something (a SubjectAccessReview). */
async function canI(
  kc: KubeConfig,
  user: string,
  attrs: { namespace: string; group: string; resource: string; verb: string; subresource?: string },
): Promise<boolean> {
  const review = await kc.makeApiClient(AuthorizationV1Api).createSubjectAccessReview({
    body: {
      spec: {
        user,
        groups: [
          'system:serviceaccounts',
          `system:serviceaccounts:${user.split(':')[2]}`,
          'system:authenticated',
        ],
        resourceAttributes: attrs,
      },
    },
  });
  return review.status?.allowed === true;
}

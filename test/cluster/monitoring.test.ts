/**
 * The chart's dashboards and alert rules against a real Prometheus (Debian's, hack/prometheus.sh) scraping a
 * three-broker cluster and a running operator: every dashboard query and every alert's watched query
 * returns series, `promtool check rules` accepts the rules, and the under-replicated alert fires while a
 * broker is down and clears once it is back.
 *
 * The operator is a real `tributary operator run` process (test/helpers/operator.ts) against a real
 * kube-apiserver (the control-plane tier's, test/helpers/kube-apiserver.ts) with one Cluster resource to
 * reconcile; no kubelet runs its pods, so its series are those of a cluster that never comes up.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tributary } from '../../client/index.js';
import { REPO_ROOT } from '../helpers/broker-process.js';
import { startTestCluster, type TestCluster, waitFor } from '../helpers/cluster.js';
import { freePorts } from '../helpers/etcd.js';
import { type KubeControlPlane, startKubeControlPlane } from '../helpers/kube-apiserver.js';
import {
  adminConfig,
  installCrds,
  type OperatorProcess,
  operatorIdentity,
  Resources,
  startOperator,
} from '../helpers/operator.js';
import { metricsUrlOf } from '../helpers/prometheus-text.js';

const RULES = join(REPO_ROOT, 'charts/tributary/files/alerts.rules.yaml');
const DASHBOARDS = join(REPO_ROOT, 'charts/tributary/files/dashboards');

let cluster: TestCluster;
let client: Tributary;
let plane: KubeControlPlane;
let operator: OperatorProcess;
let promUrl: string;
let dir: string;
let binDir: string;
const closers: Array<() => Promise<void>> = [];

function prometheusBinDir(): string {
  const out = execFileSync('bash', [join(REPO_ROOT, 'hack/prometheus.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out.trim().split('\n').at(-1)!;
}

async function query(
  expr: string,
): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const r = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await r.json()) as { status: string; error?: string; data?: { result: never[] } };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
  return body.data!.result;
}

/** The query an alert watches: its expression without the final comparison to a constant. */
function watched(expr: string): string {
  const m = /^(.*)\s(?:>|<|>=|<=|==|!=)\s*[\d.e+]+\s*$/s.exec(expr.trim());
  if (m === null) throw new Error(`alert expression not of the form <query> <op> <number>: ${expr}`);
  return m[1]!;
}

function alertExpressions(): Array<{ alert: string; expr: string }> {
  const text = readFileSync(RULES, 'utf8');
  return [...text.matchAll(/- alert: (\w+)\n\s+expr: (.+)\n/g)].map((m) => ({ alert: m[1]!, expr: m[2]! }));
}

function dashboardQueries(): Array<{ dashboard: string; expr: string }> {
  return readdirSync(DASHBOARDS).flatMap((f) => {
    const d = JSON.parse(readFileSync(join(DASHBOARDS, f), 'utf8')) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    return d.panels.flatMap((p) =>
      p.targets.map((t) => ({
        dashboard: f,
        expr: t.expr.replaceAll('$__rate_interval', '15s').replace(/\$(topic|group)\b/g, '.*'),
      })),
    );
  });
}

beforeAll(async () => {
  binDir = prometheusBinDir();
  dir = mkdtempSync(join(tmpdir(), 'tributary-prometheus-'));
  cluster = await startTestCluster({ brokers: 3 });
  closers.push(() => cluster.destroy());
  client = new Tributary({ bootstrap: cluster.bootstrap() });

  // The operator, leading, with a Cluster to reconcile (its roll gauges are per Cluster).
  plane = await startKubeControlPlane();
  closers.push(() => plane.stop());
  const kc = adminConfig(plane);
  await installCrds(kc);
  operator = await startOperator({ kubeconfig: await operatorIdentity(plane), identity: 'op-monitoring' });
  closers.unshift(async () => {
    await operator.stop();
  });
  await new Resources(kc, 'default').create('Cluster', 'watched', { version: '0.1.0' });
  await waitFor(
    'the operator leading and reconciling the Cluster',
    async () =>
      (await operator.metric('tributary_operator_leader')) === 1 &&
      (await operator.metric('tributary_operator_roll_pods', { name: 'watched', state: 'total' })) > 0
        ? true
        : undefined,
    60_000,
  );

  const targets = cluster.brokers.map((b) => new URL(metricsUrlOf(b!.output())).host);
  const operatorTarget = `127.0.0.1:${operator.metricsPort}`;
  // The chart's rules with every `for:` at 0s, so an alert fires at its first true evaluation.
  writeFileSync(join(dir, 'rules.yaml'), readFileSync(RULES, 'utf8').replace(/for: \S+/g, 'for: 0s'));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'rule_files: [rules.yaml]',
      'scrape_configs:',
      `  - { job_name: tributary-brokers, static_configs: [{ targets: ${JSON.stringify(targets)} }] }`,
      `  - { job_name: tributary-operator, static_configs: [{ targets: ["${operatorTarget}"] }] }`,
      '',
    ].join('\n'),
  );
  const [port] = (await freePorts(1)) as [number];
  promUrl = `http://127.0.0.1:${port}`;
  const proc = spawn(
    join(binDir, 'prometheus'),
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  proc.stderr?.on('data', (c: Buffer) => {
    log = (log + c.toString()).slice(-4000);
  });
  closers.push(async () => {
    if (proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
  });
  await waitFor(
    'prometheus ready',
    async () => {
      if (proc.exitCode !== null) throw new Error(`prometheus exited: ${log}`);
      return (await fetch(`${promUrl}/-/ready`).then(
        (r) => r.ok,
        () => false,
      ))
        ? true
        : undefined;
    },
    30_000,
  );

  // Traffic every panel can show: a replicated topic, records in and out, a group behind by some records.
  await client.admin().createTopic({
    name: 'watched',
    partitions: 3,
    replicationFactor: 3,
    configs: { 'min.insync.replicas': '2' },
  });
  const producer = client.producer();
  await producer.send({
    topic: 'watched',
    messages: Array.from({ length: 60 }, (_, i) => ({ value: `v${i}` })),
  });
  await producer.close();
  const consumer = client.consumer({ groupId: 'watchers', autoCommitIntervalMs: 0 });
  consumer.subscribe('watched');
  closers.unshift(() => consumer.close());
  let seen = 0;
  for await (const _ of consumer) if (++seen === 30) break;
  await consumer.commit();
}, 180_000);

afterAll(async () => {
  client?.close();
  for (const close of closers) await close().catch(() => {});
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('dashboards and alerts against a real Prometheus', () => {
  it('promtool accepts the rules', () => {
    const r = spawnSync(join(binDir, 'promtool'), ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('scrapes the running operator: its reconciles of the Cluster and its roll gauges', async () => {
    const operatorUp = await waitFor(
      'the operator target scraped',
      async () => {
        const up = await query('up{job="tributary-operator"}');
        return up.length === 1 && up[0]!.value[1] === '1' ? up : undefined;
      },
      30_000,
    );
    expect(operatorUp[0]!.metric.instance).toBe(`127.0.0.1:${operator.metricsPort}`);
    const reconciles = await query('sum(tributary_operator_reconcile_total{controller="cluster"})');
    expect(Number(reconciles[0]!.value[1])).toBeGreaterThan(0);
    const pods = await query('tributary_operator_roll_pods{namespace="default", name="watched"}');
    expect(Object.fromEntries(pods.map((p) => [p.metric.state, p.value[1]]))).toEqual({
      done: '3',
      total: '3',
    });
  });

  it('every dashboard query and every alert query returns series', async () => {
    const queries = [
      ...dashboardQueries().map((q) => ({ what: `${q.dashboard}: ${q.expr}`, expr: q.expr })),
      ...alertExpressions().map((a) => ({ what: `${a.alert}: ${a.expr}`, expr: watched(a.expr) })),
    ];
    expect(queries.length).toBeGreaterThan(20);
    const empty = await waitFor(
      'series for every query',
      async () => {
        const missing: string[] = [];
        for (const q of queries) if ((await query(q.expr)).length === 0) missing.push(q.what);
        return missing.length === 0 ? missing : undefined;
      },
      60_000,
    ).catch(async (err: Error) => {
      const missing: string[] = [];
      for (const q of queries) if ((await query(q.expr)).length === 0) missing.push(q.what);
      throw new Error(`${err.message}; no series: ${missing.join(' | ')}`);
    });
    expect(empty).toEqual([]);
  }, 120_000);

  it('fires the under-replicated alert while a broker is down and clears it when the broker is back', async () => {
    const firing = async () =>
      (await query('ALERTS{alertname="TributaryUnderReplicatedPartitions", alertstate="firing"}')).length > 0;
    expect(await firing()).toBe(false);
    const active = await query('tributary_controller_active == 1');
    const controllerHost = active[0]!.metric.instance!;
    const victim = cluster.brokers.findIndex(
      (b) => new URL(metricsUrlOf(b!.output())).host !== controllerHost,
    );
    await cluster.kill(victim);
    await waitFor('the alert firing', async () => ((await firing()) ? true : undefined), 60_000);
    await cluster.start(victim);
    await waitFor('the alert cleared', async () => ((await firing()) ? undefined : true), 90_000);
  }, 180_000);
});

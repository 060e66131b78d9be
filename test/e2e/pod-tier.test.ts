import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AppsV1Api,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1Container,
  type V1Pod,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_PLURAL, type Cluster } from '../../operator/api/v1alpha1.js';
import { waitFor } from '../helpers/cluster.js';
import { rawStubs } from '../helpers/grpc.js';
import { installCrds, operatorIdentity, Resources, readyOf, startOperator } from '../helpers/operator.js';
import { type PodTier, startPodTier } from '../helpers/pod-tier.js';

// The pod tier's node agent against the real control plane (scheduler, controllers): each check is one
// kubelet duty, observed only through the API and the processes, never through the agent's internals.

const NS = 'tier';
const BACKOFF = { baseMs: 1000, maxMs: 4000 };

/** A small HTTP server for test pods: /env, /file?path=, /fetch?url=, /prestop; SIGTERM logged, ignored
 * when IGNORE_SIGTERM is set; on start it counts its starts in $COUNT_FILE when set. */
const SERVER = `
const http = require('node:http');
const fs = require('node:fs');
const log = (m) => console.log(Date.now() + ' ' + m);
let starts = 0;
if (process.env.COUNT_FILE) {
  try { starts = Number(fs.readFileSync(process.env.COUNT_FILE, 'utf8')); } catch {}
  starts++;
  fs.writeFileSync(process.env.COUNT_FILE, String(starts));
}
process.on('SIGTERM', () => {
  log('SIGTERM');
  if (!process.env.IGNORE_SIGTERM) process.exit(0);
});
http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const reply = (v) => res.end(JSON.stringify(v));
  if (url.pathname === '/env') return reply({ env: process.env, uid: process.getuid(), cwd: process.cwd(), starts });
  if (url.pathname === '/file') return reply({ text: fs.readFileSync(url.searchParams.get('path'), 'utf8') });
  if (url.pathname === '/prestop') { log('preStop'); return reply({}); }
  if (url.pathname === '/fetch') {
    try { const r = await fetch(url.searchParams.get('url')); return reply({ status: r.status, body: await r.json() }); }
    catch (e) { return reply({ error: String(e.cause ?? e) }); }
  }
  res.statusCode = 404; res.end();
}).listen(Number(process.env.PORT), () => log('listening'));
`;

function serverContainer(extra: Partial<V1Container> = {}): V1Container {
  return {
    name: 'server',
    image: 'tributary.test/node:20',
    command: ['node', '-e', SERVER],
    ports: [{ name: 'http', containerPort: 8080 }],
    readinessProbe: { httpGet: { path: '/env', port: 'http' }, periodSeconds: 1 },
    ...extra,
    env: [{ name: 'PORT', value: '8080' }, ...(extra.env ?? [])],
  };
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return (await response.json()) as T;
}

// Containers get their own mount namespace and root: that needs root (as the image test does).
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('pod-tier.test.ts: skipped: the node agent needs root for mount namespaces');

describe.skipIf(!isRoot)('pod tier: the node agent plays the kubelet', () => {
  let tier: PodTier;
  let core: CoreV1Api;
  let apps: AppsV1Api;

  const pod = (name: string) => core.readNamespacedPod({ namespace: NS, name });
  const readyPod = (name: string, timeoutMs = 60_000) =>
    waitFor(
      `pod ${name} Ready`,
      async () => {
        const p = await pod(name);
        return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? p : undefined;
      },
      timeoutMs,
    );
  /** The pod of the same name that replaced `old` (a new UID), once it is Ready. */
  const recreated = (old: V1Pod, timeoutMs = 60_000) =>
    waitFor(
      `${old.metadata?.name} re-created and Ready`,
      async () => {
        const p = await readyPod(old.metadata!.name!, 1000).catch(() => undefined);
        return p !== undefined && p.metadata?.uid !== old.metadata?.uid ? p : undefined;
      },
      timeoutMs,
    );
  const gone = (name: string, timeoutMs = 60_000) =>
    waitFor(
      `pod ${name} gone`,
      async () => {
        try {
          await pod(name);
          return undefined;
        } catch (err) {
          return (err as { code?: number }).code === 404 ? true : undefined;
        }
      },
      timeoutMs,
    );
  const logOf = (name: string, container: string): string => {
    const dir = readdirSync(tier.agent.logsDir).find((d) => d.startsWith(`${NS}_${name}_`));
    if (dir === undefined) return '';
    const base = join(tier.agent.logsDir, dir, container);
    return readdirSync(base)
      .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
      .map((f) => readFileSync(join(base, f), 'utf8'))
      .join('');
  };

  beforeAll(async () => {
    tier = await startPodTier({ nodes: 3, backoff: BACKOFF });
    core = tier.kc.makeApiClient(CoreV1Api);
    apps = tier.kc.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await waitFor('the default ServiceAccount of the namespace', async () =>
      (await core.listNamespacedServiceAccount({ namespace: NS })).items.length > 0 ? true : undefined,
    );
  }, 180_000);

  afterAll(async () => {
    // For debugging: TRIBUTARY_TEST_POD_TIER_LOG=<file> keeps the agent's log.
    const keep = process.env['TRIBUTARY_TEST_POD_TIER_LOG'];
    if (keep && tier) writeFileSync(keep, `${tier.agentLog.join('\n')}\n`);
    await tier?.stop();
  }, 60_000);

  it('registers zoned, ready Nodes that the scheduler binds pods to', async () => {
    const nodes = (await core.listNode()).items;
    expect(nodes.map((n) => n.metadata?.name).sort()).toEqual(['node-1', 'node-2', 'node-3']);
    for (const node of nodes) {
      expect(node.metadata?.labels?.['topology.kubernetes.io/zone']).toMatch(/^zone-[abc]$/);
      expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      expect(node.status?.allocatable?.['pods']).toBe('110');
    }
    const leases = await tier.kc
      .makeApiClient((await import('@kubernetes/client-node')).CoordinationV1Api)
      .listNamespacedLease({ namespace: 'kube-node-lease' });
    expect(leases.items.map((l) => l.metadata?.name).sort()).toEqual(['node-1', 'node-2', 'node-3']);
  });

  it('runs a pod from its spec: env with downward API and $(VAR), ConfigMap volume, probe, status', async () => {
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: 'demo-config' }, data: { 'greeting.txt': 'hello from a ConfigMap' } },
    });
    await core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'plain', labels: { app: 'plain' } },
        spec: {
          terminationGracePeriodSeconds: 5,
          containers: [
            serverContainer({
              env: [
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
                { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
                { name: 'ADDRESS', value: '$(POD_NAME).$(POD_NAMESPACE):$(PORT)' },
                { name: 'LITERAL', value: '$$(POD_NAME) $(UNDEFINED)' },
              ],
              volumeMounts: [{ name: 'config', mountPath: '/etc/demo', readOnly: true }],
            }),
          ],
          volumes: [{ name: 'config', configMap: { name: 'demo-config' } }],
        },
      },
    });
    const ready = await readyPod('plain');
    const status = ready.status!;
    expect(status.phase).toBe('Running');
    expect(status.podIP).toMatch(/^127\.\d+\.\d+\.\d+$/);
    expect(status.hostIP).toMatch(/^127\.\d+\.\d+\.1$/);
    for (const type of ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready']) {
      expect(status.conditions?.find((c) => c.type === type)?.status).toBe('True');
    }
    const cs = status.containerStatuses![0]!;
    expect(cs).toMatchObject({
      name: 'server',
      image: 'tributary.test/node:20',
      ready: true,
      started: true,
      restartCount: 0,
    });
    expect(cs.imageID).toMatch(/^tributary\.test\/node:20@sha256:[0-9a-f]{64}$/);
    expect(cs.containerID).toMatch(/^tributary:\/\//);
    expect(cs.state?.running?.startedAt).toBeDefined();

    // The server listens on 0.0.0.0: in its pod, that is the pod IP.
    const base = `http://${status.podIP}:8080`;
    const { env, uid } = await getJson<{ env: Record<string, string>; uid: number }>(`${base}/env`);
    expect(uid).toBe(0);
    expect(env).toMatchObject({
      POD_NAME: 'plain',
      POD_NAMESPACE: NS,
      POD_IP: status.podIP,
      NODE_NAME: ready.spec!.nodeName,
      APP: 'plain',
      ADDRESS: `plain.${NS}:8080`,
      LITERAL: '$(POD_NAME) $(UNDEFINED)',
    });
    expect(env['KUBERNETES_SERVICE_HOST']).toBeDefined();
    const file = await getJson<{ text: string }>(`${base}/file?path=/etc/demo/greeting.txt`);
    expect(file.text).toBe('hello from a ConfigMap');
    // The token volume the ServiceAccount admission plugin added.
    const ns = await getJson<{ text: string }>(
      `${base}/file?path=/var/run/secrets/kubernetes.io/serviceaccount/namespace`,
    );
    expect(ns.text).toBe(NS);
  });

  it('restarts a crashing container with back-off, counting restarts', async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'crasher' },
        spec: {
          restartPolicy: 'Always',
          containers: [
            {
              name: 'crash',
              image: 'tributary.test/node:20',
              command: ['node', '-e', 'console.log(Date.now() + " start"); process.exit(3)'],
            },
          ],
        },
      },
    });
    const crashed = await waitFor(
      'three restarts',
      async () => {
        const p = await pod('crasher');
        const cs = p.status?.containerStatuses?.[0];
        return cs !== undefined && cs.restartCount >= 3 ? cs : undefined;
      },
      60_000,
    );
    expect(crashed.lastState?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    // Each start prints its time; the fourth (third restart) may still be starting.
    const starts = await waitFor('four starts logged', () => {
      const times = logOf('crasher', 'crash')
        .split('\n')
        .filter((l) => l.endsWith(' start'))
        .map((l) => Number(l.split(' ')[0]));
      return times.length >= 4 ? times : undefined;
    });
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    // The first restart is immediate; then 1 s, 2 s, 4 s (the back-off doubles, capped at 4 s here).
    // A gap is the back-off plus the next Node start, which can exceed a second on a loaded machine: the
    // first restart's gap (no back-off) is compared with the third's (2 s of back-off), not with a constant.
    expect(gaps[0]).toBeLessThan(gaps[2]!);
    // The back-off counts from the previous start (the agent's spawn); a printed time adds that run's Node
    // start-up, which varies by several hundred ms at a load average near 20, so a gap may fall short of
    // its back-off by that much.
    expect(gaps[1]).toBeGreaterThanOrEqual(BACKOFF.baseMs - 700);
    expect(gaps[2]).toBeGreaterThanOrEqual(2 * BACKOFF.baseMs - 700);
    const waiting = await waitFor('CrashLoopBackOff', async () => {
      const cs = (await pod('crasher')).status?.containerStatuses?.[0];
      return cs?.state?.waiting?.reason === 'CrashLoopBackOff' ? cs : undefined;
    });
    expect(waiting.ready).toBe(false);
    await core.deleteNamespacedPod({ namespace: NS, name: 'crasher', gracePeriodSeconds: 0 });
  });

  it('deletes gracefully: preStop, SIGTERM, SIGKILL after the grace period, then the pod object', async () => {
    const graceSeconds = 3;
    await core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'stubborn' },
        spec: {
          terminationGracePeriodSeconds: graceSeconds,
          containers: [
            serverContainer({
              env: [{ name: 'IGNORE_SIGTERM', value: '1' }],
              lifecycle: { preStop: { httpGet: { path: '/prestop', port: 'http' } } },
            }),
          ],
        },
      },
    });
    await readyPod('stubborn');
    const deletedAt = Date.now();
    await core.deleteNamespacedPod({ namespace: NS, name: 'stubborn' });
    await gone('stubborn');
    const goneAt = Date.now();
    expect(goneAt - deletedAt).toBeGreaterThanOrEqual(graceSeconds * 1000 - 100);
    expect(goneAt - deletedAt).toBeLessThan(graceSeconds * 1000 + 5000);
    const lines = logOf('stubborn', 'server').trim().split('\n');
    const at = (what: string) => Number(lines.find((l) => l.endsWith(` ${what}`))?.split(' ')[0]);
    expect(at('preStop')).toBeGreaterThanOrEqual(deletedAt - 50);
    expect(at('SIGTERM')).toBeGreaterThanOrEqual(at('preStop'));
    // It ignored SIGTERM: only SIGKILL at the end of the grace period stopped it.
    expect(goneAt - at('SIGTERM')).toBeGreaterThanOrEqual(graceSeconds * 1000 - 1000);
  });

  it('keeps a claim’s data across pod re-creation, resolves pod names, scales a StatefulSet, expands a claim', async () => {
    await core.createNamespacedService({
      namespace: NS,
      body: {
        metadata: { name: 'web' },
        spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ name: 'http', port: 8080 }] },
      },
    });
    await apps.createNamespacedStatefulSet({
      namespace: NS,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 1,
          serviceName: 'web',
          podManagementPolicy: 'Parallel',
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              terminationGracePeriodSeconds: 5,
              securityContext: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
              containers: [
                serverContainer({
                  env: [{ name: 'COUNT_FILE', value: '/data/starts' }],
                  volumeMounts: [{ name: 'data', mountPath: '/data' }],
                }),
              ],
            },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: 'data' },
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
            },
          ],
        },
      },
    });
    const first = await readyPod('web-0');
    const firstEnv = await getJson<{ starts: number; uid: number }>(`http://${first.status!.podIP}:8080/env`);
    expect(firstEnv).toMatchObject({ starts: 1, uid: 10001 });
    const claim = await core.readNamespacedPersistentVolumeClaim({ namespace: NS, name: 'data-web-0' });
    expect(claim.status?.phase).toBe('Bound');
    expect(claim.spec?.storageClassName).toBe('tributary-local');

    await core.deleteNamespacedPod({ namespace: NS, name: 'web-0' });
    const second = await recreated(first);
    // Same volume (local, so the same node), data kept.
    expect(second.spec?.nodeName).toBe(first.spec?.nodeName);
    const secondEnv = await getJson<{ starts: number }>(`http://${second.status!.podIP}:8080/env`);
    expect(secondEnv.starts).toBe(2);

    await apps.patchNamespacedStatefulSetScale(
      { namespace: NS, name: 'web', body: { spec: { replicas: 3 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const pods: V1Pod[] = [];
    for (const name of ['web-0', 'web-1', 'web-2']) pods.push(await readyPod(name));
    const set = await waitFor('StatefulSet 3/3 ready', async () => {
      const s = await apps.readNamespacedStatefulSet({ namespace: NS, name: 'web' });
      return s.status?.readyReplicas === 3 ? s : undefined;
    });
    expect(set.status?.replicas).toBe(3);

    // web-0 reaches web-2 by its stable name under the headless Service.
    const via = await waitFor('web-0 reaching web-2 by name', async () => {
      const r = await getJson<{ status?: number; body?: { env: Record<string, string> } }>(
        `http://${second.status!.podIP}:8080/fetch?url=${encodeURIComponent(`http://web-2.web.${NS}.svc:8080/env`)}`,
      );
      if (r.status !== 200) {
        const hosts = await getJson<{ text: string }>(
          `http://${second.status!.podIP}:8080/file?path=/etc/hosts`,
        );
        throw new Error(
          `${JSON.stringify(r)}; /etc/hosts: ${hosts.text}; tier: ${readFileSync(tier.hostsPath, 'utf8')}`,
        );
      }
      return r;
    });
    expect(via.body?.env['HOSTNAME']).toBe('web-2');
    expect(via.body?.env['PORT']).toBe('8080');
    expect(pods.map((p) => p.status?.podIP)).toHaveLength(3);

    // Expansion: the class allows it, the provisioner completes it.
    await core.patchNamespacedPersistentVolumeClaim(
      { namespace: NS, name: 'data-web-0', body: { spec: { resources: { requests: { storage: '2Gi' } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await waitFor('data-web-0 expanded to 2Gi', async () => {
      const c = await core.readNamespacedPersistentVolumeClaim({ namespace: NS, name: 'data-web-0' });
      return c.status?.capacity?.['storage'] === '2Gi' ? c : undefined;
    });
    const pv = await core.readPersistentVolume({ name: claim.spec!.volumeName! });
    expect(pv.spec?.capacity?.['storage']).toBe('2Gi');
  }, 180_000);

  it('runs a 3-broker Cluster under the operator: pods spread over zones, Ready, a controller elected; an upgrade is observable', async () => {
    await installCrds(tier.kc);
    const operator = await startOperator({
      kubeconfig: await operatorIdentity(tier.plane),
      identity: 'op-pod-tier',
      // Lease timings for a loaded machine: brokers starting beside it must not cost it its leadership.
      args: ['--status-refresh-ms', '1000', '--lease-duration-seconds', '15', '--renew-deadline-ms', '10000'],
      env: tier.hostEnv,
    });
    try {
      const resources = new Resources(tier.kc, NS);
      await resources.create('Cluster', 'demo', { version: tier.versions.current, brokers: 3 });
      const cluster = await waitFor(
        'Cluster demo Ready with a controller',
        async () => {
          const c = await resources.get<Cluster>(CLUSTER_PLURAL, 'demo');
          return readyOf(c)?.status === 'True' && c?.status?.controller !== undefined ? c : undefined;
        },
        180_000,
      );
      expect(cluster.status?.readyBrokers).toBe(3);
      const pods = await Promise.all(['demo-0', 'demo-1', 'demo-2'].map((name) => pod(name)));
      // The hard spread over hostnames puts one broker on each node (one zone each).
      expect(new Set(pods.map((p) => p.spec?.nodeName)).size).toBe(3);
      for (const p of pods) {
        expect(p.status?.containerStatuses?.[0]).toMatchObject({ ready: true, image: tier.images.current });
      }

      // Each broker answers on its pod IP and names the same controller.
      const describe = async (ip: string) => {
        const stubs = rawStubs(`${ip}:9292`);
        try {
          return await new Promise<{ controller_id: number; version: string }>((resolve, reject) =>
            stubs.admin.describeCluster({}, (err, response) =>
              err ? reject(err) : resolve(response as never),
            ),
          );
        } finally {
          stubs.close();
        }
      };
      for (const p of pods) {
        const d = await describe(p.status!.podIP!);
        expect(d.controller_id).toBe(cluster.status?.controller);
        expect(d.version).toBe(tier.versions.current);
      }

      // An upgrade: the template changes (OnDelete: nothing restarts); a pod deleted comes back on the
      // new image, whose broker reports the new version and rejoins.
      await resources.patch(CLUSTER_PLURAL, 'demo', { spec: { version: tier.versions.next } });
      const sts = await waitFor('the StatefulSet on the new image', async () => {
        const s = await apps.readNamespacedStatefulSet({ namespace: NS, name: 'demo' });
        const onNext = s.spec?.template.spec?.containers[0]?.image === tier.images.next;
        return onNext && s.status?.observedGeneration === s.metadata?.generation ? s : undefined;
      });
      expect(sts.status?.updatedReplicas ?? 0).toBe(0);
      const old = pods[1]!;
      await core.deleteNamespacedPod({ namespace: NS, name: 'demo-1' });
      const upgraded = await recreated(old, 120_000);
      expect(upgraded.status?.containerStatuses?.[0]?.image).toBe(tier.images.next);
      expect((await describe(upgraded.status!.podIP!)).version).toBe(tier.versions.next);
    } finally {
      await operator.stop();
    }
  }, 360_000);
});

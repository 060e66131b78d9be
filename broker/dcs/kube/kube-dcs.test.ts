import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { Etcd3 } from 'etcd3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  describeDcsContract,
  expectWatchRelistsAfterCompaction,
  expectWatchResumesAfterCut,
  lostAt,
  waitFor,
} from '../../../test/helpers/dcs-contract.js';
import { startTcpProxy, type TcpProxy } from '../../../test/helpers/etcd.js';
import { type KubeControlPlane, startKubeControlPlane } from '../../../test/helpers/kube-apiserver.js';
import {
  BROKER_DCS_RULES,
  serviceAccountToken,
  serviceAccountWithRole,
} from '../../../test/helpers/kube-identity.js';
import { loadBrokerConfig } from '../../config.js';
import { type DcsEvent, DcsSessionEndedError } from '../dcs.js';
import { openDcs } from '../index.js';
import { KubeDcs, type KubeDcsOptions } from './kube-dcs.js';
import { keyObject, VALUE_BYTES_MAX } from './kube-objects.js';
import type { KubeSession } from './kube-session.js';

const NS = 'default';

let plane: KubeControlPlane;
let core: CoreV1Api;
let leases: CoordinationV1Api;
let rbac: RbacAuthorizationV1Api;
let scratch: string;
let prefixes = 0;
const freshPrefix = () => `t${process.pid}-${++prefixes}`;

beforeAll(async () => {
  plane = await startKubeControlPlane();
  const kc = new KubeConfig();
  kc.loadFromFile(plane.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  leases = kc.makeApiClient(CoordinationV1Api);
  rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  scratch = mkdtempSync(join(tmpdir(), 'tributary-kube-dcs-'));
}, 180_000);
afterAll(async () => {
  await plane?.stop();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

describeDcsContract('kubernetes', () =>
  KubeDcs.open({ kubeconfig: plane.kubeconfigPath, prefix: freshPrefix() }),
);

/** A kubeconfig for `server` (e.g. through a proxy) with the admin token, or with `user` fields. */
function kubeconfigFile(name: string, server: string, user: Record<string, unknown> = {}): string {
  const path = join(scratch, `kubeconfig-${name}`);
  const userYaml = Object.keys(user).length === 0 ? { token: plane.adminToken } : user;
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: userYaml }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u', namespace: NS } }],
      'current-context': 'x',
    }),
  );
  return path;
}

/**
 * A TCP proxy to the API server that can hold its answers back (requests still arrive at once, as with a
 * server that commits promptly but answers late), or stall: connections accepted, nothing forwarded.
 */
interface SlowLink {
  readonly server: string;
  answerDelayMs: number;
  stall(): void;
  resume(): void;
  close(): Promise<void>;
}

async function startSlowLink(targetPort: number): Promise<SlowLink> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let stalled = false;
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const server = createServer((inbound) => {
    track(inbound);
    if (stalled) return; // held open, never answered
    const outbound = new Socket().connect(targetPort, '127.0.0.1');
    track(outbound);
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
    inbound.pipe(outbound);
    let lastAtMs = 0;
    outbound.on('data', (chunk: Buffer) => {
      const atMs = Math.max(performance.now() + link.answerDelayMs, lastAtMs);
      lastAtMs = atMs;
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!inbound.destroyed) inbound.write(chunk);
      }, atMs - performance.now());
      timers.add(timer);
    });
  });
  const dropAll = () => {
    for (const s of sockets) s.destroy();
  };
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const link: SlowLink = {
    server: `https://127.0.0.1:${(server.address() as { port: number }).port}`,
    answerDelayMs: 0,
    stall() {
      stalled = true;
      dropAll();
    },
    resume() {
      stalled = false;
      dropAll();
    },
    close() {
      for (const t of timers) clearTimeout(t);
      dropAll();
      return new Promise((r) => server.close(() => r()));
    },
  };
  return link;
}

describe('KubeDcs', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const open = async (options: Partial<KubeDcsOptions> = {}): Promise<KubeDcs> => {
    const dcs = await KubeDcs.open({ kubeconfig: plane.kubeconfigPath, prefix: freshPrefix(), ...options });
    cleanups.push(() => dcs.close());
    return dcs;
  };
  const proxy = async (): Promise<{ link: TcpProxy; server: string }> => {
    const link = await startTcpProxy(Number(new URL(plane.server).port));
    cleanups.push(() => link.close());
    return { link, server: link.endpoint.replace('http:', 'https:') };
  };
  const slowLink = async (): Promise<SlowLink> => {
    const link = await startSlowLink(Number(new URL(plane.server).port));
    cleanups.push(() => link.close());
    return link;
  };
  const configMaps = async (prefix: string): Promise<V1ConfigMap[]> =>
    (await core.listNamespacedConfigMap({ namespace: NS, labelSelector: `tributary.dev/dcs=${prefix}` }))
      .items;

  it('openDcs picks the kubernetes backend, and the broker settings name it', async () => {
    const dcs = await openDcs({
      kind: 'kubernetes',
      kubeconfig: plane.kubeconfigPath,
      prefix: freshPrefix(),
    });
    cleanups.push(() => dcs.close());
    expect(dcs.kind).toBe('kubernetes');
    expect((await dcs.compareAndSet('cluster/id', Buffer.from('c'), 0)).ok).toBe(true);
    const config = loadBrokerConfig({
      env: {
        TRIBUTARY_DCS: 'kubernetes',
        TRIBUTARY_DCS_PREFIX: 'prod',
        TRIBUTARY_DCS_KUBE_NAMESPACE: 'kafka',
      },
    });
    expect([config.dcs, config.dcsKubeNamespace, config.dcsKubeconfig]).toEqual(['kubernetes', 'kafka', '']);
    expect(() =>
      loadBrokerConfig({ env: { TRIBUTARY_DCS: 'kubernetes', TRIBUTARY_DCS_PREFIX: 'Prod_1' } }),
    ).toThrow(/dcsPrefix: invalid DCS prefix/);
  });

  it('keeps each key in a labelled ConfigMap that kubectl can read; clusters sharing a namespace stay apart', async () => {
    const pa = freshPrefix();
    const a = await open({ prefix: pa });
    const b = await open({ prefix: `${pa}b` }); // a prefix that extends a's name
    const seenByA: DcsEvent[] = [];
    await a.watch('', (e) => seenByA.push(e));
    await b.compareAndSet('topics/t', Buffer.from('b'), 0);
    const written = await a.compareAndSet('topics/t', Buffer.from('{"a":1}'), 0);
    const binary = await a.compareAndSet('blob', Buffer.from([0xff, 0x00, 0xfe]), 0);
    await waitFor(() => seenByA.length >= 2);
    expect(seenByA.map((e) => e.key)).toEqual(['topics/t', 'blob']);
    expect((await a.list('')).map((e) => e.key)).toEqual(['blob', 'topics/t']);
    expect((await b.get('topics/t'))?.value.toString()).toBe('b');
    expect((await a.get('blob'))?.value).toEqual(Buffer.from([0xff, 0x00, 0xfe]));

    const objects = await configMaps(pa);
    const topic = objects.find((cm) => cm.metadata?.annotations?.['tributary.dev/key'] === 'topics/t')!;
    expect(topic.metadata?.name).toMatch(new RegExp(`^${pa}-topics-t-[0-9a-f]{12}$`));
    expect(topic.data).toEqual({ value: '{"a":1}' });
    expect(Number(topic.metadata?.resourceVersion)).toBe(written.version);
    expect(topic.metadata?.labels).toMatchObject({
      'tributary.dev/dcs': pa,
      'app.kubernetes.io/managed-by': 'tributary-broker',
    });
    const blob = objects.find((cm) => cm.metadata?.annotations?.['tributary.dev/key'] === 'blob')!;
    expect(blob.binaryData).toEqual({ value: Buffer.from([0xff, 0x00, 0xfe]).toString('base64') });
    expect(Number(blob.metadata?.resourceVersion)).toBe(binary.version);
    await expect(a.compareAndSet('big', Buffer.alloc(VALUE_BYTES_MAX + 1), 0)).rejects.toThrow(/at most/);
  });

  it('a session is a Lease renewed every TTL/3; its keys carry its label and an ownerReference to it', async () => {
    const prefix = freshPrefix();
    const dcs = await open({ prefix });
    const session = await dcs.openSession(3_000);
    await dcs.compareAndSet('brokers/1', Buffer.from('b1'), 0, { session });
    const name = `${prefix}-session-${session.id}`;
    const lease = await leases.readNamespacedLease({ name, namespace: NS });
    expect(lease.spec?.leaseDurationSeconds).toBe(3);
    expect(lease.spec?.holderIdentity).toMatch(/^tributary-broker\//);
    const [cm] = await configMaps(prefix);
    expect(cm!.metadata?.labels?.['tributary.dev/session']).toBe(session.id);
    expect(cm!.metadata?.ownerReferences).toEqual([
      { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name, uid: lease.metadata?.uid },
    ]);
    await waitFor(
      async () =>
        (await leases.readNamespacedLease({ name, namespace: NS })).metadata?.resourceVersion !==
        lease.metadata?.resourceVersion,
      2_500,
    );
    await session.close();
    await expect(leases.readNamespacedLease({ name, namespace: NS })).rejects.toMatchObject({ code: 404 });
    expect(await configMaps(prefix)).toEqual([]);
  });

  it("peers remove a dead holder's Lease and keys once it is a TTL plus the grace period old, not before", async () => {
    const prefix = freshPrefix();
    const leaseName = `${prefix}-session-777`;
    // What a broker killed with -9 leaves behind: its Lease and an ephemeral key, nobody renewing them.
    const lease = await leases.createNamespacedLease({
      namespace: NS,
      body: {
        metadata: {
          name: leaseName,
          labels: { 'tributary.dev/dcs': prefix, 'tributary.dev/session': '777' },
        },
        spec: { holderIdentity: 'dead-broker', leaseDurationSeconds: 1 },
      },
    });
    const orphan = keyObject(prefix, NS, 'brokers/7', Buffer.from('dead'), {
      id: '777',
      leaseName,
      leaseUid: lease.metadata!.uid!,
    });
    await core.createNamespacedConfigMap({ namespace: NS, body: orphan as V1ConfigMap });
    const warnings: string[] = [];
    const openedAtMs = performance.now();
    const dcs = await open({ prefix, sessionGraceMs: 500, logger: { warn: (_d, m) => warnings.push(m) } });
    const live = await dcs.openSession(2_000);
    await dcs.compareAndSet('brokers/1', Buffer.from('alive'), 0, { session: live });
    const deleted: DcsEvent[] = [];
    await dcs.watch('brokers/', (e) => e.type === 'delete' && deleted.push(e));
    await waitFor(() => deleted.length > 0, 10_000);
    // It saw the Lease when it opened: the TTL (1 s) and the grace (0.5 s) run from there.
    expect(performance.now() - openedAtMs).toBeGreaterThanOrEqual(1_500);
    expect(deleted.map((e) => e.key)).toEqual(['brokers/7']);
    expect(warnings).toContain('DCS session expired; removing its keys');
    await expect(leases.readNamespacedLease({ name: leaseName, namespace: NS })).rejects.toMatchObject({
      code: 404,
    });
    expect((await dcs.get('brokers/1'))?.value.toString()).toBe('alive');
    expect(live.lost.aborted).toBe(false);
  });

  it("a reaper that cannot delete a dead holder's keys at first retries until it can", async () => {
    const prefix = freshPrefix();
    const leaseName = `${prefix}-session-778`;
    const lease = await leases.createNamespacedLease({
      namespace: NS,
      body: {
        metadata: {
          name: leaseName,
          labels: { 'tributary.dev/dcs': prefix, 'tributary.dev/session': '778' },
        },
        spec: { holderIdentity: 'dead-broker', leaseDurationSeconds: 1 },
      },
    });
    const orphan = keyObject(prefix, NS, 'controller', Buffer.from('dead'), {
      id: '778',
      leaseName,
      leaseUid: lease.metadata!.uid!,
    });
    await core.createNamespacedConfigMap({ namespace: NS, body: orphan as V1ConfigMap });
    // A Role without `delete` on configmaps: the Lease goes, its keys cannot (yet).
    const noDelete = BROKER_DCS_RULES.map((rule) =>
      rule.resources?.includes('configmaps')
        ? { ...rule, verbs: rule.verbs.filter((v) => v !== 'delete') }
        : rule,
    );
    const token = await serviceAccountWithRole({ core, rbac }, NS, 'reaper-no-delete', noDelete);
    const warnings: string[] = [];
    await open({
      prefix,
      kubeconfig: kubeconfigFile('reaper-no-delete', plane.server, { token }),
      sessionGraceMs: 500,
      logger: { warn: (_d, m) => warnings.push(m) },
    });
    await waitFor(
      () => warnings.includes('could not remove the keys of an expired DCS session; retrying'),
      10_000,
    );
    await expect(leases.readNamespacedLease({ name: leaseName, namespace: NS })).rejects.toMatchObject({
      code: 404,
    });
    await rbac.replaceNamespacedRole({
      namespace: NS,
      name: 'reaper-no-delete',
      body: { metadata: { name: 'reaper-no-delete' }, rules: BROKER_DCS_RULES },
    });
    // Well before the minute-long orphan sweep would.
    await waitFor(async () => (await configMaps(prefix)).length === 0, 10_000);
  });

  it('a Lease deleted by someone else: `lost` fires, the keys go, and the session cannot write', async () => {
    const prefix = freshPrefix();
    const dcs = await open({ prefix });
    const other = await open({ prefix });
    const session = await dcs.openSession(2_000);
    await dcs.compareAndSet('brokers/1', Buffer.from('b1'), 0, { session });
    const lost = lostAt(session);
    await leases.deleteNamespacedLease({ name: `${prefix}-session-${session.id}`, namespace: NS });
    const { reason } = await lost;
    expect((reason as Error).message).toMatch(/Lease is gone/);
    await waitFor(async () => (await other.get('brokers/1')) === null);
    await expect(dcs.compareAndSet('brokers/1', Buffer.from('again'), 0, { session })).rejects.toBeInstanceOf(
      DcsSessionEndedError,
    );
    const next = await dcs.openSession(2_000);
    expect((await dcs.compareAndSet('brokers/1', Buffer.from('again'), 0, { session: next })).ok).toBe(true);
  });

  it('a process paused past its TTL finds its session lost, its guarded writes refused and its keys gone', async () => {
    const prefix = freshPrefix();
    const dcs = await open({ prefix, sessionGraceMs: 500 });
    const other = await open({ prefix, sessionGraceMs: 500 });
    const session = await dcs.openSession(2_000);
    const controller = await dcs.compareAndSet('controller', Buffer.from('me'), 0, { session });
    const guard = { key: 'controller', version: controller.version };
    expect((await dcs.compareAndSet('topics/before', Buffer.from('x'), 0, { guard })).ok).toBe(true);
    // Stop this thread (timers, renewals, I/O) as a SIGSTOP would, for longer than the TTL.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, session.ttlMs + 1_500);
    // The first thing it does after it "continues": a controller write. It must not land.
    expect(await dcs.compareAndSet('topics/x', Buffer.from('x'), 0, { guard })).toEqual({
      ok: false,
      version: 0,
      guardFailed: true,
    });
    expect(session.lost.aborted).toBe(true);
    await expect(dcs.compareAndSet('brokers/0', Buffer.from('x'), 0, { session })).rejects.toBeInstanceOf(
      DcsSessionEndedError,
    );
    await waitFor(async () => (await other.get('controller')) === null);
    expect(await other.get('topics/x')).toBeNull();
  });

  it('a guarded write is not sent after its guard session ends, however slow the guard read (slow API server)', async () => {
    const prefix = freshPrefix();
    const link = await slowLink();
    const dcs = await open({ prefix, kubeconfig: kubeconfigFile('slow-guard', link.server) });
    const session = (await dcs.openSession(2_000)) as KubeSession;
    const controller = await dcs.compareAndSet('controller', Buffer.from('me'), 0, { session });
    const guard = { key: 'controller', version: controller.version };
    // Answers now come 1.5 s late while requests arrive at once: renewals stop being confirmed in time,
    // and the guard read of a write issued with under a second left answers after the session's end.
    link.answerDelayMs = 1_500;
    const lost = lostAt(session);
    await waitFor(() => session.remainingMs() < 900, 5_000);
    const outcome = await dcs.compareAndSet('topics/late', Buffer.from('x'), 0, { guard }).then(
      (result) => result,
      (err: unknown) => err,
    );
    expect(outcome).not.toMatchObject({ ok: true });
    await lost;
    // Had the write been sent once the guard read answered, the API server would hold it by now.
    const keys = (await configMaps(prefix)).map((cm) => cm.metadata?.annotations?.['tributary.dev/key']);
    expect(keys).not.toContain('topics/late');
  });

  it('once its session is lost, writes guarded by its key are refused though peers have not removed the key yet', async () => {
    const prefix = freshPrefix();
    const link = await slowLink();
    const warnings: string[] = [];
    const dcs = await open({
      prefix,
      kubeconfig: kubeconfigFile('lost-guard', link.server),
      requestTimeoutMs: 1_000,
      logger: { warn: (_d, m) => warnings.push(m) },
    });
    const session = await dcs.openSession(2_000);
    const controller = await dcs.compareAndSet('controller', Buffer.from('me'), 0, { session });
    const guard = { key: 'controller', version: controller.version };
    // Nothing gets through: the session runs out here, and removing its keys fails.
    link.stall();
    await lostAt(session);
    await waitFor(() => warnings.includes('could not remove the keys of a lost DCS session'), 5_000);
    link.resume();
    // The key is still there (peers wait the TTL plus the grace period), so only the loss can refuse.
    expect((await dcs.get('controller'))?.version).toBe(controller.version);
    expect(await dcs.compareAndSet('topics/x', Buffer.from('x'), 0, { guard })).toEqual({
      ok: false,
      version: 0,
      guardFailed: true,
    });
    expect(await dcs.get('topics/x')).toBeNull();
  });

  it("orders this store's writes of a guard key against its writes guarded by it", async () => {
    const dcs = await open();
    const session = await dcs.openSession(5_000);
    const events: DcsEvent[] = [];
    await dcs.watch('', (e) => events.push(e));
    // Stepping down first: a guarded write issued after the delete started cannot land.
    const c1 = await dcs.compareAndSet('controller', Buffer.from('1'), 0, { session });
    const [down, late] = await Promise.all([
      dcs.compareAndDelete('controller', c1.version),
      dcs.compareAndSet('topics/late', Buffer.from('x'), 0, {
        guard: { key: 'controller', version: c1.version },
      }),
    ]);
    expect(down.ok).toBe(true);
    expect(late).toEqual({ ok: false, version: 0, guardFailed: true });
    // A guarded write issued first lands, and the delete waits for it.
    const c2 = await dcs.compareAndSet('controller', Buffer.from('2'), 0, { session });
    const [early, down2] = await Promise.all([
      dcs.compareAndSet('topics/early', Buffer.from('y'), 0, {
        guard: { key: 'controller', version: c2.version },
      }),
      dcs.compareAndDelete('controller', c2.version),
    ]);
    expect([early.ok, down2.ok]).toEqual([true, true]);
    await waitFor(() => events.filter((e) => e.key === 'controller' && e.type === 'delete').length === 2);
    const order = events.map((e) => `${e.type}:${e.key}`);
    expect(order.indexOf('put:topics/early')).toBeLessThan(order.lastIndexOf('delete:controller'));
    expect(order).not.toContain('put:topics/late');
  });

  it('a watch whose connection drops resumes from the last delivered version: nothing lost or repeated', async () => {
    const prefix = freshPrefix();
    const { link, server } = await proxy();
    const warnings: string[] = [];
    const watched = await open({
      prefix,
      kubeconfig: kubeconfigFile('proxy-watch', server),
      logger: { warn: (_d, m) => warnings.push(m) },
    });
    const writer = await open({ prefix });
    await expectWatchResumesAfterCut(watched, writer, link, warnings);
  });

  it('skips objects it cannot read, in lists and watches', async () => {
    const prefix = freshPrefix();
    const warnings: string[] = [];
    const dcs = await open({ prefix, logger: { warn: (_d, m) => warnings.push(m) } });
    const events: DcsEvent[] = [];
    await dcs.watch('', (e) => events.push(e));
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: {
        metadata: { name: `${prefix}-stray`, labels: { 'tributary.dev/dcs': prefix } },
        data: { x: 'y' },
      },
    });
    await dcs.compareAndSet('good', Buffer.from('g'), 0);
    await waitFor(() => events.length >= 1);
    expect(events.map((e) => e.key)).toEqual(['good']);
    expect((await dcs.list('')).map((e) => e.key)).toEqual(['good']);
    expect(warnings).toContain('skipping an unreadable DCS object');
    // Someone edits a key's ConfigMap by hand and drops its value: it reads as empty bytes (which the
    // value's reader refuses), and its owner can write it again.
    const [good] = await configMaps(prefix).then((l) => l.filter((cm) => cm.data?.value === 'g'));
    const edited = await core.replaceNamespacedConfigMap({
      namespace: NS,
      name: good!.metadata!.name!,
      body: { ...good!, data: {} },
    });
    const read = await dcs.get('good');
    expect(read).toEqual({
      key: 'good',
      value: Buffer.alloc(0),
      version: Number(edited.metadata?.resourceVersion),
    });
    expect((await dcs.compareAndSet('good', Buffer.from('g2'), read!.version)).ok).toBe(true);
  });

  it('close() ends its sessions, so their keys and Leases go at once', async () => {
    const prefix = freshPrefix();
    const dcs = await KubeDcs.open({ kubeconfig: plane.kubeconfigPath, prefix });
    const other = await open({ prefix });
    const session = await dcs.openSession(30_000);
    await dcs.compareAndSet('brokers/9', Buffer.from('9'), 0, { session });
    await dcs.close();
    expect(await other.get('brokers/9')).toBeNull();
    expect(
      (await leases.listNamespacedLease({ namespace: NS, labelSelector: `tributary.dev/dcs=${prefix}` }))
        .items,
    ).toEqual([]);
    await expect(dcs.get('brokers/9')).rejects.toThrow(/closed/);
  });

  it('in a pod: the service-account token (re-read when rotated), CA and namespace; the Role suffices', async () => {
    const namespace = 'kdcs-pod';
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedSecret({ namespace, body: { metadata: { name: 'bound-1' } } });
    const saDir = join(scratch, 'serviceaccount');
    rmSync(saDir, { recursive: true, force: true });
    mkdirSync(saDir);
    const oldToken = await serviceAccountWithRole({ core, rbac }, namespace, 'broker', BROKER_DCS_RULES, {
      boundSecret: 'bound-1',
    });
    writeFileSync(join(saDir, 'token'), oldToken);
    writeFileSync(join(saDir, 'namespace'), namespace);
    // kube-apiserver's self-signed serving certificate (and its CA) for 127.0.0.1: TLS is verified here.
    copyFileSync(join(plane.dir, 'certs', 'apiserver.crt'), join(saDir, 'ca.crt'));
    const url = new URL(plane.server);
    const dcs = await open({
      kubeconfig: '',
      env: { KUBERNETES_SERVICE_HOST: url.hostname, KUBERNETES_SERVICE_PORT: url.port },
      serviceAccountDir: saDir,
    });
    const session = await dcs.openSession(2_000);
    const first = await dcs.compareAndSet('brokers/1', Buffer.from('b1'), 0, { session });
    expect(first.ok).toBe(true);
    const [cm] = (await core.listNamespacedConfigMap({ namespace, labelSelector: 'tributary.dev/dcs' }))
      .items;
    expect(cm?.metadata?.annotations?.['tributary.dev/key']).toBe('brokers/1');
    // The kubelet rotates the token: the old one stops working (its bound object is gone) and the file
    // holds a new one. The next request is refused once, reads the file again and succeeds.
    await core.createNamespacedSecret({ namespace, body: { metadata: { name: 'bound-2' } } });
    writeFileSync(
      join(saDir, 'token'),
      await serviceAccountToken({ core, rbac }, namespace, 'broker', { boundSecret: 'bound-2' }),
    );
    await core.deleteNamespacedSecret({ namespace, name: 'bound-1' });
    const oldIdentity = new KubeConfig();
    oldIdentity.loadFromFile(kubeconfigFile('old-token', plane.server, { token: oldToken }));
    const asOld = oldIdentity.makeApiClient(CoreV1Api);
    // The API server caches a token's successful authentication for 10 s: the old token works until then.
    await waitFor(
      () =>
        asOld.listNamespacedConfigMap({ namespace }).then(
          () => false,
          (err: { code?: number }) => err.code === 401,
        ),
      20_000,
    );
    expect(
      (await dcs.compareAndSet('brokers/1', Buffer.from('b1 again'), first.version, { session })).ok,
    ).toBe(true);
    expect(session.lost.aborted).toBe(false);
  });

  it('an identity without the Role is refused at open, with what the Role needs', async () => {
    const token = await serviceAccountWithRole({ core, rbac }, NS, 'nobody-dcs', []);
    await expect(
      KubeDcs.open({ kubeconfig: kubeconfigFile('nobody', plane.server, { token }), prefix: freshPrefix() }),
    ).rejects.toThrow(
      /refused to list configmaps in namespace default: the broker needs get, list, watch, create/,
    );
  });

  it('credentials from an exec plugin (through @kubernetes/client-node)', async () => {
    const credential = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token: plane.adminToken },
    });
    const dcs = await open({
      kubeconfig: kubeconfigFile('exec', plane.server, {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: 'sh',
          args: ['-c', `printf '%s' '${credential}'`],
          interactiveMode: 'Never',
        },
      }),
    });
    expect((await dcs.compareAndSet('k', Buffer.from('v'), 0)).ok).toBe(true);
  });

  it('open() gives up after the dial timeout when the API server does not answer', async () => {
    const { link, server } = await proxy();
    link.cut();
    const started = performance.now();
    await expect(
      KubeDcs.open({ kubeconfig: kubeconfigFile('dead', server), prefix: 'x', dialTimeoutMs: 500 }),
    ).rejects.toThrow(/did not answer within 500 ms/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('writing the same value again makes a new version and a watch event', async () => {
    const dcs = await open();
    const events: DcsEvent[] = [];
    await dcs.watch('', (e) => events.push(e));
    const first = await dcs.compareAndSet('same', Buffer.from('v'), 0);
    const second = await dcs.compareAndSet('same', Buffer.from('v'), first.version);
    expect(second.ok).toBe(true);
    expect(second.version).toBeGreaterThan(first.version);
    await waitFor(() => events.length >= 2);
    expect(events.map((e) => e.version)).toEqual([first.version, second.version]);
    expect((await dcs.compareAndSet('same', Buffer.from('v'), first.version)).ok).toBe(false);
  });

  it('a missing namespace fails open() clearly, not later as a key that exists', async () => {
    await expect(
      KubeDcs.open({ kubeconfig: plane.kubeconfigPath, prefix: freshPrefix(), namespace: 'no-such-ns' }),
    ).rejects.toThrow(/namespace no-such-ns does not exist/);
  });

  it('refuses bad options', async () => {
    const kubeconfig = plane.kubeconfigPath;
    for (const prefix of ['', 'Prod', 'a_b', '-a', 'a-', 'a'.repeat(64), 'a..b']) {
      await expect(KubeDcs.open({ kubeconfig, prefix })).rejects.toThrow(/invalid DCS prefix/);
    }
    await expect(KubeDcs.open({ kubeconfig, prefix: 'ok', namespace: 'Bad' })).rejects.toThrow(
      /invalid Kubernetes namespace/,
    );
    await expect(
      KubeDcs.open({ prefix: 'ok', env: {}, serviceAccountDir: join(scratch, 'none') }),
    ).rejects.toThrow(/found no API server/);
    await expect(KubeDcs.open({ kubeconfig: join(scratch, 'missing'), prefix: 'ok' })).rejects.toThrow(
      /cannot read kubeconfig/,
    );
  });
});

// With the watch cache off, watches are served by etcd, so compacting etcd makes a watch that was away
// come back to 410 Gone, as a long partition would against any API server.
describe('KubeDcs after 410 Gone', () => {
  let plane2: KubeControlPlane;
  let etcd: Etcd3;
  beforeAll(async () => {
    plane2 = await startKubeControlPlane({ apiserverArgs: ['--watch-cache=false'] });
    etcd = new Etcd3({ hosts: plane2.etcd.endpoints });
  }, 180_000);
  afterAll(async () => {
    etcd?.close();
    await plane2?.stop();
  });

  it('a watch that missed compacted history lists again and reports the difference', async () => {
    const link = await startTcpProxy(Number(new URL(plane2.server).port));
    const cleanup: Array<() => Promise<unknown>> = [() => link.close()];
    try {
      const prefix = freshPrefix();
      const kubeconfig = join(scratch, 'kubeconfig-410');
      writeFileSync(
        kubeconfig,
        readFileSync(plane2.kubeconfigPath, 'utf8').replace(
          plane2.server,
          link.endpoint.replace('http:', 'https:'),
        ),
      );
      const warnings: string[] = [];
      const watched = await KubeDcs.open({
        kubeconfig,
        prefix,
        logger: { warn: (_d, m) => warnings.push(m) },
      });
      cleanup.push(() => watched.close());
      const writer = await KubeDcs.open({ kubeconfig: plane2.kubeconfigPath, prefix });
      cleanup.push(() => writer.close());
      await expectWatchRelistsAfterCompaction(watched, writer, link, async () => {
        const { header } = await etcd.kv.range({ key: Buffer.from('/') });
        await etcd.kv.compact({ revision: header.revision, physical: true });
      });
      expect(
        warnings.some((w) => w === 'DCS watch error event' || w === 'DCS watch interrupted; reopening'),
      ).toBe(true);
    } finally {
      for (const c of cleanup.reverse()) await c();
    }
  });
});

/**
 * A real Kubernetes control plane for control-plane tests, started the way envtest does: an etcd (see
 * etcd.ts) and a kube-apiserver built by hack/kube.sh, both on 127.0.0.1 with free ports and temporary
 * directories, and optionally a kube-controller-manager (garbage collector, StatefulSet and other
 * controllers) and a kube-scheduler. There is no kubelet: Pods are created but never run, unless a node
 * agent plays the kubelet (node-agent/, started with the whole tier by pod-tier.ts).
 *
 * Authentication: a static token of a `system:masters` user (full access) for the test itself, and the
 * service-account token machinery (signing key, issuer) so a test can create ServiceAccounts, request
 * their tokens and check that a Role grants exactly what a component needs. Serving certificates are the
 * self-signed ones kube-apiserver generates into its cert dir; clients skip verification (loopback only).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type EtcdServer, startEtcd } from './etcd.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const READY_MS_MAX = 90_000;
const STOP_MS_MAX = 10_000;

export interface KubeControlPlane {
  /** `https://127.0.0.1:<port>` */
  readonly server: string;
  /** Bearer token of a `system:masters` user. */
  readonly adminToken: string;
  /** A kubeconfig file for the admin user (also good for @kubernetes/client-node's loadFromFile). */
  readonly kubeconfigPath: string;
  /** The kubeconfig text. */
  readonly kubeconfig: string;
  readonly etcd: EtcdServer;
  readonly apiserverPid: number;
  /** Set when started with `controllerManager: true`. */
  readonly controllerManagerPid: number | undefined;
  /** Set when started with `scheduler: true`. */
  readonly schedulerPid: number | undefined;
  /** The CA bundle that verifies the API server's serving certificate (it names 127.0.0.1). */
  readonly servingCaPath: string;
  /** The directory holding logs (`kube-apiserver.log`, `kube-controller-manager.log`) and keys. */
  readonly dir: string;
  /** A kubeconfig for another identity (e.g. a ServiceAccount token), written next to the admin one. */
  kubeconfigFor(name: string, token: string): string;
  /** Stops the controller manager, the API server and etcd, and removes the directories. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Also run kube-controller-manager (garbage collection of owned objects, StatefulSet controller). */
  controllerManager?: boolean;
  /** Extra kube-apiserver flags, after the harness's own (e.g. `--watch-cache=false`). */
  apiserverArgs?: string[];
  /**
   * Keep the ServiceAccount admission plugin (off by default, as envtest has it): pods then get the
   * service-account token volume a kubelet projects, and must name a ServiceAccount that exists.
   */
  serviceAccountAdmission?: boolean;
  /** The controller manager's `--controllers` (default: the ones the control-plane tests need). */
  controllers?: string[];
  /** Also run kube-scheduler (binds pods to Nodes; some node agent must register them). */
  scheduler?: boolean;
}

const DEFAULT_CONTROLLERS = [
  'garbagecollector',
  'statefulset',
  'deployment',
  'replicaset',
  'endpointslice',
  'disruption',
];

/** The path of a binary hack/kube.sh builds (it builds them on first use, about 3.5 minutes). */
export function kubeBinary(which: 'apiserver' | 'controller-manager' | 'scheduler'): string {
  const env = `TRIBUTARY_KUBE_${which.toUpperCase().replace('-', '_')}_BIN`;
  const fromEnv = process.env[env];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const out = execFileSync('bash', [join(repoRoot, 'hack/kube.sh'), which], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const path = out.trim().split('\n').at(-1);
  if (path === undefined || path === '') throw new Error('hack/kube.sh printed no path');
  return path;
}

export async function startKubeControlPlane(options: StartOptions = {}): Promise<KubeControlPlane> {
  const apiserverBin = kubeBinary('apiserver');
  const kcmBin = options.controllerManager === true ? kubeBinary('controller-manager') : undefined;
  const schedulerBin = options.scheduler === true ? kubeBinary('scheduler') : undefined;
  const etcd = await startEtcd();
  const dir = mkdtempSync(join(tmpdir(), 'tributary-kube-'));
  const children: ChildProcess[] = [];
  const killAll = () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  };
  process.once('exit', killAll);
  try {
    const adminToken = randomBytes(24).toString('hex');
    writeFileSync(
      join(dir, 'tokens.csv'),
      `${adminToken},tributary-test-admin,tributary-test-admin,"system:masters"\n`,
    );
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs1', format: 'pem' }));
    writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));

    let apiserver: ChildProcess | undefined;
    let port = 0;
    let lastError: unknown;
    // The port is free when picked but may be taken before the API server binds it: then try another.
    for (let attempt = 0; attempt < 3 && apiserver === undefined; attempt++) {
      port = await freePort();
      const child = spawnLogged(
        apiserverBin,
        [
          `--etcd-servers=${etcd.endpoints.join(',')}`,
          `--cert-dir=${join(dir, 'certs')}`,
          `--secure-port=${port}`,
          '--bind-address=127.0.0.1',
          '--advertise-address=127.0.0.1',
          '--service-cluster-ip-range=10.0.0.0/24',
          '--allow-privileged=true',
          ...(options.serviceAccountAdmission === true ? [] : ['--disable-admission-plugins=ServiceAccount']),
          '--authorization-mode=RBAC',
          `--token-auth-file=${join(dir, 'tokens.csv')}`,
          '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
          `--service-account-key-file=${join(dir, 'sa.pub')}`,
          `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
          '--api-audiences=https://kubernetes.default.svc.cluster.local',
          '--enable-priority-and-fairness=false',
          ...(options.apiserverArgs ?? []),
        ],
        join(dir, 'kube-apiserver.log'),
      );
      children.push(child);
      try {
        await waitReady(
          `https://127.0.0.1:${port}/readyz`,
          adminToken,
          child,
          join(dir, 'kube-apiserver.log'),
        );
        apiserver = child;
      } catch (err) {
        lastError = err;
        child.kill('SIGKILL');
      }
    }
    if (apiserver === undefined) throw lastError;
    const server = `https://127.0.0.1:${port}`;
    const kubeconfigFor = (name: string, token: string): string => {
      const path = join(dir, `kubeconfig-${name}`);
      writeFileSync(path, kubeconfigText(server, name, token));
      return path;
    };
    const kubeconfigPath = kubeconfigFor('admin', adminToken);
    // kube-apiserver writes its self-signed serving certificate followed by the CA that signed it.
    const servingCaPath = join(dir, 'certs', 'apiserver.crt');

    let controllerManager: ChildProcess | undefined;
    if (kcmBin !== undefined) {
      controllerManager = spawnLogged(
        kcmBin,
        [
          `--kubeconfig=${kubeconfigPath}`,
          '--leader-elect=false',
          '--bind-address=127.0.0.1',
          '--secure-port=0',
          `--controllers=${(options.controllers ?? DEFAULT_CONTROLLERS).join(',')}`,
          `--root-ca-file=${servingCaPath}`,
          `--service-account-private-key-file=${join(dir, 'sa.key')}`,
          '--use-service-account-credentials=false',
        ],
        join(dir, 'kube-controller-manager.log'),
      );
      children.push(controllerManager);
    }
    let scheduler: ChildProcess | undefined;
    if (schedulerBin !== undefined) {
      scheduler = spawnLogged(
        schedulerBin,
        [
          `--kubeconfig=${kubeconfigPath}`,
          '--leader-elect=false',
          '--bind-address=127.0.0.1',
          '--secure-port=0',
        ],
        join(dir, 'kube-scheduler.log'),
      );
      children.push(scheduler);
    }

    const stop = async () => {
      for (const child of [...children].reverse()) await stopChild(child);
      process.off('exit', killAll);
      await etcd.stop();
      rmSync(dir, { recursive: true, force: true });
    };
    return {
      server,
      adminToken,
      kubeconfigPath,
      kubeconfig: readFileSync(kubeconfigPath, 'utf8'),
      etcd,
      apiserverPid: apiserver.pid!,
      controllerManagerPid: controllerManager?.pid,
      schedulerPid: scheduler?.pid,
      servingCaPath,
      dir,
      kubeconfigFor,
      stop,
    };
  } catch (err) {
    killAll();
    process.off('exit', killAll);
    await etcd.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function kubeconfigText(server: string, user: string, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: test',
    '  cluster:',
    `    server: ${server}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    `- name: ${user}`,
    '  user:',
    `    token: ${token}`,
    'contexts:',
    `- name: ${user}`,
    '  context:',
    '    cluster: test',
    `    user: ${user}`,
    '    namespace: default',
    `current-context: ${user}`,
    '',
  ].join('\n');
}

function spawnLogged(binary: string, args: string[], logPath: string): ChildProcess {
  const log = createWriteStream(logPath);
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  return child;
}

async function waitReady(url: string, token: string, child: ChildProcess, logPath: string): Promise<void> {
  const deadline = Date.now() + READY_MS_MAX;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`kube-apiserver exited (${child.exitCode ?? child.signalCode}): ${tail(logPath)}`);
    }
    try {
      const { status, body } = await get(url, token);
      if (status === 200) return;
      last = `${status} ${body.slice(0, 300)}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`kube-apiserver not ready after ${READY_MS_MAX} ms (${last}): ${tail(logPath)}`);
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

function get(url: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request(
      url,
      { headers: { authorization: `Bearer ${token}` }, rejectUnauthorized: false, timeout: 5000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', fail);
    req.end();
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_MS_MAX);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server: Server = createServer();
    server.once('error', fail).listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => ok(port));
    });
  });
}

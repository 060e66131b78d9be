/**
 * The container images as users run them: hack/image.sh builds them without a registry (or reuses the
 * build whose inputs hash the same), podman runs them with runc on the host network. The broker image runs
 * as its non-root user on a read-only root filesystem with its data on a host folder, serves the SDK,
 * stops on SIGTERM with a controlled shutdown (exit 0 within seconds, not a SIGKILL after the stop
 * timeout), and starts again on the same data. The operator image's entrypoint answers --help, and the
 * operator runs the same way against a real kube-apiserver (test/helpers/kube-apiserver.ts): it becomes the
 * leader, reports ready, and stops on SIGTERM with exit 0.
 *
 * Needs root (rootful podman) and podman and runc (hack/test-setup.d/40-podman.sh installs them).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Record, Tributary } from '../../client/index.js';
import { REPO_ROOT } from '../helpers/broker-process.js';
import { type KubeControlPlane, startKubeControlPlane } from '../helpers/kube-apiserver.js';
import { adminConfig, installCrds } from '../helpers/operator.js';

const run = promisify(execFile);

/** The image's user (images/Dockerfile). */
const APP_UID = 10001;
/** A first build on 2 cores takes about 20 s per image; a cached one well under a second. */
const BUILD_TIMEOUT_MS = 240_000;
const COMMAND_TIMEOUT_MS = 60_000;
const START_TIMEOUT_MS = 30_000;
/** `podman stop` sends SIGKILL after this; a clean stop must come well before it. */
const STOP_TIMEOUT_S = 30;
const CLEAN_STOP_MS_MAX = 10_000;
/** The compressed archive: node (about 99 MB raw) and production dependencies, gzipped. */
const ARCHIVE_BYTES_MAX = 80 * 1024 * 1024;
/** Output kept per container (the tail). */
const OUTPUT_KEEP_CHARS = 1024 * 1024;

interface BuiltImage {
  image: string;
  ref: string;
  archive: string;
  archiveBytes: number;
  cached: boolean;
  env: { CONTAINERS_CONF: string; CONTAINERS_STORAGE_CONF: string };
}

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('image.test.ts: skipped: rootful podman needs root');

async function buildImage(name: 'broker' | 'operator'): Promise<BuiltImage> {
  const { stdout } = await run('bash', [join(REPO_ROOT, 'hack', 'image.sh'), name], {
    cwd: REPO_ROOT,
    timeout: BUILD_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  const built = JSON.parse(stdout.trim().split('\n').pop()!) as BuiltImage;
  console.info(`${name} image ${built.ref}: ${built.archiveBytes} bytes${built.cached ? ' (cached)' : ''}`);
  return built;
}

/** Containers this file started, removed at the end whatever happened. */
const containers = new Set<string>();
let podmanEnv: NodeJS.ProcessEnv = process.env;

async function podman(args: string[]): Promise<string> {
  const { stdout } = await run('podman', args, { env: podmanEnv, timeout: COMMAND_TIMEOUT_MS });
  return stdout;
}

/** The run flags this machine needs (docs/operations.md, "Images"). */
const RUNTIME_FLAGS = [
  '--runtime',
  'runc',
  '--cgroup-manager',
  'cgroupfs',
  '--ulimit',
  'nofile=4096:4096',
  '--ulimit',
  'nproc=4096:4096',
];

interface Container {
  name: string;
  child: ChildProcess;
  output(): string;
  /** The `podman run` exit code, which is the container's. */
  exited: Promise<number | null>;
}

/** `podman run --rm` in the foreground, its output captured; resolves once `ready` matches the output. */
async function runContainer(name: string, args: string[], ready: RegExp): Promise<Container> {
  containers.add(name);
  const child = spawn('podman', ['run', '--rm', '--name', name, ...RUNTIME_FLAGS, ...args], {
    env: podmanEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not get ready in ${START_TIMEOUT_MS} ms:\n${output}`)),
      START_TIMEOUT_MS,
    );
    const capture = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_KEEP_CHARS);
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', capture);
    child.stderr!.on('data', capture);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready:\n${output}`));
    });
  });
  return { name, child, output: () => output, exited };
}

/** A broker container on 127.0.0.1 (host network, a free port), data in `dataDir`. */
async function runBroker(image: string, name: string, dataDir: string) {
  const container = await runContainer(
    name,
    [
      '--network',
      'host',
      // Like Kubernetes' readOnlyRootFilesystem: no writable root, and no tmpfs podman would add.
      '--read-only',
      '--read-only-tmpfs=false',
      '--volume',
      `${dataDir}:/var/lib/tributary`,
      '--env',
      'TRIBUTARY_HOST=127.0.0.1',
      '--env',
      'TRIBUTARY_PORT=0',
      '--env',
      'TRIBUTARY_METRICS_PORT=-1',
      image,
      '--quiet',
    ],
    /"msg":"broker listening".*\n/,
  );
  // pino writes msg last.
  const bootstrap = /"address":"([^"]+)".*"msg":"broker listening"/.exec(container.output())?.[1];
  if (bootstrap === undefined) throw new Error(`no address in:\n${container.output()}`);
  return { ...container, bootstrap };
}

/**
 * The container's PID 1 is `command` (argv prefix) running as the image's user: real, effective, saved and
 * filesystem uid, read from the host's /proc.
 */
async function expectPid1AsAppUser(name: string, command: string[]): Promise<void> {
  const hostPid = (await podman(['inspect', '--format', '{{.State.Pid}}', name])).trim();
  const status = readFileSync(`/proc/${hostPid}/status`, 'utf8');
  expect(status).toMatch(new RegExp(`^Uid:\\s+${APP_UID}\\s+${APP_UID}\\s+${APP_UID}\\s+${APP_UID}$`, 'm'));
  expect(status).toMatch(/^NSpid:\s+\d+\s+1$/m);
  const argv = readFileSync(`/proc/${hostPid}/cmdline`, 'utf8').split('\0');
  expect(argv.slice(0, command.length)).toEqual(command);
}

/**
 * `podman stop` (SIGTERM, SIGKILL only after STOP_TIMEOUT_S): the process must exit 0 on its own, well
 * before the SIGKILL, having logged that it stops because of the signal (`stopped`).
 */
async function expectCleanStop(container: Container, stopped: RegExp): Promise<void> {
  const stopStartedMs = Date.now();
  await podman(['stop', '--time', String(STOP_TIMEOUT_S), container.name]);
  const code = await container.exited;
  const stopMs = Date.now() - stopStartedMs;
  console.info(`${container.name} stopped in ${stopMs} ms with exit code ${code}`);
  containers.delete(container.name);
  expect(code).toBe(0);
  expect(stopMs).toBeLessThan(CLEAN_STOP_MS_MAX);
  expect(container.output()).toMatch(stopped);
}

async function readAll(tributary: Tributary, topic: string): Promise<Record[]> {
  const out: Record[] = [];
  for await (const r of tributary.consumer().consumeTopic({ topic, from: 'earliest' })) out.push(r);
  return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

/** Owner uid of every file and folder below `dir`. */
function ownersBelow(dir: string): Set<number> {
  const owners = new Set<number>();
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' }))
    owners.add(statSync(join(dir, entry)).uid);
  return owners;
}

afterAll(async () => {
  if (containers.size > 0) await podman(['rm', '--force', '--ignore', ...containers]).catch(() => {});
});

describe.skipIf(!isRoot)('broker image', () => {
  let built: BuiltImage;
  let dataDir: string;
  const suffix = `${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    built = await buildImage('broker');
    podmanEnv = { ...process.env, ...built.env };
    dataDir = mkdtempSync(join(tmpdir(), 'tributary-image-'));
    chownSync(dataDir, APP_UID, APP_UID);
  }, BUILD_TIMEOUT_MS);

  afterAll(() => {
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('is small and carries the Dockerfile metadata', async () => {
    expect(built.archiveBytes).toBeLessThan(ARCHIVE_BYTES_MAX);
    const config = JSON.parse(await podman(['image', 'inspect', '--format', '{{json .Config}}', built.ref]));
    expect(config).toMatchObject({
      User: `${APP_UID}:${APP_UID}`,
      WorkingDir: '/app',
      Entrypoint: ['node', '/app/bin/tributary.js', 'broker', 'start'],
      ExposedPorts: { '9292/tcp': {}, '9644/tcp': {} },
      Volumes: { '/var/lib/tributary': {} },
      StopSignal: 'SIGTERM',
      Labels: { 'org.opencontainers.image.title': 'tributary-broker' },
    });
    expect(config.Env).toContain('TRIBUTARY_DATA_DIR=/var/lib/tributary');
  });

  it(
    'serves the SDK as uid 10001 on a read-only root, stops cleanly on SIGTERM and restarts on its data',
    async () => {
      const topic = 'image-e2e';
      const messages = Array.from({ length: 200 }, (_, i) => ({ key: `k${i % 7}`, value: `record-${i}` }));

      const first = await runBroker(built.image, `tributary-image-broker-${suffix}-a`, dataDir);
      const tributary = new Tributary({ bootstrap: first.bootstrap });
      try {
        await tributary.admin().createTopic({ name: topic, partitions: 2 });
        const producer = tributary.producer();
        await producer.send({ topic, messages });
        await producer.close();
        const records = await readAll(tributary, topic);
        expect(records.map((r) => r.value?.toString()).sort()).toEqual(messages.map((m) => m.value).sort());
      } finally {
        tributary.close();
      }

      await expectPid1AsAppUser(first.name, ['node', '/app/bin/tributary.js', 'broker', 'start']);
      await expectCleanStop(first, /"signal":"SIGTERM".*"msg":"stopping"/);
      // Everything the broker wrote belongs to its user.
      expect(ownersBelow(dataDir)).toEqual(new Set([APP_UID]));

      const second = await runBroker(built.image, `tributary-image-broker-${suffix}-b`, dataDir);
      const again = new Tributary({ bootstrap: second.bootstrap });
      try {
        const records = await readAll(again, topic);
        expect(records.map((r) => r.value?.toString()).sort()).toEqual(messages.map((m) => m.value).sort());
      } finally {
        again.close();
      }
      await expectCleanStop(second, /"signal":"SIGTERM".*"msg":"stopping"/);
    },
    4 * START_TIMEOUT_MS,
  );
});

describe.skipIf(!isRoot)('operator image', () => {
  let built: BuiltImage;
  let plane: KubeControlPlane | undefined;
  let kubeDir: string | undefined;
  const suffix = `${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    built = await buildImage('operator');
    podmanEnv = { ...process.env, ...built.env };
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await plane?.stop();
    if (kubeDir !== undefined) rmSync(kubeDir, { recursive: true, force: true });
  });

  it('answers --help through its entrypoint (operator run)', async (ctx) => {
    const name = `tributary-image-operator-${suffix}-help`;
    containers.add(name);
    const result = await run(
      'podman',
      ['run', '--rm', '--name', name, ...RUNTIME_FLAGS, '--network', 'host', built.image, '--help'],
      { env: podmanEnv, timeout: COMMAND_TIMEOUT_MS },
    ).catch((err: { stdout?: string; stderr?: string; code?: number }) => err);
    containers.delete(name);
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    if (!output.includes('tributary operator run')) {
      ctx.skip(`the CLI has no \`operator run\` command yet; the image's --help printed:\n${output}`);
    }
    expect('code' in result ? result.code : 0).toBe(0);
    expect(output).toContain('--kubeconfig');
    expect(output).toContain('--leader-elect');
  });

  it(
    'runs as uid 10001 against a real kube-apiserver, leads, is ready, and stops cleanly on SIGTERM',
    async () => {
      plane = await startKubeControlPlane();
      await installCrds(adminConfig(plane));
      // The container's user must read the kubeconfig (admin token, 127.0.0.1 server: host network).
      kubeDir = mkdtempSync(join(tmpdir(), 'tributary-image-kube-'));
      const kubeconfig = join(kubeDir, 'kubeconfig');
      copyFileSync(plane.kubeconfigPath, kubeconfig);
      chmodSync(kubeconfig, 0o644);

      const operator = await runContainer(
        `tributary-image-operator-${suffix}-run`,
        [
          '--network',
          'host',
          '--read-only',
          '--read-only-tmpfs=false',
          '--volume',
          `${kubeconfig}:/etc/tributary/kubeconfig:ro`,
          built.image,
          '--kubeconfig',
          '/etc/tributary/kubeconfig',
          '--lease-namespace',
          'default',
          '--bind-address',
          '127.0.0.1',
          '--metrics-port',
          '0',
          '--health-port',
          '0',
        ],
        /"msg":"became the leader"/,
      );
      await expectPid1AsAppUser(operator.name, ['node', '/app/bin/tributary.js', 'operator', 'run']);
      const healthPort = /"healthPort":(\d+).*"msg":"operator listening"/.exec(operator.output())?.[1];
      expect(healthPort).toBeDefined();
      const ready = await fetch(`http://127.0.0.1:${healthPort}/readyz`, {
        signal: AbortSignal.timeout(COMMAND_TIMEOUT_MS),
      });
      expect(ready.status).toBe(200);
      await expectCleanStop(operator, /"why":"SIGTERM".*"msg":"stopping"/);
      expect(operator.output()).toMatch(/"msg":"operator stopped"/);
    },
    2 * START_TIMEOUT_MS + COMMAND_TIMEOUT_MS,
  );
});

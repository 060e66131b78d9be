import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const STARTUP_MS_MAX = 30_000;
const STOP_MS_MAX = 10_000;

export interface EtcdServer {
  /** Client URLs, e.g. `['http://127.0.0.1:43117']`. */
  readonly endpoints: string[];
  readonly clientPort: number;
  readonly pid: number;
  /** Ends this etcd (SIGTERM, then SIGKILL after 10 s) and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * The etcd binary: $TRIBUTARY_ETCD_BIN, or the one hack/etcd.sh installs into .cache/etcd (it installs it
 * on first use; later calls only print the path).
 */
export function etcdBinary(): string {
  const fromEnv = process.env['TRIBUTARY_ETCD_BIN'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const out = execFileSync('bash', [join(repoRoot, 'hack/etcd.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const path = out.trim().split('\n').at(-1);
  if (path === undefined || path === '') throw new Error('hack/etcd.sh printed no path');
  return path;
}

/**
 * Starts a single-member etcd on 127.0.0.1 with free ports and a temporary data directory, and resolves
 * once its /health endpoint reports healthy (a leader was elected and it serves requests). Short raft
 * timings (50 ms heartbeats, 500 ms elections) let it grant leases down to one second; fsync is off
 * because the data is thrown away.
 */
export async function startEtcd(): Promise<EtcdServer> {
  const binary = etcdBinary();
  let lastError: unknown;
  // The ports are free when picked but may be taken before etcd binds them: then try other ones.
  for (let attempt = 0; attempt < 3; attempt++) {
    const ports = await freePorts(2);
    const clientPort = ports[0]!;
    const peerPort = ports[1]!;
    const dir = mkdtempSync(join(tmpdir(), 'tributary-etcd-'));
    const logFile = join(dir, 'etcd.log');
    const log = openSync(logFile, 'w');
    const client = `http://127.0.0.1:${clientPort}`;
    const peer = `http://127.0.0.1:${peerPort}`;
    const child = spawn(
      binary,
      [
        '--name=test',
        `--data-dir=${join(dir, 'data')}`,
        `--listen-client-urls=${client}`,
        `--advertise-client-urls=${client}`,
        `--listen-peer-urls=${peer}`,
        `--initial-advertise-peer-urls=${peer}`,
        `--initial-cluster=test=${peer}`,
        '--heartbeat-interval=50',
        '--election-timeout=500',
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
      { stdio: ['ignore', log, log] },
    );
    // If the test process ends without stop() (a crash, a timeout), take this etcd along.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    const stop = () =>
      stopProcess(child).finally(() => {
        process.off('exit', killOnExit);
        rmSync(dir, { recursive: true, force: true });
      });
    try {
      await waitHealthy(child, clientPort, logFile);
      return { endpoints: [client], clientPort, pid: child.pid!, stop };
    } catch (err) {
      lastError = err;
      await stop();
    }
  }
  throw lastError;
}

async function waitHealthy(child: ChildProcess, port: number, logFile: string): Promise<void> {
  const deadline = Date.now() + STARTUP_MS_MAX;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`etcd exited (${child.exitCode ?? child.signalCode}):\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1_000) });
      const body = (await res.json()) as { health?: string };
      if (res.ok && body.health === 'true') return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`etcd on port ${port} not healthy after ${STARTUP_MS_MAX} ms:\n${tail(logFile)}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_MS_MAX);
    child.once('exit', () => {
      clearTimeout(kill);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
      servers.push(server);
    }
    return servers.map((s) => (s.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}

/** A TCP relay to 127.0.0.1:<targetPort> whose connections a test can cut, to play a network partition. */
export interface TcpProxy {
  /** `http://127.0.0.1:<port>`: give this to the client under test instead of the target. */
  readonly endpoint: string;
  /** Drops every open connection and refuses new ones (accepts, then resets them) until restore(). */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let cut = false;
  const server = createServer((inbound) => {
    if (cut) {
      inbound.resetAndDestroy();
      return;
    }
    const outbound = new Socket().connect(targetPort, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    cut() {
      cut = true;
      for (const s of sockets) s.resetAndDestroy();
    },
    restore() {
      cut = false;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

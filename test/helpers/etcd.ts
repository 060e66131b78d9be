import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEtcdProcess } from '../../cli/cluster/etcd-process.js';

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
export async function startEtcd(
  options: {
    /** TLS for clients (https), with client certificates of `clientCaFile` required when given. */
    tls?: { certFile: string; keyFile: string; clientCaFile?: string };
  } = {},
): Promise<EtcdServer> {
  const binary = etcdBinary();
  let lastError: unknown;
  // The ports are free when picked but may be taken before etcd binds them: then try other ones.
  for (let attempt = 0; attempt < 3; attempt++) {
    const [clientPort, peerPort, metricsPort] = (await freePorts(3)) as [number, number, number];
    const dir = mkdtempSync(join(tmpdir(), 'tributary-etcd-'));
    try {
      const etcd = await startEtcdProcess({
        binary,
        dir,
        clientPort,
        peerPort,
        fast: true,
        startupTimeoutMs: STARTUP_MS_MAX,
        ...(options.tls === undefined ? {} : { tls: { ...options.tls, metricsPort } }),
      });
      // If the test process ends without stop() (a crash, a timeout), take this etcd along.
      const killOnExit = () => {
        try {
          process.kill(etcd.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      };
      process.once('exit', killOnExit);
      const stop = () =>
        etcd.stop(STOP_MS_MAX).finally(() => {
          process.off('exit', killOnExit);
          rmSync(dir, { recursive: true, force: true });
        });
      return { endpoints: etcd.endpoints, clientPort, pid: etcd.pid, stop };
    } catch (err) {
      lastError = err;
      rmSync(dir, { recursive: true, force: true });
    }
  }
  throw lastError;
}

export async function freePorts(count: number): Promise<number[]> {
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

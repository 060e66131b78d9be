import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface EtcdProcess {
  /** Client URLs, e.g. `['http://127.0.0.1:2379']`. */
  readonly endpoints: string[];
  readonly pid: number;
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface EtcdProcessOptions {
  /** The etcd binary (hack/etcd.sh installs one and prints its path). */
  binary: string;
  /** Data and log directory. */
  dir: string;
  /** Address to listen on (client and peer). */
  host?: string;
  clientPort: number;
  peerPort: number;
  /**
   * Short raft timings (50 ms heartbeat, 500 ms election) so sessions of about a second work, and no
   * fsync: for tests and development on one machine, never for data that matters.
   */
  fast?: boolean;
  startupTimeoutMs?: number;
  /**
   * Serve clients over TLS with this certificate, and with `clientCaFile` require client certificates
   * issued by it (--client-cert-auth). Health is then read from a plaintext metrics listener on
   * `metricsPort`.
   */
  tls?: { certFile: string; keyFile: string; clientCaFile?: string; metricsPort: number };
}

/**
 * Starts a single-member etcd and resolves once its /health endpoint reports healthy (a leader was
 * elected and it serves requests). Output goes to `<dir>/etcd.log`.
 */
export async function startEtcdProcess(opts: EtcdProcessOptions): Promise<EtcdProcess> {
  const host = opts.host ?? '127.0.0.1';
  mkdirSync(opts.dir, { recursive: true });
  const logFile = join(opts.dir, 'etcd.log');
  const log = openSync(logFile, 'a');
  const tls = opts.tls;
  const client = `${tls === undefined ? 'http' : 'https'}://${host}:${opts.clientPort}`;
  const peer = `http://${host}:${opts.peerPort}`;
  const health = tls === undefined ? client : `http://${host}:${tls.metricsPort}`;
  const child: ChildProcess = spawn(
    opts.binary,
    [
      '--name=tributary',
      `--data-dir=${join(opts.dir, 'data')}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=tributary=${peer}`,
      '--log-level=warn',
      ...(tls === undefined
        ? []
        : [
            `--cert-file=${tls.certFile}`,
            `--key-file=${tls.keyFile}`,
            `--listen-metrics-urls=${health}`,
            ...(tls.clientCaFile === undefined
              ? []
              : ['--client-cert-auth', `--trusted-ca-file=${tls.clientCaFile}`]),
          ]),
      ...(opts.fast ? ['--heartbeat-interval=50', '--election-timeout=500', '--unsafe-no-fsync'] : []),
    ],
    { stdio: ['ignore', log, log] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (graceMs = 10_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(kill);
    }
  };
  const deadline = Date.now() + (opts.startupTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`etcd exited (${child.exitCode ?? child.signalCode}):\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`${health}/health`, { signal: AbortSignal.timeout(1000) });
      const body = (await res.json()) as { health?: string };
      if (res.ok && body.health === 'true') break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop(0);
      throw new Error(`etcd at ${client} not healthy in time:\n${tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { endpoints: [client], pid: child.pid!, exited, stop };
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

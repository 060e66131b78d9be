import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled CLI entry (dist/cli/main.js), found relative to this file in the compiled tree. */
export const CLI_ENTRY = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.js');

export interface BrokerProcess {
  readonly address: string;
  readonly port: number;
  readonly dataDir: string;
  readonly pid: number;
  /** Everything the broker printed on stdout (JSON log lines) and stderr. */
  output(): string;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Send `signal` (default SIGKILL) and wait for exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Send `signal` without waiting (SIGSTOP, SIGCONT). */
  signal(signal: NodeJS.Signals): void;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
}

export interface SpawnBrokerOptions {
  dataDir: string;
  /** gRPC port; 0 (the default) picks a free one. */
  port?: number;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  startupTimeoutMs?: number;
  cliEntry?: string;
  /** Also append everything the broker prints to this file. */
  logFile?: string;
}

/** The in-memory copy of a broker's output keeps this many characters (the tail). */
const OUTPUT_KEEP_CHARS = 4 * 1024 * 1024;

/**
 * Starts `tributary broker start` as a child process on 127.0.0.1 with a free port and resolves once its
 * "broker listening" log line names the address. Used by the benchmarks and the integration tests.
 */
export async function spawnBroker(opts: SpawnBrokerOptions): Promise<BrokerProcess> {
  const timeoutMs = opts.startupTimeoutMs ?? 30_000;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(opts.nodeArgs ?? []),
      opts.cliEntry ?? CLI_ENTRY,
      'broker',
      'start',
      '--host',
      '127.0.0.1',
      '--port',
      String(opts.port ?? 0),
      '--metrics-port',
      '0',
      '--data-dir',
      opts.dataDir,
      '--quiet',
      ...(opts.args ?? []),
    ],
    { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let listening = false;
  const log = opts.logFile === undefined ? undefined : createWriteStream(opts.logFile, { flags: 'a' });
  const capture = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > OUTPUT_KEEP_CHARS) output = output.slice(-OUTPUT_KEEP_CHARS / 2);
    log?.write(chunk);
  };
  child.once('exit', () => log?.end());
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`broker did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      capture(chunk);
      if (listening) return;
      const m = /"msg":"broker listening"/.test(output) ? /"address":"([^"]+)"/.exec(output) : null;
      if (m) {
        listening = true;
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr!.on('data', capture);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`broker exited with code ${code} before listening:\n${output}`));
    });
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    address,
    port: Number(address.slice(address.lastIndexOf(':') + 1)),
    dataDir: opts.dataDir,
    pid: child.pid!,
    output: () => output,
    stop: async () => {
      if (alive()) child.kill('SIGTERM');
      return exited;
    },
    kill: async (signal: NodeJS.Signals = 'SIGKILL') => {
      if (alive()) child.kill(signal);
      await exited;
    },
    signal: (signal: NodeJS.Signals) => {
      if (alive()) child.kill(signal);
    },
    exited,
  };
}

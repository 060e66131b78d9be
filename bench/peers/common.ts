import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processUsage, type Throughput } from '../stats.js';

/** One workload's figures for any system (Tributary or a peer), in the same units everywhere. */
export interface WorkloadResult extends Throughput {
  /** Per-record (or per-request, every record of a request sharing it) latency; absent for consume. */
  latencyMs?: { p50: number; p95?: number; p99: number; p999: number; max: number; avg?: number };
  /** End-to-end latency (produce to consumer receipt), where measured (Tributary's latency workload). */
  endToEndMs?: { p50: number; p99: number; p999: number; max: number } | undefined;
}

/** Replication of a bench topic (Tributary or Kafka): replication factor and min.insync.replicas. */
export interface TopicReplication {
  factor: number;
  minInsync: number;
}

/** Resource use of a broker process over one workload: CPU seconds used and peak resident memory. */
export interface ResourceSample {
  cpuSeconds: number;
  rssPeakBytes: number;
}

/** The repository root: the directory holding package.json, found upwards from this file (src or dist). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'hack'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (package.json beside hack/)');
    dir = up;
  }
}

/** A free TCP port on 127.0.0.1 (bind to 0, read it back, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const children = new Set<number>();
const pids = new Set<number>();
let hooked = false;

function killAllSync(): void {
  for (const pid of [...children, ...pids]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
  pids.clear();
}

/**
 * Every process the bench starts is tracked here: on exit, SIGINT or SIGTERM the ones still running are
 * killed by pid, so a failed or interrupted run leaves no broker, java or nats-server behind.
 */
export function installCleanupHandlers(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAllSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping ${children.size + pids.size} bench process(es)\n`);
      killAllSync();
      process.exit(130);
    });
  }
}

/** Track a long-lived process started elsewhere (a broker a script printed the pid of). */
export function trackPid(pid: number): void {
  pids.add(pid);
}

export function untrackPid(pid: number): void {
  pids.delete(pid);
}

/**
 * Runs a command to completion (tracked, killed after `timeoutMs`), collecting stdout and stderr. Rejects
 * on a non-zero exit unless `allowFailure`.
 */
export function run(
  cmd: string,
  args: string[],
  opts: { timeoutMs: number; cwd?: string; allowFailure?: boolean; env?: NodeJS.ProcessEnv },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid !== undefined) children.add(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${opts.timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (child.pid !== undefined) children.delete(child.pid);
      const result = { code, stdout, stderr };
      if (code !== 0 && !opts.allowFailure) {
        reject(
          new Error(
            `${cmd} ${args.join(' ')} exited with ${code}:\n${tail(stderr, 30)}\n${tail(stdout, 10)}`,
          ),
        );
      } else resolve(result);
    });
  });
}

export function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Runs `bash script args...` and returns its trimmed stdout (hack scripts print pids there). */
export async function runScript(script: string, args: string[], timeoutMs: number): Promise<string> {
  const res = await run('bash', [script, ...args], { timeoutMs });
  return res.stdout.trim();
}

/** Whether a process is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM a process by pid, wait up to `graceMs`, then SIGKILL; stops tracking it. */
export async function stopPid(pid: number, graceMs = 15_000): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    untrackPid(pid);
    return;
  }
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  if (alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  untrackPid(pid);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** CPU seconds and RSS of several processes together (undefined when any of them is gone). */
function usageOf(pids: readonly number[]): { cpuSeconds: number; rssBytes: number } | undefined {
  let cpuSeconds = 0;
  let rss = 0;
  for (const pid of pids) {
    const u = processUsage(pid);
    if (!u) return undefined;
    cpuSeconds += u.cpuSeconds;
    rss += u.rssBytes;
  }
  return { cpuSeconds, rssBytes: rss };
}

/**
 * Samples the RSS of a process (or of several together, e.g. a cluster's brokers: their sum) every
 * `everyMs` while a workload runs; `stop()` gives the CPU seconds they used since the start and the peak
 * (summed) RSS seen.
 */
export function sampleProcess(
  pids: number | readonly number[],
  everyMs = 200,
): { stop(): ResourceSample | undefined } {
  const all = typeof pids === 'number' ? [pids] : pids;
  const start = usageOf(all);
  let peak = start?.rssBytes ?? 0;
  const timer = setInterval(() => {
    const u = usageOf(all);
    if (u && u.rssBytes > peak) peak = u.rssBytes;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const end = usageOf(all);
      if (!start || !end) return undefined;
      return { cpuSeconds: end.cpuSeconds - start.cpuSeconds, rssPeakBytes: Math.max(peak, end.rssBytes) };
    },
  };
}

/** RSS in bytes of a process now, or the sum over several (undefined when one is gone). */
export function rssBytes(pids: number | readonly number[]): number | undefined {
  return usageOf(typeof pids === 'number' ? [pids] : pids)?.rssBytes;
}

/** A run of `count` consecutive free ports on 127.0.0.1 (for servers configured with a base port). */
export async function freePortRange(count: number, attempts = 20): Promise<number> {
  for (let a = 0; a < attempts; a++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = await portFree(base + i);
    if (ok) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `java -version` works (execFile with a short timeout). */
export function hasCommand(cmd: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 10_000 }, (err) => resolve(!err));
  });
}

/** Sorted-sample latency summary in milliseconds. */
export function summarizeLatencies(samplesMs: number[]): NonNullable<WorkloadResult['latencyMs']> {
  samplesMs.sort((a, b) => a - b);
  const at = (p: number) => {
    if (samplesMs.length === 0) return Number.NaN;
    const rank = Math.min(samplesMs.length - 1, Math.max(0, Math.ceil((p / 100) * samplesMs.length) - 1));
    return samplesMs[rank]!;
  };
  let sum = 0;
  for (const x of samplesMs) sum += x;
  return {
    avg: samplesMs.length ? sum / samplesMs.length : Number.NaN,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    max: samplesMs[samplesMs.length - 1] ?? Number.NaN,
  };
}

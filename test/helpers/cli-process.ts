/** The built `tributary` command (bin/tributary.js) as a child process, for tests of the CLI. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './broker-process.js';

export const TRIBUTARY_BIN = join(REPO_ROOT, 'bin', 'tributary.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tributary args...` against `bootstrap` with `env` added, `stdin` as its input; resolves when it exits. */
export function runTributary(
  args: string[],
  options: { bootstrap: string; env?: NodeJS.ProcessEnv; stdin?: string },
): Promise<CliResult> {
  const child = spawn(process.execPath, [TRIBUTARY_BIN, ...args], {
    env: { ...process.env, TRIBUTARY_BOOTSTRAP: options.bootstrap, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

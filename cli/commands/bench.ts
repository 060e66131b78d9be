/**
 * `tributary bench ...`: a thin door to the benchmark lab (bench/), which runs as its own process
 * (dist/bench/main.js) with this command's arguments. The CLI never imports bench code, so the lab's
 * peers' clients (nats) and process machinery stay out of every other command; the lab itself defines the
 * subcommands and options (`tributary bench --help` prints its help). See docs/architecture.md,
 * "Components".
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { ChildExit } from '../output.js';

/** The lab's compiled entry, relative to this file in the compiled tree (dist/cli/commands/). */
export const BENCH_ENTRY = fileURLToPath(new URL('../../bench/main.js', import.meta.url));

/** Exit code of a child ended by a signal, as a shell reports it (128 + the signal's number). */
const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/**
 * Runs the lab on `args` (what follows `bench`) with this process's stdio, and answers its exit code.
 * SIGTERM and SIGHUP sent to this process are passed on, so the lab stops its brokers and peers; Ctrl-C
 * reaches the lab directly (same process group) and is only kept from ending this process first.
 */
export function runBenchProcess(args: string[], entry = BENCH_ENTRY): Promise<number> {
  if (!existsSync(entry)) throw new Error(`the bench lab is not built (${entry}): run \`npm run build\``);
  const child = spawn(process.execPath, [entry, 'bench', ...args], { stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const handlers = { SIGTERM: forward('SIGTERM'), SIGHUP: forward('SIGHUP'), SIGINT: () => {} };
  for (const [signal, handler] of Object.entries(handlers)) process.on(signal, handler);
  return new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : (SIGNAL_EXIT[signal] ?? 1))));
  }).finally(() => {
    for (const [signal, handler] of Object.entries(handlers)) process.off(signal, handler);
  });
}

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('benchmarks (not tests): results as a table and JSON')
    .usage('produce|consume|latency|compare [options]   (`tributary bench --help` lists them)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]')
    .action(async function (this: Command) {
      const code = await runBenchProcess(this.args);
      if (code !== 0) throw new ChildExit(code);
    });
}

/**
 * Partition balancing commands (docs/cli.md, "Partition balancing"):
 *
 *   cluster rebalance [--dry-run] [--no-wait] [--json]   plan and run a rebalance, with progress
 *   cluster rebalance --cancel                          cancel the running one
 *   cluster balance [--json]                            brokers, states, loads, the plan running
 *   cluster balancing [--mode m] [--throttle n] ...     show or change the balancing settings
 *   broker cordon|drain|activate <id>                   set a broker's balance state
 */
import type { Command } from 'commander';
import type { Admin } from '../../client/admin.js';
import type {
  BalancingConfig,
  BalancingMode,
  BrokerBalanceState,
  RebalancePlan,
} from '../../client/balance.js';
import { sleep } from '../../kit/sleep.js';
import { brokersTable, formatBalance, formatPlan, planSummary, progressLine } from '../balance-output.js';
import { type CliIo, withClient } from '../context.js';
import { parseNonNegativeInt, parsePositiveInt, UsageError, writeLine } from '../output.js';
import { jsonOption, subcommand } from './subcommand.js';

/** Progress is asked this often while `rebalance` waits. */
const PROGRESS_INTERVAL_MS = 1000;
/** Without a terminal, one progress line this often at most. */
const PROGRESS_LINE_INTERVAL_MS = 10_000;

interface RebalanceOptions {
  dryRun: boolean;
  wait: boolean;
  cancel: boolean;
  json: boolean;
}

export function registerRebalanceCommands(cluster: Command, io: CliIo): void {
  const rebalance = subcommand(cluster, 'rebalance', 'plan a rebalance of replicas and leaders and run it')
    .option('--dry-run', 'print the plan (moves, bytes, balance before and after) and run nothing', false)
    .option('--no-wait', 'start it and return at once (progress: `cluster balance`)')
    .option(
      '--cancel',
      'cancel the running rebalance (running moves go back to their original replicas)',
      false,
    );
  jsonOption(rebalance).action(async (opts: RebalanceOptions, command: Command) => {
    await withClient(command, async (t) => {
      const admin = t.admin();
      if (opts.cancel) {
        const plan = await admin.cancelRebalance();
        await writeLine(io.stdout, opts.json ? JSON.stringify(plan) : `cancelled: ${progressLine(plan)}`);
        return;
      }
      const plan = await admin.rebalance({ dryRun: opts.dryRun });
      if (opts.json && (opts.dryRun || !opts.wait || plan.status === 'planned')) {
        await writeLine(io.stdout, JSON.stringify(plan));
        return;
      }
      if (opts.dryRun || plan.status === 'planned') {
        await writeLine(io.stdout, plan.movesTotal === 0 ? 'balanced: nothing to move' : formatPlan(plan));
        return;
      }
      await writeLine(io.stderr, `started ${plan.id}: ${planSummary(plan)}`);
      if (!opts.wait) return;
      const last = await followProgress(admin, plan, io);
      if (opts.json) await writeLine(io.stdout, JSON.stringify(last));
      if (last !== undefined && last.status !== 'completed') {
        throw new Error(`rebalance ${plan.id} ended ${last.status} (${last.movesFailed} moves failed)`);
      }
    });
  });
  const balance = subcommand(
    cluster,
    'balance',
    "brokers' balance states and loads, and the rebalance running",
  );
  jsonOption(balance).action(async (opts: { json: boolean }, command: Command) => {
    const d = await withClient(command, (t) => t.admin().describeBalance());
    await writeLine(io.stdout, opts.json ? JSON.stringify(d) : formatBalance(d));
  });
  registerBalancingConfigCommand(cluster, io);
}

/** Prints progress until the plan is no longer running; answers its summary as finished. */
async function followProgress(
  admin: Admin,
  plan: RebalancePlan,
  io: CliIo,
): Promise<RebalancePlan | undefined> {
  const tty = (io.stderr as NodeJS.WriteStream).isTTY === true;
  let printedAtMs = 0;
  for (;;) {
    await sleep(PROGRESS_INTERVAL_MS);
    const d = await admin.describeBalance();
    if (d.current?.id !== plan.id) {
      if (tty) io.stderr.write('\n');
      const last = d.last?.id === plan.id ? d.last : undefined;
      await writeLine(io.stderr, last === undefined ? 'finished' : `finished: ${progressLine(last)}`);
      return last;
    }
    if (tty) io.stderr.write(`\r${progressLine(d.current)}`);
    else if (Date.now() - printedAtMs >= PROGRESS_LINE_INTERVAL_MS) {
      printedAtMs = Date.now();
      await writeLine(io.stderr, progressLine(d.current));
    }
  }
}

const MODES: readonly BalancingMode[] = ['onScale', 'continuous', 'off'];

function parseMode(input: string): BalancingMode {
  if (!(MODES as readonly string[]).includes(input))
    throw new UsageError(`--mode must be one of ${MODES.join(', ')}`);
  return input as BalancingMode;
}

function registerBalancingConfigCommand(cluster: Command, io: CliIo): void {
  const balancing = subcommand(cluster, 'balancing', 'show the partition balancing settings, or change some')
    .option('--mode <mode>', 'onScale | continuous | off', parseMode)
    .option('--throttle <bytes>', 'bytes per second a broker may copy for moving replicas', parsePositiveInt)
    .option('--moves-per-broker <n>', 'reassignments at once per broker (source or target)', parsePositiveInt)
    .option(
      '--imbalance-threshold <percent>',
      'continuous mode: rebalance above this imbalance',
      parsePositiveInt,
    )
    .option(
      '--gone-broker-grace <ms>',
      "continuous mode: re-create a gone broker's replicas after",
      parseNonNegativeInt,
    );
  jsonOption(balancing).action(async (opts: Record<string, unknown>, command: Command) => {
    const changes: Partial<BalancingConfig> = {};
    if (opts['mode'] !== undefined) changes.mode = opts['mode'] as BalancingMode;
    if (opts['throttle'] !== undefined) changes.throttleBytesPerSec = opts['throttle'] as number;
    if (opts['movesPerBroker'] !== undefined) changes.movesPerBroker = opts['movesPerBroker'] as number;
    if (opts['imbalanceThreshold'] !== undefined) {
      changes.imbalanceThresholdPercent = opts['imbalanceThreshold'] as number;
    }
    if (opts['goneBrokerGrace'] !== undefined) changes.goneBrokerGraceMs = opts['goneBrokerGrace'] as number;
    const config = await withClient(command, (t) =>
      Object.keys(changes).length === 0
        ? t.admin().describeBalancingConfig()
        : t.admin().alterBalancingConfig(changes),
    );
    await writeLine(io.stdout, opts['json'] ? JSON.stringify(config) : JSON.stringify(config, null, 2));
  });
}

const STATE_COMMANDS: ReadonlyArray<[name: string, state: BrokerBalanceState, help: string]> = [
  ['cordon', 'cordoned', 'give the broker no new replicas (it keeps its own)'],
  ['drain', 'leaving', 'move every replica and leadership off the broker, then keep it empty'],
  ['activate', 'active', 'undo cordon or drain: the broker takes replicas again'],
];

/** `broker cordon|drain|activate <id>`: a broker's balance state; prints every broker's afterwards. */
export function registerBrokerStateCommands(broker: Command, io: CliIo): void {
  for (const [name, state, help] of STATE_COMMANDS) {
    const command = subcommand(broker, name, help, ['<id>', 'broker id']);
    jsonOption(command).action(async (id: string, opts: { json: boolean }, c: Command) => {
      const brokerId = parseNonNegativeInt(id);
      const brokers = await withClient(c, (t) => t.admin().alterBrokerStates([{ brokerId, state }]));
      await writeLine(io.stdout, opts.json ? JSON.stringify(brokers) : brokersTable(brokers));
    });
  }
}

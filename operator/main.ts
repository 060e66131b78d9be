/**
 * The operator process (`tributary operator run`, see cli/commands/operator.ts): runs the Operator until
 * SIGTERM or SIGINT, then stops it gracefully (operator.ts: drain, stop informers, release the Lease) and
 * ends. Losing the leader Lease also ends the process, with exit code 1, so Kubernetes restarts it as a
 * follower with fresh state. Logs are JSON lines on stdout (pino).
 */
import { pino } from 'pino';
import { Operator } from './operator.js';
import type { OperatorOptions } from './options.js';

/** After a stop, anything still holding the event loop open gets this long before the process exits anyway. */
const EXIT_AFTER_STOP_MS = 5_000;

export async function runOperator(options: OperatorOptions): Promise<number> {
  const log = pino({
    level: options.logLevel,
    base: { component: 'operator' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
  let exitCode = 0;
  let stopRequested: (() => void) | undefined;
  const stopped = new Promise<void>((resolve) => {
    stopRequested = resolve;
  });
  let stopping = false;
  const requestStop = (code: number, why: string) => {
    stopping = true;
    if (exitCode === 0) exitCode = code;
    log.info({ why }, 'stopping');
    stopRequested?.();
  };
  const operator = new Operator(options, log, {
    // No drain: another replica may take over shortly, and reconciles still running here would act
    // beside it. Reconciles are idempotent, so cutting them short loses nothing; the next leader redoes
    // them. (client-go's users exit the same way.)
    onLostLeadership: () => {
      // While a requested stop drains, the process was ending anyway: it ends now, with the stop's code.
      if (stopping) {
        log.warn('lost the leader lease while stopping: exiting at once');
        process.exit(exitCode);
      }
      log.fatal('lost the leader lease: exiting at once');
      process.exit(1);
    },
  });
  const onSignal = (signal: NodeJS.Signals) => requestStop(0, signal);
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    await Promise.race([operator.start(), stopped]);
    await stopped;
  } catch (err) {
    log.fatal({ err: err instanceof Error ? err.message : String(err) }, 'operator failed to start');
    exitCode = 1;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await operator.stop();
    setTimeout(() => process.exit(exitCode), EXIT_AFTER_STOP_MS).unref();
  }
  return exitCode;
}

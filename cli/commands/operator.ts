import type { Command } from 'commander';
import { runOperator } from '../../operator/main.js';
import {
  OPERATOR_DEFAULTS,
  type OperatorOptions,
  OptionsError,
  type RawOptions,
  resolveOperatorOptions,
} from '../../operator/options.js';
import { UsageError } from '../output.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * `tributary operator run`: the Kubernetes operator in the foreground (in its Deployment, or from a
 * workstation with --kubeconfig). Stops gracefully on SIGTERM or Ctrl-C. See docs/operator.md.
 */
export function registerOperatorCommand(program: Command): void {
  const operator = program.command('operator').description('run the Tributary Kubernetes operator');
  const d = OPERATOR_DEFAULTS;
  operator
    .command('run')
    .description('reconcile Cluster and Topic resources until SIGTERM or Ctrl-C')
    .option(
      '--kubeconfig <file>',
      'kubeconfig file (default: in-cluster config, else $KUBECONFIG or ~/.kube/config)',
    )
    .option('--namespace <ns>', 'watch only this namespace (default: all namespaces)')
    .option(
      '--metrics-port <port>',
      `Prometheus /metrics port, 0 for any free one (default ${d.metricsPort})`,
    )
    .option('--health-port <port>', `/healthz and /readyz port, 0 for any free one (default ${d.healthPort})`)
    .option('--bind-address <host>', `address the endpoints listen on (default ${d.bindAddress})`)
    .option('--leader-elect <bool>', `elect one active replica through a Lease (default ${d.leaderElect})`)
    .option(
      '--lease-namespace <ns>',
      'namespace of the Lease (default: --namespace, else kube-system: one Lease per scope)',
    )
    .option('--lease-name <name>', `name of the Lease (default ${d.leaseName})`)
    .option(
      '--lease-duration-seconds <s>',
      `how long a silent leader keeps the Lease (default ${d.leaseDurationSeconds})`,
    )
    .option(
      '--renew-deadline-ms <ms>',
      `a leader that cannot renew for this long steps down (default ${d.renewDeadlineMs})`,
    )
    .option('--retry-period-ms <ms>', `pause between Lease attempts (default ${d.retryPeriodMs})`)
    .option(
      '--identity <id>',
      'this replica in the Lease (default: $POD_NAME or the host name, plus a random suffix)',
    )
    .option(
      '--bootstrap-override <ns/cluster=host:port,...>',
      "reach a Cluster's brokers here instead of its status.bootstrap (repeatable; for development and tests)",
      collect,
      [],
    )
    .option('--workers <n>', `reconciles at once per controller (default ${d.workers})`)
    .option('--resync-ms <ms>', `reconcile everything again at least this often (default ${d.resyncMs})`)
    .option(
      '--status-refresh-ms <ms>',
      `look at each Cluster again after this long (default ${d.statusRefreshMs})`,
    )
    .option('--retry-base-ms <ms>', `first retry delay after a failed reconcile (default ${d.retryBaseMs})`)
    .option('--retry-max-ms <ms>', `largest retry delay (default ${d.retryMaxMs})`)
    .option('--broker-timeout-ms <ms>', `deadline of each call to the brokers (default ${d.brokerTimeoutMs})`)
    .option(
      '--shutdown-grace-ms <ms>',
      `on SIGTERM, how long running reconciles may finish (default ${d.shutdownGraceMs})`,
    )
    .option('--log-level <level>', 'trace|debug|info|warn|error (default info; env TRIBUTARY_LOG_LEVEL)')
    .action(async (opts: RawOptions) => {
      let options: OperatorOptions;
      try {
        options = resolveOperatorOptions(opts);
      } catch (err) {
        throw err instanceof OptionsError ? new UsageError(err.message) : err;
      }
      // The only failure exit: the operator could not start, or lost the leader Lease (its log says which).
      if ((await runOperator(options)) !== 0) throw new Error('the operator stopped after a failure');
    });
}

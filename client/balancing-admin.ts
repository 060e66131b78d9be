/**
 * The partition balancing calls of the admin client (docs/client.md, "Partition balancing"); `Admin`
 * exposes each of them under the same name.
 */
import {
  type BalanceDescription,
  type BalancingConfig,
  type BrokerBalance,
  type BrokerBalanceState,
  balanceDescription,
  balancingConfig,
  brokerBalance,
  brokerStateToWire,
  configChangesToWire,
  type RebalancePlan,
  rebalancePlan,
} from './balance.js';
import type { Connection, UnaryInvoker } from './connection.js';

export class BalancingAdmin {
  constructor(
    private readonly connection: Connection,
    private readonly unary: <T>(invoke: UnaryInvoker<T>) => Promise<T>,
  ) {}

  /**
   * Sets brokers' balance states (docs/client.md, "Partition balancing"): `cordoned` takes no new
   * replicas, `leaving` is emptied by the balancer, `active` undoes both. Refused with INSUFFICIENT_BROKERS
   * when too few brokers would remain for some topic. Answers every broker the controller knows.
   */
  async alterBrokerStates(
    changes: Array<{ brokerId: number; state: BrokerBalanceState }>,
    options: { validateOnly?: boolean } = {},
  ): Promise<BrokerBalance[]> {
    const brokers = changes.map((c) => ({
      broker_id: c.brokerId,
      state: brokerStateToWire(c.state) as never,
    }));
    const validate_only = options.validateOnly ?? false;
    const response = await this.unary<{ brokers: Parameters<typeof brokerBalance>[0][] }>((md, opts, cb) =>
      this.connection.admin.AlterBrokerStates({ brokers, validate_only }, md, opts, cb),
    );
    return response.brokers.map(brokerBalance);
  }

  /** Brokers with their state and load, the plan running with its progress, the last finished plan. */
  async describeBalance(options: { includeMoves?: boolean } = {}): Promise<BalanceDescription> {
    const include_moves = options.includeMoves ?? false;
    return balanceDescription(
      await this.unary((md, opts, cb) =>
        this.connection.admin.DescribeBalance({ include_moves }, md, opts, cb),
      ),
    );
  }

  /**
   * Plans a rebalance and starts it; with `dryRun` only answers the plan (status `planned`). Refused with
   * REBALANCE_IN_PROGRESS while one runs.
   */
  async rebalance(options: { dryRun?: boolean } = {}): Promise<RebalancePlan> {
    const dry_run = options.dryRun ?? false;
    const response = await this.unary<{ plan: Parameters<typeof rebalancePlan>[0] | null }>((md, opts, cb) =>
      this.connection.admin.Rebalance({ dry_run }, md, opts, cb),
    );
    return rebalancePlan(response.plan!);
  }

  /** Cancels the running plan: its running reassignments go back to their original replicas. */
  async cancelRebalance(): Promise<RebalancePlan> {
    const response = await this.unary<{ plan: Parameters<typeof rebalancePlan>[0] | null }>((md, opts, cb) =>
      this.connection.admin.CancelRebalance({}, md, opts, cb),
    );
    return rebalancePlan(response.plan!);
  }

  /** Changes the given balancing settings (the others keep theirs); answers the whole config. */
  async alterBalancingConfig(
    changes: Partial<BalancingConfig>,
    options: { validateOnly?: boolean } = {},
  ): Promise<BalancingConfig> {
    const request = configChangesToWire(changes, options.validateOnly ?? false);
    return balancingConfig(
      await this.unary((md, opts, cb) => this.connection.admin.AlterBalancingConfig(request, md, opts, cb)),
    );
  }

  async describeBalancingConfig(): Promise<BalancingConfig> {
    return balancingConfig(
      await this.unary((md, opts, cb) => this.connection.admin.DescribeBalancingConfig({}, md, opts, cb)),
    );
  }
}

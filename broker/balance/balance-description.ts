/** What the balancer answers DescribeBalance and Rebalance with (balancer.ts). */
import type { BalancingConfig } from './balancing-config.js';
import type { RebalanceRecord, RebalanceSummary } from './rebalance-record.js';
import type { BrokerBalanceState } from './types.js';

export interface BrokerBalanceView {
  id: number;
  state: BrokerBalanceState;
  live: boolean;
  rack: string;
  replicas: number;
  leaders: number;
  sizeBytes: number;
}

export interface BalanceDescription {
  brokers: BrokerBalanceView[];
  current: RebalanceRecord | null;
  last: RebalanceSummary | null;
  config: BalancingConfig;
}

/** A plan as answered to Rebalance: `planned` when it was not started (dry run, or nothing to do). */
export interface RebalanceAnswer {
  record: RebalanceRecord;
  planned: boolean;
}

// Original file: proto/tributary/v1/admin_service.proto

export const RebalanceStatus = {
  REBALANCE_STATUS_RUNNING: 'REBALANCE_STATUS_RUNNING',
  /**
   * A cancel was asked: running reassignments are being reverted.
   */
  REBALANCE_STATUS_CANCELLING: 'REBALANCE_STATUS_CANCELLING',
  /**
   * The cluster changed under the plan (a target died, a broker state changed): it ends and a new plan follows.
   */
  REBALANCE_STATUS_SUPERSEDING: 'REBALANCE_STATUS_SUPERSEDING',
  REBALANCE_STATUS_COMPLETED: 'REBALANCE_STATUS_COMPLETED',
  REBALANCE_STATUS_CANCELLED: 'REBALANCE_STATUS_CANCELLED',
  REBALANCE_STATUS_SUPERSEDED: 'REBALANCE_STATUS_SUPERSEDED',
  REBALANCE_STATUS_FAILED: 'REBALANCE_STATUS_FAILED',
  /**
   * A dry run's plan, or a plan with nothing to do: never started.
   */
  REBALANCE_STATUS_PLANNED: 'REBALANCE_STATUS_PLANNED',
} as const;

export type RebalanceStatus =
  | 'REBALANCE_STATUS_RUNNING'
  | 0
  /**
   * A cancel was asked: running reassignments are being reverted.
   */
  | 'REBALANCE_STATUS_CANCELLING'
  | 1
  /**
   * The cluster changed under the plan (a target died, a broker state changed): it ends and a new plan follows.
   */
  | 'REBALANCE_STATUS_SUPERSEDING'
  | 2
  | 'REBALANCE_STATUS_COMPLETED'
  | 3
  | 'REBALANCE_STATUS_CANCELLED'
  | 4
  | 'REBALANCE_STATUS_SUPERSEDED'
  | 5
  | 'REBALANCE_STATUS_FAILED'
  | 6
  /**
   * A dry run's plan, or a plan with nothing to do: never started.
   */
  | 'REBALANCE_STATUS_PLANNED'
  | 7

export type RebalanceStatus__Output = typeof RebalanceStatus[keyof typeof RebalanceStatus]

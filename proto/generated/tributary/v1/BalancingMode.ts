// Original file: proto/tributary/v1/admin_service.proto

export const BalancingMode = {
  /**
   * Rebalance by itself when a broker joins holding nothing or is marked leaving.
   */
  BALANCING_MODE_ON_SCALE: 'BALANCING_MODE_ON_SCALE',
  /**
   * Also when the imbalance passes the threshold, and re-create the replicas of a broker gone too long.
   */
  BALANCING_MODE_CONTINUOUS: 'BALANCING_MODE_CONTINUOUS',
  /**
   * Only on an explicit Rebalance.
   */
  BALANCING_MODE_OFF: 'BALANCING_MODE_OFF',
} as const;

export type BalancingMode =
  /**
   * Rebalance by itself when a broker joins holding nothing or is marked leaving.
   */
  | 'BALANCING_MODE_ON_SCALE'
  | 0
  /**
   * Also when the imbalance passes the threshold, and re-create the replicas of a broker gone too long.
   */
  | 'BALANCING_MODE_CONTINUOUS'
  | 1
  /**
   * Only on an explicit Rebalance.
   */
  | 'BALANCING_MODE_OFF'
  | 2

export type BalancingMode__Output = typeof BalancingMode[keyof typeof BalancingMode]

// Original file: proto/tributary/v1/admin_service.proto

export const BalanceMoveKind = {
  /**
   * The partition's replicas become `to` (data is copied to the brokers in `to` and not in `from`).
   */
  BALANCE_MOVE_KIND_REASSIGN: 'BALANCE_MOVE_KIND_REASSIGN',
  /**
   * Leadership moves from `from[0]` to `to[0]`; no data moves.
   */
  BALANCE_MOVE_KIND_LEADER: 'BALANCE_MOVE_KIND_LEADER',
} as const;

export type BalanceMoveKind =
  /**
   * The partition's replicas become `to` (data is copied to the brokers in `to` and not in `from`).
   */
  | 'BALANCE_MOVE_KIND_REASSIGN'
  | 0
  /**
   * Leadership moves from `from[0]` to `to[0]`; no data moves.
   */
  | 'BALANCE_MOVE_KIND_LEADER'
  | 1

export type BalanceMoveKind__Output = typeof BalanceMoveKind[keyof typeof BalanceMoveKind]

// Original file: proto/tributary/v1/admin_service.proto

export const BrokerBalanceState = {
  BROKER_BALANCE_STATE_ACTIVE: 'BROKER_BALANCE_STATE_ACTIVE',
  BROKER_BALANCE_STATE_CORDONED: 'BROKER_BALANCE_STATE_CORDONED',
  BROKER_BALANCE_STATE_LEAVING: 'BROKER_BALANCE_STATE_LEAVING',
} as const;

export type BrokerBalanceState =
  | 'BROKER_BALANCE_STATE_ACTIVE'
  | 0
  | 'BROKER_BALANCE_STATE_CORDONED'
  | 1
  | 'BROKER_BALANCE_STATE_LEAVING'
  | 2

export type BrokerBalanceState__Output = typeof BrokerBalanceState[keyof typeof BrokerBalanceState]

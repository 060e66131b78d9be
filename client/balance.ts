/**
 * Partition balancing as the admin client shows it (docs/client.md, "Partition balancing"): broker states,
 * the balancing config, plans and their progress. The wire forms are AdminService's (docs/api.md).
 */

import type { AlterBalancingConfigRequest } from '../proto/generated/tributary/v1/AlterBalancingConfigRequest.js';
import type { BalanceMove__Output } from '../proto/generated/tributary/v1/BalanceMove.js';
import type { BalancingConfig__Output } from '../proto/generated/tributary/v1/BalancingConfig.js';
import type { BrokerBalance__Output } from '../proto/generated/tributary/v1/BrokerBalance.js';
import type { BrokerLoad__Output } from '../proto/generated/tributary/v1/BrokerLoad.js';
import type { DescribeBalanceResponse__Output } from '../proto/generated/tributary/v1/DescribeBalanceResponse.js';
import type { RebalancePlan__Output } from '../proto/generated/tributary/v1/RebalancePlan.js';
import { TributaryClientError } from './errors.js';

/** `cordoned`: takes no new replicas; `leaving`: is emptied by the balancer before removal. */
export type BrokerBalanceState = 'active' | 'cordoned' | 'leaving';
export type BalancingMode = 'onScale' | 'continuous' | 'off';

export interface BrokerBalance {
  brokerId: number;
  state: BrokerBalanceState;
  /** Registered now. */
  live: boolean;
  rack: string;
  replicas: number;
  leaders: number;
  sizeBytes: number;
}

export interface BalancingConfig {
  mode: BalancingMode;
  /** Per broker, what it receives and what it sends as leader, for replicas being moved only. */
  throttleBytesPerSec: number;
  movesPerBroker: number;
  imbalanceThresholdPercent: number;
  goneBrokerGraceMs: number;
}

export interface BrokerLoad {
  brokerId: number;
  replicas: number;
  leaders: number;
  bytes: number;
}

export type BalanceMoveState = 'pending' | 'running' | 'done' | 'cancelled' | 'failed';

export interface BalanceMove {
  kind: 'reassign' | 'leader';
  topic: string;
  partition: number;
  /** reassign: the replica lists before and after; leader: [old leader] and [new leader]. */
  from: number[];
  to: number[];
  bytes: number;
  state: BalanceMoveState;
  error: string;
}

export type RebalanceStatus =
  | 'planned'
  | 'running'
  | 'cancelling'
  | 'superseding'
  | 'completed'
  | 'cancelled'
  | 'superseded'
  | 'failed';

export interface RebalancePlan {
  id: string;
  reason: string;
  /** `planned`: a dry run's plan, or one with nothing to do (never started). */
  status: RebalanceStatus;
  startedAtMs: number;
  /** 0 while not finished. */
  finishedAtMs: number;
  movesTotal: number;
  movesDone: number;
  movesRunning: number;
  movesFailed: number;
  movesCancelled: number;
  bytesTotal: number;
  bytesDone: number;
  /** -1 when unknown. */
  estimatedMsLeft: number;
  lowerBoundBytes: number;
  before: BrokerLoad[];
  after: BrokerLoad[];
  unsatisfiable: string[];
  moves: BalanceMove[];
}

export interface BalanceDescription {
  brokers: BrokerBalance[];
  /** The plan running, null when none. */
  current: RebalancePlan | null;
  /** The last finished plan (without moves), null when none. */
  last: RebalancePlan | null;
  config: BalancingConfig;
}

const STATES: Record<string, BrokerBalanceState> = {
  BROKER_BALANCE_STATE_ACTIVE: 'active',
  BROKER_BALANCE_STATE_CORDONED: 'cordoned',
  BROKER_BALANCE_STATE_LEAVING: 'leaving',
};
const MODES: Record<string, BalancingMode> = {
  BALANCING_MODE_ON_SCALE: 'onScale',
  BALANCING_MODE_CONTINUOUS: 'continuous',
  BALANCING_MODE_OFF: 'off',
};

function wireName<T extends string>(table: Record<string, T>, value: T): string {
  const name = Object.keys(table).find((k) => table[k] === value);
  if (name === undefined) throw new RangeError(`unknown value ${String(value)}`);
  return name;
}

/** The wire name of a state; an unknown one is sent as a number, which the broker refuses (INVALID_REQUEST). */
export function brokerStateToWire(state: BrokerBalanceState): string | number {
  return Object.keys(STATES).find((k) => STATES[k] === state) ?? -1;
}

export function configChangesToWire(
  changes: Partial<BalancingConfig>,
  validateOnly: boolean,
): AlterBalancingConfigRequest {
  return {
    validate_only: validateOnly,
    ...(changes.mode === undefined ? {} : { mode: wireName(MODES, changes.mode) as never }),
    ...(changes.throttleBytesPerSec === undefined
      ? {}
      : { throttle_bytes_per_sec: String(changes.throttleBytesPerSec) }),
    ...(changes.movesPerBroker === undefined ? {} : { moves_per_broker: changes.movesPerBroker }),
    ...(changes.imbalanceThresholdPercent === undefined
      ? {}
      : { imbalance_threshold_percent: changes.imbalanceThresholdPercent }),
    ...(changes.goneBrokerGraceMs === undefined
      ? {}
      : { gone_broker_grace_ms: String(changes.goneBrokerGraceMs) }),
  };
}

export function brokerBalance(b: BrokerBalance__Output): BrokerBalance {
  return {
    brokerId: b.broker_id,
    state: STATES[b.state] ?? 'active',
    live: b.live,
    rack: b.rack,
    replicas: b.replicas,
    leaders: b.leaders,
    sizeBytes: Number(b.size_bytes),
  };
}

export function balancingConfig(c: BalancingConfig__Output): BalancingConfig {
  return {
    mode: MODES[c.mode] ?? 'onScale',
    throttleBytesPerSec: Number(c.throttle_bytes_per_sec),
    movesPerBroker: c.moves_per_broker,
    imbalanceThresholdPercent: c.imbalance_threshold_percent,
    goneBrokerGraceMs: Number(c.gone_broker_grace_ms),
  };
}

function load(l: BrokerLoad__Output): BrokerLoad {
  return { brokerId: l.broker_id, replicas: l.replicas, leaders: l.leaders, bytes: Number(l.bytes) };
}

function move(m: BalanceMove__Output): BalanceMove {
  return {
    kind: m.kind === 'BALANCE_MOVE_KIND_LEADER' ? 'leader' : 'reassign',
    topic: m.topic,
    partition: m.partition,
    from: m.from,
    to: m.to,
    bytes: Number(m.bytes),
    state: m.state.replace('BALANCE_MOVE_STATE_', '').toLowerCase() as BalanceMoveState,
    error: m.error,
  };
}

export function rebalancePlan(p: RebalancePlan__Output): RebalancePlan {
  return {
    id: p.id,
    reason: p.reason,
    status: p.status.replace('REBALANCE_STATUS_', '').toLowerCase() as RebalanceStatus,
    startedAtMs: Number(p.started_at_ms),
    finishedAtMs: Number(p.finished_at_ms),
    movesTotal: p.moves_total,
    movesDone: p.moves_done,
    movesRunning: p.moves_running,
    movesFailed: p.moves_failed,
    movesCancelled: p.moves_cancelled,
    bytesTotal: Number(p.bytes_total),
    bytesDone: Number(p.bytes_done),
    estimatedMsLeft: Number(p.estimated_ms_left),
    lowerBoundBytes: Number(p.lower_bound_bytes),
    before: p.before.map(load),
    after: p.after.map(load),
    unsatisfiable: p.unsatisfiable,
    moves: p.moves.map(move),
  };
}

function missing(field: string): never {
  throw new TributaryClientError('INTERNAL', `the broker's answer has no ${field}`);
}

export function balanceDescription(r: DescribeBalanceResponse__Output): BalanceDescription {
  return {
    brokers: r.brokers.map(brokerBalance),
    current: r.current ? rebalancePlan(r.current) : null,
    last: r.last ? rebalancePlan(r.last) : null,
    config: balancingConfig(r.config ?? missing('config')),
  };
}

import type { BalanceMove } from '../../proto/generated/tributary/v1/BalanceMove.js';
import type { BalancingConfig as WireBalancingConfig } from '../../proto/generated/tributary/v1/BalancingConfig.js';
import type { BalancingMode } from '../../proto/generated/tributary/v1/BalancingMode.js';
import type { BrokerBalance } from '../../proto/generated/tributary/v1/BrokerBalance.js';
import type { BrokerBalanceState as WireBrokerState } from '../../proto/generated/tributary/v1/BrokerBalanceState.js';
import type { BrokerLoad as WireBrokerLoad } from '../../proto/generated/tributary/v1/BrokerLoad.js';
import type { RebalancePlan } from '../../proto/generated/tributary/v1/RebalancePlan.js';
import type { RebalanceStatus } from '../../proto/generated/tributary/v1/RebalanceStatus.js';
import type { BrokerBalanceView } from '../balance/balance-description.js';
import type { BalancingConfig, BalancingMode as Mode } from '../balance/balancing-config.js';
import {
  type PlannedMove,
  progressOf,
  type RebalanceProgress,
  type RebalanceRecord,
  type RebalanceSummary,
} from '../balance/rebalance-record.js';
import type { BrokerBalanceState, BrokerLoad } from '../balance/types.js';
import { BALANCING_MODES, BROKER_BALANCE_STATES, enumValue } from './enums.js';

/** Wire forms of the balancer's values (docs/api.md, "Partition balancing"), both ways where requests need it. */

const STATE_BY_WIRE: Record<(typeof BROKER_BALANCE_STATES)[number], BrokerBalanceState> = {
  BROKER_BALANCE_STATE_ACTIVE: 'active',
  BROKER_BALANCE_STATE_CORDONED: 'cordoned',
  BROKER_BALANCE_STATE_LEAVING: 'leaving',
};

const MODE_BY_WIRE: Record<(typeof BALANCING_MODES)[number], Mode> = {
  BALANCING_MODE_ON_SCALE: 'onScale',
  BALANCING_MODE_CONTINUOUS: 'continuous',
  BALANCING_MODE_OFF: 'off',
};

function inverse<K extends string, V extends string>(table: Record<K, V>): Record<V, K> {
  return Object.fromEntries(Object.entries(table).map(([k, v]) => [v, k])) as Record<V, K>;
}

const WIRE_BY_STATE = inverse(STATE_BY_WIRE);
const WIRE_BY_MODE = inverse(MODE_BY_WIRE);

/** A request's broker state; an undefined value is refused (INVALID_REQUEST). */
export function brokerStateFromWire(raw: string | number, field: string): BrokerBalanceState {
  return STATE_BY_WIRE[enumValue(raw, BROKER_BALANCE_STATES, field)];
}

export function modeFromWire(raw: string | number, field: string): Mode {
  return MODE_BY_WIRE[enumValue(raw, BALANCING_MODES, field)];
}

export function brokerStateToWire(state: BrokerBalanceState): WireBrokerState {
  return WIRE_BY_STATE[state];
}

export function configToWire(c: BalancingConfig): WireBalancingConfig {
  return {
    mode: WIRE_BY_MODE[c.mode] as BalancingMode,
    throttle_bytes_per_sec: String(c.throttleBytesPerSec),
    moves_per_broker: c.movesPerBroker,
    imbalance_threshold_percent: c.imbalanceThresholdPercent,
    gone_broker_grace_ms: String(c.goneBrokerGraceMs),
  };
}

export function brokerToWire(b: BrokerBalanceView): BrokerBalance {
  return {
    broker_id: b.id,
    state: brokerStateToWire(b.state),
    live: b.live,
    rack: b.rack,
    replicas: b.replicas,
    leaders: b.leaders,
    size_bytes: String(b.sizeBytes),
  };
}

function loadToWire(l: BrokerLoad): WireBrokerLoad {
  return { broker_id: l.id, replicas: l.replicas, leaders: l.leaders, bytes: String(l.bytes) };
}

function moveToWire(m: PlannedMove): BalanceMove {
  const common = {
    topic: m.topic,
    partition: m.partition,
    state: `BALANCE_MOVE_STATE_${m.state.toUpperCase()}` as BalanceMove['state'],
    error: m.error ?? '',
  };
  return m.kind === 'reassign'
    ? {
        ...common,
        kind: 'BALANCE_MOVE_KIND_REASSIGN',
        from: [...m.from],
        to: [...m.to],
        bytes: String(m.bytes),
      }
    : { ...common, kind: 'BALANCE_MOVE_KIND_LEADER', from: [m.from], to: [m.to], bytes: '0' };
}

function statusToWire(status: RebalanceRecord['status'] | 'planned'): RebalanceStatus {
  return `REBALANCE_STATUS_${status.toUpperCase()}` as RebalanceStatus;
}

/** The counters every plan shows, running or finished. */
function progressToWire(p: RebalanceProgress) {
  return {
    moves_total: p.movesTotal,
    moves_done: p.movesDone,
    moves_running: p.movesRunning,
    moves_failed: p.movesFailed,
    moves_cancelled: p.movesCancelled,
    bytes_total: String(p.bytesTotal),
    bytes_done: String(p.bytesDone),
    estimated_ms_left: String(p.estimatedMsLeft),
  };
}

/** A plan with its progress; `planned` for one that was not started (a dry run). */
export function planToWire(
  r: RebalanceRecord,
  options: { planned: boolean; includeMoves: boolean; throttleBytesPerSec: number; nowMs: number },
): RebalancePlan {
  return {
    id: r.id,
    reason: r.reason,
    status: statusToWire(options.planned ? 'planned' : r.status),
    started_at_ms: options.planned ? '0' : String(r.startedAtMs),
    finished_at_ms: String(r.finishedAtMs ?? 0),
    ...progressToWire(progressOf(r, options.nowMs, options.throttleBytesPerSec)),
    lower_bound_bytes: String(Math.floor(r.lowerBoundBytes)),
    before: r.before.map(loadToWire),
    after: r.after.map(loadToWire),
    unsatisfiable: r.unsatisfiable,
    moves: options.includeMoves ? r.moves.map(moveToWire) : [],
  };
}

/** A finished plan's summary: counters, no moves. */
export function summaryToWire(s: RebalanceSummary): RebalancePlan {
  return {
    id: s.id,
    reason: s.reason,
    status: statusToWire(s.status),
    started_at_ms: String(s.startedAtMs),
    finished_at_ms: String(s.finishedAtMs),
    ...progressToWire(s.progress),
    lower_bound_bytes: String(Math.floor(s.lowerBoundBytes ?? 0)),
    before: [],
    after: [],
    unsatisfiable: [],
    moves: [],
  };
}

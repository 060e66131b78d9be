import { TributaryError } from '../../proto/errors.js';
import type { AdminServiceClient } from '../../proto/generated/tributary/v1/AdminService.js';
import type { AlterBalancingConfigRequest__Output } from '../../proto/generated/tributary/v1/AlterBalancingConfigRequest.js';
import type { AlterBrokerStatesRequest__Output } from '../../proto/generated/tributary/v1/AlterBrokerStatesRequest.js';
import type { AlterBrokerStatesResponse } from '../../proto/generated/tributary/v1/AlterBrokerStatesResponse.js';
import type { BalancingConfig as WireBalancingConfig } from '../../proto/generated/tributary/v1/BalancingConfig.js';
import type { CancelRebalanceResponse } from '../../proto/generated/tributary/v1/CancelRebalanceResponse.js';
import type { DescribeBalanceRequest__Output } from '../../proto/generated/tributary/v1/DescribeBalanceRequest.js';
import type { DescribeBalanceResponse } from '../../proto/generated/tributary/v1/DescribeBalanceResponse.js';
import type { DescribeLogDirsRequest__Output } from '../../proto/generated/tributary/v1/DescribeLogDirsRequest.js';
import type { DescribeLogDirsResponse } from '../../proto/generated/tributary/v1/DescribeLogDirsResponse.js';
import type { RebalanceRequest__Output } from '../../proto/generated/tributary/v1/RebalanceRequest.js';
import type { RebalanceResponse } from '../../proto/generated/tributary/v1/RebalanceResponse.js';
import type { Balancer } from '../balance/balancer.js';
import {
  alterBalancingConfig,
  type BalancingConfig,
  DEFAULT_BALANCING_CONFIG,
} from '../balance/balancing-config.js';
import { applyStateChanges, type BrokerStateChange } from '../balance/broker-states.js';
import { callPeer } from '../replication/peers.js';
import {
  brokerStateFromWire,
  brokerToWire,
  configToWire,
  modeFromWire,
  planToWire,
  summaryToWire,
} from './balance-wire.js';
import type { ApiContext } from './context.js';
import { parseInt64 } from './errors.js';

/**
 * The partition balancing RPCs (docs/api.md, "Partition balancing"). Every input is checked here first,
 * so a bad request fails on the broker that received it; then the call runs on the controller's balancer
 * (here, or forwarded to the controller broker like the other admin calls). DescribeLogDirs is answered
 * by this broker about itself.
 */
export class BalanceApi {
  constructor(private readonly ctx: ApiContext) {}

  private get timeoutMs(): number {
    return this.ctx.config.controllerRequestTimeoutMs;
  }

  private viaBalancer<T>(
    local: (b: Balancer) => Promise<T>,
    remote: (admin: AdminServiceClient) => Promise<T>,
  ): Promise<T> {
    return this.ctx.cluster.viaController<T>(
      () => {
        const balancer = this.ctx.cluster.balancer;
        if (balancer === undefined)
          throw new TributaryError('NOT_CONTROLLER', 'the balancer is not running here');
        return local(balancer);
      },
      ({ admin }) => remote(admin),
    );
  }

  alterBrokerStates(request: AlterBrokerStatesRequest__Output): Promise<AlterBrokerStatesResponse> {
    const changes: BrokerStateChange[] = request.brokers.map((b, i) => ({
      brokerId: b.broker_id,
      state: brokerStateFromWire(b.state, `brokers[${i}].state`),
    }));
    applyStateChanges(new Map(), changes); // ids, duplicates, counts: refused here already
    return this.viaBalancer(
      async (b) => ({
        brokers: (await b.alterBrokerStates(changes, request.validate_only)).map(brokerToWire),
      }),
      (admin) => callPeer(admin.AlterBrokerStates.bind(admin) as never, request, this.timeoutMs),
    );
  }

  describeBalance(request: DescribeBalanceRequest__Output): Promise<DescribeBalanceResponse> {
    return this.viaBalancer(
      async (b) => {
        const d = await b.describeBalance();
        const throttle = d.config.throttleBytesPerSec;
        const nowMs = Date.now();
        return {
          brokers: d.brokers.map(brokerToWire),
          ...(d.current === null
            ? {}
            : {
                current: planToWire(d.current, {
                  planned: false,
                  includeMoves: request.include_moves,
                  throttleBytesPerSec: throttle,
                  nowMs,
                }),
              }),
          ...(d.last === null ? {} : { last: summaryToWire(d.last) }),
          config: configToWire(d.config),
        };
      },
      (admin) => callPeer(admin.DescribeBalance.bind(admin) as never, request, this.timeoutMs),
    );
  }

  rebalance(request: RebalanceRequest__Output): Promise<RebalanceResponse> {
    return this.viaBalancer(
      async (b) => {
        const answer = await b.rebalance(request.dry_run);
        const config = await b.describeConfig();
        return {
          plan: planToWire(answer.record, {
            planned: answer.planned,
            includeMoves: true,
            throttleBytesPerSec: config.throttleBytesPerSec,
            nowMs: Date.now(),
          }),
        };
      },
      (admin) => callPeer(admin.Rebalance.bind(admin) as never, request, this.timeoutMs),
    );
  }

  cancelRebalance(): Promise<CancelRebalanceResponse> {
    return this.viaBalancer(
      async (b) => {
        const record = await b.cancelRebalance();
        const config = await b.describeConfig();
        return {
          plan: planToWire(record, {
            planned: false,
            includeMoves: true,
            throttleBytesPerSec: config.throttleBytesPerSec,
            nowMs: Date.now(),
          }),
        };
      },
      (admin) => callPeer(admin.CancelRebalance.bind(admin) as never, {}, this.timeoutMs),
    );
  }

  alterBalancingConfig(request: AlterBalancingConfigRequest__Output): Promise<WireBalancingConfig> {
    const changes = configChanges(request);
    alterBalancingConfig(DEFAULT_BALANCING_CONFIG, changes); // ranges: refused here already
    return this.viaBalancer(
      async (b) => configToWire(await b.alterConfig(changes, request.validate_only)),
      (admin) => callPeer(admin.AlterBalancingConfig.bind(admin) as never, request, this.timeoutMs),
    );
  }

  describeBalancingConfig(): Promise<WireBalancingConfig> {
    return this.viaBalancer(
      async (b) => configToWire(await b.describeConfig()),
      (admin) => callPeer(admin.DescribeBalancingConfig.bind(admin) as never, {}, this.timeoutMs),
    );
  }

  /** This broker's partitions with their size on disk; not forwarded. */
  async describeLogDirs(request: DescribeLogDirsRequest__Output): Promise<DescribeLogDirsResponse> {
    const topics = new Set(request.topics);
    return {
      broker_id: this.ctx.config.nodeId,
      partitions: this.ctx.replicas
        .all()
        .filter((p) => topics.size === 0 || topics.has(p.topic))
        .map((p) => ({
          topic: p.topic,
          partition: p.index,
          size_bytes: String(p.log.sizeBytes),
          log_end_offset: String(p.log.logEndOffset),
          leader: p.isLeader,
        })),
    };
  }
}

/** The settings a request sets (unset optional fields keep theirs); 64-bit values parsed. */
function configChanges(request: AlterBalancingConfigRequest__Output): Partial<BalancingConfig> {
  const out: { -readonly [K in keyof BalancingConfig]?: BalancingConfig[K] } = {};
  if (request.mode !== undefined && request.mode !== null) out.mode = modeFromWire(request.mode, 'mode');
  if (request.throttle_bytes_per_sec !== undefined) {
    out.throttleBytesPerSec = parseInt64(
      request.throttle_bytes_per_sec,
      'throttle_bytes_per_sec',
      'INVALID_BALANCING_CONFIG',
    );
  }
  if (request.moves_per_broker !== undefined) out.movesPerBroker = request.moves_per_broker;
  if (request.imbalance_threshold_percent !== undefined) {
    out.imbalanceThresholdPercent = request.imbalance_threshold_percent;
  }
  if (request.gone_broker_grace_ms !== undefined) {
    out.goneBrokerGraceMs = parseInt64(
      request.gone_broker_grace_ms,
      'gone_broker_grace_ms',
      'INVALID_BALANCING_CONFIG',
    );
  }
  return out;
}

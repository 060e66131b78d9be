import { TributaryError } from '../../proto/errors.js';
import type { ControllerTerm } from '../controller/election.js';
import type { Dcs } from '../dcs/dcs.js';
import { BALANCING_CONFIG_KEY, BROKER_STATES_KEY, CONTROLLER_KEY, REBALANCE_KEY } from '../metadata/keys.js';
import {
  type BalancingConfig,
  DEFAULT_BALANCING_CONFIG,
  decodeBalancingConfig,
  encodeBalancingConfig,
} from './balancing-config.js';
import { type BrokerStates, decodeBrokerStates, encodeBrokerStates } from './broker-states.js';
import { decodeRebalance, encodeRebalance, type RebalanceDocument } from './rebalance-record.js';

interface Slot<T> {
  value: T;
  version: number;
}

/**
 * The balancer's three DCS documents (broker states, config, rebalance), as the active controller last read
 * or wrote them, with their versions. Loaded once per controller term; every write is a compare-and-set on
 * the version read, guarded by the term's controller key (the rule of every controller write: a deposed
 * controller cannot land one). Only the controller writes them, so a lost compare means our copy is stale:
 * it is read again and the caller retries.
 */
export class BalanceStore {
  private statesSlot: Slot<BrokerStates> = { value: new Map(), version: 0 };
  private configSlot: Slot<BalancingConfig> = { value: DEFAULT_BALANCING_CONFIG, version: 0 };
  private rebalanceSlot: Slot<RebalanceDocument> = { value: { current: null, last: null }, version: 0 };

  constructor(private readonly dcs: Dcs) {}

  get states(): BrokerStates {
    return this.statesSlot.value;
  }

  get config(): BalancingConfig {
    return this.configSlot.value;
  }

  get rebalance(): RebalanceDocument {
    return this.rebalanceSlot.value;
  }

  async load(): Promise<void> {
    const [states, config, rebalance] = await Promise.all([
      this.dcs.get(BROKER_STATES_KEY),
      this.dcs.get(BALANCING_CONFIG_KEY),
      this.dcs.get(REBALANCE_KEY),
    ]);
    this.statesSlot = { value: decodeBrokerStates(states?.value), version: states?.version ?? 0 };
    this.configSlot = { value: decodeBalancingConfig(config?.value), version: config?.version ?? 0 };
    this.rebalanceSlot = { value: decodeRebalance(rebalance?.value), version: rebalance?.version ?? 0 };
  }

  async writeStates(term: ControllerTerm, states: BrokerStates): Promise<void> {
    this.statesSlot = await this.write(term, BROKER_STATES_KEY, this.statesSlot, states, encodeBrokerStates);
  }

  async writeConfig(term: ControllerTerm, config: BalancingConfig): Promise<void> {
    this.configSlot = await this.write(
      term,
      BALANCING_CONFIG_KEY,
      this.configSlot,
      config,
      encodeBalancingConfig,
    );
  }

  async writeRebalance(term: ControllerTerm, doc: RebalanceDocument): Promise<void> {
    this.rebalanceSlot = await this.write(term, REBALANCE_KEY, this.rebalanceSlot, doc, encodeRebalance);
  }

  private async write<T>(
    term: ControllerTerm,
    key: string,
    slot: Slot<T>,
    value: T,
    encode: (v: T) => Buffer,
  ): Promise<Slot<T>> {
    const result = await this.dcs.compareAndSet(key, encode(value), slot.version, {
      guard: { key: CONTROLLER_KEY, version: term.keyVersion },
    });
    if (result.guardFailed) {
      throw new TributaryError('NOT_CONTROLLER', 'this broker is no longer the controller (guard failed)');
    }
    if (!result.ok) {
      await this.load();
      throw new TributaryError('TOO_MANY_REQUESTS', `${key} changed under the controller; retry`);
    }
    return { value, version: result.version };
  }
}

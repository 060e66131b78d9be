/**
 * The DCS key layout of a cluster (relative to the backend's root prefix). Everything a broker or the
 * controller reads or writes in the DCS is named here.
 *
 * - `cluster/id`          the cluster id, written once.
 * - `brokers/<id>`        a live broker's registration (JSON BrokerRegistration), ephemeral: it lives as
 *                         long as the broker's session. Its version is the broker epoch.
 * - `controller`          the active controller (JSON ControllerRecord), ephemeral, created only if absent.
 * - `controller-epoch`    the last controller epoch handed out (JSON number), bumped by each new controller.
 * - `topics/<name>`       a topic and its partitions' assignment, leader, epoch and ISR (JSON TopicRecord).
 * - `producer-ids`        the next unallocated producer id (decimal); the controller hands out blocks.
 * - `broker-states`       balance states by broker id (JSON BrokerStatesRecord): `cordoned` or `leaving`;
 *                         absent means `active`. Written by the controller only; kept across restarts and
 *                         for ids not registered now (docs/architecture.md, "Partition balancing").
 * - `balancing-config`    the partition balancer's settings (JSON BalancingConfig), written by the controller;
 *                         every broker watches it for the replication throttle.
 * - `rebalance`           the balancer's plan and its progress (JSON RebalanceDocument: the current plan with
 *                         a state per move, and a summary of the last finished one), written by the controller
 *                         after every step so a new controller resumes it.
 */
export const CLUSTER_ID_KEY = 'cluster/id';
export const BROKERS_PREFIX = 'brokers/';
export const CONTROLLER_KEY = 'controller';
export const CONTROLLER_EPOCH_KEY = 'controller-epoch';
export const TOPICS_PREFIX = 'topics/';
export const PRODUCER_IDS_KEY = 'producer-ids';
export const BROKER_STATES_KEY = 'broker-states';
export const BALANCING_CONFIG_KEY = 'balancing-config';
export const REBALANCE_KEY = 'rebalance';
/** Producer ids the controller gives a broker at a time. */
export const PRODUCER_ID_BLOCK = 1000;

export function brokerKey(id: number): string {
  return `${BROKERS_PREFIX}${id}`;
}

/** What a broker publishes about itself while it is alive. */
export interface BrokerRegistration {
  id: number;
  host: string;
  port: number;
  rack: string;
  /** Wall time of the registration, for operators. */
  registeredAtMs: number;
  /**
   * A random id drawn once per broker process. A new registration (new epoch) with the same incarnation
   * is a renewed session, not a restart: the broker kept its memory, so the controller keeps its
   * leaderships and ISR memberships (docs/architecture.md, "Re-registration is not a restart").
   */
  incarnation?: string;
  /** Set by a broker that is stopping: the controller moves leaderships away and assigns it nothing new. */
  shuttingDown?: boolean;
}

/** A live broker as others see it: its registration plus the broker epoch (the key's version). */
export interface LiveBroker extends BrokerRegistration {
  epoch: number;
}

export interface ControllerRecord {
  brokerId: number;
  epoch: number;
}

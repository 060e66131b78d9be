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
 */
export const CLUSTER_ID_KEY = 'cluster/id';
export const BROKERS_PREFIX = 'brokers/';
export const CONTROLLER_KEY = 'controller';
export const CONTROLLER_EPOCH_KEY = 'controller-epoch';
export const TOPICS_PREFIX = 'topics/';
export const PRODUCER_IDS_KEY = 'producer-ids';
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

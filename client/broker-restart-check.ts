/** The answer of AdminService.CheckBrokerRestart (docs/api.md), as `admin.checkBrokerRestart` returns it. */
import type { CheckBrokerRestartResponse__Output } from '../proto/generated/tributary/v1/CheckBrokerRestartResponse.js';
import type { RestartPartition__Output } from '../proto/generated/tributary/v1/RestartPartition.js';

/** One partition named by a restart check (see `checkBrokerRestart`). */
export interface RestartPartition {
  topic: string;
  partition: number;
  isr: number[];
  replicationFactor: number;
  minInsyncReplicas: number;
}

export interface BrokerRestartCheck {
  brokerId: number;
  /** No partition would fall below min.insync.replicas if the broker restarted now. */
  safe: boolean;
  /** The broker is in the ISR of every partition it replicates. */
  caughtUp: boolean;
  unsafe: RestartPartition[];
  /** Replication factor <= min.insync.replicas: never safe, so not blocking; worth a warning. */
  neverSafe: RestartPartition[];
  /** Partitions it replicates without being in their ISR. */
  lagging: RestartPartition[];
  partitions: number;
}

function restartPartition(p: RestartPartition__Output): RestartPartition {
  return {
    topic: p.topic,
    partition: p.partition,
    isr: p.isr,
    replicationFactor: p.replication_factor,
    minInsyncReplicas: p.min_insync_replicas,
  };
}

export function brokerRestartCheck(r: CheckBrokerRestartResponse__Output): BrokerRestartCheck {
  return {
    brokerId: r.broker_id,
    safe: r.safe,
    caughtUp: r.caught_up,
    unsafe: r.unsafe.map(restartPartition),
    neverSafe: r.never_safe.map(restartPartition),
    lagging: r.lagging.map(restartPartition),
    partitions: r.partitions,
  };
}

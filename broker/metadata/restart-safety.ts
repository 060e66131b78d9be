/**
 * Whether one broker may restart now, from topic metadata alone (pure). The operator's roller asks it
 * before each restart (safe?) and after one (caught up?), through AdminService.CheckBrokerRestart.
 *
 * For every partition the broker replicates, with `minIsr` its min.insync.replicas (1 when unset):
 * - never safe: replication factor <= minIsr. Taking any replica away drops acks=all writes below the
 *   minimum however healthy the ISR is, so the partition cannot block a roll (it would block it forever);
 *   it is reported as a warning instead (Strimzi's KafkaRoller skips such topics the same way).
 * - unsafe: the ISR without this broker is smaller than minIsr (acks=all producers would fail, or already
 *   fail, while it restarts).
 * - lagging: the broker is a replica but not in the ISR (it has not caught up since its last start).
 */

import { minInsyncReplicasOf } from './topic-config.js';
import type { TopicRecord } from './topic-registry.js';

export interface RestartPartitionState {
  topic: string;
  partition: number;
  isr: number[];
  replicationFactor: number;
  minInsyncReplicas: number;
}

export interface RestartSafety {
  brokerId: number;
  /** Partitions the broker replicates. */
  partitions: number;
  unsafe: RestartPartitionState[];
  neverSafe: RestartPartitionState[];
  lagging: RestartPartitionState[];
}

/** Lists are capped: a cluster with thousands of blocked partitions needs a count, not every name. */
export const RESTART_LIST_MAX = 100;

export function restartSafety(topics: readonly TopicRecord[], brokerId: number): RestartSafety {
  const out: RestartSafety = { brokerId, partitions: 0, unsafe: [], neverSafe: [], lagging: [] };
  const add = (list: RestartPartitionState[], state: RestartPartitionState) => {
    if (list.length < RESTART_LIST_MAX) list.push(state);
  };
  for (const topic of topics) {
    if (topic.deleting === true) continue;
    const minIsr = minInsyncReplicasOf(topic.configs);
    topic.partitions.forEach((assignment, partition) => {
      if (!assignment.replicas.includes(brokerId)) return;
      out.partitions++;
      const state: RestartPartitionState = {
        topic: topic.name,
        partition,
        isr: [...assignment.isr],
        replicationFactor: topic.replicationFactor,
        minInsyncReplicas: minIsr,
      };
      if (!assignment.isr.includes(brokerId)) add(out.lagging, state);
      if (topic.replicationFactor <= minIsr) add(out.neverSafe, state);
      else if (assignment.isr.filter((id) => id !== brokerId).length < minIsr) add(out.unsafe, state);
    });
  }
  return out;
}

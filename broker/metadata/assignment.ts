import type { PartitionAssignment } from './topic-registry.js';

/**
 * Places `partitionCount` partitions with `replicationFactor` replicas each over `brokerIds`, starting at
 * partition `firstPartition` (so added partitions continue the rotation). Leaders rotate round-robin and
 * each partition's followers are the next brokers in the ring, as Kafka's default placement does. Pure.
 */
export function assignReplicas(
  brokerIds: readonly number[],
  partitionCount: number,
  replicationFactor: number,
  firstPartition = 0,
): PartitionAssignment[] {
  if (brokerIds.length === 0) throw new Error('no brokers to place partitions on');
  if (replicationFactor < 1 || replicationFactor > brokerIds.length) {
    throw new Error(`replication factor ${replicationFactor} needs 1..${brokerIds.length} brokers`);
  }
  const sorted = [...brokerIds].sort((a, b) => a - b);
  const out: PartitionAssignment[] = [];
  for (let i = 0; i < partitionCount; i++) {
    const p = firstPartition + i;
    const replicas = Array.from({ length: replicationFactor }, (_, r) => sorted[(p + r) % sorted.length]!);
    out.push({ replicas, leader: replicas[0]!, leaderEpoch: 0, isr: [...replicas] });
  }
  return out;
}

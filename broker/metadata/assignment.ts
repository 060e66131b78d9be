import type { PartitionRegistration } from './topic-registry.js';

/** A broker as placement sees it; `rack` empty or absent means no rack information. */
export interface PlacementBroker {
  readonly id: number;
  readonly rack?: string;
}

/**
 * Places `partitionCount` partitions with `replicationFactor` replicas each over `brokers`, starting at
 * partition `firstPartition` (so added partitions continue the rotation). Pure and deterministic.
 *
 * Without rack information: leaders rotate round-robin over the brokers sorted by id and each partition's
 * followers are the next brokers in the ring.
 *
 * With racks (any broker names one; a broker without one counts as a rack of its own, ''), Kafka's
 * rack-aware placement: brokers are listed alternating racks (r1-b0, r2-b0, r3-b0, r1-b1, ...), partition p
 * is led by entry p of that list (leaders stay balanced), and followers are taken at a shift that grows by
 * one every full round, skipping a broker whose rack already holds a replica until every rack holds one,
 * and a broker already holding one until every broker does. So a partition spans min(RF, racks) racks.
 */
export function assignReplicas(
  brokers: readonly (number | PlacementBroker)[],
  partitionCount: number,
  replicationFactor: number,
  firstPartition = 0,
): PartitionRegistration[] {
  if (brokers.length === 0) throw new Error('no brokers to place partitions on');
  if (replicationFactor < 1 || replicationFactor > brokers.length) {
    throw new Error(`replication factor ${replicationFactor} needs 1..${brokers.length} brokers`);
  }
  const placement = brokers.map((b) =>
    typeof b === 'number' ? { id: b, rack: '' } : { id: b.id, rack: b.rack ?? '' },
  );
  if (new Set(placement.map((b) => b.id)).size !== placement.length) throw new Error('duplicate broker ids');
  const rackAware = placement.some((b) => b.rack !== '');
  const out: PartitionRegistration[] = [];
  for (let i = 0; i < partitionCount; i++) {
    const p = firstPartition + i;
    const replicas = rackAware
      ? rackAwareReplicas(placement, p, replicationFactor)
      : ringReplicas(
          placement.map((b) => b.id).sort((a, b) => a - b),
          p,
          replicationFactor,
        );
    out.push({ replicas, leader: replicas[0]!, leaderEpoch: 0, isr: [...replicas] });
  }
  return out;
}

function ringReplicas(sorted: readonly number[], p: number, replicationFactor: number): number[] {
  return Array.from({ length: replicationFactor }, (_, r) => sorted[(p + r) % sorted.length]!);
}

function rackAwareReplicas(
  brokers: readonly { id: number; rack: string }[],
  p: number,
  replicationFactor: number,
): number[] {
  const arranged = rackAlternatedList(brokers);
  const rackOf = new Map(brokers.map((b) => [b.id, b.rack]));
  const rackCount = new Set(rackOf.values()).size;
  const n = arranged.length;
  const first = p % n;
  const shift = Math.floor(p / n);
  const leader = arranged[first]!;
  const replicas = [leader];
  const racksUsed = new Set([rackOf.get(leader)!]);
  let k = 0;
  while (replicas.length < replicationFactor) {
    // Kafka's replicaIndex: never lands on `first` itself, cycles through the n-1 others.
    const broker = arranged[(first + 1 + ((shift * rackCount + k) % (n - 1))) % n]!;
    k++;
    const rack = rackOf.get(broker)!;
    const rackOk = !racksUsed.has(rack) || racksUsed.size === rackCount;
    const brokerOk = !replicas.includes(broker);
    if (rackOk && brokerOk) {
      replicas.push(broker);
      racksUsed.add(rack);
    }
    if (k > 2 * n * n) throw new Error('rack-aware placement did not converge'); // unreachable: a bound, not a path
  }
  return replicas;
}

/** Brokers ordered so consecutive entries alternate racks (racks sorted by name, brokers by id within a rack). */
export function rackAlternatedList(brokers: readonly { id: number; rack: string }[]): number[] {
  const byRack = new Map<string, number[]>();
  for (const b of brokers) byRack.set(b.rack, [...(byRack.get(b.rack) ?? []), b.id]);
  const racks = [...byRack.keys()].sort();
  for (const ids of byRack.values()) ids.sort((a, b) => a - b);
  const out: number[] = [];
  for (let round = 0; out.length < brokers.length; round++) {
    for (const rack of racks) {
      const id = byRack.get(rack)![round];
      if (id !== undefined) out.push(id);
    }
  }
  return out;
}

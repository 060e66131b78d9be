import type { LiveBroker } from '../metadata/keys.js';
import { sizeKey } from './balance-input.js';

/** One partition as a broker reports it (AdminService.DescribeLogDirs). */
export interface LocalPartitionSize {
  readonly topic: string;
  readonly partition: number;
  readonly sizeBytes: number;
  readonly leader: boolean;
}

/**
 * Partition sizes for the planner (docs/architecture.md, "Partition balancing"): every registered broker is
 * asked once, at the same time, for the sizes of its own partitions; a partition's size is what its leader
 * reports, or, when the leader did not answer, the largest a replica reports. A broker that fails to answer
 * is skipped (its partitions count what the others say, or 0): a plan from slightly wrong sizes is still
 * correct, only less even in bytes.
 */
export async function surveySizes(
  brokers: readonly LiveBroker[],
  ask: (broker: LiveBroker) => Promise<readonly LocalPartitionSize[]>,
): Promise<Map<string, number>> {
  const answers = await Promise.allSettled(brokers.map((b) => ask(b)));
  const leaders = new Map<string, number>();
  const largest = new Map<string, number>();
  for (const answer of answers) {
    if (answer.status !== 'fulfilled') continue;
    for (const p of answer.value) {
      if (!Number.isSafeInteger(p.sizeBytes) || p.sizeBytes < 0) continue;
      const key = sizeKey(p.topic, p.partition);
      if (p.leader) leaders.set(key, p.sizeBytes);
      largest.set(key, Math.max(largest.get(key) ?? 0, p.sizeBytes));
    }
  }
  for (const [key, size] of largest) if (!leaders.has(key)) leaders.set(key, size);
  return leaders;
}

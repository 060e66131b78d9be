import type { Tributary } from '../../client/index.js';
import { waitFor } from './cluster.js';
import { checkRecords, type RecordFigures, readPartition, Violations } from './fault-checker.js';
import type { RollWorkload } from './roll-workload.js';

/**
 * After a workload (roll-workload.ts) stopped producing: waits until its group processed every acknowledged
 * record, reads the topic back and holds it to the acknowledgements (fault-checker.ts's checkRecords).
 */
export async function checkWorkload(
  client: Tributary,
  workload: RollWorkload,
  topic: string,
  partitions: number,
): Promise<{ figures: RecordFigures; violations: string[] }> {
  await waitFor(
    'every acknowledged record processed by the group',
    () => (workload.acked.every((a) => workload.processed.has(a.id)) ? true : undefined),
    60_000,
  );
  const logs = new Map<number, Awaited<ReturnType<typeof readPartition>>>();
  for (let p = 0; p < partitions; p++) logs.set(p, await readPartition(client, topic, p));
  const v = new Violations();
  return { figures: checkRecords(workload.acked, logs, v), violations: v.list };
}

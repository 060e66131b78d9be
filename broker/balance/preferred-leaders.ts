import { TributaryError } from '../../proto/errors.js';
import type { PartitionResult } from '../../proto/generated/tributary/v1/PartitionResult.js';
import type { Logger } from '../logger.js';
import type { TopicRecord } from '../metadata/topic-registry.js';

export interface LeaderElections {
  readonly topic: string;
  readonly partitions: readonly number[];
}

/**
 * The partitions whose preferred leader (first replica) could lead now and does not, at most `max`, by
 * topic (docs/architecture.md, "Partition balancing": leadership after a plan). Pure.
 *
 * A plan balances leadership by putting each partition's intended leader first and electing it. A broker
 * that was killed meanwhile (the controller killed mid-plan, say) comes back leading nothing: its
 * partitions failed over and nothing elects it again. After a plan, the balancer elects the preferred
 * leader of every partition where that broker `canLead` (registered, not shutting down, not leaving) and
 * is in the ISR, and no reassignment is running (its end elects on its own).
 */
export function leadersToRestore(
  records: readonly TopicRecord[],
  canLead: (brokerId: number) => boolean,
  max: number,
): LeaderElections[] {
  if (!Number.isInteger(max) || max < 0) throw new RangeError(`max must be a whole number, got ${max}`);
  const out: LeaderElections[] = [];
  let count = 0;
  for (const r of records) {
    if (r.deleting) continue;
    const partitions: number[] = [];
    r.partitions.forEach((a, i) => {
      if (count >= max) return;
      const preferred = a.replicas[0];
      if (preferred === undefined || a.leader === preferred) return;
      if ((a.addingReplicas?.length ?? 0) > 0 || (a.removingReplicas?.length ?? 0) > 0) return;
      if (!a.isr.includes(preferred) || !canLead(preferred)) return;
      partitions.push(i);
      count++;
    });
    if (partitions.length > 0) out.push({ topic: r.name, partitions });
  }
  return out;
}

export interface LeaderRestoreDeps {
  readonly controller: {
    topicRecords(): TopicRecord[];
    electLeaders(
      type: 'ELECTION_TYPE_PREFERRED',
      topics: readonly LeaderElections[],
    ): Promise<PartitionResult[]>;
  };
  canLead(brokerId: number): boolean;
  /** Elections per call at most. */
  readonly max: number;
  readonly logger: Logger;
}

/**
 * Elects the partitions `leadersToRestore` finds, after a plan: a broker killed during the plan gets its
 * leaderships back, so the plan's leadership balance holds at its end. Best effort, never in the way of the
 * balancer's step: a refused or failed election is asked again at the next one (only NOT_CONTROLLER, which
 * ends the step anyway, is thrown).
 */
export async function restorePreferredLeaders(deps: LeaderRestoreDeps): Promise<void> {
  const elections = leadersToRestore(deps.controller.topicRecords(), deps.canLead, deps.max);
  if (elections.length === 0) return;
  const results = await deps.controller
    .electLeaders('ELECTION_TYPE_PREFERRED', elections)
    .catch((err: unknown) => {
      if (err instanceof TributaryError && err.reason === 'NOT_CONTROLLER') throw err;
      deps.logger.warn({ err }, 'restoring preferred leaders failed; the next step tries again');
      return undefined;
    });
  if (results === undefined) return;
  const failed = results.filter((r) => r.error !== undefined && r.error !== null).length;
  deps.logger.info(
    { partitions: elections.reduce((n, e) => n + e.partitions.length, 0), failed },
    'preferred leaders restored after the plan',
  );
}

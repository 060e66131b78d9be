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

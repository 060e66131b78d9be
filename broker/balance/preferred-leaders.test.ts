import { describe, expect, it } from 'vitest';
import type { PartitionRegistration, TopicRecord } from '../metadata/topic-registry.js';
import { leadersToRestore } from './preferred-leaders.js';

function topic(name: string, partitions: Array<Partial<PartitionRegistration>>): TopicRecord {
  return {
    name,
    partitions: partitions.map((p) => ({
      replicas: [0, 1, 2],
      leader: 0,
      leaderEpoch: 1,
      isr: [0, 1, 2],
      ...p,
    })),
  } as unknown as TopicRecord;
}

describe('leadersToRestore', () => {
  it('elects a preferred leader that is back in the ISR and may lead, and no other', () => {
    const records = [
      topic('a', [
        { leader: 1 }, // broker 0 back and in sync: restore
        { leader: 0 }, // already preferred
        { leader: 1, isr: [1, 2] }, // broker 0 not in sync yet
        { leader: 1, addingReplicas: [3], replicas: [0, 1, 2, 3] }, // moving: its end elects
      ]),
      topic('b', [
        { replicas: [2, 0, 1], leader: 0 },
        { replicas: [3, 0, 1], leader: 0, isr: [3, 0, 1] },
      ]),
    ];
    const canLead = (id: number) => id !== 3; // broker 3 leaving or gone
    expect(leadersToRestore(records, canLead, 100)).toEqual([
      { topic: 'a', partitions: [0] },
      { topic: 'b', partitions: [0] },
    ]);
    expect(leadersToRestore(records, canLead, 1)).toEqual([{ topic: 'a', partitions: [0] }]);
    expect(leadersToRestore(records, () => false, 100)).toEqual([]);
  });
});

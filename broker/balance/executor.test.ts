import { describe, expect, it } from 'vitest';
import { clusterView, completeReassignment, planReassignment } from '../controller/planning.js';
import type { PartitionRegistration } from '../metadata/topic-registry.js';
import { advancePlan, type ExecutorPort, type IssueError } from './executor.js';
import { MOVE_ATTEMPTS_MAX } from './move-observer.js';
import type { PlannedMove, RebalanceRecord } from './rebalance-record.js';

/**
 * The executor against a fake controller: partitions as registrations, reassignments through the real
 * planReassignment (so adding/removing look as they do in the DCS), completion by hand (`catchUp`).
 */
class FakeCluster implements ExecutorPort {
  readonly partitions = new Map<string, PartitionRegistration>();
  readonly live = new Set([0, 1, 2, 3, 4]);
  readonly issued: string[] = [];
  persisted: RebalanceRecord[] = [];
  failReassign: IssueError | null = null;
  /** How long an unregistered broker has been gone. */
  goneMs = 60_000;
  nowMs = 1000;

  constructor(count: number) {
    for (let p = 0; p < count; p++) {
      this.partitions.set(`t/${p}`, {
        replicas: [0, 1, 2],
        leader: 0,
        leaderEpoch: 0,
        isr: [0, 1, 2],
        partitionEpoch: 0,
      });
    }
  }

  private view() {
    return clusterView([...this.live].map((id) => ({ id, epoch: 1 })));
  }

  partition(topic: string, index: number): PartitionRegistration | undefined {
    return this.partitions.get(`${topic}/${index}`);
  }

  async reassign(topic: string, partition: number, replicas: readonly number[]): Promise<IssueError | null> {
    this.issued.push(`${topic}/${partition}->${replicas.join(',') || 'revert'}`);
    if (this.failReassign !== null) return this.failReassign;
    const key = `${topic}/${partition}`;
    try {
      const change = planReassignment(this.partitions.get(key)!, replicas, this.view());
      if (change !== null) this.partitions.set(key, change.next);
      return null;
    } catch (err) {
      return { reason: (err as { reason: string }).reason, message: (err as Error).message };
    }
  }

  async electPreferred(topic: string, partition: number): Promise<IssueError | null> {
    const key = `${topic}/${partition}`;
    const a = this.partitions.get(key)!;
    this.issued.push(`${key} elect ${a.replicas[0]}`);
    this.partitions.set(key, { ...a, leader: a.replicas[0]!, leaderEpoch: a.leaderEpoch + 1 });
    return null;
  }

  /** The adding replicas join the ISR and the reassignment completes, as the controller would do it. */
  catchUp(partition: number): void {
    const key = `t/${partition}`;
    const a = this.partitions.get(key)!;
    const done = completeReassignment({ ...a, isr: [...a.replicas] }, this.view());
    this.partitions.set(key, done!.next);
  }

  async persist(record: RebalanceRecord): Promise<void> {
    this.persisted.push(structuredClone(record));
  }

  canReceive(id: number): boolean {
    return this.live.has(id);
  }

  isLive(id: number): boolean {
    return this.live.has(id);
  }

  goneForMs(id: number): number {
    return this.live.has(id) ? 0 : this.goneMs;
  }

  now(): number {
    return this.nowMs;
  }
}

function move(partition: number, to: number[]): PlannedMove {
  return {
    kind: 'reassign',
    topic: 't',
    partition,
    from: [0, 1, 2],
    to,
    bytes: 10,
    state: 'pending',
    attempts: 0,
  };
}

function plan(moves: PlannedMove[]): RebalanceRecord {
  return {
    id: 'p1',
    reason: 'test',
    status: 'running',
    startedAtMs: 0,
    moves,
    bytesTotal: moves.length * 10,
    lowerBoundBytes: 0,
    before: [],
    after: [],
    unsatisfiable: [],
    truncated: false,
    round: 0,
  };
}

const options = { movesPerBroker: 1, targetGraceMs: 10_000, leaderMovesPerStepMax: 10 };

describe('advancePlan', () => {
  it('starts what the cap allows, writes the plan before issuing, and finishes moves as they complete', async () => {
    const fake = new FakeCluster(3);
    let record = plan([move(0, [3, 0, 2]), move(1, [3, 1, 2]), move(2, [0, 1, 4])]);
    let step = await advancePlan(record, fake, options);
    // Broker 3 receives the first two moves: one at a time; the third involves 2 and 4.
    expect(step.record.moves.map((m) => m.state)).toEqual(['running', 'pending', 'running']);
    expect(fake.persisted[0]!.moves.map((m) => m.state)).toEqual(['running', 'pending', 'running']);
    expect(fake.issued).toEqual(['t/0->3,0,2', 't/2->0,1,4']);
    expect(fake.partition('t', 0)!.addingReplicas).toEqual([3]);

    fake.catchUp(0);
    record = step.record;
    step = await advancePlan(record, fake, options);
    expect(step.record.moves.map((m) => m.state)).toEqual(['done', 'running', 'running']);
    expect(fake.issued).toContain('t/0 elect 3'); // 0 stayed leader; the plan's preferred leader takes over
    expect(fake.partition('t', 0)!.leader).toBe(3);
    fake.catchUp(1);
    fake.catchUp(2);
    step = await advancePlan(step.record, fake, options);
    expect(step.finished).toBe(true);
    expect(step.record.status).toBe('completed');
    expect(fake.persisted.at(-1)!.status).toBe('completed');
  });

  it('resumes after a failover: a move issued but not recorded as running is found in the registration', async () => {
    const fake = new FakeCluster(1);
    await fake.reassign('t', 0, [3, 1, 2]); // the old controller issued it, then died before writing the plan
    const step = await advancePlan(plan([move(0, [3, 1, 2])]), fake, options);
    expect(step.record.moves[0]!.state).toBe('running');
    expect(fake.issued).toEqual(['t/0->3,1,2']); // not issued twice
  });

  it('issues a vanished move again, a bounded number of times, then fails it', async () => {
    const fake = new FakeCluster(1);
    fake.failReassign = { reason: 'LEADER_NOT_AVAILABLE', message: 'no leader' };
    let record = plan([move(0, [3, 1, 2])]);
    for (let i = 0; i < MOVE_ATTEMPTS_MAX + 1; i++)
      record = (await advancePlan(record, fake, options)).record;
    expect(record.moves[0]).toMatchObject({ state: 'failed', attempts: MOVE_ATTEMPTS_MAX });
    expect(record.moves[0]!.error).toMatch(/LEADER_NOT_AVAILABLE/);
    expect(record.status).toBe('failed');
  });

  it('cancels: running reassignments go back to their original replicas, pending ones never start', async () => {
    const fake = new FakeCluster(2);
    const started = await advancePlan(plan([move(0, [3, 1, 2]), move(1, [3, 1, 2])]), fake, options);
    const step = await advancePlan({ ...started.record, status: 'cancelling' }, fake, options);
    expect(step.record.status).toBe('cancelled');
    expect(step.record.moves.map((m) => m.state)).toEqual(['cancelled', 'cancelled']);
    expect(fake.partition('t', 0)).toMatchObject({ replicas: [0, 1, 2] });
    expect(fake.partition('t', 0)!.addingReplicas).toBeUndefined();
    expect(fake.issued).toEqual(['t/0->3,1,2', 't/0->revert', 't/0->0,1,2']); // the order back, too
  });

  it('lets a move wait while a broker it needs is unregistered, without spending attempts', async () => {
    const fake = new FakeCluster(1);
    fake.live.delete(3);
    fake.goneMs = 1000; // within the grace
    let record = plan([move(0, [3, 1, 2])]);
    for (let i = 0; i < MOVE_ATTEMPTS_MAX + 2; i++)
      record = (await advancePlan(record, fake, options)).record;
    expect(record.moves[0]).toMatchObject({ state: 'pending', attempts: 0 });
    expect(record.status).toBe('running');
    fake.live.add(3);
    record = (await advancePlan(record, fake, options)).record;
    expect(record.moves[0]).toMatchObject({ state: 'running', attempts: 1 });
  });

  it('supersedes itself when a target is gone past the grace: reverts moves to it, lets the others finish', async () => {
    const fake = new FakeCluster(2);
    const options2 = { ...options, movesPerBroker: 2 };
    const started = await advancePlan(plan([move(0, [3, 1, 2]), move(1, [0, 4, 2])]), fake, options2);
    fake.live.delete(3);
    let step = await advancePlan(started.record, fake, options2);
    expect(step.record.status).toBe('superseding');
    expect(step.record.supersededBy).toMatch(/broker 3/);
    expect(step.record.moves.map((m) => m.state)).toEqual(['cancelled', 'running']);
    fake.catchUp(1);
    step = await advancePlan(step.record, fake, options2);
    expect(step.record.status).toBe('superseded');
    expect(step.finished).toBe(true);
  });
});

import { TributaryError } from '../../proto/errors.js';
import type { Error as WireError } from '../../proto/generated/tributary/v1/Error.js';
import type { PartitionResult } from '../../proto/generated/tributary/v1/PartitionResult.js';
import type { Logger } from '../logger.js';
import { CONTROLLER_KEY } from '../metadata/keys.js';
import { type PartitionRegistration, type TopicRecord, unknownTopic } from '../metadata/topic-registry.js';
import { type ControllerElection, type ControllerTerm, notController } from './election.js';
import { assertPartitionInvariants, type PartitionChange, reassignmentInProgress } from './planning.js';
import type { TopicStore } from './topic-store.js';

/** A planned topic document and the partition changes in it (for the decision log). */
export interface TopicDocumentChange {
  record: TopicRecord;
  changes: Array<{ partition: number; change: PartitionChange }>;
}

/** Plans one partition; a TributaryError refuses that partition, null leaves it unchanged. */
export type PartitionPlanner = (a: PartitionRegistration, partition: number) => PartitionChange | null;

/**
 * How the controller changes a topic document: plan against the current copy, check the invariants, write
 * with a compare-and-set guarded by the term's controller key, and on a lost race re-read and plan again
 * (at most `casRetriesMax` times). Every write first checks the term is still current; a failed guard
 * ends the term at once (NOT_CONTROLLER). Every partition change is logged with its old and new state.
 */
export class TopicWriter {
  constructor(
    private readonly store: TopicStore,
    private readonly election: ControllerElection,
    private readonly logger: Logger,
    private readonly casRetriesMax: number,
  ) {}

  assertTerm(term: ControllerTerm): void {
    if (this.election.term !== term) throw notController();
  }

  /** Writes `record` if its document is at `expectedVersion` (0: absent); 'conflict' if it was not. */
  async write(
    term: ControllerTerm,
    record: TopicRecord,
    expectedVersion: number,
  ): Promise<'ok' | 'conflict'> {
    this.assertTerm(term);
    for (const a of record.partitions) assertPartitionInvariants(a);
    return this.guarded(() => this.store.write(record, expectedVersion, guardOf(term)));
  }

  /** `plan` gets a private copy of the document and returns null for "no change". */
  async mutate(
    term: ControllerTerm,
    name: string,
    plan: (record: TopicRecord) => TopicDocumentChange | null,
  ): Promise<TopicRecord> {
    for (let attempt = 0; attempt < this.casRetriesMax; attempt++) {
      this.assertTerm(term);
      const entry = this.store.entry(name);
      if (entry === undefined) throw unknownTopic(name);
      const planned = plan(structuredClone(entry.record));
      if (planned === null) return entry.record;
      if ((await this.write(term, planned.record, entry.version)) === 'ok') {
        this.logChanges(name, entry.record, planned);
        return planned.record;
      }
    }
    throw new TributaryError('TOO_MANY_REQUESTS', `topic ${name} kept changing; gave up after retries`);
  }

  /** `mutate` over some partitions; the first refused partition refuses the whole request. */
  mutatePartitions(
    term: ControllerTerm,
    name: string,
    partitions: readonly number[],
    plan: PartitionPlanner,
  ): Promise<TopicRecord> {
    return this.mutate(term, name, (r) => {
      assertNotDeleting(r);
      const planned = planEach(r, partitions, plan);
      for (const err of planned.errors.values()) throw err;
      return planned.plan;
    });
  }

  /** `mutate` over some partitions, with one result (error or none) per partition. */
  async perPartition(
    term: ControllerTerm,
    topic: string,
    partitions: readonly number[],
    plan: PartitionPlanner,
  ): Promise<PartitionResult[]> {
    let errors = new Map<number, unknown>();
    try {
      await this.mutate(term, topic, (r) => {
        assertNotDeleting(r);
        const planned = planEach(r, partitions, plan);
        errors = planned.errors;
        return planned.plan;
      });
    } catch (err) {
      return partitions.map((partition) => ({ topic, partition, error: wireErrorOf(err) }));
    }
    return partitions.map((partition) => ({
      topic,
      partition,
      error: errors.has(partition) ? wireErrorOf(errors.get(partition)) : null,
    }));
  }

  /** Removes a document marked `deleting` (gone already: done). */
  async remove(term: ControllerTerm, name: string): Promise<void> {
    for (let attempt = 0; attempt < this.casRetriesMax; attempt++) {
      this.assertTerm(term);
      const entry = this.store.entry(name);
      if (entry === undefined) return;
      if (!entry.record.deleting) {
        throw new TributaryError('TOO_MANY_REQUESTS', `topic ${name} changed during its deletion`);
      }
      if ((await this.guarded(() => this.store.remove(name, entry.version, guardOf(term)))) === 'ok') {
        this.logger.info({ topic: name }, 'topic deleted');
        return;
      }
    }
    throw new TributaryError('TOO_MANY_REQUESTS', `topic ${name} kept changing; gave up after retries`);
  }

  private async guarded<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (err instanceof TributaryError && err.reason === 'NOT_CONTROLLER') {
        this.election.depose('a write guard failed');
      }
      throw err;
    }
  }

  private logChanges(topic: string, before: TopicRecord, planned: TopicDocumentChange): void {
    for (const { partition, change } of planned.changes) {
      const old = before.partitions[partition];
      this.logger.info(
        {
          topic,
          partition,
          old: old === undefined ? null : partitionSummary(old),
          new: partitionSummary(change.next),
          reasons: change.reasons,
        },
        'partition changed',
      );
    }
  }
}

function guardOf(term: ControllerTerm): { key: string; version: number } {
  return { key: CONTROLLER_KEY, version: term.keyVersion };
}

/**
 * Applies `plan` to each listed partition of the private copy `r`; a TributaryError refuses that partition
 * only (collected in `errors`). The plan is null when no partition changed.
 */
export function planEach(
  r: TopicRecord,
  partitions: Iterable<number>,
  plan: PartitionPlanner,
): { plan: TopicDocumentChange | null; errors: Map<number, unknown> } {
  const changes: TopicDocumentChange['changes'] = [];
  const errors = new Map<number, unknown>();
  for (const p of partitions) {
    try {
      const a = r.partitions[p];
      if (a === undefined)
        throw new TributaryError('UNKNOWN_PARTITION', `topic ${r.name} has no partition ${p}`);
      const change = plan(a, p);
      if (change === null) continue;
      r.partitions[p] = change.next;
      changes.push({ partition: p, change });
    } catch (err) {
      if (!(err instanceof TributaryError)) throw err;
      errors.set(p, err);
    }
  }
  return { plan: changes.length > 0 ? { record: r, changes } : null, errors };
}

export function assertNotDeleting(r: TopicRecord): void {
  if (r.deleting) throw unknownTopic(r.name);
}

function partitionSummary(a: PartitionRegistration): Record<string, unknown> {
  return {
    leader: a.leader,
    leaderEpoch: a.leaderEpoch,
    partitionEpoch: a.partitionEpoch ?? 0,
    isr: a.isr,
    replicas: a.replicas,
    ...(reassignmentInProgress(a)
      ? { adding: a.addingReplicas ?? [], removing: a.removingReplicas ?? [] }
      : {}),
  };
}

/** Any failure as a wire Error (unexpected ones as INTERNAL). */
export function wireErrorOf(err: unknown): WireError {
  const e =
    err instanceof TributaryError
      ? err
      : new TributaryError('INTERNAL', err instanceof Error ? err.message : String(err), { cause: err });
  return { code: e.code, reason: e.reason, message: e.message, retriable: e.retriable };
}

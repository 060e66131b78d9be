/**
 * The checker of the fault suite. After a fault is healed and the workload stopped, it waits for the
 * cluster to converge (every partition's ISR full again, every replica at the same log end and high
 * watermark), reads every partition back through the SDK consumer, then freezes the brokers (kill -9:
 * nothing is being written any more, and the page cache holds every byte) and reads each replica's
 * segment files straight from its data directory. It asserts:
 *
 * 1. every acknowledged record is readable, exactly once, at its acknowledged offset, in its partition;
 * 2. per producer and partition, acknowledged records sit in send order;
 * 3. no id appears twice anywhere (the workload sends each id once, so a duplicate is the cluster's);
 * 4. no two brokers acknowledged writes as leader in the same epoch (epoch -> leader is a function, per
 *    partition), and each acknowledged write sits in a batch stamped with the epoch it was acknowledged in;
 * 5. the logs of the in-sync replicas are byte-identical up to the high watermark (batch headers, so
 *    leader epochs, included), every batch passes its CRC, offsets are dense;
 * 6. what the consumer read equals what the leader's files hold.
 *
 * Violations are collected as sentences (the first few of each kind) rather than thrown one by one, so a
 * failing run shows the whole picture.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tributary } from '../../client/index.js';
import type { ClientTls } from '../../kit/tls.js';
import { decodeBatches, scanLog } from '../../proto/codec/index.js';
import { waitFor } from './cluster.js';
import type { ClusterView, FaultCluster, PartitionView } from './fault-cluster.js';
import { type AckedRecord, failureCounts, idOf, parseId, type WorkloadResult } from './fault-workload.js';

export interface FaultReport extends RecordFigures {
  fault: string;
  acked: number;
  failed: number;
  failures: Record<string, number>;
  unsettled: number;
  /** Batches the idempotent SDK producer sent again: each a chance to duplicate that must not. */
  sdkRetries: number;
  /** Per partition: leader epoch at the start and at the end, and the leaders that acknowledged writes. */
  epochs: Array<{ partition: number; first: number; last: number; ackLeaders: Record<string, number> }>;
  epochConflicts: number;
  replicaMismatches: number;
  /** Anything else the case itself observed (zombie answers, recovery path, ...). */
  notes: Record<string, unknown>;
  violations: string[];
}

const VIOLATIONS_PER_KIND_MAX = 5;

export class Violations {
  readonly list: string[] = [];
  private readonly perKind = new Map<string, number>();

  add(kind: string, text: string): void {
    const n = (this.perKind.get(kind) ?? 0) + 1;
    this.perKind.set(kind, n);
    if (n <= VIOLATIONS_PER_KIND_MAX) this.list.push(`${kind}: ${text}`);
    else if (n === VIOLATIONS_PER_KIND_MAX + 1) this.list.push(`${kind}: ... (more)`);
  }
}

/**
 * Waits until every broker describes every partition with a leader, the full replica set in the ISR, the
 * same leader epoch, and its own replica at the leader's log end with the high watermark there too.
 * Call it with the workload stopped (otherwise the log ends keep moving).
 */
export async function waitConverged(
  view: ClusterView,
  cluster: FaultCluster,
  topic: string,
  timeoutMs = 60_000,
): Promise<PartitionView[]> {
  const ids = [...Array(cluster.size).keys()];
  let last = '';
  try {
    return await waitFor(
      'the cluster to converge (full ISR, equal log ends, high watermark at the log end)',
      async () => {
        const answers = await Promise.all(ids.map((id) => view.describeFrom(id, topic)));
        const reference = answers[0]!;
        for (const p of reference) {
          const views = answers.map((a) => a.find((x) => x.partition === p.partition));
          const states = views.map(
            (v, id) =>
              `b${id}: leader ${v?.leader} epoch ${v?.leader_epoch} isr [${v?.isr.join(',')}] leo ${v?.log_end_offset} hw ${v?.high_watermark}`,
          );
          last = `partition ${p.partition}: ${states.join('; ')}`;
          if (p.leader < 0 || p.isr.length !== p.replicas.length) return undefined;
          for (const v of views) {
            if (v === undefined || v.leader !== p.leader || v.leader_epoch !== p.leader_epoch)
              return undefined;
            if (v.isr.length !== p.replicas.length) return undefined;
          }
          const leaderView = views[p.leader]!;
          for (const v of views) {
            if (v!.log_end_offset !== leaderView.log_end_offset) return undefined;
            if (v!.high_watermark !== v!.log_end_offset) return undefined;
          }
        }
        return reference;
      },
      timeoutMs,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\nlast seen: ${last}`);
  }
}

/**
 * Creates `topic` with replication factor 3 and `min.insync.replicas` 2 (one broker may be lost without
 * losing acks=all writes), and waits until it converged; answers its partitions as they converged.
 */
export async function createFaultTopic(
  cluster: FaultCluster,
  view: ClusterView,
  topic: string,
  partitions: number,
): Promise<PartitionView[]> {
  const admin = new Tributary({
    bootstrap: cluster.bootstrap(),
    requestTimeoutMs: 15_000,
    ...tlsOf(cluster),
  });
  try {
    await admin.admin().createTopic({
      name: topic,
      partitions,
      replicationFactor: 3,
      configs: { 'min.insync.replicas': '2' },
    });
  } finally {
    admin.close();
  }
  return waitConverged(view, cluster, topic, 60_000);
}

export interface ReadRecord {
  offset: number;
  id: string;
}

/** Every record of `partition` from the log start to the high watermark, through the SDK consumer. */
export async function readPartition(
  client: Tributary,
  topic: string,
  partition: number,
): Promise<ReadRecord[]> {
  const consumer = client.consumer();
  const out: ReadRecord[] = [];
  try {
    for await (const r of consumer.consume({ topic, partition, from: 'earliest' })) {
      out.push({ offset: r.offset, id: idOf(r.value) });
    }
  } finally {
    await consumer.close();
  }
  return out;
}

export interface DiskBatch {
  baseOffset: number;
  lastOffset: number;
  epoch: number;
  bytes: Buffer;
}

/** The batches of one replica's partition log below `hw`, from its segment files, CRCs checked. */
function readReplicaLog(
  cluster: FaultCluster,
  broker: number,
  topic: string,
  partition: number,
  hw: number,
  v: Violations,
): DiskBatch[] {
  const dir = join(cluster.brokerDir(broker), 'logs', `${topic}-${partition}`);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort();
  const out: DiskBatch[] = [];
  for (const f of files) {
    const buf = readFileSync(join(dir, f));
    const scan = scanLog(buf, 0, { verifyCrc: true });
    if (scan.status !== 'complete') {
      v.add(
        'replica log damaged',
        `broker ${broker} ${topic}-${partition}/${f}: ${scan.status} at byte ${scan.endPosition} of ${buf.length} (${scan.reason ?? ''})`,
      );
    }
    for (const b of scan.batches) {
      if (b.lastOffset >= hw) continue;
      out.push({
        baseOffset: b.baseOffset,
        lastOffset: b.lastOffset,
        epoch: b.partitionLeaderEpoch,
        bytes: buf.subarray(b.position, b.position + b.sizeBytes),
      });
    }
  }
  return out;
}

export interface CheckOptions {
  fault: string;
  cluster: FaultCluster;
  view: ClusterView;
  result: WorkloadResult;
  /** The partitions as described before the fault (for the epoch figures). */
  initial: PartitionView[];
  notes?: Record<string, unknown>;
  convergeTimeoutMs?: number;
}

/** What the checks of acknowledged records found (the figures of a FaultReport). */
export interface RecordFigures {
  read: number;
  lost: number;
  duplicated: number;
  misplaced: number;
  reordered: number;
  unackedPresent: number;
}

/**
 * Checks 1-3 against what was read back (`logs`: per partition, the records from the log start on):
 * every acknowledged id once, at its acknowledged partition and offset; no id twice anywhere; per
 * producer and partition, acknowledged records in send order; nothing that was never sent.
 */
export function checkRecords(
  acked: readonly AckedRecord[],
  logs: ReadonlyMap<number, readonly ReadRecord[]>,
  v: Violations,
): RecordFigures {
  const where = new Map<string, Array<{ partition: number; offset: number }>>();
  let read = 0;
  for (const [partition, records] of logs) {
    for (const r of records) {
      read++;
      const list = where.get(r.id);
      if (list === undefined) where.set(r.id, [{ partition, offset: r.offset }]);
      else list.push({ partition, offset: r.offset });
    }
  }
  const at = (found: Array<{ partition: number; offset: number }>) =>
    found.map((f) => `${f.partition}@${f.offset}`).join(', ');
  let lost = 0;
  let misplaced = 0;
  for (const a of acked) {
    const found = where.get(a.id);
    if (found === undefined) {
      lost++;
      v.add('lost', `${a.id} acknowledged at ${a.partition}@${a.offset} is not in the log`);
    } else if (found[0]!.partition !== a.partition || found[0]!.offset !== a.offset) {
      misplaced++;
      v.add('misplaced', `${a.id} acknowledged at ${a.partition}@${a.offset}, found at ${at(found)}`);
    }
  }
  let duplicated = 0;
  for (const [id, found] of where) {
    if (found.length > 1) {
      duplicated++;
      v.add('duplicated', `${id} appears ${found.length} times: ${at(found)}`);
    }
  }
  let reordered = 0;
  const byStream = new Map<string, AckedRecord[]>();
  for (const a of acked) {
    const key = `${a.producer}/${a.partition}`;
    const list = byStream.get(key) ?? [];
    byStream.set(key, list);
    list.push(a);
  }
  for (const [key, list] of byStream) {
    const bySeq = [...list].sort((x, y) => x.seq - y.seq);
    for (let i = 1; i < bySeq.length; i++) {
      const prev = bySeq[i - 1]!;
      const cur = bySeq[i]!;
      if (cur.offset <= prev.offset) {
        reordered++;
        v.add(
          'reordered',
          `${key}: ${cur.id} at offset ${cur.offset} is not after ${prev.id} at ${prev.offset}`,
        );
      }
    }
  }
  const ackedIds = new Set(acked.map((a) => a.id));
  let unackedPresent = 0;
  for (const id of where.keys()) {
    if (ackedIds.has(id)) continue;
    unackedPresent++;
    const { producer, seq } = parseId(id);
    if (producer === '' || !Number.isSafeInteger(seq))
      v.add('foreign', `a record with value ${id} was never sent`);
  }
  return { read, lost, duplicated, misplaced, reordered, unackedPresent };
}

/**
 * Check 4, first half: per partition, the leader epochs of acknowledged writes map to one leader each.
 * Answers, per partition, epoch -> the broker that acknowledged in it.
 */
export function checkEpochLeaders(
  acked: readonly AckedRecord[],
  partition: number,
  v: Violations,
): { conflicts: number; ackLeaders: Record<string, number> } {
  const leadersByEpoch = new Map<number, Set<number>>();
  for (const a of acked) {
    if (a.partition !== partition || a.leaderEpoch === undefined) continue;
    const set = leadersByEpoch.get(a.leaderEpoch) ?? new Set<number>();
    leadersByEpoch.set(a.leaderEpoch, set);
    set.add(a.leaderId!);
  }
  let conflicts = 0;
  const ackLeaders: Record<string, number> = {};
  for (const [epoch, set] of [...leadersByEpoch].sort((x, y) => x[0] - y[0])) {
    if (set.size > 1) {
      conflicts++;
      v.add(
        'epoch',
        `partition ${partition} epoch ${epoch} was acknowledged by brokers ${[...set].join(' and ')}`,
      );
    }
    ackLeaders[String(epoch)] = [...set][0]!;
  }
  return { conflicts, ackLeaders };
}

/**
 * Checks 4 (second half), 5 and 6 for one partition: the leader's batches below `hw` are dense from 0 and
 * end at `hw`; every other replica holds the same bytes; each acknowledgement that carries an epoch sits
 * in a batch stamped with it; the consumer read (`consumed`) what the leader's files hold. Answers the
 * number of replicas that differ.
 */
export function checkReplicas(
  partition: number,
  leader: number,
  hw: number,
  replicaLogs: ReadonlyMap<number, readonly DiskBatch[]>,
  acked: readonly AckedRecord[],
  consumed: readonly ReadRecord[],
  v: Violations,
): number {
  const reference = replicaLogs.get(leader) ?? [];
  let expected = 0;
  for (const b of reference) {
    if (b.baseOffset !== expected) {
      v.add(
        'dense',
        `leader ${leader} partition ${partition}: batch at ${b.baseOffset}, expected ${expected}`,
      );
    }
    expected = b.lastOffset + 1;
  }
  if (expected !== hw)
    v.add('dense', `leader ${leader} partition ${partition} ends at ${expected}, hw ${hw}`);
  let mismatches = 0;
  const describe = (b: DiskBatch | undefined) =>
    b ? `${b.baseOffset}..${b.lastOffset} epoch ${b.epoch}` : 'nothing';
  for (const [r, other] of replicaLogs) {
    if (r === leader) continue;
    const n = Math.max(other.length, reference.length);
    for (let i = 0; i < n; i++) {
      const a = reference[i];
      const b = other[i];
      if (a !== undefined && b !== undefined && a.bytes.equals(b.bytes)) continue;
      mismatches++;
      v.add(
        'replicas differ',
        `partition ${partition} batch ${i}: leader ${leader} has ${describe(a)}, broker ${r} has ${describe(b)}`,
      );
      break;
    }
  }
  for (const a of acked) {
    if (a.partition !== partition || a.leaderEpoch === undefined) continue;
    const batch = reference.find((b) => b.baseOffset <= a.offset && a.offset <= b.lastOffset);
    if (batch !== undefined && batch.epoch !== a.leaderEpoch) {
      v.add(
        'epoch',
        `${a.id} acknowledged by broker ${a.leaderId} in epoch ${a.leaderEpoch} sits in a batch of epoch ${batch.epoch}`,
      );
    }
  }
  const onDisk = decodeBatches(Buffer.concat(reference.map((b) => b.bytes)));
  if (onDisk.length !== consumed.length) {
    v.add(
      'read',
      `partition ${partition}: the leader's files hold ${onDisk.length} records, the consumer read ${consumed.length}`,
    );
  }
  for (let i = 0; i < Math.min(onDisk.length, consumed.length); i++) {
    const d = onDisk[i]!;
    const c = consumed[i]!;
    if (d.offset !== c.offset || idOf(d.value) !== c.id) {
      v.add(
        'read',
        `partition ${partition}: file has ${idOf(d.value)}@${d.offset}, consumer read ${c.id}@${c.offset}`,
      );
      break;
    }
  }
  return mismatches;
}

/** Converges, reads back, freezes the brokers and runs every check listed at the top of this file. */
export async function checkCluster(opts: CheckOptions): Promise<FaultReport> {
  const { cluster, view, result } = opts;
  const { topic } = result;
  const v = new Violations();
  const final = await waitConverged(view, cluster, topic, opts.convergeTimeoutMs);

  const client = new Tributary({
    bootstrap: cluster.bootstrap(),
    requestTimeoutMs: 10_000,
    ...tlsOf(cluster),
  });
  const logs = new Map<number, ReadRecord[]>();
  try {
    for (const p of final) logs.set(p.partition, await readPartition(client, topic, p.partition));
  } finally {
    client.close();
  }
  // Freeze: nothing is written any more, and kill -9 keeps every written byte (the page cache).
  for (let id = 0; id < cluster.size; id++) await cluster.kill(id);

  for (const p of final) {
    const n = logs.get(p.partition)?.length ?? 0;
    const hw = Number(p.high_watermark);
    if (n !== hw) v.add('read', `partition ${p.partition}: read ${n} records, high watermark is ${hw}`);
  }
  const figures = checkRecords(result.acked, logs, v);
  let epochConflicts = 0;
  let replicaMismatches = 0;
  const epochs: FaultReport['epochs'] = [];
  for (const p of final) {
    const { conflicts, ackLeaders } = checkEpochLeaders(result.acked, p.partition, v);
    epochConflicts += conflicts;
    const first = opts.initial.find((x) => x.partition === p.partition)?.leader_epoch ?? -1;
    epochs.push({ partition: p.partition, first, last: p.leader_epoch, ackLeaders });
    const hw = Number(p.high_watermark);
    const replicaLogs = new Map(
      p.replicas.map((r) => [r, readReplicaLog(cluster, r, topic, p.partition, hw, v)]),
    );
    replicaMismatches += checkReplicas(
      p.partition,
      p.leader,
      hw,
      replicaLogs,
      result.acked,
      logs.get(p.partition) ?? [],
      v,
    );
  }

  return {
    fault: opts.fault,
    acked: result.acked.length,
    failed: result.failed.length,
    failures: failureCounts(result.failed),
    unsettled: result.unsettled.length,
    sdkRetries: result.sdkRetries,
    ...figures,
    epochs,
    epochConflicts,
    replicaMismatches,
    notes: opts.notes ?? {},
    violations: v.list,
  };
}

/** One line per figure, for the CI output. */
export function printReport(report: FaultReport): void {
  const epochs = report.epochs
    .map((e) => `p${e.partition} epoch ${e.first}->${e.last} (acked by ${JSON.stringify(e.ackLeaders)})`)
    .join('; ');
  console.log(
    [
      `[fault] ${report.fault}`,
      `  acknowledged ${report.acked}, failed ${report.failed} ${JSON.stringify(report.failures)}, unsettled ${report.unsettled}, SDK retries ${report.sdkRetries}`,
      `  read back ${report.read}: lost ${report.lost}, duplicated ${report.duplicated}, misplaced ${report.misplaced}, reordered ${report.reordered}, unacknowledged but present ${report.unackedPresent}`,
      `  leaders: ${epochs}; epoch conflicts ${report.epochConflicts}; replica mismatches ${report.replicaMismatches}`,
      `  notes: ${JSON.stringify(report.notes)}`,
      `  result: ${report.violations.length === 0 ? 'PASS' : `FAIL\n    ${report.violations.join('\n    ')}`}`,
    ].join('\n'),
  );
}

/** The SDK option that makes a client of `cluster` speak its TLS, if it has any. */
export function tlsOf(cluster: Pick<FaultCluster, 'tls'>): { tls?: ClientTls } {
  return cluster.tls === undefined ? {} : { tls: cluster.tls };
}

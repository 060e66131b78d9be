/**
 * Consumer groups under faults, on three real brokers with a real etcd. Member processes (see
 * group-member-process.ts) join, leave and are killed with kill -9 while an idempotent producer writes;
 * the group's coordinator broker and a partition leader are killed too. Then a checker reads every log:
 *
 * - storage: every acknowledged record is in the topic exactly once, and no record at all is there twice
 *   (the idempotent producer across leader failovers);
 * - processing: every stored record was processed by some member at least once;
 * - ownership: a partition is never owned by two members at once, except when one of them was fenced
 *   (its interval ends in `lost`); every processed record falls inside its member's ownership;
 * - commits: committed offsets sampled during the run never go backwards (a coordinator failover loses
 *   none), and once the members are stopped the lag `group describe` reports is exactly what a consumer
 *   then reads from the committed offsets.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offsetsPartitionFor } from '../../broker/groups/coordinator.js';
import { Tributary } from '../../client/index.js';
import { REPO_ROOT } from '../helpers/broker-process.js';
import { startTestCluster, type TestCluster, waitFor } from '../helpers/cluster.js';

const TOPIC = 'jobs';
const GROUP = 'workers';
const PARTITIONS = 6;
const MEMBER_ENTRY = join(REPO_ROOT, 'dist', 'test', 'helpers', 'group-member-process.js');

let cluster: TestCluster;
let client: Tributary;
let logDir: string;

interface Member {
  name: string;
  child: ChildProcess;
  log: string;
  /** When the test killed it with SIGKILL (its ownership ends there). */
  killedAtMs?: number;
}
const members: Member[] = [];

beforeAll(async () => {
  cluster = await startTestCluster({
    brokerArgs: [
      '--set',
      'offsetsTopicPartitions=3',
      '--set',
      'groupHeartbeatIntervalMs=200',
      '--set',
      'groupSessionTimeoutMs=3000',
      '--set',
      'replicaFetchBackoffMs=50',
    ],
  });
  client = new Tributary({ bootstrap: cluster.bootstrap() });
  await client.admin().createTopic({
    name: TOPIC,
    partitions: PARTITIONS,
    replicationFactor: 3,
    configs: { 'min.insync.replicas': '2' },
  });
  logDir = mkdtempSync(join(tmpdir(), 'tributary-group-fault-'));
}, 120_000);

afterAll(async () => {
  for (const m of members) if (m.child.exitCode === null) m.child.kill('SIGKILL');
  client?.close();
  await cluster?.destroy();
  if (logDir) rmSync(logDir, { recursive: true, force: true });
});

const until = (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000) =>
  waitFor(what, async () => ((await check()) ? true : undefined), timeoutMs);

function startMember(name: string): Member {
  const log = join(logDir, `${name}.jsonl`);
  const child = spawn(process.execPath, [MEMBER_ENTRY], {
    env: { ...process.env, BOOTSTRAP: cluster.bootstrap(), GROUP, TOPIC, LOG: log },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const m: Member = { name, child, log };
  members.push(m);
  return m;
}

async function kill9(m: Member): Promise<void> {
  m.killedAtMs = Date.now();
  const exited = new Promise((r) => m.child.once('exit', r));
  m.child.kill('SIGKILL');
  await exited;
}

async function stopGracefully(m: Member): Promise<void> {
  const exited = new Promise<number | null>((r) => m.child.once('exit', (code) => r(code)));
  m.child.kill('SIGTERM');
  expect(await exited).toBe(0);
}

/** The group is stable with exactly these live members, each owning something. */
async function stableWith(count: number): Promise<void> {
  await until(
    `a stable group of ${count}`,
    async () => {
      const d = await client.admin().describeGroupMembers(GROUP);
      return (
        d.state === 'stable' && d.members.length === count && d.members.every((m) => m.assignment.length > 0)
      );
    },
    45_000,
  );
}

type Line =
  | { e: 'assigned' | 'revoked' | 'lost'; ps: number[]; t: number; epoch: number }
  | { e: 'rec'; p: number; o: number; id: string; t: number; epoch: number }
  | { e: 'started' | 'error'; t: number; message?: string };

function readLog(m: Member): Line[] {
  let text = '';
  try {
    text = readFileSync(m.log, 'utf8');
  } catch {
    return [];
  }
  // A kill -9 can cut the last line short: ignore a torn tail.
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Line];
      } catch {
        return [];
      }
    });
}

/** Reads every partition from the start to its end: the stored ids, in order. */
async function readAll(): Promise<Map<number, Array<{ offset: number; id: string }>>> {
  const ends = await client.admin().listOffsets(TOPIC, 'latest');
  const consumer = client.consumer();
  await consumer.assign({ topic: TOPIC, from: 'earliest' });
  const out = new Map<number, Array<{ offset: number; id: string }>>();
  const remaining = new Map(ends.map((e) => [e.partition, e.offset]));
  for (const [p, end] of remaining) if (end === 0) remaining.delete(p);
  while (remaining.size > 0) {
    const r = await consumer.next({ signal: AbortSignal.timeout(30_000) });
    if (r === undefined) throw new Error('reading the topic timed out');
    const list = out.get(r.partition) ?? [];
    list.push({ offset: r.offset, id: r.value!.toString() });
    out.set(r.partition, list);
    if (r.offset + 1 >= (remaining.get(r.partition) ?? 0)) remaining.delete(r.partition);
  }
  await consumer.close();
  return out;
}

describe('consumer groups under faults', () => {
  it('members join, leave and die, brokers fail over: records stored once, processed at least once, one owner at a time, no commit lost', async () => {
    const admin = client.admin();
    const a = startMember('a');
    const b = startMember('b');
    await stableWith(2);

    // An idempotent, acks=all producer writes until told to stop; failed sends are retried by the SDK.
    const producer = client.producer();
    const acked = new Set<string>();
    let sent = 0;
    let stopProducing = false;
    const producing = (async () => {
      while (!stopProducing) {
        const ids = Array.from({ length: 20 }, () => `r${sent++}`);
        try {
          await producer.send({ topic: TOPIC, messages: ids.map((id) => ({ key: id, value: id })) });
          for (const id of ids) acked.add(id);
        } catch {
          // Not acknowledged: may or may not be stored; the checker only requires "at most once".
        }
        await new Promise((r) => setTimeout(r, 15));
      }
    })();

    // Committed offsets must never go backwards, whatever happens.
    const regressions: string[] = [];
    const highest = new Map<number, number>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        try {
          for (const c of await admin.fetchGroupOffsets(GROUP)) {
            const before = highest.get(c.partition) ?? -1;
            if (c.offset < before) regressions.push(`p${c.partition}: ${before} -> ${c.offset}`);
            highest.set(c.partition, Math.max(before, c.offset));
          }
        } catch {
          // The coordinator may be moving.
        }
        await new Promise((r) => setTimeout(r, 300));
      }
    })();

    await until('records flowing', () => acked.size >= 500);
    // A member joins.
    const c = startMember('c');
    await stableWith(3);
    // A member dies: its partitions move after its session times out.
    await kill9(b);
    await stableWith(2);
    // The coordinator's broker dies: members are fenced, rejoin at the new coordinator.
    const { partitions: offsetPartitions } = await admin.describeTopic('__consumer_offsets');
    const coordinator = offsetPartitions[offsetsPartitionFor(GROUP, offsetPartitions.length)]!.leader;
    await cluster.kill(coordinator);
    await stableWith(2);
    await cluster.start(coordinator);
    // A member joins and another leaves cleanly.
    const d = startMember('d');
    await stableWith(3);
    await stopGracefully(a);
    await stableWith(2);
    // A partition leader dies while everything runs.
    const leader = (await admin.describeTopic(TOPIC)).partitions[0]!.leader;
    const ackedAtKill = acked.size;
    await cluster.kill(leader);
    await until('more records after the leader failover', () => acked.size >= ackedAtKill + 1000, 60_000);
    await cluster.start(leader);

    stopProducing = true;
    await producing;
    await producer.close();
    // The remaining members finish everything: the lag goes to zero.
    await until(
      'the group to catch up',
      async () => {
        const lag = await admin.describeGroup(GROUP);
        return lag.length === PARTITIONS && lag.every((l) => l.lag === 0);
      },
      90_000,
    );
    await stopGracefully(c);
    await stopGracefully(d);
    sampling = false;
    await sampler;

    // --- storage: exactly once
    const stored = await readAll();
    const storedIds = [...stored.values()].flat().map((r) => r.id);
    const counts = new Map<string, number>();
    for (const id of storedIds) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    expect([...acked].filter((id) => !counts.has(id))).toEqual([]);

    // --- processing: at least once, inside ownership
    const logs = members.map((m) => ({ m, lines: readLog(m) }));
    expect(logs.flatMap(({ lines }) => lines.filter((l) => l.e === 'error'))).toEqual([]);
    const processedLines = logs.flatMap(({ lines }) => lines.flatMap((l) => (l.e === 'rec' ? [l.id] : [])));
    const processed = new Set(processedLines);
    expect(storedIds.filter((id) => !processed.has(id))).toEqual([]);

    // Ownership intervals per member and partition.
    interface Interval {
      member: string;
      partition: number;
      start: number;
      end: number;
      how: string;
    }
    const intervals: Interval[] = [];
    const outside: string[] = [];
    for (const { m, lines } of logs) {
      const open = new Map<number, number>();
      const endOfLife = m.killedAtMs ?? Math.max(...lines.map((l) => l.t));
      for (const l of lines) {
        if (l.e === 'assigned') for (const p of l.ps) open.set(p, l.t);
        else if (l.e === 'revoked' || l.e === 'lost') {
          for (const p of l.ps) {
            intervals.push({ member: m.name, partition: p, start: open.get(p) ?? 0, end: l.t, how: l.e });
            open.delete(p);
          }
        } else if (l.e === 'rec' && !open.has(l.p)) {
          outside.push(`${m.name} processed p${l.p}@${l.o} while not owning it`);
        }
      }
      for (const [p, start] of open) {
        intervals.push({ member: m.name, partition: p, start, end: endOfLife, how: 'end' });
      }
    }
    expect(outside).toEqual([]);
    const overlaps: string[] = [];
    for (const x of intervals) {
      for (const y of intervals) {
        if (x === y || x.member >= y.member || x.partition !== y.partition) continue;
        const overlap = x.start < y.end && y.start < x.end;
        if (overlap && x.how !== 'lost' && y.how !== 'lost') {
          overlaps.push(`p${x.partition}: ${JSON.stringify(x)} and ${JSON.stringify(y)}`);
        }
      }
    }
    expect(overlaps).toEqual([]);
    // The faults did what they should: partitions moved between members. (Members are fenced, `lost`,
    // only when they miss their session: the coordinator failover takes them back with what they own.)
    const lostCount = intervals.filter((i) => i.how === 'lost').length;
    const revokedCount = intervals.filter((i) => i.how === 'revoked').length;
    expect(revokedCount).toBeGreaterThan(0);
    console.log(
      `group fault run: ${acked.size} acknowledged of ${sent} sent, ${storedIds.length} stored, ` +
        `${processed.size} processed (${processedLines.length - processed.size} redelivered), ${intervals.length} ownership intervals (${revokedCount} revoked, ${lostCount} lost)`,
    );

    // --- commits: never backwards; lag equals what is left to read
    expect(regressions).toEqual([]);
    const extra = client.producer();
    await extra.send({
      topic: TOPIC,
      messages: Array.from({ length: 60 }, (_, i) => ({ value: `extra${i}`, partition: i % PARTITIONS })),
    });
    await extra.close();
    const lag = await admin.describeGroup(GROUP);
    expect(lag.map((l) => l.lag)).toEqual(new Array(PARTITIONS).fill(10));
    const reader = client.consumer({ groupId: GROUP, autoCommitIntervalMs: 0 });
    await reader.assign({ topic: TOPIC, from: 'committed' });
    const left = new Map<number, number>();
    for (let n = 0; n < 60; n++) {
      const r = await reader.next({ signal: AbortSignal.timeout(20_000) });
      left.set(r!.partition, (left.get(r!.partition) ?? 0) + 1);
      expect(r!.value!.toString()).toMatch(/^extra/);
    }
    await reader.close();
    expect([...left.values()]).toEqual(new Array(PARTITIONS).fill(10));
  }, 420_000);
});

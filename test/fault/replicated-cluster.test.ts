/**
 * The fault suite of the replicated cluster (docs/architecture.md, decisions 3, 4 and 6; docs/reliability.md).
 *
 * Every case: three brokers on a real etcd, topic `fault` with 3 partitions, replication factor 3 and
 * min.insync.replicas 2; acks=all producers writing uniquely identified records (fault-workload.ts)
 * before, during and after each fault; then the fault is healed, the cluster converges, and the checker
 * (fault-checker.ts) reads everything back and compares the replicas' files. The process faults (kill -9,
 * SIGSTOP, network partition) run TRIBUTARY_FAULT_ROUNDS rounds (default 2) on one cluster, each round
 * against the broker that then holds the role the case is about. Cases run one after another (two cores:
 * each starts four processes and a workload).
 *
 * Broker logs of every case land in test-results/fault/<case>/, the figures in report.json there and
 * one line per case in test-results/fault/reports.jsonl.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Tributary } from '../../client/index.js';
import { REPO_ROOT } from '../helpers/broker-process.js';
import { waitFor } from '../helpers/cluster.js';
import {
  checkCluster,
  type FaultReport,
  printReport,
  tlsOf,
  waitConverged,
} from '../helpers/fault-checker.js';
import {
  brokersExcept,
  ClusterView,
  type FaultCluster,
  type PartitionView,
  startLoopbackCluster,
} from '../helpers/fault-cluster.js';
import {
  activeSegment,
  canMountTmpfs,
  freeBytes,
  isMountPoint,
  mountTmpfs,
  removeFiller,
  type Tear,
  tearSegment,
  unmount,
  unmountLeftovers,
  writeFiller,
} from '../helpers/fault-disk.js';
import { type NetnsCluster, netnsSupport, startNetnsCluster } from '../helpers/fault-netns.js';
import {
  type AckedRecord,
  mergeResults,
  produceOne,
  type RawProduceResult,
  startWorkload,
  type Workload,
  type WorkloadOptions,
  type WorkloadResult,
} from '../helpers/fault-workload.js';
import { setRawStubAuth } from '../helpers/grpc.js';
import { ADMIN_PASSWORD, addScramUser, SECURE_ARGS } from '../helpers/secure-broker.js';
import { makeTlsFixture, type TlsFixture } from '../helpers/tls-files.js';

const TOPIC = 'fault';
const PARTITIONS = 3;
const BROKERS = 3;
const ALL = [...Array(BROKERS).keys()];
/** sessionTimeoutMs of FAST_FAILOVER_ARGS: a pause must outlast it for the cluster to move on. */
const SESSION_TIMEOUT_MS = 2000;
const ROUNDS = Math.max(1, Number(process.env['TRIBUTARY_FAULT_ROUNDS'] ?? 2));
const CASE_TIMEOUT_MS = 90_000 + ROUNDS * 60_000;
/** Acknowledged records asked for before each fault, while it lasts, and after it is healed. */
const ACKS_BEFORE = 300;
const ACKS_DURING = 300;
const ACKS_AFTER = 200;
const RESULTS_DIR = join(REPO_ROOT, 'test-results', 'fault');

interface FaultContext<C extends FaultCluster> {
  cluster: C;
  view: ClusterView;
  /** The topic as described once it was created (every ISR full). */
  initial: PartitionView[];
  /** Starts a workload; runFault stops any the case left running. */
  workload(opts?: Partial<WorkloadOptions> & { bootstrapOrder?: number[] }): Workload;
}

interface CaseOutcome {
  result: WorkloadResult;
  notes?: Record<string, unknown>;
}

/** Creates the topic and waits until every replica of every partition is in the ISR. */
async function createTopic(cluster: FaultCluster, view: ClusterView): Promise<PartitionView[]> {
  const client = new Tributary({
    bootstrap: cluster.bootstrap(),
    requestTimeoutMs: 15_000,
    ...tlsOf(cluster),
  });
  try {
    await client.admin().createTopic({
      name: TOPIC,
      partitions: PARTITIONS,
      replicationFactor: BROKERS,
      configs: { 'min.insync.replicas': '2' },
    });
  } finally {
    client.close();
  }
  return waitConverged(view, cluster, TOPIC, 30_000);
}

/**
 * Runs one fault case on a fresh cluster: topic, the case (workloads, faults, heals), then the checker.
 * Logs are saved and the cluster destroyed whatever happens.
 */
async function runFault<C extends FaultCluster>(
  name: string,
  start: () => Promise<C>,
  body: (ctx: FaultContext<C>) => Promise<CaseOutcome>,
): Promise<FaultReport> {
  const startedMs = Date.now();
  const cluster = await start();
  const view = new ClusterView(cluster);
  const workloads: Workload[] = [];
  try {
    const initial = await createTopic(cluster, view);
    const ctx: FaultContext<C> = {
      cluster,
      view,
      initial,
      workload: (opts = {}) => {
        const { bootstrapOrder, ...rest } = opts;
        const w = startWorkload({
          topic: TOPIC,
          partitions: PARTITIONS,
          bootstrap: cluster.bootstrap(bootstrapOrder),
          view,
          cluster,
          ...rest,
        });
        workloads.push(w);
        return w;
      },
    };
    const outcome = await body(ctx);
    const report = await checkCluster({
      fault: name,
      cluster,
      view,
      result: outcome.result,
      initial,
      notes: { ...outcome.notes, tookMs: Date.now() - startedMs },
    });
    printReport(report);
    mkdirSync(join(RESULTS_DIR, name), { recursive: true });
    writeFileSync(join(RESULTS_DIR, name, 'report.json'), JSON.stringify(report, null, 2));
    appendFileSync(
      join(RESULTS_DIR, 'reports.jsonl'),
      `${JSON.stringify({ at: new Date().toISOString(), ...report })}\n`,
    );
    return report;
  } finally {
    for (const w of workloads) await w.stop().catch(() => undefined);
    view.close();
    const logs = cluster.saveLogs();
    console.log(`[fault] ${name}: broker logs in ${logs}`);
    await cluster.destroy();
  }
}

/** Waits until the brokers `from` describe every partition with a leader other than `victim`. */
async function awaitLeadersWithout(
  view: ClusterView,
  from: number[],
  victim: number,
): Promise<PartitionView[]> {
  return waitFor(
    `leaders other than broker ${victim}`,
    async () => {
      const d = await view.describe(TOPIC, from);
      return d.length === PARTITIONS && d.every((p) => p.leader >= 0 && p.leader !== victim) ? d : undefined;
    },
    30_000,
  );
}

/** Waits until every partition `victim` led in `before` has a leader under a newer epoch. */
async function awaitNewEpochs(
  view: ClusterView,
  before: PartitionView[],
  victim: number,
): Promise<PartitionView[]> {
  const led = before.filter((p) => p.leader === victim);
  return waitFor(
    `new leader epochs for the partitions broker ${victim} led`,
    async () => {
      const d = await view.describe(TOPIC, ALL);
      return led.every((p) => d[p.partition]!.leader >= 0 && d[p.partition]!.leader_epoch > p.leader_epoch)
        ? d
        : undefined;
    },
    30_000,
  );
}

/** Waits until the brokers `from` have `victim` back in every partition's ISR. */
async function awaitIsrWith(
  view: ClusterView,
  from: number[],
  victim: number,
  timeoutMs = 45_000,
): Promise<void> {
  await waitFor(
    `broker ${victim} back in every ISR`,
    async () => {
      const d = await view.describe(TOPIC, from);
      return d.length === PARTITIONS && d.every((p) => p.isr.includes(victim)) ? true : undefined;
    },
    timeoutMs,
  );
}

/** Fails the case when the fault did not happen the way the case claims. */
function assertHappened(what: string, ok: boolean, cluster: FaultCluster): void {
  if (!ok) throw new Error(`the fault did not take effect: ${what} (logs: ${cluster.saveLogs()})`);
}

function expectClean(report: FaultReport, minAcked: number): void {
  expect(report.violations).toEqual([]);
  expect(report.acked).toBeGreaterThanOrEqual(minAcked);
}

type Role = 'leader' | 'controller' | 'leader and controller';

interface Victim {
  victim: number;
  role: Role;
}

/** A process fault: one broker is taken out (inject) and given back (heal) while the workload runs. */
interface ProcessFault {
  inject(victim: number): Promise<void> | void;
  heal(victim: number): Promise<void> | void;
  /** The victim lives on through the fault: send it a write per partition it led, and see what it answers. */
  probe: boolean;
  /** Waits for what else must follow the fault (a new controller), answering notes. */
  afterFailover?(victim: number, others: number[]): Promise<Record<string, unknown>>;
  /**
   * What failover means for this fault: by default every partition led elsewhere; `new-epoch` (a victim
   * back at once) every partition the victim led under a newer leader epoch, whoever leads it.
   */
  failover?: 'leaders-elsewhere' | 'new-epoch';
}

/**
 * ROUNDS rounds of one process fault on one cluster. Each round: a fresh workload (bootstrap with the
 * victim last, so the client's first contact is not the broker being faulted); ACKS_BEFORE
 * acknowledgements; the fault; leaders move off the victim; ACKS_DURING more; heal; the victim back in
 * every ISR; ACKS_AFTER more. Probes sent to a victim that lives on through the fault (paused or cut
 * off) must not be acknowledged: it reads them when it comes back, still believing it leads.
 */
async function processFaultRounds(
  ctx: FaultContext<FaultCluster>,
  pick: (round: number, controller: number, described: PartitionView[]) => Victim,
  fault: ProcessFault,
): Promise<CaseOutcome> {
  const { view } = ctx;
  const results: WorkloadResult[] = [];
  const rounds: Array<Record<string, unknown>> = [];
  const probeAcks: AckedRecord[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const controller = await waitFor('the controller', async () => {
      const c = await view.controllerFrom(ALL[round % BROKERS]!);
      return c >= 0 ? c : undefined;
    });
    const before = await waitFor('the topic', () => view.describe(TOPIC, ALL));
    const { victim, role } = pick(round, controller, before);
    const others = brokersExcept(BROKERS, victim);
    let live = ALL;
    const w = ctx.workload({
      name: `r${round}`,
      bootstrapOrder: [...others, victim],
      describeFrom: () => live,
    });
    await w.waitForMoreAcks(ACKS_BEFORE);
    const led = before.filter((p) => p.leader === victim);
    const faultAt = Date.now();
    await fault.inject(victim);
    const backAtOnce = fault.failover === 'new-epoch';
    live = backAtOnce ? ALL : others;
    const probes = fault.probe
      ? led.map((p) =>
          produceOne(view, victim, TOPIC, p.partition, `r${round}probe${p.partition}-0`, 60_000).then(
            (r): [PartitionView, RawProduceResult] => [p, r],
          ),
        )
      : [];
    const failedOver = backAtOnce
      ? await awaitNewEpochs(view, before, victim)
      : await awaitLeadersWithout(view, others, victim);
    const electedAt = Date.now();
    const extra = (await fault.afterFailover?.(victim, others)) ?? {};
    await w.waitForMoreAcks(ACKS_DURING);
    const faultMs = Date.now() - faultAt;
    await fault.heal(victim);
    const answers = await Promise.all(probes);
    live = ALL;
    await awaitIsrWith(view, ALL, victim);
    await w.waitForMoreAcks(ACKS_AFTER);
    const result = await w.stop();
    // A probe the victim acknowledged joins the acknowledged records: the checker holds the cluster to it.
    for (const [p, r] of answers) {
      if ('error' in r) continue;
      const ack: AckedRecord = {
        id: `r${round}probe${p.partition}-0`,
        producer: `r${round}probe${p.partition}`,
        seq: 0,
        partition: p.partition,
        offset: r.offset,
        leaderEpoch: r.leaderEpoch,
        leaderId: r.leaderId,
        ackedAtMs: Date.now(),
      };
      probeAcks.push(ack);
      result.acked.push(ack);
    }
    // Answers from the victim in its old epoch that arrived after the new leader was known. They are no
    // zombie acknowledgement when the write was committed before the fault (every ISR member had fetched
    // it, only the answer was late); the checker holds each of them to the new leader's log.
    const lateAcks = result.acked.filter(
      (a) =>
        a.leaderId === victim &&
        a.ackedAtMs > electedAt &&
        a.leaderEpoch! < failedOver.find((p) => p.partition === a.partition)!.leader_epoch,
    ).length;
    results.push(result);
    rounds.push({
      round,
      victim,
      role,
      faultMs,
      acked: result.acked.length,
      leadersBefore: before.map((p) => p.leader),
      leadersDuring: failedOver.map((p) => `${p.leader}@${p.leader_epoch}`),
      ...(fault.probe ? { probeAnswers: answers.map(([p, r]) => ({ partition: p.partition, ...r })) } : {}),
      lateAcks,
      ...extra,
    });
  }
  return { result: mergeResults(results), notes: { rounds, probeAcks } };
}

/**
 * A process-fault case: ROUNDS rounds of `fault` on a fresh cluster (the victim of each round chosen by
 * `pick`), then the checker; probes must have gone unacknowledged and the checker found nothing.
 */
async function processFaultCase<C extends FaultCluster>(
  name: string,
  start: (name: string) => Promise<C>,
  pick: (round: number, controller: number, described: PartitionView[]) => Victim,
  fault: (ctx: FaultContext<C>) => ProcessFault,
): Promise<void> {
  const report = await runFault(
    name,
    () => start(name),
    (ctx) => processFaultRounds(ctx, pick, fault(ctx)),
  );
  expect(report.notes['probeAcks']).toEqual([]);
  expectClean(report, ROUNDS * (ACKS_BEFORE + ACKS_DURING + ACKS_AFTER));
}

const loopback = (name: string) => startLoopbackCluster({ name });

const WORKLOAD_USER = { username: 'workload', password: 'workload-secret' };

/**
 * The cluster with authentication and ACLs on (docs/operations.md, "Secure a cluster"): brokers take SCRAM
 * logins and check every call against the ACLs (and authenticate each other with the inter-broker token);
 * `User:admin`, a super user stored before the brokers start, gives the workload's user exactly the rights
 * it needs (everything on the topic, DESCRIBE and IDEMPOTENT_WRITE on the cluster). Every client of the
 * case (SDK producers, raw stubs, the checker) then logs in as that user.
 */
async function securedLoopback(name: string): Promise<FaultCluster> {
  const cluster = await startLoopbackCluster({
    name,
    brokerArgs: SECURE_ARGS,
    prepare: (dataDir, endpoints) =>
      addScramUser(dataDir, 'admin', ADMIN_PASSWORD, [
        '--set',
        'dcs=etcd',
        '--set',
        `dcsEtcdEndpoints=${endpoints.join(',')}`,
        '--set',
        'dcsPrefix=fault',
      ]),
  });
  const admin = new Tributary({
    bootstrap: cluster.bootstrap(),
    auth: { username: 'admin', password: ADMIN_PASSWORD },
    requestTimeoutMs: 15_000,
  });
  try {
    const security = admin.securityAdmin();
    await security.setUserPassword(WORKLOAD_USER.username, WORKLOAD_USER.password);
    const principal = `User:${WORKLOAD_USER.username}`;
    await security.createAcls([
      { resourceType: 'topic', resourceName: TOPIC, principal, operation: 'all' },
      { resourceType: 'cluster', resourceName: 'tributary-cluster', principal, operation: 'describe' },
      {
        resourceType: 'cluster',
        resourceName: 'tributary-cluster',
        principal,
        operation: 'idempotent_write',
      },
    ]);
  } finally {
    admin.close();
  }
  return cluster;
}

/** Runs `work` with every client of this process logging in as the workload user. */
async function asWorkloadUser(work: () => Promise<void>): Promise<void> {
  const saved = { user: process.env['TRIBUTARY_USERNAME'], password: process.env['TRIBUTARY_PASSWORD'] };
  process.env['TRIBUTARY_USERNAME'] = WORKLOAD_USER.username;
  process.env['TRIBUTARY_PASSWORD'] = WORKLOAD_USER.password;
  setRawStubAuth(WORKLOAD_USER);
  try {
    await work();
  } finally {
    setRawStubAuth(undefined);
    for (const [key, value] of [
      ['TRIBUTARY_USERNAME', saved.user],
      ['TRIBUTARY_PASSWORD', saved.password],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** Certificates of the TLS variants, made once for the suite. */
let tlsFixture: TlsFixture | undefined;
afterAll(() => tlsFixture?.remove());

/** The loopback cluster with TLS between every client and broker and between the brokers (mutual TLS). */
const loopbackTls = async (name: string) => {
  tlsFixture ??= await makeTlsFixture();
  return startLoopbackCluster({ name, tls: tlsFixture });
};

/** Leaders that are (or are not) the controller; any leader when there is none of that kind. */
function leaderWhere(
  described: PartitionView[],
  controller: number,
  isController: boolean,
  round: number,
): Victim {
  const leaders = [...new Set(described.map((p) => p.leader).filter((l) => l >= 0))];
  const wanted = leaders.filter((l) => (l === controller) === isController);
  const pool = wanted.length > 0 ? wanted : leaders;
  const victim = pool[round % pool.length]!;
  return { victim, role: victim === controller ? 'leader and controller' : 'leader' };
}

const killFault = (cluster: FaultCluster): ProcessFault => ({
  inject: (victim) => cluster.kill(victim),
  heal: (victim) => cluster.start(victim),
  probe: false,
});

describe.sequential('replicated cluster fault suite (3 brokers, RF 3, min ISR 2, acks=all)', () => {
  // The core case runs twice: plaintext, and with TLS everywhere (replication, controller requests and
  // clients over mutual TLS).
  it.each([
    ['plaintext', 'kill-leader', loopback],
    ['TLS', 'kill-leader-tls', loopbackTls],
  ] as const)(
    'kill -9 of a partition leader (%s): it fails over, the old leader comes back and catches up',
    (_transport, name, start) =>
      processFaultCase(
        name,
        start,
        (round, controller, described) => leaderWhere(described, controller, false, round),
        (ctx) => killFault(ctx.cluster),
      ),
    CASE_TIMEOUT_MS,
  );

  it(
    'kill -9 of a partition leader with authentication and ACLs on: the same, every call logged in and checked',
    () =>
      asWorkloadUser(() =>
        processFaultCase(
          'kill-leader-secured',
          securedLoopback,
          (round, controller, described) => leaderWhere(described, controller, false, round),
          (ctx) => killFault(ctx.cluster),
        ),
      ),
    CASE_TIMEOUT_MS,
  );

  it(
    'kill -9 of a partition leader restarted at once, before its session expires: its old leaderships are void',
    () =>
      processFaultCase(
        'kill-restart-leader',
        loopback,
        (round, controller, described) => leaderWhere(described, controller, round % 2 === 1, round),
        (ctx) => ({
          inject: async (victim) => {
            await ctx.cluster.kill(victim);
            await ctx.cluster.start(victim);
          },
          heal: () => {},
          probe: false,
          failover: 'new-epoch',
        }),
      ),
    CASE_TIMEOUT_MS,
  );

  it(
    'kill -9 of the controller: another broker takes over the controller and the leaderships',
    () =>
      processFaultCase(
        'kill-controller',
        loopback,
        (_round, controller, described) => ({
          victim: controller,
          role: described.some((p) => p.leader === controller) ? 'leader and controller' : 'controller',
        }),
        (ctx) => ({
          ...killFault(ctx.cluster),
          afterFailover: async (victim, others) => {
            const next = await waitFor(
              'a new controller',
              async () => {
                const ids = await Promise.all(others.map((id) => ctx.view.controllerFrom(id)));
                return ids.every((c) => c === ids[0] && c >= 0 && c !== victim) ? ids[0] : undefined;
              },
              30_000,
            );
            return { newController: next };
          },
        }),
      ),
    CASE_TIMEOUT_MS,
  );

  it(
    'SIGSTOP of a leader past its session, then SIGCONT: the zombie is fenced and acknowledges nothing',
    () => {
      let stoppedAt = 0;
      return processFaultCase(
        'sigstop-leader',
        loopback,
        // Even rounds pause the controller's own leader (a zombie leader and a zombie controller).
        (round, controller, described) => leaderWhere(described, controller, round % 2 === 0, round),
        (ctx) => ({
          inject: (victim) => {
            stoppedAt = Date.now();
            ctx.cluster.signal(victim, 'SIGSTOP');
          },
          heal: (victim) => {
            const pausedMs = Date.now() - stoppedAt;
            assertHappened(
              `paused ${pausedMs} ms, session timeout ${SESSION_TIMEOUT_MS} ms`,
              pausedMs > SESSION_TIMEOUT_MS,
              ctx.cluster,
            );
            ctx.cluster.signal(victim, 'SIGCONT');
          },
          probe: true,
        }),
      );
    },
    CASE_TIMEOUT_MS,
  );

  it(
    'network partition of one broker (network namespaces): it is fenced while cut off and rejoins after',
    async (testCtx) => {
      const support = netnsSupport();
      if (!support.ok) {
        console.log(
          `[fault] SKIP network partition: this machine cannot make network namespaces (${support.reason})`,
        );
        testCtx.skip();
        return;
      }
      await processFaultCase<NetnsCluster>(
        'network-partition',
        (name) => startNetnsCluster({ name }),
        // Odd rounds cut off the controller's own leader.
        (round, controller, described) => leaderWhere(described, controller, round % 2 === 1, round),
        (ctx) => ({
          inject: (victim) => ctx.cluster.cut(victim),
          heal: (victim) => ctx.cluster.heal(victim),
          probe: true,
        }),
      );
    },
    CASE_TIMEOUT_MS,
  );

  it(
    'kill -9 of every broker at once, then all restart: the cluster elects from the last ISR and loses nothing',
    async () => {
      const report = await runFault(
        'kill-all',
        () => startLoopbackCluster({ name: 'kill-all' }),
        async (ctx) => {
          const { cluster, view } = ctx;
          const w = ctx.workload();
          await w.waitForMoreAcks(ACKS_BEFORE);
          const before = await waitFor('the topic', () => view.describe(TOPIC, ALL));
          await Promise.all(ALL.map((id) => cluster.kill(id)));
          const downAt = Date.now();
          // Together, as after a power cut: each waits for the controller to hand it its leaderships.
          await Promise.all(ALL.map((id) => cluster.start(id)));
          const restartMs = Date.now() - downAt;
          const after = await waitFor(
            'leaders under new epochs',
            async () => {
              const d = await view.describe(TOPIC, ALL);
              return d.every((p, i) => p.leader >= 0 && p.leader_epoch > before[i]!.leader_epoch)
                ? d
                : undefined;
            },
            30_000,
          );
          for (const id of ALL) await awaitIsrWith(view, ALL, id);
          await w.waitForMoreAcks(ACKS_DURING + ACKS_AFTER, 30_000);
          return {
            result: await w.stop(),
            notes: {
              restartMs,
              leadersBefore: before.map((p) => `${p.leader}@${p.leader_epoch}`),
              leadersAfter: after.map((p) => `${p.leader}@${p.leader_epoch}`),
            },
          };
        },
      );
      expectClean(report, ACKS_BEFORE + ACKS_DURING + ACKS_AFTER);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    'torn writes: a killed follower finds its segment tails cut or garbled, recovers and catches up',
    async () => {
      const report = await runFault(
        'torn-write',
        () => startLoopbackCluster({ name: 'torn-write' }),
        async (ctx) => {
          const { cluster, view, initial } = ctx;
          // A follower of partition 0 (it leads another partition, most likely: that one fails over too).
          const victim = initial[0]!.replicas.find((r) => r !== initial[0]!.leader)!;
          const others = brokersExcept(BROKERS, victim);
          let live = ALL;
          const w = ctx.workload({ bootstrapOrder: [...others, victim], describeFrom: () => live });
          await w.waitForMoreAcks(ACKS_BEFORE + 300);
          await cluster.kill(victim);
          live = others;
          const tears: Tear[] = [
            { kind: 'cut-last-batch' },
            { kind: 'cut-batches', batches: 100 },
            { kind: 'garbage', bytes: 4096 },
          ];
          const torn = initial.map((p) => {
            const dir = join(cluster.brokerDir(victim), 'logs', `${TOPIC}-${p.partition}`);
            const tear = tears[p.partition % tears.length]!;
            return { partition: p.partition, tear: tear.kind, ...tearSegment(activeSegment(dir), tear) };
          });
          await awaitLeadersWithout(view, others, victim);
          await w.waitForMoreAcks(ACKS_DURING);
          await cluster.start(victim);
          const recovered = (cluster.output(victim).match(/truncated a torn or corrupt segment tail/g) ?? [])
            .length;
          assertHappened(
            `broker ${victim} truncated ${recovered} of ${torn.length} torn tails`,
            recovered === torn.length,
            cluster,
          );
          live = ALL;
          await awaitIsrWith(view, ALL, victim);
          await w.waitForMoreAcks(ACKS_AFTER);
          return {
            result: await w.stop(),
            notes: {
              victim,
              torn: torn.map((t) => ({
                partition: t.partition,
                tear: t.tear,
                bytes: `${t.sizeBefore}->${t.sizeAfter}`,
                validEndOffset: t.validEndOffset,
              })),
              tailsTruncatedAtStartup: recovered,
            },
          };
        },
      );
      expectClean(report, ACKS_BEFORE + ACKS_DURING + ACKS_AFTER);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    'full disk: one broker on a small filesystem runs out of space, loses nothing acknowledged, recovers when space returns',
    async (testCtx) => {
      const victim = BROKERS - 1;
      const mountable = canMountTmpfs();
      if (!mountable.ok) {
        console.log(
          `[fault] SKIP full disk: this machine cannot mount a small filesystem (${mountable.reason})`,
        );
        testCtx.skip();
        return;
      }
      for (const dir of unmountLeftovers()) console.log(`[fault] unmounted ${dir}, left by an earlier run`);
      const fsBytes = 48 * 1024 * 1024;
      const report = await runFault(
        'full-disk',
        () =>
          startLoopbackCluster({
            name: 'full-disk',
            prepare: (dataDir) => mountTmpfs(join(dataDir, `broker-${victim}`), fsBytes),
            cleanup: (dataDir) => unmount(join(dataDir, `broker-${victim}`)),
          }),
        async (ctx) => {
          const { cluster, view, initial } = ctx;
          const dir = cluster.brokerDir(victim);
          assertHappened(`${dir} is a mount point`, isMountPoint(dir), cluster);
          const others = brokersExcept(BROKERS, victim);
          const w = ctx.workload({ bootstrapOrder: [...others, victim], padBytes: 1024 });
          await w.waitForMoreAcks(ACKS_BEFORE);
          // Leave ~2 MiB: the workload (about 1 KiB per record, every partition replicated here) fills it in seconds.
          const filler = join(dir, 'filler');
          writeFiller(filler, Math.max(0, freeBytes(dir) - 2 * 1024 * 1024));
          const fullAt = Date.now();
          await waitFor(
            `broker ${victim} to run out of space`,
            () => (/ENOSPC|DISK_FULL/.test(cluster.output(victim)) ? true : undefined),
            30_000,
          );
          const fullAfterMs = Date.now() - fullAt;
          // The cluster goes on without it: the leaders of the other partitions drop it from their ISR.
          const elsewhere = initial.filter((p) => p.leader !== victim).map((p) => p.partition);
          await waitFor(
            `broker ${victim} out of the ISR of partitions [${elsewhere.join(', ')}]`,
            async () => {
              const d = await view.describe(TOPIC, others);
              return elsewhere.every((i) => !d[i]!.isr.includes(victim)) ? true : undefined;
            },
            30_000,
          );
          await w.waitForMoreAcks(ACKS_DURING);
          const freeWhenFull = freeBytes(dir);
          const fullForMs = Date.now() - fullAt;
          removeFiller(filler);
          // Space is back: the broker should resume by itself; if it cannot, a restart must bring it back.
          let restartNeeded = false;
          try {
            await awaitIsrWith(view, ALL, victim, 30_000);
          } catch {
            restartNeeded = true;
            console.log(
              `[fault] full-disk: broker ${victim} did not rejoin every ISR within 30 s of space returning; restarting it`,
            );
            await cluster.kill(victim);
            await cluster.start(victim);
            await awaitIsrWith(view, ALL, victim);
          }
          await w.waitForMoreAcks(ACKS_AFTER);
          const result = await w.stop();
          return {
            result,
            notes: {
              victim,
              filesystemBytes: fsBytes,
              fullAfterMs,
              fullForMs,
              freeBytesWhenFull: freeWhenFull,
              diskFullLogLines: (cluster.output(victim).match(/ENOSPC|DISK_FULL/g) ?? []).length,
              restartNeeded,
            },
          };
        },
      );
      expectClean(report, ACKS_BEFORE + ACKS_DURING + ACKS_AFTER);
      // A failed write is cut back and the log stays usable (PartitionLog), so no restart should be needed.
      expect(report.notes['restartNeeded']).toBe(false);
    },
    CASE_TIMEOUT_MS,
  );
});

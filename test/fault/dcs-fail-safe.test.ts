/**
 * Fail-safe mode during a DCS outage (docs/architecture.md, "Fail-safe mode"): a leader whose etcd
 * session lapsed keeps leading, acknowledging acks=all writes and moving its high watermark, while every
 * other member of each partition's ISR confirms directly (ConfirmLeadership) that it still follows it at
 * that leader epoch and leads nothing itself; it stops the moment a confirmation is missing or refused.
 *
 * (a) etcd stopped for three session timeouts: writes keep being acknowledged (and read) the whole time,
 *     with a bounded latency, and after etcd returns nothing was re-elected (same leaders, same leader
 *     epochs), nothing lost, nothing written twice.
 * (b) the same with a follower broker stopped too: every partition it is in stops acknowledging, and
 *     nothing acknowledged is lost after recovery.
 * (c) one broker cut off from etcd while its peers keep theirs: the controller elects new leaders for its
 *     partitions, its followers see the new epochs and refuse to confirm, so it stops; nothing is lost.
 */
import { describe, expect, it } from 'vitest';
import { Tributary } from '../../client/index.js';
import { waitFor } from '../helpers/cluster.js';
import {
  checkCluster,
  createFaultTopic,
  type FaultReport,
  printReport,
  waitConverged,
} from '../helpers/fault-checker.js';
import {
  ClusterView,
  type FaultCluster,
  type PartitionView,
  startLoopbackCluster,
} from '../helpers/fault-cluster.js';
import { produceOne } from '../helpers/fault-workload.js';
import { type SdkWriter, startSdkWriter } from '../helpers/sdk-writer.js';

const TOPIC = 'failsafe';
const PARTITIONS = 3;
/** The brokers' session timeout here (FAULT_BROKER_ARGS say 2000; a little more room on a loaded machine). */
const SESSION_TIMEOUT_MS = 3000;
const BROKER_ARGS = ['--set', `sessionTimeoutMs=${SESSION_TIMEOUT_MS}`];
/** How long etcd is stopped: three session timeouts. */
const OUTAGE_MS = 3 * SESSION_TIMEOUT_MS;
/** A confirmation is good for two refresh intervals of a third of the session timeout. */
const CONFIRMATION_WINDOW_MS = Math.floor((2 * SESSION_TIMEOUT_MS) / 3);
/** Longest an acknowledged write may take during the outage: less than one session timeout. */
const OUTAGE_LATENCY_MAX_MS = SESSION_TIMEOUT_MS;
/** Slack for acknowledgements already on their way when a leader stops, and for timers that run late. */
const STOP_SLACK_MS = 1500;

/** A consumer of every partition, counting what it receives and when. */
async function startCounter(client: Tributary): Promise<{ times: number[]; close: () => Promise<void> }> {
  const consumer = client.consumer();
  await consumer.assign({ topic: TOPIC, from: 'earliest' });
  const times: number[] = [];
  const running = consumer.run({ eachRecord: async () => void times.push(Date.now()) }).catch(() => {});
  return {
    times,
    close: async () => {
      await consumer.close();
      await running;
    },
  };
}

/** Resolves once every broker in `ids` has logged the loss of its DCS session (after `sinceChars`). */
async function sessionsLost(cluster: FaultCluster, ids: number[], since: number[]): Promise<void> {
  await waitFor(
    `brokers ${ids.join(', ')} to lose their DCS sessions`,
    () =>
      ids.every((id) => cluster.output(id).slice(since[id]).includes('DCS session lost')) ? true : undefined,
    3 * SESSION_TIMEOUT_MS + 10_000,
  );
}

/** Sleeps for the fault's length (a fault lasts this long; this is not a wait for a condition). */
function faultFor(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

interface Running {
  cluster: Awaited<ReturnType<typeof startLoopbackCluster>>;
  view: ClusterView;
  client: Tributary;
  writer: SdkWriter;
  consumed: { times: number[]; close: () => Promise<void> };
  initial: PartitionView[];
}

/** Three brokers, an RF 3 topic, an idempotent acks=all writer and a consumer, 150 records in. */
async function start(name: string, etcdProxiedFor: number[] = []): Promise<Running> {
  const cluster = await startLoopbackCluster({ name, brokerArgs: BROKER_ARGS, etcdProxiedFor });
  const view = new ClusterView(cluster);
  const initial = await createFaultTopic(cluster, view, TOPIC, PARTITIONS);
  const client = new Tributary({ bootstrap: cluster.bootstrap(), requestTimeoutMs: 30_000 });
  const writer = startSdkWriter({ client, topic: TOPIC, partitions: PARTITIONS });
  const consumed = await startCounter(client);
  await waitFor('150 acknowledged records', () => (writer.acked.length >= 150 ? true : undefined), 60_000);
  return { cluster, view, client, writer, consumed, initial };
}

/**
 * Waits for 150 more acknowledgements, stops the workload, waits for the cluster to converge and runs the
 * fault checker. Answers the report and the partitions as they converged.
 */
async function finish(
  run: Running,
  fault: string,
  notes: Record<string, unknown>,
): Promise<{ report: FaultReport; after: PartitionView[] }> {
  const { cluster, view, client, writer, consumed, initial } = run;
  const ackedBefore = writer.acked.length;
  await waitFor(
    'writes after the outage',
    () => (writer.acked.length >= ackedBefore + 150 ? true : undefined),
    90_000,
  );
  const result = await writer.stop();
  await consumed.close();
  client.close();
  const after = await waitConverged(view, cluster, TOPIC, 90_000);
  const epochs = after.map((p) => `${initial[p.partition]!.leader_epoch}->${p.leader_epoch}`);
  const report = await checkCluster({ fault, cluster, view, initial, result, notes: { ...notes, epochs } });
  printReport(report);
  return { report, after };
}

/** The checker found every acknowledged record once, where it was acknowledged, and nothing else wrong. */
function expectNothingLostOrDoubled(report: FaultReport): void {
  expect(report.violations).toEqual([]);
  expect(report.lost).toBe(0);
  expect(report.duplicated).toBe(0);
}

async function cleanUp(run: Running | undefined, resume: () => void): Promise<void> {
  resume();
  if (run === undefined) return;
  run.view.close();
  run.cluster.saveLogs();
  await run.cluster.destroy();
}

describe('fail-safe mode during a DCS outage', () => {
  it('(a) keeps acknowledging acks=all writes through an etcd outage, re-elects nothing, loses nothing', async () => {
    let run: Running | undefined;
    let etcdStopped = false;
    const resume = () => {
      if (etcdStopped && run !== undefined) process.kill(run.cluster.etcdPid, 'SIGCONT');
      etcdStopped = false;
    };
    try {
      run = await start('dcs-fail-safe-a');
      const { cluster, writer, consumed } = run;
      const since = [0, 1, 2].map((id) => cluster.output(id).length);
      process.kill(cluster.etcdPid, 'SIGSTOP');
      etcdStopped = true;
      const stoppedAtMs = Date.now();
      await sessionsLost(cluster, [0, 1, 2], since);
      const lapsedAtMs = Date.now();
      await faultFor(stoppedAtMs + OUTAGE_MS - Date.now());
      const resumedAtMs = Date.now();
      resume();

      const during = writer.acked.filter((a) => a.ackedAtMs >= lapsedAtMs && a.ackedAtMs < resumedAtMs);
      const latencies = during.map((a) => a.ackedAtMs - writer.sentAtMs.get(a.id)!);
      const read = consumed.times.filter((t) => t >= lapsedAtMs && t < resumedAtMs).length;
      const figures = {
        outageMs: resumedAtMs - stoppedAtMs,
        sessionsLapsedAfterMs: lapsedAtMs - stoppedAtMs,
        ackedWhileLapsed: during.length,
        readWhileLapsed: read,
        latencyMsMax: Math.max(0, ...latencies),
      };
      console.log(`dcs-fail-safe (a): ${JSON.stringify(figures)}`);
      const { report, after } = await finish(run, 'dcs-fail-safe-a', figures);

      expect(figures.ackedWhileLapsed).toBeGreaterThan(0);
      expect(figures.readWhileLapsed).toBeGreaterThan(0);
      expect(figures.latencyMsMax).toBeLessThan(OUTAGE_LATENCY_MAX_MS);
      expect(after.map((p) => [p.partition, p.leader, p.leader_epoch])).toEqual(
        run.initial.map((p) => [p.partition, p.leader, p.leader_epoch]),
      );
      expectNothingLostOrDoubled(report);
      expect(report.failed).toBe(0);
    } finally {
      await cleanUp(run, resume);
    }
  }, 300_000);

  it('(b) stops acknowledging where a stopped follower cannot confirm; loses nothing acknowledged', async () => {
    const follower = 2;
    let run: Running | undefined;
    let etcdStopped = false;
    let followerStopped = false;
    const resume = () => {
      if (etcdStopped && run !== undefined) process.kill(run.cluster.etcdPid, 'SIGCONT');
      etcdStopped = false;
      if (followerStopped) run?.cluster.signal(follower, 'SIGCONT');
      followerStopped = false;
    };
    try {
      run = await start('dcs-fail-safe-b');
      const { cluster, writer } = run;
      const since = [0, 1, 2].map((id) => cluster.output(id).length);
      process.kill(cluster.etcdPid, 'SIGSTOP');
      etcdStopped = true;
      await sessionsLost(cluster, [0, 1, 2], since);
      const lapsedAtMs = Date.now();
      const ackedAtLapse = writer.acked.length;
      await waitFor(
        '30 acknowledgements in fail-safe mode',
        () => (writer.acked.length >= ackedAtLapse + 30 ? true : undefined),
        SESSION_TIMEOUT_MS,
      );
      cluster.signal(follower, 'SIGSTOP');
      followerStopped = true;
      const followerStoppedAtMs = Date.now();
      // Every partition has the stopped broker in its ISR (RF 3): none may acknowledge once its last
      // confirmation ran out.
      await faultFor(2 * SESSION_TIMEOUT_MS);
      const resumedAtMs = Date.now();
      resume();
      const quietFromMs = followerStoppedAtMs + CONFIRMATION_WINDOW_MS + STOP_SLACK_MS;
      const figures = {
        ackedWhileLapsedBeforeFollowerStopped: writer.acked.filter(
          (a) => a.ackedAtMs >= lapsedAtMs && a.ackedAtMs < followerStoppedAtMs,
        ).length,
        ackedAfterConfirmationsRanOut: writer.acked.filter(
          (a) => a.ackedAtMs >= quietFromMs && a.ackedAtMs < resumedAtMs,
        ).length,
        followerStoppedMs: resumedAtMs - followerStoppedAtMs,
      };
      console.log(`dcs-fail-safe (b): ${JSON.stringify(figures)}`);
      const steppedDown = [0, 1, 2]
        .filter((id) => id !== follower)
        .map((id) => cluster.output(id).slice(since[id]).includes('fail-safe mode: stepped down'));
      const { report } = await finish(run, 'dcs-fail-safe-b', figures);

      expect(figures.ackedWhileLapsedBeforeFollowerStopped).toBeGreaterThan(0);
      expect(figures.ackedAfterConfirmationsRanOut).toBe(0);
      expect(steppedDown).toEqual([true, true]);
      expectNothingLostOrDoubled(report);
    } finally {
      await cleanUp(run, resume);
    }
  }, 300_000);

  it('(c) a leader cut off from etcd alone stops once its followers see the leader the DCS elected', async () => {
    const cutOff = 2;
    let run: Running | undefined;
    let cut = false;
    const resume = () => {
      if (cut) run?.cluster.etcdProxy?.restore();
      cut = false;
    };
    try {
      run = await start('dcs-fail-safe-c', [cutOff]);
      const { cluster, view, initial } = run;
      const led = initial.find((p) => p.leader === cutOff);
      if (led === undefined)
        throw new Error(`broker ${cutOff} leads no partition: ${JSON.stringify(initial)}`);
      const since = cluster.output(cutOff).length;
      cluster.etcdProxy!.cut();
      cut = true;
      const cutAtMs = Date.now();
      const others = [0, 1, 2].filter((id) => id !== cutOff);
      // The controller (on a broker that kept its session) moves the leadership once the lease expires.
      const elected = await waitFor(
        `a new leader of partition ${led.partition}`,
        async () => {
          const seen = await view.describe(TOPIC, others);
          const p = seen.find((x) => x.partition === led.partition);
          return p !== undefined && p.leader !== cutOff && p.leader_epoch > led.leader_epoch ? p : undefined;
        },
        30_000,
      );
      const electedSeenAtMs = Date.now();
      // From here on a follower has seen the newer epoch: the cut-off broker may acknowledge nothing more.
      const probes = await Promise.all(
        [0, 1, 2, 3, 4].map((i) => produceOne(view, cutOff, TOPIC, led.partition, `probe-${i}|`, 5000)),
      );
      const output = () => cluster.output(cutOff).slice(since);
      await waitFor(
        `broker ${cutOff} to step down from partition ${led.partition}`,
        () => (output().includes('fail-safe mode: stepped down') ? true : undefined),
        CONFIRMATION_WINDOW_MS + 10_000,
      );
      const stepDown = output()
        .split('\n')
        .find((line) => line.includes('fail-safe mode: stepped down'));
      const figures = {
        electedAfterCutMs: electedSeenAtMs - cutAtMs,
        newLeader: elected.leader,
        leaderEpoch: `${led.leader_epoch}->${elected.leader_epoch}`,
        probes: probes.map((r) => ('error' in r ? r.error : `acknowledged at ${r.offset}`)),
      };
      console.log(`dcs-fail-safe (c): ${JSON.stringify(figures)}`);
      resume();
      const { report } = await finish(run, 'dcs-fail-safe-c', figures);

      expect(output()).toContain('fail-safe mode: leading on only while every in-sync replica confirms');
      expect(stepDown).toContain('FENCED_LEADER_EPOCH');
      expect(probes.filter((r) => !('error' in r))).toEqual([]);
      expectNothingLostOrDoubled(report);
    } finally {
      await cleanUp(run, resume);
    }
  }, 300_000);
});

/**
 * An etcd outage longer than the session timeout (SIGSTOP etcd, then SIGCONT): every broker's session
 * lapses and every broker re-registers under a new broker epoch, in the same process. The controller must
 * take that as a renewed session, not a restart (docs/architecture.md, "Re-registration is not a
 * restart"): leaders stay where they were, in the same leader epoch, no acknowledged record is lost or
 * written twice, and writes go on after the outage within a bounded stall (during it, fail-safe mode keeps
 * them going: dcs-fail-safe.test.ts). Prints the figures.
 */
import { describe, expect, it } from 'vitest';
import { Tributary } from '../../client/index.js';
import { waitFor } from '../helpers/cluster.js';
import { checkCluster, createFaultTopic, printReport, waitConverged } from '../helpers/fault-checker.js';
import { ClusterView, startLoopbackCluster } from '../helpers/fault-cluster.js';
import { startSdkWriter } from '../helpers/sdk-writer.js';

const TOPIC = 'outage';
const PARTITIONS = 3;
/** sessionTimeoutMs of the fault brokers; the outage lasts twice that. */
const SESSION_TIMEOUT_MS = 2000;
const OUTAGE_MS = 2 * SESSION_TIMEOUT_MS + 1000;
/** Writes resume this long after etcd does at the latest (machine heavily loaded). */
const STALL_AFTER_OUTAGE_MAX_MS = 20_000;

describe('etcd outage longer than the session timeout', () => {
  it('re-registers leaderships instead of re-electing them; nothing lost or duplicated', async () => {
    const cluster = await startLoopbackCluster({ name: 'dcs-outage' });
    const view = new ClusterView(cluster);
    let stopped = false;
    try {
      const initial = await createFaultTopic(cluster, view, TOPIC, PARTITIONS);
      const client = new Tributary({ bootstrap: cluster.bootstrap(), requestTimeoutMs: 30_000 });
      const writer = startSdkWriter({ client, topic: TOPIC, partitions: PARTITIONS });
      const { acked, failed } = writer;
      await waitFor('150 acknowledged records', () => (acked.length >= 150 ? true : undefined), 60_000);

      process.kill(cluster.etcdPid, 'SIGSTOP');
      stopped = true;
      const stoppedAtMs = Date.now();
      await new Promise((r) => setTimeout(r, OUTAGE_MS)); // the fault's length, not a wait for a condition
      process.kill(cluster.etcdPid, 'SIGCONT');
      stopped = false;
      const resumedAtMs = Date.now();
      const ackedBefore = acked.length;
      await waitFor(
        'writes after the outage',
        () => (acked.length >= ackedBefore + 150 ? true : undefined),
        90_000,
      );
      const firstAckAfterMs = Math.min(...acked.slice(ackedBefore).map((a) => a.ackedAtMs));
      const result = await writer.stop();
      client.close();
      const after = await waitConverged(view, cluster, TOPIC, 90_000);

      const moved = after.filter(
        (p) => p.leader !== initial.find((i) => i.partition === p.partition)!.leader,
      );
      const figures = {
        outageMs: resumedAtMs - stoppedAtMs,
        firstAckAfterOutageMs: firstAckAfterMs - resumedAtMs,
        leadersMoved: moved.length,
        epochs: after.map(
          (p) => `${initial.find((i) => i.partition === p.partition)!.leader_epoch}->${p.leader_epoch}`,
        ),
        failures: failed.length,
      };
      console.log(`dcs-outage: ${JSON.stringify(figures)}`);
      const report = await checkCluster({
        fault: 'dcs-outage',
        cluster,
        view,
        initial,
        result,
        notes: figures,
      });
      printReport(report);
      expect(report.violations).toEqual([]);
      expect(report.duplicated).toBe(0);
      expect(failed).toEqual([]);
      expect(figures.firstAckAfterOutageMs).toBeLessThan(STALL_AFTER_OUTAGE_MAX_MS);
      expect(moved.map((p) => p.partition)).toEqual([]);
    } finally {
      if (stopped) process.kill(cluster.etcdPid, 'SIGCONT');
      view.close();
      cluster.saveLogs();
      await cluster.destroy();
    }
  }, 300_000);
});

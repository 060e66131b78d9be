/**
 * A paused leader (SIGSTOP: its connections stay open, nothing answers) and the SDK producer
 * (docs/client-producer.md, "Leader changes"): the records in flight to it must complete soon after the
 * cluster elected a new leader, not when the paused broker wakes or the request deadline (30 s) passes;
 * and re-sending them must not write any of them twice (the checker reads everything back).
 */
import { describe, expect, it } from 'vitest';
import { Tributary } from '../../client/index.js';
import { waitFor } from '../helpers/cluster.js';
import { checkCluster, createFaultTopic, printReport } from '../helpers/fault-checker.js';
import { brokersExcept, ClusterView, startLoopbackCluster } from '../helpers/fault-cluster.js';
import { startSdkWriter } from '../helpers/sdk-writer.js';

const TOPIC = 'pause';
/** The SDK's default request deadline: what the producer waited for before. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Records in flight are done this long after the election at the latest (machine heavily loaded). */
const RESUME_AFTER_ELECTION_MAX_MS = 10_000;

describe('SDK producer and a paused leader', () => {
  it('re-sends what was in flight to a SIGSTOPped leader once the metadata shows a new one, without duplicates', async () => {
    const cluster = await startLoopbackCluster({ name: 'leader-pause' });
    const view = new ClusterView(cluster);
    let paused: number | undefined;
    try {
      const initial = await createFaultTopic(cluster, view, TOPIC, 1);
      const victim = initial[0]!.leader;
      const others = brokersExcept(cluster.size, victim);
      // The paused broker last in the bootstrap list: metadata comes from a live broker.
      const client = new Tributary({
        bootstrap: cluster.bootstrap([...others, victim]),
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
      });
      const writer = startSdkWriter({ client, topic: TOPIC, partitions: 1 });
      const { acked, failed, sentAtMs } = writer;
      await waitFor('200 acknowledged records', () => (acked.length >= 200 ? true : undefined), 60_000);

      cluster.signal(victim, 'SIGSTOP');
      paused = victim;
      const pausedAtMs = Date.now();
      const elected = await waitFor(
        'a new leader',
        async () => {
          const p = (await view.describe(TOPIC, others))[0]!;
          return p.leader >= 0 && p.leader !== victim ? p : undefined;
        },
        60_000,
      );
      const electedAtMs = Date.now();
      // Every record sent before the pause is settled (acknowledged: none may fail).
      const before = [...sentAtMs].filter(([, at]) => at <= pausedAtMs).map(([id]) => id);
      const settled = (id: string) => acked.some((a) => a.id === id) || failed.some((f) => f.id === id);
      await waitFor(
        'the records in flight at the pause to be settled',
        () => (before.every(settled) ? true : undefined),
        REQUEST_TIMEOUT_MS * 2,
      );
      const settledAtMs = Date.now();
      const lastAckMs = Math.max(...acked.filter((a) => before.includes(a.id)).map((a) => a.ackedAtMs));
      const stall = {
        electionMs: electedAtMs - pausedAtMs,
        resumedAfterElectionMs: Math.max(0, lastAckMs - electedAtMs),
        settledAfterPauseMs: settledAtMs - pausedAtMs,
      };
      console.log(`leader-pause: victim ${victim}, new leader ${elected.leader}: ${JSON.stringify(stall)}`);
      await waitFor(
        'more acknowledged records',
        () => (acked.length >= before.length + 100 ? true : undefined),
        60_000,
      );

      cluster.signal(victim, 'SIGCONT');
      paused = undefined;
      const result = await writer.stop();
      client.close();

      expect(failed.filter((f) => before.includes(f.id))).toEqual([]);
      expect(stall.resumedAfterElectionMs).toBeLessThan(RESUME_AFTER_ELECTION_MAX_MS);
      const report = await checkCluster({
        fault: 'leader-pause',
        cluster,
        view,
        initial,
        result,
        notes: stall,
      });
      printReport(report);
      expect(report.violations).toEqual([]);
      expect(report.duplicated).toBe(0);
    } finally {
      if (paused !== undefined) cluster.signal(paused, 'SIGCONT');
      view.close();
      cluster.saveLogs();
      await cluster.destroy();
    }
  }, 300_000);
});

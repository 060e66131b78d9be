import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Admin, type RebalancePlan, Tributary } from '../../client/index.js';
import { REPO_ROOT } from '../helpers/broker-process.js';
import { startTestCluster, type TestCluster, waitFor } from '../helpers/cluster.js';
import { latenciesMs, percentile } from '../helpers/roll-figures.js';
import { type RollWorkload, startRollWorkload } from '../helpers/roll-workload.js';
import { checkWorkload } from '../helpers/workload-check.js';

// The balancer's copy rate against its throttle, and what a rebalance costs producers (docs/benchmarks.md,
// "Rebalancing"): 3 brokers holding BENCH_REBALANCE_BYTES (default 32 MiB) of RF 3 data grow to 4 with the
// throttle at BENCH_THROTTLE (default 1 MiB/s, below
// what this machine replicates unthrottled, so the throttle is what limits), then to 5 with no practical throttle, under an idempotent
// acks=all producer and a consumer group. Figures as JSON in docs/results/rebalance-throttle.json.

const MiB = 1024 * 1024;
const BYTES = Number(process.env['BENCH_REBALANCE_BYTES'] ?? 32 * MiB);
const THROTTLE = Number(process.env['BENCH_THROTTLE'] ?? MiB);
const UNTHROTTLED = 10 * 1024 ** 3;
const FILL_TOPIC = 'bulk';
const FILL_PARTITIONS = 12;
const RECORD_BYTES = 64 * 1024;
const TOPIC = 'events';
const PARTITIONS = 3;
const BASELINE_MS = 10_000;

let cluster: TestCluster;
let client: Tributary;
let admin: Admin;

async function fill(): Promise<void> {
  await admin.createTopic({ name: FILL_TOPIC, partitions: FILL_PARTITIONS, replicationFactor: 3 });
  const producer = client.producer({ acks: 'all' });
  const value = Buffer.alloc(RECORD_BYTES, 7);
  const records = Math.ceil(BYTES / RECORD_BYTES);
  for (let sent = 0; sent < records; sent += 64) {
    const messages = Array.from({ length: Math.min(64, records - sent) }, (_, i) => ({
      value,
      partition: (sent + i) % FILL_PARTITIONS,
    }));
    await producer.send({ topic: FILL_TOPIC, messages });
  }
  await producer.close();
}

/** Adds broker `id` and waits for the plan it starts to finish; the plan's figures. */
async function grow(id: number, workload: RollWorkload) {
  await cluster.start(id);
  const plan: RebalancePlan = await waitFor(
    `the plan for broker ${id}`,
    async () => {
      const d = await admin.describeBalance();
      return d.current === null && d.last?.reason.includes(`broker ${id} joined`) ? d.last : undefined;
    },
    1_800_000,
  );
  const seconds = (plan.finishedAtMs - plan.startedAtMs) / 1000;
  const during = latenciesMs(workload.acked, plan.startedAtMs, plan.finishedAtMs);
  return {
    status: plan.status,
    moves: plan.movesTotal,
    bytes: plan.bytesTotal,
    lowerBoundBytes: plan.lowerBoundBytes,
    bytesOfLowerBound: Number((plan.bytesTotal / Math.max(1, plan.lowerBoundBytes)).toFixed(3)),
    seconds,
    rateBytesPerSec: Math.round(plan.bytesTotal / seconds),
    p99Ms: percentile(during, 99),
    acked: during.length,
  };
}

describe('rebalance throttle', () => {
  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 3 });
    client = new Tributary({ bootstrap: cluster.bootstrap() });
    admin = client.admin();
    await fill();
    await admin.createTopic({ name: TOPIC, partitions: PARTITIONS, replicationFactor: 3 });
  }, 1_800_000);

  afterAll(async () => {
    client?.close();
    await cluster?.destroy();
  });

  it('copies at the throttle; producer latency with and without it', async () => {
    const workload = startRollWorkload(client, {
      topic: TOPIC,
      partitions: PARTITIONS,
      groupId: 'bench',
      ratePerSec: 100,
      inFlightMax: 64,
    });
    const load = loadavg().map((l) => l.toFixed(1));
    const baselineFrom = Date.now();
    await waitFor(
      'the baseline window',
      () => (Date.now() - baselineFrom >= BASELINE_MS ? true : undefined),
      60_000,
    );
    const baselineP99Ms = percentile(latenciesMs(workload.acked, baselineFrom, Date.now()), 99);
    await admin.alterBalancingConfig({ throttleBytesPerSec: THROTTLE });
    const throttled = await grow(3, workload);
    await admin.alterBalancingConfig({ throttleBytesPerSec: UNTHROTTLED });
    const unthrottled = await grow(4, workload);
    await workload.stopProducing();
    const { figures: records, violations } = await checkWorkload(client, workload, TOPIC, PARTITIONS);
    await workload.close();
    const result = {
      date: new Date().toISOString(),
      loadAverage: load,
      bytes: BYTES,
      throttleBytesPerSec: THROTTLE,
      baselineP99Ms,
      throttled: { ...throttled, rateOfThrottle: Number((throttled.rateBytesPerSec / THROTTLE).toFixed(3)) },
      unthrottled,
      records,
      violations,
    };
    console.log(JSON.stringify(result, null, 2));
    writeFileSync(
      join(REPO_ROOT, 'docs', 'results', 'rebalance-throttle.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    expect(records).toMatchObject({ lost: 0, duplicated: 0 });
  }, 3_600_000);
});

/**
 * `tributary topic describe` against a cluster of three broker processes, asked through one broker only:
 * the offsets and size of every partition come from its leader, also for the partitions the asked broker
 * does not host (a broker reports -1 for those). Needs `npm run build` first (the CLI runs from dist/).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tributary } from '../../client/index.js';
import { CLI_ENTRY, REPO_ROOT } from '../helpers/broker-process.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

const BIN = join(REPO_ROOT, 'bin', 'tributary.js');
const TOPIC = 'spread';
const PARTITIONS = 6;

function tributary(bootstrap: string, args: string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, TRIBUTARY_BOOTSTRAP: bootstrap },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr.resume();
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout })));
}

describe('tributary topic describe on a cluster', () => {
  let cluster: TestCluster;
  let client: Tributary;

  beforeAll(async () => {
    if (!existsSync(CLI_ENTRY)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
    cluster = await startTestCluster({ brokers: 3 });
    client = new Tributary({ bootstrap: cluster.bootstrap() });
    // Replication factor 1: each broker hosts only the partitions it leads.
    await client.admin().createTopic({ name: TOPIC, partitions: PARTITIONS, replicationFactor: 1 });
    const producer = client.producer();
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const messages = Array.from({ length: partition + 1 }, (_, i) => ({
        value: `p${partition}-${i}`,
        partition,
      }));
      await producer.send({ topic: TOPIC, messages, acks: 'all' });
    }
    await producer.close();
  }, 120_000);

  afterAll(async () => {
    client?.close();
    await cluster?.destroy();
  }, 60_000);

  it("shows every partition's offsets and size as its leader reports them, not -1", async () => {
    const asked = cluster.bootstrap().split(',')[0]!;
    const description = await client.admin().describeTopic(TOPIC);
    const askedId = cluster.brokers.findIndex((b) => b !== undefined && b.address === asked);
    // The premise: some partitions are led (and so hosted) elsewhere than on the broker asked.
    expect(askedId).toBeGreaterThanOrEqual(0);
    expect(description.partitions.some((p) => p.leader !== askedId)).toBe(true);

    const json = await tributary(asked, ['topic', 'describe', TOPIC, '--json']);
    expect(json.code).toBe(0);
    const partitions = (JSON.parse(json.stdout) as { partitions: Array<Record<string, number>> }).partitions;
    expect(
      partitions.map((p) => [p['partition'], p['logStartOffset'], p['highWatermark'], p['logEndOffset']]),
    ).toEqual(Array.from({ length: PARTITIONS }, (_, p) => [p, 0, p + 1, p + 1]));
    for (const p of partitions) expect(p['sizeBytes']).toBeGreaterThan(0);

    const text = await tributary(asked, ['topic', 'describe', TOPIC]);
    expect(text.code).toBe(0);
    expect(text.stdout).not.toMatch(/\s-1\s/);
    expect(text.stdout).not.toMatch(/not known/);
  }, 60_000);
});

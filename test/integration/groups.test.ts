/** Consumer groups' committed offsets on a real broker: commit, fetch, resume, lag, reset, delete, CLI. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tributary } from '../../client/index.js';
import { type BrokerProcess, REPO_ROOT, removeDataDirs, startBroker } from '../helpers/broker-process.js';
import { call, rawStubs, reasonOf } from '../helpers/grpc.js';

let broker: BrokerProcess;
let client: Tributary;

beforeAll(async () => {
  broker = await startBroker({ args: ['--set', 'offsetsTopicPartitions=4'] });
  client = new Tributary({ bootstrap: broker.address });
  await client.admin().createTopic({ name: 'orders', partitions: 2 });
  const producer = client.producer();
  await producer.send({
    topic: 'orders',
    messages: Array.from({ length: 10 }, (_, i) => ({ value: `o${i}`, partition: i % 2 })),
  });
  await producer.close();
});

afterAll(async () => {
  client?.close();
  await broker?.stop();
  removeDataDirs();
});

function cli(args: string[]) {
  const r = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'bin', 'tributary.js'), '--bootstrap', broker.address, ...args],
    {
      encoding: 'utf8',
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('consumer groups: committed offsets', () => {
  it('a consumer commits its position and a new one resumes from there; lag is what is left to read', async () => {
    const first = client.consumer({ groupId: 'billing', autoCommitIntervalMs: 0 });
    await first.assign({ topic: 'orders', partitions: [0], from: 'committed' });
    const seen: string[] = [];
    for await (const r of first) {
      seen.push(r.value!.toString());
      if (seen.length === 3) break;
    }
    await first.commit();
    await first.close();
    expect(seen).toEqual(['o0', 'o2', 'o4']);

    const lag = await client.admin().describeGroup('billing');
    expect(lag).toEqual([
      expect.objectContaining({ topic: 'orders', partition: 0, offset: 3, logEndOffset: 5, lag: 2 }),
    ]);

    const second = client.consumer({ groupId: 'billing' });
    await second.assign({ topic: 'orders', partitions: [0], from: 'committed' });
    const rest: string[] = [];
    for await (const r of second) {
      rest.push(r.value!.toString());
      if (rest.length === 2) break;
    }
    expect(rest).toEqual(['o6', 'o8']);
    await second.close(); // auto-commit on close
    expect((await client.admin().describeGroup('billing'))[0]).toMatchObject({ offset: 5, lag: 0 });
  });

  it('honours resetPolicy when nothing is committed', async () => {
    const none = client.consumer({ groupId: 'fresh', resetPolicy: 'none', autoCommitIntervalMs: 0 });
    await expect(none.assign({ topic: 'orders', partitions: [1], from: 'committed' })).rejects.toMatchObject({
      reasonName: 'OFFSET_OUT_OF_RANGE',
    });
    await none.close();
    const latest = client.consumer({ groupId: 'fresh', resetPolicy: 'latest', autoCommitIntervalMs: 0 });
    await latest.assign({ topic: 'orders', partitions: [1], from: 'committed' });
    expect(latest.position({ topic: 'orders', partition: 1 })).toBe(5);
    await latest.close();
  });

  it('lists, resets and deletes groups from the CLI, with lag visible', async () => {
    expect(cli(['group', 'list']).stdout).toContain('billing');
    const reset = cli(['group', 'reset-offsets', 'billing', '--topic', 'orders', '--to-earliest', '--json']);
    expect(reset.code).toBe(0);
    expect(JSON.parse(reset.stdout)).toEqual([
      { topic: 'orders', partition: 0, offset: 0 },
      { topic: 'orders', partition: 1, offset: 0 },
    ]);
    const described = cli(['group', 'describe', 'billing']);
    expect(described.stdout).toContain('Total lag: 10');
    expect(cli(['group', 'reset-offsets', 'billing', '--topic', 'orders']).code).toBe(2);
    const deleted = cli(['group', 'delete', 'billing']);
    expect(deleted.stdout).toContain('deleted 2 committed offset(s)');
    const gone = cli(['group', 'describe', 'billing']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('GROUP_ID_NOT_FOUND');
  });

  it('commits hundreds of partitions with metadata in one call (split into batches the log accepts)', async () => {
    const admin = client.admin();
    // Offsets are committed only for partitions that exist, so the topic is created first: 200
    // partitions (a broker creates about 50 a second), with 4000 bytes of metadata each, so the
    // 800 KB commit still spans several of the coordinator's 256 KiB batches.
    await admin.createTopic({ name: 'wide', partitions: 200 });
    const metadata = 'm'.repeat(4000);
    const offsets = Array.from({ length: 200 }, (_, partition) => ({
      topic: 'wide',
      partition,
      offset: partition,
      metadata,
    }));
    await admin.commitGroupOffsets('wide-group', offsets);
    const back = await admin.fetchGroupOffsets('wide-group');
    expect(back).toHaveLength(200);
    expect(back[199]).toMatchObject({ partition: 199, offset: 199, metadata });
  });

  it('refuses bad group requests precisely', async () => {
    const stubs = rawStubs(broker.address);
    try {
      const { grpc } = await import('../../proto/load.js').then((m) => ({
        grpc: m.loadTributaryProto().grpc,
      }));
      const { credentials } = await import('@grpc/grpc-js');
      const groups = new grpc.tributary.v1.GroupService(broker.address, credentials.createInsecure());
      const reason = (p: Promise<unknown>) =>
        p.then(
          () => 'ok',
          (e: unknown) => reasonOf(e).reason,
        );
      expect(await reason(call(groups, 'FindCoordinator', { group_id: '' }))).toBe('INVALID_GROUP_ID');
      expect(await reason(call(groups, 'CommitOffsets', { group_id: 'g', topics: [] }))).toBe(
        'INVALID_REQUEST',
      );
      const bad = await call<{ results: Array<{ error: { reason: string } | null }> }>(
        groups,
        'CommitOffsets',
        {
          group_id: 'g',
          topics: [
            { topic: 'bad name!', partitions: [{ partition: 0, offset: '1' }] },
            { topic: 'orders', partitions: [{ partition: 0, offset: '-4' }] },
          ],
        },
      ).catch((e: unknown) => reasonOf(e).reason);
      expect(bad).toBe('INVALID_REQUEST'); // a negative offset fails the whole commit
      expect(await reason(call(groups, 'DeleteGroup', { group_id: 'never' }))).toBe('GROUP_ID_NOT_FOUND');
      groups.close();
    } finally {
      stubs.close();
    }
  });
});

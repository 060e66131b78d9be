import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeBatches } from '../../proto/codec/index.js';
import { batch, tempDir, testConfig } from '../../test/helpers/storage.js';
import { FileHandleCache } from './file-handle-cache.js';
import { LogManager, parseLogDirName } from './log-manager.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

describe('LogManager', () => {
  it('parses <topic>-<partition> by the last dash', () => {
    expect(parseLogDirName('orders-0')).toEqual({ topic: 'orders', partition: 0 });
    expect(parseLogDirName('my-topic.v2-13')).toEqual({ topic: 'my-topic.v2', partition: 13 });
    expect(parseLogDirName('nodash')).toBeUndefined();
    expect(parseLogDirName('topic-x')).toBeUndefined();
  });

  it('creates, reopens, leaves unknown topics alone and deletes topics', async () => {
    const config = testConfig();
    const warnings: object[] = [];
    const logger = { info: () => {}, warn: (o: object) => warnings.push(o) };
    const manager = new LogManager({
      dataDir: dir,
      maxOpenFiles: 4,
      retentionCheckIntervalMs: 60_000,
      logger,
    });
    await manager.open(() => config);
    const a0 = await manager.create('a-b.c', 0, config);
    const a1 = await manager.create('a-b.c', 1, config);
    expect(await manager.create('a-b.c', 0, config)).toBe(a0);
    await a0.append(batch(2, 'x'), { leaderEpoch: 0 });
    await a1.append(batch(1, 'y'), { leaderEpoch: 0 });
    await manager.create('other', 0, config);
    manager.startBackgroundTasks();
    await manager.close();
    await mkdir(join(dir, 'not-a-partition'));
    // The replica manager's checkpoint lives beside the logs: a file, never a stray partition.
    await writeFile(join(dir, 'replication-offset-checkpoint'), '0\n0\n');
    await writeFile(join(dir, 'replication-offset-checkpoint.tmp'), '');

    const again = new LogManager({ dataDir: dir, maxOpenFiles: 4, retentionCheckIntervalMs: 60_000, logger });
    await again.open((topic) => (topic === 'a-b.c' ? config : undefined));
    expect([...again.logs()].map((l) => `${l.topic}/${l.partition}`).sort()).toEqual(['a-b.c/0', 'a-b.c/1']);
    expect(warnings.map((w) => (w as { dir: string }).dir).sort()).toEqual(['not-a-partition', 'other-0']);
    const log = again.get('a-b.c', 0)!;
    expect(log.logEndOffset).toBe(2);
    expect(
      decodeBatches((await log.read(0, 1000)).batches).map((r) => r.value?.toString().slice(0, 4)),
    ).toEqual(['vx.0', 'vx.1']);
    again.updateTopicConfig('a-b.c', testConfig({ retentionMs: 1 }));
    expect(log.currentConfig.retentionMs).toBe(1);
    await again.deleteTopic('a-b.c');
    expect(again.get('a-b.c', 0)).toBeUndefined();
    expect((await readdir(dir)).sort()).toEqual([
      'not-a-partition',
      'other-0',
      'replication-offset-checkpoint',
      'replication-offset-checkpoint.tmp',
    ]);
    await again.close();
  });

  it('runs background fsyncs', async () => {
    const manager = new LogManager({
      dataDir: dir,
      maxOpenFiles: 4,
      flushCheckIntervalMs: 10,
      retentionCheckIntervalMs: 20,
    });
    await manager.open(() => undefined);
    const log = await manager.create('t', 0, testConfig({ flushIntervalMs: 10 }));
    manager.startBackgroundTasks();
    await log.append(batch(1, 0), { leaderEpoch: 0 });
    await new Promise((r) => setTimeout(r, 80));
    await manager.close();
  });
});

describe('FileHandleCache', () => {
  it('keeps at most maxOpenFiles idle handles and never closes one in use', async () => {
    const cache = new FileHandleCache(2);
    const paths = ['a', 'b', 'c'].map((n) => join(dir, n));
    const { writeFile } = await import('node:fs/promises');
    for (const p of paths) await writeFile(p, p);
    await cache.use(paths[0]!, async (fh) => {
      await cache.use(paths[1]!, async () => {});
      await cache.use(paths[2]!, async () => {});
      // paths[0] is in use, so the LRU idle one (paths[1]) was closed instead.
      expect(cache.openCount).toBe(2);
      expect((await fh.readFile()).toString()).toBe(paths[0]);
    });
    expect(cache.openCount).toBe(2);
    await cache.closeAll();
    expect(cache.openCount).toBe(0);
  });
});

/**
 * docs/client.md's examples: each is a file in docs/examples/ (type-checked by tsc), copied into the page
 * after an `<!-- example: path -->` marker. This test keeps the page and the files equal byte for byte
 * and runs every example against a real broker.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as abort } from '../../docs/examples/abort.js';
import { main as admin } from '../../docs/examples/admin.js';
import { main as balancing } from '../../docs/examples/balancing.js';
import { main as consumeBatches } from '../../docs/examples/consume-batches.js';
import { main as consumeControl } from '../../docs/examples/consume-control.js';
import { main as consumeIterate } from '../../docs/examples/consume-iterate.js';
import { main as consumerGroup } from '../../docs/examples/consumer-group.js';
import { main as errors } from '../../docs/examples/errors.js';
import { main as events } from '../../docs/examples/events.js';
import { main as produce } from '../../docs/examples/produce.js';
import { main as produceRecords } from '../../docs/examples/produce-records.js';
import { main as quickStart } from '../../docs/examples/quick-start.js';
import { type BrokerProcess, REPO_ROOT, removeDataDirs, startBroker } from '../helpers/broker-process.js';

const EXAMPLES_DIR = join(REPO_ROOT, 'docs', 'examples');
const MARKER = /<!-- example: (docs\/examples\/[\w.-]+\.ts) -->\n\n```ts\n([\s\S]*?)```\n/g;

/** Each marked example in the page: its path and the code block that follows the marker. */
function examplesInPage(): Array<{ path: string; code: string }> {
  const page = readFileSync(join(REPO_ROOT, 'docs', 'client.md'), 'utf8');
  return [...page.matchAll(MARKER)].map((m) => ({ path: m[1]!, code: m[2]! }));
}

describe('docs/client.md examples', () => {
  it('copies every example file byte for byte', () => {
    const inPage = examplesInPage();
    const files = readdirSync(EXAMPLES_DIR)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `docs/examples/${f}`)
      .sort();
    expect(inPage.map((e) => e.path).sort()).toEqual(files);
    for (const { path, code } of inPage) {
      expect(code, `${path} differs from its copy in docs/client.md`).toBe(
        readFileSync(join(REPO_ROOT, path), 'utf8'),
      );
    }
  });
});

describe('docs/client.md examples run', () => {
  let broker: BrokerProcess;

  beforeAll(async () => {
    broker = await startBroker();
  });

  afterAll(async () => {
    await broker?.stop();
    removeDataDirs();
  });

  it('consumer-group.ts', async () => {
    expect(await consumerGroup(broker.address)).toEqual({ processed: 40, lag: 0 });
  });

  it('quick-start.ts', async () => {
    expect(await quickStart(broker.address)).toEqual(['alice: hello', 'bob: hi', 'carol: hey']);
  });

  it('admin.ts', async () => {
    const result = await admin(broker.address);
    expect(result).toMatchObject({
      partitions: 4,
      configs: { 'retention.ms': '604800000' },
      listed: true,
    });
    expect(result.offsets).toEqual([0, 1, 2, 3].map((partition) => ({ partition, low: 0, high: 0 })));
    expect(result.brokers).toBeGreaterThanOrEqual(1);
  });

  it('balancing.ts', async () => {
    // One broker: balanced by definition; broker 7 is known by its state only.
    expect(await balancing(broker.address)).toEqual({
      mode: 'onScale',
      planned: 'planned',
      moves: 0,
      brokers: ['0:active', '7:cordoned'],
      running: null,
    });
  });

  it('produce.ts', async () => {
    const acks = await produce(broker.address);
    const written = acks.reduce((n, a) => n + a.lastOffset - a.baseOffset + 1, 0);
    expect(written).toBe(3);
    expect(acks.some((a) => a.partition === 1)).toBe(true);
  });

  it('produce-records.ts', async () => {
    const written = await produceRecords(broker.address);
    expect(written).toHaveLength(1000);
    // Offsets are dense per partition, and records of one key share a partition.
    for (const partition of [0, 1, 2]) {
      const offsets = written.filter((w) => w.partition === partition).map((w) => w.offset);
      expect([...offsets].sort((a, b) => a - b)).toEqual(offsets.map((_, i) => i));
    }
  });

  it('consume-iterate.ts', async () => {
    const { count, perPartition, positions } = await consumeIterate(broker.address);
    expect(count).toBe(300);
    expect(perPartition.reduce((a, b) => a + b, 0)).toBe(300);
    expect(positions).toEqual(perPartition);
  });

  it('consume-batches.ts', async () => {
    expect(await consumeBatches(broker.address)).toEqual({
      records: 5000,
      sum: (5000 * 4999) / 2,
      lag: [0, 0],
    });
  });

  it('consume-control.ts', async () => {
    expect(await consumeControl(broker.address)).toEqual({
      fromTime: 5,
      first: 5,
      afterSeek: 0,
      live: 'live',
      resumed: 1,
    });
  });

  it('errors.ts', async () => {
    expect(await errors(broker.address)).toEqual([
      { reason: 'UNKNOWN_TOPIC', retriable: false },
      { reason: 'OFFSET_OUT_OF_RANGE', retriable: false },
    ]);
  });

  it('events.ts', async () => {
    expect(await events(broker.address)).toEqual({ partitions: [0, 1], logged: true });
  });

  it('abort.ts', async () => {
    expect(await abort(broker.address)).toEqual({ record: undefined, closed: true });
  });
});

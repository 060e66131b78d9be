import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeBatches, encodeRecordBatch } from '../../proto/codec/index.js';
import type { CreateTopicsResponse__Output } from '../../proto/generated/tributary/v1/CreateTopicsResponse.js';
import type { DescribeTopicsResponse__Output } from '../../proto/generated/tributary/v1/DescribeTopicsResponse.js';
import type { FetchResponse__Output } from '../../proto/generated/tributary/v1/FetchResponse.js';
import type { ProduceResponse__Output } from '../../proto/generated/tributary/v1/ProduceResponse.js';
import { CLI_ENTRY, makeDataDir, removeDataDirs, startBroker } from '../helpers/broker-process.js';
import { call, type RawStubs, rawStubs } from '../helpers/grpc.js';

afterAll(() => removeDataDirs());

async function createTopic(stubs: RawStubs, name: string, configs: Record<string, string> = {}) {
  const res = await call<CreateTopicsResponse__Output>(stubs.admin, 'CreateTopics', {
    topics: [
      { name, partitions: 1, configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) },
    ],
  });
  expect(res.topics[0]!.error).toBeNull();
}

async function produce(stubs: RawStubs, topic: string, batch: Buffer) {
  const res = await call<ProduceResponse__Output>(stubs.client, 'Produce', {
    acks: 'ACKS_LEADER',
    topics: [{ topic, partitions: [{ partition: 0, batches: batch }] }],
  });
  const p = res.topics[0]!.partitions[0]!;
  expect(p.error).toBeNull();
  return p;
}

async function describe1(stubs: RawStubs, topic: string) {
  const res = await call<DescribeTopicsResponse__Output>(stubs.admin, 'DescribeTopics', { names: [topic] });
  return res.topics[0]!.partitions[0]!;
}

/** Polls `check` until it returns true or `timeoutMs` passes; for conditions the broker reaches on its own timers. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('broker lifecycle', () => {
  it('refuses a bad configuration with a clear message and exit code 1', () => {
    const bad = spawnSync(
      process.execPath,
      [CLI_ENTRY, 'broker', 'start', '--port', '99999', '--data-dir', makeDataDir()],
      {
        encoding: 'utf8',
      },
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/port must be an integer in \[0, 65535\], got 99999 \(INVALID_CONFIG\)/);
    const unknown = spawnSync(process.execPath, [CLI_ENTRY, 'broker', 'start', '--set', 'colour=blue'], {
      encoding: 'utf8',
    });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/unknown setting colour/);
  });

  it('refuses a second broker on the same data directory', async () => {
    const dataDir = makeDataDir();
    const first = await startBroker({ dataDir });
    await expect(startBroker({ dataDir })).rejects.toThrow(/in use by process/);
    expect(await first.stop()).toBe(0);
  });

  it('stops cleanly on SIGTERM, answering a parked long poll, and reopens with its data', async () => {
    const dataDir = makeDataDir();
    const broker = await startBroker({ dataDir });
    const stubs = rawStubs(broker.address);
    await createTopic(stubs, 'calm');
    await produce(stubs, 'calm', encodeRecordBatch([{ value: 'a' }, { value: 'b' }]));
    // A long poll is parked on the broker when the signal arrives: the stop answers it with what there is.
    const parked = call<FetchResponse__Output>(stubs.client, 'Fetch', {
      max_wait_ms: 30_000,
      min_bytes: 1_000_000,
      topics: [{ topic: 'calm', partitions: [{ partition: 0, fetch_offset: '0' }] }],
    });
    const metricsUrl = /"metrics":"(http:[^"]+)"/.exec(broker.output())![1]!;
    await eventually(async () =>
      /\ntributary_inflight_requests 1\n/.test(await (await fetch(metricsUrl)).text()),
    );
    const stopped = broker.stop();
    const answer = await parked;
    expect(decodeBatches(answer.topics[0]!.partitions[0]!.batches).map((r) => r.value?.toString())).toEqual([
      'a',
      'b',
    ]);
    expect(await stopped).toBe(0);
    stubs.close();
    expect(broker.output()).toMatch(/"msg":"broker stopped"/);

    const again = await startBroker({ dataDir });
    const s2 = rawStubs(again.address);
    expect(await describe1(s2, 'calm')).toMatchObject({ log_end_offset: '2' });
    s2.close();
    await again.stop();
  });

  it('stamps LogAppendTime when the topic asks for it', async () => {
    const broker = await startBroker();
    const stubs = rawStubs(broker.address);
    await createTopic(stubs, 'stamped', { 'message.timestamp.type': 'LogAppendTime' });
    const before = Date.now();
    const ack = await produce(stubs, 'stamped', encodeRecordBatch([{ value: 'old', timestamp: 1000 }]));
    expect(Number(ack.log_append_time_ms)).toBeGreaterThanOrEqual(before);
    const fetched = await call<FetchResponse__Output>(stubs.client, 'Fetch', {
      topics: [{ topic: 'stamped', partitions: [{ partition: 0, fetch_offset: '0' }] }],
    });
    const [record] = decodeBatches(fetched.topics[0]!.partitions[0]!.batches);
    expect(record!.timestampType).toBe('LogAppendTime');
    expect(record!.timestamp).toBe(Number(ack.log_append_time_ms));
    stubs.close();
    await broker.stop();
  });

  it('rolls segments by size, takes batches larger than a segment, and enforces retention by size', async () => {
    const broker = await startBroker({ args: ['--set', 'retentionCheckIntervalMs=100'] });
    const stubs = rawStubs(broker.address);
    await createTopic(stubs, 'retained', { 'segment.bytes': '4096', 'retention.bytes': '20000' });
    const big = encodeRecordBatch([{ value: Buffer.alloc(6000, 1) }]);
    expect((await produce(stubs, 'retained', big)).base_offset).toBe('0');
    for (let i = 0; i < 40; i++)
      await produce(stubs, 'retained', encodeRecordBatch([{ value: Buffer.alloc(1000, 2) }]));
    // Retention runs on the broker's own timer: wait for the log start to move and the size to drop.
    await eventually(async () => {
      const p = await describe1(stubs, 'retained');
      return Number(p.log_start_offset) > 0 && Number(p.size_bytes) <= 20000 + 4096;
    });
    const p = await describe1(stubs, 'retained');
    expect(p.log_end_offset).toBe('41');
    const res = await call<FetchResponse__Output>(stubs.client, 'Fetch', {
      topics: [{ topic: 'retained', partitions: [{ partition: 0, fetch_offset: '0' }] }],
    });
    expect(res.topics[0]!.partitions[0]!.error?.reason).toBe('OFFSET_OUT_OF_RANGE');
    stubs.close();
    await broker.stop();
  });
});

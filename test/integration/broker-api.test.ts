import { join } from 'node:path';
import { credentials, loadPackageDefinition, type ServiceError, status } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBatches, encodeRecordBatch } from '../../proto/codec/index.js';
import type { CreateTopicsResponse__Output } from '../../proto/generated/tributary/v1/CreateTopicsResponse.js';
import type { DescribeConfigsResponse__Output } from '../../proto/generated/tributary/v1/DescribeConfigsResponse.js';
import type { DescribeTopicsResponse__Output } from '../../proto/generated/tributary/v1/DescribeTopicsResponse.js';
import type { FetchResponse__Output } from '../../proto/generated/tributary/v1/FetchResponse.js';
import type { ListOffsetsResponse__Output } from '../../proto/generated/tributary/v1/ListOffsetsResponse.js';
import type { ListTopicsResponse__Output } from '../../proto/generated/tributary/v1/ListTopicsResponse.js';
import type { MetadataResponse__Output } from '../../proto/generated/tributary/v1/MetadataResponse.js';
import type { ProduceResponse__Output } from '../../proto/generated/tributary/v1/ProduceResponse.js';
import type { SubscribeResponse__Output } from '../../proto/generated/tributary/v1/SubscribeResponse.js';
import type { TopicResult__Output } from '../../proto/generated/tributary/v1/TopicResult.js';
import { type BrokerProcess, REPO_ROOT, removeDataDirs, startBroker } from '../helpers/broker-process.js';
import { call, type RawStubs, rawStubs, reasonOf } from '../helpers/grpc.js';

let broker: BrokerProcess;
let stubs: RawStubs;

beforeAll(async () => {
  broker = await startBroker({ args: ['--set', 'maxRequestBytes=2097152'] });
  stubs = rawStubs(broker.address);
});

afterAll(async () => {
  stubs?.close();
  await broker?.stop();
  removeDataDirs();
});

const createTopics = (topics: object[], validateOnly = false) =>
  call<CreateTopicsResponse__Output>(stubs.admin, 'CreateTopics', { topics, validate_only: validateOnly });

async function createTopic(name: string, partitions = 1, configs: Record<string, string> = {}) {
  const res = await createTopics([
    { name, partitions, configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) },
  ]);
  expect(res.topics[0]!.error).toBeNull();
}

const produce = (
  topic: string,
  partition: number,
  data: { batches?: Buffer; records?: object[] },
  acks = 'ACKS_ALL',
) =>
  call<ProduceResponse__Output>(stubs.client, 'Produce', {
    acks,
    topics: [{ topic, partitions: [{ partition, ...data }] }],
  });

function onlyPartition(res: ProduceResponse__Output) {
  return res.topics[0]!.partitions[0]!;
}

const fetchOne = (topic: string, partition: number, offset: number | string, extra: object = {}) =>
  call<FetchResponse__Output>(stubs.client, 'Fetch', {
    max_wait_ms: 0,
    min_bytes: 1,
    topics: [{ topic, partitions: [{ partition, fetch_offset: String(offset) }] }],
    ...extra,
  });

const listOffsets = (topic: string, partition: number, spec: string, timestampMs = '0') =>
  call<ListOffsetsResponse__Output>(stubs.client, 'ListOffsets', {
    topics: [{ topic, partitions: [{ partition, spec, timestamp_ms: timestampMs }] }],
  }).then((r) => r.topics[0]!.partitions[0]!);

function batch(values: string[], opts: { keyPrefix?: string; timestamp?: number } = {}) {
  return encodeRecordBatch(
    values.map((v, i) => ({
      key: opts.keyPrefix === undefined ? null : `${opts.keyPrefix}${i}`,
      value: v,
      headers: [{ key: 'h', value: `hv${i}` }],
      timestamp: opts.timestamp ?? Date.now(),
    })),
  );
}

function expectWireError(
  e: { reason: string; code: number; retriable: boolean } | null | undefined,
  reason: string,
) {
  expect(e, `expected ${reason}`).toBeTruthy();
  expect(e!.reason).toBe(reason);
}

async function expectStatus(promise: Promise<unknown>, code: status, reason: string) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${reason}`).toBeDefined();
  const r = reasonOf(err);
  expect(r.code).toBe(code);
  expect(r.reason).toBe(reason);
}

describe('topics', () => {
  it('creates, lists, describes, grows, configures and deletes a topic', async () => {
    await createTopic('orders', 3, { 'retention.ms': '3600000' });
    const list = await call<ListTopicsResponse__Output>(stubs.admin, 'ListTopics', {});
    expect(list.topics.find((t) => t.name === 'orders')).toMatchObject({
      partitions: 3,
      replication_factor: 1,
    });

    const described = await call<DescribeTopicsResponse__Output>(stubs.admin, 'DescribeTopics', {
      names: ['orders'],
    });
    expect(described.topics[0]!.partitions).toHaveLength(3);
    expect(described.topics[0]!.configs).toEqual([{ name: 'retention.ms', value: '3600000' }]);
    expect(described.topics[0]!.partitions[2]).toMatchObject({
      partition: 2,
      leader: 0,
      log_end_offset: '0',
    });

    const grown = await call<{ topics: TopicResult__Output[] }>(stubs.admin, 'CreatePartitions', {
      topics: [{ topic: 'orders', count: 5 }],
    });
    expect(grown.topics[0]!.error).toBeNull();
    const meta = await call<MetadataResponse__Output>(stubs.client, 'Metadata', { topics: ['orders'] });
    expect(meta.topics[0]!.partitions).toHaveLength(5);
    expect(meta.brokers).toEqual([{ id: 0, host: '127.0.0.1', port: broker.port, rack: '' }]);
    expect(meta.cluster_id).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const altered = await call<{ topics: TopicResult__Output[] }>(stubs.admin, 'AlterConfigs', {
      topics: [
        {
          topic: 'orders',
          alterations: [
            { name: 'segment.bytes', value: '1048576', op: 'ALTER_OP_SET' },
            { name: 'retention.ms', op: 'ALTER_OP_DELETE' },
          ],
        },
      ],
    });
    expect(altered.topics[0]!.error).toBeNull();
    const configs = await call<DescribeConfigsResponse__Output>(stubs.admin, 'DescribeConfigs', {
      topics: ['orders'],
    });
    const byName = Object.fromEntries(configs.topics[0]!.configs.map((c) => [c.name, c]));
    expect(byName['segment.bytes']).toMatchObject({ value: '1048576', is_default: false });
    expect(byName['retention.ms']).toMatchObject({ value: String(7 * 24 * 3600 * 1000), is_default: true });

    const deleted = await call<{ topics: TopicResult__Output[] }>(stubs.admin, 'DeleteTopics', {
      names: ['orders'],
    });
    expect(deleted.topics[0]!.error).toBeNull();
    expectWireError((await fetchOne('orders', 0, 0)).topics[0]!.partitions[0]!.error, 'UNKNOWN_TOPIC');
    const after = await call<ListTopicsResponse__Output>(stubs.admin, 'ListTopics', {});
    expect(after.topics.map((t) => t.name)).not.toContain('orders');
  });

  it('validate_only checks without creating', async () => {
    const res = await createTopics([{ name: 'dry-run', partitions: 2 }], true);
    expect(res.topics[0]!.error).toBeNull();
    const list = await call<ListTopicsResponse__Output>(stubs.admin, 'ListTopics', {});
    expect(list.topics.map((t) => t.name)).not.toContain('dry-run');
  });

  it('answers each bad topic request with a precise reason, per item', async () => {
    await createTopic('exists');
    const res = await createTopics([
      { name: 'bad name!' },
      { name: 'x'.repeat(250) },
      { name: 'exists' },
      { name: 'too-many', partitions: 100_001 },
      { name: 'rf', replication_factor: 3 },
      { name: 'badcfg', configs: [{ name: 'retention.ms', value: 'soon' }] },
      { name: 'unknowncfg', configs: [{ name: 'retention.forever', value: '1' }] },
      { name: 'minisr', configs: [{ name: 'min.insync.replicas', value: '2' }] },
      { name: 'good-one', partitions: 2 },
      { name: 'good-one' },
    ]);
    const reasons = res.topics.map((t) => t.error?.reason ?? 'OK');
    expect(reasons).toEqual([
      'INVALID_TOPIC_NAME',
      'INVALID_TOPIC_NAME',
      'TOPIC_ALREADY_EXISTS',
      'INVALID_PARTITIONS',
      'INVALID_REPLICATION_FACTOR',
      'INVALID_CONFIG',
      'UNKNOWN_CONFIG',
      'INVALID_CONFIG',
      'OK',
      'INVALID_REQUEST',
    ]);
    expect(res.topics[5]!.error!.message).toContain('retention.ms');
    expect(res.topics[0]!.error!.code).toBe(status.INVALID_ARGUMENT);

    const shrink = await call<{ topics: TopicResult__Output[] }>(stubs.admin, 'CreatePartitions', {
      topics: [
        { topic: 'good-one', count: 1 },
        { topic: 'missing', count: 3 },
      ],
    });
    expectWireError(shrink.topics[0]!.error, 'INVALID_PARTITIONS');
    expectWireError(shrink.topics[1]!.error, 'UNKNOWN_TOPIC');

    const alter = await call<{ topics: TopicResult__Output[] }>(stubs.admin, 'AlterConfigs', {
      topics: [
        { topic: 'good-one', alterations: [{ name: 'segment.bytes', value: '-5', op: 'ALTER_OP_SET' }] },
      ],
    });
    expectWireError(alter.topics[0]!.error, 'INVALID_CONFIG');
    const del = await call<{ topics: TopicResult__Output[] }>(stubs.admin, 'DeleteTopics', {
      names: ['never-was'],
    });
    expectWireError(del.topics[0]!.error, 'UNKNOWN_TOPIC');
  });
});

describe('produce and read', () => {
  it('appends batches and plain records, and reads them back every way', async () => {
    await createTopic('events', 2);
    const t0 = Date.now() - 10_000;
    const first = onlyPartition(
      await produce('events', 1, { batches: batch(['a', 'b', 'c'], { keyPrefix: 'k', timestamp: t0 }) }),
    );
    expect(first).toMatchObject({ base_offset: '0', last_offset: '2', error: null });
    const second = onlyPartition(
      await produce('events', 1, {
        records: [
          {
            key: Buffer.from('rk'),
            value: Buffer.from('d'),
            headers: [{ key: 'x', value: Buffer.from('y') }],
          },
          { value: Buffer.from('e') },
          { key: Buffer.from('tomb') },
        ],
      }),
    );
    expect(second).toMatchObject({ base_offset: '3', last_offset: '5' });

    const fetched = await fetchOne('events', 1, 1);
    const p = fetched.topics[0]!.partitions[0]!;
    expect(p.high_watermark).toBe('6');
    const values = decodeBatches(p.batches)
      .filter((r) => r.offset >= 1)
      .map((r) => [r.offset, r.key?.toString() ?? null, r.value?.toString() ?? null]);
    expect(values).toEqual([
      [1, 'k1', 'b'],
      [2, 'k2', 'c'],
      [3, 'rk', 'd'],
      [4, null, 'e'],
      [5, 'tomb', null],
    ]);

    const asRecords = await fetchOne('events', 1, 3, { format: 'RECORD_FORMAT_RECORDS' });
    const recs = asRecords.topics[0]!.partitions[0]!.records;
    expect(recs.map((r) => r.offset)).toEqual(['3', '4', '5']);
    expect(recs[0]!.headers).toEqual([{ key: 'x', value: Buffer.from('y'), _value: 'value' }]);
    expect(recs[2]!.value).toBeUndefined();

    expect((await listOffsets('events', 1, 'OFFSET_SPEC_EARLIEST')).offset).toBe('0');
    expect((await listOffsets('events', 1, 'OFFSET_SPEC_LATEST')).offset).toBe('6');
    const byTime = await listOffsets('events', 1, 'OFFSET_SPEC_TIMESTAMP', String(t0 + 1));
    expect(byTime.offset).toBe('3');
    const future = await listOffsets('events', 1, 'OFFSET_SPEC_TIMESTAMP', String(Date.now() + 3_600_000));
    expect(future.offset).toBe('-1');
    expect((await listOffsets('events', 0, 'OFFSET_SPEC_LATEST')).offset).toBe('0');
  });

  it('long-polls a fetch until data arrives', async () => {
    await createTopic('longpoll');
    const pending = call<FetchResponse__Output>(stubs.client, 'Fetch', {
      max_wait_ms: 20_000,
      min_bytes: 1,
      topics: [{ topic: 'longpoll', partitions: [{ partition: 0, fetch_offset: '0' }] }],
    });
    // The fetch is parked on the broker; this append must wake it.
    await produce('longpoll', 0, { batches: batch(['wake']) });
    const res = await pending;
    expect(decodeBatches(res.topics[0]!.partitions[0]!.batches).map((r) => r.value?.toString())).toEqual([
      'wake',
    ]);
  });

  it('streams a partition with Subscribe from earliest, an offset, a time and latest', async () => {
    await createTopic('stream');
    for (let i = 0; i < 5; i++)
      await produce('stream', 0, { batches: batch([`v${i}`], { timestamp: 1_000_000 + i * 1000 }) });
    const take = (start: object, n: number, afterOpen?: () => Promise<unknown>) =>
      new Promise<string[]>((resolve, reject) => {
        const got: string[] = [];
        const s = stubs.client.Subscribe({ topic: 'stream', partition: 0, ...start });
        s.on('data', (m: SubscribeResponse__Output) => {
          for (const r of decodeBatches(m.batches)) got.push(`${r.offset}:${r.value?.toString()}`);
          if (got.length >= n) {
            s.cancel();
            resolve(got);
          }
        });
        s.on('error', (e: ServiceError) => {
          if (e.code !== status.CANCELLED) reject(e);
        });
        afterOpen?.().catch(reject);
      });
    expect(await take({ position: 'START_POSITION_EARLIEST' }, 5)).toEqual([
      '0:v0',
      '1:v1',
      '2:v2',
      '3:v3',
      '4:v4',
    ]);
    expect(await take({ offset: '3' }, 2)).toEqual(['3:v3', '4:v4']);
    expect(await take({ timestamp_ms: '1002000' }, 3)).toEqual(['2:v2', '3:v3', '4:v4']);
    const latest = await take({ position: 'START_POSITION_LATEST' }, 1, () =>
      produce('stream', 0, { batches: batch(['new']) }),
    );
    expect(latest).toEqual(['5:new']);
  });
});

describe('idempotent producers', () => {
  const idempotent = (producerId: string, epoch: number, baseSequence: number, values: string[]) =>
    encodeRecordBatch(
      values.map((v) => ({ key: null, value: v, timestamp: Date.now() })),
      { producerId: Number(producerId), producerEpoch: epoch, baseSequence },
    );

  it('hands out distinct producer ids, writes a retried batch once, and refuses gaps and fenced epochs', async () => {
    await createTopic('idem');
    const a = await call<{ producer_id: string; producer_epoch: number }>(stubs.client, 'InitProducerId', {});
    const b = await call<{ producer_id: string; producer_epoch: number }>(stubs.client, 'InitProducerId', {});
    expect(a.producer_id).not.toBe(b.producer_id);
    expect(a.producer_epoch).toBe(0);
    const first = onlyPartition(
      await produce('idem', 0, { batches: idempotent(a.producer_id, 0, 0, ['x', 'y']) }),
    );
    expect([first.base_offset, first.last_offset]).toEqual(['0', '1']);
    // The same batch again (a retry after a lost answer): the original offsets, nothing written.
    const retry = onlyPartition(
      await produce('idem', 0, { batches: idempotent(a.producer_id, 0, 0, ['x', 'y']) }),
    );
    expect([retry.base_offset, retry.last_offset, retry.error]).toEqual(['0', '1', null]);
    const gap = onlyPartition(await produce('idem', 0, { batches: idempotent(a.producer_id, 0, 5, ['z']) }));
    expectWireError(gap.error, 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    const unknown = onlyPartition(
      await produce('idem', 0, { batches: idempotent(b.producer_id, 0, 3, ['z']) }),
    );
    expectWireError(unknown.error, 'UNKNOWN_PRODUCER_ID');
    const next = onlyPartition(await produce('idem', 0, { batches: idempotent(a.producer_id, 1, 0, ['z']) }));
    expect(next.base_offset).toBe('2');
    const fenced = onlyPartition(
      await produce('idem', 0, { batches: idempotent(a.producer_id, 0, 2, ['old']) }),
    );
    expectWireError(fenced.error, 'INVALID_PRODUCER_EPOCH');
    expect((await listOffsets('idem', 0, 'OFFSET_SPEC_LATEST')).offset).toBe('3');
  });
});

describe('bad input', () => {
  it('rejects unknown topics and partitions precisely', async () => {
    await createTopic('known', 2);
    expectWireError(
      onlyPartition(await produce('unknown', 0, { batches: batch(['x']) })).error,
      'UNKNOWN_TOPIC',
    );
    const unknownPartition = onlyPartition(await produce('known', 7, { batches: batch(['x']) }));
    expectWireError(unknownPartition.error, 'UNKNOWN_PARTITION');
    expect(unknownPartition.error!.code).toBe(status.NOT_FOUND);
    expectWireError((await fetchOne('unknown', 0, 0)).topics[0]!.partitions[0]!.error, 'UNKNOWN_TOPIC');
    expectWireError((await listOffsets('known', 9, 'OFFSET_SPEC_LATEST')).error, 'UNKNOWN_PARTITION');
    const meta = await call<MetadataResponse__Output>(stubs.client, 'Metadata', { topics: ['unknown'] });
    expectWireError(meta.topics[0]!.error, 'UNKNOWN_TOPIC');
  });

  it('rejects malformed, corrupt and oversized batches without touching the log', async () => {
    await createTopic('guarded', 1, { 'max.message.bytes': '1024' });
    expect(onlyPartition(await produce('guarded', 0, { batches: batch(['ok']) })).base_offset).toBe('0');

    const corrupt = batch(['payload']);
    corrupt[corrupt.length - 1] = corrupt[corrupt.length - 1]! ^ 0xff;
    const truncated = batch(['payload']).subarray(0, 40);
    const garbage = Buffer.from('this is not a record batch at all, not even close');
    const badMagic = batch(['m']);
    badMagic[16] = 1;
    const trailing = Buffer.concat([batch(['a']), Buffer.from([1, 2, 3])]);
    const cases: Array<[string, Buffer, string]> = [
      ['crc', corrupt, 'CRC_MISMATCH'],
      ['truncated', truncated, 'CORRUPT_BATCH'],
      ['garbage', garbage, 'CORRUPT_BATCH'],
      ['magic', badMagic, 'UNSUPPORTED_MAGIC'],
      ['trailing bytes', trailing, 'CORRUPT_BATCH'],
      ['too large', batch(['x'.repeat(2000)]), 'BATCH_TOO_LARGE'],
    ];
    for (const [, bytes, reason] of cases) {
      expectWireError(onlyPartition(await produce('guarded', 0, { batches: bytes })).error, reason);
    }
    const both = onlyPartition(
      await produce('guarded', 0, { batches: batch(['a']), records: [{ value: Buffer.from('b') }] }),
    );
    expectWireError(both.error, 'INVALID_REQUEST');
    expectWireError(onlyPartition(await produce('guarded', 0, {})).error, 'INVALID_REQUEST');

    // Nothing of the above reached the log; the next good batch gets the next offset.
    expect((await listOffsets('guarded', 0, 'OFFSET_SPEC_LATEST')).offset).toBe('1');
    expect(onlyPartition(await produce('guarded', 0, { batches: batch(['ok2']) })).base_offset).toBe('1');
    const all = decodeBatches((await fetchOne('guarded', 0, 0)).topics[0]!.partitions[0]!.batches);
    expect(all.map((r) => r.value?.toString())).toEqual(['ok', 'ok2']);
  });

  it('answers offsets out of range', async () => {
    await createTopic('ranged');
    await produce('ranged', 0, { batches: batch(['a', 'b']) });
    const p = (await fetchOne('ranged', 0, 5)).topics[0]!.partitions[0]!;
    expectWireError(p.error, 'OFFSET_OUT_OF_RANGE');
    expect(p.error!.code).toBe(status.OUT_OF_RANGE);
    expectWireError((await fetchOne('ranged', 0, -1)).topics[0]!.partitions[0]!.error, 'OFFSET_OUT_OF_RANGE');
    const stream = stubs.client.Subscribe({ topic: 'ranged', partition: 0, offset: '99' });
    const err = await new Promise<ServiceError>((resolve) => stream.on('error', resolve));
    expect(reasonOf(err)).toMatchObject({ code: status.OUT_OF_RANGE, reason: 'OFFSET_OUT_OF_RANGE' });
  });

  it('rejects whole requests that are malformed or too large', async () => {
    await createTopic('whole');
    await expectStatus(
      call(stubs.client, 'Produce', { acks: 'ACKS_ALL', topics: [] }),
      status.INVALID_ARGUMENT,
      'INVALID_REQUEST',
    );
    await expectStatus(
      call(stubs.client, 'Fetch', { topics: [] }),
      status.INVALID_ARGUMENT,
      'INVALID_REQUEST',
    );
    const missingStart = stubs.client.Subscribe({ topic: 'whole', partition: 0 });
    const err = await new Promise<ServiceError>((resolve) => missingStart.on('error', resolve));
    expect(reasonOf(err)).toMatchObject({ code: status.INVALID_ARGUMENT, reason: 'INVALID_REQUEST' });
    // The broker runs with maxRequestBytes = 2 MiB; gRPC itself refuses the message before any handler runs.
    const huge = produce('whole', 0, { records: [{ value: Buffer.alloc(3 * 1024 * 1024) }] });
    const hugeErr = await huge.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((hugeErr as ServiceError).code).toBe(status.RESOURCE_EXHAUSTED);
    expect((await listOffsets('whole', 0, 'OFFSET_SPEC_LATEST')).offset).toBe('0');
  });
});

describe('operations', () => {
  it('serves grpc.health.v1 and server reflection', async () => {
    const healthDef = loadSync(
      join(REPO_ROOT, 'node_modules/grpc-health-check/proto/health/v1/health.proto'),
      {
        keepCase: true,
        enums: String,
      },
    );
    // biome-ignore lint/suspicious/noExplicitAny: dynamic stub from a third-party proto
    const health = (loadPackageDefinition(healthDef) as any).grpc.health.v1;
    const client = new health.Health(broker.address, credentials.createInsecure());
    const res = await new Promise<{ status: string }>((resolve, reject) =>
      client.Check({ service: 'tributary.v1.ClientService' }, (e: Error | null, r: { status: string }) =>
        e ? reject(e) : resolve(r),
      ),
    );
    expect(res.status).toBe('SERVING');
    client.close();

    const reflDef = loadSync(
      join(REPO_ROOT, 'node_modules/@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto'),
      {
        keepCase: true,
      },
    );
    // biome-ignore lint/suspicious/noExplicitAny: dynamic stub from a third-party proto
    const refl = (loadPackageDefinition(reflDef) as any).grpc.reflection.v1;
    const rclient = new refl.ServerReflection(broker.address, credentials.createInsecure());
    const services = await new Promise<string[]>((resolve, reject) => {
      const s = rclient.ServerReflectionInfo();
      s.on('data', (m: { list_services_response?: { service: Array<{ name: string }> } }) => {
        resolve((m.list_services_response?.service ?? []).map((x) => x.name));
        s.end();
      });
      s.on('error', reject);
      s.write({ list_services: '' });
    });
    expect(services).toEqual(
      expect.arrayContaining(['tributary.v1.ClientService', 'tributary.v1.AdminService']),
    );
    rclient.close();
  });

  it('exports Prometheus metrics per topic', async () => {
    await createTopic('metered');
    await produce('metered', 0, { batches: batch(['a', 'b', 'c']) });
    await fetchOne('metered', 0, 0);
    const port = /"metrics":"http:\/\/127\.0\.0\.1:(\d+)\/metrics"/.exec(broker.output())![1];
    const text = await (await globalThis.fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).toMatch(/tributary_records_in_total\{topic="metered"\} 3/);
    expect(text).toMatch(/tributary_records_out_total\{topic="metered"\} 3/);
    expect(text).toMatch(/tributary_bytes_in_total\{topic="metered"\} \d+/);
    expect(text).toMatch(/tributary_log_size_bytes\{topic="metered",partition="0"\} [1-9]/);
    expect(text).toMatch(
      /tributary_request_duration_seconds_bucket\{le="[^"]+",method="Produce",code="OK"\}/,
    );
  });
});

import type { ClientDuplexStream } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBatches, encodeRecordBatch } from '../../proto/codec/index.js';
import type { FetchResponse__Output } from '../../proto/generated/tributary/v1/FetchResponse.js';
import type { ProduceRequest } from '../../proto/generated/tributary/v1/ProduceRequest.js';
import type { ProduceResponse__Output } from '../../proto/generated/tributary/v1/ProduceResponse.js';
import { type BrokerProcess, removeDataDirs, startBroker } from '../helpers/broker-process.js';
import { call, createTopic as createTopicWith, type RawStubs, rawStubs } from '../helpers/grpc.js';

let broker: BrokerProcess;
let stubs: RawStubs;

beforeAll(async () => {
  // A small per-stream budget, so the pipelining test also exercises the broker pausing the stream.
  broker = await startBroker({ args: ['--set', 'produceStreamInflightBytes=65536'] });
  stubs = rawStubs(broker.address);
});

afterAll(async () => {
  stubs?.close();
  await broker?.stop();
  removeDataDirs();
});

const createTopic = (name: string, partitions = 1) => createTopicWith(stubs, name, partitions);

/** Sends every request on one stream without waiting, then collects the answers by request id. */
function pipeline(requests: ProduceRequest[]): Promise<Map<number, ProduceResponse__Output>> {
  return new Promise((resolve, reject) => {
    const answers = new Map<number, ProduceResponse__Output>();
    const stream: ClientDuplexStream<ProduceRequest, ProduceResponse__Output> = stubs.client.ProduceStream();
    stream.on('data', (res: ProduceResponse__Output) => answers.set(res.request_id, res));
    stream.on('error', reject);
    stream.on('end', () => resolve(answers));
    for (const r of requests) stream.write(r);
    stream.end();
  });
}

const value = (i: number) => `record-${i}-${'x'.repeat(1000)}`;

describe('ProduceStream', () => {
  it('appends pipelined requests for one partition in stream order', async () => {
    await createTopic('piped');
    const requests = Array.from({ length: 300 }, (_, i) => ({
      request_id: i + 1,
      acks: 'ACKS_LEADER' as const,
      topics: [
        {
          topic: 'piped',
          partitions: [
            { partition: 0, batches: encodeRecordBatch([{ value: value(i) }, { value: value(i) }]) },
          ],
        },
      ],
    }));
    const answers = await pipeline(requests);
    expect(answers.size).toBe(300);
    for (let i = 0; i < 300; i++) {
      const p = answers.get(i + 1)!.topics[0]!.partitions[0]!;
      expect(p.error).toBeNull();
      expect(Number(p.base_offset)).toBe(2 * i);
    }
    const fetched = await call<FetchResponse__Output>(stubs.client, 'Fetch', {
      max_bytes: 16 * 1024 * 1024,
      topics: [
        { topic: 'piped', partitions: [{ partition: 0, fetch_offset: '0', max_bytes: 16 * 1024 * 1024 }] },
      ],
    });
    const values = decodeBatches(fetched.topics[0]!.partitions[0]!.batches).map((r) => r.value!.toString());
    expect(values).toEqual(Array.from({ length: 600 }, (_, k) => value(k >> 1)));
  });

  it('answers a failed request with its error and keeps the stream going', async () => {
    await createTopic('mixed');
    const good = (id: number) => ({
      request_id: id,
      acks: 'ACKS_ALL' as const,
      topics: [
        { topic: 'mixed', partitions: [{ partition: 0, batches: encodeRecordBatch([{ value: `v${id}` }]) }] },
      ],
    });
    const corrupt = encodeRecordBatch([{ value: 'bad' }]);
    corrupt[corrupt.length - 1] = corrupt[corrupt.length - 1]! ^ 1;
    const answers = await pipeline([
      good(1),
      { request_id: 2, acks: 'ACKS_ALL', topics: [] },
      {
        request_id: 3,
        acks: 'ACKS_ALL',
        topics: [{ topic: 'mixed', partitions: [{ partition: 0, batches: corrupt }] }],
      },
      {
        request_id: 4,
        acks: 'ACKS_ALL',
        topics: [{ topic: 'nope', partitions: [{ partition: 0, batches: corrupt }] }],
      },
      good(5),
    ]);
    expect(answers.get(1)!.topics[0]!.partitions[0]!.base_offset).toBe('0');
    expect(answers.get(2)!.error).toMatchObject({ reason: 'INVALID_REQUEST', retriable: false });
    expect(answers.get(3)!.topics[0]!.partitions[0]!.error).toMatchObject({ reason: 'CRC_MISMATCH' });
    expect(answers.get(4)!.topics[0]!.partitions[0]!.error).toMatchObject({ reason: 'UNKNOWN_TOPIC' });
    expect(answers.get(5)!.topics[0]!.partitions[0]!.base_offset).toBe('1');
  });
});

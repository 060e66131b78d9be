/**
 * Requests an outside client may send that a well-behaved SDK never would: bodies that are not protobuf,
 * enum values the proto does not define, 64-bit offsets at the limits, empty lists, partitions that do
 * not exist, topic names that collide. Each gets a precise, documented answer.
 */
import { Client, credentials, type Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateTopicsResponse__Output } from '../../proto/generated/tributary/v1/CreateTopicsResponse.js';
import { type BrokerProcess, removeDataDirs, startBroker } from '../helpers/broker-process.js';
import { call, type RawStubs, rawStubs, reasonOf } from '../helpers/grpc.js';
import { grpcFrame, rawHttp2Session } from '../helpers/raw-http2.js';

let broker: BrokerProcess;
let stubs: RawStubs;
let raw: Client;

beforeAll(async () => {
  broker = await startBroker();
  stubs = rawStubs(broker.address);
  raw = new Client(broker.address, credentials.createInsecure());
  const created = await call<CreateTopicsResponse__Output>(stubs.admin, 'CreateTopics', {
    topics: [{ name: 'answers', partitions: 1 }],
  });
  expect(created.topics[0]!.error).toBeNull();
});

afterAll(async () => {
  raw?.close();
  stubs?.close();
  await broker?.stop();
  removeDataDirs();
});

const identity = (b: Buffer) => b;

interface Failure {
  code: number;
  reason: string | undefined;
  details: string;
}

function failureOf(err: ServiceError | null | undefined): Failure {
  if (err === null || err === undefined) throw new Error('the call succeeded');
  return reasonOf(err);
}

/** Sends `body` as the request of a unary method, bytes as they are. */
function unaryRaw(path: string, body: Buffer): Promise<Failure> {
  return new Promise((resolve) => {
    raw.makeUnaryRequest(path, identity, identity, body, (err) => resolve(failureOf(err)));
  });
}

/** Sends `body` as the request of a server-streaming method and waits for the stream's status. */
function serverStreamRaw(path: string, body: Buffer): Promise<Failure> {
  return new Promise((resolve) => {
    const stream = raw.makeServerStreamRequest(path, identity, identity, body);
    stream.on('data', () => undefined);
    stream.on('error', (err: ServiceError) => resolve(failureOf(err)));
    stream.on('status', (s: { code: number; metadata: Metadata }) => {
      if (s.code === status.OK) resolve(failureOf(undefined));
    });
  });
}

/** Sends `bodies` on a bidirectional stream, half-closes it and waits for its status. */
function bidiRaw(path: string, bodies: Buffer[]): Promise<Failure> {
  return new Promise((resolve) => {
    const stream = raw.makeBidiStreamRequest(path, identity, identity);
    stream.on('data', () => undefined);
    stream.on('error', (err: ServiceError) => resolve(failureOf(err)));
    for (const b of bodies) stream.write(b);
    stream.end();
  });
}

const MALFORMED: Array<[string, Buffer]> = [
  [
    'random bytes',
    Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x13]),
  ],
  ['a lying length prefix', Buffer.from([0x0a, 0x7f, 0x61, 0x62])],
  ['a wrong wire type', Buffer.from([0x0d, 1, 2, 3, 4, 0x0a, 0x01, 0x61])], // field 1 as fixed32
  [
    'an 11-byte varint',
    Buffer.from([0x10, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]),
  ],
  ['a group', Buffer.from([0x0b, 0x0c])],
];

const UNARY_METHODS = [
  '/tributary.v1.ClientService/Produce',
  '/tributary.v1.ClientService/Fetch',
  '/tributary.v1.ClientService/ListOffsets',
  '/tributary.v1.ClientService/Metadata',
  '/tributary.v1.AdminService/CreateTopics',
  '/tributary.v1.AdminService/DescribeTopics',
  '/tributary.v1.AdminService/ElectLeaders',
  '/tributary.v1.ReplicationService/ReplicaFetch',
  '/tributary.v1.GroupService/CommitOffsets',
  '/tributary.v1.GroupService/ConsumerGroupHeartbeat',
  '/grpc.health.v1.Health/Check',
];

const MALFORMED_ANSWER = { code: status.INVALID_ARGUMENT, reason: 'MALFORMED_REQUEST' };

describe('bodies that are not valid protobuf', () => {
  it('are answered INVALID_ARGUMENT / MALFORMED_REQUEST on unary calls', async () => {
    for (const path of UNARY_METHODS) {
      for (const [what, body] of MALFORMED) {
        const answer = await unaryRaw(path, body);
        expect(answer, `${path}: ${what}`).toMatchObject(MALFORMED_ANSWER);
        expect(answer.details).toMatch(/^MALFORMED_REQUEST: the request body is not a valid \S+: /);
      }
    }
  });

  it('are answered the same on server-streaming and bidirectional calls', async () => {
    for (const [what, body] of MALFORMED) {
      expect(await serverStreamRaw('/tributary.v1.ClientService/Subscribe', body), what).toMatchObject(
        MALFORMED_ANSWER,
      );
      expect(await serverStreamRaw('/grpc.health.v1.Health/Watch', body), what).toMatchObject(
        MALFORMED_ANSWER,
      );
      expect(await bidiRaw('/tributary.v1.ClientService/ProduceStream', [body]), what).toMatchObject(
        MALFORMED_ANSWER,
      );
    }
  });

  it('are answered the same when the gRPC framing is wrong: no message, a truncated one, or two', async () => {
    const session = await rawHttp2Session(broker.address);
    try {
      const truncated = Buffer.from([0, 0, 0, 0, 100, 0x0a, 0x01, 0x61]); // promises 100 bytes, sends 3
      const valid = grpcFrame(Buffer.from([0x0a, 0x01, 0x61]));
      const framings: Array<[string, Buffer]> = [
        ['no message', Buffer.alloc(0)],
        ['a truncated frame', truncated],
        ['two messages', Buffer.concat([valid, valid])],
      ];
      for (const path of ['/tributary.v1.ClientService/Metadata', '/tributary.v1.ClientService/Subscribe']) {
        for (const [what, bytes] of framings) {
          const answer = await session.startFramed(path, bytes).trailers();
          expect(answer, `${path}: ${what}`).toMatchObject({
            'grpc-status': String(status.INVALID_ARGUMENT),
            'tributary-reason': 'MALFORMED_REQUEST',
          });
        }
      }
    } finally {
      session.drop();
    }
  });

  it('leave the broker serving well-formed requests', async () => {
    const ok = await call<{ topics: unknown[] }>(stubs.client, 'Metadata', { topics: ['answers'] });
    expect(ok.topics).toHaveLength(1);
  });
});

/** The whole-call failure of a unary call, or the call's answer when it succeeded. */
async function outcome(stub: object, method: string, request: object): Promise<Failure | unknown> {
  return call(stub, method, request).catch((err: ServiceError) => reasonOf(err));
}

describe('enum values the proto does not define', () => {
  const UNDEFINED_VALUE = 99;

  it('are refused on every enum field of every request (broker/api/enums.test.ts lists them)', async () => {
    const partition = { partition: 0, fetch_offset: '0' };
    const invalid = { code: status.INVALID_ARGUMENT, reason: 'INVALID_REQUEST' };
    // ProduceRequest.acks
    expect(
      await outcome(stubs.client, 'Produce', {
        acks: UNDEFINED_VALUE,
        topics: [
          { topic: 'answers', partitions: [{ partition: 0, records: [{ value: Buffer.from('x') }] }] },
        ],
      }),
    ).toMatchObject({ code: status.INVALID_ARGUMENT, reason: 'INVALID_ACKS' });
    // FetchRequest.format
    expect(
      await outcome(stubs.client, 'Fetch', {
        format: UNDEFINED_VALUE,
        topics: [{ topic: 'answers', partitions: [partition] }],
      }),
    ).toMatchObject(invalid);
    // ListOffsetsPartition.spec: per item
    const listed = (await call(stubs.client, 'ListOffsets', {
      topics: [{ topic: 'answers', partitions: [{ partition: 0, spec: UNDEFINED_VALUE }] }],
    })) as { topics: Array<{ partitions: Array<{ error: { reason: string } | null }> }> };
    expect(listed.topics[0]!.partitions[0]!.error?.reason).toBe('INVALID_REQUEST');
    // ConfigAlteration.op: per topic
    const altered = (await call(stubs.admin, 'AlterConfigs', {
      topics: [
        { topic: 'answers', alterations: [{ name: 'retention.ms', value: '1000', op: UNDEFINED_VALUE }] },
      ],
    })) as { topics: Array<{ error: { reason: string } | null }> };
    expect(altered.topics[0]!.error?.reason).toBe('INVALID_REQUEST');
    // ElectLeadersRequest.type
    expect(await outcome(stubs.admin, 'ElectLeaders', { type: UNDEFINED_VALUE, topics: [] })).toMatchObject(
      invalid,
    );
    // BrokerStateChange.state and AlterBalancingConfigRequest.mode
    expect(
      await outcome(stubs.admin, 'AlterBrokerStates', {
        brokers: [{ broker_id: 0, state: UNDEFINED_VALUE }],
      }),
    ).toMatchObject(invalid);
    expect(await outcome(stubs.admin, 'AlterBalancingConfig', { mode: UNDEFINED_VALUE })).toMatchObject(
      invalid,
    );
    // SubscribeRequest.format and SubscribeRequest.position
    for (const request of [
      { topic: 'answers', partition: 0, position: 'START_POSITION_EARLIEST', format: UNDEFINED_VALUE },
      { topic: 'answers', partition: 0, position: UNDEFINED_VALUE },
    ]) {
      const stream = stubs.client.Subscribe(request as never);
      stream.on('data', () => undefined);
      const err = await new Promise<ServiceError>((resolve) => stream.on('error', resolve));
      expect(reasonOf(err), JSON.stringify(request)).toMatchObject(invalid);
    }
  });
});

describe('limits and empty requests', () => {
  const INT64_MAX = '9223372036854775807';
  const INT64_MIN = '-9223372036854775808';

  it('answers offsets of ±2^63 as out of range, naming the real limit', async () => {
    for (const offset of [INT64_MAX, INT64_MIN, '9007199254740992']) {
      const fetched = (await call(stubs.client, 'Fetch', {
        topics: [{ topic: 'answers', partitions: [{ partition: 0, fetch_offset: offset }] }],
      })) as { topics: Array<{ partitions: Array<{ error: { reason: string; message: string } | null }> }> };
      const error = fetched.topics[0]!.partitions[0]!.error;
      expect(error?.reason, offset).toBe('OFFSET_OUT_OF_RANGE');
      expect(error?.message).toMatch(/beyond ±9007199254740991 \(2\^53 - 1\)/);

      const stream = stubs.client.Subscribe({ topic: 'answers', partition: 0, offset } as never);
      stream.on('data', () => undefined);
      const err = await new Promise<ServiceError>((resolve) => stream.on('error', resolve));
      expect(reasonOf(err)).toMatchObject({ code: status.OUT_OF_RANGE, reason: 'OFFSET_OUT_OF_RANGE' });
    }
    const listed = (await call(stubs.client, 'ListOffsets', {
      topics: [
        {
          topic: 'answers',
          partitions: [{ partition: 0, spec: 'OFFSET_SPEC_TIMESTAMP', timestamp_ms: INT64_MAX }],
        },
      ],
    })) as { topics: Array<{ partitions: Array<{ error: { reason: string } | null }> }> };
    expect(listed.topics[0]!.partitions[0]!.error?.reason).toBe('INVALID_TIMESTAMP');
  });

  it('refuses an admin commit to a topic or partition that does not exist', async () => {
    const request = {
      group_id: 'admin-commit',
      topics: [
        {
          topic: 'answers',
          partitions: [
            { partition: 0, offset: '0' },
            { partition: 5, offset: '0' },
          ],
        },
        { topic: 'no-such-topic', partitions: [{ partition: 0, offset: '0' }] },
      ],
    };
    // FindCoordinator creates the offsets topic: retriable answers until its coordinator is ready.
    const deadline = Date.now() + 15_000;
    let committed: { results: Array<{ topic: string; partition: number; error: { reason: string } | null }> };
    for (;;) {
      await outcome(stubs.groups, 'FindCoordinator', { group_id: 'admin-commit' });
      const answer = await outcome(stubs.groups, 'CommitOffsets', request);
      if ((answer as Partial<Failure>).reason === undefined) {
        committed = answer as typeof committed;
        break;
      }
      if (Date.now() > deadline) throw new Error(`the commit never went through: ${JSON.stringify(answer)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(committed.results.map((r) => [r.topic, r.partition, r.error?.reason ?? 'ok'])).toEqual([
      ['answers', 0, 'ok'],
      ['answers', 5, 'UNKNOWN_PARTITION'],
      ['no-such-topic', 0, 'UNKNOWN_TOPIC'],
    ]);
    const back = (await call(stubs.groups, 'FetchOffsets', { group_id: 'admin-commit', topics: [] })) as {
      offsets: Array<{ topic: string; partition: number }>;
    };
    expect(back.offsets.map((o) => `${o.topic}/${o.partition}`)).toEqual(['answers/0']);
  });

  it('fails empty requests, and topics named with no partition, as docs/api.md says', async () => {
    const invalid = { code: status.INVALID_ARGUMENT, reason: 'INVALID_REQUEST' };
    const empties: Array<[object, string, object]> = [
      [stubs.admin, 'CreateTopics', { topics: [] }],
      [stubs.admin, 'CreateTopics', { topics: [], validate_only: true }],
      [stubs.admin, 'DeleteTopics', { names: [] }],
      [stubs.admin, 'CreatePartitions', { topics: [] }],
      [stubs.admin, 'AlterConfigs', { topics: [] }],
      [stubs.admin, 'AlterPartitionReassignments', { reassignments: [] }],
      [stubs.client, 'Produce', { acks: 'ACKS_ALL', topics: [{ topic: 'answers', partitions: [] }] }],
      [stubs.client, 'Fetch', { topics: [{ topic: 'answers', partitions: [] }] }],
      [stubs.client, 'ListOffsets', { topics: [{ topic: 'answers', partitions: [] }] }],
      [
        stubs.groups,
        'CommitOffsets',
        {
          group_id: 'g',
          topics: [
            { topic: 'answers', partitions: [{ partition: 0, offset: '0' }] },
            { topic: 'answers', partitions: [] },
          ],
        },
      ],
    ];
    for (const [stub, method, request] of empties) {
      expect(await outcome(stub, method, request), `${method} ${JSON.stringify(request)}`).toMatchObject(
        invalid,
      );
    }
  });

  it("refuses a topic whose name collides with another's on '.' and '_', as Kafka does", async () => {
    const create = (name: string, validateOnly = false) =>
      call<CreateTopicsResponse__Output>(stubs.admin, 'CreateTopics', {
        topics: [{ name, partitions: 1 }],
        validate_only: validateOnly,
      }).then((r) => r.topics[0]!.error?.reason ?? 'ok');
    expect(await create('metrics.by_host')).toBe('ok');
    expect(await create('metrics_by_host', true)).toBe('TOPIC_NAME_COLLISION');
    expect(await create('metrics_by.host')).toBe('TOPIC_NAME_COLLISION');
    expect(await create('metrics.by_host')).toBe('TOPIC_ALREADY_EXISTS');
    expect(await create('metrics-by-host')).toBe('ok');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadTributaryProto } from '../../proto/load.js';
import { WireChecker, WireFormatError } from './wire-check.js';

const { definition } = loadTributaryProto();
const checker = new WireChecker(definition);

interface Codec {
  requestSerialize(value: object): Buffer;
  requestDeserialize(body: Buffer): unknown;
}
function method(service: string, name: string): Codec {
  return (definition[`tributary.v1.${service}`] as unknown as Record<string, Codec>)[name]!;
}
const produce = method('ClientService', 'Produce');
const subscribe = method('ClientService', 'Subscribe');

const PRODUCE = produce.requestSerialize({
  acks: 'ACKS_ALL',
  timeout_ms: 1000,
  topics: [
    {
      topic: 'orders',
      partitions: [
        {
          partition: 3,
          records: [{ key: Buffer.from('k'), value: Buffer.from('v'), headers: [{ key: 'h' }] }],
        },
      ],
    },
  ],
});

const problem = (body: Buffer, message: string) => {
  try {
    checker.check(body, message);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(WireFormatError);
    return (err as Error).message;
  }
};

describe('WireChecker', () => {
  it('accepts what protobufjs encodes, for requests of every service', () => {
    expect(problem(PRODUCE, 'tributary.v1.ProduceRequest')).toBeUndefined();
    const sub = subscribe.requestSerialize({ topic: 't', partition: 1, offset: '-9223372036854775808' });
    expect(problem(sub, 'tributary.v1.SubscribeRequest')).toBeUndefined();
    const elect = method('AdminService', 'ElectLeaders').requestSerialize({
      type: 'ELECTION_TYPE_UNCLEAN',
      topics: [{ topic: 't', partitions: [0, 1, 300, 4_000_000_000] }],
    });
    expect(problem(elect, 'tributary.v1.ElectLeadersRequest')).toBeUndefined();
    expect(problem(Buffer.alloc(0), 'tributary.v1.ListGroupsRequest')).toBeUndefined();
  });

  it('accepts a repeated scalar sent unpacked, and unknown fields of every wire type', () => {
    // TopicPartitions { topic = 1; repeated uint32 partitions = 2 }: two unpacked entries.
    const unpacked = Buffer.from([0x0a, 0x01, 0x74, 0x10, 0x01, 0x10, 0x02]);
    expect(problem(unpacked, 'tributary.v1.TopicPartitions')).toBeUndefined();
    // Fields 15 (varint), 16 (fixed64), 17 (length 1), 18 (fixed32) are not in SubscribeRequest.
    const unknown = Buffer.from([
      0x78, 0x05, 0x81, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x8a, 0x01, 0x01, 0xff, 0x95, 0x01, 1, 2, 3, 4,
    ]);
    expect(problem(unknown, 'tributary.v1.SubscribeRequest')).toBeUndefined();
  });

  it('refuses a known field with the wrong wire type', () => {
    // SubscribeRequest.partition (2, uint32) sent as length-delimited; protobufjs would read it as a varint.
    expect(problem(Buffer.from([0x12, 0x01, 0x05]), 'tributary.v1.SubscribeRequest')).toMatch(
      /field 2 \(partition\) of tributary.v1.SubscribeRequest has wire type 2, expected 0/,
    );
    // SubscribeRequest.topic (1, string) sent as a varint.
    expect(problem(Buffer.from([0x08, 0x05]), 'tributary.v1.SubscribeRequest')).toMatch(
      /wire type 0, expected 2/,
    );
    // Deep inside: a Record's key (bytes) as fixed32, within Produce -> topics -> partitions -> records.
    const record = Buffer.from([0x0d, 1, 2, 3, 4]);
    const partition = Buffer.concat([Buffer.from([0x1a, record.length]), record]);
    const topic = Buffer.concat([Buffer.from([0x12, partition.length]), partition]);
    const body = Buffer.concat([Buffer.from([0x1a, topic.length]), topic]);
    expect(problem(body, 'tributary.v1.ProduceRequest')).toMatch(/field 1 \(key\) of tributary.v1.Record/);
  });

  it('refuses lying lengths, over-long varints, groups, field 0 and bad UTF-8', () => {
    const m = 'tributary.v1.SubscribeRequest';
    expect(problem(Buffer.from([0x0a, 0x05, 0x61]), m)).toMatch(/claims 5 bytes, 1 are left/);
    expect(problem(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x61]), m)).toMatch(/claims 4294967295/);
    const elevenBytes = Buffer.from([0x20, ...Array(10).fill(0xff), 0x01]);
    expect(problem(elevenBytes, m)).toMatch(/longer than 10 bytes/);
    expect(problem(Buffer.from([0x20, ...Array(9).fill(0xff), 0x02]), m)).toMatch(/wider than 64 bits/);
    expect(problem(Buffer.from([0x20, 0x80]), m)).toMatch(/runs past the end/);
    expect(problem(Buffer.from([0x7b]), m)).toMatch(/wire type 3/); // field 15, start group
    expect(problem(Buffer.from([0x7e]), m)).toMatch(/wire type 6/);
    expect(problem(Buffer.from([0x00, 0x00]), m)).toMatch(/field number 0/);
    expect(problem(Buffer.from([0x0a, 0x02, 0xc3, 0x28]), m)).toMatch(/not UTF-8/);
    expect(problem(Buffer.from([0x81, 0x01, 1, 2, 3]), m)).toMatch(/needs 8 bytes, 3 are left/);
    // A packed repeated uint32 whose last varint is cut off.
    expect(
      problem(Buffer.from([0x0a, 0x01, 0x74, 0x12, 0x02, 0x01, 0x80]), 'tributary.v1.TopicPartitions'),
    ).toMatch(/runs past the end/);
  });

  it('property: a body it accepts is one protobufjs decodes without throwing', () => {
    const bodies = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      // Valid requests with a few bytes flipped, cut short or extended.
      fc
        .tuple(
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
          fc.nat(),
          fc.boolean(),
        )
        .map(([flips, cut, extend]) => {
          const b = Buffer.from(PRODUCE);
          for (const [at, v] of flips) b[at % b.length] = v;
          const cutTo = extend ? b.length : cut % (b.length + 1);
          return extend ? Buffer.concat([b, Buffer.from([cut % 256])]) : b.subarray(0, cutTo);
        }),
    );
    fc.assert(
      fc.property(bodies, (body) => {
        const buf = Buffer.from(body);
        let accepted = true;
        try {
          checker.check(buf, 'tributary.v1.ProduceRequest');
        } catch (err) {
          if (!(err instanceof WireFormatError)) throw err;
          accepted = false;
        }
        if (accepted) produce.requestDeserialize(buf);
      }),
      { numRuns: 3000 },
    );
  });
});

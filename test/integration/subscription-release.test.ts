/**
 * A Subscribe stream that its client cancels or drops frees its slot at once, however the broker was busy
 * with it at that moment (reading the log, writing, waiting on HTTP/2 flow control, waiting for appends),
 * and a broker with such streams behind it still stops promptly on SIGTERM.
 */
import type { ClientReadableStream } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../proto/codec/index.js';
import type { CreateTopicsResponse__Output } from '../../proto/generated/tributary/v1/CreateTopicsResponse.js';
import type { ProduceResponse__Output } from '../../proto/generated/tributary/v1/ProduceResponse.js';
import type { SubscribeResponse__Output } from '../../proto/generated/tributary/v1/SubscribeResponse.js';
import { loadTributaryProto } from '../../proto/load.js';
import { type BrokerProcess, removeDataDirs, startBroker } from '../helpers/broker-process.js';
import { call, type RawStubs, rawStubs } from '../helpers/grpc.js';
import { rawHttp2Session } from '../helpers/raw-http2.js';

const TOPIC = 'big';
const SUBSCRIBE_PATH = '/tributary.v1.ClientService/Subscribe';
/** Small enough that a leak of a few streams shows as refused subscribes, not only as a gauge. */
const MAX_SUBSCRIPTIONS = 4;
/** Long, so that a stream the broker still waits for makes SIGTERM visibly slow. */
const SHUTDOWN_GRACE_MS = 60_000;

let broker: BrokerProcess;
let stubs: RawStubs;
let metricsUrl: string;

beforeAll(async () => {
  broker = await startBroker({
    args: ['--set', `maxSubscriptions=${MAX_SUBSCRIPTIONS}`, '--set', `shutdownGraceMs=${SHUTDOWN_GRACE_MS}`],
  });
  stubs = rawStubs(broker.address);
  metricsUrl = /"metrics":"(http:[^"]+)"/.exec(broker.output())![1]!;
  const created = await call<CreateTopicsResponse__Output>(stubs.admin, 'CreateTopics', {
    topics: [{ name: TOPIC, partitions: 1 }],
  });
  expect(created.topics[0]!.error).toBeNull();
  // About 8 MiB in 400 batches: far more than any window below, so the broker has to wait to write.
  for (let i = 0; i < 40; i++) {
    const batches = Buffer.concat(
      Array.from({ length: 10 }, (_, k) =>
        encodeRecordBatch([
          { key: null, value: Buffer.alloc(20_000, k), headers: [], timestamp: Date.now() },
        ]),
      ),
    );
    const res = await call<ProduceResponse__Output>(stubs.client, 'Produce', {
      acks: 'ACKS_LEADER',
      topics: [{ topic: TOPIC, partitions: [{ partition: 0, batches }] }],
    });
    expect(res.topics[0]!.partitions[0]!.error).toBeNull();
  }
}, 60_000);

afterAll(async () => {
  stubs?.close();
  await broker?.stop();
  removeDataDirs();
});

async function openSubscriptions(): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const m = /\ntributary_subscriptions (\d+)/.exec(text);
  if (m === null) throw new Error('no tributary_subscriptions gauge');
  return Number(m[1]);
}

/** Waits until no Subscribe stream is open on the broker; fails if that takes more than `timeoutMs`. */
async function allReleased(timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await openSubscriptions();
    if (open === 0) return;
    if (Date.now() > deadline) throw new Error(`${open} subscriptions still open after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function subscribeBody(maxBytes: number): Buffer {
  const { definition } = loadTributaryProto();
  const method = (
    definition['tributary.v1.ClientService'] as Record<string, { requestSerialize(v: object): Buffer }>
  ).Subscribe!;
  return method.requestSerialize({
    topic: TOPIC,
    partition: 0,
    position: 'START_POSITION_EARLIEST',
    max_bytes: maxBytes,
  });
}

describe('Subscribe streams are released when the client goes away', () => {
  it('a grpc-js client that cancels after its first message (as `consume -n 1` does)', async () => {
    for (let i = 0; i < 3 * MAX_SUBSCRIPTIONS; i++) {
      const stream = stubs.client.Subscribe({
        topic: TOPIC,
        partition: 0,
        position: 'START_POSITION_EARLIEST',
        max_bytes: i % 2 === 0 ? 1 : 1024 * 1024,
      }) as ClientReadableStream<SubscribeResponse__Output>;
      stream.on('error', () => undefined);
      await new Promise<void>((resolve, reject) => {
        stream.once('data', () => resolve());
        stream.once('error', reject);
      });
      stream.cancel();
    }
    await allReleased();
  });

  it('a raw HTTP/2 client that cancels while the broker waits on its full window, or while it reads on', async () => {
    const raw = await rawHttp2Session(broker.address, 16 * 1024);
    try {
      for (let i = 0; i < 3 * MAX_SUBSCRIPTIONS; i++) {
        const c = raw.start(SUBSCRIBE_PATH, subscribeBody(1));
        await c.messages(1);
        if (i % 2 === 0) c.pause(); // The broker fills the window, then waits for 'drain'.
        c.cancel();
      }
      await allReleased();
    } finally {
      raw.drop();
    }
  });

  it('a client whose connection drops with its streams open', async () => {
    for (let i = 0; i < 2 * MAX_SUBSCRIPTIONS; i++) {
      const raw = await rawHttp2Session(broker.address, 16 * 1024);
      const calls = [
        raw.start(SUBSCRIBE_PATH, subscribeBody(1)),
        raw.start(SUBSCRIBE_PATH, subscribeBody(1024)),
      ];
      await Promise.all(calls.map((c) => c.messages(1)));
      if (i % 2 === 0) for (const c of calls) c.pause();
      raw.drop();
    }
    await allReleased();
  });

  it('a cancel that lands while the stream waits for appends at the end of the log', async () => {
    const stream = stubs.client.Subscribe({
      topic: TOPIC,
      partition: 0,
      position: 'START_POSITION_LATEST',
    }) as ClientReadableStream<SubscribeResponse__Output>;
    stream.on('error', () => undefined);
    const deadline = Date.now() + 5_000;
    while ((await openSubscriptions()) === 0) {
      if (Date.now() > deadline) throw new Error('the subscription never opened');
      await new Promise((r) => setTimeout(r, 25));
    }
    stream.cancel();
    await allReleased();
  });

  it('still admits new streams, and stops on SIGTERM long before its grace period', async () => {
    const streams = Array.from({ length: MAX_SUBSCRIPTIONS }, () => {
      const s = stubs.client.Subscribe({
        topic: TOPIC,
        partition: 0,
        position: 'START_POSITION_EARLIEST',
        max_bytes: 1,
      }) as ClientReadableStream<SubscribeResponse__Output>;
      s.on('error', () => undefined);
      return s;
    });
    await Promise.all(streams.map((s) => new Promise((resolve) => s.once('data', resolve))));
    for (const s of streams) s.pause(); // Left open and unread: the broker waits on flow control.
    const startMs = Date.now();
    await broker.stop();
    expect(Date.now() - startMs).toBeLessThan(SHUTDOWN_GRACE_MS / 6);
  }, 30_000);
});

import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlterPartitionRequest } from '../../proto/generated/tributary/v1/AlterPartitionRequest.js';
import type { AlterPartitionResponse__Output } from '../../proto/generated/tributary/v1/AlterPartitionResponse.js';
import type { Error__Output } from '../../proto/generated/tributary/v1/Error.js';
import { batch, tempDir } from '../../test/helpers/storage.js';
import { until } from '../../test/helpers/until.js';
import { DEFAULT_BROKER_CONFIG } from '../config.js';
import type { TopicRecord } from '../metadata/topic-registry.js';
import { LogManager } from '../storage/log-manager.js';
import type { Partition } from './partition.js';
import { ReplicaManager } from './replica-manager.js';
import { ReplicationThrottle } from './replication-throttle.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

/** An AlterPartition the test answers by hand (or leaves without answer). */
interface Call {
  readonly request: AlterPartitionRequest;
  answer(res: Partial<AlterPartitionResponse__Output>): void;
  fail(err: Error): void;
}

async function setup() {
  const logger = pino({ level: 'silent' });
  const logs = new LogManager({ dataDir: `${dir}/logs`, maxOpenFiles: 16, retentionCheckIntervalMs: 60_000 });
  await logs.open(() => undefined);
  const calls: Call[] = [];
  const waiting: Array<() => void> = [];
  const rm = new ReplicaManager(
    logs,
    { ...DEFAULT_BROKER_CONFIG, dataDir: dir, nodeId: 1 },
    {
      brokerId: 1,
      brokerEpoch: () => 7,
      ownsBrokerEpoch: (epoch) => epoch === 7,
      peer: () => undefined,
      logger,
      alterPartition: (request) =>
        new Promise((resolve, reject) => {
          calls.push({
            request,
            answer: (res) =>
              resolve({
                error: null,
                leader: 1,
                leader_epoch: request.leader_epoch ?? 0,
                partition_epoch: (request.partition_epoch ?? 0) + 1,
                isr: request.new_isr ?? [],
                ...res,
              }),
            fail: reject,
          });
          for (const w of waiting.splice(0)) w();
        }),
    },
  );
  const topic: TopicRecord = {
    id: 'id-1',
    name: 't',
    replicationFactor: 3,
    configs: {},
    createdAtMs: 0,
    partitions: [
      { replicas: [1, 2, 3], leader: 1, leaderEpoch: 3, leaderBrokerEpoch: 7, isr: [1], partitionEpoch: 5 },
    ],
  };
  await rm.applyTopic(topic);
  const p = rm.partition('t', 0);
  expect(p.isLeader).toBe(true);
  /** A follower's fetch at `offset`, as the ReplicaFetch handler does it. */
  const fetch = (replica: number, offset: number) => {
    if (p.recordFollowerFetch(replica, offset)) rm.followerCaughtUp(p, replica);
  };
  const nextCall = async (count: number): Promise<Call> => {
    const deadline = Date.now() + 10_000;
    while (calls.length < count) {
      if (Date.now() > deadline) throw new Error(`AlterPartition #${count} was never sent`);
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return calls[count - 1]!;
  };
  const close = async () => {
    await rm.stop();
    await logs.close();
  };
  return { rm, p, fetch, calls, nextCall, close };
}

async function appendTo(p: Partition, count: number): Promise<number> {
  const info = await p.append(batch(count, 'x'));
  return info.lastOffset + 1;
}

describe('ReplicaManager ISR expansion', () => {
  it('does not let a follower that caught up during another ISR change hold the high watermark after it dies', async () => {
    const { p, fetch, calls, nextCall, close } = await setup();
    try {
      let leo = await appendTo(p, 5);
      fetch(2, leo); // broker 2 caught up: expansion to [1, 2] in flight (unanswered)
      const first = await nextCall(1);
      expect(first.request.new_isr).toEqual([1, 2]);
      fetch(3, leo); // broker 3 caught up while that change is in flight
      expect(calls.length).toBe(1);
      expect(p.pendingIsrAdditions()).toEqual([2]); // 3 is not counted: nothing was sent for it
      leo = await appendTo(p, 5);
      // broker 3 stops fetching (dead); the first change is answered.
      first.answer({});
      await until('ISR [1, 2]', () => p.state.isr.length === 2);
      expect(p.state.isr).toEqual([1, 2]);
      fetch(2, leo);
      expect(p.highWatermark).toBe(leo); // moves with the live ISR, not held at broker 3's log end (5)
      expect(p.pendingIsrAdditions()).toEqual([]);
    } finally {
      await close();
    }
  });

  it('asks again for an expansion without an answer, counting the follower until the answer comes', async () => {
    const { p, fetch, nextCall, close } = await setup();
    try {
      const leo = await appendTo(p, 4);
      fetch(2, leo);
      (await nextCall(1)).fail(new Error('deadline exceeded'));
      // Unknown outcome: broker 2 may be in the ISR at the controller, so it still counts...
      expect(p.pendingIsrAdditions()).toEqual([2]);
      const again = await nextCall(2);
      expect(again.request.new_isr).toEqual([1, 2]);
      expect(again.request.partition_epoch).toBe(5);
      await appendTo(p, 4);
      expect(p.highWatermark).toBe(leo); // ...and holds the high watermark at its log end
      // The first attempt had landed: the retry is refused as stale, with the current state.
      again.answer({ error: refusal('INVALID_UPDATE_VERSION'), partition_epoch: 6, isr: [1, 2] });
      await until('ISR [1, 2]', () => p.state.isr.length === 2);
      expect(p.state.partitionEpoch).toBe(6);
      expect(p.pendingIsrAdditions()).toEqual([]);
    } finally {
      await close();
    }
  });

  it('releases the follower at once when the controller refuses the expansion (dead, ineligible)', async () => {
    const { p, fetch, nextCall, close } = await setup();
    try {
      const leo = await appendTo(p, 3);
      fetch(2, leo);
      (await nextCall(1)).answer({
        error: refusal('INELIGIBLE_REPLICA'),
        partition_epoch: 5,
        isr: [1],
      });
      await until('no pending addition', () => p.pendingIsrAdditions().length === 0);
      const more = await appendTo(p, 3);
      expect(p.highWatermark).toBe(more); // ISR [1]: the leader alone
    } finally {
      await close();
    }
  });
});

function refusal(reason: string): Error__Output {
  return { code: 9, reason, message: reason, retriable: false } as Error__Output;
}

describe('ReplicaManager fetchers', () => {
  it('fetches a partition it receives in a move apart from the ones in sync, and back together once the move ends', async () => {
    const logger = pino({ level: 'silent' });
    const logs = new LogManager({
      dataDir: `${dir}/logs`,
      maxOpenFiles: 16,
      retentionCheckIntervalMs: 60_000,
    });
    await logs.open(() => undefined);
    // Every ReplicaFetch to leader 2 answers empty; the test reads which partitions each one named.
    const requests: string[][] = [];
    const client = {
      ReplicaFetch: (
        req: { partitions: Array<{ topic: string; partition: number }> },
        _md: unknown,
        _options: unknown,
        cb: (err: null, res: { partitions: never[] }) => void,
      ) => {
        requests.push(req.partitions.map((x) => `${x.topic}/${x.partition}`).sort());
        setTimeout(() => cb(null, { partitions: [] }), 5);
      },
    };
    const throttle = new ReplicationThrottle();
    throttle.setRate(1024 * 1024);
    const rm = new ReplicaManager(
      logs,
      { ...DEFAULT_BROKER_CONFIG, dataDir: dir, nodeId: 1, replicaFetchBackoffMs: 1 },
      {
        brokerId: 1,
        brokerEpoch: () => 7,
        ownsBrokerEpoch: (epoch) => epoch === 7,
        peer: () => client as never,
        logger,
        alterPartition: () => new Promise(() => undefined),
        throttle,
      },
    );
    const led = { leader: 2, leaderEpoch: 3, leaderBrokerEpoch: 9, partitionEpoch: 5 };
    const topic = (moving: boolean): TopicRecord => ({
      id: 'id-1',
      name: 't',
      replicationFactor: 3,
      configs: {},
      createdAtMs: 0,
      partitions: [
        { ...led, replicas: [2, 1, 3], isr: [2, 1, 3] },
        moving
          ? { ...led, replicas: [2, 3, 4, 1], isr: [2, 3, 4], addingReplicas: [1], removingReplicas: [4] }
          : { ...led, replicas: [2, 3, 1], isr: [2, 3, 1], partitionEpoch: 6 },
      ],
    });
    try {
      await rm.applyTopic(topic(true));
      await until(
        'fetches of each kind',
        () => requests.some((r) => r.join() === 't/0') && requests.some((r) => r.join() === 't/1'),
      );
      expect(requests.every((r) => r.length === 1)).toBe(true);
      await rm.applyTopic(topic(false));
      await until('one fetch for both', () => requests.some((r) => r.join() === 't/0,t/1'));
    } finally {
      await rm.stop();
      await logs.close();
    }
  });
});

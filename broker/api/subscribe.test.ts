import { EventEmitter } from 'node:events';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { SubscribeRequest__Output } from '../../proto/generated/tributary/v1/SubscribeRequest.js';
import type { SubscribeResponse } from '../../proto/generated/tributary/v1/SubscribeResponse.js';
import type { Partition } from '../replication/partition.js';
import { type ApiContext, Lifecycle } from './context.js';
import { subscribe } from './subscribe.js';

// How a subscription ends when its replica leaves the broker between two looks of the stream loop: a
// reassignment that moved the partition away (its leadership, then the replica, both applied at once under
// load) is NOT_LEADER, so the client re-subscribes at the new leader; only a deleted topic is UNKNOWN_TOPIC.
// (Seen on the pod tier: a group consumer stopped for good mid-rebalance on UNKNOWN_TOPIC.)

function idlePartition(): Partition {
  return {
    isLeader: true,
    logStartOffset: 0,
    logEndOffset: 0,
    highWatermark: 0,
    read: async () => ({ batches: [], highWatermark: 0, logStartOffset: 0, logEndOffset: 0 }),
    waitForChange: async () => undefined,
  } as unknown as Partition;
}

/** A broker whose replica of t/0 is there at the stream's first look and gone at the next. */
function broker(topicExists: boolean) {
  const partition = idlePartition();
  let looks = 0;
  const ctx = {
    config: { nodeId: 0, maxSubscriptions: 10, defaultPartitionFetchBytes: 1 << 20, maxFetchBytes: 1 << 20 },
    topics: {
      get: (name: string) =>
        topicExists && name === 't' ? { name: 't', partitions: [{ leader: 1, replicas: [1] }] } : undefined,
    },
    replicas: { find: () => (looks++ < 2 ? partition : undefined) },
    lifecycle: new Lifecycle(),
    metrics: { subscriptions: { inc: () => undefined, dec: () => undefined } },
  } as unknown as ApiContext;
  return ctx;
}

function call(): ServerWritableStream<SubscribeRequest__Output, SubscribeResponse> {
  return Object.assign(new EventEmitter(), {
    cancelled: false,
    destroyed: false,
  }) as unknown as ServerWritableStream<SubscribeRequest__Output, SubscribeResponse>;
}

const request = {
  topic: 't',
  partition: 0,
  start: 'position',
  position: 'START_POSITION_EARLIEST',
  max_bytes: 0,
  format: 'RECORD_FORMAT_BATCHES',
} as unknown as SubscribeRequest__Output;

describe('subscribe', () => {
  it('ends with NOT_LEADER when the replica moved to another broker, naming where to go', async () => {
    await expect(subscribe(broker(true), request, call())).rejects.toMatchObject({
      reason: 'NOT_LEADER',
      message: expect.stringContaining('broker 1 does'),
    });
  });

  it('ends with UNKNOWN_TOPIC when the topic was deleted', async () => {
    await expect(subscribe(broker(false), request, call())).rejects.toMatchObject({
      reason: 'UNKNOWN_TOPIC',
    });
  });
});

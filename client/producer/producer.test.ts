/** Unit tests of the producer's parts that need no broker: buffer, batching, partitioning, retry policy. */
import { describe, expect, it, vi } from 'vitest';
import { decodeRecordBatch } from '../../proto/codec/index.js';
import type { Cluster } from '../cluster.js';
import { TributaryClientError } from '../errors.js';
import {
  estimateRecordBytes,
  type PendingRecord,
  RecordAccumulator,
  StickyPartitioner,
} from './accumulator.js';
import { BufferPool } from './buffer-pool.js';
import type { Partitioner } from './partitioner.js';
import { Producer } from './producer.js';
import { backoffMs, type RetryPolicy, shouldRetry } from './retry.js';

const settings = { acks: 'all', compression: 'none', timeoutMs: 0 } as const;

function pending(value: string): PendingRecord {
  const record = { key: null, value, timestamp: 1 };
  return { record, bytes: estimateRecordBytes(record), resolve: () => {}, reject: () => {} };
}

describe('BufferPool (backpressure)', () => {
  it('waits when full and resumes in order when bytes are released', async () => {
    const pool = new BufferPool(100);
    await pool.reserve(60);
    const order: string[] = [];
    const a = pool.reserve(50).then(() => order.push('a'));
    const b = pool.reserve(10).then(() => order.push('b')); // fits, but waits behind a (FIFO)
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual([]);
    expect(pool.waiting).toBe(2);
    pool.release(60);
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'b']);
    expect(pool.used).toBe(60);
  });

  it('an AbortSignal cancels a wait, and a record larger than the buffer fails at once', async () => {
    const pool = new BufferPool(100);
    await pool.reserve(100);
    const controller = new AbortController();
    const waiting = pool.reserve(10, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ reasonName: 'CANCELLED' });
    expect(pool.waiting).toBe(0);
    await expect(pool.reserve(101)).rejects.toMatchObject({ reason: 'BATCH_TOO_LARGE' });
    pool.release(100);
    expect(pool.used).toBe(0);
  });
});

describe('RecordAccumulator (batching)', () => {
  it('closes a batch by size', () => {
    const onReady = vi.fn();
    const acc = new RecordAccumulator({ batchBytes: 100, lingerMs: 60_000, onReady });
    const r = pending('x'.repeat(29)); // 50 estimated bytes
    expect(r.bytes).toBe(50);
    acc.append('t', 0, settings, r);
    expect(onReady).not.toHaveBeenCalled();
    acc.append('t', 0, settings, pending('x'.repeat(29)));
    expect(onReady).toHaveBeenCalledTimes(1); // reached batchBytes
    acc.append('t', 0, settings, pending('x'.repeat(29)));
    const queue = acc.readyQueues().get('t\u00000')!;
    expect(queue.map((b) => b.records.length)).toEqual([2]);
    acc.closeAll();
    expect(queue.map((b) => b.records.length)).toEqual([2, 1]);
    expect(decodeRecordBatch(queue[0]!.encode()).records).toHaveLength(2);
  });

  it('closes a batch by linger', () => {
    vi.useFakeTimers();
    try {
      const onReady = vi.fn();
      const acc = new RecordAccumulator({ batchBytes: 1_000_000, lingerMs: 5, onReady });
      acc.append('t', 0, settings, pending('a'));
      acc.append('t', 0, settings, pending('b'));
      vi.advanceTimersByTime(4);
      expect(onReady).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(onReady).toHaveBeenCalledTimes(1);
      expect(acc.readyQueues().get('t\u00000')![0]!.records).toHaveLength(2);
      expect(acc.openBatches).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('starts a new batch when settings change, and a retry goes back to the front', () => {
    const acc = new RecordAccumulator({ batchBytes: 1_000_000, lingerMs: 60_000, onReady: () => {} });
    acc.append('t', 0, settings, pending('a'));
    acc.append('t', 0, { ...settings, compression: 'gzip' }, pending('b'));
    acc.closeAll();
    const first = acc.shift('t\u00000')!;
    expect(first.records.map((r) => r.record.value)).toEqual(['a']);
    acc.retry(first);
    expect(
      acc
        .readyQueues()
        .get('t\u00000')!
        .map((b) => b.settings.compression),
    ).toEqual(['none', 'gzip']);
  });

  it('puts batches that failed together back in their original order, whatever order they fail in', () => {
    const acc = new RecordAccumulator({ batchBytes: 1, lingerMs: 60_000, onReady: () => {} });
    for (const v of ['a', 'b', 'c', 'd']) acc.append('t', 0, settings, pending(v));
    const a = acc.shift('t\u00000')!;
    const b = acc.shift('t\u00000')!;
    const c = acc.shift('t\u00000')!;
    // Three were in flight; the stream broke; their failures are handled c, a, b.
    acc.retry(c);
    acc.retry(a);
    acc.retry(b);
    const queue = acc.readyQueues().get('t\u00000')!;
    expect(queue.map((x) => x.records[0]!.record.value)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('StickyPartitioner', () => {
  it('sticks to one partition until its batch closes, then moves to another', () => {
    let n = 0;
    const sticky = new StickyPartitioner(() => [0.1, 0.1, 0.9][n++ % 3]!);
    const first = sticky.partition('t', 4);
    expect(sticky.partition('t', 4)).toBe(first);
    sticky.onBatchClosed('t', (first + 1) % 4, 4); // another partition: no move
    expect(sticky.partition('t', 4)).toBe(first);
    sticky.onBatchClosed('t', first, 4);
    expect(sticky.partition('t', 4)).not.toBe(first);
  });
});

describe('retry policy', () => {
  const policy: RetryPolicy = {
    retries: 5,
    retryBackoffMs: 100,
    retryBackoffMaxMs: 1000,
    deliveryTimeoutMs: 120_000,
  };

  it('retries retriable errors only, within retries and the delivery timeout', () => {
    const notLeader = new TributaryClientError('NOT_LEADER', 'x');
    const unavailable = new TributaryClientError('UNAVAILABLE', 'x', { retriable: true });
    const corrupt = new TributaryClientError('CORRUPT_BATCH', 'x');
    const unknown = new TributaryClientError('UNKNOWN_TOPIC', 'x');
    expect(shouldRetry(notLeader, 1, 0, 10, policy)).toBe(true);
    expect(shouldRetry(unavailable, 5, 0, 10, policy)).toBe(true);
    expect(shouldRetry(unavailable, 6, 0, 10, policy)).toBe(false);
    expect(shouldRetry(unavailable, 1, 0, 120_000, policy)).toBe(false);
    expect(shouldRetry(corrupt, 1, 0, 10, policy)).toBe(false);
    expect(shouldRetry(unknown, 1, 0, 10, policy)).toBe(false);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffMs(0, policy, () => 0.5)).toBe(100);
    expect(backoffMs(1, policy, () => 0.5)).toBe(200);
    expect(backoffMs(2, policy, () => 0)).toBe(320);
    expect(backoffMs(2, policy, () => 1)).toBe(480);
    expect(backoffMs(10, policy, () => 1)).toBe(1000);
    for (let i = 0; i < 100; i++) {
      const ms = backoffMs(3, policy);
      expect(ms).toBeGreaterThanOrEqual(640);
      expect(ms).toBeLessThanOrEqual(960);
    }
  });
});

describe('Producer admission', () => {
  it('chooses a record’s partition once, also when it then waits for buffer space', async () => {
    const cluster = {
      cachedPartitionCount: () => 4,
      partitionCount: async () => 4,
    } as unknown as Cluster;
    const chosen: number[] = [];
    let next = 0;
    const roundRobin: Partitioner = {
      partition: () => {
        const p = next++ % 4;
        chosen.push(p);
        return p;
      },
    };
    const producer = new Producer(cluster, {
      partitioner: roundRobin,
      bufferBytes: 100,
      lingerMs: 60_000,
      acks: 'leader',
    });
    const first = producer.produce({ topic: 't', value: 'x'.repeat(60) });
    const second = producer.produce({ topic: 't', value: 'y'.repeat(60) }); // waits: the buffer is full
    await new Promise((r) => setImmediate(r));
    expect(chosen).toEqual([0, 1]);
    producer.disconnect();
    await expect(first).rejects.toMatchObject({ reasonName: 'CANCELLED' });
    await expect(second).rejects.toMatchObject({ reasonName: 'CANCELLED' });
    expect(chosen).toEqual([0, 1]);
  });
});

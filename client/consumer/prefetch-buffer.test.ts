import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrefetchBuffer } from './prefetch-buffer.js';

describe('PrefetchBuffer', () => {
  it('counts a chunk until its last record is taken', () => {
    const buffer = new PrefetchBuffer<number>(100);
    buffer.push('a', [1, 2, 3], 60);
    expect(buffer.bytes).toBe(60);
    expect(buffer.size).toBe(3);
    expect(buffer.full).toBe(false);
    buffer.push('a', [4], 50);
    expect(buffer.full).toBe(true);
    expect(buffer.take()).toEqual({ key: 'a', record: 1 });
    expect(buffer.take()?.record).toBe(2);
    expect(buffer.bytes).toBe(110);
    expect(buffer.take()?.record).toBe(3);
    expect(buffer.bytes).toBe(50);
    expect(buffer.full).toBe(false);
    expect(buffer.has('a')).toBe(true);
    expect(buffer.take()?.record).toBe(4);
    expect(buffer.has('a')).toBe(false);
    expect(buffer.bytes).toBe(0);
    expect(buffer.take()).toBeUndefined();
  });

  it('ignores empty chunks', () => {
    const buffer = new PrefetchBuffer<number>(10);
    buffer.push('a', [], 5);
    expect(buffer.bytes).toBe(0);
    expect(buffer.take()).toBeUndefined();
  });

  it('takes round-robin by chunk across partitions, in order within each', () => {
    const buffer = new PrefetchBuffer<string>(1000);
    buffer.push('a', ['a0', 'a1'], 1);
    buffer.push('a', ['a2'], 1);
    buffer.push('b', ['b0'], 1);
    buffer.push('c', ['c0', 'c1'], 1);
    const out: string[] = [];
    for (let t = buffer.take(); t !== undefined; t = buffer.take()) out.push(t.record);
    expect(out).toEqual(['a0', 'a1', 'b0', 'c0', 'c1', 'a2']);
  });

  it('takeChunk returns the rest of the head chunk', () => {
    const buffer = new PrefetchBuffer<number>(1000);
    buffer.push('a', [0, 1, 2], 30);
    buffer.push('b', [10], 10);
    buffer.take();
    expect(buffer.takeChunk()).toEqual({ key: 'a', records: [1, 2] });
    expect(buffer.bytes).toBe(10);
    expect(buffer.takeChunk()).toEqual({ key: 'b', records: [10] });
    expect(buffer.size).toBe(0);
  });

  it('drop releases one partition and keeps the others', () => {
    const buffer = new PrefetchBuffer<number>(1000);
    buffer.push('a', [0, 1], 20);
    buffer.push('b', [5], 7);
    buffer.push('a', [2], 10);
    buffer.take();
    expect(buffer.bytesOf('a')).toBe(30);
    expect(buffer.drop('a')).toBe(2);
    expect(buffer.bytes).toBe(7);
    expect(buffer.size).toBe(1);
    expect(buffer.take()).toEqual({ key: 'b', record: 5 });
    expect(buffer.drop('missing')).toBe(0);
  });

  it('wait resolves on push, wake and abort', async () => {
    const buffer = new PrefetchBuffer<number>(10);
    const pushed = buffer.wait();
    buffer.push('a', [1], 1);
    await pushed;
    const woken = buffer.wait();
    buffer.wake();
    await woken;
    const controller = new AbortController();
    const aborted = buffer.wait(controller.signal);
    controller.abort();
    await aborted;
  });

  it('rejects a non-positive bound', () => {
    expect(() => new PrefetchBuffer(0)).toThrow(RangeError);
  });

  it('keeps its accounting exact and per-partition order under any mix of operations', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('push' as const),
        key: fc.constantFrom('a', 'b', 'c'),
        n: fc.nat(4),
        bytes: fc.nat(50),
      }),
      fc.record({ kind: fc.constant('take' as const) }),
      fc.record({ kind: fc.constant('chunk' as const) }),
      fc.record({ kind: fc.constant('drop' as const), key: fc.constantFrom('a', 'b', 'c') }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const buffer = new PrefetchBuffer<number>(100);
        // Model: per key, a list of [records, bytes] chunks.
        const model = new Map<string, Array<{ records: number[]; bytes: number }>>();
        const next = new Map<string, number>();
        const lastTaken = new Map<string, number>();
        const check = (key: string, record: number) => {
          expect(record).toBeGreaterThan(lastTaken.get(key) ?? -1);
          lastTaken.set(key, record);
          const chunks = model.get(key)!;
          expect(chunks[0]!.records.shift()).toBe(record);
          if (chunks[0]!.records.length === 0) chunks.shift();
        };
        for (const o of ops) {
          if (o.kind === 'push') {
            const start = next.get(o.key) ?? 0;
            const records = Array.from({ length: o.n }, (_, i) => start + i);
            next.set(o.key, start + o.n);
            buffer.push(o.key, records, o.bytes);
            if (o.n > 0)
              model.set(o.key, [...(model.get(o.key) ?? []), { records: [...records], bytes: o.bytes }]);
          } else if (o.kind === 'take') {
            const t = buffer.take();
            if (t !== undefined) check(t.key, t.record);
          } else if (o.kind === 'chunk') {
            const t = buffer.takeChunk();
            if (t !== undefined) for (const r of t.records) check(t.key, r);
          } else {
            buffer.drop(o.key);
            model.delete(o.key);
          }
          let bytes = 0;
          let size = 0;
          for (const chunks of model.values()) {
            for (const c of chunks) {
              bytes += c.bytes;
              size += c.records.length;
            }
          }
          expect(buffer.bytes).toBe(bytes);
          expect(buffer.size).toBe(size);
        }
      }),
    );
  });
});

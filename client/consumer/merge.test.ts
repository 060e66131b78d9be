import { describe, expect, it } from 'vitest';
import { mergeAsyncIterables } from './merge.js';

async function* numbers(
  from: number,
  count: number,
  delayMs: number,
  closed: number[],
): AsyncGenerator<number> {
  try {
    for (let i = 0; i < count; i++) {
      await new Promise((r) => setTimeout(r, delayMs));
      yield from + i;
    }
  } finally {
    closed.push(from);
  }
}

describe('mergeAsyncIterables', () => {
  it('yields every item of every source, in order within a source', async () => {
    const closed: number[] = [];
    const out: number[] = [];
    for await (const n of mergeAsyncIterables([numbers(0, 5, 1, closed), numbers(100, 3, 2, closed)]))
      out.push(n);
    expect(out.filter((n) => n < 100)).toEqual([0, 1, 2, 3, 4]);
    expect(out.filter((n) => n >= 100)).toEqual([100, 101, 102]);
  });

  it('closes every source on break, calling onClose first', async () => {
    const closed: number[] = [];
    let onCloseCalls = 0;
    for await (const n of mergeAsyncIterables([numbers(0, 1000, 1, closed), numbers(100, 1000, 1, closed)], {
      onClose: () => onCloseCalls++,
    })) {
      if (n >= 2) break;
    }
    expect(onCloseCalls).toBe(1);
    expect(closed.sort()).toEqual([0, 100]);
  });

  it('propagates a source error', async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      throw new Error('boom');
    }
    const closed: number[] = [];
    await expect(async () => {
      for await (const _ of mergeAsyncIterables([failing(), numbers(100, 1000, 5, closed)])) {
        // drain
      }
    }).rejects.toThrow('boom');
    expect(closed).toEqual([100]);
  });
});

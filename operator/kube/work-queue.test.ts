import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../kit/backoff.js';
import { TokenBucket } from './token-bucket.js';
import { type KeyHandler, WorkQueue, type WorkQueueOptions } from './work-queue.js';

const FAST: WorkQueueOptions = {
  workers: 4,
  retry: { baseMs: 20, maxMs: 200 },
  ratePerSecond: 10_000,
  burst: 10_000,
  maxKeys: 1000,
};

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('backoffDelayMs', () => {
  it('starts at the base, doubles, never passes the cap, and never shrinks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 2000 }),
        (baseMs, extraMs, failures) => {
          const policy = { baseMs, maxMs: baseMs + extraMs };
          const d = backoffDelayMs(failures, policy);
          expect(backoffDelayMs(1, policy)).toBe(baseMs);
          expect(d).toBeLessThanOrEqual(policy.maxMs);
          expect(d).toBeGreaterThanOrEqual(baseMs);
          expect(backoffDelayMs(failures + 1, policy)).toBeGreaterThanOrEqual(d);
          if (d < policy.maxMs)
            expect(backoffDelayMs(failures + 1, policy)).toBe(Math.min(2 * d, policy.maxMs));
        },
      ),
    );
  });

  it('rejects a policy whose cap is below its base', () => {
    expect(() => backoffDelayMs(1, { baseMs: 10, maxMs: 5 })).toThrow(RangeError);
  });
});

describe('TokenBucket', () => {
  it('gives the burst at once, then tokens at the rate', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    expect([bucket.take().ok, bucket.take().ok, bucket.take().ok]).toEqual([true, true, true]);
    const empty = bucket.take();
    expect(empty).toEqual({ ok: false, waitMs: 100 });
    now += 100;
    expect(bucket.take().ok).toBe(true);
    now += 10_000;
    // Refilled to the burst, not beyond it.
    expect([bucket.take().ok, bucket.take().ok, bucket.take().ok, bucket.take().ok]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});

describe('WorkQueue', () => {
  it('deduplicates keys that are waiting', async () => {
    const q = new WorkQueue(FAST);
    for (let i = 0; i < 5; i++) q.add('ns/a');
    q.add('ns/b');
    expect(q.depth).toBe(2);
    const seen: string[] = [];
    q.start(async (key) => {
      seen.push(key);
      return undefined;
    });
    await until('both handled', () => seen.length === 2 && q.inFlight === 0);
    expect(seen.sort()).toEqual(['ns/a', 'ns/b']);
    await q.shutdown(1000);
  });

  it('never runs one key twice at once, and runs it again when it was added meanwhile', async () => {
    const q = new WorkQueue(FAST);
    const gate = deferred();
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    q.start(async () => {
      calls++;
      running++;
      maxRunning = Math.max(maxRunning, running);
      if (calls === 1) await gate.promise;
      running--;
      return undefined;
    });
    q.add('ns/a');
    await until('first reconcile running', () => calls === 1);
    q.add('ns/a');
    q.add('ns/a');
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toBe(1);
    gate.resolve();
    await until('second reconcile done', () => calls === 2 && q.inFlight === 0);
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toBe(2);
    expect(maxRunning).toBe(1);
    await q.shutdown(1000);
  });

  it('retries a failing key with growing delays and forgets its failures after a success', async () => {
    const errors: number[] = [];
    const q = new WorkQueue({ ...FAST, onError: (_key, _err, retryInMs) => errors.push(retryInMs) });
    const startsMs: number[] = [];
    q.start(async () => {
      startsMs.push(Date.now());
      if (startsMs.length <= 3) throw new Error('not yet');
      return undefined;
    });
    q.add('ns/a');
    await until('fourth attempt', () => startsMs.length === 4 && q.inFlight === 0);
    expect(errors).toEqual([20, 40, 80]);
    const gaps = startsMs.slice(1).map((t, i) => t - startsMs[i]!);
    // Timers never fire early; allow a millisecond of clock rounding.
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    expect(gaps[1]).toBeGreaterThanOrEqual(39);
    expect(gaps[2]).toBeGreaterThanOrEqual(79);
    expect(q.failuresOf('ns/a')).toBe(0);
    await q.shutdown(1000);
  });

  it('caps the backoff', async () => {
    const errors: number[] = [];
    const q = new WorkQueue({
      ...FAST,
      retry: { baseMs: 1, maxMs: 8 },
      onError: (_k, _e, ms) => errors.push(ms),
    });
    q.start(async () => {
      throw new Error('always');
    });
    q.add('ns/a');
    await until('seven failures', () => errors.length >= 7);
    await q.shutdown(1000);
    expect(errors.slice(0, 7)).toEqual([1, 2, 4, 8, 8, 8, 8]);
  });

  it('backs off without an error when the reconcile asks to, and requeues after a delay', async () => {
    const q = new WorkQueue(FAST);
    const startsMs: number[] = [];
    q.start(async () => {
      startsMs.push(Date.now());
      if (startsMs.length === 1) return { backoff: true };
      if (startsMs.length === 2) return { requeueAfterMs: 50 };
      return undefined;
    });
    q.add('ns/a');
    await until('third run', () => startsMs.length === 3);
    expect(startsMs[1]! - startsMs[0]!).toBeGreaterThanOrEqual(19);
    expect(startsMs[2]! - startsMs[1]!).toBeGreaterThanOrEqual(49);
    expect(q.failuresOf('ns/a')).toBe(0);
    await q.shutdown(1000);
  });

  it('keeps the earliest of two delayed adds', async () => {
    const q = new WorkQueue(FAST);
    const startsMs: number[] = [];
    q.start(async () => {
      startsMs.push(Date.now());
      return undefined;
    });
    const t0 = Date.now();
    q.addAfter('ns/a', 5000);
    q.addAfter('ns/a', 30);
    q.addAfter('ns/a', 4000);
    await until('delayed run', () => startsMs.length === 1, 2000);
    expect(startsMs[0]! - t0).toBeLessThan(1000);
    await q.shutdown(100);
  });

  it('limits how many reconciles start per second', async () => {
    const q = new WorkQueue({ ...FAST, ratePerSecond: 50, burst: 1 });
    const startsMs: number[] = [];
    q.start(async () => {
      startsMs.push(Date.now());
      return undefined;
    });
    for (let i = 0; i < 6; i++) q.add(`ns/k${i}`);
    await until('all six', () => startsMs.length === 6);
    // One at once, then one per 20 ms.
    expect(startsMs[5]! - startsMs[0]!).toBeGreaterThanOrEqual(95);
    await q.shutdown(100);
  });

  it('drops new keys past maxKeys and counts them', async () => {
    const dropped: string[] = [];
    const q = new WorkQueue({ ...FAST, maxKeys: 3, onDrop: (k) => dropped.push(k) });
    for (const k of ['a', 'b', 'c', 'd', 'a']) q.add(k);
    expect(q.depth).toBe(3);
    expect(dropped).toEqual(['d']);
    expect(q.dropped).toBe(1);
    await q.shutdown(10);
  });

  it('drains running reconciles on shutdown within its bound, and reports the ones it abandons', async () => {
    const q = new WorkQueue(FAST);
    const quick = deferred();
    let finished = 0;
    q.start(async (key) => {
      if (key === 'ns/hang') await new Promise(() => {});
      await quick.promise;
      finished++;
      return undefined;
    });
    q.add('ns/a');
    q.add('ns/hang');
    await until('both running', () => q.inFlight === 2);
    setTimeout(() => quick.resolve(), 20);
    const t0 = Date.now();
    const result = await q.shutdown(300);
    expect(finished).toBe(1);
    expect(result).toEqual({ drained: false, abandoned: ['ns/hang'] });
    expect(Date.now() - t0).toBeLessThan(2000);
    q.add('ns/a');
    expect(q.depth).toBe(0);
  });

  it('property: no key runs concurrently with itself, and every add is followed by a run that sees it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            key: fc.constantFrom('a', 'b', 'c'),
            delayMs: fc.integer({ min: 0, max: 3 }),
            workMs: fc.integer({ min: 0, max: 3 }),
            fail: fc.boolean(),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        async (ops) => {
          const q = new WorkQueue({ ...FAST, workers: 2, retry: { baseMs: 1, maxMs: 4 } });
          const running = new Set<string>();
          let overlap = false;
          /** Time of the last add of a key, and of the last run start of it. */
          const lastAdd = new Map<string, number>();
          const lastStart = new Map<string, number>();
          let tick = 0;
          let failuresLeft = ops.filter((o) => o.fail).length;
          const workOf = new Map<string, number>(ops.map((o) => [o.key, o.workMs]));
          const handler: KeyHandler = async (key) => {
            if (running.has(key)) overlap = true;
            running.add(key);
            lastStart.set(key, ++tick);
            await new Promise((r) => setTimeout(r, workOf.get(key) ?? 0));
            running.delete(key);
            if (failuresLeft > 0) {
              failuresLeft--;
              throw new Error('planned failure');
            }
            return undefined;
          };
          q.start(handler);
          for (const op of ops) {
            lastAdd.set(op.key, ++tick);
            q.add(op.key);
            await new Promise((r) => setTimeout(r, op.delayMs));
          }
          await until(
            'every key ran after its last add',
            () => [...lastAdd].every(([k, t]) => (lastStart.get(k) ?? 0) > t) && q.inFlight === 0,
            5000,
          );
          await q.shutdown(1000);
          expect(overlap).toBe(false);
        },
      ),
      { numRuns: 40 },
    );
  });
});

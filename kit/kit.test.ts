import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-file.js';
import { backoffDelayMs } from './backoff.js';
import { KeyedLanes, SerialLane } from './serial-lane.js';
import { abortable, sleep } from './sleep.js';

describe('SerialLane', () => {
  it('runs work one at a time in order, and a failure does not block the next item', async () => {
    const lane = new SerialLane();
    const log: string[] = [];
    let active = 0;
    const step = (name: string, fail = false) =>
      lane.run(async () => {
        active += 1;
        expect(active).toBe(1);
        await sleep(2);
        log.push(name);
        active -= 1;
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([step('a'), step('b', true), step('c')]);
    expect(log).toEqual(['a', 'b', 'c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(lane.size).toBe(0);
  });

  it('keyed lanes forget idle keys', async () => {
    const lanes = new KeyedLanes<string>();
    const order: string[] = [];
    await Promise.all([
      lanes.run('x', async () => order.push('x1')),
      lanes.run('y', async () => order.push('y1')),
      lanes.run('x', async () => order.push('x2')),
    ]);
    expect(order.indexOf('x1')).toBeLessThan(order.indexOf('x2'));
    await sleep(0);
    expect(lanes.activeKeys).toBe(0);
  });
});

describe('backoffDelayMs', () => {
  it('doubles up to the cap, with bounded jitter', () => {
    const policy = { baseMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 4, 5, 100].map((a) => backoffDelayMs(a, policy))).toEqual([
      0, 100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffDelayMs(2, { ...policy, jitter: 0.2 }, () => 0)).toBe(160);
    expect(backoffDelayMs(2, { ...policy, jitter: 0.2 }, () => 0.999_999)).toBe(240);
    expect(backoffDelayMs(9, { ...policy, jitter: 0.2 }, () => 0.999_999)).toBe(1000);
    expect(() => backoffDelayMs(1, { baseMs: 0, maxMs: 10 })).toThrow(RangeError);
    expect(() => backoffDelayMs(1, { baseMs: 10, maxMs: 5 })).toThrow(RangeError);
  });
});

describe('sleep', () => {
  it('rejects at once when aborted, and when already aborted', async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    await expect(sleep(10, controller.signal)).rejects.toThrow('stop');
  });
});

describe('writeFileAtomic', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces the file and leaves no temporary behind', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kit-'));
    const path = join(dir, 'checkpoint');
    await writeFileAtomic(path, 'one');
    writeFileAtomicSync(path, 'two');
    expect(readFileSync(path, 'utf8')).toBe('two');
    await writeFileAtomic(path, Buffer.from('three'), { durable: false });
    expect(readFileSync(path, 'utf8')).toBe('three');
    expect(readdirSync(dir)).toEqual(['checkpoint']);
  });
});

describe('abortable', () => {
  it('passes the outcome through, or rejects at once when aborted, with a mapped reason', async () => {
    await expect(abortable(Promise.resolve(1), undefined)).resolves.toBe(1);
    const controller = new AbortController();
    const never = new Promise<number>(() => {});
    const pending = abortable(never, controller.signal, () => new Error('mapped'));
    controller.abort();
    await expect(pending).rejects.toThrow('mapped');
    await expect(sleep(10, controller.signal, () => new Error('mapped too'))).rejects.toThrow('mapped too');
  });
});

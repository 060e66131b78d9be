import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DcsEvent } from './dcs.js';
import { LocalDcs } from './local-dcs.js';

const root = mkdtempSync(join(tmpdir(), 'tributary-dcs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('LocalDcs', () => {
  it('compare-and-set by version, list, delete, watch, and survives reopening', async () => {
    const dir = join(root, 'a');
    const dcs = await LocalDcs.open(dir);
    const events: DcsEvent[] = [];
    const unwatch = dcs.watch('topics/', (e) => events.push(e));

    const created = await dcs.compareAndSet('topics/a', Buffer.from('1'), 0);
    expect(created.ok).toBe(true);
    expect(await dcs.compareAndSet('topics/a', Buffer.from('dup'), 0)).toEqual({
      ok: false,
      version: created.version,
    });
    const updated = await dcs.compareAndSet('topics/a', Buffer.from('2'), created.version);
    expect(updated.ok).toBe(true);
    expect(updated.version).toBeGreaterThan(created.version);
    // A writer holding the old version loses.
    expect((await dcs.compareAndSet('topics/a', Buffer.from('stale'), created.version)).ok).toBe(false);
    await dcs.compareAndSet('topics/b', Buffer.from('b'), 0);
    await dcs.compareAndSet('cluster/id', Buffer.from('c'), 0);
    expect((await dcs.list('topics/')).map((e) => [e.key, e.value.toString()])).toEqual([
      ['topics/a', '2'],
      ['topics/b', 'b'],
    ]);
    expect((await dcs.compareAndDelete('topics/b', 12345)).ok).toBe(false);
    const b = await dcs.get('topics/b');
    expect((await dcs.compareAndDelete('topics/b', b!.version)).ok).toBe(true);
    expect(events.map((e) => `${e.type}:${e.key}`)).toEqual([
      'put:topics/a',
      'put:topics/a',
      'put:topics/b',
      'delete:topics/b',
    ]);
    unwatch();
    await dcs.close();

    const again = await LocalDcs.open(dir);
    expect((await again.get('topics/a'))?.value.toString()).toBe('2');
    expect(await again.get('topics/b')).toBeNull();
    // Versions keep rising after a reopen: no reuse of a version a stale writer may still hold.
    const next = await again.compareAndSet('topics/c', Buffer.from('c'), 0);
    expect(next.version).toBeGreaterThan(updated.version);
    await again.close();
  });

  it('refuses a directory a live process holds, and takes over the lock of a dead one', async () => {
    const dir = join(root, 'b');
    const first = await LocalDcs.open(dir);
    await expect(LocalDcs.open(dir)).rejects.toThrow(/in use by process/);
    await first.close();
    // A lock left by a process that died (kill -9) names a pid that no longer runs.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(join(dir, 'LOCK'), dead.stdout.toString());
    const second = await LocalDcs.open(dir);
    expect(readFileSync(join(dir, 'LOCK'), 'utf8')).toBe(String(process.pid));
    await second.close();
  });

  it('rejects invalid keys', async () => {
    const dcs = await LocalDcs.open(join(root, 'c'));
    await expect(dcs.compareAndSet('/abs', Buffer.from('x'), 0)).rejects.toThrow(/invalid DCS key/);
    await expect(dcs.compareAndSet('a//b', Buffer.from('x'), 0)).rejects.toThrow(/invalid DCS key/);
    await expect(dcs.get('spaces are bad')).rejects.toThrow(/invalid DCS key/);
    await dcs.close();
  });
});

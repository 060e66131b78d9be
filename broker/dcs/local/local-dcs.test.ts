import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeDcsContract } from '../../../test/helpers/dcs-contract.js';
import type { DcsEvent } from '../dcs.js';
import { openDcs } from '../index.js';
import { LocalDcs } from './local-dcs.js';

const root = mkdtempSync(join(tmpdir(), 'tributary-dcs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let stores = 0;
describeDcsContract('local', () => LocalDcs.open(join(root, `contract-${++stores}`)));

describe('LocalDcs', () => {
  it('survives reopening, and versions keep rising across reopens', async () => {
    const dir = join(root, 'a');
    const dcs = await LocalDcs.open(dir);
    expect(dcs.kind).toBe('local');
    const created = await dcs.compareAndSet('topics/a', Buffer.from('1'), 0);
    const updated = await dcs.compareAndSet('topics/a', Buffer.from('2'), created.version);
    await dcs.compareAndSet('topics/b', Buffer.from('b'), 0);
    const b = await dcs.get('topics/b');
    expect((await dcs.compareAndDelete('topics/b', b!.version)).ok).toBe(true);
    await dcs.close();

    const again = await LocalDcs.open(dir);
    expect((await again.get('topics/a'))?.value.toString()).toBe('2');
    expect(await again.get('topics/b')).toBeNull();
    // No reuse of a version a stale writer may still hold.
    const next = await again.compareAndSet('topics/c', Buffer.from('c'), 0);
    expect(next.version).toBeGreaterThan(updated.version);
    await again.close();
  });

  it('removes the ephemeral keys a crashed process left, and keeps the rest', async () => {
    const dir = join(root, 'crash');
    const first = await LocalDcs.open(dir);
    const session = await first.openSession(5_000);
    await first.compareAndSet('brokers/1', Buffer.from('b1'), 0, { session });
    const kept = await first.compareAndSet('topics/t', Buffer.from('t'), 0);
    const stored = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8'));
    expect(stored.entries['brokers/1'].session).toBe(session.id);
    expect(stored.entries['topics/t'].session).toBeUndefined();
    // The process "dies" without closing: its lock names a pid that no longer runs.
    unlinkSync(join(dir, 'LOCK'));
    const next = await LocalDcs.open(dir);
    expect(await next.get('brokers/1')).toBeNull();
    expect((await next.get('topics/t'))?.version).toBe(kept.version);
    const after = await next.compareAndSet('brokers/1', Buffer.from('b1'), 0);
    expect(after.version).toBeGreaterThan(kept.version);
    await next.close();
  });

  it('a session never reports itself lost; close() of the store ends open sessions', async () => {
    const dir = join(root, 'sessions');
    const dcs = await LocalDcs.open(dir);
    const events: DcsEvent[] = [];
    await dcs.watch('', (e) => events.push(e));
    const s1 = await dcs.openSession(1_000);
    const s2 = await dcs.openSession(1_000);
    expect(s1.id).not.toBe(s2.id);
    await dcs.compareAndSet('brokers/1', Buffer.from('1'), 0, { session: s1 });
    await dcs.compareAndSet('brokers/2', Buffer.from('2'), 0, { session: s2 });
    await dcs.close();
    expect(s1.lost.aborted).toBe(false);
    expect(events.filter((e) => e.type === 'delete').map((e) => e.key)).toEqual(['brokers/1', 'brokers/2']);
    const again = await LocalDcs.open(dir);
    expect(await again.list('brokers/')).toEqual([]);
    await again.close();
  });

  it('a listener that throws does not fail the write', async () => {
    const dcs = await LocalDcs.open(join(root, 'throwing'));
    await dcs.watch('', () => {
      throw new Error('listener bug');
    });
    // The error surfaces as an uncaught exception; catch it here instead of letting vitest fail the file.
    const runners = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    try {
      const thrown = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve));
      expect((await dcs.compareAndSet('k', Buffer.from('v'), 0)).ok).toBe(true);
      expect(await thrown).toMatchObject({ message: 'listener bug' });
    } finally {
      for (const l of runners) process.on('uncaughtException', l);
    }
    await dcs.close();
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

  it('refuses a damaged document and releases its lock', async () => {
    const dir = join(root, 'damaged');
    await (await LocalDcs.open(dir)).close();
    writeFileSync(
      join(dir, 'metadata.json'),
      JSON.stringify({ format: 1, revision: 1, entries: { k: { version: 5 } } }),
    );
    await expect(LocalDcs.open(dir)).rejects.toThrow(/not a Tributary metadata document/);
    await expect(LocalDcs.open(dir)).rejects.toThrow(/not a Tributary metadata document/);
  });
});

describe('openDcs', () => {
  it('opens the local backend without loading the etcd client', async () => {
    const dcs = await openDcs({ kind: 'local', dir: join(root, 'factory') });
    expect(dcs.kind).toBe('local');
    await dcs.close();
    // Each test file runs in its own process, and nothing here imports etcd3.
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) =>
      k.includes('/node_modules/etcd3/'),
    );
    expect(loaded).toEqual([]);
  });
});

/**
 * The behaviour every DCS backend shares, as vitest cases: `describeDcsContract(name, open)` registers
 * them for one backend. `open` returns a store that is empty (a fresh directory, or a fresh etcd prefix);
 * each case closes what it opened. Backend-specific behaviour (crash recovery, lease loss, reconnects)
 * is tested beside each backend.
 */

import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Dcs,
  type DcsEvent,
  type DcsSession,
  DcsSessionEndedError,
  type VersionedValue,
} from '../../broker/dcs/dcs.js';

export function describeDcsContract(name: string, open: () => Promise<Dcs>): void {
  describe(`DCS contract: ${name}`, () => {
    const opened: Dcs[] = [];
    const store = async () => {
      const dcs = await open();
      opened.push(dcs);
      return dcs;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((d) => d.close()));
    });

    it('compare-and-set creates, updates, and refuses stale or duplicate writers', async () => {
      const dcs = await store();
      const created = await dcs.compareAndSet('topics/a', Buffer.from('1'), 0);
      expect(created.ok).toBe(true);
      expect(created.version).toBeGreaterThan(0);
      expect(await dcs.compareAndSet('topics/a', Buffer.from('dup'), 0)).toEqual({
        ok: false,
        version: created.version,
      });
      const updated = await dcs.compareAndSet('topics/a', Buffer.from('2'), created.version);
      expect(updated.ok).toBe(true);
      expect(updated.version).toBeGreaterThan(created.version);
      // A writer holding the old version loses and learns the current one.
      expect(await dcs.compareAndSet('topics/a', Buffer.from('stale'), created.version)).toEqual({
        ok: false,
        version: updated.version,
      });
      // A version the key never had: the key is absent, so the write fails and reports 0.
      expect(await dcs.compareAndSet('topics/none', Buffer.from('x'), 12345)).toEqual({
        ok: false,
        version: 0,
      });
      expect(await dcs.get('topics/a')).toEqual({
        key: 'topics/a',
        value: Buffer.from('2'),
        version: updated.version,
      });
      expect(await dcs.get('topics/none')).toBeNull();
    });

    it('versions are store revisions: unique across keys and rising', async () => {
      const dcs = await store();
      const a = await dcs.compareAndSet('k/a', Buffer.from('a'), 0);
      const b = await dcs.compareAndSet('k/b', Buffer.from('b'), 0);
      const a2 = await dcs.compareAndSet('k/a', Buffer.from('a2'), a.version);
      expect(b.version).toBeGreaterThan(a.version);
      expect(a2.version).toBeGreaterThan(b.version);
    });

    it('compare-and-delete by version', async () => {
      const dcs = await store();
      const { version } = await dcs.compareAndSet('topics/b', Buffer.from('b'), 0);
      expect(await dcs.compareAndDelete('topics/b', version + 1000)).toEqual({ ok: false, version });
      expect(await dcs.compareAndDelete('topics/b', 0)).toEqual({ ok: false, version });
      expect(await dcs.compareAndDelete('topics/b', version)).toEqual({ ok: true, version: 0 });
      expect(await dcs.get('topics/b')).toBeNull();
      expect(await dcs.compareAndDelete('topics/b', version)).toEqual({ ok: false, version: 0 });
      expect(await dcs.compareAndDelete('topics/b', 0)).toEqual({ ok: false, version: 0 });
      // Re-created after a delete: a new, higher version.
      const again = await dcs.compareAndSet('topics/b', Buffer.from('b2'), 0);
      expect(again.version).toBeGreaterThan(version);
    });

    it('a guard makes a write conditional on a second key, atomically', async () => {
      const dcs = await store();
      const controller = await dcs.compareAndSet('controller', Buffer.from('1'), 0);
      const guard = { key: 'controller', version: controller.version };
      const t = await dcs.compareAndSet('topics/g', Buffer.from('1'), 0, { guard });
      expect(t.ok).toBe(true);
      // The controller key moved on: the guarded write fails, and says it was the guard.
      const next = await dcs.compareAndSet('controller', Buffer.from('2'), controller.version);
      expect(await dcs.compareAndSet('topics/g', Buffer.from('2'), t.version, { guard })).toEqual({
        ok: false,
        version: t.version,
        guardFailed: true,
      });
      expect((await dcs.get('topics/g'))?.value.toString()).toBe('1');
      // Key and guard both wrong: a plain conflict, not a guard failure.
      const both = await dcs.compareAndSet('topics/g', Buffer.from('3'), t.version + 1000, { guard });
      expect(both.ok).toBe(false);
      expect(both.guardFailed).toBeFalsy();
      expect(both.version).toBe(t.version);
      // Deletes take guards too.
      expect(await dcs.compareAndDelete('topics/g', t.version, { guard })).toEqual({
        ok: false,
        version: t.version,
        guardFailed: true,
      });
      const current = { key: 'controller', version: next.version };
      expect(await dcs.compareAndDelete('topics/g', t.version, { guard: current })).toEqual({
        ok: true,
        version: 0,
      });
      // Version 0 guards on absence.
      expect(
        (await dcs.compareAndSet('x/y', Buffer.from('1'), 0, { guard: { key: 'nobody', version: 0 } })).ok,
      ).toBe(true);
      expect(
        (await dcs.compareAndSet('x/z', Buffer.from('1'), 0, { guard: { key: 'controller', version: 0 } }))
          .guardFailed,
      ).toBe(true);
    });

    it('lists a prefix sorted by key, and nothing outside it', async () => {
      const dcs = await store();
      for (const key of ['topics/c', 'topics/a', 'topicsX', 'topics/b/1', 'cluster/id', 'topics/b']) {
        await dcs.compareAndSet(key, Buffer.from(key), 0);
      }
      expect((await dcs.list('topics/')).map((e) => [e.key, e.value.toString()])).toEqual([
        ['topics/a', 'topics/a'],
        ['topics/b', 'topics/b'],
        ['topics/b/1', 'topics/b/1'],
        ['topics/c', 'topics/c'],
      ]);
      expect((await dcs.list('')).map((e) => e.key)).toEqual([
        'cluster/id',
        'topics/a',
        'topics/b',
        'topics/b/1',
        'topics/c',
        'topicsX',
      ]);
      expect(await dcs.list('nothing/')).toEqual([]);
    });

    it('watch: every change under the prefix in commit order; a list after it misses nothing', async () => {
      const dcs = await store();
      await dcs.compareAndSet('w/before', Buffer.from('0'), 0);
      const events: DcsEvent[] = [];
      const unwatch = await dcs.watch('w/', (e) => events.push(e));
      const writes = [];
      for (let i = 0; i < 20; i++) writes.push(dcs.compareAndSet(`w/${i % 5}`, Buffer.from(String(i)), 0));
      const results = await Promise.all(writes);
      const listed = await dcs.list('w/');
      await dcs.compareAndSet('other/x', Buffer.from('ignored'), 0);
      const a = listed.find((e) => e.key === 'w/0')!;
      await dcs.compareAndSet('w/0', Buffer.from('last'), a.version);
      await dcs.compareAndDelete('w/before', listed.find((e) => e.key === 'w/before')!.version);
      // 5 creates won (one per key), then an update and a delete.
      await waitFor(() => events.length >= 7);
      expect(results.filter((r) => r.ok)).toHaveLength(5);
      expect(events.map((e) => e.version)).toEqual([...events.map((e) => e.version)].sort((x, y) => x - y));
      expect(new Set(events.map((e) => e.version)).size).toBe(events.length);
      expect(events.every((e) => e.key.startsWith('w/'))).toBe(true);
      // The list plus the events, applied by version, give the store's state.
      expect(replay(listed, events)).toEqual(byKey(await dcs.list('w/')));
      expect(events.at(-1)).toMatchObject({ type: 'delete', key: 'w/before' });
      unwatch();
      await dcs.compareAndSet('w/after', Buffer.from('x'), 0);
      const seen = events.length;
      // Proof the unsubscribed listener stays quiet: a second watch sees a later write, the first does not.
      const second: DcsEvent[] = [];
      const unwatch2 = await dcs.watch('w/', (e) => second.push(e));
      await dcs.compareAndSet('w/after2', Buffer.from('x'), 0);
      await waitFor(() => second.length >= 1);
      expect(events.length).toBe(seen);
      unwatch2();
    });

    it('a key written with a session goes when the session is closed', async () => {
      const dcs = await store();
      const session = await dcs.openSession(5_000);
      expect(session.id).toMatch(/^\d+$/);
      expect(session.ttlMs).toBeGreaterThanOrEqual(5_000);
      expect(session.lost.aborted).toBe(false);
      const events: DcsEvent[] = [];
      const unwatch = await dcs.watch('brokers/', (e) => events.push(e));
      const reg = await dcs.compareAndSet('brokers/1', Buffer.from('b1'), 0, { session });
      const kept = await dcs.compareAndSet('brokers/persistent', Buffer.from('p'), 0);
      // Rewriting an ephemeral key under the same session keeps it ephemeral.
      const reg2 = await dcs.compareAndSet('brokers/1', Buffer.from('b1 again'), reg.version, { session });
      expect(reg2.ok).toBe(true);
      // An ephemeral key rewritten without a session becomes persistent.
      const moved = await dcs.compareAndSet('brokers/2', Buffer.from('b2'), 0, { session });
      await dcs.compareAndSet('brokers/2', Buffer.from('b2 kept'), moved.version);
      await session.close();
      await session.close(); // idempotent
      expect(session.lost.aborted).toBe(false); // closing is not losing
      expect(await dcs.get('brokers/1')).toBeNull();
      expect((await dcs.get('brokers/2'))?.value.toString()).toBe('b2 kept');
      expect((await dcs.get('brokers/persistent'))?.version).toBe(kept.version);
      await waitFor(() => events.some((e) => e.type === 'delete'));
      const deleted = events.filter((e) => e.type === 'delete');
      expect(deleted.map((e) => e.key)).toEqual(['brokers/1']);
      expect(deleted[0]!.version).toBeGreaterThan(reg2.version);
      // A closed session cannot write.
      await expect(dcs.compareAndSet('brokers/3', Buffer.from('x'), 0, { session })).rejects.toBeInstanceOf(
        DcsSessionEndedError,
      );
      expect(await dcs.get('brokers/3')).toBeNull();
      unwatch();
    });

    it('guards and sessions combine: the controller pattern', async () => {
      const dcs = await store();
      const session = await dcs.openSession(5_000);
      const mine = await dcs.compareAndSet('controller', Buffer.from('1'), 0, { session });
      const rival = await dcs.compareAndSet('controller', Buffer.from('2'), 0);
      expect(rival).toEqual({ ok: false, version: mine.version });
      const guard = { key: 'controller', version: mine.version };
      expect((await dcs.compareAndSet('topics/t', Buffer.from('t'), 0, { guard })).ok).toBe(true);
      await session.close();
      // The controller key went with the session: writes guarded by it can no longer land.
      expect(await dcs.compareAndSet('topics/u', Buffer.from('u'), 0, { guard })).toEqual({
        ok: false,
        version: 0,
        guardFailed: true,
      });
    });

    it('concurrent creates of one key: exactly one wins', async () => {
      const dcs = await store();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => dcs.compareAndSet('race', Buffer.from(String(i)), 0)),
      );
      const winners = results.filter((r) => r.ok);
      expect(winners).toHaveLength(1);
      for (const r of results) expect(r.version).toBe(winners[0]!.version);
    });

    it('rejects invalid keys, versions and TTLs', async () => {
      const dcs = await store();
      await expect(dcs.compareAndSet('/abs', Buffer.from('x'), 0)).rejects.toThrow(/invalid DCS key/);
      await expect(dcs.compareAndSet('a//b', Buffer.from('x'), 0)).rejects.toThrow(/invalid DCS key/);
      await expect(dcs.get('spaces are bad')).rejects.toThrow(/invalid DCS key/);
      await expect(dcs.compareAndSet('a', Buffer.from('x'), -1)).rejects.toThrow(/invalid DCS version/);
      await expect(
        dcs.compareAndSet('a', Buffer.from('x'), 0, { guard: { key: '', version: 0 } }),
      ).rejects.toThrow(/invalid DCS key/);
      await expect(dcs.openSession(10)).rejects.toThrow(/session TTL/);
    });
  });
}

/** When, and why, a session reports itself lost. */
export function lostAt(session: DcsSession): Promise<{ atMs: number; reason: unknown }> {
  return new Promise((resolve) =>
    session.lost.addEventListener(
      'abort',
      () => resolve({ atMs: performance.now(), reason: session.lost.reason }),
      { once: true },
    ),
  );
}

/** Polls `condition` until it holds; fails after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${condition}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Key -> [value, version], as a store listing gives them. */
export function byKey(entries: VersionedValue[]): Map<string, [string, number]> {
  return new Map(entries.map((e) => [e.key, [e.value.toString(), e.version]]));
}

/** Applies events to a listing the way a watcher must: only changes newer than what is known. */
export function replay(listed: VersionedValue[], events: DcsEvent[]): Map<string, [string, number]> {
  const state = byKey(listed);
  const tombstones = new Map<string, number>();
  for (const e of events) {
    const known = Math.max(state.get(e.key)?.[1] ?? 0, tombstones.get(e.key) ?? 0);
    if (e.version <= known) continue;
    if (e.type === 'delete') {
      state.delete(e.key);
      tombstones.set(e.key, e.version);
    } else state.set(e.key, [e.value.toString(), e.version]);
  }
  return new Map([...state].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * A watch whose connection is cut while keys change (an update, a create and a delete) resumes from the
 * last delivered version once the link is back: every change arrives once, in order, with its version.
 * `watched` reaches the store through a link the test can cut; it logs 'DCS watch interrupted; reopening'
 * (into `warnings`) when it notices; `writer` writes directly.
 */
export async function expectWatchResumesAfterCut(
  watched: Dcs,
  writer: Dcs,
  link: { cut(): void; restore(): void },
  warnings: string[],
): Promise<void> {
  const events: DcsEvent[] = [];
  await watched.watch('w/', (e) => events.push(e));
  const w1 = await writer.compareAndSet('w/1', Buffer.from('1'), 0);
  await waitFor(() => events.length === 1);
  link.cut();
  const w2 = await writer.compareAndSet('w/2', Buffer.from('2'), 0);
  const w1b = await writer.compareAndSet('w/1', Buffer.from('1b'), w1.version);
  await writer.compareAndDelete('w/2', w2.version);
  await waitFor(() => warnings.includes('DCS watch interrupted; reopening'));
  link.restore();
  await waitFor(() => events.length >= 4);
  const w3 = await writer.compareAndSet('w/3', Buffer.from('3'), 0);
  await waitFor(() => events.length >= 5);
  expect(events.map((e) => `${e.type}:${e.key}:${e.type === 'put' ? e.value.toString() : ''}`)).toEqual([
    'put:w/1:1',
    'put:w/2:2',
    'put:w/1:1b',
    'delete:w/2:',
    'put:w/3:3',
  ]);
  expect(events[2]!.version).toBe(w1b.version);
  expect(events[4]!.version).toBe(w3.version);
  expect(events.map((e) => e.version)).toEqual([...events.map((e) => e.version)].sort((x, y) => x - y));
}

/**
 * A watch cut off while its history is compacted away (etcd compaction; Kubernetes answers 410 Gone)
 * lists again once the link is back and reports the difference as events: the changed and new keys as
 * puts, the deleted one as a delete, nothing for a key created and deleted meanwhile or left alone.
 * Then it watches on. `compact` discards the history written while the link was cut.
 */
export async function expectWatchRelistsAfterCompaction(
  watched: Dcs,
  writer: Dcs,
  link: { cut(): void; restore(): void },
  compact: () => Promise<void>,
): Promise<void> {
  const keep = await writer.compareAndSet('c/keep', Buffer.from('k'), 0);
  const change = await writer.compareAndSet('c/change', Buffer.from('old'), 0);
  const gone = await writer.compareAndSet('c/gone', Buffer.from('g'), 0);
  const before = await watched.list('c/');
  const events: DcsEvent[] = [];
  await watched.watch('c/', (e) => events.push(e));
  link.cut();
  await writer.compareAndSet('c/change', Buffer.from('new'), change.version);
  await writer.compareAndDelete('c/gone', gone.version);
  const temp = await writer.compareAndSet('c/temp', Buffer.from('t'), 0);
  await writer.compareAndDelete('c/temp', temp.version);
  await writer.compareAndSet('c/new', Buffer.from('n'), 0);
  await compact();
  link.restore();
  await waitFor(() => events.length >= 3, 15_000);
  expect(events.map((e) => `${e.type}:${e.key}`)).toEqual(['put:c/change', 'put:c/new', 'delete:c/gone']);
  expect(replay(before, events)).toEqual(byKey(await writer.list('c/')));
  expect((await writer.get('c/keep'))?.version).toBe(keep.version);
  await writer.compareAndSet('c/after', Buffer.from('a'), 0);
  await waitFor(() => events.length >= 4);
  expect(events[3]).toMatchObject({ type: 'put', key: 'c/after' });
}

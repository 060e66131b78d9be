import { Etcd3 } from 'etcd3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  describeDcsContract,
  expectWatchRelistsAfterCompaction,
  expectWatchResumesAfterCut,
  lostAt,
  waitFor,
} from '../../../test/helpers/dcs-contract.js';
import { type EtcdServer, startEtcd, startTcpProxy, type TcpProxy } from '../../../test/helpers/etcd.js';
import { type DcsEvent, DcsSessionEndedError } from '../dcs.js';
import { openDcs } from '../index.js';
import { EtcdDcs, type EtcdDcsOptions, rootOf } from './etcd-dcs.js';

let etcd: EtcdServer;
/** A client of the same etcd outside the store under test: revokes leases, compacts, reads raw keys. */
let raw: Etcd3;
let prefixes = 0;
const freshPrefix = () => `/tributary/test-${process.pid}-${++prefixes}/`;

beforeAll(async () => {
  etcd = await startEtcd();
  raw = new Etcd3({ hosts: etcd.endpoints });
});
afterAll(async () => {
  raw?.close();
  await etcd?.stop();
});

describeDcsContract('etcd', () => EtcdDcs.open({ endpoints: etcd.endpoints, prefix: freshPrefix() }));

describe('EtcdDcs', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const open = async (options: Partial<EtcdDcsOptions> = {}): Promise<EtcdDcs> => {
    const dcs = await EtcdDcs.open({ endpoints: etcd.endpoints, prefix: freshPrefix(), ...options });
    cleanups.push(() => dcs.close());
    return dcs;
  };
  const proxy = async (): Promise<TcpProxy> => {
    const p = await startTcpProxy(etcd.clientPort);
    cleanups.push(() => p.close());
    return p;
  };

  it('openDcs picks the etcd backend', async () => {
    const dcs = await openDcs({ kind: 'etcd', endpoints: etcd.endpoints, prefix: freshPrefix() });
    cleanups.push(() => dcs.close());
    expect(dcs.kind).toBe('etcd');
    expect((await dcs.compareAndSet('cluster/id', Buffer.from('c'), 0)).ok).toBe(true);
  });

  it('keeps keys under its prefix, so clusters sharing an etcd do not see each other', async () => {
    const a = await open({ prefix: '/tributary/iso-a/' });
    const b = await open({ prefix: '/tributary/iso-ab/' }); // a prefix that extends a's name, not a's path
    const seenByA: DcsEvent[] = [];
    await a.watch('', (e) => seenByA.push(e));
    await b.compareAndSet('topics/t', Buffer.from('b'), 0);
    await a.compareAndSet('topics/t', Buffer.from('a'), 0);
    await waitFor(() => seenByA.length >= 1);
    expect(seenByA.map((e) => e.type === 'put' && e.value.toString())).toEqual(['a']);
    expect((await a.list('')).map((e) => e.value.toString())).toEqual(['a']);
    expect((await b.get('topics/t'))?.value.toString()).toBe('b');
    const rawKeys = await raw.getAll().prefix('/tributary/iso-a').keys();
    expect(rawKeys.sort()).toEqual(['/tributary/iso-a/topics/t', '/tributary/iso-ab/topics/t']);
    await raw.delete().prefix('/tributary/iso-a');
  });

  it('two clients racing for one key: exactly one wins, and the losers learn its version', async () => {
    const prefix = freshPrefix();
    const a = await open({ prefix });
    const b = await open({ prefix });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 === 0 ? a : b).compareAndSet('controller', Buffer.from(String(i)), 0),
      ),
    );
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    expect(new Set(results.map((r) => r.version))).toEqual(new Set([winners[0]!.version]));
    // Two updaters holding the same version: one wins again.
    const v = winners[0]!.version;
    const round2 = await Promise.all([
      a.compareAndSet('controller', Buffer.from('a'), v),
      b.compareAndSet('controller', Buffer.from('b'), v),
    ]);
    expect(round2.filter((r) => r.ok)).toHaveLength(1);
  });

  it('a lease revoked by someone else: `lost` fires, the key is gone, and the session cannot write', async () => {
    const prefix = freshPrefix();
    const dcs = await open({ prefix });
    const other = await open({ prefix });
    const session = await dcs.openSession(2_000);
    await dcs.compareAndSet('brokers/1', Buffer.from('b1'), 0, { session });
    const lost = lostAt(session);
    await raw.leaseClient.leaseRevoke({ ID: session.id });
    const { reason } = await lost;
    expect(reason).toBeInstanceOf(DcsSessionEndedError);
    expect(await other.get('brokers/1')).toBeNull();
    await expect(dcs.compareAndSet('brokers/1', Buffer.from('again'), 0, { session })).rejects.toBeInstanceOf(
      DcsSessionEndedError,
    );
    // A new session works as before.
    const next = await dcs.openSession(2_000);
    expect((await dcs.compareAndSet('brokers/1', Buffer.from('again'), 0, { session: next })).ok).toBe(true);
  });

  it('etcd refuses a write under a lease it no longer has, and the session is then lost', async () => {
    const dcs = await open();
    const session = await dcs.openSession(30_000); // renewals 10 s apart: the write finds out first
    const lost = lostAt(session);
    await raw.leaseClient.leaseRevoke({ ID: session.id });
    await expect(dcs.compareAndSet('brokers/1', Buffer.from('x'), 0, { session })).rejects.toBeInstanceOf(
      DcsSessionEndedError,
    );
    await lost;
    expect(await dcs.get('brokers/1')).toBeNull();
  });

  it('a process paused past its TTL (SIGSTOP, a long GC) finds its session lost and its keys gone', async () => {
    const prefix = freshPrefix();
    const dcs = await open({ prefix });
    const other = await open({ prefix });
    const session = await dcs.openSession(2_000);
    expect(session.ttlMs).toBe(2_000);
    await dcs.compareAndSet('controller', Buffer.from('me'), 0, { session });
    const lost = lostAt(session);
    // Stop this thread (timers, keepalives, I/O) as a SIGSTOP would, for longer than the TTL.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, session.ttlMs + 1_500);
    // The first thing the process does after it "continues" is notice; a guarded write must not land.
    await expect(dcs.compareAndSet('topics/x', Buffer.from('x'), 0, { session })).rejects.toBeInstanceOf(
      DcsSessionEndedError,
    );
    expect(session.lost.aborted).toBe(true);
    await lost;
    await waitFor(async () => (await other.get('controller')) === null);
  });

  it('keepalives that cannot reach etcd: `lost` fires by the local clock, before etcd drops the key', async () => {
    const prefix = freshPrefix();
    const link = await proxy();
    const warnings: string[] = [];
    const dcs = await open({
      prefix,
      endpoints: [link.endpoint],
      logger: { warn: (_d, m) => warnings.push(m) },
    });
    const other = await open({ prefix });
    const session = await dcs.openSession(2_000);
    await dcs.compareAndSet('brokers/1', Buffer.from('b1'), 0, { session });
    let deletedAtMs = 0;
    await other.watch('brokers/', (e) => {
      if (e.type === 'delete') deletedAtMs = performance.now();
    });
    const lost = lostAt(session);
    link.cut();
    const { atMs, reason } = await lost;
    expect((reason as Error).message).toMatch(/not renewed before its TTL ran out/);
    expect(warnings.some((w) => w.includes('DCS session lost'))).toBe(true);
    // etcd expires the lease on its own clock, from its last renewal: never before the holder knows.
    await waitFor(() => deletedAtMs > 0);
    expect(atMs).toBeLessThan(deletedAtMs);
    link.restore();
    expect(await other.get('brokers/1')).toBeNull();
  });

  it('a watch whose connection drops resumes from the last delivered revision: nothing lost or repeated', async () => {
    const prefix = freshPrefix();
    const link = await proxy();
    const warnings: string[] = [];
    const watched = await open({
      prefix,
      endpoints: [link.endpoint],
      logger: { warn: (_d, m) => warnings.push(m) },
    });
    const writer = await open({ prefix });
    await expectWatchResumesAfterCut(watched, writer, link, warnings);
  });

  it('a watch that missed compacted revisions re-lists and reports the difference', async () => {
    const prefix = freshPrefix();
    const link = await proxy();
    const watched = await open({ prefix, endpoints: [link.endpoint] });
    const writer = await open({ prefix });
    await expectWatchRelistsAfterCompaction(watched, writer, link, async () => {
      const { header } = await raw.kv.range({ key: Buffer.from('/') });
      await raw.kv.compact({ revision: header.revision, physical: true });
    });
  });

  it('a dead endpoint among several is skipped', async () => {
    const dead = await proxy();
    dead.cut();
    const dcs = await open({ endpoints: [dead.endpoint, ...etcd.endpoints] });
    const events: DcsEvent[] = [];
    await dcs.watch('', (e) => events.push(e));
    const session = await dcs.openSession(2_000);
    let version = 0;
    for (let i = 0; i < 10; i++) {
      const r = await dcs.compareAndSet('k', Buffer.from(String(i)), version, { session });
      expect(r.ok).toBe(true);
      version = r.version;
    }
    await waitFor(() => events.length === 10);
    expect(session.lost.aborted).toBe(false);
  });

  it('open() gives up after the dial timeout when no endpoint answers', async () => {
    const dead = await proxy();
    dead.cut();
    const started = Date.now();
    await expect(
      EtcdDcs.open({ endpoints: [dead.endpoint], prefix: '/t/', dialTimeoutMs: 500 }),
    ).rejects.toThrow(/did not answer within 500 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses bad options', async () => {
    await expect(EtcdDcs.open({ endpoints: [], prefix: '/t/' })).rejects.toThrow(/at least one endpoint/);
    for (const prefix of ['', '/', 'a//b', 'sp ace', '../x/']) {
      await expect(EtcdDcs.open({ endpoints: etcd.endpoints, prefix })).rejects.toThrow(
        /invalid etcd key prefix/,
      );
    }
    expect(['tributary/prod', '/tributary/prod', '/tributary/prod/', 'tributary'].map(rootOf)).toEqual([
      '/tributary/prod/',
      '/tributary/prod/',
      '/tributary/prod/',
      '/tributary/',
    ]);
    await expect(EtcdDcs.open({ endpoints: ['not a url'], prefix: '/t/' })).rejects.toThrow(
      /invalid etcd endpoint/,
    );
  });

  it('close() revokes open sessions, so their keys go at once', async () => {
    const prefix = freshPrefix();
    const dcs = await EtcdDcs.open({ endpoints: etcd.endpoints, prefix });
    const other = await open({ prefix });
    const session = await dcs.openSession(30_000);
    await dcs.compareAndSet('brokers/9', Buffer.from('9'), 0, { session });
    await dcs.close();
    expect(await other.get('brokers/9')).toBeNull();
    await expect(dcs.get('brokers/9')).rejects.toThrow(/closed/);
  });
});

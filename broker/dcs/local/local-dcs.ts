import { closeSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../../../kit/atomic-file.js';
import { CheckedDcs } from '../checked-dcs.js';
import {
  type CasResult,
  casFailure,
  type DcsEvent,
  type DcsGuard,
  type DcsSession,
  DcsSessionEndedError,
  deliver,
  type VersionedValue,
} from '../dcs.js';

interface StoredEntry {
  value: string; // base64
  version: number;
  /**
   * Set on an ephemeral key: the id of the session that wrote it. The key is removed when that session
   * ends, and at open, since the process that owned the session is gone (it crashed, or was killed).
   */
  session?: string;
}

interface StoredDocument {
  format: 1;
  /** Highest version ever handed out; versions are unique across keys, like etcd's revisions. */
  revision: number;
  entries: Record<string, StoredEntry>;
}

/**
 * The `local` DCS backend: one JSON document (`metadata.json` in the metadata directory), for a single
 * broker. Each change rewrites the document to a temporary file, fsyncs it, renames it over the old one
 * and fsyncs the directory, so a crash leaves either the old or the new document, never a torn one.
 * A `LOCK` file holding the owner's pid keeps a second process from opening the same directory.
 *
 * Document: `{"format":1,"revision":N,"entries":{"<key>":{"value":"<base64>","version":V,"session":"S"?}}}`;
 * `session` marks an ephemeral key and names the session that wrote it.
 *
 * Sessions live as long as this process: with one process there is nobody to notice it stopped, so a
 * session is never lost (its `lost` signal never fires) and ends only by `close()`, which removes its
 * keys in one revision. Ephemeral keys a previous process left behind are removed at open.
 */
export class LocalDcs extends CheckedDcs<LocalSession> {
  readonly kind = 'local';
  private readonly file: string;
  private readonly lockFile: string;
  private doc: StoredDocument;
  private readonly watchers = new Set<{ prefix: string; listener: (event: DcsEvent) => void }>();
  private readonly sessions = new Map<string, LocalSession>();
  private sessionsOpened = 0;

  private constructor(
    readonly dir: string,
    doc: StoredDocument,
  ) {
    super();
    this.file = join(dir, 'metadata.json');
    this.lockFile = join(dir, 'LOCK');
    this.doc = doc;
  }

  static async open(dir: string): Promise<LocalDcs> {
    await mkdir(dir, { recursive: true });
    acquireLock(join(dir, 'LOCK'));
    try {
      let doc: StoredDocument = { format: 1, revision: 0, entries: {} };
      let text: string | undefined;
      try {
        text = readFileSync(join(dir, 'metadata.json'), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      if (text !== undefined) doc = parseDocument(text, join(dir, 'metadata.json'));
      const dcs = new LocalDcs(dir, doc);
      dcs.dropOrphanedEphemeralKeys();
      return dcs;
    } catch (err) {
      unlinkSync(join(dir, 'LOCK'));
      throw err;
    }
  }

  protected async getKey(key: string): Promise<VersionedValue | null> {
    const e = this.doc.entries[key];
    return e === undefined ? null : { key, value: Buffer.from(e.value, 'base64'), version: e.version };
  }

  protected async listPrefix(prefix: string): Promise<VersionedValue[]> {
    return Object.keys(this.doc.entries)
      .filter((k) => k.startsWith(prefix))
      .sort()
      .map((k) => {
        const e = this.doc.entries[k]!;
        return { key: k, value: Buffer.from(e.value, 'base64'), version: e.version };
      });
  }

  protected async setIfVersion(
    key: string,
    value: Buffer,
    expectedVersion: number,
    guard: DcsGuard | undefined,
    session: LocalSession | undefined,
  ): Promise<CasResult> {
    const current = this.versionOf(key);
    const keyOk = current === expectedVersion;
    if (!keyOk || !this.guardHolds(guard)) return casFailure(current, keyOk);
    const version = this.doc.revision + 1;
    const entry: StoredEntry = { value: value.toString('base64'), version };
    if (session !== undefined) entry.session = session.id;
    this.persist({ ...this.doc, revision: version, entries: { ...this.doc.entries, [key]: entry } });
    this.emit({ type: 'put', key, value, version });
    return { ok: true, version };
  }

  protected async deleteIfVersion(
    key: string,
    expectedVersion: number,
    guard: DcsGuard | undefined,
  ): Promise<CasResult> {
    const current = this.versionOf(key);
    const keyOk = current !== 0 && current === expectedVersion;
    if (!keyOk || !this.guardHolds(guard)) return casFailure(current, keyOk);
    const version = this.doc.revision + 1;
    const entries = { ...this.doc.entries };
    delete entries[key];
    this.persist({ ...this.doc, revision: version, entries });
    this.emit({ type: 'delete', key, version });
    return { ok: true, version: 0 };
  }

  protected async subscribe(prefix: string, listener: (event: DcsEvent) => void): Promise<() => void> {
    // Live at once: changes are emitted synchronously by the writer, in this process.
    const w = { prefix, listener };
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }

  protected async startSession(ttlMs: number): Promise<DcsSession> {
    this.sessionsOpened += 1;
    const session = new LocalSession(String(this.sessionsOpened), ttlMs, (s) => this.endSession(s));
    this.sessions.set(session.id, session);
    return session;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    for (const session of [...this.sessions.values()]) this.endSession(session);
    this.closed = true;
    this.watchers.clear();
    try {
      unlinkSync(this.lockFile);
    } catch {
      // Already gone: nothing to release.
    }
  }

  private versionOf(key: string): number {
    return this.doc.entries[key]?.version ?? 0;
  }

  private guardHolds(guard: DcsGuard | undefined): boolean {
    if (guard === undefined) return true;
    return this.versionOf(guard.key) === guard.version;
  }

  protected liveSession(session: DcsSession): LocalSession {
    const live = this.sessions.get(session.id);
    if (live === undefined || live !== session) throw new DcsSessionEndedError(session.id, 'closed');
    return live;
  }

  /** Removes the session's keys in one revision, as etcd does when it revokes a lease. */
  private endSession(session: LocalSession): void {
    if (this.sessions.get(session.id) !== session) return;
    this.sessions.delete(session.id);
    const keys = Object.keys(this.doc.entries)
      .filter((k) => this.doc.entries[k]!.session === session.id)
      .sort();
    if (keys.length === 0) return;
    const version = this.doc.revision + 1;
    const entries = { ...this.doc.entries };
    for (const k of keys) delete entries[k];
    this.persist({ ...this.doc, revision: version, entries });
    for (const key of keys) this.emit({ type: 'delete', key, version });
  }

  private dropOrphanedEphemeralKeys(): void {
    const entries = Object.fromEntries(
      Object.entries(this.doc.entries).filter(([, e]) => e.session === undefined),
    );
    if (Object.keys(entries).length === Object.keys(this.doc.entries).length) return;
    this.persist({ ...this.doc, revision: this.doc.revision + 1, entries });
  }

  private persist(next: StoredDocument): void {
    // Synchronous on purpose: metadata changes are rare, and a change must be durable before it is visible.
    writeFileAtomicSync(this.file, JSON.stringify(next));
    this.doc = next;
  }

  private emit(event: DcsEvent): void {
    for (const w of this.watchers) {
      if (event.key.startsWith(w.prefix)) deliver(w.listener, event);
    }
  }
}

class LocalSession implements DcsSession {
  /** Never aborted: see LocalDcs. */
  readonly lost: AbortSignal = new AbortController().signal;

  constructor(
    readonly id: string,
    readonly ttlMs: number,
    private readonly end: (session: LocalSession) => void,
  ) {}

  async close(): Promise<void> {
    this.end(this);
  }
}

/** Checks a document after reading it: a bad one stops the broker rather than serving wrong metadata. */
function parseDocument(text: string, file: string): StoredDocument {
  const doc = JSON.parse(text) as StoredDocument;
  const bad = (why: string) => new Error(`${file} is not a Tributary metadata document: ${why}`);
  if (doc === null || typeof doc !== 'object' || doc.format !== 1) throw bad('unknown format');
  if (!Number.isSafeInteger(doc.revision) || doc.revision < 0) throw bad('bad revision');
  if (doc.entries === null || typeof doc.entries !== 'object') throw bad('no entries');
  for (const [key, e] of Object.entries(doc.entries)) {
    if (typeof e?.value !== 'string' || !Number.isSafeInteger(e.version) || e.version < 1) {
      throw bad(`bad entry ${JSON.stringify(key)}`);
    }
    if (e.version > doc.revision) throw bad(`entry ${JSON.stringify(key)} is newer than the document`);
    if (e.session !== undefined && typeof e.session !== 'string')
      throw bad(`bad session on ${JSON.stringify(key)}`);
  }
  return doc;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates `lockFile` holding our pid; takes over a lock whose owner is gone (after kill -9). */
function acquireLock(lockFile: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
      if (Number.isInteger(owner) && pidAlive(owner)) {
        throw new Error(`data directory is in use by process ${owner} (${lockFile})`);
      }
      unlinkSync(lockFile);
    }
  }
  throw new Error(`cannot lock ${lockFile}`);
}

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { assertValidKey, type CasResult, type Dcs, type DcsEvent, type VersionedValue } from './dcs.js';

interface StoredEntry {
  value: string; // base64
  version: number;
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
 */
export class LocalDcs implements Dcs {
  private readonly file: string;
  private readonly lockFile: string;
  private doc: StoredDocument;
  private readonly watchers = new Set<{ prefix: string; listener: (event: DcsEvent) => void }>();
  private closed = false;

  private constructor(
    private readonly dir: string,
    doc: StoredDocument,
  ) {
    this.file = join(dir, 'metadata.json');
    this.lockFile = join(dir, 'LOCK');
    this.doc = doc;
  }

  static async open(dir: string): Promise<LocalDcs> {
    await mkdir(dir, { recursive: true });
    acquireLock(join(dir, 'LOCK'));
    let doc: StoredDocument = { format: 1, revision: 0, entries: {} };
    let text: string | undefined;
    try {
      text = readFileSync(join(dir, 'metadata.json'), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text !== undefined) {
      const parsed = JSON.parse(text) as StoredDocument;
      if (parsed.format !== 1 || typeof parsed.revision !== 'number' || typeof parsed.entries !== 'object') {
        throw new Error(`${join(dir, 'metadata.json')} is not a Tributary metadata document`);
      }
      doc = parsed;
    }
    return new LocalDcs(dir, doc);
  }

  async get(key: string): Promise<VersionedValue | null> {
    this.assertOpen();
    assertValidKey(key);
    const e = this.doc.entries[key];
    return e === undefined ? null : { key, value: Buffer.from(e.value, 'base64'), version: e.version };
  }

  async list(prefix: string): Promise<VersionedValue[]> {
    this.assertOpen();
    return Object.keys(this.doc.entries)
      .filter((k) => k.startsWith(prefix))
      .sort()
      .map((k) => {
        const e = this.doc.entries[k]!;
        return { key: k, value: Buffer.from(e.value, 'base64'), version: e.version };
      });
  }

  async compareAndSet(key: string, value: Buffer, expectedVersion: number): Promise<CasResult> {
    this.assertOpen();
    assertValidKey(key);
    const current = this.doc.entries[key]?.version ?? 0;
    if (current !== expectedVersion) return { ok: false, version: current };
    const version = this.doc.revision + 1;
    const next: StoredDocument = {
      ...this.doc,
      revision: version,
      entries: { ...this.doc.entries, [key]: { value: value.toString('base64'), version } },
    };
    this.persist(next);
    this.emit({ type: 'put', key, value, version });
    return { ok: true, version };
  }

  async compareAndDelete(key: string, expectedVersion: number): Promise<CasResult> {
    this.assertOpen();
    assertValidKey(key);
    const current = this.doc.entries[key]?.version ?? 0;
    if (current === 0 || current !== expectedVersion) return { ok: false, version: current };
    const version = this.doc.revision + 1;
    const entries = { ...this.doc.entries };
    delete entries[key];
    this.persist({ ...this.doc, revision: version, entries });
    this.emit({ type: 'delete', key, version });
    return { ok: true, version: 0 };
  }

  watch(prefix: string, listener: (event: DcsEvent) => void): () => void {
    const w = { prefix, listener };
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watchers.clear();
    try {
      unlinkSync(this.lockFile);
    } catch {
      // Already gone: nothing to release.
    }
  }

  private persist(next: StoredDocument): void {
    // Synchronous on purpose: metadata changes are rare, and a change must be durable before it is visible.
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeFileSync(fd, JSON.stringify(next));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    const dirFd = openSync(this.dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
    this.doc = next;
  }

  private emit(event: DcsEvent): void {
    for (const w of this.watchers) {
      if (event.key.startsWith(w.prefix)) w.listener(event);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the metadata store is closed');
  }
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

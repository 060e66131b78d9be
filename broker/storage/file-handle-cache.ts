import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';

interface Entry {
  path: string;
  opening: Promise<FileHandle>;
  handle: FileHandle | undefined;
  users: number;
}

/**
 * A bounded LRU of read-only file handles shared by every log, so thousands of segments never hold
 * thousands of descriptors. Handles in use are never closed under a reader: eviction skips them, and the
 * cache may then exceed its bound until they are released (it never blocks a read for a slot).
 * The active segment's write handle is owned by its segment, not by this cache.
 */
export class FileHandleCache {
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recently used.
  private readonly entries = new Map<string, Entry>();

  constructor(readonly maxOpenFiles: number) {
    if (!(Number.isSafeInteger(maxOpenFiles) && maxOpenFiles >= 1)) {
      throw new RangeError(`maxOpenFiles must be a positive integer, got ${maxOpenFiles}`);
    }
  }

  get openCount(): number {
    return this.entries.size;
  }

  /** Runs `fn` with a read handle on `path`; the handle stays open at least until `fn` settles. */
  async use<T>(path: string, fn: (handle: FileHandle) => Promise<T>): Promise<T> {
    let entry = this.entries.get(path);
    if (entry === undefined) {
      const opening = open(path, 'r');
      entry = { path, opening, handle: undefined, users: 0 };
      const created = entry;
      opening.then(
        (h) => {
          created.handle = h;
        },
        () => {
          if (this.entries.get(path) === created) this.entries.delete(path);
        },
      );
    } else {
      this.entries.delete(path);
    }
    this.entries.set(path, entry);
    entry.users++;
    try {
      this.evict();
      const handle = await entry.opening;
      return await fn(handle);
    } finally {
      entry.users--;
      if (this.entries.get(path) !== entry && entry.users === 0) await closeQuietly(entry);
      else this.evict();
    }
  }

  /** Closes and forgets the handle on `path` (before the file is deleted or truncated). */
  async invalidate(path: string): Promise<void> {
    const entry = this.entries.get(path);
    if (entry === undefined) return;
    this.entries.delete(path);
    if (entry.users === 0) await closeQuietly(entry);
  }

  /** Closes and forgets every handle under `dirPrefix`. */
  async invalidateUnder(dirPrefix: string): Promise<void> {
    // Match whole directories: "logs/t-1" must not take "logs/t-10" with it.
    const prefix = dirPrefix.endsWith('/') ? dirPrefix : `${dirPrefix}/`;
    const paths = [...this.entries.keys()].filter((p) => p.startsWith(prefix));
    await Promise.all(paths.map((p) => this.invalidate(p)));
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((p) => this.invalidate(p)));
  }

  private evict(): void {
    if (this.entries.size <= this.maxOpenFiles) return;
    for (const entry of this.entries.values()) {
      if (this.entries.size <= this.maxOpenFiles) break;
      if (entry.users > 0) continue;
      this.entries.delete(entry.path);
      void closeQuietly(entry);
    }
  }
}

async function closeQuietly(entry: Entry): Promise<void> {
  try {
    const handle = await entry.opening;
    await handle.close();
  } catch {
    // Opening failed (the user already saw that error) or the handle is already closed.
  }
}

import { open, readFile } from 'node:fs/promises';
import { isMissingFile } from './storage-error.js';

/** Reads a whole index file; `undefined` when it does not exist. */
export async function readIndexFile(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if (isMissingFile(err)) return undefined;
    throw err;
  }
}

/**
 * Brings an index file up to date with its in-memory entries: writes `bytes` from `fromByte` on and cuts
 * the file to `bytes.length`. Index files are only ever appended to or cut, so this is the whole sync.
 */
export async function writeIndexTail(
  path: string,
  bytes: Buffer,
  fromByte: number,
  sync: boolean,
): Promise<void> {
  const fh = await open(path, 'a+').then(async (h) => {
    await h.close();
    return open(path, 'r+');
  });
  try {
    if (fromByte < bytes.length) await fh.write(bytes, fromByte, bytes.length - fromByte, fromByte);
    const { size } = await fh.stat();
    if (size !== bytes.length) await fh.truncate(bytes.length);
    if (sync) await fh.datasync();
  } finally {
    await fh.close();
  }
}

/**
 * The lookup both indexes make: the position of the last of `count` entries, sorted by key, whose key
 * (`keyAt`) is <= `target`, by binary search; -1 when every key is greater.
 */
export function floorEntry(count: number, keyAt: (i: number) => number, target: number): number {
  let lo = 0;
  let hi = count - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (keyAt(mid) <= target) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

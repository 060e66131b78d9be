import { open, readFile } from 'node:fs/promises';
import { isNotFound } from './storage-error.js';

/** Reads a whole index file; `undefined` when it does not exist. */
export async function readIndexFile(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if (isNotFound(err)) return undefined;
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

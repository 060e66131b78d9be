/**
 * Disk faults for the fault suite: a torn write at the tail of a segment file, and a small filesystem
 * (tmpfs) that a broker's data directory lives on, so it can be filled up.
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanBatches } from '../../proto/codec/index.js';

/** The active (newest) segment file of a partition log directory. */
export function activeSegment(partitionDir: string): string {
  const logs = readdirSync(partitionDir)
    .filter((f) => f.endsWith('.log'))
    .sort();
  const last = logs.at(-1);
  if (last === undefined) throw new Error(`no segment in ${partitionDir}`);
  return join(partitionDir, last);
}

export type Tear =
  /** Cut the last batch in half: a write that reached the disk only partly. */
  | { kind: 'cut-last-batch' }
  /** Cut `batches` whole batches off the end and half of the one before: acknowledged data lost locally. */
  | { kind: 'cut-batches'; batches: number }
  /** Append bytes that are no batch: a write whose length made it to disk but not its content. */
  | { kind: 'garbage'; bytes: number };

export interface TearResult {
  file: string;
  sizeBefore: number;
  sizeAfter: number;
  /** The offset the log should recover to (the first offset the tear damaged). */
  validEndOffset: number;
}

/** Damages the tail of `file` (a segment of a stopped broker) as `tear` says. */
export function tearSegment(file: string, tear: Tear): TearResult {
  const buf = readFileSync(file);
  const batches = scanBatches(buf);
  if (batches.length < 2) throw new Error(`${file} has ${batches.length} batches, too few to tear`);
  const sizeBefore = buf.length;
  let validEndOffset = batches.at(-1)!.lastOffset + 1;
  if (tear.kind === 'garbage') {
    const fd = openSync(file, 'a');
    try {
      // Deterministic noise that does not parse as a batch (its length field is absurd).
      const noise = Buffer.alloc(tear.bytes, 0xa5);
      writeSync(fd, noise);
    } finally {
      closeSync(fd);
    }
  } else {
    const cut = tear.kind === 'cut-last-batch' ? 1 : Math.min(tear.batches + 1, batches.length - 1);
    const victim = batches[batches.length - cut]!;
    validEndOffset = victim.baseOffset;
    truncateSync(file, victim.position + Math.floor(victim.sizeBytes / 2));
  }
  return { file, sizeBefore, sizeAfter: statSync(file).size, validEndOffset };
}

/** The source name of the filesystems this helper mounts: `tributary-fault-<pid>`, to find leftovers. */
const MOUNT_SOURCE = /^tributary-fault-(\d+)$/;

/** A tmpfs of `sizeBytes` mounted on `dir` (which must exist and be empty). */
export function mountTmpfs(dir: string, sizeBytes: number): void {
  const source = `tributary-fault-${process.pid}`;
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, source, dir], { stdio: 'pipe' });
}

/** Unmounts what earlier runs, now ended, left mounted; answers those mount points. */
export function unmountLeftovers(): string[] {
  const dead = (pid: number) => {
    try {
      process.kill(pid, 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ESRCH';
    }
  };
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((f) => {
      const m = MOUNT_SOURCE.exec(f[0] ?? '');
      return m !== null && f[1] !== undefined && dead(Number(m[1]));
    })
    .map((f) => f[1]!);
  for (const dir of mounts) unmount(dir);
  return mounts;
}

/** Unmounts `dir` if something is mounted there; lazily if it is still busy. */
export function unmount(dir: string): void {
  if (!isMountPoint(dir)) return;
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  }
}

export function isMountPoint(dir: string): boolean {
  const mounts = readFileSync('/proc/self/mounts', 'utf8');
  return mounts.split('\n').some((line) => line.split(' ')[1] === dir);
}

/** Whether this process may mount a tmpfs (root, or a capable container); the reason when not. */
export function canMountTmpfs(): { ok: true } | { ok: false; reason: string } {
  const probeDir = mkdtempSync(join(tmpdir(), 'tributary-mount-probe-'));
  try {
    mountTmpfs(probeDir, 1024 * 1024);
    unmount(probeDir);
    return { ok: true };
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    return { ok: false, reason: stderr || (err as Error).message };
  } finally {
    rmSync(probeDir, { recursive: true, force: true });
  }
}

export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/** Writes a file of `bytes` (real pages, not a sparse hole) so the filesystem fills up. */
export function writeFiller(file: string, bytes: number): void {
  const chunk = Buffer.alloc(1024 * 1024, 0x5a);
  const fd = openSync(file, 'w');
  try {
    let left = bytes;
    while (left > 0) {
      const n = Math.min(left, chunk.length);
      writeSync(fd, chunk, 0, n);
      left -= n;
    }
  } finally {
    closeSync(fd);
  }
}

export function removeFiller(file: string): void {
  rmSync(file, { force: true });
}

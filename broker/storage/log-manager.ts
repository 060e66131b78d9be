import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TributaryError } from '../../proto/errors.js';
import { FileHandleCache } from './file-handle-cache.js';
import { type CompactionLimits, compactLog, dirtyBytes, readCleanerCheckpoint } from './log-cleaner.js';
import type { LogConfig } from './log-config.js';
import type { LoaderLogger } from './log-loader.js';
import { PartitionLog } from './partition-log.js';
import { storageError } from './storage-error.js';

export interface LogManagerOptions {
  dataDir: string;
  /** Read handles kept open across all logs (default broker setting 1024). */
  maxOpenFiles: number;
  /** How often to look for logs due a background fsync; default 100 ms. */
  flushCheckIntervalMs?: number;
  retentionCheckIntervalMs: number;
  /** How often recovery points are checkpointed; default 60 s, like Kafka's. */
  checkpointIntervalMs?: number;
  logger?: LoaderLogger;
  /** Log compaction (topics with cleanup.policy compact): how often to look, and the limits of a pass. */
  compaction?: {
    intervalMs: number;
    limits: CompactionLimits;
    /** The offset compaction must stay below for a partition (its high watermark); default: no limit. */
    uncleanableFrom?: (topic: string, partition: number) => number;
  };
}

/** Directories being deleted are renamed with this suffix first, so a crash midway is finished at open. */
const DELETING_SUFFIX = '.deleting';
/** Logs loaded (and recovered) in parallel at open: I/O bound, so a few more than the cores. */
const OPEN_CONCURRENCY = 4;

/** `<topic>-<partition>`; topics may contain '-' and '.', so the partition follows the last '-'. */
export function parseLogDirName(name: string): { topic: string; partition: number } | undefined {
  const dash = name.lastIndexOf('-');
  if (dash <= 0) return undefined;
  const digits = name.slice(dash + 1);
  if (!/^\d{1,9}$/.test(digits)) return undefined;
  return { topic: name.slice(0, dash), partition: Number(digits) };
}

/**
 * Owns every partition log under `dataDir` (one directory `<topic>-<partition>` each), the shared
 * FileHandleCache, and the background work: fsyncs for logs with a flushIntervalMs, recovery-point
 * checkpoints, retention and age-based rolls. One log's failure never stops the others.
 */
export class LogManager {
  private readonly logsByKey = new Map<string, { topic: string; partition: number; log: PartitionLog }>();
  private readonly files: FileHandleCache;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly lastFlushMs = new Map<PartitionLog, number>();
  private readonly busy = new Set<string>();
  private closed = false;

  constructor(private readonly opts: LogManagerOptions) {
    this.files = new FileHandleCache(opts.maxOpenFiles);
  }

  private key(topic: string, partition: number): string {
    return `${topic}-${partition}`;
  }

  async open(configFor: (topic: string) => LogConfig | undefined): Promise<void> {
    await mkdir(this.opts.dataDir, { recursive: true });
    const entries = await readdir(this.opts.dataDir, { withFileTypes: true });
    const toOpen: Array<{ name: string; topic: string; partition: number; config: LogConfig }> = [];
    for (const entry of entries) {
      const name = entry.name;
      // A partition log is always a directory; files here are the broker's own (the high-watermark
      // checkpoint `replication-offset-checkpoint`, its temporary copy while written), not strays.
      if (!entry.isDirectory()) continue;
      if (name.endsWith(DELETING_SUFFIX)) {
        await rm(join(this.opts.dataDir, name), { recursive: true, force: true });
        continue;
      }
      const parsed = parseLogDirName(name);
      const config = parsed === undefined ? undefined : configFor(parsed.topic);
      if (parsed === undefined || config === undefined) {
        this.opts.logger?.warn(
          { dir: name },
          'leaving alone a directory that is not a known topic partition',
        );
        continue;
      }
      toOpen.push({ name, ...parsed, config });
    }
    let next = 0;
    const worker = async () => {
      while (next < toOpen.length) {
        const item = toOpen[next++]!;
        const log = await PartitionLog.open(join(this.opts.dataDir, item.name), item.config, this.deps());
        this.logsByKey.set(this.key(item.topic, item.partition), {
          topic: item.topic,
          partition: item.partition,
          log,
        });
      }
    };
    await Promise.all(Array.from({ length: OPEN_CONCURRENCY }, worker));
  }

  private deps(): { files: FileHandleCache; logger?: LoaderLogger } {
    return this.opts.logger === undefined
      ? { files: this.files }
      : { files: this.files, logger: this.opts.logger };
  }

  get(topic: string, partition: number): PartitionLog | undefined {
    return this.logsByKey.get(this.key(topic, partition))?.log;
  }

  async create(topic: string, partition: number, config: LogConfig): Promise<PartitionLog> {
    if (this.closed) throw new TributaryError('BROKER_SHUTTING_DOWN', 'log manager is closed');
    if (!(Number.isSafeInteger(partition) && partition >= 0))
      throw new RangeError(`bad partition ${partition}`);
    if (topic.length === 0 || topic.includes('/') || topic === '.' || topic === '..') {
      throw new TributaryError(
        'INVALID_TOPIC_NAME',
        `topic name ${JSON.stringify(topic)} is not a directory name`,
      );
    }
    const key = this.key(topic, partition);
    const existing = this.logsByKey.get(key);
    if (existing !== undefined) return existing.log;
    const log = await PartitionLog.open(join(this.opts.dataDir, key), config, this.deps());
    const raced = this.logsByKey.get(key);
    if (raced !== undefined) {
      await log.close();
      return raced.log;
    }
    this.logsByKey.set(key, { topic, partition, log });
    return log;
  }

  async deleteTopic(topic: string): Promise<void> {
    const doomed = [...this.logsByKey.values()].filter((v) => v.topic === topic);
    for (const { partition } of doomed) await this.deletePartition(topic, partition);
  }

  /** Closes one partition's log and removes its directory (rename first, so a crash midway finishes at open). */
  async deletePartition(topic: string, partition: number): Promise<void> {
    const key = this.key(topic, partition);
    const entry = this.logsByKey.get(key);
    if (entry === undefined) return;
    const { log } = entry;
    this.logsByKey.delete(key);
    this.lastFlushMs.delete(log);
    await log.close().catch(() => undefined);
    await this.files.invalidateUnder(log.dir);
    try {
      const deleting = `${log.dir}${DELETING_SUFFIX}`;
      await rename(log.dir, deleting);
      await rm(deleting, { recursive: true, force: true });
    } catch (err) {
      throw storageError(err, `deleting ${log.dir}`);
    }
  }

  updateTopicConfig(topic: string, config: LogConfig): void {
    for (const { topic: t, log } of this.logsByKey.values()) if (t === topic) log.updateConfig(config);
  }

  *logs(): Iterable<{ topic: string; partition: number; log: PartitionLog }> {
    yield* this.logsByKey.values();
  }

  startBackgroundTasks(): void {
    if (this.closed || this.timers.length > 0) return;
    const every = (
      ms: number,
      name: string,
      task: (log: PartitionLog, nowMs: number) => Promise<unknown>,
    ) => {
      const timer = setInterval(() => void this.forEachLog(name, task), ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.opts.flushCheckIntervalMs ?? 100, 'flush', async (log, nowMs) => {
      const interval = log.currentConfig.flushIntervalMs;
      if (interval === 0) return;
      const last = this.lastFlushMs.get(log) ?? 0;
      if (nowMs - last < interval) return;
      this.lastFlushMs.set(log, nowMs);
      await log.flush();
    });
    every(this.opts.checkpointIntervalMs ?? 60_000, 'checkpoint', (log) => log.checkpoint());
    const compaction = this.opts.compaction;
    if (compaction !== undefined) {
      every(compaction.intervalMs, 'compaction', async (log, nowMs) => {
        const c = log.currentConfig;
        if (!c.cleanupPolicy.includes('compact')) return;
        const entry = [...this.logsByKey.values()].find((e) => e.log === log);
        if (entry === undefined) return;
        const { dirty, total } = dirtyBytes(log, await readCleanerCheckpoint(log.dir));
        if (total === 0 || dirty / total < c.minCleanableDirtyRatio) return;
        const limit = compaction.uncleanableFrom?.(entry.topic, entry.partition) ?? Number.POSITIVE_INFINITY;
        const r = await compactLog(log, this.files, compaction.limits, nowMs, limit);
        if (r.segmentsRewritten > 0) {
          this.opts.logger?.info({ topic: entry.topic, partition: entry.partition, ...r }, 'compacted log');
        }
      });
    }
    every(this.opts.retentionCheckIntervalMs, 'retention', async (log, nowMs) => {
      log.producers.expire(nowMs);
      await log.rollIfAged(nowMs);
      await log.enforceRetention(nowMs);
    });
  }

  /** Runs `task` on every log; skips a task still running from the previous tick; logs failures per log. */
  private async forEachLog(
    name: string,
    task: (log: PartitionLog, nowMs: number) => Promise<unknown>,
  ): Promise<void> {
    if (this.busy.has(name) || this.closed) return;
    this.busy.add(name);
    try {
      const nowMs = Date.now();
      for (const { topic, partition, log } of [...this.logsByKey.values()]) {
        try {
          await task(log, nowMs);
        } catch (err) {
          this.opts.logger?.warn({ topic, partition, task: name, err }, 'background storage task failed');
        }
      }
    } finally {
      this.busy.delete(name);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    const errors: unknown[] = [];
    await Promise.all(
      [...this.logsByKey.values()].map(({ log }) => log.close().catch((err: unknown) => errors.push(err))),
    );
    await this.files.closeAll();
    if (errors.length > 0) throw errors[0];
  }
}

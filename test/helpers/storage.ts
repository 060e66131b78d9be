import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileHandleCache } from '../../broker/storage/file-handle-cache.js';
import type { LogConfig } from '../../broker/storage/log-config.js';
import { DEFAULT_LOG_CONFIG } from '../../broker/storage/log-config.js';
import { PartitionLog } from '../../broker/storage/partition-log.js';
import { encodeRecordBatch } from '../../proto/codec/index.js';

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-storage-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function testConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, flushIntervalMs: 60_000, indexIntervalBytes: 256, ...overrides };
}

export function openLog(
  dir: string,
  config: LogConfig,
  files = new FileHandleCache(16),
): Promise<PartitionLog> {
  return PartitionLog.open(dir, config, { files });
}

/** A batch of `count` records whose values name their position, e.g. "v3.1". */
export function batch(count: number, tag: string | number, timestamp = 1_000, valueBytes = 10): Buffer {
  return encodeRecordBatch(
    Array.from({ length: count }, (_, i) => ({
      key: `k${i}`,
      value: `v${tag}.${i}`.padEnd(valueBytes, '.'),
      timestamp: timestamp + i,
    })),
  );
}

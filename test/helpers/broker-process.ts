import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrokerProcess, spawnBroker } from '../../cli/cluster/broker-process.js';

export type { BrokerProcess } from '../../cli/cluster/broker-process.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Tests run from sources but start the compiled broker (`npm test` builds dist/ first). */
export const CLI_ENTRY = join(REPO_ROOT, 'dist', 'cli', 'main.js');

/** Temporary directories made by makeDataDir, removed by removeDataDirs. */
const made = new Set<string>();

export function makeDataDir(prefix = 'tributary-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

export function removeDataDirs(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
}

/** A real broker process on 127.0.0.1 with a free port, in a fresh temporary data directory by default. */
export function startBroker(
  opts: { dataDir?: string; args?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<BrokerProcess> {
  return spawnBroker({ ...opts, dataDir: opts.dataDir ?? makeDataDir(), cliEntry: CLI_ENTRY });
}

import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type BrokerProcess, REPO_ROOT, removeDataDirs, startBroker } from '../helpers/broker-process.js';

let broker: BrokerProcess;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(async () => {
  await broker?.stop();
  removeDataDirs();
});

/**
 * The README's TypeScript example, run as written (it is plain JavaScript too): it imports
 * `tributary/client` by the package's own name, as a user's project would, from the built dist/.
 */
it("the README's TypeScript example runs against a broker", async () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Using it from TypeScript'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
  expect(code).toContain("from 'tributary/client'");
  const dir = join(REPO_ROOT, 'test-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'readme-example.mjs');
  writeFileSync(file, code.replace("'127.0.0.1:9292'", JSON.stringify(broker.address)));
  const { stdout } = await promisify(execFile)(process.execPath, [file], { timeout: 30_000 });
  expect(stdout.trim()).toMatch(/^\d+ 0 signed up$/);
});

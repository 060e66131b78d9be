#!/usr/bin/env node
// The `tributary` command: runs the compiled CLI in dist/.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('error: the CLI is not built: run `npm run build` first\n');
  process.exit(1);
}
await import(main.href);

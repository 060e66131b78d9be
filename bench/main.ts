/**
 * The benchmark lab's process entry (dist/bench/main.js): `tributary bench ...` runs it as a child
 * (cli/commands/bench.ts), `npm run bench -- ...` directly (hack/bench.sh). Argv is the CLI's: `bench`,
 * then a workload and its options. The lab sits above the CLI in the import graph (it uses the CLI's
 * program and process launchers; the CLI never imports it). See docs/architecture.md, "Components".
 */
import { processIo, run } from '../cli/program.js';
import { registerBenchCommands } from './commands.js';

process.exitCode = await run(process.argv, processIo, [registerBenchCommands]);

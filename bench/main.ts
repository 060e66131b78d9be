/**
 * The benchmark lab's process entry (dist/bench/main.js): `tributary bench ...` runs it as a child
 * (cli/commands/bench.ts), `npm run bench -- ...` directly (hack/bench.sh). Argv is the CLI's: `bench`,
 * then a workload and its options. The lab sits above the CLI in the import graph (it uses the CLI's
 * program and process launchers; the CLI never imports it). See docs/architecture.md, "Components".
 */
import { processIo, run } from '../cli/program.js';
import { startTracingSdk } from '../kit/tracing-sdk.js';
import { registerBenchCommands } from './commands.js';

// The SDK producers and consumers of the lab trace like an application's when OTEL_* asks for it (the
// brokers it starts inherit the variables): docs/benchmarks.md measures tracing's cost this way.
const tracing = await startTracingSdk('tributary-bench');
process.exitCode = await run(process.argv, processIo, [registerBenchCommands]);
await tracing?.shutdown();

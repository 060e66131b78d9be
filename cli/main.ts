/** The `tributary` process entry (bin/tributary.js imports the compiled form of this file). */
import { registerBenchCommand } from './commands/bench.js';
import { registerBrokerCommand } from './commands/broker.js';
import { processIo, run } from './program.js';

process.exitCode = await run(process.argv, processIo, [registerBrokerCommand, registerBenchCommand]);

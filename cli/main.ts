/**
 * The `tributary` process entry (bin/tributary.js imports the compiled form of this file). The broker,
 * cluster, operator and bench commands load only when they may run (`LazyCommand`): `tributary broker
 * start` then loads no operator code. The benchmark lab is never imported: `tributary bench` runs it as its
 * own process (commands/bench.ts), so no CLI command carries its peers' clients (nats).
 */
import { processIo, run } from './program.js';

process.exitCode = await run(
  process.argv,
  processIo,
  [],
  [
    { name: 'broker', load: async () => (await import('./commands/broker.js')).registerBrokerCommand },
    { name: 'bench', load: async () => (await import('./commands/bench.js')).registerBenchCommand },
    { name: 'cluster', load: async () => (await import('./commands/cluster.js')).registerClusterCommand },
    { name: 'operator', load: async () => (await import('./commands/operator.js')).registerOperatorCommand },
  ],
);

/**
 * The `tributary` process entry (bin/tributary.js imports the compiled form of this file). The broker and
 * bench commands load only when they may run (`LazyCommand`): `tributary broker start` then loads none of
 * the benchmarks or their peers' clients (nats), which an idle broker would otherwise carry.
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

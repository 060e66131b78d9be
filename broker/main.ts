import { startTracingSdk } from '../kit/tracing-sdk.js';
import { Broker } from './broker.js';
import type { BrokerConfig } from './config.js';
import { createLogger } from './logger.js';

/**
 * Runs a broker until SIGTERM or SIGINT, then stops it gracefully and exits 0 (1 if stopping failed).
 * A second signal exits at once. Prints a short how-to on stderr; logs are JSON on stdout.
 */
export async function runBroker(config: BrokerConfig, opts: { banner: boolean }): Promise<Broker> {
  const logger = createLogger(config.logLevel, { nodeId: config.nodeId });
  const tracing = await startTracingSdk('tributary-broker');
  if (tracing !== undefined) logger.info('tracing: exporting spans (OTEL_* variables)');
  const broker = await Broker.start(config, logger);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting without a clean stop');
      process.exit(1);
    }
    logger.info({ signal }, 'stopping');
    // The SDK flushes the spans it still holds once the broker has answered its last request.
    const stopped = broker.stop().then(() => tracing?.shutdown());
    stopped.then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  if (opts.banner) {
    const b = `--bootstrap ${broker.address}`;
    process.stderr.write(
      [
        '',
        `Tributary broker ${config.nodeId} is listening on ${broker.address} (data in ${config.dataDir}).`,
        broker.metricsPort === undefined
          ? ''
          : `Metrics: http://${config.metricsHost}:${broker.metricsPort}/metrics`,
        'Try, in another terminal:',
        `  ./bin/tributary.js ${b} topic create greetings --partitions 3`,
        `  echo hello | ./bin/tributary.js ${b} produce greetings`,
        `  ./bin/tributary.js ${b} consume greetings --from-beginning`,
        'Stop with Ctrl-C (SIGTERM and SIGINT stop cleanly).',
        '',
      ]
        .filter((l, i, all) => l !== '' || i === 0 || i === all.length - 1)
        .join('\n'),
    );
  }
  return broker;
}

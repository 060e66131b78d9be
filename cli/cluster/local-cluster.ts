import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type BrokerProcess, spawnBroker } from './broker-process.js';

export interface LocalClusterOptions {
  /** etcd client URLs the brokers share. */
  etcdEndpoints: string[];
  brokers: number;
  /** Each broker gets `<dataDir>/broker-<id>`. */
  dataDir: string;
  /** DCS key prefix: one per cluster. */
  prefix: string;
  /** gRPC port of broker 0; broker i listens on basePort + i. 0 picks free ports. */
  basePort?: number;
  /** Extra `broker start` arguments for every broker (e.g. --set sessionTimeoutMs=3000). */
  brokerArgs?: string[];
  /** Extra arguments for broker `id` alone, after `brokerArgs` (a later --set wins). */
  brokerArgsOf?: (id: number) => string[];
  /** Write each broker's output to `<logDir>/broker-<id>.log` too. */
  logDir?: string;
  /** Racks, by broker index (cycled). */
  racks?: string[];
  env?: NodeJS.ProcessEnv;
  cliEntry?: string;
  nodeArgs?: string[];
}

export interface LocalCluster {
  readonly brokers: ReadonlyArray<BrokerProcess | undefined>;
  /** host:port of every running broker, comma-separated (what --bootstrap takes). */
  bootstrap(): string;
  /** (Re)starts broker `id` on its data directory (and its port, when it had one). */
  start(id: number): Promise<BrokerProcess>;
  /** SIGTERM broker `id` and wait for it. */
  stop(id: number): Promise<void>;
  /** kill -9 broker `id` and wait for it to exit. */
  kill(id: number): Promise<void>;
  /** Sends `signal` (SIGSTOP, SIGCONT) to broker `id` without waiting. */
  signal(id: number, signal: NodeJS.Signals): void;
  /** Stops every broker. */
  close(): Promise<void>;
}

/**
 * A cluster of broker processes on 127.0.0.1 sharing one etcd: for development (`tributary cluster
 * start`), the fault suite and the replicated benchmark. Each broker keeps its id, data directory and
 * port across restarts, as a StatefulSet pod would.
 */
export async function startLocalCluster(opts: LocalClusterOptions): Promise<LocalCluster> {
  const brokers: Array<BrokerProcess | undefined> = new Array(opts.brokers).fill(undefined);
  const ports: number[] = new Array(opts.brokers).fill(0);
  const start = async (id: number): Promise<BrokerProcess> => {
    const dataDir = join(opts.dataDir, `broker-${id}`);
    mkdirSync(dataDir, { recursive: true });
    const port = ports[id] || (opts.basePort ? opts.basePort + id : 0);
    const rack = opts.racks?.length ? opts.racks[id % opts.racks.length]! : '';
    const b = await spawnBroker({
      dataDir,
      port,
      ...(opts.logDir === undefined ? {} : { logFile: join(opts.logDir, `broker-${id}.log`) }),
      args: [
        '--node-id',
        String(id),
        '--set',
        'dcs=etcd',
        '--set',
        `dcsEtcdEndpoints=${opts.etcdEndpoints.join(',')}`,
        '--set',
        `dcsPrefix=${opts.prefix}`,
        ...(rack === '' ? [] : ['--set', `rack=${rack}`]),
        ...(opts.brokerArgs ?? []),
        ...(opts.brokerArgsOf?.(id) ?? []),
      ],
      ...(opts.env === undefined ? {} : { env: opts.env }),
      ...(opts.cliEntry === undefined ? {} : { cliEntry: opts.cliEntry }),
      ...(opts.nodeArgs === undefined ? {} : { nodeArgs: opts.nodeArgs }),
    });
    ports[id] = b.port;
    brokers[id] = b;
    return b;
  };
  const cluster: LocalCluster = {
    brokers,
    bootstrap: () =>
      brokers
        .filter((b): b is BrokerProcess => b !== undefined)
        .map((b) => b.address)
        .join(','),
    start,
    stop: async (id) => {
      await brokers[id]?.stop();
      brokers[id] = undefined;
    },
    kill: async (id) => {
      await brokers[id]?.kill('SIGKILL');
      brokers[id] = undefined;
    },
    signal: (id, signal) => brokers[id]?.signal(signal),
    close: async () => {
      await Promise.all(brokers.map((b) => b?.stop()));
      brokers.fill(undefined);
    },
  };
  try {
    // Started one after another: the first becomes controller, the others register against it.
    for (let id = 0; id < opts.brokers; id++) await start(id);
  } catch (err) {
    await cluster.close();
    throw err;
  }
  return cluster;
}

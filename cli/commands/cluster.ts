import { resolve } from 'node:path';
import type { Command } from 'commander';
import { type EtcdProcess, startEtcdProcess } from '../cluster/etcd-process.js';
import { type LocalCluster, startLocalCluster } from '../cluster/local-cluster.js';
import type { CliIo } from '../context.js';
import { processIo } from '../program.js';
import { registerRebalanceCommands } from './balance.js';

function int(name: string, min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`${name} must be an integer in [${min}, ${max}]`);
    return n;
  };
}

/**
 * `tributary cluster start`: a development cluster on this machine, brokers as processes on 127.0.0.1
 * sharing one etcd (started here from --etcd-bin, or an existing one given by --etcd-endpoints). Runs in
 * the foreground; Ctrl-C stops every broker (controlled shutdown) and then etcd.
 */
export function registerClusterCommand(program: Command, io: CliIo = processIo): void {
  const cluster = program
    .command('cluster')
    .description('run a local multi-broker cluster for development; balance a running cluster');
  registerRebalanceCommands(cluster, io);
  cluster
    .command('start')
    .description('start N brokers and an etcd on 127.0.0.1 in the foreground; Ctrl-C stops them')
    .option('--brokers <n>', 'number of brokers', int('--brokers', 1, 16), 3)
    .option(
      '--data-dir <dir>',
      'where the brokers (broker-<id>/) and etcd (etcd/) keep their data',
      './data/cluster',
    )
    .option(
      '--base-port <port>',
      'gRPC port of broker 0; broker i uses base+i',
      int('--base-port', 1, 65_000),
      9292,
    )
    .option(
      '--etcd-bin <path>',
      'etcd binary to start (hack/etcd.sh installs one; `npm run cluster` passes it)',
    )
    .option('--etcd-endpoints <urls>', 'use this running etcd instead (comma-separated client URLs)')
    .option(
      '--etcd-port <port>',
      'client port of the etcd started here (peer port is +1)',
      int('--etcd-port', 1, 65_000),
      2379,
    )
    .option('--prefix <name>', 'DCS key prefix (one per cluster)', 'tributary')
    .option('--racks <list>', 'comma-separated rack labels, assigned to brokers in turn')
    .option(
      '--set <key=value>',
      'a broker setting for every broker, as in `broker start --set`',
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .action(async (opts: Record<string, unknown>) => {
      const dataDir = resolve(opts.dataDir as string);
      const { etcd, endpoints } = await clusterEtcd(opts, dataDir);
      let local: LocalCluster;
      try {
        local = await startLocalCluster({
          etcdEndpoints: endpoints,
          brokers: opts.brokers as number,
          dataDir,
          prefix: opts.prefix as string,
          basePort: opts.basePort as number,
          logDir: dataDir,
          brokerArgs: (opts.set as string[]).flatMap((kv) => ['--set', kv]),
          ...(opts.racks ? { racks: String(opts.racks).split(',') } : {}),
        });
      } catch (err) {
        await etcd?.stop();
        throw err;
      }
      await runUntilStopped(local, etcd, opts.brokers as number, endpoints, dataDir);
    });
}

/** The etcd the brokers share: the one at --etcd-endpoints, or one started here from --etcd-bin. */
async function clusterEtcd(
  opts: Record<string, unknown>,
  dataDir: string,
): Promise<{ etcd: EtcdProcess | undefined; endpoints: string[] }> {
  if (opts.etcdEndpoints) {
    return {
      etcd: undefined,
      endpoints: String(opts.etcdEndpoints)
        .split(',')
        .map((e) => e.trim()),
    };
  }
  if (!opts.etcdBin) throw new Error('give --etcd-bin <path> (see hack/etcd.sh) or --etcd-endpoints <urls>');
  const port = opts.etcdPort as number;
  const etcd = await startEtcdProcess({
    binary: opts.etcdBin as string,
    dir: resolve(dataDir, 'etcd'),
    clientPort: port,
    peerPort: port + 1,
  });
  return { etcd, endpoints: etcd.endpoints };
}

/** Prints where the cluster is, then keeps it up until SIGINT or SIGTERM, and stops brokers, then etcd. */
async function runUntilStopped(
  local: LocalCluster,
  etcd: EtcdProcess | undefined,
  brokers: number,
  endpoints: string[],
  dataDir: string,
): Promise<void> {
  const bootstrap = local.bootstrap();
  process.stderr.write(
    [
      '',
      `Tributary cluster: ${brokers} brokers on ${bootstrap}, metadata in etcd ${endpoints.join(',')}.`,
      `Data and logs (broker-<id>.log) under ${dataDir}. Try, in another terminal:`,
      `  ./bin/tributary.js --bootstrap ${bootstrap} topic create orders --partitions 6 --replication-factor 3`,
      `  ./bin/tributary.js --bootstrap ${bootstrap} topic describe orders`,
      'Stop with Ctrl-C.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((done) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      process.stderr.write('stopping the cluster...\n');
      void local
        .close()
        .then(() => etcd?.stop())
        .finally(done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

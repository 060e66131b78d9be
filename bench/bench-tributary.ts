import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnBroker } from '../cli/cluster/broker-process.js';
import { type EtcdProcess, startEtcdProcess } from '../cli/cluster/etcd-process.js';
import { type LocalCluster, startLocalCluster } from '../cli/cluster/local-cluster.js';
import { Tributary } from '../client/index.js';
import { freePort, repoRoot, runScript, sleep, trackPid, untrackPid } from './peers/common.js';

/** How long the brokers of a fresh cluster may take to register and elect a controller. */
const CLUSTER_READY_MS_MAX = 60_000;

/** A Tributary the compare bench started for one round: one broker, or brokers sharing an etcd. */
export interface BenchTributary {
  /** Every broker's host:port, comma-separated (what the client's bootstrap takes). */
  readonly bootstrap: string;
  /** The broker processes (resources are summed over them). */
  readonly pids: readonly number[];
  /** The etcd holding the cluster's metadata, when there is one (measured apart from the brokers). */
  readonly etcdPid: number | undefined;
  /**
   * Stops every process and removes the data. With `keepLogsAs`, a cluster's logs (broker-<id>.log,
   * etcd/etcd.log) are first copied to a new temp dir whose path is returned, to look into a failed round.
   */
  stop(keepLogsAs?: string): Promise<string | undefined>;
}

export interface BenchTributaryOptions {
  brokers: number;
  /** Extra node flags for every broker, e.g. ['--cpu-prof', '--cpu-prof-dir=prof']. */
  nodeArgs?: string[] | undefined;
}

/** The etcd binary hack/etcd.sh installs (on first use) and prints as its last line. */
async function etcdBinary(): Promise<string> {
  const out = await runScript(join(repoRoot(), 'hack', 'etcd.sh'), [], 600_000);
  const path = out.split('\n').at(-1);
  if (path === undefined || path === '') throw new Error('hack/etcd.sh printed no path');
  return path;
}

/**
 * A fresh Tributary on a temp data dir, every process tracked so Ctrl-C or a failure kills it by pid. One
 * broker runs alone (the local metadata store). Several brokers share a single-member etcd started here
 * with its default raft timings and fsync on (as a deployment would run it; `fast` would drop fsync), and
 * the cluster is ready once every broker registered and a controller was elected.
 */
export async function startBenchTributary(o: BenchTributaryOptions): Promise<BenchTributary> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-compare-'));
  const args = ['--metrics-port', '-1'];
  const nodeArgs = o.nodeArgs ?? [];
  let etcd: EtcdProcess | undefined;
  let cluster: LocalCluster | undefined;
  const stop = async (keepLogsAs?: string) => {
    await cluster?.close();
    for (const b of cluster?.brokers ?? []) if (b) untrackPid(b.pid);
    await etcd?.stop();
    if (etcd) untrackPid(etcd.pid);
    const kept = keepLogsAs === undefined ? undefined : keepLogs(dataDir, keepLogsAs);
    rmSync(dataDir, { recursive: true, force: true });
    return kept;
  };
  try {
    if (o.brokers === 1) {
      const broker = await spawnBroker({ dataDir, args, nodeArgs });
      trackPid(broker.pid);
      return {
        bootstrap: broker.address,
        pids: [broker.pid],
        etcdPid: undefined,
        stop: async () => {
          await broker.stop();
          untrackPid(broker.pid);
          rmSync(dataDir, { recursive: true, force: true });
          return undefined;
        },
      };
    }
    const clientPort = await freePort();
    let peerPort = await freePort();
    while (peerPort === clientPort) peerPort = await freePort();
    etcd = await startEtcdProcess({
      binary: await etcdBinary(),
      dir: join(dataDir, 'etcd'),
      clientPort,
      peerPort,
    });
    trackPid(etcd.pid);
    cluster = await startLocalCluster({
      etcdEndpoints: etcd.endpoints,
      brokers: o.brokers,
      dataDir,
      prefix: 'bench',
      brokerArgs: args,
      nodeArgs,
      logDir: dataDir,
    });
    const pids = cluster.brokers.map((b) => b!.pid);
    for (const pid of pids) trackPid(pid);
    const bootstrap = cluster.bootstrap();
    await waitForBrokers(bootstrap, o.brokers);
    return { bootstrap, pids, etcdPid: etcd.pid, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Copies the cluster's log files out of `dataDir` into a new temp dir named after `name`. */
function keepLogs(dataDir: string, name: string): string {
  const to = mkdtempSync(join(tmpdir(), `${name}-`));
  for (const f of readdirSync(dataDir)) if (f.endsWith('.log')) cpSync(join(dataDir, f), join(to, f));
  cpSync(join(dataDir, 'etcd', 'etcd.log'), join(to, 'etcd.log'), { force: true });
  return to;
}

/** Polls DescribeCluster until `brokers` brokers are registered and a controller is elected. */
async function waitForBrokers(bootstrap: string, brokers: number): Promise<void> {
  const client = new Tributary({ bootstrap });
  try {
    const deadline = Date.now() + CLUSTER_READY_MS_MAX;
    for (;;) {
      const d = await client
        .admin()
        .describeCluster()
        .catch(() => undefined);
      if (d !== undefined && d.brokers.length === brokers && d.controllerId >= 0) return;
      if (Date.now() > deadline)
        throw new Error(`${brokers} brokers did not register within ${CLUSTER_READY_MS_MAX} ms`);
      await sleep(200);
    }
  } finally {
    client.close();
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalCluster, startLocalCluster } from '../../cli/cluster/local-cluster.js';
import { CLI_ENTRY } from './broker-process.js';
import { type EtcdServer, startEtcd } from './etcd.js';

export interface TestCluster extends LocalCluster {
  readonly etcd: EtcdServer;
  readonly dataDir: string;
  /** Stops brokers and etcd, removes the data. */
  destroy(): Promise<void>;
}

/** Settings that make failure detection quick enough for tests (seconds, not tens of seconds). */
export const FAST_FAILOVER_ARGS = [
  '--set',
  'sessionTimeoutMs=2000',
  '--set',
  'replicaLagTimeMaxMs=2000',
  '--set',
  'replicaFetchMaxWaitMs=200',
  '--set',
  'controllerRequestTimeoutMs=3000',
  '--set',
  'shutdownGraceMs=2000',
];

/** A real etcd and `brokers` broker processes on 127.0.0.1, in a temporary directory. */
export async function startTestCluster(
  opts: { brokers?: number; brokerArgs?: string[]; racks?: string[] } = {},
): Promise<TestCluster> {
  const etcd = await startEtcd();
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-cluster-'));
  let cluster: LocalCluster;
  try {
    cluster = await startLocalCluster({
      etcdEndpoints: etcd.endpoints,
      brokers: opts.brokers ?? 3,
      dataDir,
      prefix: 'test',
      brokerArgs: [...FAST_FAILOVER_ARGS, ...(opts.brokerArgs ?? [])],
      cliEntry: CLI_ENTRY,
      ...(opts.racks === undefined ? {} : { racks: opts.racks }),
    });
  } catch (err) {
    await etcd.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    ...cluster,
    brokers: cluster.brokers,
    etcd,
    dataDir,
    destroy: async () => {
      await cluster.close();
      await etcd.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

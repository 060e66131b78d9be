/**
 * The cluster under test for the fault suite (test/fault/): three broker processes on a real etcd, plus
 * the handles a fault needs (kill -9, signals, the data directories, every byte each broker printed
 * across restarts) and a view of the cluster that never trusts one broker alone.
 *
 * Two ways to run the brokers behind one interface: on 127.0.0.1 (startLoopbackCluster, the local cluster
 * harness of `tributary cluster start`), or each in a network namespace of its own (fault-netns.ts) so a
 * test can cut a broker off the network.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata, type ServiceError } from '@grpc/grpc-js';
import type { BrokerProcess } from '../../cli/cluster/broker-process.js';
import { type LocalCluster, startLocalCluster } from '../../cli/cluster/local-cluster.js';
import type { ClientTls } from '../../kit/tls.js';
import type { DescribeClusterResponse__Output } from '../../proto/generated/tributary/v1/DescribeClusterResponse.js';
import type { DescribeTopicsResponse__Output } from '../../proto/generated/tributary/v1/DescribeTopicsResponse.js';
import type { PartitionDescription__Output } from '../../proto/generated/tributary/v1/PartitionDescription.js';
import { CLI_ENTRY, REPO_ROOT } from './broker-process.js';
import { FAST_FAILOVER_ARGS } from './cluster.js';
import { type EtcdServer, startEtcd, startTcpProxy, type TcpProxy } from './etcd.js';
import { type RawStubs, rawStubs } from './grpc.js';
import type { TlsFixture } from './tls-files.js';

export interface FaultCluster {
  /** The test case, for log files. */
  readonly name: string;
  readonly size: number;
  /** Holds `broker-<id>/` for every broker. */
  readonly dataDir: string;
  /** host:port of broker `id`; it keeps its address across restarts. */
  address(id: number): string;
  /** Every broker's address, in `order` (default: by id): what a client's bootstrap takes. */
  bootstrap(order?: number[]): string;
  /** (Re)starts broker `id` on its data directory and address; resolves once it listens. */
  start(id: number): Promise<void>;
  /** kill -9 and wait for the exit. */
  kill(id: number): Promise<void>;
  /** SIGSTOP, SIGCONT, ... without waiting. */
  signal(id: number, signal: NodeJS.Signals): void;
  /** `<dataDir>/broker-<id>`. */
  brokerDir(id: number): string;
  /** Everything broker `id` printed, across all its processes. */
  output(id: number): string;
  /** Writes each broker's output to test-results/fault/<name>/broker-<id>.log; returns the folder. */
  saveLogs(): string;
  /** Kills every broker (SIGCONT first, for a stopped one), stops etcd, removes the data. */
  destroy(): Promise<void>;
  /** The brokers serve TLS and require client certificates: every client of the test uses this. */
  readonly tls?: ClientTls;
}

/** Broker settings of every fault case: fast failure detection (FAST_FAILOVER_ARGS) and quick fetches. */
export const FAULT_BROKER_ARGS = [...FAST_FAILOVER_ARGS, '--set', 'replicaFetchBackoffMs=50'];

/** What each broker printed, kept across its restarts (a process's output goes with the process). */
export class BrokerOutputs {
  private readonly archived: string[];

  constructor(size: number) {
    this.archived = new Array(size).fill('');
  }

  /** Keeps what a process printed before it is replaced. */
  archive(id: number, process: Pick<BrokerProcess, 'output'> | undefined): void {
    if (process !== undefined) this.archived[id] += `${process.output()}\n--- process ended ---\n`;
  }

  output(id: number, current: Pick<BrokerProcess, 'output'> | undefined): string {
    return this.archived[id] + (current?.output() ?? '');
  }

  save(
    name: string,
    size: number,
    current: (id: number) => Pick<BrokerProcess, 'output'> | undefined,
  ): string {
    const dir = join(REPO_ROOT, 'test-results', 'fault', name);
    mkdirSync(dir, { recursive: true });
    for (let id = 0; id < size; id++)
      writeFileSync(join(dir, `broker-${id}.log`), this.output(id, current(id)));
    return dir;
  }
}

/**
 * Three (or `brokers`) brokers on 127.0.0.1 and one etcd. `prepare` runs after the data directory exists
 * and before the first broker starts: the full-disk case mounts a small filesystem there.
 */
export async function startLoopbackCluster(opts: {
  name: string;
  brokers?: number;
  brokerArgs?: string[];
  prepare?: (dataDir: string, etcdEndpoints: string[]) => void;
  /** Runs after the brokers are gone and before the data is removed (unmount what prepare mounted). */
  cleanup?: (dataDir: string) => void;
  /**
   * Brokers that reach etcd through `etcdProxy`, which the test can cut: those brokers alone lose the
   * DCS while the others keep it.
   */
  etcdProxiedFor?: number[];
  /** Brokers serve TLS with these certificates (client certificates required), and talk TLS to each other. */
  tls?: TlsFixture;
}): Promise<FaultCluster & { readonly etcdPid: number; readonly etcdProxy: TcpProxy | undefined }> {
  const size = opts.brokers ?? 3;
  const etcd: EtcdServer = await startEtcd();
  const proxied = opts.etcdProxiedFor ?? [];
  const etcdProxy = proxied.length > 0 ? await startTcpProxy(etcd.clientPort) : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-fault-'));
  const outputs = new BrokerOutputs(size);
  const ports = new Array<number>(size).fill(0);
  let local: LocalCluster;
  try {
    for (let id = 0; id < size; id++) mkdirSync(join(dataDir, `broker-${id}`), { recursive: true });
    opts.prepare?.(dataDir, etcd.endpoints);
    local = await startLocalCluster({
      etcdEndpoints: etcd.endpoints,
      brokers: size,
      dataDir,
      prefix: 'fault',
      brokerArgs: [
        ...FAULT_BROKER_ARGS,
        ...(opts.tls?.brokerArgs('required') ?? []),
        ...(opts.brokerArgs ?? []),
      ],
      brokerArgsOf: (id) =>
        etcdProxy !== undefined && proxied.includes(id)
          ? ['--set', `dcsEtcdEndpoints=${etcdProxy.endpoint}`]
          : [],
      cliEntry: CLI_ENTRY,
    });
  } catch (err) {
    await etcdProxy?.close();
    await etcd.stop();
    opts.cleanup?.(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  for (let id = 0; id < size; id++) ports[id] = local.brokers[id]!.port;
  // If the test process ends without destroy() (a crash, a timeout), take the brokers along.
  const killAll = () => {
    for (const b of local.brokers) {
      try {
        if (b !== undefined) process.kill(b.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  };
  process.once('exit', killAll);
  const kill = async (id: number) => {
    const b = local.brokers[id];
    b?.signal('SIGCONT');
    await local.kill(id);
    outputs.archive(id, b);
  };
  return {
    name: opts.name,
    size,
    dataDir,
    etcdPid: etcd.pid,
    etcdProxy,
    ...(opts.tls === undefined ? {} : { tls: opts.tls.clientTls() }),
    address: (id) => `127.0.0.1:${ports[id]}`,
    bootstrap: (order) => (order ?? [...Array(size).keys()]).map((id) => `127.0.0.1:${ports[id]}`).join(','),
    start: async (id) => {
      await local.start(id);
    },
    kill,
    signal: (id, signal) => local.signal(id, signal),
    brokerDir: (id) => join(dataDir, `broker-${id}`),
    output: (id) => outputs.output(id, local.brokers[id]),
    saveLogs: () => outputs.save(opts.name, size, (id) => local.brokers[id]),
    destroy: async () => {
      for (let id = 0; id < size; id++) await kill(id);
      process.off('exit', killAll);
      try {
        process.kill(etcd.pid, 'SIGCONT'); // A test may have stopped it.
      } catch {
        // Already gone.
      }
      await etcdProxy?.close();
      await etcd.stop();
      opts.cleanup?.(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One unary call with a deadline, so a paused or cut-off broker costs `timeoutMs`, not forever. */
export function callWithin<Res>(
  stub: object,
  method: string,
  request: unknown,
  timeoutMs: number,
): Promise<Res> {
  type Unary = (
    req: unknown,
    md: Metadata,
    options: { deadline: Date },
    cb: (err: ServiceError | null, res?: unknown) => void,
  ) => unknown;
  const fn = (stub as Record<string, unknown>)[method] as Unary | undefined;
  if (typeof fn !== 'function') throw new Error(`no RPC ${method} on this stub`);
  return new Promise((resolve, reject) => {
    fn.call(stub, request, new Metadata(), { deadline: new Date(Date.now() + timeoutMs) }, (err, res) =>
      err ? reject(err) : resolve(res as Res),
    );
  });
}

export type PartitionView = PartitionDescription__Output;

/**
 * The cluster as its brokers describe it, asked one by one with short deadlines. A broker that is paused,
 * cut off or deposed may answer with stale metadata, so merged views take, per partition, the answer
 * with the highest leader epoch; `describeFrom` gives one broker's own answer (its local log end and
 * high watermark included).
 */
export class ClusterView {
  private readonly stubs = new Map<string, RawStubs>();

  constructor(
    private readonly cluster: FaultCluster,
    private readonly timeoutMs = 1500,
  ) {}

  stub(id: number): RawStubs {
    const address = this.cluster.address(id);
    let s = this.stubs.get(address);
    if (s === undefined) {
      s = rawStubs(address, this.cluster.tls);
      this.stubs.set(address, s);
    }
    return s;
  }

  /** Broker `id`'s description of `topic` (its own replicas' log end and high watermark). */
  async describeFrom(id: number, topic: string): Promise<PartitionView[]> {
    const res = await callWithin<DescribeTopicsResponse__Output>(
      this.stub(id).admin,
      'DescribeTopics',
      { names: [topic] },
      this.timeoutMs,
    );
    const t = res.topics[0];
    if (t === undefined || t.error) throw new Error(`broker ${id}: ${t?.error?.reason ?? 'no topic'}`);
    return [...t.partitions].sort((a, b) => a.partition - b.partition);
  }

  /** Per partition, the newest answer (highest leader epoch) among the brokers `ids` that answered. */
  async describe(topic: string, ids: number[]): Promise<PartitionView[]> {
    const answers = await Promise.allSettled(ids.map((id) => this.describeFrom(id, topic)));
    const merged = new Map<number, PartitionView>();
    for (const a of answers) {
      if (a.status !== 'fulfilled') continue;
      for (const p of a.value) {
        const seen = merged.get(p.partition);
        if (seen === undefined || p.leader_epoch > seen.leader_epoch) merged.set(p.partition, p);
      }
    }
    if (merged.size === 0) throw new Error(`none of brokers [${ids.join(', ')}] described ${topic}`);
    return [...merged.values()].sort((a, b) => a.partition - b.partition);
  }

  /** The controller as broker `id` sees it. */
  async controllerFrom(id: number): Promise<number> {
    const res = await callWithin<DescribeClusterResponse__Output>(
      this.stub(id).admin,
      'DescribeCluster',
      {},
      this.timeoutMs,
    );
    return res.controller_id;
  }

  close(): void {
    for (const s of this.stubs.values()) s.close();
    this.stubs.clear();
  }
}

/** 0..size-1 without `except`. */
export function brokersExcept(size: number, ...except: number[]): number[] {
  return [...Array(size).keys()].filter((id) => !except.includes(id));
}

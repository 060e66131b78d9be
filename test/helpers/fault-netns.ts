/**
 * Brokers in network namespaces, for the network-partition fault (docs/architecture.md, decision 6: "network
 * partitions between brokers made with network namespaces").
 *
 * Layout, all made by the test and removed after it. Names carry the test process's pid (base 36), so
 * two runs on one machine never touch each other's network, and a run removes only what a dead run left:
 *
 *   root namespace: bridge trbf-<pid>-br 10.213.<n>.1/24 (<n> a /24 no interface uses), etcd listening
 *   on 10.213.<n>.1, the test's clients
 *     |-- veth trbf-<pid>-h<i>  <->  trbf-<pid>-n<i> in namespace trbf-<pid>-b<i>: 10.213.<n>.(11+i)/24,
 *         broker i listening there
 *
 * Every packet between brokers, to etcd, and from the test's clients crosses the bridge, so
 * `ip link set trbf-<pid>-h<i> down` cuts broker i off from everything (a partition of one broker from the
 * rest: it keeps running, keeps its etcd session until the lease runs out, and believes what it believed),
 * and `up` heals it. The addresses exist only inside these namespaces and the bridge.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EtcdProcess, startEtcdProcess } from '../../cli/cluster/etcd-process.js';
import { CLI_ENTRY } from './broker-process.js';
import { etcdBinary } from './etcd.js';
import { BrokerOutputs, FAULT_BROKER_ARGS, type FaultCluster } from './fault-cluster.js';

export const NAME_PREFIX = 'trbf-';
/** This run's names: `trbf-<pid in base 36>-...` (at most 15 characters, the kernel's limit). */
const RUN = `${NAME_PREFIX}${process.pid.toString(36)}-`;
const RUN_NAME = /^trbf-([0-9a-z]+)-/;
const ETCD_CLIENT_PORT = 23_790;
const ETCD_PEER_PORT = 23_800;
const BROKER_PORT = 19_092;
const BROKER_STARTUP_MS_MAX = 30_000;

const BRIDGE = `${RUN}br`;
const nsName = (id: number) => `${RUN}b${id}`;
const hostVeth = (id: number) => `${RUN}h${id}`;
const nsVeth = (id: number) => `${RUN}n${id}`;

/** A 10.213.<n>.0/24 that no interface of the root namespace has an address in. */
function freeSubnet(): string {
  const used = ip('-o', '-4', 'addr', 'show');
  for (let i = 0; i < 250; i++) {
    const n = (process.pid + i) % 250;
    const subnet = `10.213.${n}`;
    if (!used.includes(` ${subnet}.`)) return subnet;
  }
  throw new Error('no free 10.213.x.0/24 subnet for the test network');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function tryIp(...args: string[]): void {
  try {
    ip(...args);
  } catch {
    // Already gone.
  }
}

/** Whether `name` is this helper's and its run has ended (its process is gone). */
function leftover(name: string): boolean {
  const m = RUN_NAME.exec(name);
  if (m === null) return false;
  const pid = Number.parseInt(m[1]!, 36);
  return pid !== process.pid && !alive(pid);
}

/** Removes the namespaces and links of this run, and those runs that died left behind. */
export function removeLeftovers(): void {
  const ours = (n: string) => n.startsWith(RUN) || leftover(n);
  let namespaces: string[] = [];
  try {
    namespaces = ip('netns', 'list')
      .split('\n')
      .map((l) => l.split(' ')[0]!)
      .filter(ours);
  } catch {
    // No netns support: nothing to remove.
  }
  for (const n of namespaces) tryIp('netns', 'del', n);
  let links: string[] = [];
  try {
    links = ip('-o', 'link', 'show')
      .split('\n')
      .map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1] ?? '')
      .filter(ours);
  } catch {
    // No iproute2.
  }
  for (const l of links) tryIp('link', 'del', l);
}

/**
 * Whether this machine lets the test make namespaces, veth pairs and a bridge (root, iproute2, a kernel
 * that allows it); the reason when not.
 */
export function netnsSupport(): { ok: true } | { ok: false; reason: string } {
  const probe = `${RUN}pr`;
  try {
    ip('netns', 'add', probe);
    ip('link', 'add', `${RUN}ph`, 'type', 'veth', 'peer', 'name', `${RUN}pn`);
    ip('link', 'set', `${RUN}pn`, 'netns', probe);
    ip('link', 'add', `${RUN}pb`, 'type', 'bridge');
    return { ok: true };
  } catch (err) {
    const stderr = (err as { stderr?: Buffer | string }).stderr?.toString().trim();
    return { ok: false, reason: stderr || (err as Error).message };
  } finally {
    tryIp('netns', 'del', probe);
    tryIp('link', 'del', `${RUN}ph`);
    tryIp('link', 'del', `${RUN}pb`);
  }
}

export interface NetnsCluster extends FaultCluster {
  /** Cuts broker `id` off the network (its end of the bridge goes down). */
  cut(id: number): void;
  heal(id: number): void;
}

interface NsBroker {
  child: ChildProcess;
  output: () => string;
  exited: Promise<void>;
}

function killOnExit(child: ChildProcess): () => void {
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  return () => process.off('exit', kill);
}

/** `tributary broker start` inside namespace `ns`, bound to its address; resolves once it listens. */
function spawnNsBroker(
  id: number,
  host: string,
  dataDir: string,
  etcdUrl: string,
  extraArgs: string[],
): Promise<NsBroker> {
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      nsName(id),
      process.execPath,
      CLI_ENTRY,
      'broker',
      'start',
      '--host',
      host,
      '--port',
      String(BROKER_PORT),
      '--metrics-port',
      '0',
      '--data-dir',
      dataDir,
      '--quiet',
      '--node-id',
      String(id),
      '--set',
      'dcs=etcd',
      '--set',
      `dcsEtcdEndpoints=${etcdUrl}`,
      '--set',
      'dcsPrefix=fault',
      ...FAULT_BROKER_ARGS,
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const forget = killOnExit(child);
  let output = '';
  const capture = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout!.on('data', capture);
  child.stderr!.on('data', capture);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      forget();
      resolve();
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`broker ${id} did not start within ${BROKER_STARTUP_MS_MAX} ms:\n${output}`));
    }, BROKER_STARTUP_MS_MAX);
    const check = () => {
      if (/"msg":"broker listening"/.test(output)) {
        clearTimeout(timer);
        // Signals go to this pid: it must be the broker, which `ip netns exec` becomes by exec (no fork).
        const comm = readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim();
        if (comm === 'ip') {
          child.kill('SIGKILL');
          reject(new Error('`ip netns exec` forked instead of exec-ing the broker: signals would miss it'));
          return;
        }
        child.stdout!.off('data', check);
        resolve({ child, output: () => output, exited });
      }
    };
    child.stdout!.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`broker ${id} exited before listening:\n${output}`));
    });
  });
}

/** A bridge, `brokers` namespaces with a broker each, and etcd on the bridge. Call netnsSupport() first. */
export async function startNetnsCluster(opts: {
  name: string;
  brokers?: number;
  brokerArgs?: string[];
}): Promise<NetnsCluster> {
  const size = opts.brokers ?? 3;
  removeLeftovers();
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-fault-netns-'));
  const processes: Array<NsBroker | undefined> = new Array(size).fill(undefined);
  const outputs = new BrokerOutputs(size);
  let etcd: EtcdProcess | undefined;
  let forgetEtcd: () => void = () => {};
  const teardown = async () => {
    for (const p of processes) p?.child.kill('SIGKILL');
    await Promise.all(processes.map((p) => p?.exited));
    await etcd?.stop(0);
    forgetEtcd();
    removeLeftovers();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const subnet = freeSubnet();
    const bridgeIp = `${subnet}.1`;
    const brokerIp = (id: number) => `${subnet}.${11 + id}`;
    ip('link', 'add', BRIDGE, 'type', 'bridge');
    ip('addr', 'add', `${bridgeIp}/24`, 'dev', BRIDGE);
    ip('link', 'set', BRIDGE, 'up');
    for (let id = 0; id < size; id++) {
      ip('netns', 'add', nsName(id));
      ip('link', 'add', hostVeth(id), 'type', 'veth', 'peer', 'name', nsVeth(id));
      ip('link', 'set', nsVeth(id), 'netns', nsName(id));
      ip('link', 'set', hostVeth(id), 'master', BRIDGE);
      ip('link', 'set', hostVeth(id), 'up');
      ip('-n', nsName(id), 'addr', 'add', `${brokerIp(id)}/24`, 'dev', nsVeth(id));
      ip('-n', nsName(id), 'link', 'set', nsVeth(id), 'up');
      ip('-n', nsName(id), 'link', 'set', 'lo', 'up');
      mkdirSync(join(dataDir, `broker-${id}`), { recursive: true });
    }
    etcd = await startEtcdProcess({
      binary: etcdBinary(),
      dir: join(dataDir, 'etcd'),
      host: bridgeIp,
      clientPort: ETCD_CLIENT_PORT,
      peerPort: ETCD_PEER_PORT,
      fast: true,
    });
    const etcdPid = etcd.pid;
    const killEtcd = () => {
      try {
        process.kill(etcdPid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    process.once('exit', killEtcd);
    forgetEtcd = () => process.off('exit', killEtcd);
    const etcdUrl = etcd.endpoints[0]!;
    const start = async (id: number) => {
      outputs.archive(id, processes[id]);
      processes[id] = await spawnNsBroker(
        id,
        brokerIp(id),
        join(dataDir, `broker-${id}`),
        etcdUrl,
        opts.brokerArgs ?? [],
      );
    };
    // One after another, as the local cluster does: the first becomes controller.
    for (let id = 0; id < size; id++) await start(id);
    const kill = async (id: number) => {
      const p = processes[id];
      if (p === undefined) return;
      p.child.kill('SIGCONT');
      p.child.kill('SIGKILL');
      await p.exited;
      outputs.archive(id, p);
      processes[id] = undefined;
    };
    const address = (id: number) => `${brokerIp(id)}:${BROKER_PORT}`;
    return {
      name: opts.name,
      size,
      dataDir,
      address,
      bootstrap: (order) => (order ?? [...Array(size).keys()]).map(address).join(','),
      start,
      kill,
      signal: (id, signal) => processes[id]?.child.kill(signal),
      brokerDir: (id) => join(dataDir, `broker-${id}`),
      output: (id) => outputs.output(id, processes[id]),
      saveLogs: () => outputs.save(opts.name, size, (id) => processes[id]),
      cut: (id) => ip('link', 'set', hostVeth(id), 'down'),
      heal: (id) => ip('link', 'set', hostVeth(id), 'up'),
      destroy: async () => {
        for (let id = 0; id < size; id++) await kill(id);
        await teardown();
      },
    };
  } catch (err) {
    await teardown();
    throw err;
  }
}

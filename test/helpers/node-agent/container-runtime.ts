/**
 * The container runtime of the node agent: a container is a local process in its own mount namespace
 * (`unshare --mount --propagation private`) and its own root (`chroot`), so every path of the pod spec is
 * the path the process sees, with no rewriting and no knowledge of the program it runs:
 *
 *   <root>/usr, bin, lib...     the host's system, bound read-only (the base of every local image)
 *   <root>/<layer targets>      the image's layers, bound read-only (local-image.ts)
 *   <root>/etc                  passwd, group, nsswitch.conf, resolv.conf, hostname and ld.so.cache
 *                               written here; hosts -> /run/tributary-node-agent/hosts (cluster names)
 *   <root>/dev, proc, sys       the host's, bound (no PID namespace: a container sees every process)
 *   <root>/run/tributary-node-agent   the pod's runtime files: pod-ip, hosts, pod-network.cjs
 *   <root>/<mountPath>          each volume mount, bound (read-only when the mount says so)
 *
 * The root is made read-only when `readOnlyRootFilesystem` is set; the process runs with the user and
 * groups of the security context (or the image's user), in `workingDir`, with exactly the container's
 * environment. The mounts live only in the container's namespace: they go away with its last process,
 * and the host never sees them (the agent checks that before it removes a pod's directory).
 *
 * Network and process isolation are not provided: see docs/operations.md, "The pod tier".
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { BASE_SYSTEM_ENTRIES, type LocalImage, POD_RUNTIME_DIR } from './local-image.js';

export interface BindMount {
  /** Absolute path inside the container. */
  readonly target: string;
  /** Absolute path on this machine, a directory or a file. */
  readonly source: string;
  readonly readOnly: boolean;
}

export interface ContainerLaunch {
  readonly image: LocalImage;
  /** A new directory for this container's root (its writable layer). */
  readonly rootDir: string;
  /** The pod's runtime directory, bound at /run/tributary-node-agent. */
  readonly runtimeDir: string;
  /** Volume mounts, in the container's order. */
  readonly mounts: readonly BindMount[];
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly workingDir: string;
  readonly uid: number;
  readonly gid: number;
  readonly supplementalGroups: readonly number[];
  readonly readOnlyRootFilesystem: boolean;
  readonly hostname: string;
  /** Where stdout and stderr go. */
  readonly logPath: string;
}

export interface ContainerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RunningContainer {
  readonly pid: number;
  readonly exited: Promise<ContainerExit>;
  /** Sends `signal` to the container's process group (the main process and what it started). */
  signal(signal: NodeJS.Signals): void;
}

/** A word for /bin/sh, single-quoted. */
function sh(word: string): string {
  return `'${word.replaceAll("'", `'"'"'`)}'`;
}

function writeEtc(root: string, launch: ContainerLaunch): void {
  const etc = join(root, 'etc');
  mkdirSync(etc, { recursive: true });
  const { uid, gid } = launch;
  writeFileSync(
    join(etc, 'passwd'),
    `root:x:0:0:root:/root:/bin/sh\n${uid === 0 ? '' : `user${uid}:x:${uid}:${gid}::/tmp:/usr/sbin/nologin\n`}`,
  );
  writeFileSync(join(etc, 'group'), `root:x:0:\n${gid === 0 ? '' : `group${gid}:x:${gid}:\n`}`);
  writeFileSync(join(etc, 'nsswitch.conf'), 'passwd: files\ngroup: files\nhosts: files dns\n');
  // No cluster DNS server: names come from /etc/hosts, anything else fails fast.
  writeFileSync(join(etc, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
  writeFileSync(join(etc, 'hostname'), `${launch.hostname}\n`);
  if (existsSync('/etc/ld.so.cache')) copyFileSync('/etc/ld.so.cache', join(etc, 'ld.so.cache'));
  symlinkSync(join(POD_RUNTIME_DIR, 'hosts'), join(etc, 'hosts'));
}

/** Creates the mount point of `target` under `root` unless it lies inside another bind (it must exist there). */
function mountPoint(root: string, target: string, source: string, binds: readonly BindMount[]): void {
  const nested = binds.some((b) => b.target !== target && target.startsWith(`${b.target}/`));
  if (nested) return;
  const path = join(root, target);
  if (lstatSync(source).isDirectory()) {
    mkdirSync(path, { recursive: true });
  } else {
    mkdirSync(dirname(path), { recursive: true });
    if (!existsSync(path)) writeFileSync(path, '');
  }
}

/** The shell script that mounts the root, then becomes the container's process. */
export function launchScript(launch: ContainerLaunch): string {
  const root = launch.rootDir;
  const binds: BindMount[] = [
    ...launch.image.layers.map((l) => ({ ...l, readOnly: true })),
    { target: POD_RUNTIME_DIR, source: launch.runtimeDir, readOnly: true },
    ...launch.mounts,
  ];
  mkdirSync(root, { recursive: true });
  for (const entry of BASE_SYSTEM_ENTRIES) {
    const host = `/${entry}`;
    if (!existsSync(host)) continue;
    const stat = lstatSync(host);
    if (stat.isSymbolicLink()) symlinkSync(readlinkSync(host), join(root, entry));
    else if (stat.isDirectory()) binds.unshift({ target: host, source: host, readOnly: true });
  }
  for (const dir of ['dev', 'proc', 'sys', 'run', 'var/run', 'root'])
    mkdirSync(join(root, dir), { recursive: true });
  mkdirSync(join(root, 'tmp'), { recursive: true, mode: 0o1777 });
  writeEtc(root, launch);
  for (const b of binds) mountPoint(root, b.target, b.source, binds);

  const lines = ['set -eu', `R=${sh(root)}`, 'mount --bind "$R" "$R"'];
  for (const dev of ['dev', 'proc', 'sys']) lines.push(`mount --rbind /${dev} "$R/${dev}"`);
  for (const b of binds) {
    const target = `"$R"${sh(b.target)}`;
    lines.push(`[ -e ${target} ] || mkdir -p ${target}`);
    lines.push(`mount --bind ${sh(b.source)} ${target}`);
    if (b.readOnly) lines.push(`mount -o remount,bind,ro ${target}`);
  }
  if (launch.readOnlyRootFilesystem) lines.push('mount -o remount,bind,ro "$R"');
  const groups =
    launch.supplementalGroups.length === 0 ? '' : ` --groups=${launch.supplementalGroups.join(',')}`;
  lines.push(
    `exec chroot --userspec=${launch.uid}:${launch.gid}${groups} "$R" /bin/sh -c 'cd "$0" && exec "$@"' ` +
      [launch.workingDir, ...launch.argv].map(sh).join(' '),
  );
  return `${lines.join('\n')}\n`;
}

export function startContainer(launch: ContainerLaunch): RunningContainer {
  const scriptPath = `${launch.rootDir}.sh`;
  writeFileSync(scriptPath, launchScript(launch), { mode: 0o700 });
  const log = openSync(launch.logPath, 'a');
  const child: ChildProcess = spawn(
    '/usr/bin/unshare',
    ['--mount', '--propagation', 'private', '/bin/sh', scriptPath],
    // Its own process group, so a signal reaches what the container started too.
    { env: { ...launch.env }, detached: true, stdio: ['ignore', log, log] },
  );
  const exited = new Promise<ContainerExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: 128, signal: null }));
  });
  if (child.pid === undefined) throw new Error(`cannot start container (${launch.argv.join(' ')})`);
  const pid = child.pid;
  return {
    pid,
    exited,
    signal(signal) {
      try {
        process.kill(-pid, signal);
      } catch {
        // Already gone.
      }
    },
  };
}

/**
 * Runs `argv` inside a running container (its mount namespace, root, working directory and user), as an
 * exec probe or an exec hook does; resolves with the exit code, or null when `timeoutMs` passed first.
 */
export function execInContainer(
  pid: number,
  argv: readonly string[],
  options: { env: Readonly<Record<string, string>>; uid: number; gid: number; timeoutMs: number },
): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(
      '/usr/bin/nsenter',
      [
        `--target=${pid}`,
        '--mount',
        '--root',
        '--wd',
        `--setuid=${options.uid}`,
        `--setgid=${options.gid}`,
        '--',
        ...argv,
      ],
      { env: { ...options.env }, stdio: 'ignore', detached: true },
    );
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Gone.
      }
      resolve(null);
    }, options.timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? 1);
    });
    child.once('error', () => {
      clearTimeout(timer);
      resolve(1);
    });
  });
}

/** Whether any mount of this machine's (the agent's) namespace lies under `dir`: then it must not be removed. */
export function hasMountsUnder(dir: string): boolean {
  const prefix = `${dir.replace(/\/$/, '')}/`;
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => {
      const mountPointField = line.split(' ')[4];
      return mountPointField !== undefined && `${mountPointField}/`.startsWith(prefix);
    });
}

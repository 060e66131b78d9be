/**
 * Images of the pod tier: an image reference a pod names maps to a local "image", a root filesystem made
 * of read-only bind mounts (no registry, no pull). The node agent builds each container's root from it
 * (container-rootfs.ts).
 *
 * - The base of every image is this machine's system: /usr (with the merged /bin, /lib, /sbin links as
 *   the host has them), so `node` is the host's node and its libraries are the host's.
 * - `treeImage` adds this checkout at /app, as images/Dockerfile's runtime stage lays it out (bin/, dist/,
 *   proto/, package.json, node_modules/), with the Dockerfile's user (10001), working directory and
 *   environment. `dist/` must be built. Another `version` binds a package.json reporting it over
 *   /app/package.json: broker/version.ts reads the version from there, so the broker reports it (a second
 *   build, as an upgrade needs, without a second checkout).
 * - `nodeImage` is the base alone with Node's environment, for plain test pods (`node -e ...`).
 *
 * The image's `NODE_OPTIONS` loads pod-network.cjs into every node process of the pod (see that file);
 * a pod that sets NODE_OPTIONS itself replaces it, as it would replace any image variable.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** Where the node agent mounts its per-pod runtime files (pod address, hosts, the network hook). */
export const POD_RUNTIME_DIR = '/run/tributary-node-agent';
export const POD_NETWORK_HOOK = join(POD_RUNTIME_DIR, 'pod-network.cjs');

export interface ImageLayer {
  /** Absolute path inside the container. */
  readonly target: string;
  /** Absolute path on this machine (a directory or a file). */
  readonly source: string;
}

export interface LocalImage {
  /** The reference pods name, e.g. `tributary/broker:0.1.0`. */
  readonly ref: string;
  /** `sha256:<hex>` of the image's definition: what a registry would give as the digest. */
  readonly digest: string;
  /** Bound read-only, parents before children. */
  readonly layers: readonly ImageLayer[];
  /** The image's ENV (the pod's env wins on conflicts). */
  readonly env: Readonly<Record<string, string>>;
  /** The image's USER, used when the pod's securityContext names none. */
  readonly user: { readonly uid: number; readonly gid: number };
  readonly workingDir: string;
  /** ENTRYPOINT and CMD: a container without `command` runs entrypoint, without `args` cmd. */
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
}

/** Top-level host entries every image carries: directories bound read-only, symlinks copied. */
export const BASE_SYSTEM_ENTRIES = ['usr', 'bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];

const NODE_ENV = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  NODE_OPTIONS: `--require ${POD_NETWORK_HOOK}`,
};

function digestOf(definition: object): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(definition)).digest('hex')}`;
}

function image(def: Omit<LocalImage, 'digest'>): LocalImage {
  return { ...def, digest: digestOf(def) };
}

/** The base system alone (plus Node's environment): for pods that run `node -e ...` or a shell. */
export function nodeImage(ref = 'tributary.test/node:20'): LocalImage {
  return image({
    ref,
    layers: [],
    env: NODE_ENV,
    user: { uid: 0, gid: 0 },
    workingDir: '/',
    entrypoint: ['node'],
    cmd: [],
  });
}

/** The package version this checkout reports. */
export function treeVersion(root = REPO_ROOT): string {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * This checkout as the broker image `ref`, reporting `version` (default: the checkout's own). A different
 * version gets its package.json written under `workDir`.
 */
export function treeImage(ref: string, options: { version?: string; workDir: string }): LocalImage {
  const root = realpathSync(REPO_ROOT);
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
    throw new Error(`${root}/dist is not built: run \`npx tsc -p tsconfig.json\` first`);
  }
  const layers: ImageLayer[] = [{ target: '/app', source: root }];
  // A worktree's node_modules may be a symlink to another checkout's: bind the target at its own path,
  // so the link resolves inside the container as it does here.
  const modules = join(root, 'node_modules');
  if (lstatSync(modules).isSymbolicLink()) {
    const real = realpathSync(modules);
    layers.push({ target: real, source: real });
  }
  const version = options.version ?? treeVersion(root);
  if (version !== treeVersion(root)) {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    const dir = join(options.workDir, `package-${version.replace(/[^0-9A-Za-z.-]/g, '_')}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'package.json');
    writeFileSync(file, `${JSON.stringify({ ...pkg, version }, null, 2)}\n`);
    layers.push({ target: '/app/package.json', source: file });
  }
  return image({
    ref,
    layers,
    env: { ...NODE_ENV, NODE_ENV: 'production' },
    user: { uid: 10001, gid: 10001 },
    workingDir: '/app',
    entrypoint: ['node', '/app/bin/tributary.js', 'broker', 'start'],
    cmd: [],
  });
}

/** The image for `ref`, or an error that names the references the tier knows. */
export function imageFor(images: ReadonlyMap<string, LocalImage>, ref: string): LocalImage {
  const found = images.get(ref);
  if (found === undefined) {
    throw new Error(
      `image ${ref} is not a local image of this tier (known: ${[...images.keys()].join(', ')})`,
    );
  }
  return found;
}

/**
 * A pod's volumes as directories of this machine, as the kubelet's volume manager sets them up:
 *
 * - emptyDir: `<pod>/volumes/empty-dir/<name>`, gone with the pod (sizeLimit and medium not enforced);
 * - configMap, secret, downwardAPI, projected (configMap, secret, downwardAPI and serviceAccountToken
 *   sources): files written with the kubelet's atomic layout (`..<stamp>/` holding the files, `..data`
 *   linking to it, each top-level name linking into `..data`), so a refresh swaps them at once for a
 *   reader; `sync` rewrites them when the source changed, and requests a new token at 80% of its life;
 * - persistentVolumeClaim: the bound PersistentVolume's `local.path` or `hostPath.path` (the directory
 *   outlives the pod; the provisioner made it); the pod waits until the claim is bound;
 * - hostPath: that path.
 *
 * `fsGroup` (pod securityContext) becomes the group of emptyDir, claim and projected files, group-writable
 * where writable, as the kubelet's SetVolumeOwnership does (`OnRootMismatch`: only when the root differs).
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type {
  CoreV1Api,
  V1KeyToPath,
  V1PersistentVolumeClaim,
  V1Pod,
  V1Volume,
  V1VolumeProjection,
} from '@kubernetes/client-node';
import { isNotFound } from '../../../operator/kube/api-error.js';
import { fieldValue } from './container-env.js';

/** A volume that cannot be set up yet (a claim not bound, a ConfigMap missing): the pod waits. */
export class VolumeNotReady extends Error {}

interface ProjectedFile {
  readonly path: string;
  readonly data: Buffer;
  readonly mode: number;
}

interface TokenState {
  token: string;
  renewAtMs: number;
}

const TOKEN_RENEW_FRACTION = 0.8;

export class PodVolumes {
  /** Volume name -> directory on this machine. */
  private readonly paths = new Map<string, string>();
  private readonly payloadHashes = new Map<string, string>();
  private readonly tokens = new Map<string, TokenState>();

  constructor(
    private readonly core: CoreV1Api,
    private readonly pod: V1Pod,
    private readonly podDir: string,
    private readonly addresses: { podIp: string; hostIp: string },
  ) {}

  /** The directory of volume `name` (after `sync`). */
  pathOf(name: string): string {
    const path = this.paths.get(name);
    if (path === undefined) throw new Error(`volume ${name} is not set up`);
    return path;
  }

  /** Sets up every volume (or refreshes the projected ones); throws VolumeNotReady when one must wait. */
  async sync(): Promise<void> {
    for (const volume of this.pod.spec?.volumes ?? []) await this.syncVolume(volume);
  }

  private get namespace(): string {
    return this.pod.metadata!.namespace!;
  }

  private get fsGroup(): number | undefined {
    return this.pod.spec?.securityContext?.fsGroup;
  }

  private async syncVolume(volume: V1Volume): Promise<void> {
    const name = volume.name;
    if (volume.emptyDir !== undefined) {
      const dir = join(this.podDir, 'volumes', 'empty-dir', name);
      if (!existsSync(dir)) {
        mkdirSync(dir, { recursive: true, mode: 0o777 });
        chmodSync(dir, 0o777);
        this.applyFsGroup(dir);
      }
      this.paths.set(name, dir);
    } else if (volume.persistentVolumeClaim !== undefined) {
      this.paths.set(name, await this.claimPath(volume.persistentVolumeClaim.claimName));
    } else if (volume.hostPath !== undefined) {
      const path = volume.hostPath.path;
      if (volume.hostPath.type === 'DirectoryOrCreate') mkdirSync(path, { recursive: true });
      if (!existsSync(path)) throw new VolumeNotReady(`hostPath ${path} does not exist`);
      this.paths.set(name, path);
    } else if (
      volume.configMap !== undefined ||
      volume.secret !== undefined ||
      volume.downwardAPI !== undefined ||
      volume.projected !== undefined
    ) {
      const dir = join(this.podDir, 'volumes', 'projected', name);
      const files = await this.projectedFiles(volume);
      this.writeAtomically(name, dir, files);
      this.paths.set(name, dir);
    } else {
      throw new Error(`volume ${name}: unsupported type ${Object.keys(volume).join(',')}`);
    }
  }

  private async claimPath(claimName: string): Promise<string> {
    let claim: V1PersistentVolumeClaim;
    try {
      claim = await this.core.readNamespacedPersistentVolumeClaim({
        namespace: this.namespace,
        name: claimName,
      });
    } catch (err) {
      if (isNotFound(err)) throw new VolumeNotReady(`persistentvolumeclaim "${claimName}" not found`);
      throw err;
    }
    const pvName = claim.spec?.volumeName;
    if (claim.status?.phase !== 'Bound' || pvName === undefined || pvName === '') {
      throw new VolumeNotReady(`persistentvolumeclaim "${claimName}" is not bound`);
    }
    const pv = await this.core.readPersistentVolume({ name: pvName });
    const path = pv.spec?.local?.path ?? pv.spec?.hostPath?.path;
    if (path === undefined) throw new Error(`persistentvolume ${pvName} is neither local nor hostPath`);
    if (!existsSync(path)) throw new VolumeNotReady(`persistentvolume ${pvName}: ${path} does not exist`);
    this.applyFsGroup(path);
    return path;
  }

  private applyFsGroup(dir: string): void {
    const gid = this.fsGroup;
    if (gid === undefined) return;
    const policy = this.pod.spec?.securityContext?.fsGroupChangePolicy ?? 'Always';
    if (
      policy === 'OnRootMismatch' &&
      statSync(dir).gid === gid &&
      (statSync(dir).mode & 0o2070) === 0o2070
    ) {
      return;
    }
    const walk = (path: string) => {
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) return;
      chownSync(path, stat.uid, gid);
      chmodSync(path, stat.isDirectory() ? (stat.mode & 0o7777) | 0o2070 : (stat.mode & 0o7777) | 0o060);
      if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
    };
    walk(dir);
  }

  private async configMapData(
    name: string,
    optional: boolean | undefined,
  ): Promise<Map<string, Buffer> | undefined> {
    try {
      const cm = await this.core.readNamespacedConfigMap({ namespace: this.namespace, name });
      const data = new Map<string, Buffer>();
      for (const [k, v] of Object.entries(cm.data ?? {})) data.set(k, Buffer.from(v, 'utf8'));
      for (const [k, v] of Object.entries(cm.binaryData ?? {})) data.set(k, Buffer.from(v, 'base64'));
      return data;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      if (optional === true) return undefined;
      throw new VolumeNotReady(`configmap "${name}" not found`);
    }
  }

  private async secretData(
    name: string,
    optional: boolean | undefined,
  ): Promise<Map<string, Buffer> | undefined> {
    try {
      const secret = await this.core.readNamespacedSecret({ namespace: this.namespace, name });
      return new Map(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      if (optional === true) return undefined;
      throw new VolumeNotReady(`secret "${name}" not found`);
    }
  }

  private keyed(
    data: Map<string, Buffer> | undefined,
    items: readonly V1KeyToPath[] | undefined,
    defaultMode: number,
    what: string,
  ): ProjectedFile[] {
    if (data === undefined) return [];
    if (items === undefined)
      return [...data].map(([path, bytes]) => ({ path, data: bytes, mode: defaultMode }));
    return items.map((item) => {
      const bytes = data.get(item.key);
      if (bytes === undefined) throw new VolumeNotReady(`${what} has no key ${item.key}`);
      return { path: item.path, data: bytes, mode: item.mode ?? defaultMode };
    });
  }

  private async token(
    volume: string,
    source: NonNullable<V1VolumeProjection['serviceAccountToken']>,
  ): Promise<string> {
    const key = `${volume}/${source.path}/${source.audience ?? ''}`;
    const held = this.tokens.get(key);
    if (held !== undefined && Date.now() < held.renewAtMs) return held.token;
    const expirationSeconds = source.expirationSeconds ?? 3600;
    const response = await this.core.createNamespacedServiceAccountToken({
      namespace: this.namespace,
      name: this.pod.spec?.serviceAccountName ?? 'default',
      body: {
        spec: {
          audiences: source.audience === undefined ? [] : [source.audience],
          expirationSeconds,
          boundObjectRef: {
            apiVersion: 'v1',
            kind: 'Pod',
            name: this.pod.metadata!.name!,
            uid: this.pod.metadata!.uid!,
          },
        },
      },
    });
    const token = response.status!.token;
    this.tokens.set(key, { token, renewAtMs: Date.now() + expirationSeconds * 1000 * TOKEN_RENEW_FRACTION });
    return token;
  }

  private async projectedFiles(volume: V1Volume): Promise<ProjectedFile[]> {
    const files: ProjectedFile[] = [];
    const downward = (items: NonNullable<V1Volume['downwardAPI']>['items'], mode: number) => {
      for (const item of items ?? []) {
        if (item.fieldRef === undefined)
          throw new Error(`downwardAPI ${item.path}: only fieldRef is supported`);
        const value = fieldValue(item.fieldRef.fieldPath, { pod: this.pod, ...this.addresses });
        files.push({ path: item.path, data: Buffer.from(value, 'utf8'), mode: item.mode ?? mode });
      }
    };
    if (volume.configMap !== undefined) {
      const { name, items, optional, defaultMode } = volume.configMap;
      files.push(
        ...this.keyed(
          await this.configMapData(name!, optional),
          items,
          defaultMode ?? 0o644,
          `configmap ${name}`,
        ),
      );
    } else if (volume.secret !== undefined) {
      const { secretName, items, optional, defaultMode } = volume.secret;
      files.push(
        ...this.keyed(
          await this.secretData(secretName!, optional),
          items,
          defaultMode ?? 0o644,
          `secret ${secretName}`,
        ),
      );
    } else if (volume.downwardAPI !== undefined) {
      downward(volume.downwardAPI.items, volume.downwardAPI.defaultMode ?? 0o644);
    } else if (volume.projected !== undefined) {
      const mode = volume.projected.defaultMode ?? 0o644;
      for (const source of volume.projected.sources ?? []) {
        if (source.configMap !== undefined) {
          const { name, items, optional } = source.configMap;
          files.push(
            ...this.keyed(await this.configMapData(name!, optional), items, mode, `configmap ${name}`),
          );
        } else if (source.secret !== undefined) {
          const { name, items, optional } = source.secret;
          files.push(...this.keyed(await this.secretData(name!, optional), items, mode, `secret ${name}`));
        } else if (source.downwardAPI !== undefined) {
          downward(source.downwardAPI.items, mode);
        } else if (source.serviceAccountToken !== undefined) {
          const token = await this.token(volume.name, source.serviceAccountToken);
          files.push({ path: source.serviceAccountToken.path, data: Buffer.from(token, 'utf8'), mode });
        } else {
          throw new Error(
            `projected volume ${volume.name}: unsupported source ${Object.keys(source).join(',')}`,
          );
        }
      }
    }
    return files;
  }

  /** The kubelet's AtomicWriter layout; nothing is written when the payload did not change. */
  private writeAtomically(name: string, dir: string, files: readonly ProjectedFile[]): void {
    const hash = createHash('sha256');
    for (const f of files) hash.update(`${f.path}\0${f.mode}\0`).update(f.data).update('\0');
    const digest = hash.digest('hex');
    if (this.payloadHashes.get(name) === digest && existsSync(join(dir, '..data'))) return;
    mkdirSync(dir, { recursive: true });
    const stamp = `..${new Date().toISOString().replace(/[:.]/g, '_')}.${digest.slice(0, 8)}`;
    const stampDir = join(dir, stamp);
    for (const f of files) {
      const path = join(stampDir, f.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.data, { mode: f.mode });
      chmodSync(path, f.mode);
      if (this.fsGroup !== undefined) chownSync(path, 0, this.fsGroup);
    }
    mkdirSync(stampDir, { recursive: true });
    const tmpLink = join(dir, '..data_tmp');
    rmSync(tmpLink, { force: true });
    symlinkSync(stamp, tmpLink);
    const oldStamp = existsSync(join(dir, '..data')) ? readlinkSync(join(dir, '..data')) : undefined;
    renameSync(tmpLink, join(dir, '..data'));
    const top = new Set(files.map((f) => f.path.split('/')[0]!));
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith('..') || top.has(entry)) continue;
      rmSync(join(dir, entry), { force: true });
    }
    for (const entry of top) {
      if (!existsSync(join(dir, entry))) symlinkSync(join('..data', entry), join(dir, entry));
    }
    if (oldStamp !== undefined && oldStamp !== stamp)
      rmSync(join(dir, oldStamp), { recursive: true, force: true });
    this.payloadHashes.set(name, digest);
  }
}

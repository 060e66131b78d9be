/**
 * A dynamic provisioner and resizer for the pod tier's StorageClass, in the manner of
 * rancher/local-path-provisioner (kind's default class), with `allowVolumeExpansion: true`:
 *
 * - Provision: a claim of the class, which the PersistentVolume controller annotated with
 *   `volume.kubernetes.io/storage-provisioner: <ours>`, gets a `local` PersistentVolume backed by a new
 *   directory of the node the scheduler picked (`volume.kubernetes.io/selected-node`, the class binding in
 *   WaitForFirstConsumer mode), with node affinity to it, its claimRef set; the PersistentVolume
 *   controller then binds the two. The directory outlives the pod, as a disk does.
 * - Delete: a Released volume of ours with reclaim policy Delete loses its directory, then the object.
 * - Expand: a bound claim whose request grew past its status capacity (the API server allows it only for
 *   a class with allowVolumeExpansion) gets the volume's capacity raised, then the claim's status
 *   capacity and allocatedResources, its resize conditions cleared: expansion complete, online.
 *
 * A volume is a plain directory (its size is bookkeeping: a directory has none), or, for a class added with
 * `sized`, a tmpfs of the claim's size mounted on that directory in this process's mount namespace: the
 * containers bind it, so a process in a pod sees the size (statfs, `df`), and an expansion is a remount with
 * the new size, which every bind of it sees at once: the online file-system growth of a CSI driver's
 * NodeExpandVolume. Its content lives in memory: for small volumes of tests that check sizes
 * (docs/operations.md, "The pod tier").
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  CoreV1Api,
  type Informer,
  type KubeConfig,
  makeInformer,
  PatchStrategy,
  StorageV1Api,
  setHeaderOptions,
  type V1PersistentVolume,
  type V1PersistentVolumeClaim,
} from '@kubernetes/client-node';
import { isConflict } from '../../../operator/kube/api-error.js';
import { parseQuantity } from '../../../operator/planning/quantity.js';

export const PROVISIONER_NAME = 'tributary.test/local';
const SELECTED_NODE = 'volume.kubernetes.io/selected-node';
const STORAGE_PROVISIONER = [
  'volume.kubernetes.io/storage-provisioner',
  'volume.beta.kubernetes.io/storage-provisioner',
];
const PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
const RESTART_MS = 1000;

/** A StorageClass the provisioner serves. */
export interface VolumeClass {
  readonly name: string;
  readonly allowVolumeExpansion: boolean;
  /** Each volume a tmpfs of the claim's size (see the file comment); a plain directory otherwise. */
  readonly sized?: boolean;
}

/** A tmpfs `size=` option: whole bytes, at least one page. */
function tmpfsBytes(quantity: string): number {
  const bytes = Math.ceil(parseQuantity(quantity));
  if (!Number.isFinite(bytes) || bytes <= 0) throw new Error(`cannot size a volume of ${quantity}`);
  return Math.max(bytes, 4096);
}

export interface ProvisionerOptions {
  readonly kc: KubeConfig;
  /** The StorageClass to create and serve. */
  readonly storageClass: string;
  /** Whether the class is the cluster's default (claims without storageClassName get it). */
  readonly isDefault: boolean;
  /** Volume directories go to `<dir>/<node>/<pv name>`. */
  readonly dir: string;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

export class LocalProvisioner {
  private readonly core: CoreV1Api;
  private readonly storage: StorageV1Api;
  private readonly informers: Informer<V1PersistentVolumeClaim | V1PersistentVolume>[] = [];
  private readonly inFlight = new Set<string>();
  private readonly classes = new Map<string, VolumeClass>();
  /** Directories with a tmpfs of ours mounted on them. */
  private readonly mounts = new Set<string>();
  private stopped = false;

  constructor(private readonly options: ProvisionerOptions) {
    this.core = options.kc.makeApiClient(CoreV1Api);
    this.storage = options.kc.makeApiClient(StorageV1Api);
  }

  /** Creates the StorageClass `volumeClass` names and serves its claims. */
  async addClass(volumeClass: VolumeClass, isDefault = false): Promise<void> {
    if (this.classes.has(volumeClass.name)) throw new Error(`class ${volumeClass.name} is served already`);
    await this.storage.createStorageClass({
      body: {
        metadata: {
          name: volumeClass.name,
          ...(isDefault && { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }),
        },
        provisioner: PROVISIONER_NAME,
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'WaitForFirstConsumer',
        allowVolumeExpansion: volumeClass.allowVolumeExpansion,
      },
    });
    this.classes.set(volumeClass.name, volumeClass);
  }

  async start(): Promise<void> {
    await this.addClass(
      { name: this.options.storageClass, allowVolumeExpansion: true },
      this.options.isDefault,
    );
    const claims = makeInformer<V1PersistentVolumeClaim>(
      this.options.kc,
      '/api/v1/persistentvolumeclaims',
      () => this.core.listPersistentVolumeClaimForAllNamespaces(),
    );
    const volumes = makeInformer<V1PersistentVolume>(this.options.kc, '/api/v1/persistentvolumes', () =>
      this.core.listPersistentVolume(),
    );
    const onClaim = (claim: V1PersistentVolumeClaim) =>
      void this.once(`claim/${claim.metadata?.uid}`, () => this.claim(claim));
    const onVolume = (pv: V1PersistentVolume) =>
      void this.once(`pv/${pv.metadata?.uid}`, () => this.volume(pv));
    claims.on('add', onClaim);
    claims.on('update', onClaim);
    volumes.on('add', onVolume);
    volumes.on('update', onVolume);
    for (const informer of [claims, volumes] as Informer<V1PersistentVolumeClaim | V1PersistentVolume>[]) {
      informer.on('error', () => {
        if (!this.stopped) setTimeout(() => void informer.start().catch(() => undefined), RESTART_MS);
      });
      this.informers.push(informer);
    }
    await Promise.all([claims.start(), volumes.start()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.informers.map((i) => i.stop()));
    // Lazily: containers still running keep their binds (in their own namespaces) until they end.
    for (const path of this.mounts) execFileSync('umount', ['--lazy', path]);
    this.mounts.clear();
  }

  /** Runs `work` unless work for the same key is running (the next event retries). */
  private async once(key: string, work: () => Promise<void>): Promise<void> {
    if (this.inFlight.has(key) || this.stopped) return;
    this.inFlight.add(key);
    try {
      await work();
    } catch (err) {
      this.options.log?.('provisioner step failed', { key, error: String(err) });
    } finally {
      this.inFlight.delete(key);
    }
  }

  private classOf(claim: V1PersistentVolumeClaim): VolumeClass | undefined {
    return this.classes.get(claim.spec?.storageClassName ?? '');
  }

  private async claim(claim: V1PersistentVolumeClaim): Promise<void> {
    if (this.classOf(claim) === undefined || claim.metadata?.deletionTimestamp !== undefined) return;
    const annotations = claim.metadata?.annotations ?? {};
    if (claim.status?.phase === 'Pending' && (claim.spec?.volumeName ?? '') === '') {
      if (!STORAGE_PROVISIONER.some((a) => annotations[a] === PROVISIONER_NAME)) return;
      const node = annotations[SELECTED_NODE];
      if (node === undefined) return;
      await this.provision(claim, node);
    } else if (claim.status?.phase === 'Bound') {
      await this.expand(claim);
    }
  }

  private async provision(claim: V1PersistentVolumeClaim, node: string): Promise<void> {
    const name = `pvc-${claim.metadata!.uid}`;
    const path = join(this.options.dir, node, name);
    const size = claim.spec!.resources!.requests!['storage']!;
    mkdirSync(path, { recursive: true, mode: 0o777 });
    if (this.classOf(claim)?.sized === true && !this.mounts.has(path)) {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${tmpfsBytes(size)},mode=0777`, 'tmpfs', path]);
      this.mounts.add(path);
    }
    try {
      await this.core.createPersistentVolume({
        body: {
          metadata: { name, annotations: { [PROVISIONED_BY]: PROVISIONER_NAME } },
          spec: {
            capacity: { storage: size },
            accessModes: claim.spec!.accessModes ?? ['ReadWriteOnce'],
            persistentVolumeReclaimPolicy: 'Delete',
            storageClassName: this.options.storageClass,
            volumeMode: claim.spec?.volumeMode ?? 'Filesystem',
            claimRef: {
              apiVersion: 'v1',
              kind: 'PersistentVolumeClaim',
              namespace: claim.metadata!.namespace!,
              name: claim.metadata!.name!,
              uid: claim.metadata!.uid!,
            },
            local: { path },
            nodeAffinity: {
              required: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
                ],
              },
            },
          },
        },
      });
      this.options.log?.('provisioned', {
        claim: `${claim.metadata!.namespace}/${claim.metadata!.name}`,
        pv: name,
        node,
      });
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }

  private async expand(claim: V1PersistentVolumeClaim): Promise<void> {
    const requested = claim.spec?.resources?.requests?.['storage'];
    const current = claim.status?.capacity?.['storage'];
    const pvName = claim.spec?.volumeName;
    if (requested === undefined || current === undefined || pvName === undefined) return;
    if (!(parseQuantity(requested) > parseQuantity(current))) return;
    const pv = await this.core.readPersistentVolume({ name: pvName });
    if (pv.metadata?.annotations?.[PROVISIONED_BY] !== PROVISIONER_NAME) return;
    const pvSize = pv.spec?.capacity?.['storage'];
    const path = pv.spec?.local?.path;
    if (path !== undefined && this.mounts.has(path)) {
      // Online, as a file system grows under a mounted volume: every container's bind sees the new size.
      execFileSync('mount', ['-o', `remount,size=${tmpfsBytes(requested)}`, path]);
    }
    if (pvSize === undefined || parseQuantity(pvSize) < parseQuantity(requested)) {
      await this.core.patchPersistentVolume(
        { name: pvName, body: { spec: { capacity: { storage: requested } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    }
    await this.core.patchNamespacedPersistentVolumeClaimStatus(
      {
        namespace: claim.metadata!.namespace!,
        name: claim.metadata!.name!,
        body: {
          status: {
            capacity: { storage: requested },
            allocatedResources: { storage: requested },
            allocatedResourceStatuses: null,
            conditions: null,
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    this.options.log?.('expanded', {
      claim: `${claim.metadata!.namespace}/${claim.metadata!.name}`,
      size: requested,
    });
  }

  private async volume(pv: V1PersistentVolume): Promise<void> {
    if (pv.metadata?.annotations?.[PROVISIONED_BY] !== PROVISIONER_NAME) return;
    if (pv.status?.phase !== 'Released' || pv.spec?.persistentVolumeReclaimPolicy !== 'Delete') return;
    const path = pv.spec?.local?.path;
    if (path !== undefined && this.mounts.delete(path)) execFileSync('umount', ['--lazy', path]);
    if (path?.startsWith(`${this.options.dir}/`)) rmSync(path, { recursive: true, force: true });
    await this.core.deletePersistentVolume({ name: pv.metadata!.name! }).catch((err: { code?: number }) => {
      if (err.code !== 404) throw err;
    });
  }
}

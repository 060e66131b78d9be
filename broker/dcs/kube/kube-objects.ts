import { createHash, randomBytes } from 'node:crypto';
import type { VersionedValue } from '../dcs.js';

/**
 * How the `kubernetes` DCS backend lays the store out in Kubernetes objects (see kube-dcs.ts for the
 * design). Everything about names, labels, annotations and values is here, in one place.
 *
 * - A key is a ConfigMap named `<prefix>-<slug>-<hash>`: `slug` is the key lowercased with every run of
 *   other characters than [a-z0-9] turned into `-` (at most 40 characters, for `kubectl get`), `hash` the
 *   first 12 hex digits of the key's SHA-256 (keys are case-sensitive and may differ only in punctuation).
 *   The real key is the annotation `tributary.dev/key`; an object whose annotation names another key is a
 *   hash collision and refused, never read as the wrong key.
 * - Each write sets the annotation `tributary.dev/write` to a random value, so it always changes the object.
 * - Its value is `data.value` when the bytes are UTF-8 text (readable with kubectl), else
 *   `binaryData.value`.
 * - Its version is `metadata.resourceVersion` read as an integer: the etcd revision of the object's last
 *   change, so versions are unique across keys and rise, as the DCS interface requires (Kubernetes 1.35
 *   made resource versions of one resource formally comparable integers, KEP-5504; earlier versions
 *   behave the same). An object whose resourceVersion is not such an integer is unreadable.
 * - A session is a Lease named `<prefix>-session-<id>` (`id` decimal). A key written with a session
 *   carries the label `tributary.dev/session: <id>` and an ownerReference to the Lease.
 * - Every object carries `tributary.dev/dcs: <prefix>`: one labelled list or watch covers a cluster, and
 *   clusters with different prefixes can share a namespace.
 */

export const DCS_LABEL = 'tributary.dev/dcs';
export const SESSION_LABEL = 'tributary.dev/session';
export const KEY_ANNOTATION = 'tributary.dev/key';
/**
 * A random value per write: an update with the same content as before would otherwise be a no-op for the
 * API server (same resourceVersion, no watch event), and a compare-and-set must always make a new version.
 */
export const WRITE_ANNOTATION = 'tributary.dev/write';
/** Shown by `kubectl get -l` and kept apart from the operator's objects (managed-by differs). */
const COMMON_LABELS = {
  'app.kubernetes.io/part-of': 'tributary',
  'app.kubernetes.io/component': 'dcs',
  'app.kubernetes.io/managed-by': 'tributary-broker',
} as const;

/** ConfigMaps hold at most 1 MiB of data; a little is left for the annotation and metadata. */
export const VALUE_BYTES_MAX = 1024 * 1024 - 4096;
const SLUG_CHARS_MAX = 40;

/** The subset of ObjectMeta this backend reads and writes. */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

export interface ConfigMapObject {
  apiVersion?: 'v1';
  kind?: 'ConfigMap';
  metadata: ObjectMeta;
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

export interface LeaseObject {
  apiVersion?: 'coordination.k8s.io/v1';
  kind?: 'Lease';
  metadata: ObjectMeta;
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
  };
}

export const CONFIGMAPS = 'configmaps';
export const LEASES = 'leases';

/** REST path of a namespaced collection (and of one object in it, given a name). */
export function resourcePath(namespace: string, resource: typeof CONFIGMAPS | typeof LEASES, name?: string) {
  const base =
    resource === CONFIGMAPS
      ? `/api/v1/namespaces/${namespace}/configmaps`
      : `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}

/** The prefix must fit in a label value and start object names: a DNS-1123 label with dots allowed. */
export function assertValidKubePrefix(prefix: string): void {
  if (!/^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/.test(prefix) || prefix.includes('..')) {
    throw new Error(
      `invalid DCS prefix ${JSON.stringify(prefix)} for the kubernetes backend: use up to 63 lowercase ` +
        'letters, digits, "-" and "." that start and end with a letter or digit (the Cluster name)',
    );
  }
}

export function assertValidNamespace(namespace: string): void {
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
    throw new Error(`invalid Kubernetes namespace ${JSON.stringify(namespace)}`);
  }
}

export function keyObjectName(prefix: string, key: string): string {
  const slug = key
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, SLUG_CHARS_MAX)
    .replace(/^-+|-+$/g, '');
  const hash = createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 12);
  return slug === '' ? `${prefix}-${hash}` : `${prefix}-${slug}-${hash}`;
}

export function sessionLeaseName(prefix: string, sessionId: string): string {
  return `${prefix}-session-${sessionId}`;
}

/** `tributary.dev/dcs=<prefix>`, plus `,tributary.dev/session=<id>` for one session's keys. */
export function selectorOf(prefix: string, sessionId?: string): string {
  return sessionId === undefined
    ? `${DCS_LABEL}=${prefix}`
    : `${DCS_LABEL}=${prefix},${SESSION_LABEL}=${sessionId}`;
}

export function labelsOf(prefix: string, sessionId?: string): Record<string, string> {
  return {
    ...COMMON_LABELS,
    [DCS_LABEL]: prefix,
    ...(sessionId === undefined ? {} : { [SESSION_LABEL]: sessionId }),
  };
}

/** The ConfigMap that stores `key` = `value`, ephemeral under `session` when given. */
export function keyObject(
  prefix: string,
  namespace: string,
  key: string,
  value: Buffer,
  session?: { id: string; leaseName: string; leaseUid: string },
): ConfigMapObject {
  if (value.length > VALUE_BYTES_MAX) {
    throw new Error(
      `DCS value of ${key} is ${value.length} bytes; the kubernetes backend stores at most ${VALUE_BYTES_MAX}`,
    );
  }
  const text = value.toString('utf8');
  // Invalid UTF-8 decodes to replacement characters, which do not encode back to the same bytes.
  const isText = Buffer.from(text, 'utf8').equals(value);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: keyObjectName(prefix, key),
      namespace,
      labels: labelsOf(prefix, session?.id),
      annotations: { [KEY_ANNOTATION]: key, [WRITE_ANNOTATION]: randomBytes(8).toString('hex') },
      ...(session === undefined
        ? {}
        : {
            ownerReferences: [
              {
                apiVersion: 'coordination.k8s.io/v1',
                kind: 'Lease',
                name: session.leaseName,
                uid: session.leaseUid,
              },
            ],
          }),
    },
    ...(isText ? { data: { value: text } } : { binaryData: { value: value.toString('base64') } }),
  };
}

/** A resourceVersion as a DCS version; throws on anything but a positive safe integer. */
export function versionOf(meta: ObjectMeta | undefined): number {
  const rv = meta?.resourceVersion ?? '';
  const n = /^[1-9][0-9]{0,15}$/.test(rv) ? Number(rv) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new Error(`resourceVersion ${JSON.stringify(rv)} is not an integer this backend can compare`);
  }
  return n;
}

/**
 * The store entry a ConfigMap holds. `expectedKey` is the key whose name was read: an object there
 * without the annotation is taken as that key (its name says so), one naming another key is a hash
 * collision and refused. An object found by a list needs the annotation. A missing value reads as empty
 * bytes, which the value's reader then refuses and skips (as it would any unreadable value), rather than
 * the store failing every read of the key.
 */
export function entryOf(
  cm: ConfigMapObject,
  expectedKey?: string,
): VersionedValue & { session: string | undefined } {
  const annotated = cm.metadata?.annotations?.[KEY_ANNOTATION];
  const key = annotated ?? expectedKey;
  if (typeof key !== 'string' || key === '') {
    throw new Error(`ConfigMap ${cm.metadata?.name} has no ${KEY_ANNOTATION} annotation`);
  }
  if (expectedKey !== undefined && key !== expectedKey) {
    throw new Error(`ConfigMap ${cm.metadata.name} holds key ${key}, not ${expectedKey} (a name collision)`);
  }
  const text = cm.data?.value;
  const base64 = cm.binaryData?.value;
  const value =
    typeof text === 'string'
      ? Buffer.from(text, 'utf8')
      : typeof base64 === 'string'
        ? Buffer.from(base64, 'base64')
        : Buffer.alloc(0);
  return { key, value, version: versionOf(cm.metadata), session: cm.metadata.labels?.[SESSION_LABEL] };
}

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

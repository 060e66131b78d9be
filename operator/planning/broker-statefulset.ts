/**
 * The brokers' StatefulSet `<name>`: one pod and one persistent volume per broker, pod `<name>-<i>` being
 * broker `i` (its id comes from the pod-index label, so it survives rescheduling with its volume).
 *
 * - updateStrategy OnDelete: Kubernetes never restarts brokers on its own; the operator's roller
 *   (roll-plan.ts) deletes one pod at a time when it is safe for the partitions' in-sync replicas.
 * - podManagementPolicy Parallel: brokers start together (they wait for each other through the DCS, and
 *   ordered start-up would only slow a cluster restart).
 * - persistentVolumeClaimRetentionPolicy: claims are kept when the Cluster is deleted; on a scale-down
 *   they are kept or deleted with the removed brokers' pods as spec.scaleDownPolicy.volumes says.
 * - Settings the operator owns arrive as TRIBUTARY_* environment variables (they win over the config
 *   file); the user's spec.config arrives as /etc/tributary/broker.yaml.
 * - enableServiceLinks is off: Kubernetes would otherwise inject `<SERVICE>_PORT` variables, and a Service
 *   named `tributary` would set TRIBUTARY_PORT=tcp://..., which the broker reads as its own port.
 * - Hardened: non-root UID 10001, read-only root filesystem with a writable emptyDir at /tmp, no
 *   capabilities, no privilege escalation, the RuntimeDefault seccomp profile.
 * - Spread: at most one broker more on any node than on another (hard, tainted nodes not counted), and
 *   the same across `spec.rack.topologyKey` domains when possible (soft: nodes without the label still
 *   take brokers). `spec.podTemplate` is merged last and may replace any of this.
 */
import type { V1EnvVar, V1PodSpec, V1StatefulSet } from '@kubernetes/client-node';
import { BROKER_CONFIG_DIR, BROKER_CONFIG_FILE, configMapName } from './broker-config-map.js';
import { clusterNames } from './cluster-names.js';
import { ANNOTATION_CONFIG_HASH, ANNOTATION_RESTART, selectorLabels } from './labels.js';
import { mergePodSpec } from './pod-spec-merge.js';
import { ownedMeta, type ResolvedCluster } from './resolved-cluster.js';

export const BROKER_CONTAINER = 'broker';
export const BROKER_UID = 10001;
export const DATA_DIR = '/var/lib/tributary';
export const DATA_VOLUME = 'data';
const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
const TMP_SIZE_LIMIT = '256Mi';
/** Longer than the broker's own shutdown grace (10 s by default) plus leadership hand-over. */
const TERMINATION_GRACE_SECONDS = 60;

export interface StatefulSetInputs {
  /** Pods to run; below spec.brokers only while a scale-down waits (see cluster-plan.ts). */
  replicas: number;
  /** Hash of broker.yaml: names the ConfigMap the pods mount, and goes on the pod template. */
  configHash: string;
  /** The volume claim template's size and class (the existing ones until the StatefulSet is replaced). */
  volume: { size: string; storageClassName?: string | undefined };
  /**
   * The uid of the existing StatefulSet this one updates: the API server then refuses to create it (409) when
   * that one is gone, so a stale cache can never bring a StatefulSet back from an old copy.
   */
  uid?: string | undefined;
}

/** Quantities as strings: client-node's types want strings, the CRD allows `cpu: 1` (int-or-string). */
function quantities(map: Record<string, number | string> | undefined): Record<string, string> | undefined {
  if (map === undefined) return undefined;
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, String(v)]));
}

function fieldEnv(name: string, fieldPath: string): V1EnvVar {
  return { name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } };
}

function brokerEnv(ctx: ResolvedCluster): V1EnvVar[] {
  const names = clusterNames(ctx.name);
  return [
    // First: later values refer to these with $(VAR), which only sees variables defined before them.
    fieldEnv('POD_NAME', 'metadata.name'),
    fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
    fieldEnv('TRIBUTARY_NODE_ID', `metadata.labels['${POD_INDEX_LABEL}']`),
    {
      name: 'TRIBUTARY_ADVERTISED_HOST',
      value: `$(POD_NAME).${names.headlessService}.$(POD_NAMESPACE).svc`,
    },
    { name: 'TRIBUTARY_HOST', value: '0.0.0.0' },
    { name: 'TRIBUTARY_PORT', value: String(ctx.spec.listeners.client.port) },
    { name: 'TRIBUTARY_METRICS_HOST', value: '0.0.0.0' },
    { name: 'TRIBUTARY_METRICS_PORT', value: String(ctx.spec.listeners.metrics.port) },
    { name: 'TRIBUTARY_DCS', value: 'kubernetes' },
    { name: 'TRIBUTARY_DCS_PREFIX', value: ctx.name },
    fieldEnv('TRIBUTARY_DCS_KUBE_NAMESPACE', 'metadata.namespace'),
    { name: 'TRIBUTARY_DATA_DIR', value: DATA_DIR },
  ];
}

function brokerPodSpec(ctx: ResolvedCluster, configHash: string): V1PodSpec {
  const { spec } = ctx;
  const clientPort = spec.listeners.client.port;
  const selector = { matchLabels: selectorLabels(ctx.name) };
  const grpcProbe = { grpc: { port: clientPort } };
  return {
    serviceAccountName: clusterNames(ctx.name).serviceAccount,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: BROKER_UID,
      runAsGroup: BROKER_UID,
      fsGroup: BROKER_UID,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    },
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'DoNotSchedule',
        nodeTaintsPolicy: 'Honor',
        labelSelector: selector,
      },
      {
        maxSkew: 1,
        topologyKey: spec.rack.topologyKey,
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: selector,
      },
    ],
    containers: [
      {
        name: BROKER_CONTAINER,
        image: spec.image ?? `tributary/broker:${spec.version}`,
        ...(spec.imagePullPolicy === undefined ? {} : { imagePullPolicy: spec.imagePullPolicy }),
        command: [
          'node',
          '/app/bin/tributary.js',
          'broker',
          'start',
          '--config',
          `${BROKER_CONFIG_DIR}/${BROKER_CONFIG_FILE}`,
        ],
        ports: [
          { name: 'client', containerPort: clientPort, protocol: 'TCP' },
          { name: 'metrics', containerPort: spec.listeners.metrics.port, protocol: 'TCP' },
        ],
        env: brokerEnv(ctx),
        ...(spec.resources === undefined
          ? {}
          : {
              resources: {
                ...(spec.resources.requests === undefined
                  ? {}
                  : { requests: quantities(spec.resources.requests) }),
                ...(spec.resources.limits === undefined ? {} : { limits: quantities(spec.resources.limits) }),
              },
            }),
        // Recovery after a crash scans segment tails: give it up to 10 minutes before liveness counts.
        startupProbe: { ...grpcProbe, periodSeconds: 10, failureThreshold: 60, timeoutSeconds: 5 },
        livenessProbe: { ...grpcProbe, periodSeconds: 10, failureThreshold: 6, timeoutSeconds: 5 },
        readinessProbe: { ...grpcProbe, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 5 },
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          runAsUser: BROKER_UID,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        },
        volumeMounts: [
          { name: DATA_VOLUME, mountPath: DATA_DIR },
          { name: 'config', mountPath: BROKER_CONFIG_DIR, readOnly: true },
          { name: 'tmp', mountPath: '/tmp' },
        ],
      },
    ],
    volumes: [
      { name: 'config', configMap: { name: configMapName(ctx.name, configHash) } },
      { name: 'tmp', emptyDir: { sizeLimit: TMP_SIZE_LIMIT } },
    ],
  };
}

export function brokerStatefulSet(ctx: ResolvedCluster, inputs: StatefulSetInputs): V1StatefulSet {
  const names = clusterNames(ctx.name);
  const template = ctx.spec.podTemplate;
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: {
      ...ownedMeta(ctx, names.statefulSet),
      ...(inputs.uid === undefined ? {} : { uid: inputs.uid }),
    },
    spec: {
      replicas: inputs.replicas,
      serviceName: names.headlessService,
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'OnDelete' },
      // A scale-down removes only drained brokers (scale-plan.ts); their volumes go with them on request.
      // Deleting the Cluster never deletes volumes.
      persistentVolumeClaimRetentionPolicy: {
        whenScaled: ctx.spec.scaleDownPolicy.volumes === 'Delete' ? 'Delete' : 'Retain',
        whenDeleted: 'Retain',
      },
      selector: { matchLabels: selectorLabels(ctx.name) },
      template: {
        metadata: {
          // The user's first, so the standard labels and the config hash always win.
          labels: { ...template?.metadata?.labels, ...ctx.labels },
          annotations: {
            ...template?.metadata?.annotations,
            [ANNOTATION_CONFIG_HASH]: inputs.configHash,
            // The Cluster's restart annotation: a new value is a new revision, which the roller rolls.
            ...(ctx.restart === undefined ? {} : { [ANNOTATION_RESTART]: ctx.restart }),
          },
        },
        spec: mergePodSpec(brokerPodSpec(ctx, inputs.configHash), template?.spec),
      },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: DATA_VOLUME, labels: { ...ctx.labels } },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: inputs.volume.size } },
            ...(inputs.volume.storageClassName === undefined
              ? {}
              : { storageClassName: inputs.volume.storageClassName }),
          },
        },
      ],
    },
  };
}

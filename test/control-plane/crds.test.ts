import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  KubeConfig,
  loadYaml,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  CLUSTER_PLURAL,
  type Cluster,
  GROUP,
  TOPIC_PLURAL,
  type Topic,
  USER_PLURAL,
  type User,
  VERSION,
} from '../../operator/api/v1alpha1.js';
import { type KubeControlPlane, startKubeControlPlane } from '../helpers/kube-apiserver.js';

// The CRDs in crds/ against a real kube-apiserver: they install, fill in defaults, refuse bad objects with
// messages a user can act on (schema and CEL rules), serve the scale subresource, publish their descriptions
// (what `kubectl explain` reads) and their printer columns.

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CRD_FILES = ['tributary.dev_clusters.yaml', 'tributary.dev_topics.yaml', 'tributary.dev_users.yaml'];
const ESTABLISHED_MS_MAX = 30_000;
const NAMESPACE = 'default';

type Plural = typeof CLUSTER_PLURAL | typeof TOPIC_PLURAL | typeof USER_PLURAL;
type Json = Record<string, unknown>;

/** The CRD as plain data, keys as in the file. */
function readCrd(file: string): Json & { spec: { names: { kind: string }; versions: Json[] } } {
  return parse(readFileSync(join(repoRoot, 'crds', file), 'utf8'));
}

/**
 * The CRD as client-node's model. client-node serializes request bodies through its models, which name
 * `default` and the `x-kubernetes-*` keys differently: a plain parsed object would lose them silently.
 */
function loadCrd(file: string): V1CustomResourceDefinition {
  return loadYaml<V1CustomResourceDefinition>(readFileSync(join(repoRoot, 'crds', file), 'utf8'));
}

/** Installs the CRDs and waits until the API server serves them. */
async function installCrds(kc: KubeConfig): Promise<void> {
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  for (const file of CRD_FILES) await ext.createCustomResourceDefinition({ body: loadCrd(file) });
  const deadline = Date.now() + ESTABLISHED_MS_MAX;
  for (const file of CRD_FILES) {
    const name = loadCrd(file).metadata!.name!;
    for (;;) {
      const crd = await ext.readCustomResourceDefinition({ name });
      const established = crd.status?.conditions?.find((c) => c.type === 'Established');
      if (established?.status === 'True') break;
      if (Date.now() > deadline) throw new Error(`${name} not Established after ${ESTABLISHED_MS_MAX} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('CRDs', () => {
  let plane: KubeControlPlane;
  let kc: KubeConfig;
  let objects: CustomObjectsApi;

  const create = (plural: Plural, body: Json) =>
    objects.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: NAMESPACE,
      plural,
      body,
    });
  const get = (plural: Plural, name: string) =>
    objects.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NAMESPACE, plural, name });
  /** Reads the object, changes it and writes it back (an update, so CEL transition rules run). */
  const update = async (plural: Plural, name: string, change: (o: Json & { spec: Json }) => void) => {
    const body = (await get(plural, name)) as Json & { spec: Json };
    change(body);
    return objects.replaceNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: NAMESPACE,
      plural,
      name,
      body,
    });
  };
  /** The API server's message for a refused request (asserting it was refused as invalid). */
  const refusal = async (request: Promise<unknown>): Promise<string> => {
    const err = await request.then(
      () => {
        throw new Error('the API server accepted an object it should refuse');
      },
      (e: unknown) => e as { code?: number; body?: unknown },
    );
    expect(err.code).toBe(422);
    const body = typeof err.body === 'string' ? (JSON.parse(err.body) as Json) : (err.body as Json);
    return String(body.message);
  };
  const raw = (path: string, accept = 'application/json') => rawGet(plane, path, accept);

  beforeAll(async () => {
    plane = await startKubeControlPlane();
    kc = new KubeConfig();
    kc.loadFromFile(plane.kubeconfigPath);
    objects = kc.makeApiClient(CustomObjectsApi);
    await installCrds(kc);
  }, 180_000);
  afterAll(async () => {
    await plane?.stop();
  });

  it('are served with their short names, category and subresources', async () => {
    const discovery = JSON.parse(await raw(`/apis/${GROUP}/${VERSION}`)) as {
      resources: { name: string; shortNames?: string[]; categories?: string[]; namespaced: boolean }[];
    };
    const byName = new Map(discovery.resources.map((r) => [r.name, r]));
    expect(byName.get('clusters')).toMatchObject({
      namespaced: true,
      shortNames: ['tcluster'],
      categories: ['tributary'],
    });
    expect(byName.get('topics')).toMatchObject({
      namespaced: true,
      shortNames: ['ttopic'],
      categories: ['tributary'],
    });
    expect(byName.get('users')).toMatchObject({
      namespaced: true,
      shortNames: ['tuser'],
      categories: ['tributary'],
    });
    expect([...byName.keys()].sort()).toEqual([
      'clusters',
      'clusters/scale',
      'clusters/status',
      'topics',
      'topics/status',
      'users',
      'users/status',
    ]);
  });

  it('accept a minimal Cluster and Topic and fill in the defaults', async () => {
    await create(CLUSTER_PLURAL, {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'Cluster',
      metadata: { name: 'defaults' },
      spec: { version: '0.1.0' },
    });
    const cluster = (await get(CLUSTER_PLURAL, 'defaults')) as Cluster;
    expect(cluster.spec).toEqual({
      version: '0.1.0',
      brokers: 3,
      storage: { size: '10Gi' },
      listeners: { client: { port: 9292 }, metrics: { port: 9644 } },
      rack: { topologyKey: 'topology.kubernetes.io/zone' },
      balancing: { mode: 'onScale' },
      scaleDownPolicy: { volumes: 'Keep' },
    });

    await create(TOPIC_PLURAL, topic('orders', { cluster: 'defaults', partitions: 6 }));
    const t = (await get(TOPIC_PLURAL, 'orders')) as Topic;
    expect(t.spec).toEqual({ cluster: 'defaults', partitions: 6, replicationFactor: 3 });
  });

  it('accept a Cluster and a Topic that use every field', async () => {
    const spec = {
      brokers: 5,
      version: '0.2.0-rc.1',
      image: 'registry.example/tributary/broker:0.2.0-rc.1',
      imagePullPolicy: 'IfNotPresent',
      storage: { size: '200Gi', storageClassName: 'fast' },
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: 2, memory: '4Gi' } },
      config: { replicaLagTimeMaxMs: '20000', logLevel: 'debug' },
      listeners: { client: { port: 19292 }, metrics: { port: 19644 } },
      rack: { topologyKey: 'kubernetes.io/hostname' },
      balancing: {
        mode: 'continuous',
        throttleBytesPerSecond: '10Mi',
        movesPerBroker: 4,
        imbalanceThresholdPercent: 20,
        goneBrokerGraceSeconds: 600,
      },
      scaleDownPolicy: { volumes: 'Delete' },
      podTemplate: {
        metadata: { labels: { team: 'data' }, annotations: { 'example.com/owner': 'data' } },
        spec: { priorityClassName: 'high', nodeSelector: { disk: 'ssd' } },
      },
    };
    await create(CLUSTER_PLURAL, cluster('full', spec));
    expect(((await get(CLUSTER_PLURAL, 'full')) as Cluster).spec).toEqual(spec);

    const topicSpec = {
      cluster: 'full',
      topicName: 'Payments_v2',
      partitions: 12,
      replicationFactor: 3,
      config: {
        retentionMs: 604_800_000,
        retentionBytes: -1,
        segmentBytes: 1_073_741_824,
        cleanupPolicy: 'compact,delete',
        minInsyncReplicas: 2,
        additional: { 'max.message.bytes': '2097152', 'segment.ms': '3600000' },
      },
    };
    await create(TOPIC_PLURAL, topic('payments', topicSpec));
    expect(((await get(TOPIC_PLURAL, 'payments')) as Topic).spec).toEqual(topicSpec);
  });

  it('refuse objects that break the schema, saying which field and why', async () => {
    expect(await refusal(create(CLUSTER_PLURAL, cluster('c0', { version: '0.1.0', brokers: 0 })))).toContain(
      'spec.brokers: Invalid value: 0: spec.brokers in body should be greater than or equal to 1',
    );
    expect(
      await refusal(create(CLUSTER_PLURAL, cluster('c1', { version: '0.1.0', brokers: 1001 }))),
    ).toContain(
      'spec.brokers: Invalid value: 1001: spec.brokers in body should be less than or equal to 1000',
    );
    expect(
      await refusal(
        create(CLUSTER_PLURAL, cluster('c2', { version: '0.1.0', imagePullPolicy: 'Sometimes' })),
      ),
    ).toContain(
      'spec.imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
    );
    expect(await refusal(create(CLUSTER_PLURAL, cluster('c3', { brokers: 3 })))).toContain(
      'spec.version: Required value',
    );
    expect(await refusal(create(CLUSTER_PLURAL, cluster('c4', { version: 'latest' })))).toContain(
      'spec.version: Invalid value: "latest": spec.version in body should match',
    );
    expect(
      await refusal(
        create(CLUSTER_PLURAL, cluster('c5', { version: '0.1.0', storage: { size: 'ten gigs' } })),
      ),
    ).toContain('spec.storage.size: Invalid value: "ten gigs": spec.storage.size in body should match');
    expect(
      await refusal(create(CLUSTER_PLURAL, cluster('c6', { version: '0.1.0', balancing: { mode: false } }))),
    ).toContain(
      'spec.balancing.mode: Invalid value: "boolean": spec.balancing.mode in body must be of type string',
    );
    expect(
      await refusal(
        create(CLUSTER_PLURAL, cluster('c7', { version: '0.1.0', scaleDownPolicy: { volumes: 'Archive' } })),
      ),
    ).toContain(
      'spec.scaleDownPolicy.volumes: Unsupported value: "Archive": supported values: "Keep", "Delete"',
    );

    expect(await refusal(create(TOPIC_PLURAL, topic('t0', { cluster: 'a', partitions: -1 })))).toContain(
      'spec.partitions: Invalid value: -1: spec.partitions in body should be greater than or equal to 1',
    );
    expect(await refusal(create(TOPIC_PLURAL, topic('t1', { partitions: 1 })))).toContain(
      'spec.cluster: Required value',
    );
    expect(
      await refusal(create(TOPIC_PLURAL, topic('t2', { cluster: 'a', partitions: 1, replicationFactor: 8 }))),
    ).toContain(
      'spec.replicationFactor: Invalid value: 8: spec.replicationFactor in body should be less than or equal to 7',
    );
    expect(
      await refusal(
        create(
          TOPIC_PLURAL,
          topic('t3', { cluster: 'a', partitions: 1, config: { cleanupPolicy: 'archive' } }),
        ),
      ),
    ).toContain(
      'spec.config.cleanupPolicy: Unsupported value: "archive": supported values: "delete", "compact", "compact,delete"',
    );
    expect(
      await refusal(
        create(TOPIC_PLURAL, topic('t4', { cluster: 'a', partitions: 1, config: { segmentBytes: 1024 } })),
      ),
    ).toContain('spec.config.segmentBytes in body should be greater than or equal to 1048576');
    expect(
      await refusal(create(TOPIC_PLURAL, topic('t5', { cluster: 'a', partitions: 1, topicName: 'a topic' }))),
    ).toContain('spec.topicName: Invalid value: "a topic": spec.topicName in body should match');
  });

  it('refuse, by CEL rules, what a schema cannot say', async () => {
    expect(
      await refusal(
        create(
          TOPIC_PLURAL,
          topic('isr', {
            cluster: 'a',
            partitions: 1,
            replicationFactor: 2,
            config: { minInsyncReplicas: 3 },
          }),
        ),
      ),
    ).toContain('config.minInsyncReplicas cannot exceed replicationFactor');
    expect(
      await refusal(
        create(TOPIC_PLURAL, topic('internal', { cluster: 'a', partitions: 1, topicName: '__offsets' })),
      ),
    ).toContain("topicName cannot start with '__'");
    expect(
      await refusal(
        create(
          TOPIC_PLURAL,
          topic('extra', { cluster: 'a', partitions: 1, config: { additional: { 'retention.ms': '1' } } }),
        ),
      ),
    ).toContain('config.additional cannot set retention.ms');
    expect(
      await refusal(create(CLUSTER_PLURAL, cluster('owned', { version: '0.1.0', config: { nodeId: '7' } }))),
    ).toContain('config cannot set nodeId');
    expect(
      await refusal(
        create(CLUSTER_PLURAL, cluster('ports', { version: '0.1.0', listeners: { client: { port: 9644 } } })),
      ),
    ).toContain('listeners.client.port and listeners.metrics.port must differ');
    for (const throttle of ['512', '11Gi']) {
      expect(
        await refusal(
          create(
            CLUSTER_PLURAL,
            cluster(`throttle-${throttle.toLowerCase()}`, {
              version: '0.1.0',
              balancing: { throttleBytesPerSecond: throttle },
            }),
          ),
        ),
      ).toContain('balancing.throttleBytesPerSecond must be from 1Ki to 10Gi');
    }
    expect(
      await refusal(
        create(
          CLUSTER_PLURAL,
          cluster('selector', {
            version: '0.1.0',
            podTemplate: { metadata: { labels: { 'app.kubernetes.io/instance': 'x' } } },
          }),
        ),
      ),
    ).toContain('podTemplate.metadata.labels cannot set app.kubernetes.io/name, instance or component');
    expect(await refusal(create(CLUSTER_PLURAL, cluster('c'.repeat(53), { version: '0.1.0' })))).toContain(
      'metadata.name must be at most 52 characters',
    );

    await create(TOPIC_PLURAL, topic('events', { cluster: 'one', partitions: 4, replicationFactor: 3 }));
    expect(
      await refusal(update(TOPIC_PLURAL, 'events', (o) => Object.assign(o.spec, { partitions: 3 }))),
    ).toContain('spec.partitions: Invalid value: "integer": partitions cannot be decreased');
    expect(
      await refusal(update(TOPIC_PLURAL, 'events', (o) => Object.assign(o.spec, { cluster: 'two' }))),
    ).toContain('cluster is immutable');
    expect(
      await refusal(update(TOPIC_PLURAL, 'events', (o) => Object.assign(o.spec, { replicationFactor: 1 }))),
    ).toContain('replicationFactor is immutable');
    expect(
      await refusal(update(TOPIC_PLURAL, 'events', (o) => Object.assign(o.spec, { topicName: 'Events' }))),
    ).toContain('topicName is immutable');
    // What may change does: partitions grow, config changes.
    await update(TOPIC_PLURAL, 'events', (o) =>
      Object.assign(o.spec, { partitions: 8, config: { retentionMs: 3_600_000 } }),
    );
    expect(((await get(TOPIC_PLURAL, 'events')) as Topic).spec).toMatchObject({
      partitions: 8,
      config: { retentionMs: 3_600_000 },
    });

    await create(CLUSTER_PLURAL, cluster('disks', { version: '0.1.0', storage: { size: '20Gi' } }));
    // A smaller size is stored: setting a refused growth back must be possible, and the operator refuses a
    // real shrink (below the volumes' size) with a condition (operator/planning/volume-plan.ts).
    await update(CLUSTER_PLURAL, 'disks', (o) => Object.assign(o.spec, { storage: { size: '10Gi' } }));
    expect(((await get(CLUSTER_PLURAL, 'disks')) as Cluster).spec.storage.size).toBe('10Gi');
    expect(
      await refusal(
        update(CLUSTER_PLURAL, 'disks', (o) =>
          Object.assign(o.spec, { storage: { size: '20Gi', storageClassName: 'x' } }),
        ),
      ),
    ).toContain('storage.storageClassName is immutable');
    await update(CLUSTER_PLURAL, 'disks', (o) => Object.assign(o.spec, { storage: { size: '40Gi' } }));
    expect(((await get(CLUSTER_PLURAL, 'disks')) as Cluster).spec.storage.size).toBe('40Gi');
  });

  it('accept Users of every authentication type and fill in the ACL defaults', async () => {
    await create(USER_PLURAL, user('bare', { cluster: 'defaults' }));
    expect(((await get(USER_PLURAL, 'bare')) as User).spec).toEqual({ cluster: 'defaults' });
    const spec = {
      cluster: 'defaults',
      authentication: { type: 'scram-sha-256', password: { secretKeyRef: { name: 'pw', key: 'password' } } },
      authorization: {
        acls: [
          { resource: { type: 'topic', name: 'orders' }, operations: ['Read', 'Describe'] },
          {
            resource: { type: 'group', name: 'orders-', patternType: 'prefixed' },
            operations: ['Read'],
            host: '10.1.2.3',
            type: 'deny',
          },
          { resource: { type: 'cluster' }, operations: ['IdempotentWrite'] },
        ],
      },
      quotas: { producerByteRate: 1_048_576, consumerByteRate: 10_737_418_240, requestRate: 100 },
    };
    await create(USER_PLURAL, user('full', spec));
    const full = (await get(USER_PLURAL, 'full')) as User;
    expect(full.spec.authorization?.acls).toEqual([
      {
        resource: { type: 'topic', name: 'orders', patternType: 'literal' },
        operations: ['Read', 'Describe'],
        host: '*',
        type: 'allow',
      },
      spec.authorization.acls[1],
      {
        resource: { type: 'cluster', patternType: 'literal' },
        operations: ['IdempotentWrite'],
        host: '*',
        type: 'allow',
      },
    ]);
    await create(USER_PLURAL, user('cert', { cluster: 'defaults', authentication: { type: 'tls' } }));
    await create(
      USER_PLURAL,
      user('app', { cluster: 'defaults', authentication: { type: 'serviceAccount', name: 'orders-app' } }),
    );
    // What may change does: the authentication type, ACLs, quotas.
    await update(USER_PLURAL, 'cert', (o) =>
      Object.assign(o.spec, { authentication: { type: 'scram-sha-512' }, quotas: { requestRate: 5 } }),
    );
    expect(((await get(USER_PLURAL, 'cert')) as User).spec.authentication?.type).toBe('scram-sha-512');
  });

  it('refuse Users that break the schema or its rules, saying why', async () => {
    const acl = (resource: Json, operations: string[], extra: Json = {}) =>
      refusal(
        create(
          USER_PLURAL,
          user(`acl-${Math.random().toString(36).slice(2, 8)}`, {
            cluster: 'a',
            authorization: { acls: [{ resource, operations, ...extra }] },
          }),
        ),
      );
    expect(await refusal(create(USER_PLURAL, user('u0', {})))).toContain('spec.cluster: Required value');
    expect(
      await refusal(create(USER_PLURAL, user('u1', { cluster: 'a', authentication: { type: 'kerberos' } }))),
    ).toContain(
      'spec.authentication.type: Unsupported value: "kerberos": supported values: "tls", "scram-sha-512", "scram-sha-256", "serviceAccount"',
    );
    expect(
      await refusal(
        create(
          USER_PLURAL,
          user('u2', {
            cluster: 'a',
            authentication: { type: 'tls', password: { secretKeyRef: { name: 'pw', key: 'p' } } },
          }),
        ),
      ),
    ).toContain('authentication.password is only for the scram-sha-512 and scram-sha-256 types');
    expect(
      await refusal(
        create(USER_PLURAL, user('u3', { cluster: 'a', authentication: { type: 'serviceAccount' } })),
      ),
    ).toContain("authentication.name (the ServiceAccount's name) is required with type serviceAccount");
    expect(
      await refusal(
        create(
          USER_PLURAL,
          user('u4', {
            cluster: 'a',
            authentication: { type: 'scram-sha-512', password: { secretKeyRef: { name: 'u4', key: 'p' } } },
          }),
        ),
      ),
    ).toContain(
      'authentication.password.secretKeyRef cannot name the Secret the operator writes for the User',
    );
    expect(await refusal(create(USER_PLURAL, user('u'.repeat(65), { cluster: 'a' })))).toContain(
      'metadata.name must be at most 64 characters',
    );
    expect(await acl({ type: 'group', name: 'g' }, ['Write'])).toContain(
      'operations on a group are All, Read, Describe and Delete',
    );
    expect(await acl({ type: 'topic', name: 't' }, ['IdempotentWrite'])).toContain(
      'operations on a topic are',
    );
    expect(await acl({ type: 'cluster' }, ['Read'])).toContain('operations on the cluster are');
    expect(await acl({ type: 'topic' }, ['Read'])).toContain(
      'resource.name is required for topic and group resources',
    );
    expect(await acl({ type: 'cluster', name: 'other' }, ['Alter'])).toContain(
      'the cluster resource is named tributary-cluster',
    );
    expect(await acl({ type: 'topic', name: '*', patternType: 'prefixed' }, ['Read'])).toContain(
      "resource.name '*' (every resource of the type) needs patternType literal",
    );
    expect(await acl({ type: 'topic', name: 't' }, ['Read'], { host: 'example.com' })).toContain(
      'spec.authorization.acls[0].host: Invalid value: "example.com"',
    );
    expect(await acl({ type: 'topic', name: 't' }, ['Read', 'Read'])).toContain('Duplicate value: "Read"');
    expect(
      await refusal(create(USER_PLURAL, user('q', { cluster: 'a', quotas: { producerByteRate: 0 } }))),
    ).toContain('spec.quotas.producerByteRate in body should be greater than or equal to 1');
    await create(USER_PLURAL, user('moves', { cluster: 'one' }));
    expect(
      await refusal(update(USER_PLURAL, 'moves', (o) => Object.assign(o.spec, { cluster: 'two' }))),
    ).toContain('cluster is immutable');
  });

  it('scale a Cluster through the scale subresource (spec.brokers, status.brokers, status.selector)', async () => {
    await create(CLUSTER_PLURAL, cluster('scaled', { version: '0.1.0', brokers: 3 }));
    const status: Cluster['status'] = {
      brokers: 3,
      readyBrokers: 3,
      selector: 'app.kubernetes.io/name=tributary,app.kubernetes.io/instance=scaled',
      observedGeneration: 1,
    };
    const current = (await get(CLUSTER_PLURAL, 'scaled')) as Cluster;
    await objects.replaceNamespacedCustomObjectStatus({
      group: GROUP,
      version: VERSION,
      namespace: NAMESPACE,
      plural: CLUSTER_PLURAL,
      name: 'scaled',
      body: { ...current, status },
    });
    const scaleArgs = {
      group: GROUP,
      version: VERSION,
      namespace: NAMESPACE,
      plural: CLUSTER_PLURAL,
      name: 'scaled',
    };
    const scale = (await objects.getNamespacedCustomObjectScale(scaleArgs)) as {
      spec: { replicas: number };
      status: { replicas: number; selector: string };
    };
    expect(scale.spec.replicas).toBe(3);
    expect(scale.status).toEqual({ replicas: 3, selector: status.selector });

    await objects.replaceNamespacedCustomObjectScale({
      ...scaleArgs,
      body: { ...scale, spec: { replicas: 5 } },
    });
    expect(((await get(CLUSTER_PLURAL, 'scaled')) as Cluster).spec.brokers).toBe(5);
    // The scale subresource obeys the schema too.
    const rescaled = (await objects.getNamespacedCustomObjectScale(scaleArgs)) as typeof scale;
    expect(rescaled.spec.replicas).toBe(5);
    const refused = await refusal(
      objects.replaceNamespacedCustomObjectScale({
        ...scaleArgs,
        body: { ...rescaled, spec: { replicas: 0 } },
      }),
    );
    expect(refused).toContain('spec.brokers in body should be greater than or equal to 1');
  });

  it('publish every field description in the OpenAPI v3 document (what kubectl explain shows)', async () => {
    const doc = JSON.parse(await raw(`/openapi/v3/apis/${GROUP}/${VERSION}`)) as {
      components: { schemas: Record<string, Json> };
    };
    for (const file of CRD_FILES) {
      const crd = readCrd(file);
      const kind = crd.spec.names.kind;
      const published = doc.components.schemas[`dev.tributary.${VERSION}.${kind}`];
      expect(published, `${kind} in the OpenAPI document`).toBeDefined();
      const source = (crd.spec.versions[0] as { schema: { openAPIV3Schema: Json } }).schema.openAPIV3Schema;
      const compared = compareDescriptions(source, published!, kind);
      // Every field of the CRD carries a description, and the server publishes each one unchanged.
      expect(compared.missing).toEqual([]);
      expect(compared.count).toBeGreaterThan(kind === 'Cluster' ? 40 : 25);
    }
    const brokers = (doc.components.schemas[`dev.tributary.${VERSION}.Cluster`] as SchemaNode).properties!
      .spec!.properties!.brokers!;
    expect(brokers.description).toMatch(/^Number of brokers \(pods\)/);
    expect(brokers.default).toBe(3);
  });

  it('print the columns kubectl get shows', async () => {
    await create(
      TOPIC_PLURAL,
      topic('printed', { cluster: 'defaults', partitions: 2, topicName: 'Printed' }),
    );
    const table = async (plural: Plural, name: string) =>
      JSON.parse(
        await raw(
          `/apis/${GROUP}/${VERSION}/namespaces/${NAMESPACE}/${plural}/${name}`,
          'application/json;as=Table;v=v1;g=meta.k8s.io',
        ),
      ) as { columnDefinitions: { name: string; priority: number }[]; rows: { cells: unknown[] }[] };
    const clusters = await table(CLUSTER_PLURAL, 'defaults');
    const shown = (t: typeof clusters) =>
      t.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name);
    expect(shown(clusters)).toEqual([
      'Name',
      'Brokers',
      'ReadyBrokers',
      'Ready',
      'Reason',
      'Controller',
      'Bootstrap',
      'Age',
    ]);
    expect(clusters.rows[0]!.cells.slice(0, 2)).toEqual(['defaults', 3]);

    const topics = await table(TOPIC_PLURAL, 'printed');
    expect(shown(topics)).toEqual(['Name', 'Cluster', 'Topic', 'Partitions', 'RF', 'Ready', 'Age']);
    expect(topics.rows[0]!.cells.slice(0, 5)).toEqual(['printed', 'defaults', 'Printed', 2, 3]);

    await create(USER_PLURAL, user('printed', { cluster: 'defaults', authentication: { type: 'tls' } }));
    const users = await table(USER_PLURAL, 'printed');
    expect(shown(users)).toEqual(['Name', 'Cluster', 'Authentication', 'Principal', 'Ready', 'Age']);
    expect(users.rows[0]!.cells.slice(0, 3)).toEqual(['printed', 'defaults', 'tls']);
  });

  it('are described field by field, with defaults and rules, in docs/crds.md', () => {
    const doc = readFileSync(join(repoRoot, 'docs/crds.md'), 'utf8');
    for (const file of CRD_FILES) {
      const crd = readCrd(file);
      const kind = crd.spec.names.kind;
      const schema = (crd.spec.versions[0] as { schema: { openAPIV3Schema: SchemaNode } }).schema
        .openAPIV3Schema;
      // The section of this kind: from its heading to the next kind's.
      const section = doc.split(/^## /m).find((s) => s.startsWith(`${kind}\n`));
      expect(section, `a "## ${kind}" section`).toBeDefined();
      const rows = new Map(
        section!
          .split('\n')
          .filter((l) => l.startsWith('| `'))
          .map((l) => l.split('|').map((c) => c.trim()))
          .map((cells) => [cells[1]!.replaceAll('`', ''), cells[3]!]),
      );
      for (const [path, node] of leaves(schema)) {
        expect(rows.has(path), `${kind} ${path} in docs/crds.md`).toBe(true);
        const documented = node.default === undefined ? '—' : `\`${JSON.stringify(node.default)}\``;
        expect(rows.get(path), `${kind} ${path} default`).toBe(documented);
      }
      for (const message of ruleMessages(schema)) expect(section, `${kind} rule`).toContain(`- ${message}\n`);
    }
  });

  it('match the generated TypeScript types (hack/crd-types.mjs --check)', () => {
    const out = execFileSync('node', [join(repoRoot, 'hack/crd-types.mjs'), '--check'], { encoding: 'utf8' });
    expect(out).toContain('operator/api/v1alpha1.ts is up to date');
  });
});

function cluster(name: string, spec: Json): Json {
  return { apiVersion: `${GROUP}/${VERSION}`, kind: 'Cluster', metadata: { name }, spec };
}

function topic(name: string, spec: Json): Json {
  return { apiVersion: `${GROUP}/${VERSION}`, kind: 'Topic', metadata: { name }, spec };
}

function user(name: string, spec: Json): Json {
  return { apiVersion: `${GROUP}/${VERSION}`, kind: 'User', metadata: { name }, spec };
}

interface SchemaNode {
  description?: string;
  default?: unknown;
  'x-kubernetes-validations'?: { rule: string; message: string }[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  allOf?: SchemaNode[];
}

/** Fields under spec and status that hold a value (no nested properties), by dotted path. */
function leaves(schema: SchemaNode): [string, SchemaNode][] {
  const out: [string, SchemaNode][] = [];
  const walk = (node: SchemaNode, path: string) => {
    if (node.properties === undefined) {
      out.push([path, node]);
      return;
    }
    for (const [key, child] of Object.entries(node.properties)) walk(child, `${path}.${key}`);
  };
  for (const top of ['spec', 'status']) walk(schema.properties![top]!, top);
  return out;
}

/** The messages of every CEL rule in a schema. */
function ruleMessages(node: SchemaNode): string[] {
  const own = (node['x-kubernetes-validations'] ?? []).map((r) => r.message.trim());
  const children = [
    ...Object.values(node.properties ?? {}),
    ...(node.items === undefined ? [] : [node.items]),
    ...(typeof node.additionalProperties === 'object' ? [node.additionalProperties] : []),
  ];
  return [...own, ...children.flatMap(ruleMessages)];
}

/**
 * Walks a CRD schema beside its published form and lists fields whose description is missing in either or
 * differs. The server publishes its own descriptions of apiVersion, kind and metadata (ObjectMeta).
 */
function compareDescriptions(
  source: Json,
  published: Json,
  path: string,
): { missing: string[]; count: number } {
  const missing: string[] = [];
  let count = 0;
  const walk = (src: SchemaNode, pub: SchemaNode | undefined, at: string) => {
    count++;
    if (src.description === undefined || src.description === '')
      missing.push(`${at} (no description in crds/)`);
    else if (pub?.description !== src.description) missing.push(`${at} (published: ${pub?.description})`);
    for (const [key, child] of Object.entries(src.properties ?? {})) {
      if (at === path && ['apiVersion', 'kind', 'metadata'].includes(key)) continue;
      walk(child, pub?.properties?.[key], `${at}.${key}`);
    }
    if (src.items !== undefined) walk(src.items, pub?.items, `${at}[]`);
    if (typeof src.additionalProperties === 'object') {
      const pubValue = typeof pub?.additionalProperties === 'object' ? pub.additionalProperties : undefined;
      walk(src.additionalProperties, pubValue, `${at}{}`);
    }
  };
  walk(source as SchemaNode, published as SchemaNode, path);
  return { missing, count };
}

function rawGet(plane: KubeControlPlane, path: string, accept: string): Promise<string> {
  return new Promise((ok, fail) => {
    const req = request(
      `${plane.server}${path}`,
      {
        headers: { authorization: `Bearer ${plane.adminToken}`, accept },
        rejectUnauthorized: false,
        timeout: 10_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () =>
          res.statusCode === 200 ? ok(body) : fail(new Error(`GET ${path}: ${res.statusCode} ${body}`)),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: timeout`)));
    req.on('error', fail);
    req.end();
  });
}

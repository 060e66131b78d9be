import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiextensionsV1Api,
  type KubeConfig,
  loadYaml,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { REPO_ROOT } from './broker-process.js';

/** The CRD files in crds/, the source of truth. */
export const CRD_FILES = ['tributary.dev_clusters.yaml', 'tributary.dev_topics.yaml'];
const ESTABLISHED_MS_MAX = 30_000;
const POLL_MS = 100;

/**
 * A CRD of crds/ as client-node's model. client-node serializes request bodies through its models, which
 * name `default` and the `x-kubernetes-*` keys differently: a plain parsed object would lose them silently.
 */
export function loadCrd(file: string): V1CustomResourceDefinition {
  return loadYaml<V1CustomResourceDefinition>(readFileSync(join(REPO_ROOT, 'crds', file), 'utf8'));
}

/** Creates every CRD of crds/ and waits until the API server serves them (Established). */
export async function installCrds(kc: KubeConfig): Promise<void> {
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  for (const file of CRD_FILES) await ext.createCustomResourceDefinition({ body: loadCrd(file) });
  const deadline = Date.now() + ESTABLISHED_MS_MAX;
  for (const file of CRD_FILES) {
    const name = loadCrd(file).metadata!.name!;
    for (;;) {
      const crd = await ext.readCustomResourceDefinition({ name });
      if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`${name} not Established after ${ESTABLISHED_MS_MAX} ms`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}

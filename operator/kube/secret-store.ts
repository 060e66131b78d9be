/**
 * Reading and deleting Secrets. The operator's informer caches only the Secrets it labels (managed-by), so a
 * Secret it did not make (a password a User refers to, one that only has the name the operator wants) is
 * read with a GET: caching every Secret of the cluster would hold every Helm release and token in memory,
 * and need list and watch on all Secrets. A Secret missing from the cache is also read with a GET, since the
 * cache can lag behind the operator's own write by a watch event (a generated password must never be
 * generated twice).
 */
import { CoreV1Api, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { isNotFound } from './api-error.js';

export interface SecretCache {
  get(name: string, namespace?: string): V1Secret | undefined;
}

export class SecretStore {
  private readonly api: CoreV1Api;

  constructor(
    kubeConfig: KubeConfig,
    private readonly cache: SecretCache,
  ) {
    this.api = kubeConfig.makeApiClient(CoreV1Api);
  }

  /** The Secret from the cache, else from the API server; undefined when it does not exist. */
  async get(namespace: string, name: string): Promise<V1Secret | undefined> {
    const cached = this.cache.get(name, namespace);
    if (cached !== undefined) return cached;
    try {
      return await this.api.readNamespacedSecret({ namespace, name });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Deletes the Secret if it is still the one read (its uid); gone already is done. */
  async delete(secret: V1Secret): Promise<void> {
    const { name, namespace, uid } = secret.metadata ?? {};
    if (name === undefined || namespace === undefined || uid === undefined) {
      throw new Error('deleting a Secret needs its name, namespace and uid');
    }
    try {
      await this.api.deleteNamespacedSecret({ namespace, name, body: { preconditions: { uid } } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

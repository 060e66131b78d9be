import { CoordinationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeControlPlane, startKubeControlPlane } from '../helpers/kube-apiserver.js';

// The harness itself: a real kube-apiserver on etcd answers an authenticated client, and service-account
// tokens it issues authenticate but carry no rights until RBAC grants them.
describe('kube-apiserver test harness', () => {
  let plane: KubeControlPlane;
  beforeAll(async () => {
    plane = await startKubeControlPlane();
  }, 180_000);
  afterAll(async () => {
    await plane?.stop();
  });

  it('serves the admin user and issues service-account tokens that RBAC restricts', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(plane.kubeconfigPath);
    const core = kc.makeApiClient(CoreV1Api);
    const ns = await core.readNamespace({ name: 'default' });
    expect(ns.metadata?.name).toBe('default');

    await core.createNamespacedServiceAccount({
      namespace: 'default',
      body: { metadata: { name: 'nobody' } },
    });
    const token = await core.createNamespacedServiceAccountToken({
      namespace: 'default',
      name: 'nobody',
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    });
    const sa = new KubeConfig();
    sa.loadFromFile(plane.kubeconfigFor('nobody', token.status!.token));
    const leases = sa.makeApiClient(CoordinationV1Api);
    await expect(leases.listNamespacedLease({ namespace: 'default' })).rejects.toMatchObject({ code: 403 });
  });
});

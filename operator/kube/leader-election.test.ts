import { performance } from 'node:perf_hooks';
import type { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { LeaderElector } from './leader-election.js';

/**
 * A Lease API whose renews commit at once but answer slowly, and which then stops answering (an API
 * server the leader can no longer reach): the leader must step down no later than the renew deadline
 * after the start of its last successful renew, well before a standby may take over (lease duration after
 * it saw that renew).
 */
describe('LeaderElector', () => {
  it('steps down by the renew deadline counted from the last renew it sent, however slow the API is', async () => {
    let lease: { metadata: object; spec: object } | undefined;
    let version = 1;
    let unreachable = false;
    let lastCommitMs = 0;
    const hang = () => new Promise<never>(() => {});
    const api = {
      async readNamespacedLease() {
        if (unreachable) return hang();
        if (lease === undefined) throw Object.assign(new Error('not found'), { code: 404 });
        return structuredClone(lease);
      },
      async createNamespacedLease({ body }: { body: { metadata: object; spec: object } }) {
        lease = { ...body, metadata: { ...body.metadata, resourceVersion: String(version++) } };
        lastCommitMs = performance.now();
        return lease;
      },
      async replaceNamespacedLease({ body }: { body: { metadata: object; spec: object } }) {
        if (unreachable) return hang();
        lease = { ...body, metadata: { ...body.metadata, resourceVersion: String(version++) } };
        lastCommitMs = performance.now();
        await new Promise((r) => setTimeout(r, 380)); // committed, answered late
        unreachable = true;
        return lease;
      },
    };
    const kubeConfig = { makeApiClient: () => api } as unknown as KubeConfig;
    const leaseDurationMs = 2000;
    const renewDeadlineMs = 1300;
    const stoppedAfterMs = await new Promise<number>((resolve) => {
      const elector = new LeaderElector(kubeConfig, {
        namespace: 'default',
        name: 'test',
        identity: 'me',
        leaseDurationSeconds: leaseDurationMs / 1000,
        renewDeadlineMs,
        retryPeriodMs: 200,
        onStartedLeading: () => {},
        onStoppedLeading: () => {
          resolve(performance.now() - lastCommitMs);
          void elector.stop({ release: false });
        },
      });
      elector.start();
    });
    expect(stoppedAfterMs).toBeLessThanOrEqual(renewDeadlineMs + 50);
    expect(stoppedAfterMs).toBeLessThan(leaseDurationMs);
  });

  it('releases a Lease its acquire took even when the answer came only after stop() began', async () => {
    let lease: { metadata: Record<string, unknown>; spec: Record<string, unknown> } | undefined;
    let version = 1;
    let answerCreate: (() => void) | undefined;
    const deleted: string[] = [];
    const api = {
      async readNamespacedLease() {
        if (lease === undefined) throw Object.assign(new Error('not found'), { code: 404 });
        return structuredClone(lease);
      },
      async createNamespacedLease({
        body,
      }: {
        body: { metadata: Record<string, unknown>; spec: Record<string, unknown> };
      }) {
        lease = { ...body, metadata: { ...body.metadata, resourceVersion: String(version++), uid: 'u1' } };
        await new Promise<void>((r) => {
          answerCreate = r;
        }); // committed, answered only later
        return lease;
      },
      async deleteNamespacedLease({ body }: { body: { preconditions: { resourceVersion: string } } }) {
        if (lease?.metadata['resourceVersion'] !== body.preconditions.resourceVersion) {
          throw Object.assign(new Error('conflict'), { code: 409 });
        }
        deleted.push(String(lease?.spec['holderIdentity']));
        lease = undefined;
      },
    };
    const kubeConfig = { makeApiClient: () => api } as unknown as KubeConfig;
    let started = false;
    const elector = new LeaderElector(kubeConfig, {
      namespace: 'default',
      name: 'test',
      identity: 'standby',
      leaseDurationSeconds: 2,
      renewDeadlineMs: 1300,
      retryPeriodMs: 200,
      onStartedLeading: () => {
        started = true;
      },
      onStoppedLeading: () => {},
    });
    elector.start();
    while (answerCreate === undefined) await new Promise((r) => setImmediate(r));
    const stopping = elector.stop();
    answerCreate();
    await stopping;
    expect(started).toBe(false);
    expect(deleted).toEqual(['standby']);
    expect(lease).toBeUndefined();
  });
});

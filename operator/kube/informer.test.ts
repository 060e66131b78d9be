import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { Informer } from './informer.js';

const RESTART = { baseMs: 10, maxMs: 50 };

function kubeConfigFor(server: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: server === undefined ? [] : [{ name: 'c', server, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: server === undefined ? 'none' : 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

function listOf(names: string[]): KubernetesListObject<KubernetesObject> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMapList',
    metadata: { resourceVersion: '1' },
    items: names.map((name) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: 'ns' },
    })),
  };
}

/**
 * client-node's ListWatch.start() rejects (rather than reporting through its error callback) for some
 * failures: a kubeconfig without a current cluster, an event handler that threw. An informer must retry
 * those like any other failure; a rejection left unhandled would end the operator process.
 */
describe('Informer', () => {
  let server: Server | undefined;
  const open: ServerResponse[] = [];
  afterEach(async () => {
    for (const res of open.splice(0)) res.destroy();
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
    server = undefined;
  });

  it('retries a start that rejected, and syncs once an attempt succeeds', async () => {
    // A watch endpoint on 127.0.0.1 that accepts the watch and keeps it open with no events.
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      open.push(res);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const errors: unknown[] = [];
    let lists = 0;
    const informer = new Informer<KubernetesObject>(kubeConfigFor(`http://127.0.0.1:${port}`), {
      name: 'configmaps',
      path: '/api/v1/configmaps',
      list: async () => {
        lists++;
        return listOf(['a']);
      },
      restart: RESTART,
      onError: (_name, err) => errors.push(err),
    });
    let calls = 0;
    informer.onChange(() => {
      calls++;
      if (calls === 1) throw new Error('handler failed once');
    });
    await informer.start();
    try {
      expect(informer.synced).toBe(true);
      expect(lists).toBe(2);
      expect(errors.map((e) => (e as Error).message)).toEqual(['handler failed once']);
      expect(informer.get('a', 'ns')?.metadata?.name).toBe('a');
    } finally {
      await informer.stop();
    }
  });

  it('keeps retrying with backoff while every start rejects, and stops cleanly', async () => {
    const retryDelaysMs: number[] = [];
    const informer = new Informer<KubernetesObject>(kubeConfigFor(undefined), {
      name: 'configmaps',
      path: '/api/v1/configmaps',
      list: async () => listOf([]),
      restart: RESTART,
      onError: (_name, _err, retryInMs) => retryDelaysMs.push(retryInMs),
    });
    const started = informer.start();
    const deadline = Date.now() + 5000;
    while (retryDelaysMs.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(retryDelaysMs.slice(0, 4)).toEqual([10, 20, 40, 50]);
    expect(informer.synced).toBe(false);
    await informer.stop();
    await expect(started).resolves.toBeUndefined();
  });
});

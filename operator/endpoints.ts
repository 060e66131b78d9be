/**
 * The operator's HTTP endpoints: `/metrics` (Prometheus) on the metrics port; `/healthz` (the process
 * answers: liveness) and `/readyz` (the informer caches are synced: readiness) on the health port. A
 * standby replica is ready too: it has warm caches and takes over as soon as it wins the Lease.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface EndpointsOptions {
  host: string;
  metricsPort: number;
  healthPort: number;
  registry: Registry;
  /** Why the operator is not ready, or undefined when it is. */
  notReady: () => string | undefined;
}

export interface Endpoints {
  readonly metricsPort: number;
  readonly healthPort: number;
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function serveEndpoints(options: EndpointsOptions): Promise<Endpoints> {
  const metrics = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    options.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  const health = createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const why = options.notReady();
      res
        .writeHead(why === undefined ? 200 : 503, { 'content-type': 'text/plain' })
        .end(why === undefined ? 'ok\n' : `${why}\n`);
    } else {
      res.writeHead(404).end();
    }
  });
  const metricsPort = await listen(metrics, options.host, options.metricsPort);
  let healthPort: number;
  try {
    healthPort = await listen(health, options.host, options.healthPort);
  } catch (err) {
    await close(metrics);
    throw err;
  }
  return {
    metricsPort,
    healthPort,
    close: async () => {
      await Promise.all([close(metrics), close(health)]);
    },
  };
}

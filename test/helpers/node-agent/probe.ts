/**
 * One probe attempt, as the kubelet makes it (k8s.io/kubernetes/pkg/probe): against the pod IP unless
 * `httpGet.host` names another, within `timeoutSeconds` (default 1).
 *
 * - grpc: `grpc.health.v1.Health/Check` with `service` (default ''), success when SERVING;
 * - httpGet: success for a status in [200, 400);
 * - tcpSocket: success when the connection opens;
 * - exec: the command inside the container, success when it exits 0.
 *
 * A named port (`port: client`) is looked up in the container's ports.
 */
import { connect } from 'node:net';
import { join } from 'node:path';
import { credentials, loadPackageDefinition, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { V1Container, V1ContainerPort, V1LifecycleHandler, V1Probe } from '@kubernetes/client-node';
import { sleep } from '../../../kit/sleep.js';
import { REPO_ROOT } from './local-image.js';

const HEALTH_PROTO = join(REPO_ROOT, 'node_modules/grpc-health-check/proto/health/v1/health.proto');

type HealthClient = {
  check(
    request: { service: string },
    options: { deadline: Date },
    callback: (err: ServiceError | null, response?: { status: string }) => void,
  ): void;
  close(): void;
};
type HealthClientConstructor = new (
  address: string,
  creds: ReturnType<typeof credentials.createInsecure>,
) => HealthClient;

let healthClient: HealthClientConstructor | undefined;
function healthClientConstructor(): HealthClientConstructor {
  if (healthClient === undefined) {
    const definition = loadSync(HEALTH_PROTO, { keepCase: true, enums: String, defaults: true });
    const pkg = loadPackageDefinition(definition) as unknown as {
      grpc: { health: { v1: { Health: HealthClientConstructor } } };
    };
    healthClient = pkg.grpc.health.v1.Health;
  }
  return healthClient;
}

export interface ProbeTarget {
  readonly podIp: string;
  readonly container: V1Container;
  /** Runs a command in the container; the exit code, or null on timeout. */
  exec(argv: readonly string[], timeoutMs: number): Promise<number | null>;
}

export function portNumber(port: number | string, ports: readonly V1ContainerPort[] | undefined): number {
  if (typeof port === 'number') return port;
  if (/^[0-9]+$/.test(port)) return Number(port);
  const named = ports?.find((p) => p.name === port);
  if (named === undefined) throw new Error(`no container port named ${port}`);
  return named.containerPort;
}

function grpcCheck(address: string, service: string, timeoutMs: number): Promise<boolean> {
  const Client = healthClientConstructor();
  const client = new Client(address, credentials.createInsecure());
  return new Promise<boolean>((resolve) => {
    client.check({ service }, { deadline: new Date(Date.now() + timeoutMs) }, (err, response) => {
      client.close();
      resolve(err === null && response?.status === 'SERVING');
    });
  });
}

async function httpCheck(url: string, headers: Record<string, string>, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(url, {
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.status >= 200 && response.status < 400;
  } catch {
    return false;
  }
}

function tcpCheck(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** Runs a probe's (or a lifecycle hook's) handler once. */
export async function runHandler(
  handler: V1Probe | V1LifecycleHandler,
  target: ProbeTarget,
  timeoutMs: number,
): Promise<boolean> {
  const ports = target.container.ports;
  if ('grpc' in handler && handler.grpc !== undefined) {
    return grpcCheck(`${target.podIp}:${handler.grpc.port}`, handler.grpc.service ?? '', timeoutMs);
  }
  if (handler.httpGet !== undefined) {
    const { path, port, host, scheme, httpHeaders } = handler.httpGet;
    const hostName = host ?? target.podIp;
    const url = `${(scheme ?? 'HTTP').toLowerCase()}://${hostName}:${portNumber(port, ports)}${path ?? '/'}`;
    const headers = Object.fromEntries((httpHeaders ?? []).map((h) => [h.name, h.value]));
    return httpCheck(url, { 'user-agent': 'kube-probe/1.34', ...headers }, timeoutMs);
  }
  if (handler.tcpSocket !== undefined) {
    return tcpCheck(
      handler.tcpSocket.host ?? target.podIp,
      portNumber(handler.tcpSocket.port, ports),
      timeoutMs,
    );
  }
  if (handler.exec !== undefined) {
    return (await target.exec(handler.exec.command ?? [], timeoutMs)) === 0;
  }
  if ('sleep' in handler && handler.sleep !== undefined) {
    await sleep(handler.sleep!.seconds * 1000);
    return true;
  }
  throw new Error(`unsupported handler ${JSON.stringify(handler)}`);
}

/** A probe's settings with the API's defaults filled in. */
export function probeTiming(probe: V1Probe) {
  return {
    initialDelayMs: (probe.initialDelaySeconds ?? 0) * 1000,
    periodMs: (probe.periodSeconds ?? 10) * 1000,
    timeoutMs: (probe.timeoutSeconds ?? 1) * 1000,
    successThreshold: probe.successThreshold ?? 1,
    failureThreshold: probe.failureThreshold ?? 3,
  };
}

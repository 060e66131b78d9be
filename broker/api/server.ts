import { Server, ServerCredentials } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import type { AdminServiceHandlers } from '../../proto/generated/tributary/v1/AdminService.js';
import type { ClientServiceHandlers } from '../../proto/generated/tributary/v1/ClientService.js';
import { loadTributaryProto } from '../../proto/load.js';
import { AdminApi } from './admin.js';
import type { ApiContext } from './context.js';
import { fetch } from './fetch.js';
import { raiseConnectionWindow, raiseStreamWindow } from './flow-control.js';
import { listOffsets } from './list-offsets.js';
import { metadata } from './metadata.js';
import { produce } from './produce.js';
import { produceStream } from './produce-stream.js';
import { serverStream, unary } from './rpc.js';
import { subscribe } from './subscribe.js';

export const SERVICE_NAMES = ['tributary.v1.ClientService', 'tributary.v1.AdminService'] as const;

export interface GrpcListener {
  readonly server: Server;
  readonly port: number;
  readonly health: HealthImplementation;
}

/** Builds the gRPC server with every service, health and reflection, and binds it. */
export async function startGrpcServer(
  ctx: Omit<ApiContext, 'boundPort'>,
  onBound: (port: number) => void,
): Promise<GrpcListener> {
  const { definition, grpc } = loadTributaryProto();
  const { config } = ctx;
  const server = new Server({
    'grpc.max_receive_message_length': config.maxRequestBytes,
    'grpc.max_send_message_length': config.maxFetchBytes + 1024 * 1024,
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_permit_without_calls': 1,
  });
  raiseStreamWindow(server, config.http2StreamWindowBytes);

  let port = 0;
  const api: ApiContext = { ...ctx, boundPort: () => port };
  const client: ClientServiceHandlers = {
    Produce: unary(api, 'Produce', (req) => produce(api, req)),
    ProduceStream: produceStream(api),
    Fetch: unary(api, 'Fetch', (req, call) => fetch(api, req, call)),
    Subscribe: serverStream(api, 'Subscribe', (req, call) => subscribe(api, req, call)),
    ListOffsets: unary(api, 'ListOffsets', (req) => listOffsets(api, req)),
    Metadata: unary(api, 'Metadata', (req) => metadata(api, req)),
  };
  const admin = new AdminApi(api);
  const adminHandlers: AdminServiceHandlers = {
    CreateTopics: unary(api, 'CreateTopics', (req) => admin.createTopics(req)),
    DeleteTopics: unary(api, 'DeleteTopics', (req) => admin.deleteTopics(req)),
    ListTopics: unary(api, 'ListTopics', (req) => admin.listTopics(req)),
    DescribeTopics: unary(api, 'DescribeTopics', (req) => admin.describeTopics(req)),
    CreatePartitions: unary(api, 'CreatePartitions', (req) => admin.createPartitions(req)),
    DescribeConfigs: unary(api, 'DescribeConfigs', (req) => admin.describeConfigs(req)),
    AlterConfigs: unary(api, 'AlterConfigs', (req) => admin.alterConfigs(req)),
    DescribeCluster: unary(api, 'DescribeCluster', () => admin.describeCluster()),
  };
  server.addService(grpc.tributary.v1.ClientService.service, client);
  server.addService(grpc.tributary.v1.AdminService.service, adminHandlers);

  const health = new HealthImplementation({
    '': 'NOT_SERVING',
    ...Object.fromEntries(SERVICE_NAMES.map((s) => [s, 'NOT_SERVING' as const])),
  });
  health.addToServer(server);
  new ReflectionService(definition).addToServer(server);

  port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${config.host}:${config.port}`, ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    );
  });
  raiseConnectionWindow(server, config.http2ConnectionWindowBytes);
  onBound(port);
  return { server, port, health };
}

export function setServing(health: HealthImplementation, serving: boolean): void {
  const status = serving ? 'SERVING' : 'NOT_SERVING';
  health.setStatus('', status);
  for (const s of SERVICE_NAMES) health.setStatus(s, status);
}

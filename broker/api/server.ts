import { createRequire } from 'node:module';
import {
  status as GrpcStatus,
  type handleBidiStreamingCall,
  type MethodDefinition,
  Server,
  type ServerDuplexStream,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import type * as GrpcReflection from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import type { AdminServiceHandlers } from '../../proto/generated/tributary/v1/AdminService.js';
import type { ClientServiceHandlers } from '../../proto/generated/tributary/v1/ClientService.js';
import type { ReplicationServiceHandlers } from '../../proto/generated/tributary/v1/ReplicationService.js';
import { loadTributaryProto } from '../../proto/load.js';
import { listenerCredentials, refuseUnverifiedCertificates } from '../transport-security.js';
import { AdminApi } from './admin.js';
import { BalanceApi } from './balance.js';
import type { ApiContext } from './context.js';
import { fetch } from './fetch.js';
import { raiseConnectionWindow, raiseStreamWindow } from './flow-control.js';
import { groupHandlers } from './groups.js';
import { listOffsets } from './list-offsets.js';
import { metadata } from './metadata.js';
import { produceUnary } from './produce.js';
import { produceStream } from './produce-stream.js';
import {
  allocateProducerIds,
  alterPartition,
  confirmLeadership,
  controlledShutdown,
  replicaFetch,
} from './replication.js';
import { serverStream, unary } from './rpc.js';
import { SecurityApi } from './security.js';
import { securityInterceptor } from './security-interceptor.js';
import { addStrictService, type OnMalformed, oneRequestMessage } from './strict-service.js';
import { subscribe } from './subscribe.js';
import { WireChecker } from './wire-check.js';

export const SERVICE_NAMES = [
  'tributary.v1.ClientService',
  'tributary.v1.AdminService',
  'tributary.v1.ReplicationService',
  'tributary.v1.GroupService',
  'tributary.v1.SecurityService',
] as const;

export interface GrpcListener {
  readonly server: Server;
  readonly port: number;
  readonly health: HealthImplementation;
  /** What the health service answers for '' (SERVING or not), also served over HTTP (metrics.ts). */
  serving: boolean;
}

/** Builds the gRPC server with every service, health and reflection, and binds it. */
export async function startGrpcServer(
  ctx: Omit<ApiContext, 'boundPort'>,
  onBound: (port: number) => void,
): Promise<GrpcListener> {
  const { definition, grpc } = loadTributaryProto();
  const { config } = ctx;
  const onMalformed: OnMalformed = (method, err) =>
    ctx.metrics.requestErrors.inc({ method, reason: err.reason });
  const server = new Server({
    // Security first: nothing reaches a handler, or the one-message check, before the caller is known.
    interceptors: [securityInterceptor(ctx.security), oneRequestMessage(onMalformed)],
    'grpc.max_receive_message_length': config.maxRequestBytes,
    'grpc.max_send_message_length': config.maxFetchBytes + 1024 * 1024,
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_permit_without_calls': 1,
  });
  raiseStreamWindow(server, config.http2StreamWindowBytes);

  let port = 0;
  const api: ApiContext = { ...ctx, boundPort: () => port };
  const client: ClientServiceHandlers = {
    Produce: unary(api, 'Produce', (req, call) => produceUnary(api, req, call)),
    ProduceStream: produceStream(api),
    Fetch: unary(api, 'Fetch', (req, call) => fetch(api, req, call)),
    Subscribe: serverStream(api, 'Subscribe', (req, call) => subscribe(api, req, call)),
    ListOffsets: unary(api, 'ListOffsets', (req) => listOffsets(api, req)),
    Metadata: unary(api, 'Metadata', (req) => metadata(api, req)),
    InitProducerId: unary(api, 'InitProducerId', async () => ({
      producer_id: String(await api.cluster.nextProducerId(config.controllerRequestTimeoutMs)),
      producer_epoch: 0,
    })),
  };
  const adminHandlers = adminServiceHandlers(api);
  // Every body is checked before its handler runs: a malformed one is answered MALFORMED_REQUEST.
  const checker = new WireChecker(definition);
  const add = (service: ServiceDefinition, implementation: object) =>
    addStrictService(server, service, implementation as UntypedServiceImplementation, checker, onMalformed);
  add(grpc.tributary.v1.ClientService.service, client);
  add(grpc.tributary.v1.AdminService.service, adminHandlers);
  add(grpc.tributary.v1.ReplicationService.service, replicationHandlers(api));
  add(grpc.tributary.v1.GroupService.service, groupHandlers(api, ctx.groups));
  add(grpc.tributary.v1.SecurityService.service, new SecurityApi(api, ctx.security).handlers());

  const health = new HealthImplementation({
    '': 'NOT_SERVING',
    ...Object.fromEntries(SERVICE_NAMES.map((s) => [s, 'NOT_SERVING' as const])),
  });
  health.addToServer({
    addService: (service, implementation) => add(service as ServiceDefinition, implementation),
  });
  addReflectionOnFirstUse(server, definition);

  port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${config.host}:${config.port}`, listenerCredentials(config), (err, bound) =>
      err ? reject(err) : resolve(bound),
    );
  });
  raiseConnectionWindow(server, config.http2ConnectionWindowBytes);
  refuseUnverifiedCertificates(server, config);
  onBound(port);
  return { server, port, health, serving: false };
}

/** Broker-to-broker calls: replica fetches, requests to the controller, fail-safe confirmations. */
function replicationHandlers(api: ApiContext): ReplicationServiceHandlers {
  return {
    ReplicaFetch: unary(api, 'ReplicaFetch', (req, call) => replicaFetch(api, req, call)),
    AlterPartition: unary(api, 'AlterPartition', (req) => alterPartition(api, req)),
    ControlledShutdown: unary(api, 'ControlledShutdown', (req) => controlledShutdown(api, req)),
    AllocateProducerIds: unary(api, 'AllocateProducerIds', (req) => allocateProducerIds(api, req)),
    ConfirmLeadership: unary(api, 'ConfirmLeadership', async (req) => confirmLeadership(api, req)),
  };
}

/** The AdminService: topics, configs and reassignments (admin.ts), partition balancing (balance.ts). */
function adminServiceHandlers(api: ApiContext): AdminServiceHandlers {
  const admin = new AdminApi(api);
  const balance = new BalanceApi(api);
  return {
    CreateTopics: unary(api, 'CreateTopics', (req) => admin.createTopics(req)),
    DeleteTopics: unary(api, 'DeleteTopics', (req) => admin.deleteTopics(req)),
    ListTopics: unary(api, 'ListTopics', (req) => admin.listTopics(req)),
    DescribeTopics: unary(api, 'DescribeTopics', (req) => admin.describeTopics(req)),
    CreatePartitions: unary(api, 'CreatePartitions', (req) => admin.createPartitions(req)),
    DescribeConfigs: unary(api, 'DescribeConfigs', (req) => admin.describeConfigs(req)),
    AlterConfigs: unary(api, 'AlterConfigs', (req) => admin.alterConfigs(req)),
    DescribeCluster: unary(api, 'DescribeCluster', () => admin.describeCluster()),
    ElectLeaders: unary(api, 'ElectLeaders', (req) => admin.electLeaders(req)),
    AlterPartitionReassignments: unary(api, 'AlterPartitionReassignments', (req) =>
      admin.alterPartitionReassignments(req),
    ),
    ListPartitionReassignments: unary(api, 'ListPartitionReassignments', (req) =>
      admin.listPartitionReassignments(req),
    ),
    CheckBrokerRestart: unary(api, 'CheckBrokerRestart', (req) => admin.checkBrokerRestart(req)),
    AlterBrokerStates: unary(api, 'AlterBrokerStates', (req) => balance.alterBrokerStates(req)),
    DescribeBalance: unary(api, 'DescribeBalance', (req) => balance.describeBalance(req)),
    Rebalance: unary(api, 'Rebalance', (req) => balance.rebalance(req)),
    CancelRebalance: unary(api, 'CancelRebalance', () => balance.cancelRebalance()),
    AlterBalancingConfig: unary(api, 'AlterBalancingConfig', (req) => balance.alterBalancingConfig(req)),
    DescribeBalancingConfig: unary(api, 'DescribeBalancingConfig', () => balance.describeBalancingConfig()),
    DescribeLogDirs: unary(api, 'DescribeLogDirs', (req) => balance.describeLogDirs(req)),
  };
}

export function setServing(listener: GrpcListener, serving: boolean): void {
  const { health } = listener;
  listener.serving = serving;
  const status = serving ? 'SERVING' : 'NOT_SERVING';
  health.setStatus('', status);
  for (const s of SERVICE_NAMES) health.setStatus(s, status);
}

const require = createRequire(import.meta.url);
const REFLECTION_PACKAGES = ['grpc.reflection.v1', 'grpc.reflection.v1alpha'] as const;

interface ReflectionMethod {
  definition: MethodDefinition<unknown, unknown>;
  handler: handleBidiStreamingCall<unknown, unknown>;
}

/** Builds `@grpc/reflection`'s services and returns their one method by package name. */
function buildReflection(definition: PackageDefinition): Map<string, ReflectionMethod> {
  const { ReflectionService } = require('@grpc/reflection') as typeof GrpcReflection;
  const methods = new Map<string, ReflectionMethod>();
  new ReflectionService(definition).addToServer({
    addService: (service: ServiceDefinition, implementation: UntypedServiceImplementation) => {
      const method = service['ServerReflectionInfo'];
      const handler = implementation['ServerReflectionInfo'];
      if (method === undefined || handler === undefined) return;
      // '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo' -> 'grpc.reflection.v1'
      const pkg = method.path.slice(1, method.path.indexOf('.ServerReflection/'));
      methods.set(pkg, { definition: method, handler: handler as handleBidiStreamingCall<unknown, unknown> });
    },
  });
  return methods;
}

/**
 * Server reflection (`grpc.reflection.v1` and `v1alpha`, for tools such as grpcurl), built on the first
 * reflection call: `@grpc/reflection` parses its own protos and indexes every descriptor of ours once per
 * version, about 7 MB that an idle broker would otherwise hold for a tool that may never ask. Until then
 * each version is served by a stand-in with the same method path whose handler and (de)serializers build
 * the real service synchronously and forward to it.
 */
function addReflectionOnFirstUse(server: Server, definition: PackageDefinition): void {
  let methods: Map<string, ReflectionMethod> | undefined;
  const real = (pkg: string): ReflectionMethod => {
    methods ??= buildReflection(definition);
    const method = methods.get(pkg);
    if (method === undefined) throw new Error(`@grpc/reflection serves no ${pkg}.ServerReflection`);
    return method;
  };
  for (const pkg of REFLECTION_PACKAGES) {
    const stub: MethodDefinition<unknown, unknown> = {
      path: `/${pkg}.ServerReflection/ServerReflectionInfo`,
      requestStream: true,
      responseStream: true,
      requestSerialize: (m) => real(pkg).definition.requestSerialize(m),
      requestDeserialize: (b) => real(pkg).definition.requestDeserialize(b),
      responseSerialize: (m) => real(pkg).definition.responseSerialize(m),
      responseDeserialize: (b) => real(pkg).definition.responseDeserialize(b),
    };
    server.addService(
      { ServerReflectionInfo: stub },
      {
        ServerReflectionInfo: (call: ServerDuplexStream<unknown, unknown>) => {
          let handler: ReflectionMethod['handler'];
          try {
            handler = real(pkg).handler;
          } catch (err) {
            call.emit('error', {
              code: GrpcStatus.INTERNAL,
              details: `server reflection failed to load: ${err}`,
            });
            return;
          }
          handler(call);
        },
      },
    );
  }
}

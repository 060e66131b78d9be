import { credentials, type ServiceError } from '@grpc/grpc-js';
import { BrokerAuth, type ClientAuth } from '../../client/broker-auth.js';
import { type ClientTls, tlsChannelCredentials, tlsChannelOptions } from '../../kit/tls.js';
import type { AdminServiceClient } from '../../proto/generated/tributary/v1/AdminService.js';
import type { ClientServiceClient } from '../../proto/generated/tributary/v1/ClientService.js';
import type { CreateTopicsResponse__Output } from '../../proto/generated/tributary/v1/CreateTopicsResponse.js';
import type { GroupServiceClient } from '../../proto/generated/tributary/v1/GroupService.js';
import type { ReplicationServiceClient } from '../../proto/generated/tributary/v1/ReplicationService.js';
import { loadTributaryProto } from '../../proto/load.js';

/**
 * Raw gRPC stubs for broker tests: the tests speak the wire contract directly (no SDK in between), so they
 * can send what a well-behaved client never would.
 */
export interface RawStubs {
  client: ClientServiceClient;
  admin: AdminServiceClient;
  replication: ReplicationServiceClient;
  groups: GroupServiceClient;
  close(): void;
}

let rawAuth: ClientAuth | undefined;

/**
 * Credentials every raw stub made from now on presents (a SCRAM login per broker, as the SDK does it);
 * undefined: none. For suites that run against brokers with authentication on.
 */
export function setRawStubAuth(auth: ClientAuth | undefined): void {
  rawAuth = auth;
}

/** Stubs of the broker at `address`; over TLS with `tls`. */
export function rawStubs(address: string, tls?: ClientTls): RawStubs {
  const { grpc } = loadTributaryProto();
  const auth = rawAuth === undefined ? undefined : new BrokerAuth(rawAuth, undefined);
  const options = {
    'grpc-node.flow_control_window': 4 * 1024 * 1024,
    'grpc.max_receive_message_length': 128 * 1024 * 1024,
    ...tlsChannelOptions(tls),
    ...(auth === undefined ? {} : { interceptors: [auth.interceptor] }),
  };
  const creds = tls === undefined ? credentials.createInsecure() : tlsChannelCredentials(tls);
  const client = new grpc.tributary.v1.ClientService(address, creds, options);
  const admin = new grpc.tributary.v1.AdminService(address, creds, options);
  const replication = new grpc.tributary.v1.ReplicationService(address, creds, options);
  const groups = new grpc.tributary.v1.GroupService(address, creds, options);
  if (auth !== undefined) auth.security = new grpc.tributary.v1.SecurityService(address, creds, options);
  return {
    client,
    admin,
    replication,
    groups,
    close() {
      client.close();
      admin.close();
      replication.close();
      groups.close();
    },
  };
}

type Unary = (req: unknown, cb: (err: ServiceError | null, res?: unknown) => void) => unknown;

/** Promisifies one unary call: `await call<ProduceResponse__Output>(stubs.client, 'Produce', request)`. */
export function call<Res>(stub: object, method: string, request: unknown): Promise<Res> {
  const fn = (stub as Record<string, unknown>)[method] as Unary | undefined;
  if (typeof fn !== 'function') throw new Error(`no RPC ${method} on this stub`);
  return new Promise((resolve, reject) => {
    fn.call(stub, request, (err, res) => (err ? reject(err) : resolve(res as Res)));
  });
}

/** The reason a failed call carried in its trailing metadata. */
export function reasonOf(err: unknown): { code: number; reason: string | undefined; details: string } {
  const e = err as ServiceError;
  const reason = e.metadata?.get('tributary-reason')[0];
  return { code: e.code, reason: reason === undefined ? undefined : String(reason), details: e.details };
}

/** Creates one topic through the admin stub; throws with the item's error if it is refused. */
export async function createTopic(stubs: RawStubs, name: string, partitions = 1): Promise<void> {
  const res = await call<CreateTopicsResponse__Output>(stubs.admin, 'CreateTopics', {
    topics: [{ name, partitions }],
  });
  const error = res.topics[0]?.error;
  if (error) throw new Error(`CreateTopics ${name}: ${error.reason} ${error.message}`);
}

import {
  type Client,
  InterceptingCall,
  type Interceptor,
  Metadata,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { type ErrorReason, isErrorReason, TributaryError } from '../../proto/errors.js';
import type { AdminServiceClient } from '../../proto/generated/tributary/v1/AdminService.js';
import type { ClientServiceClient } from '../../proto/generated/tributary/v1/ClientService.js';
import type { ReplicationServiceClient } from '../../proto/generated/tributary/v1/ReplicationService.js';
import { loadTributaryProto } from '../../proto/load.js';
import type { LiveBroker } from '../metadata/keys.js';
import type { PeerChannel } from '../transport-security.js';

interface PeerClients {
  address: string;
  replication: ReplicationServiceClient;
  admin: AdminServiceClient;
  client: ClientServiceClient;
}

/**
 * gRPC clients from this broker to the others (replica fetches, ISR changes sent to the controller, admin
 * requests forwarded to the controller), one channel per peer address, replaced when a peer moves.
 */
export class Peers {
  private readonly clients = new Map<number, PeerClients>();

  /**
   * `bearer` gives the token this broker presents to the others (docs/architecture.md, "Security: brokers
   * authenticate each other"); it rides on every peer call as `authorization: Bearer <token>`.
   */
  constructor(
    private readonly maxMessageBytes: number,
    /** Plaintext or TLS, as this broker's listener (broker/transport-security.ts). */
    private readonly channel: PeerChannel,
    private readonly bearer?: () => string,
  ) {}

  replication(broker: LiveBroker): ReplicationServiceClient {
    return this.for(broker).replication;
  }

  admin(broker: LiveBroker): AdminServiceClient {
    return this.for(broker).admin;
  }

  /** The client API of a peer (the group coordinator asks partition leaders for end offsets, for lag). */
  client(broker: LiveBroker): ClientServiceClient {
    return this.for(broker).client;
  }

  private for(broker: LiveBroker): PeerClients {
    const address = `${broker.host}:${broker.port}`;
    const existing = this.clients.get(broker.id);
    if (existing !== undefined && existing.address === address) return existing;
    if (existing !== undefined) closeClients(existing);
    const { grpc } = loadTributaryProto();
    const options = {
      'grpc.max_receive_message_length': this.maxMessageBytes,
      'grpc.max_send_message_length': this.maxMessageBytes,
      'grpc.keepalive_time_ms': 30_000,
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1000,
      ...this.channel.options,
      interceptors: this.bearer === undefined ? [] : [bearerInterceptor(this.bearer)],
    };
    const creds = this.channel.credentials;
    const replication = new grpc.tributary.v1.ReplicationService(address, creds, options);
    const admin = new grpc.tributary.v1.AdminService(address, creds, {
      ...options,
      channelOverride: replication.getChannel(),
    });
    const client = new grpc.tributary.v1.ClientService(address, creds, {
      ...options,
      channelOverride: replication.getChannel(),
    });
    const created = { address, replication, admin, client };
    this.clients.set(broker.id, created);
    return created;
  }

  close(): void {
    for (const c of this.clients.values()) closeClients(c);
    this.clients.clear();
  }
}

function bearerInterceptor(bearer: () => string): Interceptor {
  return (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start: (metadata, listener, next) => {
        metadata.set('authorization', `Bearer ${bearer()}`);
        next(metadata, listener);
      },
    });
}

function closeClients(c: PeerClients): void {
  (c.replication as unknown as Client).close();
}

/** A grpc-js unary client method (bound), in its (request, metadata, options, callback) form. */
export type UnaryMethod<Req, Res> = (
  req: Req,
  md: Metadata,
  options: { deadline: number },
  cb: (err: ServiceError | null, res?: Res) => void,
) => unknown;

/** Calls a unary method with a deadline; a gRPC failure becomes a TributaryError with the peer's reason. */
export function callPeer<Res, Req = unknown>(
  method: UnaryMethod<Req, Res>,
  request: Req,
  timeoutMs: number,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, new Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => {
      if (err) reject(peerError(err));
      else resolve(res as Res);
    });
  });
}

/** A per-item error from a peer's response, as a TributaryError. */
export function fromWireError(error: { reason?: string; message?: string }): TributaryError {
  const reason = error.reason ?? 'INTERNAL';
  return new TributaryError(isErrorReason(reason) ? reason : 'INTERNAL', error.message);
}

export function peerError(err: ServiceError): TributaryError {
  const reason = err.metadata?.get('tributary-reason')[0];
  if (typeof reason === 'string' && isErrorReason(reason)) return new TributaryError(reason, err.details);
  const byCode: Partial<Record<number, ErrorReason>> = {
    [status.UNAVAILABLE]: 'BROKER_SHUTTING_DOWN',
    [status.DEADLINE_EXCEEDED]: 'REQUEST_TIMED_OUT',
    [status.CANCELLED]: 'REQUEST_TIMED_OUT',
  };
  return new TributaryError(
    byCode[err.code] ?? 'INTERNAL',
    `peer call failed: ${err.details || err.message}`,
  );
}

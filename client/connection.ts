/**
 * The network layer: one HTTP/2 channel to a broker, with the ClientService and AdminService stubs on it.
 *
 * Channel options: a 4 MiB HTTP/2 flow-control window (the 64 KiB default throttles Subscribe and large
 * fetches to a few MB/s over any real RTT), 64 MiB message limits (a produce request carries up to the
 * topic's max.message.bytes per partition), and keepalive pings while calls are open so a dead broker is
 * noticed within ~keepaliveTimeoutMs instead of at the next TCP timeout.
 *
 * TLS (`tls`): TLS 1.2 or later, the broker's certificate verified against the given CA (or the system's
 * roots) and the name dialled or `serverName`; a client certificate for brokers that ask for one. The
 * pooled connections to other brokers (cluster.ts) are made with the same settings.
 */
import { isIPv4, isIPv6 } from 'node:net';
import {
  type CallOptions,
  type ChannelOptions,
  type ClientUnaryCall,
  credentials,
  type Interceptor,
  Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import { type ClientTls, tlsChannelCredentials, tlsChannelOptions } from '../kit/tls.js';
import type { AdminServiceClient } from '../proto/generated/tributary/v1/AdminService.js';
import type { ClientServiceClient } from '../proto/generated/tributary/v1/ClientService.js';
import type { SecurityServiceClient } from '../proto/generated/tributary/v1/SecurityService.js';
import { loadTributaryProto } from '../proto/load.js';
import { authFromEnv, BrokerAuth, type ClientAuth } from './broker-auth.js';
import { fromServiceError, TributaryClientError } from './errors.js';

export { type ClientTls, type ClientTlsFiles, readClientTls } from '../kit/tls.js';

const MiB = 1024 * 1024;

export interface ConnectionOptions {
  /**
   * "host:port" of a broker, or several separated by commas: the client asks whichever it reaches first
   * and moves to another when that one fails (several must be IP literals, as gRPC's ipv4:/ipv6: targets).
   */
  bootstrap: string;
  /** Default deadline for unary calls. */
  requestTimeoutMs?: number;
  /** Extra or overriding gRPC channel options. */
  channelOptions?: ChannelOptions;
  /**
   * TLS: `true` trusts the system's roots; an object gives the CA, a client certificate and a server name
   * (`readClientTls` reads them from files). Absent or false: plaintext.
   */
  tls?: boolean | ClientTls;
  /**
   * Credentials (docs/client.md, "Security"): a SCRAM user and password, or a service-account token (file).
   * Absent: from TRIBUTARY_USERNAME/TRIBUTARY_PASSWORD or TRIBUTARY_TOKEN_FILE when set; false: none.
   */
  auth?: ClientAuth | false;
  /** Sent with every call (`tributary-client-id`): brokers apply quotas per client id. */
  clientId?: string;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export const DEFAULT_CHANNEL_OPTIONS: ChannelOptions = {
  'grpc-node.flow_control_window': 4 * MiB,
  'grpc.max_send_message_length': 64 * MiB,
  'grpc.max_receive_message_length': 64 * MiB,
  'grpc.keepalive_time_ms': 60_000,
  'grpc.keepalive_timeout_ms': 20_000,
  'grpc.keepalive_permit_without_calls': 0,
};

export type UnaryInvoker<T> = (
  metadata: Metadata,
  options: CallOptions,
  callback: (error: ServiceError | null, value?: T) => void,
) => ClientUnaryCall;

/**
 * The gRPC target for a bootstrap list: one address as is; several IP literals as an `ipv4:` or `ipv6:`
 * target, whose pick-first balancing uses the first reachable broker and fails over to the next.
 */
export function bootstrapTarget(bootstrap: string): string {
  const parts = bootstrap
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) throw new RangeError('bootstrap is empty');
  const parsed = parts.map(parseBootstrap);
  if (parts.length === 1) return parts[0]!;
  if (parsed.every((p) => isIPv4(p.host))) return `ipv4:${parts.join(',')}`;
  if (parsed.every((p) => p.host.startsWith('[') && isIPv6(p.host.slice(1, -1))))
    return `ipv6:${parts.join(',')}`;
  throw new RangeError(`a bootstrap list must be IP addresses of one family, got "${bootstrap}"`);
}

/** Validates "host:port" (IPv6 in brackets). */
export function parseBootstrap(bootstrap: string): { host: string; port: number } {
  const match = /^(\[[0-9a-fA-F:.%a-zA-Z]+\]|[^:\s]+):(\d{1,5})$/.exec(bootstrap.trim());
  const port = match === null ? Number.NaN : Number(match[2]);
  if (match === null || !(port > 0 && port < 65536)) {
    throw new RangeError(`bootstrap must be "host:port", got "${bootstrap}"`);
  }
  return { host: match[1]!, port };
}

export class Connection {
  readonly bootstrap: string;
  readonly client: ClientServiceClient;
  readonly admin: AdminServiceClient;
  readonly security: SecurityServiceClient;
  readonly requestTimeoutMs: number;
  /** The caller's channel option overrides, kept so pooled connections to other brokers match. */
  readonly channelOptions: ChannelOptions | undefined;
  /** The TLS settings, kept so pooled connections to other brokers match. */
  readonly tls: ClientTls | undefined;
  readonly auth: ClientAuth | undefined;
  readonly clientId: string | undefined;
  /** Authentication and throttle hints of this broker (client/broker-auth.ts), on every stub's calls. */
  readonly interceptors: Interceptor[];
  private closed = false;

  constructor(options: ConnectionOptions) {
    this.bootstrap = options.bootstrap.trim();
    const target = bootstrapTarget(this.bootstrap);
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.channelOptions = options.channelOptions;
    this.tls = options.tls === true ? {} : options.tls === false ? undefined : options.tls;
    const proto = loadTributaryProto().grpc.tributary.v1;
    this.auth = options.auth === false ? undefined : (options.auth ?? authFromEnv());
    this.clientId = options.clientId;
    const brokerAuth = new BrokerAuth(this.auth, this.clientId);
    this.interceptors = [brokerAuth.interceptor];
    const channelOptions = {
      ...DEFAULT_CHANNEL_OPTIONS,
      ...tlsChannelOptions(this.tls),
      ...options.channelOptions,
      interceptors: this.interceptors,
    };
    const creds = this.tls === undefined ? credentials.createInsecure() : tlsChannelCredentials(this.tls);
    this.client = new proto.ClientService(target, creds, channelOptions);
    // Share one channel: the admin stub rides on the client stub's channel.
    this.admin = new proto.AdminService(target, creds, {
      ...channelOptions,
      channelOverride: this.client.getChannel(),
    });
    this.security = new proto.SecurityService(target, creds, {
      ...channelOptions,
      channelOverride: this.client.getChannel(),
    });
    brokerAuth.security = this.security;
  }

  /**
   * Runs one unary call with a deadline, mapping failures to `TributaryError`. An aborted `signal`
   * cancels the call (it rejects with CANCELLED); the broker may still have applied it. A call refused
   * with AUTHENTICATION_EXPIRED (the broker restarted, or the session aged out) is sent once more: the
   * connection has dropped the token and authenticates again first.
   */
  async unary<T>(
    invoke: UnaryInvoker<T>,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<T> {
    const deadline = new Date(Date.now() + (options.timeoutMs ?? this.requestTimeoutMs));
    try {
      return await this.unaryOnce(invoke, deadline, options.signal);
    } catch (err) {
      if (!(err instanceof TributaryClientError) || err.reasonName !== 'AUTHENTICATION_EXPIRED') throw err;
      return this.unaryOnce(invoke, deadline, options.signal);
    }
  }

  private unaryOnce<T>(invoke: UnaryInvoker<T>, deadline: Date, signal: AbortSignal | undefined): Promise<T> {
    if (this.closed) return Promise.reject(fromServiceError(new Error('connection is closed')));
    if (signal?.aborted === true) {
      return Promise.reject(new TributaryClientError('CANCELLED', 'aborted', { cause: signal.reason }));
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => call.cancel();
      const call = invoke(new Metadata(), { deadline }, (error, value) => {
        signal?.removeEventListener('abort', onAbort);
        if (error !== null) reject(fromServiceError(error));
        else if (value === undefined) reject(fromServiceError(new Error('empty response')));
        else resolve(value);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.admin.close();
    this.security.close();
    this.client.close();
  }
}

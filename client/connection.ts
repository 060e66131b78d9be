/**
 * The network layer: one HTTP/2 channel to a broker, with the ClientService and AdminService stubs on it.
 *
 * Channel options: a 4 MiB HTTP/2 flow-control window (the 64 KiB default throttles Subscribe and large
 * fetches to a few MB/s over any real RTT), 64 MiB message limits (a produce request carries up to the
 * topic's max.message.bytes per partition), and keepalive pings while calls are open so a dead broker is
 * noticed within ~keepaliveTimeoutMs instead of at the next TCP timeout.
 */
import {
  type CallOptions,
  type ChannelOptions,
  type ClientUnaryCall,
  credentials,
  Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import type { AdminServiceClient } from '../proto/generated/tributary/v1/AdminService.js';
import type { ClientServiceClient } from '../proto/generated/tributary/v1/ClientService.js';
import { loadTributaryProto } from '../proto/load.js';
import { fromServiceError, TributaryClientError } from './errors.js';

const MiB = 1024 * 1024;

export interface ConnectionOptions {
  /** "host:port" of a broker. */
  bootstrap: string;
  /** Default deadline for unary calls. */
  requestTimeoutMs?: number;
  /** Extra or overriding gRPC channel options. */
  channelOptions?: ChannelOptions;
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

/** Validates "host:port" (IPv6 in brackets) and returns it unchanged. */
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
  readonly requestTimeoutMs: number;
  /** The caller's channel option overrides, kept so pooled connections to other brokers match. */
  readonly channelOptions: ChannelOptions | undefined;
  private closed = false;

  constructor(options: ConnectionOptions) {
    parseBootstrap(options.bootstrap);
    this.bootstrap = options.bootstrap.trim();
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.channelOptions = options.channelOptions;
    const proto = loadTributaryProto().grpc.tributary.v1;
    const channelOptions = { ...DEFAULT_CHANNEL_OPTIONS, ...options.channelOptions };
    const creds = credentials.createInsecure();
    this.client = new proto.ClientService(this.bootstrap, creds, channelOptions);
    // Share one channel: the admin stub rides on the client stub's channel.
    this.admin = new proto.AdminService(this.bootstrap, creds, {
      ...channelOptions,
      channelOverride: this.client.getChannel(),
    });
  }

  /** Runs one unary call with a deadline, mapping failures to `TributaryError`. */
  /**
   * Runs one unary call with a deadline, mapping failures to `TributaryError`. An aborted `signal`
   * cancels the call (it rejects with CANCELLED); the broker may still have applied it.
   */
  unary<T>(invoke: UnaryInvoker<T>, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<T> {
    if (this.closed) return Promise.reject(fromServiceError(new Error('connection is closed')));
    const signal = options.signal;
    if (signal?.aborted === true) {
      return Promise.reject(new TributaryClientError('CANCELLED', 'aborted', { cause: signal.reason }));
    }
    const deadline = new Date(Date.now() + (options.timeoutMs ?? this.requestTimeoutMs));
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
    this.client.close();
  }
}

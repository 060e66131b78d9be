/**
 * TLS for gRPC channels: the one place that turns a CA bundle, a client certificate and a server name into
 * grpc-js channel credentials and options. The SDK (client/connection.ts), the broker's channels to other
 * brokers (broker/transport-security.ts) and the operator (through the SDK) all build theirs here, so every
 * Tributary connection has the same floor: TLS 1.2 or later, the server's certificate verified against the
 * given CA bundle (or the system's roots) and the name dialled, or `serverName` when given.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureVersion } from 'node:tls';
import { type ChannelCredentials, type ChannelOptions, credentials } from '@grpc/grpc-js';

/** The oldest protocol version any Tributary endpoint speaks (docs/architecture.md, "Security"). */
export const TLS_MIN_VERSION: SecureVersion = 'TLSv1.2';

/** Largest PEM file read (a CA bundle of a few hundred certificates fits many times over). */
const PEM_FILE_BYTES_MAX = 1024 * 1024;

/** TLS settings of a client channel. PEM values, as `tls.connect` takes them. */
export interface ClientTls {
  /** CA bundle the server's certificate must chain to; absent: the system's roots. */
  readonly ca?: string | Buffer | undefined;
  /** Client certificate chain, presented when the server asks (mutual TLS); needs `key`. */
  readonly cert?: string | Buffer | undefined;
  /** Private key of `cert`. */
  readonly key?: string | Buffer | undefined;
  /**
   * The name the server's certificate must carry, instead of the host dialled: for dialling a broker by
   * an address its certificate does not name (an IP of a port-forward, a load balancer).
   */
  readonly serverName?: string | undefined;
}

/** File paths of a ClientTls (the CLI's options, an application's mounted Secret). */
export interface ClientTlsFiles {
  readonly caFile?: string | undefined;
  readonly certFile?: string | undefined;
  readonly keyFile?: string | undefined;
  readonly serverName?: string | undefined;
}

/** Reads a PEM file, failing with a message that names what it is for. */
export function readPemFile(path: string, what: string): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    throw new Error(`cannot read the ${what} ${path}: ${(err as Error).message}`);
  }
  if (data.length > PEM_FILE_BYTES_MAX) throw new Error(`the ${what} ${path} is over 1 MiB`);
  if (!data.includes('-----BEGIN ')) throw new Error(`the ${what} ${path} holds no PEM block`);
  return data;
}

/** Reads the files of a ClientTls. */
export function readClientTls(files: ClientTlsFiles): ClientTls {
  const given = (p: string | undefined): p is string => p !== undefined && p !== '';
  if (given(files.certFile) !== given(files.keyFile)) {
    throw new Error('a client certificate and its key are given together (certFile and keyFile)');
  }
  return {
    ...(given(files.caFile) ? { ca: readPemFile(files.caFile, 'CA file') } : {}),
    ...(given(files.certFile) ? { cert: readPemFile(files.certFile, 'certificate file') } : {}),
    ...(given(files.keyFile) ? { key: readPemFile(files.keyFile, 'key file') } : {}),
    ...(given(files.serverName) ? { serverName: files.serverName } : {}),
  };
}

/**
 * Channel credentials for `tls`. Throws when the certificate and key do not belong together or a PEM
 * value does not parse (Node's createSecureContext checks both), so a bad setting fails at start, not at
 * the first connection.
 */
export function tlsChannelCredentials(tls: ClientTls): ChannelCredentials {
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new Error('a client certificate and its key are given together (cert and key)');
  }
  const context = createSecureContext({
    minVersion: TLS_MIN_VERSION,
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.cert === undefined ? {} : { cert: tls.cert, key: tls.key }),
  });
  return credentials.createFromSecureContext(context);
}

/** The channel options `tls` needs besides its credentials (the server name override). */
export function tlsChannelOptions(tls: ClientTls | undefined): ChannelOptions {
  if (tls?.serverName === undefined || tls.serverName === '') return {};
  return { 'grpc.ssl_target_name_override': tls.serverName };
}

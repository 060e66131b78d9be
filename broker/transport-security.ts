/**
 * The broker's TLS, from its settings (docs/operations.md, "Secure a cluster"): the listener's server
 * credentials, and the channel credentials of its calls to other brokers (replica fetches, requests to the
 * controller, forwarded admin calls, leadership confirmations; broker/replication/peers.ts). Both come
 * from the same files: the broker presents its own certificate as a client certificate to its peers and
 * trusts `tlsCaFile` for theirs, so one certificate (server and client usage) makes a broker.
 *
 * Also the etcd backend's TLS and credentials (`etcdSecurity`).
 *
 * The files are read once, at start: a renewed certificate takes effect when the broker restarts (the
 * operator rolls the brokers after renewing theirs).
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SecureServerOptions } from 'node:http2';
import { createSecureContext, type SecureContextOptions, type TLSSocket } from 'node:tls';
import {
  type ChannelCredentials,
  type ChannelOptions,
  credentials,
  type Server,
  ServerCredentials,
} from '@grpc/grpc-js';
import { describeCertificate } from '../kit/certificate.js';
import { readPemFile, TLS_MIN_VERSION, tlsChannelCredentials } from '../kit/tls.js';
import { TributaryError } from '../proto/errors.js';
import type { BrokerConfig } from './config.js';
import type { EtcdDcsOptions } from './dcs/index.js';
import type { Logger } from './logger.js';

const CLIENT_AUTH_EKU = '1.3.6.1.5.5.7.3.2';
const DAY_MS = 86_400_000;

export function tlsEnabled(config: BrokerConfig): boolean {
  return config.tlsCertFile !== '' && config.tlsKeyFile !== '';
}

interface ListenerFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer | undefined;
}

/**
 * The listener's TLS files, read and parsed (a key that does not match its certificate fails here, at
 * start, not at each handshake); throws INVALID_CONFIG naming the problem.
 */
function readListenerFiles(config: BrokerConfig): ListenerFiles {
  try {
    const files = {
      cert: readPemFile(config.tlsCertFile, 'tlsCertFile'),
      key: readPemFile(config.tlsKeyFile, 'tlsKeyFile'),
      ca: config.tlsCaFile === '' ? undefined : readPemFile(config.tlsCaFile, 'tlsCaFile'),
    };
    createSecureContext(contextOptions(files));
    return files;
  } catch (err) {
    throw new TributaryError(
      'INVALID_CONFIG',
      `tlsCertFile/tlsKeyFile/tlsCaFile cannot be used: ${(err as Error).message}`,
    );
  }
}

function contextOptions(files: ListenerFiles): SecureContextOptions {
  const { cert, key, ca } = files;
  return { minVersion: TLS_MIN_VERSION, cert, key, ...(ca === undefined ? {} : { ca }) };
}

/**
 * Server credentials built from our own options: grpc-js's `createSsl` knows only "client certificate
 * required or not asked", and sets no protocol floor. `requested` asks for a certificate without
 * requiring one (rejectUnauthorized off); `refuseUnverifiedCertificates` then closes the connections
 * that presented one that does not verify.
 */
class ListenerCredentials extends ServerCredentials {
  _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}

/** The listener's credentials: plaintext without tlsCertFile, else TLS 1.2+ with the client auth asked. */
export function listenerCredentials(config: BrokerConfig): ServerCredentials {
  if (!tlsEnabled(config)) return ServerCredentials.createInsecure();
  const serverOptions: SecureServerOptions = {
    minVersion: TLS_MIN_VERSION,
    requestCert: config.tlsClientAuth !== 'none',
    rejectUnauthorized: config.tlsClientAuth === 'required',
  };
  return new ListenerCredentials(serverOptions, contextOptions(readListenerFiles(config)));
}

interface GrpcServerInternals {
  http2Servers?: Map<NodeJS.EventEmitter, unknown>;
}

/**
 * With `tlsClientAuth: requested`, closes a connection whose client presented a certificate that does not
 * verify against tlsCaFile (another CA, expired), right after its handshake, before any request is read:
 * "requested" means optional, not unchecked. A connection without a certificate goes on. Call after
 * bindAsync (the http2 servers exist then); grpc-js has no hook for this, so it reaches its servers the way
 * broker/api/flow-control.ts does.
 */
export function refuseUnverifiedCertificates(server: Server, config: BrokerConfig): void {
  if (!tlsEnabled(config) || config.tlsClientAuth !== 'requested') return;
  const internals = server as unknown as GrpcServerInternals;
  if (!(internals.http2Servers instanceof Map) || internals.http2Servers.size === 0) {
    throw new Error(
      'grpc-js internals changed: Server.http2Servers is missing (see broker/transport-security.ts)',
    );
  }
  for (const http2Server of internals.http2Servers.keys()) {
    http2Server.on('secureConnection', (socket: TLSSocket) => {
      if (!socket.authorized && Object.keys(socket.getPeerCertificate()).length > 0) socket.destroy();
    });
  }
}

/** Credentials and options of this broker's channels to other brokers. */
export interface PeerChannel {
  readonly credentials: ChannelCredentials;
  readonly options: ChannelOptions;
}

/**
 * How this broker dials the others: plaintext when its listener is plaintext (a cluster is all TLS or all
 * plaintext), else TLS trusting tlsCaFile (the system's roots without it), presenting its own certificate.
 */
export function peerChannel(config: BrokerConfig): PeerChannel {
  if (!tlsEnabled(config)) return { credentials: credentials.createInsecure(), options: {} };
  const { cert, key, ca } = readListenerFiles(config);
  return {
    credentials: tlsChannelCredentials({ cert, key, ...(ca === undefined ? {} : { ca }) }),
    options: {},
  };
}

/** Logs what the broker serves with, and warns of what will go wrong with it (expiry, missing usage). */
export function logTransportSecurity(config: BrokerConfig, logger: Logger): void {
  if (!tlsEnabled(config)) {
    logger.info({ tls: false }, 'listener is plaintext (no tlsCertFile)');
    return;
  }
  const cert = readListenerFiles(config).cert;
  const summary = describeCertificate(cert);
  const leftDays = Math.floor((summary.notAfter.getTime() - Date.now()) / DAY_MS);
  logger.info(
    {
      tls: true,
      clientAuth: config.tlsClientAuth,
      subject: summary.subject,
      notAfter: summary.notAfter.toISOString(),
      fingerprint256: summary.fingerprint256,
    },
    'listener speaks TLS',
  );
  if (leftDays < 0) logger.error({ notAfter: summary.notAfter }, 'the listener certificate has expired');
  else if (leftDays < 7) logger.warn({ leftDays }, 'the listener certificate expires within a week');
  const usages = new X509Certificate(cert).keyUsage;
  if (config.tlsClientAuth !== 'none' && usages !== undefined && !usages.includes(CLIENT_AUTH_EKU)) {
    logger.warn(
      'the certificate is not for client authentication (extendedKeyUsage clientAuth): brokers present it to each other, and peers asking for client certificates will refuse it',
    );
  }
}

/**
 * The etcd backend's TLS and authentication from the dcsEtcd* settings: files read, the password's
 * trailing newline dropped (a Secret written with `echo` has one). Throws INVALID_CONFIG naming a file
 * that cannot be read.
 */
export function etcdSecurity(config: BrokerConfig): Pick<EtcdDcsOptions, 'tls' | 'auth'> {
  try {
    const given = config.dcsEtcdCaFile !== '' || config.dcsEtcdCertFile !== '';
    const tls = given
      ? {
          ...(config.dcsEtcdCaFile === '' ? {} : { ca: readPemFile(config.dcsEtcdCaFile, 'dcsEtcdCaFile') }),
          ...(config.dcsEtcdCertFile === ''
            ? {}
            : {
                cert: readPemFile(config.dcsEtcdCertFile, 'dcsEtcdCertFile'),
                key: readPemFile(config.dcsEtcdKeyFile, 'dcsEtcdKeyFile'),
              }),
        }
      : undefined;
    const auth =
      config.dcsEtcdUsername === ''
        ? undefined
        : { username: config.dcsEtcdUsername, password: readPassword(config.dcsEtcdPasswordFile) };
    return { ...(tls === undefined ? {} : { tls }), ...(auth === undefined ? {} : { auth }) };
  } catch (err) {
    throw new TributaryError('INVALID_CONFIG', (err as Error).message);
  }
}

const PASSWORD_BYTES_MAX = 4096;

function readPassword(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read dcsEtcdPasswordFile ${path}: ${(err as Error).message}`);
  }
  const password = text.replace(/\r?\n$/, '');
  if (password === '' || password.length > PASSWORD_BYTES_MAX) {
    throw new Error(
      `dcsEtcdPasswordFile ${path} must hold a password of 1 to ${PASSWORD_BYTES_MAX} characters`,
    );
  }
  return password;
}

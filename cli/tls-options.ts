/**
 * The CLI's TLS options (global, every command that talks to a broker): a CA bundle, a client certificate
 * and key, a server name; each also from an environment variable. Any of them turns TLS on; `--tls` alone
 * turns it on with the system's roots.
 */
import { type Command, Option } from 'commander';
import { type ClientTls, readClientTls } from '../client/index.js';

export const TLS_OPTIONS_WITH_VALUE = [
  '--tls-ca-file',
  '--tls-cert-file',
  '--tls-key-file',
  '--tls-server-name',
] as const;

export function addTlsOptions(program: Command): Command {
  return program
    .addOption(new Option('--tls', 'connect with TLS (implied by the --tls-* options)').env('TRIBUTARY_TLS'))
    .addOption(
      new Option('--tls-ca-file <file>', "PEM CA bundle the brokers' certificates must chain to").env(
        'TRIBUTARY_TLS_CA_FILE',
      ),
    )
    .addOption(
      new Option('--tls-cert-file <file>', 'PEM client certificate, for brokers that ask for one').env(
        'TRIBUTARY_TLS_CERT_FILE',
      ),
    )
    .addOption(
      new Option('--tls-key-file <file>', 'PEM private key of --tls-cert-file').env('TRIBUTARY_TLS_KEY_FILE'),
    )
    .addOption(
      new Option(
        '--tls-server-name <name>',
        "the name the brokers' certificates must carry, instead of the address dialled",
      ).env('TRIBUTARY_TLS_SERVER_NAME'),
    );
}

export interface TlsOptionValues {
  tls?: boolean;
  tlsCaFile?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  tlsServerName?: string;
}

/** The client's TLS settings from the options, read; undefined for plaintext. Throws on unreadable files. */
export function clientTlsOf(opts: TlsOptionValues): ClientTls | undefined {
  const files = {
    caFile: opts.tlsCaFile,
    certFile: opts.tlsCertFile,
    keyFile: opts.tlsKeyFile,
    serverName: opts.tlsServerName,
  };
  const any = Object.values(files).some((v) => v !== undefined && v !== '');
  if (!any && opts.tls !== true) return undefined;
  return readClientTls(files);
}

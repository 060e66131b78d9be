/**
 * Certificates for the TLS tests, written to a temporary directory: a CA, a broker certificate for
 * 127.0.0.1 and localhost (server and client usage: brokers present it to each other), a client
 * certificate, and the ones every door must refuse (another CA's, an expired one).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, issueCertificate, type PemPair } from '../../kit/pki.js';
import type { ClientTls } from '../../kit/tls.js';

export interface PemFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly pem: PemPair;
}

export interface TlsFixture {
  readonly dir: string;
  readonly caFile: string;
  readonly ca: PemPair;
  readonly broker: PemFiles;
  readonly client: PemFiles;
  /** Issued by another CA. */
  readonly foreignClient: PemFiles;
  readonly otherCaFile: string;
  readonly expiredClient: PemFiles;
  /** The client certificate and CA, as an SDK client takes them. */
  clientTls(): ClientTls;
  /** `--set` arguments of a broker serving TLS with these files. */
  brokerArgs(clientAuth?: 'none' | 'requested' | 'required'): string[];
  remove(): void;
}

export async function makeTlsFixture(): Promise<TlsFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-tls-'));
  const write = (name: string, pem: PemPair): PemFiles => {
    const certFile = join(dir, `${name}.crt`);
    const keyFile = join(dir, `${name}.key`);
    writeFileSync(certFile, pem.certPem);
    writeFileSync(keyFile, pem.keyPem, { mode: 0o600 });
    return { certFile, keyFile, pem };
  };
  const ca = await createCa({ commonName: 'tributary-test-ca' });
  const other = await createCa({ commonName: 'someone-else-ca' });
  const caFile = join(dir, 'ca.crt');
  writeFileSync(caFile, ca.certPem);
  const otherCaFile = join(dir, 'other-ca.crt');
  writeFileSync(otherCaFile, other.certPem);
  const broker = write(
    'broker',
    await issueCertificate(ca, {
      commonName: 'tributary-broker',
      subjectAltNames: ['127.0.0.1', 'localhost'],
      usage: 'both',
    }),
  );
  const client = write('client', await issueCertificate(ca, { commonName: 'alice', usage: 'client' }));
  const foreignClient = write(
    'foreign',
    await issueCertificate(other, { commonName: 'mallory', usage: 'client' }),
  );
  const expiredClient = write(
    'expired',
    await issueCertificate(ca, {
      commonName: 'old',
      usage: 'client',
      notBefore: new Date(Date.now() - 10 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    }),
  );
  return {
    dir,
    caFile,
    ca,
    broker,
    client,
    foreignClient,
    otherCaFile,
    expiredClient,
    clientTls: () => ({ ca: ca.certPem, cert: client.pem.certPem, key: client.pem.keyPem }),
    brokerArgs: (clientAuth = 'required') => [
      '--set',
      `tlsCertFile=${broker.certFile}`,
      '--set',
      `tlsKeyFile=${broker.keyFile}`,
      '--set',
      `tlsCaFile=${caFile}`,
      '--set',
      `tlsClientAuth=${clientAuth}`,
    ],
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A small certificate authority: creates CAs and issues server and client certificates (ECDSA P-256,
 * SHA-256), as PEM. The operator runs a cluster CA and a clients CA with it (docs/architecture.md,
 * "Security"); tests make the certificates of every door with it (another CA, expired, wrong usage).
 *
 * Built on `@peculiar/x509` over Node's WebCrypto. A CA is only its certificate and key: it keeps no
 * serial database, since revocation in Tributary is by removing the principal's access, not by CRL.
 */
// tsyringe, which @peculiar/x509 uses, needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const KEY_ALGORITHM: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING_ALGORITHM: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const DAY_MS = 86_400_000;
/** Backdating, so a certificate is valid on a peer whose clock runs a little behind the issuer's. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** A certificate and its private key, PEM-encoded (the key as PKCS#8). */
export interface PemPair {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface CertificateValidity {
  /** Defaults to now minus five minutes. */
  readonly notBefore?: Date;
  /** Defaults to notBefore plus `validityDays`. */
  readonly notAfter?: Date;
  /** Used when notAfter is not given; default 365 for certificates, 1825 for CAs. */
  readonly validityDays?: number;
}

export interface CaOptions extends CertificateValidity {
  readonly commonName: string;
  /** Extra subject fields, e.g. "O=tributary". */
  readonly organization?: string;
}

export type CertificateUsage = 'server' | 'client' | 'both';

export interface IssueOptions extends CertificateValidity {
  readonly commonName: string;
  readonly organization?: string;
  /** DNS names and IP addresses for the subjectAltName (servers: every name clients dial). */
  readonly subjectAltNames?: readonly string[];
  readonly usage: CertificateUsage;
}

/** Escapes a value for an RFC 4514 distinguished name. */
function dnValue(value: string): string {
  if (value === '' || value.length > 64)
    throw new RangeError(`a name field must be 1-64 characters: "${value}"`);
  return value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`).replace(/^[ #]|[ ]$/g, (c) => `\\${c}`);
}

function distinguishedName(commonName: string, organization: string | undefined): string {
  const cn = `CN=${dnValue(commonName)}`;
  return organization === undefined ? cn : `${cn}, O=${dnValue(organization)}`;
}

function validity(options: CertificateValidity, defaultDays: number): { notBefore: Date; notAfter: Date } {
  const notBefore = options.notBefore ?? new Date(Date.now() - CLOCK_SKEW_MS);
  const notAfter =
    options.notAfter ?? new Date(notBefore.getTime() + (options.validityDays ?? defaultDays) * DAY_MS);
  if (!(notAfter.getTime() > notBefore.getTime())) throw new RangeError('notAfter must be after notBefore');
  return { notBefore, notAfter };
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function keyToPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN PRIVATE KEY-----\n${body.trimEnd()}\n-----END PRIVATE KEY-----\n`;
}

async function importKey(keyPem: string): Promise<CryptoKey> {
  const body = keyPem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, '');
  return webcrypto.subtle.importKey('pkcs8', Buffer.from(body, 'base64'), KEY_ALGORITHM, false, ['sign']);
}

/** Creates a self-signed CA (basicConstraints CA, may sign certificates, no intermediate below it). */
export async function createCa(options: CaOptions): Promise<PemPair> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: distinguishedName(options.commonName, options.organization),
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    ...validity(options, 1825),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await keyToPem(keys.privateKey) };
}

function subjectAltNames(names: readonly string[]): x509.SubjectAlternativeNameExtension {
  return new x509.SubjectAlternativeNameExtension(
    names.map((n) =>
      isIP(n) !== 0 ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n },
    ),
  );
}

/** Issues a leaf certificate signed by `ca`. */
export async function issueCertificate(ca: PemPair, options: IssueOptions): Promise<PemPair> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const keys = await generateKeys();
  const usages = {
    server: [x509.ExtendedKeyUsage.serverAuth],
    client: [x509.ExtendedKeyUsage.clientAuth],
    both: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
  }[options.usage];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    new x509.ExtendedKeyUsageExtension(usages, false),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(caCert),
  ];
  if (options.subjectAltNames !== undefined && options.subjectAltNames.length > 0) {
    extensions.push(subjectAltNames(options.subjectAltNames));
  }
  const cert = await x509.X509CertificateGenerator.create({
    subject: distinguishedName(options.commonName, options.organization),
    issuer: caCert.subject,
    publicKey: keys.publicKey,
    signingKey: await importKey(ca.keyPem),
    signingAlgorithm: SIGNING_ALGORITHM,
    ...validity(options, 365),
    extensions,
  });
  return { certPem: cert.toString('pem'), keyPem: await keyToPem(keys.privateKey) };
}

export { type CertificateSummary, describeCertificate, isIssuedBy } from './certificate.js';

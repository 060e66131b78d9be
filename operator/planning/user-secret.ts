/**
 * The Secret the operator writes for a User (named like it, owned by it) and the decision to issue its
 * certificate again. Pure (reading certificates is local crypto, no I/O).
 *
 * Keys: tls users get `ca.crt` (the clients CA that signed the certificate), `user.crt` and `user.key`
 * (PKCS#8); SCRAM users get `username`, `password` and `mechanism` (`SCRAM-SHA-512` or `SCRAM-SHA-256`).
 * The Secret is Opaque, so a User may change its authentication type (a Secret's type is immutable).
 *
 * Certificates: valid `CERTIFICATE_VALIDITY_DAYS`, issued again `CERTIFICATE_RENEW_BEFORE_DAYS` before they
 * expire, and at once when the Secret's certificate does not belong to the user (another common name), was
 * not signed by the clients CA in force (the CA was replaced), does not match its key, or the Secret's
 * `ca.crt` is not that CA.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import { type CertificateSummary, describeCertificate, isIssuedBy } from '../../kit/certificate.js';
import { API_VERSION, USER_KIND, type User } from '../api/v1alpha1.js';
import {
  APP_NAME,
  LABEL_COMPONENT,
  LABEL_INSTANCE,
  LABEL_MANAGED_BY,
  LABEL_NAME,
  LABEL_PART_OF,
  MANAGED_BY,
} from './labels.js';
import { controllerReference } from './owner-reference.js';

export const SECRET_CA_CERT = 'ca.crt';
export const SECRET_USER_CERT = 'user.crt';
export const SECRET_USER_KEY = 'user.key';
export const SECRET_USERNAME = 'username';
export const SECRET_PASSWORD = 'password';
export const SECRET_MECHANISM = 'mechanism';

export const CERTIFICATE_VALIDITY_DAYS = 365;
export const CERTIFICATE_RENEW_BEFORE_DAYS = 30;
const DAY_MS = 86_400_000;

/** Generated passwords: 32 characters of this alphabet (190 bits). */
export const GENERATED_PASSWORD_CHARS = 32;
const PASSWORD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A password longer than this (from a referenced Secret) is refused: SCRAM hashes it on every login. */
export const PASSWORD_BYTES_MAX = 1024;

export const COMPONENT_USER = 'user';

/** Labels of a User's Secret. */
export function userSecretLabels(cluster: string): Record<string, string> {
  return {
    [LABEL_NAME]: APP_NAME,
    [LABEL_INSTANCE]: cluster,
    [LABEL_COMPONENT]: COMPONENT_USER,
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_PART_OF]: APP_NAME,
  };
}

/** The Secret of `user` holding `data` (text values), for server-side apply. */
export function userSecret(user: User, data: Record<string, string>): V1Secret {
  const encoded: Record<string, string> = {};
  for (const key of Object.keys(data).sort())
    encoded[key] = Buffer.from(data[key]!, 'utf8').toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: user.metadata.name!,
      namespace: user.metadata.namespace!,
      labels: userSecretLabels(user.spec.cluster),
      ownerReferences: [controllerReference(user, API_VERSION, USER_KIND)],
    },
    type: 'Opaque',
    data: encoded,
  };
}

/** A Secret's data as text. */
export function secretText(secret: V1Secret | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(secret?.data ?? {}))
    out[key] = Buffer.from(value, 'base64').toString('utf8');
  return out;
}

/** Whether `secret` is the one the operator writes for `user` (its controller owner is this User). */
export function isUserSecret(secret: V1Secret, user: User): boolean {
  return (
    secret.metadata?.ownerReferences?.some(
      (r) =>
        r.controller === true &&
        r.kind === USER_KIND &&
        r.apiVersion === API_VERSION &&
        r.uid === user.metadata.uid,
    ) ?? false
  );
}

/** A new random password (uniform over the alphabet: rejection of the bytes above the last full cycle). */
export function generatePassword(randomBytes: (n: number) => Buffer): string {
  const limit = 256 - (256 % PASSWORD_ALPHABET.length);
  let out = '';
  while (out.length < GENERATED_PASSWORD_CHARS) {
    for (const byte of randomBytes(GENERATED_PASSWORD_CHARS * 2)) {
      if (byte < limit && out.length < GENERATED_PASSWORD_CHARS)
        out += PASSWORD_ALPHABET[byte % PASSWORD_ALPHABET.length];
    }
  }
  return out;
}

/** Why the Secret's certificate must be issued again (undefined: it is good until its renewal time). */
export function certificateProblem(
  data: Record<string, string>,
  caCertPem: string,
  userName: string,
  nowMs: number,
): string | undefined {
  const certPem = data[SECRET_USER_CERT];
  const keyPem = data[SECRET_USER_KEY];
  if (certPem === undefined || keyPem === undefined) return 'no certificate yet';
  let cert: CertificateSummary;
  try {
    cert = describeCertificate(certPem);
  } catch {
    return 'the Secret holds no readable certificate';
  }
  if (cert.commonName !== userName) {
    return `the certificate is for ${JSON.stringify(cert.commonName)}, not ${JSON.stringify(userName)}`;
  }
  try {
    if (!isIssuedBy(certPem, caCertPem)) return 'the certificate was signed by another CA';
    if (!new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem))) {
      return 'the key does not match the certificate';
    }
  } catch {
    return 'the certificate or its key cannot be read';
  }
  if ((data[SECRET_CA_CERT] ?? '').trim() !== caCertPem.trim()) return 'ca.crt is not the clients CA';
  if (!(nowMs < certificateRenewAtMs(data)))
    return `the certificate expires on ${cert.notAfter.toISOString()}`;
  return undefined;
}

/** When the certificate in `data` is to be renewed, in ms since the epoch. */
export function certificateRenewAtMs(data: Record<string, string>): number {
  const notAfter = describeCertificate(data[SECRET_USER_CERT]!).notAfter;
  return notAfter.getTime() - CERTIFICATE_RENEW_BEFORE_DAYS * DAY_MS;
}

/** The expiry of the certificate in `data`, as status carries it (RFC 3339, whole seconds). */
export function certificateNotAfter(data: Record<string, string>): string {
  return describeCertificate(data[SECRET_USER_CERT]!).notAfter.toISOString().replace('.000Z', 'Z');
}

/**
 * Reading certificates with Node's own X.509 parser: who, until when, a fingerprint, who signed it. Kept
 * apart from kit/pki.ts (which issues them and loads `@peculiar/x509`), so a broker or a client that only
 * reads a certificate does not load the issuing library.
 */
import { X509Certificate } from 'node:crypto';

/** What a holder of a certificate needs to know about it: who, until when, and a fingerprint. */
export interface CertificateSummary {
  readonly subject: string;
  readonly commonName: string | undefined;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SHA-256 fingerprint, colon-separated hex. */
  readonly fingerprint256: string;
}

/** Reads the first certificate of a PEM bundle. */
export function describeCertificate(certPem: string | Buffer): CertificateSummary {
  const cert = new X509Certificate(certPem);
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1];
  return {
    subject: cert.subject,
    commonName: cn,
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    fingerprint256: cert.fingerprint256,
  };
}

/** Whether `certPem` was signed by `caPem` (signature only; validity dates are not checked). */
export function isIssuedBy(certPem: string | Buffer, caPem: string | Buffer): boolean {
  return new X509Certificate(certPem).verify(new X509Certificate(caPem).publicKey);
}

/** The certificates of a PEM bundle, each as its own PEM block, in order. */
export function splitPemBundle(pem: string): string[] {
  return (
    pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)?.map((c) => `${c}\n`) ?? []
  );
}

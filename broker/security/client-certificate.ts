/**
 * The principal of a client certificate: `User:<subject CN>`, only for a certificate this broker verified
 * itself against `tlsCaFile` (docs/architecture.md, "Security"). With `tlsClientAuth=requested` Node
 * accepts the TLS handshake whatever certificate the client sends (rejectUnauthorized is off so that
 * clients without one may connect), and gRPC's auth context shows that certificate all the same; so the
 * signature by a CA of the bundle, the CA's being a CA, and the validity period are checked here before the
 * subject is believed. A chain through intermediates is not followed: client certificates are issued by a
 * CA of the bundle itself (the operator's clients CA, or the user's).
 *
 * Verified certificates are remembered by fingerprint (bounded); the CA bundle is read again when its file
 * changes (checked at most every CA_RECHECK_MS), so a rotated CA applies without a restart.
 */

import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { PeerCertificate } from 'node:tls';
import { TributaryError } from '../../proto/errors.js';

const VERIFIED_MAX = 1_000;
const CA_RECHECK_MS = 10_000;

export function splitPemCertificates(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}

/** The CN of a certificate subject ("CN=alice\nO=acme" in Node's form). */
export function subjectCommonName(subject: string): string | undefined {
  for (const line of subject.split('\n')) if (line.startsWith('CN=')) return line.slice(3);
  return undefined;
}

export class ClientCertificates {
  private cas: X509Certificate[] = [];
  private caMtimeMs = -1;
  private caCheckedMs = Number.NEGATIVE_INFINITY;
  private readonly verified = new Map<string, { principal: string; validToMs: number }>();

  constructor(
    private readonly caFile: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** `User:<CN>` of a verified certificate; undefined when the call carried none; throws when it is not trusted. */
  principal(peer: PeerCertificate | undefined): string | undefined {
    if (peer === undefined || peer.raw === undefined || peer.raw.length === 0) return undefined;
    const now = this.now();
    const fingerprint = peer.fingerprint256;
    const known = this.verified.get(fingerprint);
    if (known !== undefined && known.validToMs > now) return known.principal;
    const cert = new X509Certificate(peer.raw);
    const fail = (why: string): never => {
      throw new TributaryError('AUTHENTICATION_FAILED', `client certificate refused: ${why}`);
    };
    if (Date.parse(cert.validFrom) > now) fail('not yet valid');
    if (Date.parse(cert.validTo) <= now) fail('expired');
    const issuer = this.caBundle().find((ca) => ca.ca && cert.checkIssued(ca) && cert.verify(ca.publicKey));
    if (issuer === undefined) fail('not issued by a CA of tlsCaFile');
    const cn = subjectCommonName(cert.subject);
    if (cn === undefined || cn === '' || /\s/.test(cn)) fail('no usable subject CN');
    const principal = `User:${cn}`;
    if (this.verified.size >= VERIFIED_MAX) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(fingerprint, { principal, validToMs: Date.parse(cert.validTo) });
    return principal;
  }

  private caBundle(): X509Certificate[] {
    const now = this.now();
    if (now - this.caCheckedMs < CA_RECHECK_MS) return this.cas;
    this.caCheckedMs = now;
    try {
      const mtimeMs = statSync(this.caFile).mtimeMs;
      if (mtimeMs !== this.caMtimeMs) {
        this.cas = splitPemCertificates(readFileSync(this.caFile, 'utf8'));
        this.caMtimeMs = mtimeMs;
        this.verified.clear();
      }
    } catch {
      // Keep the last bundle read: a file being replaced is briefly absent.
    }
    return this.cas;
  }
}

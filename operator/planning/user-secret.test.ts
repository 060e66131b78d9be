import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCa, issueCertificate, type PemPair } from '../../kit/pki.js';
import type { User } from '../api/v1alpha1.js';
import {
  CERTIFICATE_RENEW_BEFORE_DAYS,
  certificateProblem,
  GENERATED_PASSWORD_CHARS,
  generatePassword,
  isUserSecret,
  secretText,
  userSecret,
} from './user-secret.js';

const DAY_MS = 86_400_000;
const user = {
  apiVersion: 'tributary.dev/v1alpha1',
  kind: 'User',
  metadata: { name: 'alice', namespace: 'apps', uid: 'u1' },
  spec: { cluster: 'events' },
} as User;

describe('the User Secret', () => {
  it('is owned by the User, labelled for its Cluster, and round-trips its text', () => {
    const secret = userSecret(user, { password: 'pä55', username: 'alice' });
    expect(secret.metadata).toMatchObject({
      name: 'alice',
      namespace: 'apps',
      labels: { 'app.kubernetes.io/instance': 'events', 'app.kubernetes.io/component': 'user' },
      ownerReferences: [{ kind: 'User', name: 'alice', uid: 'u1', controller: true }],
    });
    expect(Object.keys(secret.data!)).toEqual(['password', 'username']);
    expect(secretText(secret)).toEqual({ password: 'pä55', username: 'alice' });
    expect(isUserSecret(secret, user)).toBe(true);
    expect(isUserSecret(secret, { ...user, metadata: { ...user.metadata, uid: 'u2' } })).toBe(false);
  });

  it('generates passwords of 32 letters and digits, none alike', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = generatePassword(randomBytes);
      expect(p).toMatch(new RegExp(`^[A-Za-z0-9]{${GENERATED_PASSWORD_CHARS}}$`));
      seen.add(p);
    }
    expect(seen.size).toBe(200);
    // Bytes past the last whole cycle of the alphabet are skipped, so every character is equally likely.
    expect(generatePassword((n) => Buffer.alloc(n, 255).fill(0, n - 1))).toBe('A'.repeat(32));
  });
});

describe('certificateProblem', () => {
  let ca: PemPair;
  let other: PemPair;
  let good: Record<string, string>;
  const now = Date.now();

  beforeAll(async () => {
    [ca, other] = await Promise.all([createCa({ commonName: 'clients' }), createCa({ commonName: 'other' })]);
    const cert = await issueCertificate(ca, { commonName: 'alice', usage: 'client', validityDays: 365 });
    good = { 'ca.crt': ca.certPem, 'user.crt': cert.certPem, 'user.key': cert.keyPem };
  });

  it('keeps a certificate of the user, from the CA, with its key, until its renewal time', () => {
    expect(certificateProblem(good, ca.certPem, 'alice', now)).toBeUndefined();
    expect(
      certificateProblem(good, ca.certPem, 'alice', now + (365 - CERTIFICATE_RENEW_BEFORE_DAYS - 1) * DAY_MS),
    ).toBeUndefined();
    expect(
      certificateProblem(good, ca.certPem, 'alice', now + (365 - CERTIFICATE_RENEW_BEFORE_DAYS + 1) * DAY_MS),
    ).toMatch(/^the certificate expires on /);
  });

  it('asks for a new one when anything does not hold', async () => {
    expect(certificateProblem({}, ca.certPem, 'alice', now)).toBe('no certificate yet');
    expect(certificateProblem(good, ca.certPem, 'bob', now)).toBe(
      'the certificate is for "alice", not "bob"',
    );
    expect(certificateProblem(good, other.certPem, 'alice', now)).toBe(
      'the certificate was signed by another CA',
    );
    const stranger = await issueCertificate(ca, { commonName: 'alice', usage: 'client' });
    expect(certificateProblem({ ...good, 'user.key': stranger.keyPem }, ca.certPem, 'alice', now)).toBe(
      'the key does not match the certificate',
    );
    expect(certificateProblem({ ...good, 'ca.crt': other.certPem }, ca.certPem, 'alice', now)).toBe(
      'ca.crt is not the clients CA',
    );
    expect(certificateProblem({ ...good, 'user.crt': 'junk' }, ca.certPem, 'alice', now)).toBe(
      'the Secret holds no readable certificate',
    );
  });
});

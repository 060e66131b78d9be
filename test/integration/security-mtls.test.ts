/**
 * Principals from client certificates (docs/operations.md, "Secure a cluster"): a broker with a TLS
 * listener that requires client certificates and accepts mtls and scram. A certificate's CN is the
 * principal `User:<CN>`; ACLs apply to it; a SCRAM session token on the same connection wins over the
 * certificate; certificates of another CA, or expired ones, never get a call through.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChannelCredentials, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCa, issueCertificate, type PemPair } from '../../kit/pki.js';
import type { AuthenticateResponse__Output } from '../../proto/generated/tributary/v1/AuthenticateResponse.js';
import type { SecurityServiceClient } from '../../proto/generated/tributary/v1/SecurityService.js';
import type { WhoAmIResponse__Output } from '../../proto/generated/tributary/v1/WhoAmIResponse.js';
import { loadTributaryProto } from '../../proto/load.js';
import { ScramClient, scramCredential } from '../../proto/scram.js';
import { type BrokerProcess, removeDataDirs, startBroker } from '../helpers/broker-process.js';
import { reasonOf } from '../helpers/grpc.js';

let broker: BrokerProcess;
let dir: string;
let ca: PemPair;
const certs: Record<string, PemPair> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tributary-mtls-'));
  ca = await createCa({ commonName: 'test clients and brokers CA' });
  const other = await createCa({ commonName: 'someone else' });
  certs.server = await issueCertificate(ca, {
    commonName: 'broker-0',
    subjectAltNames: ['127.0.0.1', 'localhost'],
    usage: 'server',
  });
  certs.alice = await issueCertificate(ca, { commonName: 'alice', usage: 'client' });
  certs.admin = await issueCertificate(ca, { commonName: 'admin', usage: 'client' });
  certs.forged = await issueCertificate(other, { commonName: 'admin', usage: 'client' });
  certs.expired = await issueCertificate(ca, {
    commonName: 'admin',
    usage: 'client',
    notBefore: new Date(Date.now() - 10 * 86_400_000),
    notAfter: new Date(Date.now() - 86_400_000),
  });
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  writeFileSync(join(dir, 'server.pem'), certs.server.certPem);
  writeFileSync(join(dir, 'server.key'), certs.server.keyPem);
  const set = (kv: string) => ['--set', kv];
  broker = await startBroker({
    args: [
      ...set(`tlsCertFile=${join(dir, 'server.pem')}`),
      ...set(`tlsKeyFile=${join(dir, 'server.key')}`),
      ...set(`tlsCaFile=${join(dir, 'ca.pem')}`),
      ...set('tlsClientAuth=required'),
      ...set('authentication=mtls,scram'),
      ...set('authorizer=acl'),
      ...set('superUsers=User:admin'),
    ],
  });
});

afterAll(async () => {
  await broker?.stop();
  removeDataDirs();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function tls(who: PemPair): ChannelCredentials {
  return credentials.createSsl(Buffer.from(ca.certPem), Buffer.from(who.keyPem), Buffer.from(who.certPem));
}

function stubs(who: PemPair) {
  const { grpc } = loadTributaryProto();
  const creds = tls(who);
  const security = new grpc.tributary.v1.SecurityService(broker.address, creds);
  const admin = new grpc.tributary.v1.AdminService(broker.address, creds, {
    channelOverride: security.getChannel(),
  });
  return { security, admin, close: () => security.close() };
}

function unary<T>(stub: object, method: string, request: unknown, md = new Metadata()): Promise<T> {
  const fn = (
    stub as Record<
      string,
      (r: unknown, m: Metadata, o: object, cb: (e: ServiceError | null, v?: T) => void) => void
    >
  )[method]!;
  return new Promise((resolve, reject) =>
    fn.call(stub, request, md, { deadline: Date.now() + 10_000 }, (e, v) =>
      e ? reject(e) : resolve(v as T),
    ),
  );
}

describe('mtls: the client certificate is the principal', () => {
  it('a certificate of the cluster CA is User:<CN>; ACLs apply to it', async () => {
    const alice = stubs(certs.alice!);
    const admin = stubs(certs.admin!);
    try {
      expect(await unary<WhoAmIResponse__Output>(alice.security, 'WhoAmI', {})).toEqual({
        principal: 'User:alice',
        mechanism: 'mtls',
        super_user: false,
      });
      expect((await unary<WhoAmIResponse__Output>(admin.security, 'WhoAmI', {})).super_user).toBe(true);
      const create = (s: typeof alice) =>
        unary(s.admin, 'CreateTopics', { topics: [{ name: 'by-alice', partitions: 1 }] });
      expect(reasonOf(await create(alice).catch((e: unknown) => e)).reason).toBe(
        'TOPIC_AUTHORIZATION_FAILED',
      );
      await unary(admin.security, 'CreateAcls', {
        creations: [
          {
            resource_type: 'ACL_RESOURCE_TYPE_TOPIC',
            resource_name: 'by-',
            pattern_type: 'ACL_PATTERN_TYPE_PREFIXED',
            principal: 'User:alice',
            host: '*',
            operation: 'ACL_OPERATION_CREATE',
            permission_type: 'ACL_PERMISSION_TYPE_ALLOW',
          },
        ],
      });
      await create(alice);
    } finally {
      alice.close();
      admin.close();
    }
  });

  it('a SCRAM session on the same TLS connection wins over the certificate', async () => {
    const admin = stubs(certs.admin!);
    const alice = stubs(certs.alice!);
    try {
      const c = scramCredential('carol-secret');
      await unary(admin.security, 'AlterUserScramCredentials', {
        upsertions: [
          {
            user: 'carol',
            mechanism: 'SCRAM_MECHANISM_SHA_512',
            iterations: c.iterations,
            salt: c.salt,
            stored_key: c.storedKey,
            server_key: c.serverKey,
          },
        ],
      });
      const scram = new ScramClient('SCRAM-SHA-512', 'carol', 'carol-secret');
      const step = (handshake_id: string, message: string) =>
        unary<AuthenticateResponse__Output>(alice.security as SecurityServiceClient, 'Authenticate', {
          mechanism: 'SCRAM_MECHANISM_SHA_512',
          handshake_id,
          message: Buffer.from(message),
        });
      const first = await step('', scram.first());
      const final = await step(first.handshake_id, scram.final(first.message.toString()));
      scram.verify(final.message.toString());
      const md = new Metadata();
      md.set('authorization', `Bearer ${final.session_token}`);
      expect(await unary<WhoAmIResponse__Output>(alice.security, 'WhoAmI', {}, md)).toEqual({
        principal: 'User:carol',
        mechanism: 'scram-sha-512',
        super_user: false,
      });
    } finally {
      admin.close();
      alice.close();
    }
  });

  it('a certificate of another CA, or an expired one, gets no call through', async () => {
    for (const who of [certs.forged!, certs.expired!]) {
      const s = stubs(who);
      try {
        const err = await unary(s.security, 'WhoAmI', {}).then(
          () => undefined,
          (e: unknown) => e as ServiceError,
        );
        expect(err?.code).toBe(14); // UNAVAILABLE: the TLS handshake was refused
      } finally {
        s.close();
      }
    }
  });
});

import { once } from 'node:events';
import { isIP } from 'node:net';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { createCa, describeCertificate, isIssuedBy, issueCertificate } from './pki.js';

/** Opens a real TLS connection to a server holding `server`, presenting `client`; resolves the outcome. */
async function handshake(
  caPem: string,
  server: { certPem: string; keyPem: string },
  client: { certPem: string; keyPem: string } | undefined,
  servername: string,
): Promise<{ ok: boolean; error?: string; peerCn?: string }> {
  let peerCn: string | undefined;
  const srv = createServer(
    { cert: server.certPem, key: server.keyPem, ca: caPem, requestCert: true, rejectUnauthorized: true },
    (socket: TLSSocket) => {
      peerCn = socket.getPeerCertificate().subject?.CN as string | undefined;
      socket.end('ok');
    },
  );
  srv.on('tlsClientError', () => {});
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as { port: number };
  try {
    const socket = connect({
      host: '127.0.0.1',
      port,
      ...(isIP(servername) === 0 ? { servername } : {}),
      ca: caPem,
      ...(client === undefined ? {} : { cert: client.certPem, key: client.keyPem }),
    });
    const outcome = await new Promise<{ ok: boolean; error?: string }>((resolve) => {
      socket.once('data', () => resolve({ ok: true }));
      socket.once('error', (err) => resolve({ ok: false, error: err.message }));
      socket.once('end', () => resolve({ ok: false, error: 'closed' }));
    });
    socket.destroy();
    return { ...outcome, ...(peerCn === undefined ? {} : { peerCn }) };
  } finally {
    srv.close();
  }
}

describe('pki', () => {
  it('issues server and client certificates that complete a mutual TLS handshake', async () => {
    const ca = await createCa({ commonName: 'test-ca', organization: 'tributary' });
    const server = await issueCertificate(ca, {
      commonName: 'broker-0',
      subjectAltNames: ['broker-0.tributary.svc', '127.0.0.1'],
      usage: 'server',
    });
    const client = await issueCertificate(ca, { commonName: 'alice', usage: 'client' });
    expect(isIssuedBy(server.certPem, ca.certPem)).toBe(true);
    expect(describeCertificate(client.certPem).commonName).toBe('alice');
    const result = await handshake(ca.certPem, server, client, 'broker-0.tributary.svc');
    expect(result).toEqual({ ok: true, peerCn: 'alice' });
  });

  it('refuses a client certificate of another CA, an expired one, and a server name not in the SANs', async () => {
    const ca = await createCa({ commonName: 'test-ca' });
    const other = await createCa({ commonName: 'other-ca' });
    const server = await issueCertificate(ca, {
      commonName: 'b',
      subjectAltNames: ['127.0.0.1'],
      usage: 'server',
    });
    const foreign = await issueCertificate(other, { commonName: 'mallory', usage: 'client' });
    expect(isIssuedBy(foreign.certPem, ca.certPem)).toBe(false);
    const expired = await issueCertificate(ca, {
      commonName: 'old',
      usage: 'client',
      notBefore: new Date(Date.now() - 10 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    expect((await handshake(ca.certPem, server, foreign, '127.0.0.1')).ok).toBe(false);
    expect((await handshake(ca.certPem, server, expired, '127.0.0.1')).ok).toBe(false);
    const good = await issueCertificate(ca, { commonName: 'ok', usage: 'client' });
    expect((await handshake(ca.certPem, server, good, 'not-in-sans.example')).ok).toBe(false);
    expect((await handshake(ca.certPem, server, good, '127.0.0.1')).ok).toBe(true);
  });

  it('escapes distinguished-name metacharacters and refuses empty names', async () => {
    const ca = await createCa({ commonName: 'ca, with "comma"' });
    expect(describeCertificate(ca.certPem).subject).toContain('with');
    await expect(createCa({ commonName: '' })).rejects.toThrow(RangeError);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TributaryError } from '../../proto/errors.js';
import { ScramClient, type ScramCredential, scramCredential } from '../../proto/scram.js';
import { PENDING_MAX, PENDING_PER_HOST_MAX, PENDING_TTL_MS, ScramServer } from './scram-server.js';

const alice = scramCredential('wonderland', { mechanism: 'SCRAM-SHA-256', iterations: 4096 });
const lookup = (user: string, mechanism: string): ScramCredential | undefined =>
  user === 'alice' && mechanism === 'SCRAM-SHA-256' ? alice : undefined;

function login(server: ScramServer, user: string, password: string, host = '10.0.0.1') {
  const client = new ScramClient('SCRAM-SHA-256', user, password);
  const { handshakeId, serverFirst } = server.first('SCRAM-SHA-256', Buffer.from(client.first()), host);
  const final = client.final(serverFirst);
  const answer = server.final(handshakeId, 'SCRAM-SHA-256', Buffer.from(final));
  client.verify(answer.serverFinal);
  return answer.user;
}

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof TributaryError) return `${err.reason}: ${err.message}`;
    throw err;
  }
  return 'ok';
}

describe('SCRAM server', () => {
  it('accepts the right password and proves it holds the credential', () => {
    const server = new ScramServer(lookup);
    expect(login(server, 'alice', 'wonderland')).toBe('alice');
    expect(server.pendingCount).toBe(0);
  });

  it('answers a wrong password and an unknown user with the same words', () => {
    const server = new ScramServer(lookup);
    const wrong = reason(() => login(server, 'alice', 'looking-glass'));
    const unknown = reason(() => login(server, 'mallory', 'x'));
    expect(wrong).toMatch(/^AUTHENTICATION_FAILED: /);
    expect(unknown).toBe(wrong);
  });

  it('an unknown user gets a stable made-up salt, so step 1 does not tell users apart', () => {
    const server = new ScramServer(lookup);
    const first = (n: string) =>
      server.first('SCRAM-SHA-256', Buffer.from(`n,,n=mallory,r=${n}`), 'h').serverFirst;
    const salt = (s: string) => /s=([^,]+)/.exec(s)?.[1];
    expect(salt(first('abc'))).toBe(salt(first('def')));
  });

  it('takes a handshake once: a replayed final message finds nothing', () => {
    const server = new ScramServer(lookup);
    const client = new ScramClient('SCRAM-SHA-256', 'alice', 'wonderland');
    const { handshakeId, serverFirst } = server.first('SCRAM-SHA-256', Buffer.from(client.first()), 'h');
    const final = Buffer.from(client.final(serverFirst));
    server.final(handshakeId, 'SCRAM-SHA-256', final);
    expect(reason(() => server.final(handshakeId, 'SCRAM-SHA-256', final))).toMatch(/^AUTHENTICATION_FAILED/);
  });

  it('bounds pending handshakes per address and in all, and forgets them after their TTL', () => {
    let now = 0;
    const server = new ScramServer(lookup, () => now);
    const start = (host: string) => server.first('SCRAM-SHA-256', Buffer.from('n,,n=alice,r=abc'), host);
    for (let i = 0; i < PENDING_PER_HOST_MAX; i++) start('10.0.0.9');
    expect(reason(() => start('10.0.0.9'))).toMatch(/^TOO_MANY_REQUESTS/);
    let host = 0;
    while (server.pendingCount < PENDING_MAX) start(`10.1.${Math.floor(host / 250)}.${host++ % 250}`);
    expect(reason(() => start('10.2.0.1'))).toMatch(/^TOO_MANY_REQUESTS/);
    now += PENDING_TTL_MS + 1;
    start('10.0.0.9');
    expect(server.pendingCount).toBe(1);
  });

  it('refuses malformed messages with AUTHENTICATION_FAILED and never anything else', () => {
    const server = new ScramServer(lookup);
    const cases = [
      '',
      'garbage',
      'p=tls-unique,,n=alice,r=abc',
      'n,a=admin,n=alice,r=abc',
      'n,,n=alice',
      'n,,r=abc,n=alice',
      'n,,n=al=ice,r=abc',
      'n,,m=ext,n=alice,r=abc',
      `n,,n=alice,r=${'x'.repeat(5000)}`,
    ];
    for (const c of cases)
      expect(reason(() => server.first('SCRAM-SHA-256', Buffer.from(c), 'h'))).toMatch(
        /^AUTHENTICATION_FAILED/,
      );
    expect(reason(() => server.first('SCRAM-SHA-256', Buffer.from([0xff, 0xfe, 0x00]), 'h'))).toMatch(
      /^AUTHENTICATION_FAILED/,
    );
    const client = new ScramClient('SCRAM-SHA-256', 'alice', 'wonderland');
    for (const bad of ['c=biws', 'c=eSws,r=x,p=AAAA', 'garbage', '']) {
      const { handshakeId } = server.first('SCRAM-SHA-256', Buffer.from(client.first()), 'h');
      expect(reason(() => server.final(handshakeId, 'SCRAM-SHA-256', Buffer.from(bad)))).toMatch(
        /^AUTHENTICATION_FAILED/,
      );
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.uint8Array({ maxLength: 2000 }), (a, b) => {
        const fresh = new ScramServer(lookup);
        expect(reason(() => fresh.first('SCRAM-SHA-256', Buffer.from(a), 'fuzz'))).toMatch(
          /^AUTHENTICATION_FAILED/,
        );
        const { handshakeId } = fresh.first('SCRAM-SHA-256', Buffer.from(client.first()), 'fuzz');
        expect(reason(() => fresh.final(handshakeId, 'SCRAM-SHA-256', Buffer.from(b)))).toMatch(
          /^AUTHENTICATION_FAILED/,
        );
      }),
      { numRuns: 50 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { TributaryError } from '../../proto/errors.js';
import {
  BrokerTokenSource,
  mintBrokerToken,
  TOKEN_AGE_MS_MAX,
  verifyBrokerToken,
} from './inter-broker-credential.js';
import { SessionTokens } from './session-tokens.js';

function reasonOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return err instanceof TributaryError ? err.reason : String(err);
  }
}

describe('session tokens', () => {
  it('verify until they expire, then answer AUTHENTICATION_EXPIRED', () => {
    let now = 1000;
    const sessions = new SessionTokens(60_000, () => now);
    const { token, expiresAtMs } = sessions.issue('User:alice', 'scram-sha-512');
    expect(expiresAtMs).toBe(61_000);
    expect(sessions.verify(token).principal).toBe('User:alice');
    expect(reasonOf(() => sessions.verify(`${token}x`))).toBe('AUTHENTICATION_EXPIRED');
    now = 61_000;
    expect(reasonOf(() => sessions.verify(token))).toBe('AUTHENTICATION_EXPIRED');
  });

  it('keep at most their bound, dropping the oldest', () => {
    const sessions = new SessionTokens(60_000, Date.now, 3);
    const tokens = [1, 2, 3, 4].map((i) => sessions.issue(`User:u${i}`, 'scram-sha-256').token);
    expect(sessions.size).toBe(3);
    expect(reasonOf(() => sessions.verify(tokens[0]!))).toBe('AUTHENTICATION_EXPIRED');
    expect(sessions.verify(tokens[3]!).principal).toBe('User:u4');
  });
});

describe('inter-broker tokens', () => {
  const secret = Buffer.alloc(32, 1);

  it('prove the broker id to whoever holds the same secret, for a bounded time', () => {
    const token = mintBrokerToken(secret, 7, 100_000);
    expect(verifyBrokerToken(secret, token, 100_000 + TOKEN_AGE_MS_MAX)).toBe(7);
    expect(reasonOf(() => verifyBrokerToken(secret, token, 100_001 + TOKEN_AGE_MS_MAX))).toBe(
      'AUTHENTICATION_FAILED',
    );
    expect(reasonOf(() => verifyBrokerToken(Buffer.alloc(32, 2), token, 100_000))).toBe(
      'AUTHENTICATION_FAILED',
    );
    const forged = token.replace(/^tbk\.7\./, 'tbk.8.');
    expect(reasonOf(() => verifyBrokerToken(secret, forged, 100_000))).toBe('AUTHENTICATION_FAILED');
    expect(reasonOf(() => verifyBrokerToken(secret, 'tbk.garbage', 100_000))).toBe('AUTHENTICATION_FAILED');
  });

  it('are minted again every minute', () => {
    let now = 0;
    const source = new BrokerTokenSource(
      () => secret,
      1,
      () => now,
    );
    const a = source.current();
    now = 59_999;
    expect(source.current()).toBe(a);
    now = 60_000;
    expect(source.current()).not.toBe(a);
  });
});

describe('security documents', () => {
  it('a SCRAM user document keeps its keys through encode and decode', async () => {
    const { decodeScramUser, encodeDoc } = await import('./security-records.js');
    const { scramCredential } = await import('../../proto/scram.js');
    const credential = scramCredential('pw', { mechanism: 'SCRAM-SHA-256', iterations: 4096 });
    const doc = decodeScramUser(encodeDoc({ user: 'u', credentials: { 'SCRAM-SHA-256': credential } }));
    expect(doc.credentials['SCRAM-SHA-256']?.storedKey.equals(credential.storedKey)).toBe(true);
    expect(doc.credentials['SCRAM-SHA-256']?.salt.equals(credential.salt)).toBe(true);
  });
});

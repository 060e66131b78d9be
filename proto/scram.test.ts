import { describe, expect, it } from 'vitest';
import {
  escapeScramName,
  parseScramAttributes,
  ScramClient,
  ScramProtocolError,
  saltedPassword,
  scramCredential,
  scramKeys,
  scramServerSignature,
  unescapeScramName,
  verifyScramProof,
} from './scram.js';

// RFC 7677 section 3: user "user", password "pencil", SCRAM-SHA-256, 4096 iterations.
const RFC7677 = {
  clientNonce: 'rOprNGfwEbeRWgbNEkqO',
  clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal:
    'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

describe('SCRAM (RFC 5802, RFC 7677)', () => {
  it('reproduces the RFC 7677 SCRAM-SHA-256 exchange', () => {
    const client = new ScramClient('SCRAM-SHA-256', 'user', 'pencil', RFC7677.clientNonce);
    expect(client.first()).toBe(RFC7677.clientFirst);
    expect(client.final(RFC7677.serverFirst)).toBe(RFC7677.clientFinal);
    expect(() => client.verify(RFC7677.serverFinal)).not.toThrow();
  });

  it('verifies the RFC 7677 proof from the stored credential alone, and signs as the server', () => {
    const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
    const credential = scramCredential('pencil', { mechanism: 'SCRAM-SHA-256', iterations: 4096, salt });
    const authMessage = `n=user,r=${RFC7677.clientNonce},${RFC7677.serverFirst},c=biws,r=${RFC7677.serverFirst.slice(2, RFC7677.serverFirst.indexOf(','))}`;
    const proof = Buffer.from(RFC7677.clientFinal.slice(RFC7677.clientFinal.indexOf('p=') + 2), 'base64');
    expect(verifyScramProof(credential, authMessage, proof)).toBe(true);
    expect(`v=${scramServerSignature(credential, authMessage).toString('base64')}`).toBe(RFC7677.serverFinal);
    const wrong = scramCredential('pencils', { mechanism: 'SCRAM-SHA-256', iterations: 4096, salt });
    expect(verifyScramProof(wrong, authMessage, proof)).toBe(false);
    expect(verifyScramProof(credential, authMessage, proof.subarray(1))).toBe(false);
  });

  it('derives stored and server keys of the mechanism length', () => {
    const salt = Buffer.alloc(16, 7);
    for (const [mechanism, bytes] of [
      ['SCRAM-SHA-256', 32],
      ['SCRAM-SHA-512', 64],
    ] as const) {
      const c = scramCredential('secret', { mechanism, iterations: 4096, salt });
      expect(c.storedKey.length).toBe(bytes);
      expect(c.serverKey.length).toBe(bytes);
      const keys = scramKeys(mechanism, saltedPassword(mechanism, 'secret', salt, 4096));
      expect(keys.storedKey.equals(c.storedKey)).toBe(true);
    }
    expect(() => scramCredential('x', { iterations: 100 })).toThrow(RangeError);
    expect(() => scramCredential('')).toThrow(RangeError);
  });

  it('escapes user names and refuses malformed messages', () => {
    expect(escapeScramName('a,b=c')).toBe('a=2Cb=3Dc');
    expect(unescapeScramName('a=2Cb=3Dc')).toBe('a,b=c');
    expect(() => unescapeScramName('a=b')).toThrow(ScramProtocolError);
    expect(() => parseScramAttributes('r=1,r=2')).toThrow(ScramProtocolError);
    expect(() => parseScramAttributes('garbage')).toThrow(ScramProtocolError);
    expect(() => parseScramAttributes(`r=${'x'.repeat(2000)}`)).toThrow(ScramProtocolError);
    const client = new ScramClient('SCRAM-SHA-256', 'user', 'pencil', RFC7677.clientNonce);
    expect(() => client.final('r=someoneelse,s=AAAA,i=4096')).toThrow(ScramProtocolError);
    expect(() => client.final(`r=${RFC7677.clientNonce}x,s=AAAA,i=99999999`)).toThrow(ScramProtocolError);
    client.final(RFC7677.serverFirst);
    expect(() => client.verify('v=AAAA')).toThrow(ScramProtocolError);
    expect(() => client.verify('e=invalid-proof')).toThrow(ScramProtocolError);
  });
});

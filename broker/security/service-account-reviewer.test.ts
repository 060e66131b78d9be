import { describe, expect, it } from 'vitest';
import { TributaryError } from '../../proto/errors.js';
import { ServiceAccountReviewer } from './service-account-reviewer.js';

function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256' })}.${part(claims)}.c2ln`;
}

async function reason(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'ok';
  } catch (err) {
    return err instanceof TributaryError ? err.reason : String(err);
  }
}

describe('service-account reviewer', () => {
  it('accepts a token the API server authenticates for our audience, and caches the answer', async () => {
    let now = 1_000_000;
    let reviews = 0;
    const reviewer = new ServiceAccountReviewer(
      'tributary',
      async () => {
        reviews++;
        return {
          authenticated: true,
          audiences: ['tributary'],
          user: { username: 'system:serviceaccount:ns:app' },
        };
      },
      () => now,
    );
    const token = jwt({ exp: (now + 3_600_000) / 1000 });
    const [a, b] = await Promise.all([reviewer.authenticate(token), reviewer.authenticate(token)]);
    expect(a.principal).toBe('ServiceAccount:ns/app');
    expect(b.principal).toBe('ServiceAccount:ns/app');
    expect(reviews).toBe(1); // one review for two concurrent calls
    await reviewer.authenticate(token);
    expect(reviews).toBe(1);
    now += 60_001; // the answer is trusted for a minute at most
    await reviewer.authenticate(token);
    expect(reviews).toBe(2);
  });

  it('refuses another audience, a non-service-account user, an expired or oversized token', async () => {
    const now = 1_000_000;
    const answers: Record<string, object> = {
      other: {
        authenticated: true,
        audiences: ['other'],
        user: { username: 'system:serviceaccount:ns:app' },
      },
      human: { authenticated: true, audiences: ['tributary'], user: { username: 'alice' } },
      bad: { authenticated: false, error: 'invalid signature' },
    };
    const reviewer = new ServiceAccountReviewer(
      'tributary',
      async (token) => answers[JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub]!,
      () => now,
    );
    for (const sub of Object.keys(answers)) {
      expect(await reason(reviewer.authenticate(jwt({ sub, exp: 2000 })))).toBe('AUTHENTICATION_FAILED');
    }
    expect(await reason(reviewer.authenticate(jwt({ sub: 'other', exp: 999 })))).toBe(
      'AUTHENTICATION_EXPIRED',
    );
    expect(await reason(reviewer.authenticate('x'.repeat(20_000)))).toBe('AUTHENTICATION_FAILED');
  });

  it('does not cache an API server that did not answer', async () => {
    let fail = true;
    const reviewer = new ServiceAccountReviewer('tributary', async () => {
      if (fail) throw new Error('connection refused');
      return {
        authenticated: true,
        audiences: ['tributary'],
        user: { username: 'system:serviceaccount:a:b' },
      };
    });
    expect(await reason(reviewer.authenticate(jwt({})))).toBe('TOO_MANY_REQUESTS');
    fail = false;
    expect((await reviewer.authenticate(jwt({}))).principal).toBe('ServiceAccount:a/b');
  });
});

/**
 * Hand-made bad input to the auth path of a real broker (docs/architecture.md, "Security"): garbage SCRAM
 * messages, huge and malformed bearer tokens, a flood of pending handshakes. Each is refused with a reason,
 * the pending handshakes stay bounded, and the broker keeps serving the sessions it has.
 */
import { Metadata } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tributary } from '../../client/index.js';
import { type BrokerProcess, removeDataDirs } from '../helpers/broker-process.js';
import { reasonOf } from '../helpers/grpc.js';
import {
  ADMIN_PASSWORD,
  authenticateRaw,
  clientAs,
  securityStub,
  startSecureBroker,
} from '../helpers/secure-broker.js';

let broker: BrokerProcess;
let admin: Tributary;

beforeAll(async () => {
  broker = await startSecureBroker();
  admin = clientAs(broker.address, 'admin', ADMIN_PASSWORD);
  await admin.admin().createTopic({ name: 'still-here' });
});

afterAll(async () => {
  admin?.close();
  await broker?.stop();
  removeDataDirs();
});

describe('bad input to the auth path', () => {
  it('garbage SCRAM messages are refused with a reason', async () => {
    const stub = securityStub(broker.address);
    try {
      const garbage = [
        { mechanism: 'SCRAM_MECHANISM_SHA_256', message: Buffer.from('not scram') },
        { mechanism: 'SCRAM_MECHANISM_SHA_256', message: Buffer.from([0xff, 0x00, 0xfe]) },
        { mechanism: 'SCRAM_MECHANISM_SHA_256', message: Buffer.alloc(100_000, 0x41) },
        {
          mechanism: 'SCRAM_MECHANISM_SHA_256',
          handshake_id: 'nope',
          message: Buffer.from('c=biws,r=x,p=AAAA'),
        },
        { mechanism: 'SCRAM_MECHANISM_UNSPECIFIED', message: Buffer.from('n,,n=a,r=b') },
      ];
      const reasons = [];
      for (const g of garbage)
        reasons.push(reasonOf(await authenticateRaw(stub, g).catch((e: unknown) => e)).reason);
      expect(reasons).toEqual([
        'AUTHENTICATION_FAILED',
        'AUTHENTICATION_FAILED',
        'AUTHENTICATION_FAILED',
        'AUTHENTICATION_FAILED',
        'UNSUPPORTED_AUTHENTICATION_MECHANISM',
      ]);
    } finally {
      stub.close();
    }
  });

  it('huge and malformed bearer tokens are refused; the broker keeps serving', async () => {
    const stub = securityStub(broker.address);
    const whoAmI = (value: string) => {
      const md = new Metadata();
      md.set('authorization', value);
      return new Promise((resolve, reject) =>
        stub.WhoAmI({}, md, (err, res) => (err ? reject(err) : resolve(res))),
      );
    };
    try {
      for (const value of [
        `Bearer ${'x'.repeat(7_000)}`,
        `Bearer ${'y'.repeat(200_000)}`,
        'Basic abc',
        'Bearer two words',
        'Bearer tbk.1.2.3',
      ]) {
        const err = await whoAmI(value).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, value.slice(0, 20)).toBeDefined();
        const r = reasonOf(err);
        // Over gRPC's header limit the call dies in the transport (no reason); else the broker gives one.
        if (r.reason !== undefined)
          expect(['AUTHENTICATION_FAILED', 'UNSUPPORTED_AUTHENTICATION_MECHANISM']).toContain(r.reason);
      }
      expect((await admin.admin().listTopics()).map((t) => t.name)).toContain('still-here');
    } finally {
      stub.close();
    }
  });

  it('a flood of pending handshakes from one address is refused past the bound; sessions made before go on', async () => {
    const stub = securityStub(broker.address);
    try {
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          authenticateRaw(stub, {
            mechanism: 'SCRAM_MECHANISM_SHA_256',
            message: Buffer.from(`n,,n=flood${i},r=nonce${i}`),
          }).then(
            () => 'ok',
            (e: unknown) => reasonOf(e).reason,
          ),
        ),
      );
      expect(answers.filter((a) => a === 'ok').length).toBe(32);
      expect(answers.filter((a) => a === 'TOO_MANY_REQUESTS').length).toBe(28);
      // Sessions made before go on working.
      expect((await admin.securityAdmin().whoAmI()).principal).toBe('User:admin');
    } finally {
      stub.close();
    }
  });
});

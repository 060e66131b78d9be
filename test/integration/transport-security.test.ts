/**
 * TLS on the broker's listener (issue 17, transport): every door a client certificate can be refused at
 * (none when one is required, another CA's, an expired one), a client that does not trust the broker's CA,
 * plaintext and garbage sent to the TLS port, and `requested` client auth (optional, but checked when
 * sent). After each refusal the broker keeps serving the clients it should.
 */
import { connect as netConnect } from 'node:net';
import { PassThrough } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../cli/program.js';
import { type ClientTls, reasonOf, Tributary, TributaryError } from '../../client/index.js';
import { type BrokerProcess, removeDataDirs, startBroker } from '../helpers/broker-process.js';
import { makeTlsFixture, type TlsFixture } from '../helpers/tls-files.js';

let tls: TlsFixture;
/** tlsClientAuth=required */
let strict: BrokerProcess;
/** tlsClientAuth=requested */
let lenient: BrokerProcess;

beforeAll(async () => {
  tls = await makeTlsFixture();
  [strict, lenient] = await Promise.all([
    startBroker({ args: tls.brokerArgs('required') }),
    startBroker({ args: tls.brokerArgs('requested') }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([strict?.stop(), lenient?.stop()]);
  removeDataDirs();
  tls?.remove();
});

const TIMEOUT_MS = 3000;

function clientTls(who: 'client' | 'foreignClient' | 'expiredClient' | 'none', ca?: string): ClientTls {
  const pem = who === 'none' ? undefined : tls[who].pem;
  return {
    ca: ca ?? tls.ca.certPem,
    ...(pem === undefined ? {} : { cert: pem.certPem, key: pem.keyPem }),
  };
}

/** One admin call through a fresh client; resolves with the controller id or the error. */
async function attempt(
  broker: BrokerProcess,
  options: ClientTls | undefined,
  bootstrap = broker.address,
): Promise<{ ok: true } | { ok: false; error: TributaryError }> {
  const client = new Tributary({
    bootstrap,
    requestTimeoutMs: TIMEOUT_MS,
    ...(options === undefined ? {} : { tls: options }),
  });
  try {
    await client.admin().describeCluster();
    return { ok: true };
  } catch (err) {
    if (!(err instanceof TributaryError)) throw err;
    return { ok: false, error: err };
  } finally {
    client.close();
  }
}

async function expectServing(broker: BrokerProcess): Promise<void> {
  expect(await attempt(broker, clientTls('client'))).toEqual({ ok: true });
  expect(await processAlive(broker)).toBe(true);
}

async function processAlive(broker: BrokerProcess): Promise<boolean> {
  const exited = await Promise.race([broker.exited.then(() => true), Promise.resolve(false)]);
  return !exited;
}

describe('broker listener TLS, client certificates required', () => {
  it('serves a client with a certificate of its CA: topics, produce, fetch', async () => {
    const client = new Tributary({ bootstrap: strict.address, tls: clientTls('client') });
    try {
      await client.admin().createTopic({ name: 'secure', partitions: 2 });
      const producer = client.producer({ acks: 'all' });
      await producer.send({ topic: 'secure', messages: [{ key: 'k', value: 'over tls' }] });
      await producer.close();
      const values: string[] = [];
      for await (const r of client.reader().consumeTopic({ topic: 'secure', from: 'earliest' })) {
        values.push(String(r.value));
      }
      expect(values).toEqual(['over tls']);
    } finally {
      client.close();
    }
  });

  it('refuses no certificate, another CA’s certificate and an expired one, and keeps serving', async () => {
    for (const who of ['none', 'foreignClient', 'expiredClient'] as const) {
      const outcome = await attempt(strict, clientTls(who));
      expect(outcome.ok, who).toBe(false);
      if (!outcome.ok) expect(reasonOf(outcome.error), who).toBe('UNAVAILABLE');
      await expectServing(strict);
    }
  });

  it('fails a client that does not trust the broker’s CA, or speaks plaintext', async () => {
    const otherCa = (await import('node:fs')).readFileSync(tls.otherCaFile, 'utf8');
    expect((await attempt(strict, clientTls('client', otherCa))).ok).toBe(false);
    // The system's roots do not hold the test CA either.
    expect((await attempt(strict, { cert: tls.client.pem.certPem, key: tls.client.pem.keyPem })).ok).toBe(
      false,
    );
    expect((await attempt(strict, undefined)).ok).toBe(false);
    await expectServing(strict);
  });

  it('answers GET /healthz on the plaintext metrics port, for probes that cannot speak TLS', async () => {
    const metrics = /"metrics":"(http:\/\/[^"]+)\/metrics"/.exec(strict.output())?.[1];
    expect(metrics).toBeDefined();
    const res = await fetch(`${metrics}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('SERVING\n');
  });

  it('checks the name: the address dialled, or the server name given instead', async () => {
    const bootstrap = `localhost:${strict.port}`;
    expect(await attempt(strict, clientTls('client'), bootstrap)).toEqual({ ok: true });
    const renamed = { ...clientTls('client'), serverName: 'localhost' };
    expect(await attempt(strict, renamed)).toEqual({ ok: true });
    const wrong = { ...clientTls('client'), serverName: 'not-the-broker.example' };
    expect((await attempt(strict, wrong)).ok).toBe(false);
  });

  it('survives garbage, a plaintext HTTP/2 preface, a cut handshake and old protocol versions', async () => {
    const send = (bytes: Buffer) =>
      new Promise<void>((resolve) => {
        const socket = netConnect({ host: '127.0.0.1', port: strict.port }, () => {
          socket.end(bytes);
        });
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
        socket.resume();
      });
    const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    // A TLS record header announcing a handshake, then a ClientHello cut short.
    const cutHello = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);
    const garbage = Buffer.alloc(64 * 1024);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) & 0xff;
    await Promise.all([send(garbage), send(preface), send(cutHello), send(Buffer.alloc(0))]);
    for (const maxVersion of ['TLSv1', 'TLSv1.1'] as const) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = tlsConnect({
          host: '127.0.0.1',
          port: strict.port,
          ca: tls.ca.certPem,
          cert: tls.client.pem.certPem,
          key: tls.client.pem.keyPem,
          minVersion: maxVersion,
          maxVersion,
          // OpenSSL's default security level refuses these versions on our side before the server can;
          // level 0 lets the hello go out, so the refusal is the broker's.
          ciphers: 'DEFAULT:@SECLEVEL=0',
          ALPNProtocols: ['h2'],
        });
        socket.once('secureConnect', () => {
          socket.destroy();
          resolve(false);
        });
        socket.once('error', () => resolve(true));
      });
      expect(refused, maxVersion).toBe(true);
    }
    await expectServing(strict);
  });
});

describe('broker listener TLS, client certificates requested', () => {
  it('serves a client without a certificate and one with a good certificate', async () => {
    expect(await attempt(lenient, clientTls('none'))).toEqual({ ok: true });
    expect(await attempt(lenient, clientTls('client'))).toEqual({ ok: true });
  });

  it('refuses a certificate that does not verify, rather than ignoring it', async () => {
    for (const who of ['foreignClient', 'expiredClient'] as const) {
      expect((await attempt(lenient, clientTls(who))).ok, who).toBe(false);
    }
    await expectServing(lenient);
  });
});

describe('the CLI over TLS', () => {
  async function cli(args: string[], env: Record<string, string> = {}) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    try {
      const code = await run(['node', 'tributary', ...args], { stdin: new PassThrough(), stdout, stderr });
      return { code, out, err };
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  }

  it('takes the CA, client certificate and key by option and by environment variable', async () => {
    const byOption = await cli([
      '--bootstrap',
      strict.address,
      '--tls-ca-file',
      tls.caFile,
      '--tls-cert-file',
      tls.client.certFile,
      '--tls-key-file',
      tls.client.keyFile,
      'topic',
      'create',
      'from-cli',
    ]);
    expect(byOption, byOption.err).toMatchObject({ code: 0 });
    const byEnv = await cli(['--bootstrap', strict.address, 'topic', 'list'], {
      TRIBUTARY_TLS_CA_FILE: tls.caFile,
      TRIBUTARY_TLS_CERT_FILE: tls.client.certFile,
      TRIBUTARY_TLS_KEY_FILE: tls.client.keyFile,
    });
    expect(byEnv.code, byEnv.err).toBe(0);
    expect(byEnv.out).toContain('from-cli');
  });

  it('exits 2 on a certificate without its key, before contacting a broker', async () => {
    const { code, err } = await cli([
      '--bootstrap',
      strict.address,
      '--tls-cert-file',
      tls.client.certFile,
      'topic',
      'list',
    ]);
    expect(code).toBe(2);
    expect(err).toContain('key');
  });
});

describe('broker start with TLS settings that cannot work', () => {
  it('refuses a key that does not belong to the certificate', async () => {
    const args = tls
      .brokerArgs('none')
      .map((a) => (a === `tlsKeyFile=${tls.broker.keyFile}` ? `tlsKeyFile=${tls.client.keyFile}` : a));
    await expect(startBroker({ args })).rejects.toThrow(
      /tlsCertFile\/tlsKeyFile\/tlsCaFile cannot be used: .*key values mismatch/,
    );
  });
});

/**
 * Brokers and a real etcd that serves TLS only and requires client certificates (--client-cert-auth),
 * then with etcd's own authentication on: a broker with the CA, its client certificate and (then) its
 * password works; one without a client certificate, or with a wrong password, is refused at start.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tributary } from '../../client/index.js';
import { issueCertificate, type PemPair } from '../../kit/pki.js';
import { type BrokerProcess, removeDataDirs, startBroker } from '../helpers/broker-process.js';
import { type EtcdServer, startEtcd } from '../helpers/etcd.js';
import { makeTlsFixture, type TlsFixture } from '../helpers/tls-files.js';

let tls: TlsFixture;
let etcd: EtcdServer;
let files: { etcdCert: string; etcdKey: string; rootCert: PemPair };
const running: BrokerProcess[] = [];

beforeAll(async () => {
  tls = await makeTlsFixture();
  const server = await issueCertificate(tls.ca, {
    commonName: 'etcd',
    subjectAltNames: ['127.0.0.1', 'localhost'],
    usage: 'server',
  });
  files = {
    etcdCert: join(tls.dir, 'etcd.crt'),
    etcdKey: join(tls.dir, 'etcd.key'),
    // etcd takes a client certificate's common name as the user when no password token is sent.
    rootCert: await issueCertificate(tls.ca, { commonName: 'root', usage: 'client' }),
  };
  writeFileSync(files.etcdCert, server.certPem);
  writeFileSync(files.etcdKey, server.keyPem);
  etcd = await startEtcd({
    tls: { certFile: files.etcdCert, keyFile: files.etcdKey, clientCaFile: tls.caFile },
  });
}, 60_000);

afterAll(async () => {
  await Promise.all(running.map((b) => b.stop()));
  await etcd?.stop();
  removeDataDirs();
  tls?.remove();
});

function brokerArgs(nodeId: number, extra: string[]): string[] {
  return [
    '--node-id',
    String(nodeId),
    '--set',
    'dcs=etcd',
    '--set',
    `dcsEtcdEndpoints=${etcd.endpoints.join(',')}`,
    '--set',
    'dcsPrefix=secure',
    '--set',
    `dcsEtcdCaFile=${tls.caFile}`,
    ...extra,
  ];
}

const clientCertArgs = () => [
  '--set',
  `dcsEtcdCertFile=${tls.client.certFile}`,
  '--set',
  `dcsEtcdKeyFile=${tls.client.keyFile}`,
];

async function serves(broker: BrokerProcess, topic: string): Promise<void> {
  const client = new Tributary({ bootstrap: broker.address });
  try {
    await client.admin().createTopic({ name: topic, partitions: 1 });
    const producer = client.producer({ acks: 'all' });
    const [sent] = await producer.send({ topic, messages: [{ value: 'x' }] });
    expect(sent?.baseOffset).toBe(0);
    await producer.close();
  } finally {
    client.close();
  }
}

describe('brokers on an etcd with TLS and client certificates', () => {
  it('works with the CA and a client certificate, and is refused without the certificate', async () => {
    const broker = await startBroker({ args: brokerArgs(0, clientCertArgs()) });
    running.push(broker);
    await serves(broker, 'over-etcd-tls');
    await expect(startBroker({ args: brokerArgs(1, []) })).rejects.toThrow(/etcd/);
    await broker.stop();
    running.pop();
  }, 60_000);

  it('works with etcd authentication on, and is refused with a wrong password', async () => {
    const admin = new Etcd3({
      hosts: etcd.endpoints,
      credentials: {
        rootCertificate: Buffer.from(tls.ca.certPem),
        certChain: Buffer.from(files.rootCert.certPem),
        privateKey: Buffer.from(files.rootCert.keyPem),
      },
    });
    try {
      await admin.auth.roleAdd({ name: 'root' });
      await admin.auth.userAdd({ name: 'root', password: 'root-password' });
      await admin.auth.userGrantRole({ user: 'root', role: 'root' });
      await admin.auth.roleAdd({ name: 'tributary' });
      await admin.auth.roleGrantPermission({
        name: 'tributary',
        perm: {
          permType: 'Readwrite',
          key: Buffer.from('/secure/'),
          range_end: Buffer.from('/secure0'),
        },
      });
      await admin.auth.userAdd({ name: 'tributary', password: 'right-password' });
      await admin.auth.userGrantRole({ user: 'tributary', role: 'tributary' });
      await admin.auth.authEnable();
    } finally {
      admin.close();
    }
    const right = join(tls.dir, 'right-password');
    const wrong = join(tls.dir, 'wrong-password');
    writeFileSync(right, 'right-password\n');
    writeFileSync(wrong, 'wrong-password\n');
    const auth = (file: string) => [
      '--set',
      'dcsEtcdUsername=tributary',
      '--set',
      `dcsEtcdPasswordFile=${file}`,
    ];
    const broker = await startBroker({
      args: brokerArgs(0, [...clientCertArgs(), ...auth(right)]),
    });
    running.push(broker);
    await serves(broker, 'over-etcd-auth');
    await expect(
      startBroker({
        args: brokerArgs(1, [...clientCertArgs(), ...auth(wrong)]),
      }),
    ).rejects.toThrow(/etcd/);
    // The role's keys are /secure/...: another cluster's prefix is refused, etcd's permissions hold.
    await expect(
      startBroker({ args: brokerArgs(2, [...clientCertArgs(), ...auth(right), '--set', 'dcsPrefix=other']) }),
    ).rejects.toThrow(/etcd/);
  }, 60_000);
});

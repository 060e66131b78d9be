/**
 * A broker with authentication and ACLs on, for the security tests: SCRAM over plaintext (allowed for a
 * test on loopback), authorizer=acl, `User:admin` a super user whose credential is stored before the broker
 * starts (`tributary broker add-scram-user`, the bootstrap path of docs/operations.md).
 */
import { execFileSync } from 'node:child_process';
import { credentials, Metadata } from '@grpc/grpc-js';
import { Tributary, type TributaryOptions } from '../../client/index.js';
import type { AuthenticateResponse__Output } from '../../proto/generated/tributary/v1/AuthenticateResponse.js';
import type { SecurityServiceClient } from '../../proto/generated/tributary/v1/SecurityService.js';
import { loadTributaryProto } from '../../proto/load.js';
import { ScramClient } from '../../proto/scram.js';
import { type BrokerProcess, CLI_ENTRY, makeDataDir, startBroker } from './broker-process.js';

export const ADMIN_PASSWORD = 'admin-secret';

export const SECURE_ARGS = [
  '--set',
  'authentication=scram',
  '--set',
  'allowPlaintextAuthentication=true',
  '--set',
  'authorizer=acl',
  '--set',
  'superUsers=User:admin',
];

/** Stores `user`'s credential straight in the broker's DCS (the broker must not be running on it). */
export function addScramUser(dataDir: string, user: string, password: string, args: string[] = []): void {
  execFileSync(
    process.execPath,
    [CLI_ENTRY, 'broker', 'add-scram-user', '--user', user, '--data-dir', dataDir, ...args],
    {
      env: { ...process.env, TRIBUTARY_PASSWORD: password },
      stdio: 'pipe',
    },
  );
}

export async function startSecureBroker(
  opts: { dataDir?: string; args?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<BrokerProcess> {
  const dataDir = opts.dataDir ?? makeDataDir('tributary-secure-');
  addScramUser(dataDir, 'admin', ADMIN_PASSWORD);
  return startBroker({
    dataDir,
    args: [...SECURE_ARGS, ...(opts.args ?? [])],
    ...(opts.env ? { env: opts.env } : {}),
  });
}

/** A client of `address` as a SCRAM user (no credentials with `password` undefined). */
export function clientAs(
  address: string,
  user: string | undefined,
  password?: string,
  extra: Partial<TributaryOptions> = {},
): Tributary {
  return new Tributary({
    bootstrap: address,
    auth: user === undefined ? false : { username: user, password: password ?? '' },
    ...extra,
  });
}

/** A raw SecurityService stub (no SDK in between: tests send what the SDK never would). */
export function securityStub(address: string): SecurityServiceClient {
  const { grpc } = loadTributaryProto();
  return new grpc.tributary.v1.SecurityService(address, credentials.createInsecure());
}

export function authenticateRaw(
  stub: SecurityServiceClient,
  request: { mechanism?: string; handshake_id?: string; message?: Buffer },
  md = new Metadata(),
): Promise<AuthenticateResponse__Output> {
  return new Promise((resolve, reject) =>
    stub.Authenticate(request as never, md, (err, res) => (err ? reject(err) : resolve(res!))),
  );
}

/** A session token for a user, by a SCRAM-SHA-512 exchange over the raw stub. */
export async function sessionToken(address: string, user: string, password: string): Promise<string> {
  const stub = securityStub(address);
  try {
    const scram = new ScramClient('SCRAM-SHA-512', user, password);
    const mechanism = 'SCRAM_MECHANISM_SHA_512';
    const first = await authenticateRaw(stub, { mechanism, message: Buffer.from(scram.first()) });
    const final = await authenticateRaw(stub, {
      mechanism,
      handshake_id: first.handshake_id,
      message: Buffer.from(scram.final(first.message.toString())),
    });
    scram.verify(final.message.toString());
    return final.session_token;
  } finally {
    stub.close();
  }
}

/**
 * `tributary acl|user|quota` and the CLI's credentials (docs/cli.md, "Security") against a broker with
 * SCRAM and ACLs on, as child processes of the built CLI.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrokerProcess, removeDataDirs } from '../helpers/broker-process.js';
import { type CliResult, runTributary } from '../helpers/cli-process.js';
import { ADMIN_PASSWORD, startSecureBroker } from '../helpers/secure-broker.js';

let broker: BrokerProcess;
let dir: string;

beforeAll(async () => {
  broker = await startSecureBroker();
  dir = mkdtempSync(join(tmpdir(), 'tributary-cli-sec-'));
  writeFileSync(join(dir, 'alice.pw'), 'alice-pw\n');
});

afterAll(async () => {
  await broker?.stop();
  removeDataDirs();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI as `env` says (admin by default). */
function tributary(
  args: string[],
  options: { stdin?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return runTributary(args, {
    bootstrap: broker.address,
    env: { TRIBUTARY_USERNAME: 'admin', TRIBUTARY_PASSWORD: ADMIN_PASSWORD, ...options.env },
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
  });
}

const asAlice = { TRIBUTARY_USERNAME: '', TRIBUTARY_PASSWORD: '' };

// Each step is a CLI process (about a second each, more on a busy machine).
describe('tributary user, acl and quota', { timeout: 180_000 }, () => {
  it('sets a password from stdin, lists users, and logs in with --user and --password-file', async () => {
    expect((await tributary(['user', 'scram', 'set', 'alice'], { stdin: 'alice-pw\n' })).code).toBe(0);
    const list = await tributary(['user', 'scram', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toContainEqual({
      user: 'alice',
      credentials: [{ mechanism: 'SCRAM-SHA-512', iterations: 8192 }],
    });
    const me = await tributary(
      ['--user', 'alice', '--password-file', join(dir, 'alice.pw'), 'user', 'whoami'],
      { env: asAlice },
    );
    expect(me.stdout.trim()).toBe('User:alice (scram-sha-512)');
    const none = await tributary(['topic', 'list'], { env: asAlice });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('(AUTHENTICATION_REQUIRED)');
  });

  it('creates, lists and deletes ACLs; they take effect', async () => {
    expect((await tributary(['topic', 'create', 'cli-orders'])).code).toBe(0);
    const alice = ['--user', 'alice', '--password-file', join(dir, 'alice.pw')];
    const denied = await tributary([...alice, 'topic', 'describe', 'cli-orders'], { env: asAlice });
    expect(denied.stderr).toContain(
      'User:alice is not allowed to DESCRIBE topic "cli-orders" (TOPIC_AUTHORIZATION_FAILED)',
    );
    const created = await tributary([
      'acl',
      'create',
      '--principal',
      'User:alice',
      '--topic',
      'cli-',
      '--prefixed',
      '--operation',
      'read',
      'describe',
      'describe_configs',
    ]);
    expect(created.stdout.trim()).toBe('created 3 bindings');
    expect((await tributary([...alice, 'topic', 'describe', 'cli-orders'], { env: asAlice })).code).toBe(0);
    const list = await tributary(['acl', 'list', '--topic', 'cli-orders', '--match']);
    expect(list.stdout).toMatch(/User:alice\s+allow\s+read\s+topic\s+cli-\s+prefixed\s+\*/);
    const deleted = await tributary(['acl', 'delete', '--principal', 'User:alice', '--json']);
    expect(JSON.parse(deleted.stdout)).toHaveLength(3);
    expect((await tributary(['acl', 'delete'])).code).toBe(2);
  });

  it('sets and lists quotas', async () => {
    expect(
      (
        await tributary([
          'quota',
          'set',
          '--principal',
          'User:alice',
          '--producer-byte-rate',
          '1048576',
          '--request-rate',
          '100',
        ])
      ).code,
    ).toBe(0);
    expect(
      (await tributary(['quota', 'set', '--client', 'batch', '--consumer-byte-rate', '5000'])).code,
    ).toBe(0);
    const list = await tributary(['quota', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual(
      expect.arrayContaining([
        { entity: { principal: 'User:alice' }, values: { producer_byte_rate: 1048576, request_rate: 100 } },
        { entity: { clientId: 'batch' }, values: { consumer_byte_rate: 5000 } },
      ]),
    );
    expect(
      (await tributary(['quota', 'set', '--principal', 'User:alice', '--remove', 'request_rate'])).code,
    ).toBe(0);
    const table = await tributary(['quota', 'list', '--principal', 'User:alice']);
    expect(table.stdout).toMatch(/User:alice\s+-\s+1048576\s+-\s+-/);
  });
});

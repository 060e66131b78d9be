/**
 * The built `tributary` CLI (bin/tributary.js -> dist/cli/main.js) as a child process against a real
 * broker process. Needs `npm run build` first.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionForKey } from '../../client/index.js';
import {
  type BrokerProcess,
  CLI_ENTRY,
  REPO_ROOT,
  removeDataDirs,
  startBroker,
} from '../helpers/broker-process.js';

const BIN = join(REPO_ROOT, 'bin', 'tributary.js');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

let broker: BrokerProcess;

function spawnCli(args: string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, TRIBUTARY_BOOTSTRAP: broker.address },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function tributary(args: string[], stdin = ''): Promise<Result> {
  const child = spawnCli(args);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  child.stdin!.end(stdin);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function jsonLines(stdout: string): Array<{
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string | null>;
}> {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
}

beforeAll(async () => {
  if (!existsSync(CLI_ENTRY)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  broker = await startBroker();
});

afterAll(async () => {
  await broker?.stop();
  removeDataDirs();
});

describe('tributary CLI against a broker', () => {
  const topic = 'cli-events';
  const lines = Array.from({ length: 1000 }, (_, i) => `user-${i % 17}:event number ${i}`);

  it('creates and lists a topic', async () => {
    const created = await tributary([
      'topic',
      'create',
      topic,
      '--partitions',
      '3',
      '--replication-factor',
      '1',
      '--config',
      'retention.ms=3600000',
    ]);
    expect(created.stderr).toContain(`created topic "${topic}"`);
    expect(created.code).toBe(0);
    const listed = await tributary(['topic', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${topic}\\s+3\\s+1$`, 'm'));
  });

  it('produces 1000 keyed lines with headers from stdin', async () => {
    const produced = await tributary(
      ['produce', topic, '--key-separator', ':', '--header', 'source=cli-test', '--header', 'trace=abc=1'],
      `${lines.join('\n')}\n`,
    );
    expect(produced.stderr).toContain(`produced 1000 records to "${topic}"`);
    expect(produced.code).toBe(0);
  });

  it('consumes them back as JSON, keyed records on the murmur2 partition, in order', async () => {
    const consumed = await tributary(['consume', topic, '--from-beginning', '--format', 'json']);
    expect(consumed.stderr).toBe('');
    expect(consumed.code).toBe(0);
    const records = jsonLines(consumed.stdout);
    expect(records).toHaveLength(1000);
    for (const r of records) {
      expect(r.headers).toEqual({ source: 'cli-test', trace: 'abc=1' });
      expect(r.partition).toBe(partitionForKey(Buffer.from(r.key!), 3));
      expect(r.value).toMatch(/^event number \d+$/);
      expect(Math.abs(r.timestamp - Date.now())).toBeLessThan(120_000);
    }
    const expected = lines.map((l) => l.slice(l.indexOf(':') + 1)).sort();
    expect(records.map((r) => r.value).sort()).toEqual(expected);
    for (const p of [0, 1, 2]) {
      const offsets = records.filter((r) => r.partition === p).map((r) => r.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i));
      // Order within a partition is the order of the input lines.
      const numbers = records.filter((r) => r.partition === p).map((r) => Number(r.value!.split(' ').pop()));
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    }
  });

  it('honours --partition, --offset, --max-messages and --format kv', async () => {
    const some = await tributary([
      'consume',
      topic,
      '--partition',
      '1',
      '--offset',
      '2',
      '--max-messages',
      '3',
      '--format',
      'kv',
    ]);
    expect(some.code).toBe(0);
    const out = some.stdout.trimEnd().split('\n');
    expect(out).toHaveLength(3);
    for (const line of out) expect(line).toMatch(/^user-\d+\tevent number \d+$/);
  });

  it('stops at once at the end when started from latest without --follow', async () => {
    const latest = await tributary(['consume', topic]);
    expect(latest.code).toBe(0);
    expect(latest.stdout).toBe('');
  });

  it('describes the topic with partitions, offsets, sizes and configs', async () => {
    const text = await tributary(['topic', 'describe', topic]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Partitions: 3');
    expect(text.stdout).toContain('retention.ms=3600000');
    expect(text.stdout).toContain('HIGH-WATERMARK');
    const json = await tributary(['topic', 'describe', topic, '--json']);
    const d = JSON.parse(json.stdout);
    expect(d.partitions).toHaveLength(3);
    expect(d.partitions.reduce((s: number, p: { highWatermark: number }) => s + p.highWatermark, 0)).toBe(
      1000,
    );
    for (const p of d.partitions) expect(p.sizeBytes).toBeGreaterThan(0);
    expect(d.configs).toEqual({ 'retention.ms': '3600000' });
  });

  it('shows offsets per partition, and by time', async () => {
    const now = await tributary(['offsets', topic, '--json']);
    expect(now.code).toBe(0);
    const rows = JSON.parse(now.stdout) as Array<{ partition: number; earliest: number; latest: number }>;
    expect(rows.map((r) => r.partition)).toEqual([0, 1, 2]);
    expect(rows.every((r) => r.earliest === 0)).toBe(true);
    expect(rows.reduce((s, r) => s + r.latest, 0)).toBe(1000);

    const atZero = JSON.parse((await tributary(['offsets', topic, '--time', '0', '--json'])).stdout);
    for (const r of atZero) expect(r.atTime).toBe(r.latest > 0 ? 0 : -1);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const atFuture = JSON.parse((await tributary(['offsets', topic, '--time', future, '--json'])).stdout);
    for (const r of atFuture) expect(r.atTime).toBe(-1);
    const table = await tributary(['offsets', topic, '--partition', '0']);
    expect(table.stdout.trimEnd()).toMatch(/^PARTITION\s+EARLIEST\s+LATEST\n0\s+0\s+\d+$/);
  });

  it('consumes from a time', async () => {
    const before = Date.now();
    await new Promise((r) => setTimeout(r, 20));
    const produced = await tributary(['produce', topic, '--partition', '0'], 'late-1\nlate-2\n');
    expect(produced.code).toBe(0);
    const since = await tributary([
      'consume',
      topic,
      '--partition',
      '0',
      '--from-time',
      new Date(before).toISOString(),
    ]);
    expect(since.code).toBe(0);
    expect(since.stdout).toBe('late-1\nlate-2\n');
  });

  it('follows new records until interrupted', async () => {
    const child = spawnCli(['consume', topic, '--partition', '2', '--follow']);
    let stdout = '';
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.stdin!.end();
    await new Promise((r) => setTimeout(r, 1000));
    expect((await tributary(['produce', topic, '--partition', '2'], 'tail-1\ntail-2\n')).code).toBe(0);
    const deadline = Date.now() + 10_000;
    while (!stdout.includes('tail-2') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(stdout).toBe('tail-1\ntail-2\n');
    child.kill('SIGINT');
    expect(await closed).toBe(0);
  });

  it('alters partitions and configs', async () => {
    const altered = await tributary([
      'topic',
      'alter',
      topic,
      '--partitions',
      '5',
      '--config',
      'retention.ms=7200000',
    ]);
    expect(altered.stderr).toContain('altered');
    expect(altered.code).toBe(0);
    let d = JSON.parse((await tributary(['topic', 'describe', topic, '--json'])).stdout);
    expect(d.partitions).toHaveLength(5);
    expect(d.configs['retention.ms']).toBe('7200000');

    expect((await tributary(['topic', 'alter', topic, '--delete-config', 'retention.ms'])).code).toBe(0);
    d = JSON.parse((await tributary(['topic', 'describe', topic, '--json'])).stdout);
    expect(d.configs['retention.ms']).toBeUndefined();
  });

  it('reports broker errors with their reason and exit code 1', async () => {
    const unknown = await tributary(['consume', 'no-such-topic', '--from-beginning']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: .+ \(UNKNOWN_TOPIC\)\n$/);
    expect(unknown.stderr).not.toContain('    at ');

    for (const args of [
      ['topic', 'describe', 'no-such-topic'],
      ['offsets', 'no-such-topic'],
      ['produce', 'no-such-topic'],
    ]) {
      const r = await tributary(args, 'x\n');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('(UNKNOWN_TOPIC)');
    }

    const exists = await tributary(['topic', 'create', topic, '--partitions', '1']);
    expect(exists.code).toBe(1);
    expect(exists.stderr).toContain('(TOPIC_ALREADY_EXISTS)');

    const shrink = await tributary(['topic', 'alter', topic, '--partitions', '2']);
    expect(shrink.code).toBe(1);
    expect(shrink.stderr).toContain('(INVALID_PARTITIONS)');

    const badValue = await tributary(['topic', 'create', 'bad-config', '--config', 'retention.ms=soon']);
    expect(badValue.code).toBe(1);
    expect(badValue.stderr).toContain('(INVALID_CONFIG)');

    const badName = await tributary(['topic', 'create', 'bad-config', '--config', 'no.such.setting=1']);
    expect(badName.code).toBe(1);
    expect(badName.stderr).toMatch(/\((UNKNOWN_CONFIG|INVALID_CONFIG)\)/);

    const badPartition = await tributary(['produce', topic, '--partition', '99'], 'x\n');
    expect(badPartition.code).toBe(1);
    expect(badPartition.stderr).toContain('(UNKNOWN_PARTITION)');
  });

  it('reports usage errors with exit code 2', async () => {
    const zero = await tributary(['topic', 'create', 'x', '--partitions', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('error:');
    const bin = await tributary(['topic', 'create']);
    expect(bin.code).toBe(2);
    expect(bin.stderr).toContain("missing required argument 'name'");
  });

  it('runs leader elections and reassignments, answering per partition', async () => {
    const elect = await tributary(['partition', 'elect', topic, '--json']);
    expect(elect.code).toBe(0);
    const results = JSON.parse(elect.stdout) as Array<{ partition: number; error: string | null }>;
    expect(results.length).toBeGreaterThan(0);
    expect(results.map((r) => r.error)).toEqual(results.map(() => 'ELECTION_NOT_NEEDED'));
    const bad = await tributary(['partition', 'reassign', topic, '--partition', '0', '--replicas', '7']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('INVALID_REPLICA_ASSIGNMENT');
    const none = await tributary(['partition', 'reassignments', '--json']);
    expect(JSON.parse(none.stdout)).toEqual([]);
    const usage = await tributary(['partition', 'reassign', topic, '--partition', '0', '--replicas', 'a,b']);
    expect(usage.code).toBe(2);
  });

  it('deletes the topic', async () => {
    const deleted = await tributary(['topic', 'delete', topic]);
    expect(deleted.code).toBe(0);
    expect((await tributary(['topic', 'list'])).stdout).not.toContain(topic);
    const again = await tributary(['topic', 'delete', topic]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('(UNKNOWN_TOPIC)');
  });
});

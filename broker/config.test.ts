import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TributaryError } from '../proto/errors.js';
import { brokerEnvNames, DEFAULT_BROKER_CONFIG, loadBrokerConfig } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TributaryError);
    return `${(err as TributaryError).reason}: ${(err as Error).message}`;
  }
  throw new Error('expected an error');
}

describe('broker config', () => {
  it('has valid defaults and derives the advertised host', () => {
    const c = loadBrokerConfig();
    expect(c).toEqual({ ...DEFAULT_BROKER_CONFIG, advertisedHost: '127.0.0.1' });
  });

  it('layers file < env < flags', () => {
    const file = join(dir, 'broker.yaml');
    writeFileSync(file, 'port: 1000\nnodeId: 3\nlogLevel: debug\n');
    const c = loadBrokerConfig({
      file,
      env: { TRIBUTARY_PORT: '2000', TRIBUTARY_DATA_DIR: '/var/lib/t' },
      flags: { port: '3000', metricsPort: undefined },
    });
    expect(c).toMatchObject({ port: 3000, nodeId: 3, logLevel: 'debug', dataDir: '/var/lib/t' });
    expect(brokerEnvNames().maxInflightProduceBytes).toBe('TRIBUTARY_MAX_INFLIGHT_PRODUCE_BYTES');
  });

  it('names the bad setting precisely', () => {
    expect(reasonOf(() => loadBrokerConfig({ flags: { port: '70000' } }))).toMatch(
      /^INVALID_CONFIG: port must be .*70000/,
    );
    expect(reasonOf(() => loadBrokerConfig({ flags: { port: 'abc' } }))).toMatch(/port must be an integer/);
    expect(reasonOf(() => loadBrokerConfig({ flags: { logLevel: 'loud' } }))).toMatch(
      /logLevel must be one of/,
    );
    expect(reasonOf(() => loadBrokerConfig({ flags: { colour: 'blue' } as never }))).toMatch(
      /unknown setting colour/,
    );
    expect(reasonOf(() => loadBrokerConfig({ env: { TRIBUTARY_NODE_ID: '-1' } }))).toMatch(
      /TRIBUTARY_NODE_ID|nodeId/,
    );
    expect(
      reasonOf(() => loadBrokerConfig({ flags: { maxBatchBytes: 10_000_000, maxRequestBytes: 1_000_000 } })),
    ).toMatch(/maxBatchBytes .* exceeds maxRequestBytes/);
    const list = join(dir, 'list.yaml');
    writeFileSync(list, '- a\n- b\n');
    expect(reasonOf(() => loadBrokerConfig({ file: list }))).toMatch(/must hold a mapping/);
    expect(reasonOf(() => loadBrokerConfig({ file: join(dir, 'missing.yaml') }))).toMatch(
      /cannot read config file/,
    );
  });

  it('refuses etcd TLS files with a plaintext etcd endpoint', () => {
    const flags = { dcs: 'etcd', dcsEtcdEndpoints: 'http://127.0.0.1:2379', dcsEtcdCaFile: '/ca.crt' };
    expect(reasonOf(() => loadBrokerConfig({ flags }))).toMatch(/need https:\/\/ endpoints, got http:/);
    expect(
      loadBrokerConfig({ flags: { ...flags, dcsEtcdEndpoints: 'https://127.0.0.1:2379' } }).dcsEtcdCaFile,
    ).toBe('/ca.crt');
  });
});

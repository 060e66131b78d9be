import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BROKER_CONFIG, loadBrokerConfig } from '../../broker/config.js';
import {
  brokerConfigProblem,
  OPERATOR_OWNED_SETTINGS,
  renderBrokerYaml,
  USER_SETTINGS,
} from './broker-settings.js';

describe('broker settings known to the operator', () => {
  it('are exactly the broker configuration keys (update operator/planning/broker-settings.ts when this fails)', () => {
    const brokerKeys = Object.keys(DEFAULT_BROKER_CONFIG);
    const missing = brokerKeys.filter((k) => !USER_SETTINGS.has(k) && !OPERATOR_OWNED_SETTINGS.has(k));
    const stale = [...USER_SETTINGS].filter((k) => !brokerKeys.includes(k));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it('accepts known settings and names the unknown and the operator-owned ones', () => {
    expect(brokerConfigProblem(undefined)).toBeUndefined();
    expect(brokerConfigProblem({ replicaLagTimeMaxMs: '10000', logLevel: 'debug' })).toBeUndefined();
    expect(brokerConfigProblem({ replicaLagTimeMaxMS: '1', retention: '2', logLevel: 'info' })).toBe(
      'unknown broker settings replicaLagTimeMaxMS, retention in spec.config',
    );
    expect(brokerConfigProblem({ port: '1', logLevel: 'info' })).toBe(
      'spec.config cannot set port: the operator sets it',
    );
  });

  it("checks values with the broker's own parser and names every bad setting", () => {
    expect(brokerConfigProblem({ replicaLagTimeMaxMs: 'soon' })).toBe(
      'invalid broker setting: spec.config: replicaLagTimeMaxMs must be an integer, got "soon"',
    );
    expect(brokerConfigProblem({ replicaLagTimeMaxMs: '5', logLevel: 'loud' })).toBe(
      'invalid broker settings: spec.config: replicaLagTimeMaxMs must be an integer in [100, 3600000], got 5; ' +
        'spec.config: logLevel must be one of trace, debug, info, warn, error, fatal, silent, got "loud"',
    );
    expect(brokerConfigProblem({ maxRequestBytes: '2048' })).toBe(
      'invalid broker setting: spec.config: maxBatchBytes (1048588) exceeds maxRequestBytes (2048)',
    );
    // What the operator accepts, the broker loads.
    expect(
      brokerConfigProblem({ replicaLagTimeMaxMs: '20000', logMessageTimestampType: 'LogAppendTime' }),
    ).toBe(undefined);
  });

  it('renders a broker.yaml the broker loads, equal for equal settings in any order', () => {
    const a = renderBrokerYaml({ replicaLagTimeMaxMs: '12345', logLevel: 'debug', rack: '0100' });
    const b = renderBrokerYaml({ rack: '0100', logLevel: 'debug', replicaLagTimeMaxMs: '12345' });
    expect(a).toBe(b);
    const dir = mkdtempSync(join(tmpdir(), 'tributary-operator-yaml-'));
    try {
      const file = join(dir, 'broker.yaml');
      writeFileSync(file, a);
      const config = loadBrokerConfig({ file });
      expect(config.replicaLagTimeMaxMs).toBe(12345);
      expect(config.logLevel).toBe('debug');
      // A string that looks like a number stays a string for string settings.
      expect(config.rack).toBe('0100');
      writeFileSync(file, renderBrokerYaml({}));
      expect(loadBrokerConfig({ file })).toEqual(loadBrokerConfig({}));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

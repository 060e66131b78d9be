import { describe, expect, it } from 'vitest';
import {
  OPERATOR_DEFAULTS,
  OptionsError,
  parseBootstrapOverride,
  resolveOperatorOptions,
} from './options.js';

describe('operator options', () => {
  it('has the documented defaults, the lease in its scope (not the pod namespace), and a unique identity per process', () => {
    const env = { POD_NAME: 'tributary-operator-7d9f', POD_NAMESPACE: 'tributary-system' };
    const o = resolveOperatorOptions({}, env);
    expect(o).toMatchObject({
      namespace: undefined,
      metricsPort: 8080,
      healthPort: 8081,
      leaderElect: true,
      leaseNamespace: 'kube-system',
      leaseName: 'tributary-operator',
      leaseDurationSeconds: OPERATOR_DEFAULTS.leaseDurationSeconds,
      workers: 4,
    });
    expect(o.identity).toMatch(/^tributary-operator-7d9f-[0-9a-f]{8}$/);
    expect(resolveOperatorOptions({}, env).identity).not.toBe(o.identity);
    expect(resolveOperatorOptions({ namespace: 'team-a' }, {}).leaseNamespace).toBe('team-a');
    expect(resolveOperatorOptions({ namespace: 'team-a' }, env).leaseNamespace).toBe('team-a');
    expect(resolveOperatorOptions({}, {}).leaseNamespace).toBe('kube-system');
  });

  it('parses --bootstrap-override entries, repeatable, and refuses malformed ones', () => {
    expect(parseBootstrapOverride('dev/demo=127.0.0.1:9292,127.0.0.1:9293')).toEqual([
      'dev/demo',
      '127.0.0.1:9292,127.0.0.1:9293',
    ]);
    expect(parseBootstrapOverride('ns/c=broker.example.com:443')).toEqual(['ns/c', 'broker.example.com:443']);
    const o = resolveOperatorOptions({ bootstrapOverride: ['a/x=h:1', 'b/y=[::1]:2'] }, {});
    expect([...o.bootstrapOverrides]).toEqual([
      ['a/x', 'h:1'],
      ['b/y', '[::1]:2'],
    ]);
    for (const bad of ['demo=h:1', 'ns/demo', 'ns/demo=h', 'ns/demo=h:1,', 'NS/demo=h:1']) {
      expect(() => parseBootstrapOverride(bad)).toThrow(OptionsError);
    }
  });

  it('checks ranges, booleans and the order of the leader election timings', () => {
    expect(resolveOperatorOptions({ leaderElect: 'false' }, {}).leaderElect).toBe(false);
    expect(() => resolveOperatorOptions({ leaderElect: 'no' }, {})).toThrow(
      '--leader-elect must be true or false',
    );
    expect(() => resolveOperatorOptions({ metricsPort: '70000' }, {})).toThrow('--metrics-port');
    expect(() => resolveOperatorOptions({ workers: '0' }, {})).toThrow('--workers');
    expect(() => resolveOperatorOptions({ namespace: 'Not_A_Namespace' }, {})).toThrow('--namespace');
    expect(() => resolveOperatorOptions({ renewDeadlineMs: '20000' }, {})).toThrow('lease-duration-seconds');
    expect(() => resolveOperatorOptions({ retryBaseMs: '1000', retryMaxMs: '10' }, {})).toThrow(
      '--retry-max-ms',
    );
  });
});

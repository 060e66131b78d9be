import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergePodSpec } from './pod-spec-merge.js';

const base = {
  serviceAccountName: 'sa',
  securityContext: { runAsUser: 10001, runAsNonRoot: true },
  containers: [
    { name: 'broker', image: 'img:1', env: [{ name: 'A', value: '1' }], resources: { limits: { cpu: '1' } } },
  ],
  volumes: [{ name: 'tmp', emptyDir: {} }],
  tolerations: [{ key: 'a', operator: 'Exists' }],
  topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname' }],
};

describe('mergePodSpec', () => {
  it('merges objects, named lists by name, replaces other lists, and removes keys set to null', () => {
    const merged = mergePodSpec(base, {
      nodeSelector: { disk: 'ssd' },
      securityContext: { runAsUser: 20000 },
      containers: [
        { name: 'broker', env: [{ name: 'B', value: '2' }], resources: { limits: { memory: '1Gi' } } },
        { name: 'sidecar', image: 'side:1' },
      ],
      tolerations: [{ key: 'b', operator: 'Exists' }],
      topologySpreadConstraints: null,
    });
    expect(merged).toEqual({
      serviceAccountName: 'sa',
      nodeSelector: { disk: 'ssd' },
      securityContext: { runAsUser: 20000, runAsNonRoot: true },
      containers: [
        {
          name: 'broker',
          image: 'img:1',
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
          ],
          resources: { limits: { cpu: '1', memory: '1Gi' } },
        },
        { name: 'sidecar', image: 'side:1' },
      ],
      volumes: [{ name: 'tmp', emptyDir: {} }],
      tolerations: [{ key: 'b', operator: 'Exists' }],
    });
    // Inputs untouched.
    expect(base.containers[0]!.env).toHaveLength(1);
  });

  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.string(),
      fc.integer(),
      fc.boolean(),
      tie('object'),
      fc.array(fc.record({ name: fc.constantFrom('a', 'b', 'c'), v: fc.integer() }), { maxLength: 3 }),
    ),
    object: fc.dictionary(fc.constantFrom('x', 'y', 'z', 'containers'), tie('value'), { maxKeys: 3 }),
  }));

  it('property: an empty override changes nothing, and merging the same override twice equals once', () => {
    fc.assert(
      fc.property(json.object, json.object, (b, o) => {
        const bb = b as Record<string, unknown>;
        const oo = o as Record<string, unknown>;
        expect(mergePodSpec(bb, {})).toEqual(bb);
        expect(mergePodSpec(bb, undefined)).toEqual(bb);
        const once = mergePodSpec(bb, oo);
        expect(mergePodSpec(once, oo)).toEqual(once);
      }),
    );
  });

  it('property: every scalar the override sets at the top level is in the result', () => {
    fc.assert(
      fc.property(json.object, fc.dictionary(fc.constantFrom('x', 'y'), fc.integer()), (b, o) => {
        const merged = mergePodSpec(b as Record<string, unknown>, o) as Record<string, unknown>;
        for (const [k, v] of Object.entries(o)) expect(merged[k]).toBe(v);
      }),
    );
  });
});

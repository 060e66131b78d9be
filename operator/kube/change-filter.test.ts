import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ChangeFilter } from './change-filter.js';

function topic(
  overrides: Partial<NonNullable<KubernetesObject['metadata']>>,
  status?: object,
): KubernetesObject {
  return {
    apiVersion: 'tributary.dev/v1alpha1',
    kind: 'Topic',
    metadata: { name: 't', namespace: 'ns', uid: 'u1', generation: 1, resourceVersion: '1', ...overrides },
    ...(status === undefined ? {} : { status }),
  } as KubernetesObject;
}

/**
 * A failing reconcile writes its status; the watch reports that write as an update. If updates queued the
 * key at once, the key would skip its backoff and run again at once, forever (review M1).
 */
describe('ChangeFilter', () => {
  it('ignores updates that change only the status (and resourceVersion)', () => {
    const f = new ChangeFilter();
    expect(f.changed('ns/t', topic({}), 'add')).toBe(true);
    for (let rv = 2; rv < 50; rv++) {
      const status = { conditions: [{ type: 'Ready', status: 'False', message: `attempt ${rv}` }] };
      expect(f.changed('ns/t', topic({ resourceVersion: String(rv) }, status), 'update')).toBe(false);
    }
  });

  it('counts spec (generation), labels, annotations, finalizers and deletion as changes', () => {
    const f = new ChangeFilter();
    f.changed('ns/t', topic({}), 'add');
    const steps: Array<Partial<NonNullable<KubernetesObject['metadata']>>> = [
      { generation: 2 },
      { generation: 2, labels: { a: 'b' } },
      { generation: 2, labels: { a: 'b' }, annotations: { 'tributary.dev/managed': 'false' } },
      {
        generation: 2,
        labels: { a: 'b' },
        annotations: { 'tributary.dev/managed': 'false' },
        finalizers: ['x'],
      },
      {
        generation: 2,
        labels: { a: 'b' },
        annotations: { 'tributary.dev/managed': 'false' },
        finalizers: ['x'],
        deletionTimestamp: new Date('2026-01-01T00:00:00Z'),
      },
    ];
    for (const meta of steps) {
      expect(f.changed('ns/t', topic(meta), 'update')).toBe(true);
      expect(f.changed('ns/t', topic(meta), 'update')).toBe(false);
    }
  });

  it('always counts adds and deletes, and a recreated object (new uid) as a change', () => {
    const f = new ChangeFilter();
    expect(f.changed('ns/t', topic({}), 'add')).toBe(true);
    expect(f.changed('ns/t', topic({}), 'add')).toBe(true); // a re-list
    expect(f.changed('ns/t', topic({ uid: 'u2' }), 'update')).toBe(true);
    expect(f.changed('ns/t', topic({ uid: 'u2' }), 'delete')).toBe(true);
    expect(f.changed('ns/t', topic({ uid: 'u2' }), 'update')).toBe(true); // nothing remembered after a delete
  });
});

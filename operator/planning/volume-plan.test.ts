import type { V1StatefulSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../api/v1alpha1.js';
import { planCluster } from './cluster-plan.js';
import { clusterStatus } from './cluster-status.js';
import { type ClaimObservation, planVolumes, type VolumeInputs } from './volume-plan.js';
import { storageResizeCondition, storageStatus } from './volume-status.js';

function claim(broker: number, requested: string, capacity = requested, bound = true): ClaimObservation {
  return {
    broker,
    name: `data-demo-${broker}`,
    requested,
    capacity: bound ? capacity : undefined,
    bound,
  };
}

function inputs(over: Partial<VolumeInputs>): VolumeInputs {
  return {
    wanted: '10Gi',
    template: '10Gi',
    claims: [claim(0, '10Gi'), claim(1, '10Gi'), claim(2, '10Gi')],
    replicas: 3,
    rollRestarting: false,
    ...over,
  };
}

describe('planVolumes', () => {
  it('changes nothing when the volumes and the template have the size (in any notation)', () => {
    const plan = planVolumes(inputs({ wanted: '10240Mi' }));
    expect(plan).toMatchObject({ target: '10240Mi', expand: [], replace: { kind: 'none' } });
    expect(plan.problem).toBeUndefined();
  });

  it('expands every bound claim below the size first, and replaces the StatefulSet only after', () => {
    const first = planVolumes(inputs({ wanted: '20Gi' }));
    expect(first.expand).toEqual(['data-demo-0', 'data-demo-1', 'data-demo-2']);
    expect(first.replace).toMatchObject({ kind: 'wait' });
    expect(first.templateSize).toBe('20Gi');
    // Expansions accepted (requests raised; capacity follows later): now the template follows.
    const accepted = planVolumes(
      inputs({
        wanted: '20Gi',
        claims: [claim(0, '20Gi', '10Gi'), claim(1, '20Gi', '10Gi'), claim(2, '20Gi')],
      }),
    );
    expect(accepted.expand).toEqual([]);
    expect(accepted.replace).toEqual({ kind: 'now' });
  });

  it('asks an unbound claim once it is bound, without holding the template for it', () => {
    const plan = planVolumes(
      inputs({ wanted: '20Gi', claims: [claim(0, '20Gi'), claim(1, '20Gi'), claim(2, '10Gi', '', false)] }),
    );
    expect(plan.expand).toEqual([]);
    expect(plan.replace).toEqual({ kind: 'now' });
  });

  it('does not replace the StatefulSet while a roll has a broker pod restarting', () => {
    const plan = planVolumes(
      inputs({ wanted: '20Gi', rollRestarting: true, claims: [claim(0, '20Gi'), claim(1, '20Gi')] }),
    );
    expect(plan.replace).toMatchObject({ kind: 'wait', why: expect.stringContaining('roll') });
  });

  it('refuses a shrink below the largest claim, changing nothing', () => {
    const plan = planVolumes(
      inputs({ wanted: '5Gi', template: '5Gi', claims: [claim(0, '10Gi'), claim(1, '5Gi')] }),
    );
    expect(plan).toMatchObject({
      target: '10Gi',
      expand: [],
      templateSize: '5Gi',
      replace: { kind: 'none' },
      problem: { reason: 'StorageShrinkNotSupported' },
    });
    expect(plan.problem!.message).toContain('set it back to 10Gi or more');
    // Without claims the template is the current size.
    expect(planVolumes(inputs({ wanted: '5Gi', claims: [] })).problem?.reason).toBe(
      'StorageShrinkNotSupported',
    );
  });

  it('follows a template larger than the volumes back down to them (a refused expansion undone)', () => {
    // The StatefulSet was made at 20Gi from the spec while the claims stayed at 10Gi; the spec is back at 10Gi.
    const plan = planVolumes(inputs({ wanted: '10Gi', template: '20Gi' }));
    expect(plan.problem).toBeUndefined();
    expect(plan.replace).toEqual({ kind: 'now' });
    expect(plan.templateSize).toBe('10Gi');
  });

  it('makes a StatefulSet at the wanted size when there is none, whatever the claims wait for', () => {
    const plan = planVolumes(inputs({ wanted: '20Gi', template: undefined }));
    expect(plan).toMatchObject({ templateSize: '20Gi', replace: { kind: 'none' } });
    expect(plan.expand).toHaveLength(3);
  });

  it('leaves the claims of ordinals at or above replicas alone', () => {
    const plan = planVolumes(
      inputs({ wanted: '20Gi', replicas: 2, claims: [claim(0, '10Gi'), claim(1, '10Gi'), claim(2, '50Gi')] }),
    );
    expect(plan.problem).toBeUndefined();
    expect(plan.expand).toEqual(['data-demo-0', 'data-demo-1']);
    expect(plan.claims.map((c) => c.broker)).toEqual([0, 1]);
  });

  it('refuses a wanted size that is not a quantity', () => {
    expect(() => planVolumes(inputs({ wanted: 'big' }))).toThrow(/not a quantity/);
  });
});

describe('storage status and the StorageResize condition', () => {
  it('reports each broker and the condition from under way to completed', () => {
    const plan = planVolumes(inputs({ wanted: '20Gi' }));
    const during = storageStatus({
      plan,
      claims: [
        claim(0, '20Gi', '20Gi'),
        { ...claim(1, '20Gi', '10Gi'), resizeCondition: 'FileSystemResizePending: waiting' },
        claim(2, '10Gi'),
      ],
      refusal: undefined,
      claimTemplateSize: '10Gi',
    });
    expect(during).toEqual({
      size: '20Gi',
      claimTemplateSize: '10Gi',
      volumes: [
        { broker: 0, claim: 'data-demo-0', requested: '20Gi', capacity: '20Gi', state: 'Expanded' },
        {
          broker: 1,
          claim: 'data-demo-1',
          requested: '20Gi',
          capacity: '10Gi',
          state: 'Expanding',
          message: 'FileSystemResizePending: waiting',
        },
        { broker: 2, claim: 'data-demo-2', requested: '10Gi', capacity: '10Gi', state: 'Waiting' },
      ],
    });
    const condition = storageResizeCondition(during, plan, undefined);
    expect(condition).toMatchObject({ status: 'True', reason: 'Expanding' });
    expect(condition!.message).toMatch(/^1\/3 volume\(s\) at 20Gi; data-demo-1 Expanding/);

    const replacing = storageStatus({
      plan,
      claims: [claim(0, '20Gi'), claim(1, '20Gi'), claim(2, '20Gi')],
      refusal: undefined,
      claimTemplateSize: undefined,
    });
    expect(storageResizeCondition(replacing, plan, undefined)).toMatchObject({
      status: 'True',
      reason: 'ReplacingStatefulSet',
    });

    const done = storageStatus({
      plan,
      claims: [claim(0, '20Gi'), claim(1, '20Gi'), claim(2, '20Gi')],
      refusal: undefined,
      claimTemplateSize: '20Gi',
    });
    // Only once a resize was under way: a cluster that never resized carries no StorageResize condition.
    expect(storageResizeCondition(done, plan, undefined)).toBeUndefined();
    const previous = [
      {
        type: 'StorageResize',
        status: 'True' as const,
        reason: 'Expanding',
        message: '',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ];
    expect(storageResizeCondition(done, plan, previous)).toEqual({
      status: 'False',
      reason: 'Completed',
      message: '3 volume(s) and the claim template at 20Gi',
    });
  });

  it('says NotAllowed for a refused expansion', () => {
    const plan = planVolumes(inputs({ wanted: '20Gi' }));
    const status = storageStatus({
      plan,
      claims: plan.claims,
      refusal: { claim: 'data-demo-0', message: '403: only dynamically provisioned pvc can be resized' },
      claimTemplateSize: '10Gi',
    });
    expect(status.volumes.map((v) => v.state)).toEqual(['NotAllowed', 'Waiting', 'Waiting']);
    const condition = storageResizeCondition(status, plan, undefined);
    expect(condition).toMatchObject({ status: 'True', reason: 'NotAllowed' });
    expect(condition!.message).toContain('set spec.storage.size back to 10Gi to cancel');
  });
});

function cluster(size: string): Cluster {
  return {
    apiVersion: 'tributary.dev/v1alpha1',
    kind: 'Cluster',
    metadata: { name: 'demo', namespace: 'ns1', uid: 'uid-1', generation: 7 },
    spec: {
      brokers: 3,
      version: '0.1.0',
      storage: { size, storageClassName: 'fixed' },
      listeners: { client: { port: 9292 }, metrics: { port: 9644 } },
      rack: { topologyKey: 'topology.kubernetes.io/zone' },
      balancing: { mode: 'onScale' },
      scaleDownPolicy: { volumes: 'Keep' },
    },
  };
}

const claims = [claim(0, '10Gi'), claim(1, '10Gi'), claim(2, '10Gi')];

describe('planCluster with volumes', () => {
  const statefulSetOf = (plan: ReturnType<typeof planCluster>) =>
    plan.objects.find((o) => o.step === 'StatefulSet')?.object as V1StatefulSet | undefined;

  it('never applies a StatefulSet whose cached copy is terminating (it would come back from that copy)', () => {
    const plan = planCluster(
      cluster('20Gi'),
      { replicas: 3, volume: { size: '10Gi', storageClassName: 'fixed' }, terminating: true },
      { claims, podCount: 3, rollRestarting: false },
    );
    expect(plan.statefulSetTerminating).toBe(true);
    expect(statefulSetOf(plan)).toBeUndefined();
    expect(plan.objects.map((o) => o.step)).toContain('PodDisruptionBudget');
  });

  it('does not replace the StatefulSet while the config is invalid (none could be made again)', () => {
    const c = { ...cluster('20Gi'), spec: { ...cluster('20Gi').spec, config: { bogus: 'x' } } };
    const plan = planCluster(
      c,
      { replicas: 3, volume: { size: '10Gi' } },
      { claims: [], podCount: 3, rollRestarting: false },
    );
    expect(plan.volumes.replace).toMatchObject({ kind: 'wait', why: expect.stringContaining('spec.config') });
  });

  it('applies an existing StatefulSet with its uid, so an apply after its deletion cannot re-create it', () => {
    const existing = planCluster(cluster('10Gi'), { replicas: 3, volume: { size: '10Gi' }, uid: 'sts-1' });
    expect(statefulSetOf(existing)!.metadata!.uid).toBe('sts-1');
    expect(statefulSetOf(planCluster(cluster('10Gi'), undefined))!.metadata!.uid).toBeUndefined();
  });

  it('makes a StatefulSet from the spec once the old one is gone, keeping every broker pod', () => {
    const plan = planCluster(cluster('20Gi'), undefined, { claims, podCount: 4, rollRestarting: false });
    const sts = statefulSetOf(plan)!;
    expect(sts.spec!.volumeClaimTemplates![0]!.spec).toMatchObject({
      resources: { requests: { storage: '20Gi' } },
      storageClassName: 'fixed',
    });
    // Four pods run (spec.brokers is 3): a StatefulSet of 3 would delete broker 3's pod.
    expect(sts.spec!.replicas).toBe(4);
    expect(plan.problems).toEqual([]); // a scale-down is the scale plan's to drain (scale-plan.ts)
    expect(plan.volumes.expand).toEqual(['data-demo-0', 'data-demo-1', 'data-demo-2']);
  });

  it('sets Ready False while the API server refuses the expansion, and clears it when the size is set back', () => {
    const now = '2026-01-01T00:00:00Z';
    /** The plan and status of `c` with 3 ready brokers, its claims at 10Gi, the API server's `refusal`. */
    const reconciled = (c: Cluster, refusal?: { claim: string; message: string }) => {
      const plan = planCluster(
        c,
        { replicas: 3, volume: { size: '10Gi' } },
        { claims, podCount: 3, rollRestarting: false },
      );
      const status = clusterStatus(
        c,
        plan,
        {
          statefulSet: { replicas: 3, readyReplicas: 3, updatedReplicas: 3 },
          controllerId: 0,
          storage: { plan: plan.volumes, claims: plan.volumes.claims, refusal, claimTemplateSize: '10Gi' },
        },
        now,
      );
      return { plan, status };
    };
    const refused = reconciled(cluster('20Gi'), {
      claim: 'data-demo-0',
      message: '403: the storageclass must support resize',
    }).status;
    const ready = refused.conditions!.find((c) => c.type === 'Ready')!;
    expect(ready).toMatchObject({ status: 'False', reason: 'StorageExpansionNotAllowed' });
    expect(ready.message).toContain('set it back to 10Gi to undo');
    expect(refused.conditions!.find((c) => c.type === 'StorageResize')).toMatchObject({
      status: 'True',
      reason: 'NotAllowed',
    });

    const back = reconciled({ ...cluster('10Gi'), status: refused });
    expect(back.plan.volumes.expand).toEqual([]);
    const cleared = back.status;
    expect(cleared.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True' });
    expect(cleared.conditions!.find((c) => c.type === 'StorageResize')).toMatchObject({
      status: 'False',
      reason: 'Completed',
    });
    expect(cleared.storage!.volumes.every((v) => v.state === 'Expanded')).toBe(true);
  });
});

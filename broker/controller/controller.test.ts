import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlterPartitionRequest__Output } from '../../proto/generated/tributary/v1/AlterPartitionRequest.js';
import { Membership } from '../cluster/membership.js';
import type { Dcs, DcsEvent, DcsGuard, DcsSession, WriteOptions } from '../dcs/dcs.js';
import { LocalDcs } from '../dcs/local/local-dcs.js';
import { createLogger } from '../logger.js';
import { CONTROLLER_EPOCH_KEY, CONTROLLER_KEY, TOPICS_PREFIX } from '../metadata/keys.js';
import type { PartitionRegistration, TopicRecord } from '../metadata/topic-registry.js';
import { Controller } from './controller.js';

const logger = createLogger(process.env['TEST_LOG_LEVEL'] ?? 'silent');

/**
 * One broker's window on the shared in-process store. `pause()` holds back its watch events (a process
 * stopped with SIGSTOP sees nothing); `kill()` drops them and fails its calls (a dead process does nothing).
 */
class BrokerDcs implements Dcs {
  readonly kind = 'local';
  private paused = false;
  private dead = false;
  private held: Array<() => void> = [];

  constructor(private readonly inner: Dcs) {}

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    for (const deliver of this.held.splice(0)) deliver();
  }

  kill(): void {
    this.dead = true;
    this.held = [];
  }

  private alive(): void {
    if (this.dead) throw new Error('this broker is dead');
  }

  async get(key: string) {
    this.alive();
    return this.inner.get(key);
  }
  async list(prefix: string) {
    this.alive();
    return this.inner.list(prefix);
  }
  async compareAndSet(key: string, value: Buffer, expectedVersion: number, options?: WriteOptions) {
    this.alive();
    return this.inner.compareAndSet(key, value, expectedVersion, options);
  }
  async compareAndDelete(key: string, expectedVersion: number, options?: { guard?: DcsGuard }) {
    this.alive();
    return this.inner.compareAndDelete(key, expectedVersion, options);
  }
  async openSession(ttlMs: number): Promise<DcsSession> {
    this.alive();
    return this.inner.openSession(ttlMs);
  }
  watch(prefix: string, listener: (event: DcsEvent) => void): Promise<() => void> {
    return this.inner.watch(prefix, (e) => {
      if (this.dead) return;
      if (this.paused) this.held.push(() => listener(e));
      else listener(e);
    });
  }
  async close(): Promise<void> {}
}

interface Node {
  id: number;
  dcs: BrokerDcs;
  membership: Membership;
  controller: Controller;
}

let root: string;
let store: LocalDcs;
let nodes: Node[];

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'tributary-controller-'));
  store = await LocalDcs.open(root);
  nodes = [];
});

afterEach(async () => {
  for (const n of nodes) {
    n.dcs.resume();
    await n.controller.stop().catch(() => undefined);
    await n.membership.stop().catch(() => undefined);
  }
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

async function startBroker(id: number, rack = '', balanceMs = 0): Promise<Node> {
  const dcs = new BrokerDcs(store);
  const membership = await Membership.start(
    dcs,
    { id, host: '127.0.0.1', port: 9000 + id, rack, registeredAtMs: 0 },
    { sessionTtlMs: 10_000, logger },
  );
  const controller = new Controller({
    dcs,
    membership,
    logger,
    options: { retryBackoffMs: 20, preferredLeaderBalanceIntervalMs: balanceMs },
  });
  await controller.start();
  const node = { id, dcs, membership, controller };
  nodes.push(node);
  return node;
}

async function startCluster(count: number, racks: string[] = []): Promise<Node[]> {
  const started: Node[] = [];
  for (let id = 1; id <= count; id++) started.push(await startBroker(id, racks[id - 1] ?? ''));
  return started;
}

/** The process dies: no more events or calls from it, and its session ends (its keys vanish). */
async function kill(node: Node): Promise<void> {
  const session = node.membership.session;
  node.dcs.kill();
  nodes = nodes.filter((n) => n !== node);
  await session.close();
}

/** The process restarts before its session expired: it registers again over its old key, new epoch. */
async function restartFast(node: Node): Promise<Node> {
  node.dcs.kill();
  nodes = nodes.filter((n) => n !== node);
  return startBroker(node.id);
}

async function waitFor<T>(
  probe: () => T | Promise<T>,
  what: string,
  timeoutMs = 5_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function active(): Node[] {
  return nodes.filter((n) => n.controller.isActive);
}

async function theController(): Promise<Node> {
  return waitFor(() => (active().length === 1 ? active()[0] : undefined), 'one active controller');
}

async function readTopic(name: string): Promise<TopicRecord | null> {
  const v = await store.get(TOPICS_PREFIX + name);
  return v === null ? null : (JSON.parse(v.value.toString('utf8')) as TopicRecord);
}

async function partition(name: string, p = 0): Promise<PartitionRegistration> {
  const t = await readTopic(name);
  return t!.partitions[p]!;
}

function epochOf(id: number): number {
  return nodes.find((n) => n.id === id)!.membership.brokerEpoch;
}

function alter(
  a: PartitionRegistration,
  change: Partial<AlterPartitionRequest__Output>,
): AlterPartitionRequest__Output {
  return {
    broker_id: a.leader,
    broker_epoch: String(epochOf(a.leader)),
    topic: 't',
    partition: 0,
    leader_epoch: a.leaderEpoch,
    partition_epoch: a.partitionEpoch ?? 0,
    new_isr: a.isr,
    ...change,
  };
}

describe('controller election', () => {
  it('elects exactly one controller and fails over when its session closes', async () => {
    await startCluster(3);
    const first = await theController();
    expect(first.controller.epoch).toBe(1);
    expect(JSON.parse((await store.get(CONTROLLER_KEY))!.value.toString())).toEqual({
      brokerId: first.id,
      epoch: 1,
    });
    expect(JSON.parse((await store.get(CONTROLLER_EPOCH_KEY))!.value.toString())).toBe(1);

    await kill(first);
    const second = await theController();
    expect(second.id).not.toBe(first.id);
    expect(second.controller.epoch).toBe(2);
    expect(JSON.parse((await store.get(CONTROLLER_EPOCH_KEY))!.value.toString())).toBe(2);

    const events: string[] = [];
    second.controller.on('inactive', () => events.push('inactive'));
    await second.controller.stop();
    expect(events).toEqual(['inactive']);
    const third = await theController();
    expect(third.controller.epoch).toBe(3);
  });

  it('a deposed controller that did not notice (paused past its session) cannot write', async () => {
    await startCluster(3);
    const old = await theController();
    old.dcs.pause();
    await old.membership.session.close(); // its session expired while it was stopped
    const next = await waitFor(
      () => nodes.find((n) => n !== old && n.controller.isActive),
      'a new controller',
    );
    expect(old.controller.isActive).toBe(true); // it has not seen anything yet

    await expect(
      old.controller.createTopic({ name: 't', partitions: 1, replicationFactor: 1, configs: {} }),
    ).rejects.toMatchObject({ reason: 'NOT_CONTROLLER' });
    expect(old.controller.isActive).toBe(false);
    expect(await readTopic('t')).toBeNull();
    await expect(
      old.controller.createTopic({ name: 't', partitions: 1, replicationFactor: 1, configs: {} }),
    ).rejects.toMatchObject({ reason: 'NOT_CONTROLLER' });
    // The real controller writes fine.
    await next.controller.createTopic({ name: 't', partitions: 1, replicationFactor: 2, configs: {} });
    expect((await readTopic('t'))?.partitions).toHaveLength(1);
  });
});

describe('topics and failover', () => {
  it('creates topics rack-aware with broker epochs, and fails leadership over when a broker dies', async () => {
    await startCluster(4, ['a', 'a', 'b', 'b']);
    const c = await theController();
    const created = await c.controller.createTopic({
      name: 't',
      partitions: 4,
      replicationFactor: 2,
      configs: {},
    });
    for (const a of created.partitions) {
      expect(a).toMatchObject({ leaderEpoch: 0, partitionEpoch: 0, leaderBrokerEpoch: epochOf(a.leader) });
      expect(a.isr).toEqual(a.replicas);
      // One replica per rack.
      expect(a.replicas.map((b) => (b <= 2 ? 'a' : 'b')).sort()).toEqual(['a', 'b']);
    }
    expect(new Set(created.partitions.map((a) => a.leader)).size).toBe(4);
    await expect(
      c.controller.createTopic({ name: 't', partitions: 1, replicationFactor: 1, configs: {} }),
    ).rejects.toMatchObject({ reason: 'TOPIC_ALREADY_EXISTS' });
    await expect(
      c.controller.createTopic({ name: 'u', partitions: 1, replicationFactor: 5, configs: {} }),
    ).rejects.toMatchObject({ reason: 'INVALID_REPLICATION_FACTOR' });
    // Names equal once '.' and '_' are alike: the second is refused, at the controller, whoever asks.
    await c.controller.createTopic({ name: 'a.b_c', partitions: 1, replicationFactor: 1, configs: {} });
    for (const name of ['a_b_c', 'a.b.c', 'a_b.c']) {
      await expect(
        c.controller.createTopic({ name, partitions: 1, replicationFactor: 1, configs: {} }),
      ).rejects.toMatchObject({ reason: 'TOPIC_NAME_COLLISION' });
    }

    const index = created.partitions.findIndex((a) => a.leader !== c.id);
    const before = created.partitions[index]!;
    const victim = nodes.find((n) => n.id === before.leader)!;
    await kill(victim);
    const after = await waitFor(async () => {
      const a = await partition('t', index);
      return a.leader !== before.leader ? a : undefined;
    }, 'a new leader');
    const survivor = before.replicas.find((b) => b !== victim.id)!;
    expect(after).toMatchObject({ leader: survivor, leaderEpoch: 1, partitionEpoch: 1, isr: [survivor] });
    expect(after.leaderBrokerEpoch).toBe(epochOf(survivor));
    // Partitions where the dead broker only followed lost it from the ISR.
    await waitFor(
      async () => (await readTopic('t'))!.partitions.every((a) => !a.isr.includes(victim.id)),
      'ISR shrink',
    );
  });

  it('a leader that restarted (new broker epoch, key never vanished) is replaced; a sole ISR member is re-elected', async () => {
    await startCluster(3);
    const c = await theController();
    // Partition 1 of each topic is led by broker 2, which is not the controller (broker 1).
    await c.controller.createTopic({ name: 't', partitions: 2, replicationFactor: 2, configs: {} });
    await c.controller.createTopic({ name: 'solo', partitions: 2, replicationFactor: 1, configs: {} });
    expect(c.id).toBe(1);
    expect(await partition('t', 1)).toMatchObject({ replicas: [2, 3], leader: 2 });
    expect(await partition('solo', 1)).toMatchObject({ replicas: [2], leader: 2 });
    const oldEpoch = epochOf(2);
    const restarted = await restartFast(nodes.find((n) => n.id === 2)!);
    expect(restarted.membership.brokerEpoch).not.toBe(oldEpoch);
    const next = await waitFor(async () => {
      const p = await partition('t', 1);
      return p.leader !== 2 ? p : undefined;
    }, 're-election');
    expect(next).toMatchObject({ leader: 3, leaderEpoch: 1, isr: [3] });
    const solo = await waitFor(async () => {
      const p = await partition('solo', 1);
      return p.leaderEpoch === 1 ? p : undefined;
    }, 'solo re-election');
    expect(solo).toMatchObject({ leader: 2, isr: [2], leaderBrokerEpoch: restarted.membership.brokerEpoch });
  });

  it('when the controller broker dies, the next controller fails over its partitions', async () => {
    await startCluster(3);
    const c = await theController();
    await c.controller.createTopic({ name: 't', partitions: 3, replicationFactor: 2, configs: {} });
    const led = (await readTopic('t'))!.partitions.findIndex((a) => a.leader === c.id);
    await kill(c);
    const next = await theController();
    expect(next.controller.epoch).toBe(2);
    const a = await waitFor(async () => {
      const p = await partition('t', led);
      return p.leader !== c.id ? p : undefined;
    }, 'failover by the new controller');
    expect(a).toMatchObject({ leaderEpoch: 1, isr: [a.leader] });
    expect((await readTopic('t'))!.partitions.every((p) => !p.isr.includes(c.id))).toBe(true);
  });

  it('the optional balancer moves leadership back to the preferred replica', async () => {
    for (let id = 1; id <= 3; id++) await startBroker(id, '', 20);
    const c = await theController();
    await c.controller.createTopic({ name: 't', partitions: 3, replicationFactor: 2, configs: {} });
    // Partition 1 ([2, 3]): leadership to 3 by a controlled shutdown of 2, which then restarts and catches up.
    const two = nodes.find((n) => n.id === 2)!;
    await c.controller.controlledShutdown(2, two.membership.brokerEpoch);
    expect((await partition('t', 1)).leader).toBe(3);
    await kill(two);
    await startBroker(2, '', 20);
    await waitFor(
      () => c.membership.liveBrokers().some((b) => b.id === 2 && b.epoch === epochOf(2)),
      'broker 2',
    );
    const a = await partition('t', 1);
    expect(
      (await c.controller.alterPartition({ ...alter(a, { partition: 1 }), new_isr: [2, 3] })).error,
    ).toBeNull();
    const back = await waitFor(async () => {
      const p = await partition('t', 1);
      return p.leader === 2 ? p : undefined;
    }, 'preferred leader back');
    expect(back.leaderBrokerEpoch).toBe(epochOf(2));
  });

  it('confirms leaders of metadata written before broker epochs existed', async () => {
    const legacy: TopicRecord = {
      id: 'x',
      name: 'old',
      replicationFactor: 1,
      configs: {},
      createdAtMs: 0,
      partitions: [{ replicas: [1], leader: 1, leaderEpoch: 3, isr: [1] }],
    };
    await store.compareAndSet(TOPICS_PREFIX + 'old', Buffer.from(JSON.stringify(legacy)), 0);
    await startCluster(1);
    const a = await waitFor(async () => {
      const p = await partition('old');
      return p.leaderBrokerEpoch !== undefined ? p : undefined;
    }, 'confirmation');
    expect(a).toMatchObject({ leader: 1, leaderEpoch: 4, partitionEpoch: 1, leaderBrokerEpoch: epochOf(1) });
  });

  it('an offline partition comes back with its ISR member; unclean election only when asked', async () => {
    await startCluster(3);
    const c = await theController();
    // Partition 1 of an RF 2 topic lives on brokers 2 and 3.
    await c.controller.createTopic({ name: 't', partitions: 2, replicationFactor: 2, configs: {} });
    expect((await partition('t', 1)).replicas).toEqual([2, 3]);
    const b3 = nodes.find((n) => n.id === 3)!;
    await kill(nodes.find((n) => n.id === 2)!);
    await waitFor(async () => (await partition('t', 1)).leader === 3, 'failover to 3');
    await kill(b3);
    const offline = await waitFor(async () => {
      const p = await partition('t', 1);
      return p.leader === -1 ? p : undefined;
    }, 'offline');
    expect(offline.isr).toEqual([3]);
    const [unclean] = await c.controller.electLeaders('ELECTION_TYPE_UNCLEAN', [
      { topic: 't', partitions: [0] },
    ]);
    expect(unclean?.error?.reason).toBe('ELECTION_NOT_NEEDED');

    await startBroker(2); // not in the ISR: stays offline
    await new Promise((r) => setTimeout(r, 100));
    expect((await partition('t', 1)).leader).toBe(-1);
    const back = await startBroker(3);
    const elected = await waitFor(async () => {
      const p = await partition('t', 1);
      return p.leader === 3 ? p : undefined;
    }, 'ISR member elected');
    expect(elected.leaderBrokerEpoch).toBe(back.membership.brokerEpoch);

    // Offline again with only 2 alive: unclean election on request.
    await kill(back);
    await waitFor(async () => (await partition('t', 1)).leader === -1, 'offline again');
    const [result] = await c.controller.electLeaders('ELECTION_TYPE_UNCLEAN', [
      { topic: 't', partitions: [1] },
    ]);
    expect(result).toEqual({ topic: 't', partition: 1, error: null });
    expect(await partition('t', 1)).toMatchObject({ leader: 2, isr: [2] });
  });
});

describe('requests to the controller', () => {
  it('AlterPartition: every refusal, then shrink and expand', async () => {
    await startCluster(3);
    const c = await theController();
    await c.controller.createTopic({ name: 't', partitions: 1, replicationFactor: 3, configs: {} });
    const a = await partition('t');
    const [, f1, f2] = a.replicas as [number, number, number];
    const refusals: Array<[Partial<AlterPartitionRequest__Output>, string]> = [
      [{ broker_epoch: String(epochOf(a.leader) - 1) }, 'STALE_BROKER_EPOCH'],
      [{ broker_epoch: 'x' }, 'INVALID_REQUEST'],
      [{ broker_id: f1, broker_epoch: String(epochOf(f1)) }, 'NOT_LEADER'],
      [{ leader_epoch: -1 }, 'FENCED_LEADER_EPOCH'],
      [{ leader_epoch: 1 }, 'UNKNOWN_LEADER_EPOCH'],
      [{ partition_epoch: 3 }, 'INVALID_UPDATE_VERSION'],
      [{ new_isr: [f1, f2] }, 'INVALID_REQUEST'],
      [{ new_isr: [a.leader, f1, f1] }, 'INVALID_REQUEST'],
      [{ new_isr: [a.leader, 9] }, 'INELIGIBLE_REPLICA'],
      [{ topic: 'nope' }, 'UNKNOWN_TOPIC'],
      [{ partition: 4 }, 'UNKNOWN_PARTITION'],
    ];
    for (const [change, reason] of refusals) {
      const response = await c.controller.alterPartition(alter(a, change));
      expect(response.error?.reason, JSON.stringify({ change, response })).toBe(reason);
    }
    const shrunk = await c.controller.alterPartition(alter(a, { new_isr: [a.leader, f1] }));
    expect(shrunk).toEqual({
      error: null,
      leader: a.leader,
      leader_epoch: 0,
      partition_epoch: 1,
      isr: a.replicas.filter((b) => b !== f2),
    });
    // The refusal answers the current state so the leader can catch up.
    const stale = await c.controller.alterPartition(alter(a, { new_isr: a.replicas }));
    expect(stale).toMatchObject({ error: { reason: 'INVALID_UPDATE_VERSION' }, partition_epoch: 1 });
    const grown = await c.controller.alterPartition(alter(a, { partition_epoch: 1, new_isr: a.replicas }));
    expect(grown).toMatchObject({ error: null, partition_epoch: 2, isr: a.replicas });

    const other = nodes.find((n) => n !== c)!;
    const refused = await other.controller.alterPartition(alter(a, { partition_epoch: 2 }));
    expect(refused.error?.reason).toBe('NOT_CONTROLLER');

    // A broker that dies cannot be added back.
    const dead = nodes.find((n) => n.id === f2 && n !== c);
    if (dead !== undefined) {
      await kill(dead);
      await waitFor(async () => !(await partition('t')).isr.includes(f2), 'ISR shrink');
      const p = await partition('t');
      const response = await c.controller.alterPartition(alter(p, { new_isr: [...p.isr, f2] }));
      expect(response.error?.reason).toBe('INELIGIBLE_REPLICA');
    }
  });

  it('reassignment: adds replicas, completes when they are in sync, moves leadership into the target', async () => {
    await startCluster(4);
    const c = await theController();
    await c.controller.createTopic({ name: 't', partitions: 1, replicationFactor: 2, configs: {} });
    expect((await partition('t')).replicas).toEqual([1, 2]);
    expect(
      (await c.controller.alterReassignments([{ topic: 't', partition: 0, replicas: [] }]))[0]?.error?.reason,
    ).toBe('NO_REASSIGNMENT_IN_PROGRESS');
    const bad = await c.controller.alterReassignments([
      { topic: 't', partition: 0, replicas: [3, 3] },
      { topic: 't', partition: 0, replicas: [3, 4] },
      { topic: 'nope', partition: 0, replicas: [3, 4] },
    ]);
    expect(bad.map((r) => r.error?.reason)).toEqual([
      'INVALID_REPLICA_ASSIGNMENT',
      'INVALID_REQUEST',
      'UNKNOWN_TOPIC',
    ]);

    const [ok] = await c.controller.alterReassignments([{ topic: 't', partition: 0, replicas: [3, 4] }]);
    expect(ok?.error).toBeNull();
    let a = await partition('t');
    expect(a).toMatchObject({
      replicas: [3, 4, 1, 2],
      addingReplicas: [3, 4],
      removingReplicas: [1, 2],
      leader: 1,
    });
    expect(c.controller.listReassignments()).toEqual([
      {
        topic: 't',
        partition: 0,
        replicas: [3, 4, 1, 2],
        adding_replicas: [3, 4],
        removing_replicas: [1, 2],
      },
    ]);

    let response = await c.controller.alterPartition(alter(a, { new_isr: [1, 2, 3] }));
    expect(response.error).toBeNull();
    a = await partition('t');
    expect(a.addingReplicas).toEqual([3, 4]);
    response = await c.controller.alterPartition(alter(a, { new_isr: [1, 2, 3, 4] }));
    expect(response).toMatchObject({ error: null, leader: 3, leader_epoch: 1, isr: [3, 4] });
    a = await partition('t');
    expect(a).toMatchObject({ replicas: [3, 4], isr: [3, 4], leader: 3, leaderBrokerEpoch: epochOf(3) });
    expect(a.addingReplicas).toBeUndefined();
    expect(c.controller.listReassignments()).toEqual([]);
  });

  it('controlled shutdown moves leaderships away and takes the broker out of ISRs', async () => {
    await startCluster(3);
    const c = await theController();
    await c.controller.createTopic({ name: 't', partitions: 3, replicationFactor: 2, configs: {} });
    await c.controller.createTopic({ name: 'solo', partitions: 3, replicationFactor: 1, configs: {} });
    const leaving = nodes.find((n) => n !== c)!;
    expect(
      await c.controller.controlledShutdown(leaving.id, leaving.membership.brokerEpoch - 1),
    ).toMatchObject({
      error: { reason: 'STALE_BROKER_EPOCH' },
    });
    const response = await c.controller.controlledShutdown(leaving.id, leaving.membership.brokerEpoch);
    // It alone holds one partition of 'solo'.
    expect(response).toEqual({ error: null, remaining_leaderships: 1 });
    for (const a of (await readTopic('t'))!.partitions) {
      expect(a.leader).not.toBe(leaving.id);
      expect(a.isr).not.toContain(leaving.id);
    }
    // It may not come back into an ISR in this incarnation.
    const t0 = (await readTopic('t'))!.partitions.findIndex((a) => a.replicas.includes(leaving.id));
    const p = await partition('t', t0);
    const back = await c.controller.alterPartition(
      alter(p, { partition: t0, new_isr: [...p.isr, leaving.id] }),
    );
    expect(back.error?.reason).toBe('INELIGIBLE_REPLICA');
    // Nor any new replica.
    await expect(
      c.controller.createTopic({ name: 'big', partitions: 1, replicationFactor: 3, configs: {} }),
    ).rejects.toMatchObject({ reason: 'INVALID_REPLICATION_FACTOR' });
  });

  it('preferred leader election, partitions, configs and deletion', async () => {
    await startCluster(3);
    const c = await theController();
    await c.controller.createTopic({ name: 't', partitions: 1, replicationFactor: 2, configs: {} });
    let a = await partition('t');
    expect(a.replicas).toEqual([1, 2]);
    expect((await c.controller.electLeaders('ELECTION_TYPE_PREFERRED', []))[0]?.error?.reason).toBe(
      'ELECTION_NOT_NEEDED',
    );
    // Move leadership to 2 through a controlled shutdown of 1, then bring 1 back in sync.
    const one = nodes.find((n) => n.id === 1)!;
    await c.controller.controlledShutdown(1, one.membership.brokerEpoch);
    a = await partition('t');
    expect(a.leader).toBe(2);
    const [notYet] = await c.controller.electLeaders('ELECTION_TYPE_PREFERRED', [
      { topic: 't', partitions: [0] },
    ]);
    expect(notYet?.error?.reason).toBe('PREFERRED_LEADER_NOT_AVAILABLE');
    await kill(one);
    const restarted = await startBroker(1);
    const ctl = await theController();
    await waitFor(
      () => ctl.membership.liveBrokers().some((b) => b.id === 1 && b.epoch === epochOf(1)),
      'broker 1 back',
    );
    a = await partition('t');
    const added = await ctl.controller.alterPartition(alter(a, { new_isr: [1, 2] }));
    expect(added.error).toBeNull();
    const [moved] = await ctl.controller.electLeaders('ELECTION_TYPE_PREFERRED', [
      { topic: 't', partitions: [0] },
    ]);
    expect(moved?.error).toBeNull();
    expect(await partition('t')).toMatchObject({
      leader: 1,
      leaderBrokerEpoch: restarted.membership.brokerEpoch,
    });

    const grown = await ctl.controller.createPartitions('t', 3);
    expect(grown.partitions).toHaveLength(3);
    await expect(ctl.controller.createPartitions('t', 2)).rejects.toMatchObject({
      reason: 'INVALID_PARTITIONS',
    });
    await ctl.controller.alterConfigs('t', { 'retention.ms': '1000' });
    expect((await readTopic('t'))?.configs).toEqual({ 'retention.ms': '1000' });
    const seen: string[] = [];
    await store.watch(TOPICS_PREFIX, (e) => {
      if (e.type === 'delete') seen.push('delete');
      else seen.push(JSON.parse(e.value.toString()).deleting ? 'deleting' : 'put');
    });
    await ctl.controller.deleteTopic('t');
    expect(seen.filter((s) => s !== 'put')).toEqual(['deleting', 'delete']);
    expect(await readTopic('t')).toBeNull();
    await expect(ctl.controller.alterConfigs('t', {})).rejects.toMatchObject({ reason: 'UNKNOWN_TOPIC' });
  });
});

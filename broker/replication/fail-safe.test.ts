/**
 * Fail-safe mode at the replica-manager level (docs/architecture.md, "Fail-safe mode"): one leader
 * (broker 1) of t/0, whose peers (brokers 2 and 3) answer ConfirmLeadership from a view the test sets, or
 * stay silent until the call's deadline, as a stopped or cut-off broker does.
 */
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TributaryError } from '../../proto/errors.js';
import type { ConfirmLeadershipRequest__Output } from '../../proto/generated/tributary/v1/ConfirmLeadershipRequest.js';
import type { ConfirmLeadershipResponse__Output } from '../../proto/generated/tributary/v1/ConfirmLeadershipResponse.js';
import type { ReplicationServiceClient } from '../../proto/generated/tributary/v1/ReplicationService.js';
import { batch, tempDir } from '../../test/helpers/storage.js';
import { until } from '../../test/helpers/until.js';
import { DEFAULT_BROKER_CONFIG } from '../config.js';
import type { TopicRecord } from '../metadata/topic-registry.js';
import { BrokerMetrics } from '../metrics.js';
import { LogManager } from '../storage/log-manager.js';
import { failSafeTimings } from './fail-safe.js';
import { leadershipAnswer, type ReplicaView } from './leadership-confirmations.js';
import type { Partition } from './partition.js';
import { ReplicaManager } from './replica-manager.js';

/** Refresh 200 ms, window 400 ms, deadline 200 ms. */
const SESSION_TIMEOUT_MS = 600;
const TIMINGS = failSafeTimings(SESSION_TIMEOUT_MS);
/** Room for timers running late on a loaded machine. */
const SLACK_MS = 1500;

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

/** A peer broker as broker 1's fail-safe mode sees it. */
interface FakePeer {
  view: ReplicaView;
  silent: boolean;
  calls: ConfirmLeadershipRequest__Output[];
}

function fakeClient(peer: FakePeer): ReplicationServiceClient {
  const ConfirmLeadership = (
    req: ConfirmLeadershipRequest__Output,
    _md: Metadata,
    options: { deadline: number },
    cb: (err: ServiceError | null, res?: ConfirmLeadershipResponse__Output) => void,
  ) => {
    peer.calls.push(req);
    if (peer.silent) {
      const err = Object.assign(new Error('deadline exceeded'), {
        code: status.DEADLINE_EXCEEDED,
        details: 'deadline exceeded',
        metadata: new Metadata(),
      });
      setTimeout(() => cb(err as ServiceError), Math.max(0, options.deadline - Date.now()));
      return;
    }
    const partitions = req.partitions.map((q) => {
      const refusal = leadershipAnswer(peer.view, req.leader_id, q.leader_epoch);
      return {
        topic: q.topic,
        partition: q.partition,
        error:
          refusal === null
            ? null
            : {
                code: refusal.code,
                reason: refusal.reason,
                message: refusal.message,
                retriable: refusal.retriable,
              },
        leader: peer.view.leader,
        leader_epoch: peer.view.leaderEpoch,
      };
    });
    setImmediate(() => cb(null, { broker_id: 0, partitions } as ConfirmLeadershipResponse__Output));
  };
  return { ConfirmLeadership } as unknown as ReplicationServiceClient;
}

function topicRecord(p: Partial<TopicRecord['partitions'][number]> = {}): TopicRecord {
  return {
    id: 'id-1',
    name: 't',
    replicationFactor: 3,
    configs: {},
    createdAtMs: 0,
    partitions: [
      {
        replicas: [1, 2, 3],
        leader: 1,
        leaderEpoch: 3,
        leaderBrokerEpoch: 7,
        isr: [1, 2, 3],
        partitionEpoch: 5,
        ...p,
      },
    ],
  };
}

async function setup() {
  const logs = new LogManager({ dataDir: `${dir}/logs`, maxOpenFiles: 16, retentionCheckIntervalMs: 60_000 });
  await logs.open(() => undefined);
  const following: ReplicaView = { role: 'follower', leader: 1, leaderEpoch: 3 };
  const peers = new Map<number, FakePeer>([
    [2, { view: { ...following }, silent: false, calls: [] }],
    [3, { view: { ...following }, silent: false, calls: [] }],
  ]);
  const epochs = { current: 7, own: new Set([7]) };
  const rm = new ReplicaManager(
    logs,
    { ...DEFAULT_BROKER_CONFIG, dataDir: dir, nodeId: 1, sessionTimeoutMs: SESSION_TIMEOUT_MS },
    {
      brokerId: 1,
      brokerEpoch: () => epochs.current,
      ownsBrokerEpoch: (epoch) => epochs.own.has(epoch),
      peer: (id) => {
        const peer = peers.get(id);
        return peer === undefined ? undefined : fakeClient(peer);
      },
      logger: pino({ level: 'silent' }),
      alterPartition: () => new Promise(() => {}), // no controller reachable: never answered
    },
  );
  await rm.applyTopic(topicRecord());
  const p = rm.partition('t', 0);
  expect(p.isLeader).toBe(true);
  /** Followers 2 and 3 fetch at the leader's log end, as the ReplicaFetch handler records it. */
  const fetchAll = (...replicas: number[]) => {
    for (const r of replicas) p.recordFollowerFetch(r, p.logEndOffset);
  };
  const close = async () => {
    await rm.stop();
    await logs.close();
  };
  return { rm, p, peers, epochs, fetchAll, close };
}

/** Appends `count` records and starts an acks=all wait for them (min ISR 2). */
async function produce(p: Partition, count: number): Promise<{ lastOffset: number; acked: Promise<string> }> {
  const info = await p.append(batch(count, 'x'));
  const acked = p.waitForReplication(info.lastOffset, 2, 30_000).then(
    () => 'acknowledged',
    (err: unknown) => (err instanceof TributaryError ? err.reason : String(err)),
  );
  return { lastOffset: info.lastOffset, acked };
}

function reasonOf(fn: () => unknown): Promise<string> {
  return Promise.resolve()
    .then(fn)
    .then(
      () => 'no error',
      (err: unknown) => (err instanceof TributaryError ? err.reason : String(err)),
    );
}

describe('fail-safe mode (ReplicaManager)', () => {
  it('keeps leading and acknowledging while every in-sync replica confirms, with one question per peer per round', async () => {
    const { rm, p, peers, fetchAll, close } = await setup();
    try {
      const before = await produce(p, 2);
      rm.enterFailSafe();
      // Closed at once, until the first confirmations: nothing taken, nothing acknowledged.
      expect(p.leadershipConfirmed).toBe(false);
      expect(await reasonOf(() => p.append(batch(1, 'early')))).toBe('LEADER_NOT_AVAILABLE');
      fetchAll(2, 3);
      expect(p.highWatermark).toBe(0);
      // Positions recorded meanwhile count once confirmed.
      expect(await before.acked).toBe('acknowledged');
      expect(p.highWatermark).toBe(before.lastOffset + 1);

      const startedMs = performance.now();
      for (let i = 0; i < 8; i++) {
        const { lastOffset, acked } = await produce(p, 3);
        fetchAll(2, 3);
        expect(await acked).toBe('acknowledged');
        expect(p.highWatermark).toBe(lastOffset + 1);
        await new Promise((r) => setTimeout(r, TIMINGS.refreshMs / 2));
      }
      // Several windows later it still leads, confirmed.
      await until('three windows', () => performance.now() - startedMs > 3 * TIMINGS.windowMs);
      expect(p.isLeader).toBe(true);
      expect(p.leadershipConfirmed).toBe(true);
      const rounds = Math.ceil((performance.now() - startedMs) / TIMINGS.refreshMs) + 2;
      for (const peer of peers.values()) {
        expect(peer.calls.length).toBeLessThanOrEqual(rounds);
        expect(peer.calls.at(-1)).toMatchObject({
          leader_id: 1,
          partitions: [{ topic: 't', partition: 0, leader_epoch: 3 }],
        });
      }
    } finally {
      await close();
    }
  });

  it('stops when an in-sync replica stops answering: no ack past its last confirmation, then OUTCOME_UNKNOWN', async () => {
    const { rm, p, peers, fetchAll, close } = await setup();
    try {
      rm.enterFailSafe();
      await until('the first confirmations', () => p.leadershipConfirmed);
      peers.get(3)!.silent = true;
      const silentAtMs = performance.now();
      const { acked } = await produce(p, 3);
      await until('the confirmation to run out', () => !p.leadershipConfirmed);
      const expiredAfterMs = performance.now() - silentAtMs;
      // Its last confirmation was sent at most one refresh before it went silent.
      expect(expiredAfterMs).toBeGreaterThanOrEqual(TIMINGS.windowMs - TIMINGS.refreshMs - 5);
      expect(expiredAfterMs).toBeLessThan(TIMINGS.windowMs + SLACK_MS);
      // Both followers have everything now, but an unconfirmed leader acknowledges nothing.
      fetchAll(2, 3);
      expect(p.highWatermark).toBe(0);
      expect(await acked).toBe('OUTCOME_UNKNOWN');
      await until('the step-down', () => !p.isLeader, SLACK_MS);
      expect(await reasonOf(() => p.append(batch(1, 'late')))).toBe('LEADER_NOT_AVAILABLE');
    } finally {
      await close();
    }
  });

  it('stops at the next answer when a replica has seen a newer leader epoch (a controller elected elsewhere)', async () => {
    const { rm, p, peers, fetchAll, close } = await setup();
    try {
      rm.enterFailSafe();
      await until('the first confirmations', () => p.leadershipConfirmed);
      const { acked } = await produce(p, 3);
      // Broker 2 saw the DCS elect broker 3 at leader epoch 4; it no longer fetches from broker 1.
      peers.get(2)!.view = { role: 'follower', leader: 3, leaderEpoch: 4 };
      const refusedAtMs = performance.now();
      await until('the step-down', () => !p.isLeader, TIMINGS.refreshMs + SLACK_MS);
      expect(performance.now() - refusedAtMs).toBeLessThan(TIMINGS.refreshMs + SLACK_MS);
      fetchAll(2, 3);
      expect(await acked).toBe('OUTCOME_UNKNOWN');
    } finally {
      await close();
    }
  });

  it('stops when a replica outside the ISR has seen a newer epoch, though the ISR confirms', async () => {
    const { rm, p, peers, close } = await setup();
    try {
      await rm.applyTopic(topicRecord({ isr: [1, 2], partitionEpoch: 6 }));
      rm.enterFailSafe();
      await until('the first confirmations', () => p.leadershipConfirmed);
      peers.get(3)!.view = { role: 'leader', leader: 3, leaderEpoch: 4 }; // an unclean election elsewhere
      await until('the step-down', () => !p.isLeader, TIMINGS.refreshMs + SLACK_MS);
    } finally {
      await close();
    }
  });

  it('takes up no leadership while in fail-safe mode; once registered again, it leads under an earlier broker epoch of its own', async () => {
    const { rm, p, epochs, close } = await setup();
    try {
      rm.enterFailSafe();
      await until('the first confirmations', () => p.leadershipConfirmed);
      // A DCS reachable again before the registration: metadata naming this broker at a new epoch waits.
      await rm.applyTopic(topicRecord({ leaderEpoch: 4, partitionEpoch: 6 }));
      expect(p.isLeader).toBe(false);
      expect(p.state.leader).toBe(-1);
      // Registered again under broker epoch 8: the metadata still names epoch 7, which is this process's.
      epochs.current = 8;
      epochs.own.add(8);
      rm.leaveFailSafe();
      await rm.applyTopic(topicRecord({ leaderEpoch: 4, partitionEpoch: 6 }));
      expect(p.isLeader).toBe(true);
      expect(p.leaderEpoch).toBe(4);
      expect(p.leadershipConfirmed).toBe(true);
      // A leadership granted to another process of this broker (an epoch it never held) is not taken.
      await rm.applyTopic(topicRecord({ leaderEpoch: 5, leaderBrokerEpoch: 6, partitionEpoch: 7 }));
      expect(p.isLeader).toBe(false);
    } finally {
      await close();
    }
  });

  it('opens every gate when it leaves fail-safe mode, confirmed or not; the gauge says which mode it is in', async () => {
    const { rm, p, peers, fetchAll, close } = await setup();
    const metric = new BrokerMetrics(() => rm).registry.getSingleMetric('tributary_fail_safe')!;
    const gauge = async () => (await metric.get()).values[0]?.value;
    try {
      expect(await gauge()).toBe(0);
      peers.get(2)!.silent = true;
      peers.get(3)!.silent = true;
      rm.enterFailSafe();
      expect(await gauge()).toBe(1);
      const { lastOffset, acked } = await produce(p, 2).catch(() => ({
        lastOffset: -1,
        acked: Promise.resolve('refused'),
      }));
      expect(lastOffset).toBe(-1); // refused: not confirmed yet
      rm.leaveFailSafe();
      expect(await gauge()).toBe(0);
      expect(p.leadershipConfirmed).toBe(true);
      expect(await acked).toBe('refused');
      const next = await produce(p, 2);
      fetchAll(2, 3);
      expect(await next.acked).toBe('acknowledged');
      // And the first round's verdict, had it come, is void in the next episode.
      await new Promise((r) => setTimeout(r, TIMINGS.timeoutMs + 50));
      expect(p.isLeader).toBe(true);
    } finally {
      await close();
    }
  });
});

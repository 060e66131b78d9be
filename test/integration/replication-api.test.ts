/**
 * The broker-to-broker ReplicationService against a real broker, from the wire: every refusal has its
 * precise reason, divergence is detected from the leader-epoch history, and nothing bad reaches the log.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlterPartitionResponse__Output } from '../../proto/generated/tributary/v1/AlterPartitionResponse.js';
import type { ConfirmLeadershipResponse__Output } from '../../proto/generated/tributary/v1/ConfirmLeadershipResponse.js';
import type { ReplicaFetchResponse__Output } from '../../proto/generated/tributary/v1/ReplicaFetchResponse.js';
import { type BrokerProcess, removeDataDirs, startBroker } from '../helpers/broker-process.js';
import { call, type RawStubs, rawStubs, reasonOf } from '../helpers/grpc.js';

let broker: BrokerProcess;
let stubs: RawStubs;
let epoch: string;
let leaderEpoch: number;

/** This broker's epoch: the version of its registration in the local metadata store. */
function brokerEpoch(dataDir: string): string {
  const doc = JSON.parse(readFileSync(join(dataDir, 'metadata', 'metadata.json'), 'utf8')) as {
    entries: Record<string, { version: number }>;
  };
  return String(doc.entries['brokers/0']!.version);
}

beforeAll(async () => {
  broker = await startBroker();
  stubs = rawStubs(broker.address);
  await call(stubs.admin, 'CreateTopics', { topics: [{ name: 'rep', partitions: 1 }] });
  await call(stubs.client, 'Produce', {
    acks: 'ACKS_ALL',
    topics: [
      {
        topic: 'rep',
        partitions: [{ partition: 0, records: [{ value: Buffer.from('a') }, { value: Buffer.from('b') }] }],
      },
    ],
  });
  epoch = brokerEpoch(broker.dataDir);
  const md = await call<{ topics: Array<{ partitions: Array<{ leader_epoch: number }> }> }>(
    stubs.client,
    'Metadata',
    {
      topics: ['rep'],
    },
  );
  leaderEpoch = md.topics[0]!.partitions[0]!.leader_epoch;
});

afterAll(async () => {
  stubs?.close();
  await broker?.stop();
  removeDataDirs();
});

function fetchAs(over: Record<string, unknown> = {}, part: Record<string, unknown> = {}) {
  return call<ReplicaFetchResponse__Output>(stubs.replication, 'ReplicaFetch', {
    replica_id: 0,
    broker_epoch: epoch,
    max_wait_ms: 0,
    partitions: [
      {
        topic: 'rep',
        partition: 0,
        current_leader_epoch: leaderEpoch,
        fetch_offset: '0',
        last_fetched_epoch: -1,
        ...part,
      },
    ],
    ...over,
  });
}

describe('ReplicationService', () => {
  it('serves a replica fetch from the log end, with the high watermark', async () => {
    const r = (await fetchAs()).partitions[0]!;
    expect(r.error).toBeNull();
    expect(r.batches.length).toBeGreaterThan(0);
    expect([r.high_watermark, r.log_end_offset]).toEqual(['2', '2']);
  });

  it('refuses stale and future leader epochs, unknown partitions and non-replicas, per partition', async () => {
    const reason = async (over: Record<string, unknown>, part: Record<string, unknown>) =>
      (await fetchAs(over, part)).partitions[0]!.error?.reason;
    expect(await reason({}, { current_leader_epoch: leaderEpoch - 1 })).toBe('FENCED_LEADER_EPOCH');
    expect(await reason({}, { current_leader_epoch: leaderEpoch + 1 })).toBe('UNKNOWN_LEADER_EPOCH');
    expect(await reason({}, { partition: 7 })).toBe('UNKNOWN_PARTITION');
    expect(await reason({}, { topic: 'nope' })).toBe('UNKNOWN_TOPIC');
    expect(await reason({ replica_id: 5 }, {})).toBe('INELIGIBLE_REPLICA');
  });

  it('answers a diverging epoch when the follower’s history differs, instead of data', async () => {
    // A follower claiming an epoch newer than any the leader wrote, ending past the leader's log end.
    const ahead = (await fetchAs({}, { fetch_offset: '9', last_fetched_epoch: leaderEpoch + 3 }))
      .partitions[0]!;
    expect(ahead.diverging_epoch).toEqual({ epoch: leaderEpoch, end_offset: '2' });
    expect(ahead.batches.length).toBe(0);
    // An epoch older than the leader's history: it knows no such epoch.
    const older = (await fetchAs({}, { fetch_offset: '1', last_fetched_epoch: 0 })).partitions[0]!;
    if (leaderEpoch > 0) expect(older.diverging_epoch?.epoch).toBe(-1);
    // Offsets past the log end without an epoch are a divergence too.
    const past = (await fetchAs({}, { fetch_offset: '50' })).partitions[0]!;
    expect(past.diverging_epoch?.end_offset).toBe('2');
  });

  it('rejects a stale broker epoch and malformed requests as a whole', async () => {
    await expect(fetchAs({ broker_epoch: String(Number(epoch) + 1000) })).rejects.toSatisfy(
      (e: unknown) => reasonOf(e).reason === 'STALE_BROKER_EPOCH',
    );
    await expect(fetchAs({ partitions: [] })).rejects.toSatisfy(
      (e: unknown) => reasonOf(e).reason === 'INVALID_REQUEST',
    );
    // A fetch offset below the log start is that partition's error, not the request's.
    const below = (await fetchAs({}, { fetch_offset: '-5' })).partitions[0]!;
    expect(below.error?.reason).toBe('OFFSET_OUT_OF_RANGE');
    expect(below.log_start_offset).toBe('0');
  });

  it('AlterPartition checks epochs at the controller and changes nothing on refusal', async () => {
    const alter = (over: Record<string, unknown>) =>
      call<AlterPartitionResponse__Output>(stubs.replication, 'AlterPartition', {
        broker_id: 0,
        broker_epoch: epoch,
        topic: 'rep',
        partition: 0,
        leader_epoch: leaderEpoch,
        partition_epoch: 0,
        new_isr: [0],
        ...over,
      });
    expect((await alter({ leader_epoch: leaderEpoch - 1 })).error?.reason).toBe('FENCED_LEADER_EPOCH');
    expect((await alter({ broker_epoch: '1' })).error?.reason).toBe('STALE_BROKER_EPOCH');
    expect((await alter({ new_isr: [0, 9] })).error?.reason).toBe('INELIGIBLE_REPLICA');
    expect((await alter({ broker_id: 3 })).error?.reason).toBeDefined();
    const md = await call<{ topics: Array<{ partitions: Array<{ isr: number[]; leader_epoch: number }> }> }>(
      stubs.client,
      'Metadata',
      { topics: ['rep'] },
    );
    expect(md.topics[0]!.partitions[0]).toMatchObject({ isr: [0], leader_epoch: leaderEpoch });
  });

  it('ConfirmLeadership answers from this broker’s metadata, per partition (fail-safe mode)', async () => {
    const confirm = (leaderId: number, partitions: Array<Record<string, unknown>>) =>
      call<ConfirmLeadershipResponse__Output>(stubs.replication, 'ConfirmLeadership', {
        leader_id: leaderId,
        partitions,
      });
    // Broker 0 leads rep/0 itself: whoever asks, at its epoch or an older one, is fenced; a newer epoch
    // it has not seen yet. Unhosted partitions are named precisely.
    const res = await confirm(5, [
      { topic: 'rep', partition: 0, leader_epoch: leaderEpoch },
      { topic: 'rep', partition: 0, leader_epoch: leaderEpoch - 1 },
      { topic: 'rep', partition: 0, leader_epoch: leaderEpoch + 1 },
      { topic: 'rep', partition: 7, leader_epoch: 0 },
      { topic: 'nope', partition: 0, leader_epoch: 0 },
    ]);
    expect(res.broker_id).toBe(0);
    expect(res.partitions.map((p) => [p.topic, p.partition, p.error?.reason ?? null])).toEqual([
      ['rep', 0, 'FENCED_LEADER_EPOCH'],
      ['rep', 0, 'FENCED_LEADER_EPOCH'],
      ['rep', 0, 'UNKNOWN_LEADER_EPOCH'],
      ['rep', 7, 'UNKNOWN_PARTITION'],
      ['nope', 0, 'UNKNOWN_TOPIC'],
    ]);
    expect(res.partitions[0]).toMatchObject({ leader: 0, leader_epoch: leaderEpoch });
    await expect(confirm(5, [])).rejects.toSatisfy((e: unknown) => reasonOf(e).reason === 'INVALID_REQUEST');
  });

  it('refuses a min.insync.replicas above the replication factor', async () => {
    const created = await call<{ topics: Array<{ error: { reason: string } | null }> }>(
      stubs.admin,
      'CreateTopics',
      {
        topics: [{ name: 'rep-min', partitions: 1, configs: [{ name: 'min.insync.replicas', value: '2' }] }],
      },
    );
    expect(created.topics[0]!.error?.reason).toBe('INVALID_CONFIG');
  });
});

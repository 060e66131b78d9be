/**
 * Consumer lag as the brokers compute it (docs/operations.md, "Metrics"): the coordinator of a group
 * reports, for each partition the group committed, the committed offset and the lag (the partition's high
 * watermark minus the committed offset). Every group has one coordinator, so each (group, topic,
 * partition) series comes from exactly one broker of the cluster, and the series are bounded by
 * MAX_LAG_SERIES per broker.
 *
 * The high watermark comes from the local replica when this broker leads the partition, else from the
 * partition's leader by ListOffsets: those answers are cached and refreshed in the background at most
 * every END_OFFSETS_REFRESH_MS when the metrics are read, so a scrape never waits on another broker. A
 * partition whose end is not known yet (first scrape, leader unreachable) reports its committed offset and
 * no lag.
 */
import { Metadata } from '@grpc/grpc-js';
import type { ClientServiceClient } from '../../proto/generated/tributary/v1/ClientService.js';
import type { ListOffsetsResponse__Output } from '../../proto/generated/tributary/v1/ListOffsetsResponse.js';
import type { TopicRegistry } from '../metadata/topic-registry.js';
import type { ReplicaManager } from '../replication/replica-manager.js';

/** Series of the lag gauges one broker exports at most (groups x partitions it coordinates). */
export const MAX_LAG_SERIES = 10_000;
export const END_OFFSETS_REFRESH_MS = 10_000;
const LIST_OFFSETS_TIMEOUT_MS = 5_000;

export interface GroupLagRow {
  group: string;
  topic: string;
  partition: number;
  committed: number;
  /** Undefined while the partition's end is not known. */
  lag: number | undefined;
}

export interface GroupLagDeps {
  committedOffsets: (
    max: number,
  ) => Array<{ group: string; topic: string; partition: number; offset: number }>;
  replicas: () => ReplicaManager | undefined;
  topics: TopicRegistry;
  clientOf: (brokerId: number) => ClientServiceClient | undefined;
  nodeId: number;
}

export class GroupLag {
  /** "topic\0partition" -> high watermark, as the leader last answered. */
  private remoteEnds = new Map<string, number>();
  private refreshedAtMs = 0;
  private refreshing = false;

  constructor(private readonly deps: GroupLagDeps) {}

  /** The rows to export now; starts a background refresh of remote ends when they are stale. */
  read(nowMs = Date.now()): GroupLagRow[] {
    const commits = this.deps.committedOffsets(MAX_LAG_SERIES);
    const remote = new Map<number, Map<string, Set<number>>>();
    const rows = commits.map((c) => {
      const local = this.deps.replicas()?.find(c.topic, c.partition);
      let end: number | undefined;
      if (local?.isLeader === true) end = local.highWatermark;
      else {
        end = this.remoteEnds.get(`${c.topic}\u0000${c.partition}`);
        const leader = this.deps.topics.get(c.topic)?.partitions[c.partition]?.leader ?? -1;
        if (leader >= 0 && leader !== this.deps.nodeId) {
          const byTopic = remote.get(leader) ?? new Map<string, Set<number>>();
          byTopic.set(c.topic, (byTopic.get(c.topic) ?? new Set()).add(c.partition));
          remote.set(leader, byTopic);
        }
      }
      return {
        group: c.group,
        topic: c.topic,
        partition: c.partition,
        committed: c.offset,
        lag: end === undefined ? undefined : Math.max(0, end - c.offset),
      };
    });
    if (remote.size > 0 && !this.refreshing && nowMs - this.refreshedAtMs >= END_OFFSETS_REFRESH_MS) {
      this.refreshing = true;
      this.refreshedAtMs = nowMs;
      void this.refresh(remote).finally(() => {
        this.refreshing = false;
      });
    }
    return rows;
  }

  /** Asks each leader for the ends of its partitions (one ListOffsets per leader); failures keep old values. */
  private async refresh(byLeader: Map<number, Map<string, Set<number>>>): Promise<void> {
    const ends = new Map<string, number>();
    await Promise.all(
      [...byLeader].map(async ([leader, byTopic]) => {
        const client = this.deps.clientOf(leader);
        if (client === undefined) return;
        const request = {
          topics: [...byTopic].map(([topic, partitions]) => ({
            topic,
            partitions: [...partitions].map((partition) => ({
              partition,
              spec: 'OFFSET_SPEC_LATEST' as const,
            })),
          })),
        };
        const response = await new Promise<ListOffsetsResponse__Output | undefined>((resolve) => {
          client.ListOffsets(
            request,
            new Metadata(),
            { deadline: Date.now() + LIST_OFFSETS_TIMEOUT_MS },
            (err, res) => resolve(err ? undefined : res),
          );
        });
        for (const t of response?.topics ?? []) {
          for (const p of t.partitions) {
            if (p.error == null && Number(p.offset) >= 0)
              ends.set(`${t.topic}\u0000${p.partition}`, Number(p.offset));
          }
        }
      }),
    );
    const next = new Map(this.remoteEnds);
    for (const [key, end] of ends) next.set(key, end);
    // Forget partitions nobody asked about this time, so the cache stays as bounded as the series.
    const asked = new Set<string>();
    for (const byTopic of byLeader.values()) {
      for (const [topic, partitions] of byTopic) for (const p of partitions) asked.add(`${topic}\u0000${p}`);
    }
    for (const key of next.keys()) if (!asked.has(key)) next.delete(key);
    this.remoteEnds = next;
  }
}

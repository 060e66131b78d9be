import { TributaryError } from '../proto/errors.js';
import type { BrokerConfig } from './config.js';
import { logConfigFor } from './metadata/topic-config.js';
import { type TopicRecord, unknownTopic } from './metadata/topic-registry.js';
import { Partition } from './partition.js';
import type { LogManager } from './storage/log-manager.js';

/**
 * The partitions this broker hosts, keyed by topic. It turns topic metadata into open logs (creating the
 * missing ones), and answers "which partition is this request for" with the precise error when there is
 * none.
 */
export class ReplicaManager {
  private readonly partitions = new Map<string, Partition[]>();

  constructor(
    private readonly logs: LogManager,
    private readonly broker: BrokerConfig,
  ) {}

  /** Opens or creates the logs of every partition of `topic` assigned to this broker. */
  async host(topic: TopicRecord): Promise<void> {
    const config = logConfigFor(topic.configs, this.broker);
    const hosted = this.partitions.get(topic.name) ?? [];
    for (let p = hosted.length; p < topic.partitions.length; p++) {
      const assignment = topic.partitions[p]!;
      if (!assignment.replicas.includes(this.broker.nodeId)) continue;
      const log = this.logs.get(topic.name, p) ?? (await this.logs.create(topic.name, p, config));
      hosted[p] = new Partition(topic.name, p, log, assignment.leaderEpoch);
    }
    this.partitions.set(topic.name, hosted);
  }

  updateConfig(topic: TopicRecord): void {
    this.logs.updateTopicConfig(topic.name, logConfigFor(topic.configs, this.broker));
  }

  async drop(topic: string): Promise<void> {
    this.partitions.delete(topic);
    await this.logs.deleteTopic(topic);
  }

  partition(topic: string, index: number): Partition {
    const hosted = this.partitions.get(topic);
    if (hosted === undefined) throw unknownTopic(topic);
    const p = hosted[index];
    if (!Number.isInteger(index) || p === undefined) {
      throw new TributaryError(
        'UNKNOWN_PARTITION',
        `partition ${index} does not exist in topic ${JSON.stringify(topic)} (it has ${hosted.length})`,
      );
    }
    return p;
  }

  /** Like partition(), but undefined rather than an error. */
  find(topic: string, index: number): Partition | undefined {
    return this.partitions.get(topic)?.[index];
  }

  all(): Partition[] {
    return [...this.partitions.values()].flat();
  }
}

import type { BrokerInfo } from '../../proto/generated/tributary/v1/BrokerInfo.js';
import type { MetadataRequest__Output } from '../../proto/generated/tributary/v1/MetadataRequest.js';
import type { MetadataResponse } from '../../proto/generated/tributary/v1/MetadataResponse.js';
import type { TopicMetadata } from '../../proto/generated/tributary/v1/TopicMetadata.js';
import { unknownTopic } from '../metadata/topic-registry.js';
import type { ApiContext } from './context.js';
import { toWireError } from './errors.js';

/** Every live broker as clients reach it (this one first known from its own registration). */
export function liveBrokerInfos(ctx: ApiContext): BrokerInfo[] {
  const live = ctx.cluster.liveBrokers();
  const infos: BrokerInfo[] = live.map((b) => ({ id: b.id, host: b.host, port: b.port, rack: b.rack }));
  if (!live.some((b) => b.id === ctx.config.nodeId)) {
    infos.push({
      id: ctx.config.nodeId,
      host: ctx.config.advertisedHost,
      port: ctx.boundPort(),
      rack: ctx.config.rack,
    });
  }
  return infos.sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
}

/** Metadata: the brokers and, for each requested topic (or all), its partitions and leaders. */
export async function metadata(ctx: ApiContext, request: MetadataRequest__Output): Promise<MetadataResponse> {
  const names = request.topics.length > 0 ? request.topics : ctx.topics.list().map((t) => t.name);
  const topics: TopicMetadata[] = names.map((name) => {
    const topic = ctx.topics.get(name);
    if (topic === undefined) return { name, error: toWireError(unknownTopic(name)), partitions: [] };
    return {
      name,
      topic_id: topic.id,
      partitions: topic.partitions.map((a, i) => ({
        partition: i,
        leader: a.leader,
        leader_epoch: a.leaderEpoch,
        replicas: a.replicas,
        isr: a.isr,
      })),
    };
  });
  return {
    cluster_id: ctx.clusterId,
    controller_id: ctx.cluster.controllerId(),
    brokers: liveBrokerInfos(ctx),
    topics,
  };
}

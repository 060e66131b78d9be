import type { BrokerInfo } from '../../proto/generated/tributary/v1/BrokerInfo.js';
import type { MetadataRequest__Output } from '../../proto/generated/tributary/v1/MetadataRequest.js';
import type { MetadataResponse } from '../../proto/generated/tributary/v1/MetadataResponse.js';
import type { TopicMetadata } from '../../proto/generated/tributary/v1/TopicMetadata.js';
import { unknownTopic } from '../metadata/topic-registry.js';
import type { ApiContext } from './context.js';
import { toWireError } from './errors.js';

export function brokerInfo(ctx: ApiContext): BrokerInfo {
  return {
    id: ctx.config.nodeId,
    host: ctx.config.advertisedHost,
    port: ctx.boundPort(),
    rack: ctx.config.rack,
  };
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
  return { cluster_id: ctx.clusterId, controller_id: ctx.config.nodeId, brokers: [brokerInfo(ctx)], topics };
}

import { TributaryError } from '../../proto/errors.js';
import { unknownTopic } from '../metadata/topic-registry.js';
import type { Partition } from '../replication/partition.js';
import type { ApiContext } from './context.js';

/** The metadata of `topic`/`index`; UNKNOWN_TOPIC or UNKNOWN_PARTITION when there is no such thing. */
export function existingPartition(ctx: Pick<ApiContext, 'topics'>, topic: string, index: number) {
  const record = ctx.topics.get(topic);
  if (record === undefined) throw unknownTopic(topic);
  const assignment = record.partitions[index];
  if (!Number.isInteger(index) || assignment === undefined) {
    throw new TributaryError(
      'UNKNOWN_PARTITION',
      `partition ${index} does not exist in topic ${JSON.stringify(topic)} (it has ${record.partitions.length})`,
    );
  }
  return assignment;
}

/**
 * The partition a client request is for, if this broker leads it. Otherwise the precise, retriable
 * answer the client needs to re-route: NOT_LEADER (another broker leads it) or LEADER_NOT_AVAILABLE (no
 * broker does right now); and UNKNOWN_TOPIC / UNKNOWN_PARTITION when the metadata has no such thing.
 */
export function leaderPartition(
  ctx: Pick<ApiContext, 'topics' | 'replicas' | 'config'>,
  topic: string,
  index: number,
): Partition {
  const assignment = existingPartition(ctx, topic, index);
  const p = ctx.replicas.find(topic, index);
  if (p?.isLeader) return p;
  if (assignment.leader < 0 || assignment.leader === ctx.config.nodeId) {
    throw new TributaryError(
      'LEADER_NOT_AVAILABLE',
      `${topic}/${index} has no leader right now; retry shortly`,
    );
  }
  throw new TributaryError(
    'NOT_LEADER',
    `broker ${ctx.config.nodeId} does not lead ${topic}/${index}; broker ${assignment.leader} does`,
  );
}

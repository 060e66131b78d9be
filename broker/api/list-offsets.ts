import { TributaryError } from '../../proto/errors.js';
import type { ListOffsetsPartitionResponse } from '../../proto/generated/tributary/v1/ListOffsetsPartitionResponse.js';
import type { ListOffsetsRequest__Output } from '../../proto/generated/tributary/v1/ListOffsetsRequest.js';
import type { ListOffsetsResponse } from '../../proto/generated/tributary/v1/ListOffsetsResponse.js';
import type { ApiContext } from './context.js';
import { parseTimestamp, requirePartitions, toWireError } from './errors.js';
import { leaderPartition } from './leader.js';

/** ListOffsets: earliest, latest (the high watermark), or the first offset at or after a timestamp. */
export async function listOffsets(
  ctx: ApiContext,
  request: ListOffsetsRequest__Output,
): Promise<ListOffsetsResponse> {
  requirePartitions(request.topics, 'list offsets request');
  const topics = [];
  for (const t of request.topics) {
    const partitions: ListOffsetsPartitionResponse[] = [];
    for (const p of t.partitions) {
      try {
        const partition = leaderPartition(ctx, t.topic, p.partition);
        switch (p.spec) {
          case 'OFFSET_SPEC_EARLIEST':
            partitions.push({
              partition: p.partition,
              offset: String(partition.logStartOffset),
              timestamp_ms: '-1',
            });
            break;
          case 'OFFSET_SPEC_LATEST':
            partitions.push({
              partition: p.partition,
              offset: String(partition.highWatermark),
              timestamp_ms: '-1',
            });
            break;
          case 'OFFSET_SPEC_TIMESTAMP': {
            const ts = parseTimestamp(p.timestamp_ms, 'timestamp_ms');
            if (ts < 0) throw new TributaryError('INVALID_TIMESTAMP', `timestamp_ms ${ts} is negative`);
            const found = await partition.log.offsetForTimestamp(ts);
            partitions.push(
              found === null || found.offset >= partition.highWatermark
                ? { partition: p.partition, offset: '-1', timestamp_ms: '-1' }
                : {
                    partition: p.partition,
                    offset: String(found.offset),
                    timestamp_ms: String(found.timestamp),
                  },
            );
            break;
          }
          default:
            throw new TributaryError('INVALID_REQUEST', 'spec must be EARLIEST, LATEST or TIMESTAMP');
        }
      } catch (err) {
        partitions.push({
          partition: p.partition,
          error: toWireError(err),
          offset: '-1',
          timestamp_ms: '-1',
        });
      }
    }
    topics.push({ topic: t.topic, partitions });
  }
  return { topics };
}

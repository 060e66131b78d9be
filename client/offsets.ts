/** ListOffsets over the ClientService: earliest, latest (the high watermark) or first offset at a time. */
import type { ListOffsetsResponse__Output } from '../proto/generated/tributary/v1/ListOffsetsResponse.js';
import type { OffsetSpec as WireOffsetSpec } from '../proto/generated/tributary/v1/OffsetSpec.js';
import type { Connection } from './connection.js';
import { fromWireError, type TributaryClientError } from './errors.js';

export type OffsetSpec = 'earliest' | 'latest' | { timestamp: number };

export interface PartitionOffset {
  partition: number;
  /** The offset; -1 when a timestamp lookup finds no record at or after the timestamp. */
  offset: number;
  /** The found record's timestamp for timestamp lookups, -1 otherwise. */
  timestampMs: number;
  error: TributaryClientError | null;
}

function wireSpec(spec: OffsetSpec): { spec: WireOffsetSpec; timestamp_ms: string } {
  if (spec === 'earliest') return { spec: 'OFFSET_SPEC_EARLIEST', timestamp_ms: '0' };
  if (spec === 'latest') return { spec: 'OFFSET_SPEC_LATEST', timestamp_ms: '0' };
  if (!Number.isSafeInteger(spec.timestamp) || spec.timestamp < 0) {
    throw new RangeError(`timestamp must be a non-negative integer of ms, got ${spec.timestamp}`);
  }
  return { spec: 'OFFSET_SPEC_TIMESTAMP', timestamp_ms: String(spec.timestamp) };
}

/** One ListOffsets call for several partitions of a topic, all with the same spec; per-partition errors. */
export async function listPartitionOffsets(
  connection: Connection,
  topic: string,
  partitions: number[],
  spec: OffsetSpec,
): Promise<PartitionOffset[]> {
  const { spec: wire, timestamp_ms } = wireSpec(spec);
  const response = await connection.unary<ListOffsetsResponse__Output>((md, opts, cb) =>
    connection.client.ListOffsets(
      {
        topics: [
          { topic, partitions: partitions.map((partition) => ({ partition, spec: wire, timestamp_ms })) },
        ],
      },
      md,
      opts,
      cb,
    ),
  );
  const out: PartitionOffset[] = [];
  for (const t of response.topics) {
    if (t.topic !== topic) continue;
    for (const p of t.partitions) {
      out.push({
        partition: p.partition,
        offset: Number(p.offset),
        timestampMs: Number(p.timestamp_ms),
        error: fromWireError(p.error),
      });
    }
  }
  return out.sort((a, b) => a.partition - b.partition);
}

/** The offset of one partition; throws the partition's error. */
export async function partitionOffset(
  connection: Connection,
  topic: string,
  partition: number,
  spec: OffsetSpec,
): Promise<PartitionOffset> {
  const [result] = await listPartitionOffsets(connection, topic, [partition], spec);
  if (result === undefined) {
    throw fromWireError({
      code: 5,
      reason: 'UNKNOWN_PARTITION',
      message: `no offsets returned for ${topic}[${partition}]`,
      retriable: false,
    })!;
  }
  if (result.error !== null) throw result.error;
  return result;
}

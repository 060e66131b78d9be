/**
 * The records of the offsets topic (`__consumer_offsets`), as the group coordinator writes and reads them.
 *
 * Key `{g, t, p}`: a committed offset, value `{o, m, ts}`. Key `{g, e: 1}`: the group's epoch ceiling,
 * value `{e, m}`: no epoch above `e` has been handed out (epochs are reserved in blocks, so a heartbeat
 * rarely waits for a write), and `m` says whether the group had members (its next coordinator then gives
 * them a recovery window; see ConsumerGroup). A null value deletes either.
 */

interface OffsetKey {
  g: string;
  t: string;
  p: number;
}

/** A group's persisted epoch record. */
export interface EpochRecord {
  ceiling: number;
  hadMembers: boolean;
}

export interface OffsetsTopicRecord {
  key: string;
  value: string | null;
}

/** What one record of the offsets topic says; a null value is a deletion. */
export type DecodedOffsetsRecord =
  | { kind: 'epoch'; group: string; epoch: EpochRecord | null }
  | {
      kind: 'offset';
      group: string;
      topic: string;
      partition: number;
      value: { offset: number; metadata: string; commitTimestampMs: number } | null;
    };

/** Bytes a record is counted for beyond its key and value, when records are cut into batches. */
const RECORD_OVERHEAD_BYTES = 32;

export function offsetKeyOf(group: string, topic: string, partition: number): string {
  return JSON.stringify({ g: group, t: topic, p: partition } satisfies OffsetKey);
}

export function offsetValueOf(offset: number, metadata: string, commitTimestampMs: number): string {
  return JSON.stringify({ o: offset, m: metadata, ts: commitTimestampMs });
}

export function epochKeyOf(group: string): string {
  return JSON.stringify({ g: group, e: 1 });
}

export function epochValueOf(record: EpochRecord): string {
  return JSON.stringify({ e: record.ceiling, m: record.hadMembers ? 1 : 0 });
}

/**
 * Reads one record. Throws on a record that is not one of ours (the caller skips it); an epoch record
 * whose epoch is not an integer is ignored (undefined).
 */
export function decodeOffsetsRecord(key: Buffer, value: Buffer | null): DecodedOffsetsRecord | undefined {
  const raw = JSON.parse(key.toString('utf8')) as OffsetKey & { e?: number };
  if (raw.e === 1 && typeof raw.g === 'string') {
    const ev = value === null ? null : (JSON.parse(value.toString('utf8')) as { e: number; m?: number });
    if (ev === null) return { kind: 'epoch', group: raw.g, epoch: null };
    if (!Number.isSafeInteger(ev.e)) return undefined;
    return { kind: 'epoch', group: raw.g, epoch: { ceiling: ev.e, hadMembers: ev.m === 1 } };
  }
  const v =
    value === null ? null : (JSON.parse(value.toString('utf8')) as { o: number; m: string; ts: number });
  if (typeof raw.g !== 'string' || typeof raw.t !== 'string' || typeof raw.p !== 'number') {
    throw new Error('bad key');
  }
  if (v !== null && !Number.isSafeInteger(v.o)) throw new Error('bad value');
  return {
    kind: 'offset',
    group: raw.g,
    topic: raw.t,
    partition: raw.p,
    value: v === null ? null : { offset: v.o, metadata: v.m, commitTimestampMs: v.ts },
  };
}

/** Cuts records into batches of at most `batchBytesMax` (a record larger than that goes alone). */
export function chunkRecords(records: OffsetsTopicRecord[], batchBytesMax: number): OffsetsTopicRecord[][] {
  const chunks: OffsetsTopicRecord[][] = [[]];
  let chunkBytes = 0;
  for (const r of records) {
    const size =
      Buffer.byteLength(r.key) + (r.value === null ? 0 : Buffer.byteLength(r.value)) + RECORD_OVERHEAD_BYTES;
    if (chunks.at(-1)!.length > 0 && chunkBytes + size > batchBytesMax) {
      chunks.push([]);
      chunkBytes = 0;
    }
    chunks.at(-1)!.push(r);
    chunkBytes += size;
  }
  return chunks;
}

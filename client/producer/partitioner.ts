/**
 * Kafka's default partitioner for keyed records: `toPositive(murmur2(key)) % numPartitions`, murmur2 with
 * seed 0x9747b28c over the key bytes, exactly as `org.apache.kafka.common.utils.Utils.murmur2`, so a key
 * lands on the same partition as with the Java client. Records without a key go round robin per topic.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** Kafka's murmur2: a signed 32-bit hash of the bytes. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k =
      (data[i4]! & 0xff) |
      ((data[i4 + 1]! & 0xff) << 8) |
      ((data[i4 + 2]! & 0xff) << 16) |
      (data[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const tail = length & ~3;
  const remaining = length % 4;
  if (remaining === 3) h ^= (data[tail + 2]! & 0xff) << 16;
  if (remaining >= 2) h ^= (data[tail + 1]! & 0xff) << 8;
  if (remaining >= 1) {
    h ^= data[tail]! & 0xff;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's `Utils.toPositive`: clears the sign bit (not Math.abs, which overflows on MIN_VALUE). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new RangeError(`numPartitions must be a positive integer, got ${numPartitions}`);
  }
  return toPositive(murmur2(key)) % numPartitions;
}

export interface Partitioner {
  /** The partition for a record; `key` is null for unkeyed records. */
  partition(topic: string, key: Uint8Array | null, numPartitions: number): number;
}

/** murmur2 for keyed records, round robin (per topic) for unkeyed ones. */
export class DefaultPartitioner implements Partitioner {
  private readonly counters = new Map<string, number>();

  partition(topic: string, key: Uint8Array | null, numPartitions: number): number {
    if (key !== null) return partitionForKey(key, numPartitions);
    const next = this.counters.get(topic) ?? Math.floor(Math.random() * 0x7fffffff);
    this.counters.set(topic, (next + 1) & 0x7fffffff);
    return next % numPartitions;
  }
}

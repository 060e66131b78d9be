/**
 * Where a partition starts reading: ListOffsets at the partition's leader for 'earliest', 'latest' and a
 * time (a time with no record at or after it means the end), or an explicit offset. The group's
 * committed offset ('committed') is the consumer's business (offset-committer.ts); it falls back here.
 *
 * Retriable failures (a topic just created whose leader is not serving yet, a leader that moved) refresh
 * metadata and retry a few times, about 2 s in all.
 */
import { sleep } from '../../kit/index.js';
import type { Cluster } from '../cluster.js';
import { fromServiceError, reasonOf, TributaryClientError } from '../errors.js';
import { partitionOffset } from '../offsets.js';
import type { StartFrom } from './types.js';

/** Retries of a start-offset lookup after a retriable failure (about 2 s in all). */
const OFFSET_RETRIES = 6;
/** The n-th retry waits n times this long. */
const OFFSET_RETRY_STEP_MS = 100;

export class StartOffsets {
  /** `stopped()`: the owner closed, so a retry would be wasted. */
  constructor(
    private readonly cluster: Cluster,
    private readonly stopped: () => boolean = () => false,
  ) {}

  /** The start offset for every `from` but 'committed'. */
  async resolve(topic: string, partition: number, from: Exclude<StartFrom, 'committed'>): Promise<number> {
    if (from === 'earliest' || from === 'latest') return this.offset(topic, partition, from);
    if ('offset' in from) {
      if (!Number.isSafeInteger(from.offset) || from.offset < 0) {
        throw new TributaryClientError('OFFSET_OUT_OF_RANGE', `invalid start offset ${from.offset}`);
      }
      return from.offset;
    }
    const { connection } = await this.cluster.leaderFor(topic, partition);
    const found = await partitionOffset(connection, topic, partition, { timestamp: from.timestamp });
    return found.offset >= 0 ? found.offset : this.offset(topic, partition, 'latest');
  }

  /** The earliest or latest offset, from the partition's leader. */
  async offset(topic: string, partition: number, spec: 'earliest' | 'latest'): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      try {
        const { connection } = await this.cluster.leaderFor(topic, partition);
        return (await partitionOffset(connection, topic, partition, spec)).offset;
      } catch (err) {
        const error = err instanceof TributaryClientError ? err : fromServiceError(err);
        this.cluster.invalidateFor(reasonOf(error), topic, undefined);
        if (!error.retriable || attempt >= OFFSET_RETRIES || this.stopped()) throw error;
        await sleep(OFFSET_RETRY_STEP_MS * (attempt + 1));
      }
    }
  }
}

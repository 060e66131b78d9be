/**
 * The consumer's prefetch buffer: records received from the partition streams and not yet handed to the
 * application, bounded by bytes.
 *
 * Records arrive in chunks, one per Subscribe message, each carrying the size of the batch bytes it was
 * decoded from. A chunk's bytes count until its last record is taken. The owner checks `full` after every
 * `push` and stops reading the streams while it holds (so the buffer exceeds `maxBytes` by at most the
 * chunk that filled it), and resumes them once `take` brings it back under the bound.
 *
 * Delivery is round-robin by chunk across partitions: a chunk is drained before the next partition's
 * turn, which keeps a partition's records together without letting one busy partition starve the others.
 * Order within a partition is arrival order, which the owner guarantees is offset order.
 */

export interface BufferedChunk<R> {
  readonly key: string;
  readonly records: R[];
  /** Index of the next record to take. */
  next: number;
  readonly bytes: number;
}

export class PrefetchBuffer<R> {
  private readonly queues = new Map<string, BufferedChunk<R>[]>();
  /** Partitions with chunks, in delivery order; the head is the one being drained. */
  private readonly ready: string[] = [];
  private bufferedBytes = 0;
  private bufferedRecords = 0;
  private waiters: Array<() => void> = [];

  constructor(readonly maxBytes: number) {
    if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
      throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`);
    }
  }

  /** Bytes of chunks not fully taken. */
  get bytes(): number {
    return this.bufferedBytes;
  }

  /** Records not yet taken. */
  get size(): number {
    return this.bufferedRecords;
  }

  /** True when the owner should stop reading the streams. */
  get full(): boolean {
    return this.bufferedBytes >= this.maxBytes;
  }

  /** Whether records of `key` wait to be taken. */
  has(key: string): boolean {
    return (this.queues.get(key)?.length ?? 0) > 0;
  }

  /** Bytes buffered for one partition. */
  bytesOf(key: string): number {
    let total = 0;
    for (const chunk of this.queues.get(key) ?? []) total += chunk.bytes;
    return total;
  }

  /** Appends a chunk for `key`; an empty chunk is ignored (its bytes were never held). */
  push(key: string, records: R[], bytes: number): void {
    if (records.length === 0) return;
    if (!(bytes >= 0)) throw new RangeError(`chunk bytes must be >= 0, got ${bytes}`);
    let queue = this.queues.get(key);
    if (queue === undefined) {
      queue = [];
      this.queues.set(key, queue);
    }
    if (queue.length === 0) this.ready.push(key);
    queue.push({ key, records, next: 0, bytes });
    this.bufferedBytes += bytes;
    this.bufferedRecords += records.length;
    this.wake();
  }

  /** The next record, or undefined when the buffer is empty. */
  take(): { key: string; record: R } | undefined {
    const chunk = this.head();
    if (chunk === undefined) return undefined;
    const record = chunk.records[chunk.next]!;
    chunk.next += 1;
    this.bufferedRecords -= 1;
    if (chunk.next === chunk.records.length) this.finish(chunk);
    return { key: chunk.key, record };
  }

  /** The rest of the head chunk: records of one partition, in order. */
  takeChunk(): { key: string; records: R[] } | undefined {
    const chunk = this.head();
    if (chunk === undefined) return undefined;
    const records = chunk.next === 0 ? chunk.records : chunk.records.slice(chunk.next);
    this.bufferedRecords -= records.length;
    chunk.next = chunk.records.length;
    this.finish(chunk);
    return { key: chunk.key, records };
  }

  /** Drops everything buffered for `key` (seek, pause, unassign); returns the records dropped. */
  drop(key: string): number {
    const queue = this.queues.get(key);
    if (queue === undefined) return 0;
    let dropped = 0;
    for (const chunk of queue) {
      dropped += chunk.records.length - chunk.next;
      this.bufferedBytes -= chunk.bytes;
    }
    this.bufferedRecords -= dropped;
    this.queues.delete(key);
    const at = this.ready.indexOf(key);
    if (at >= 0) this.ready.splice(at, 1);
    return dropped;
  }

  /** Resolves on the next push or `wake()`, or when `signal` aborts. */
  wait(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Wakes every waiter (new data, an error, a stop). */
  wake(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  private head(): BufferedChunk<R> | undefined {
    const key = this.ready[0];
    if (key === undefined) return undefined;
    return this.queues.get(key)![0];
  }

  /** Releases a fully taken chunk and gives the next partition its turn. */
  private finish(chunk: BufferedChunk<R>): void {
    const queue = this.queues.get(chunk.key)!;
    queue.shift();
    this.bufferedBytes -= chunk.bytes;
    this.ready.shift();
    if (queue.length > 0) this.ready.push(chunk.key);
    else this.queues.delete(chunk.key);
  }
}

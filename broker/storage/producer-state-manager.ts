import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../kit/atomic-file.js';
import { PRODUCER_ID_OFFSET, readBatchHeader } from '../../proto/codec/index.js';
import { TributaryError } from '../../proto/errors.js';
import type { FileHandleCache } from './file-handle-cache.js';
import type { LogSegments } from './log-segments.js';
import {
  lastSequence,
  type ProducerBatchMetadata,
  type ProducerEntry,
  ProducerStateTable,
} from './producer-state.js';

/** `producer-state-checkpoint`: the producer state as of an offset, so start needs to scan only after it. */
export const PRODUCER_STATE_FILE = 'producer-state-checkpoint';

/** A batch of an idempotent producer, applied to the producer state once its write completed. */
export interface ProducerWrite {
  producerId: number;
  epoch: number;
  batch: ProducerBatchMetadata;
}

/** The sequence range an accepted batch of an idempotent producer will get. */
export interface PlannedSequence {
  producerId: number;
  epoch: number;
  firstSeq: number;
  lastSeq: number;
}

/** What the original write of a duplicate answered: its offsets, and whether it is still queued. */
export interface DuplicateBatch {
  batch: ProducerBatchMetadata;
  /** Settles once the original write is done; undefined when it already is. */
  written: Promise<unknown> | undefined;
}

/**
 * The whole idempotence decision of one partition, as Kafka's ProducerStateManager: the state of
 * written batches (`table`), the batches queued but not yet written, the check of a request against
 * both, and the state's checkpoint file.
 *
 * Checkpoint format (`producer-state-checkpoint`, JSON): `{version: 0, offset, producers: [[id, entry]]}`,
 * the state as of `offset`. At open the checkpoint is used if it is not past the log end, then the
 * batches from its offset on are applied; a missing or unreadable one means scanning the whole log.
 */
export class ProducerStateManager {
  /** Batches of idempotent producers queued but not yet written, with the promise of their write. */
  private readonly queued = new Map<number, ProducerEntry & { done: Array<Promise<unknown>> }>();

  private constructor(
    private readonly dir: string,
    /** Idempotent producers' state as of the log end (written batches only). */
    readonly table: ProducerStateTable,
  ) {}

  /** Producer state at open: the checkpoint if it is not past the log end, then the batches after it. */
  static async load(
    dir: string,
    segments: LogSegments,
    files: FileHandleCache,
  ): Promise<ProducerStateManager> {
    const table = new ProducerStateTable();
    const end = segments.active.nextOffset;
    let from = segments.logStartOffset;
    try {
      const saved = JSON.parse(await readFile(join(dir, PRODUCER_STATE_FILE), 'utf8')) as {
        version: number;
        offset: number;
        producers: Array<[number, ProducerEntry]>;
      };
      if (
        saved.version === 0 &&
        Number.isSafeInteger(saved.offset) &&
        saved.offset <= end &&
        Array.isArray(saved.producers)
      ) {
        table.load(saved.producers);
        from = saved.offset;
      }
    } catch {
      // Missing or unreadable: scan the whole log.
    }
    await scanProducers(segments, files, table, from);
    return new ProducerStateManager(dir, table);
  }

  /**
   * Checks the batches of idempotent producers against the producer state and the queued batches; every
   * check passes before anything changes. A request whose single batch repeats a remembered one yields
   * that batch (answered with the original offsets) and nothing is to be written.
   */
  plan(
    buf: Buffer,
    validated: ReadonlyArray<{ position: number }>,
  ): { planned: Array<PlannedSequence | undefined>; duplicate?: DuplicateBatch } {
    const planned: Array<PlannedSequence | undefined> = [];
    // Earlier batches of this request count as queued for the later ones.
    const local = new Map<number, ProducerEntry>();
    for (const v of validated) {
      if (!hasProducerId(buf, v.position)) {
        planned.push(undefined);
        continue;
      }
      const h = readBatchHeader(buf, v.position);
      const check = this.table.check(h, this.pendingOf(h.producerId, local.get(h.producerId)));
      if (check.kind === 'duplicate') {
        if (validated.length !== 1) {
          throw new TributaryError(
            'INVALID_REQUEST',
            `producer ${h.producerId} resent sequence ${h.baseSequence} together with other batches; a retried batch is sent alone`,
          );
        }
        return { planned, duplicate: this.duplicateOf(h.producerId, check.batch) };
      }
      if (check.kind === 'none') {
        planned.push(undefined);
        continue;
      }
      planned.push({
        producerId: h.producerId,
        epoch: h.producerEpoch,
        firstSeq: check.firstSeq,
        lastSeq: check.lastSeq,
      });
      let entry = local.get(h.producerId);
      if (entry === undefined || h.producerEpoch > entry.epoch) {
        entry = { epoch: h.producerEpoch, batches: [], lastTimestampMs: 0 };
        local.set(h.producerId, entry);
      }
      entry.batches.push({
        firstSeq: check.firstSeq,
        lastSeq: check.lastSeq,
        firstOffset: -1,
        lastOffset: -1,
        timestampMs: 0,
      });
    }
    return { planned };
  }

  /** The queued batches of a producer, with those of the request being checked layered on top. */
  private pendingOf(producerId: number, mine: ProducerEntry | undefined): ProducerEntry | undefined {
    const queued = this.queued.get(producerId);
    if (mine === undefined) return queued;
    if (queued === undefined || mine.epoch > queued.epoch) return mine;
    return { ...queued, batches: [...queued.batches, ...mine.batches] };
  }

  private duplicateOf(producerId: number, batch: ProducerBatchMetadata): DuplicateBatch {
    const pending = this.queued.get(producerId);
    const i = pending?.batches.indexOf(batch) ?? -1;
    return { batch, written: pending !== undefined && i >= 0 ? pending.done[i] : undefined };
  }

  /** Remembers queued writes (settled by `done`) so later requests are checked against them. */
  track(writes: ReadonlyArray<ProducerWrite>, done: Promise<unknown>): void {
    for (const w of writes) {
      let pending = this.queued.get(w.producerId);
      if (pending === undefined || w.epoch > pending.epoch) {
        pending = { epoch: w.epoch, batches: [], lastTimestampMs: w.batch.timestampMs, done: [] };
        this.queued.set(w.producerId, pending);
      }
      pending.batches.push(w.batch);
      pending.done.push(done);
    }
  }

  /** Applies writes that reached the log, and stops counting them as queued. */
  applyWritten(writes: ReadonlyArray<ProducerWrite>): void {
    for (const w of writes) {
      this.table.apply(w.producerId, w.epoch, w.batch);
      const pending = this.queued.get(w.producerId);
      if (pending !== undefined && pending.batches[0] === w.batch) {
        pending.batches.shift();
        pending.done.shift();
        if (pending.batches.length === 0) this.queued.delete(w.producerId);
      }
    }
  }

  /** Every queued write failed: forget them. */
  forgetQueued(): void {
    this.queued.clear();
  }

  /** Saves the state as of `offset`, the log end (at rolls and at close). */
  async checkpoint(offset: number): Promise<void> {
    const text = JSON.stringify({ version: 0, offset, producers: this.table.toJSON() });
    // Not fsynced: the checkpoint only shortens the scan at start; a lost or torn one is rebuilt from
    // the log, which is itself fsynced before every roll and close that writes this file.
    await writeFileAtomic(join(this.dir, PRODUCER_STATE_FILE), text, { durable: false });
  }

  /** After a truncation the state must forget the cut batches: rebuild it from what is left. */
  async rebuild(segments: LogSegments, files: FileHandleCache): Promise<void> {
    this.table.clear();
    await rm(join(this.dir, PRODUCER_STATE_FILE), { force: true });
    await scanProducers(segments, files, this.table, segments.logStartOffset);
  }
}

/** True when the batch at `pos` carries a producer id (an idempotent producer's batch). */
function hasProducerId(buf: Buffer, pos: number): boolean {
  return !(
    buf.readInt32BE(pos + PRODUCER_ID_OFFSET) === -1 && buf.readInt32BE(pos + PRODUCER_ID_OFFSET + 4) === -1
  );
}

/** The producer-state entry of a written batch, from its header; undefined without a producer id. */
export function producerWriteOf(
  h: {
    producerId: number;
    producerEpoch: number;
    baseSequence: number;
    baseOffset: number;
    lastOffsetDelta: number;
  },
  timestampMs: number,
): ProducerWrite | undefined {
  if (h.producerId < 0 || h.baseSequence < 0) return undefined;
  return {
    producerId: h.producerId,
    epoch: h.producerEpoch,
    batch: {
      firstSeq: h.baseSequence,
      lastSeq: lastSequence(h.baseSequence, h.lastOffsetDelta),
      firstOffset: h.baseOffset,
      lastOffset: h.baseOffset + h.lastOffsetDelta,
      timestampMs,
    },
  };
}

/** Applies the producer batches of every segment from `fromOffset` on to `table`. */
async function scanProducers(
  segments: LogSegments,
  files: FileHandleCache,
  table: ProducerStateTable,
  fromOffset: number,
): Promise<void> {
  await segments.forEachBatch(files, fromOffset, (b, chunk) => {
    const h = readBatchHeader(chunk, b.position);
    const w = producerWriteOf(h, h.maxTimestamp);
    if (w !== undefined) table.apply(w.producerId, w.epoch, w.batch);
  });
}

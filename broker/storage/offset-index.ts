import { floorEntry, readIndexFile, writeIndexTail } from './index-file.js';

/**
 * The sparse offset index of one segment (`<baseOffset>.index`), as in Kafka's OffsetIndex.
 *
 * On disk: a sequence of 8-byte entries, `relativeOffset int32 | position int32` (big-endian), where
 * relativeOffset = a batch's baseOffset - segment baseOffset and position = the byte position of that
 * batch in the `.log` file. Both strictly increase. An entry is added roughly every
 * `indexIntervalBytes` of log, so a lookup binary-searches the entries and then scans at most about that
 * many bytes of batch headers. The file holds no header or checksum: it is derived data, checked for
 * sanity on load (size a multiple of 8, monotonic, positions inside the log) and rebuilt from the log on
 * any doubt, or after an unclean shutdown for the segments being recovered.
 *
 * Entries live in memory (8 bytes each, ~2 MiB for a full 1 GiB segment at the default interval) and are
 * written to the file on flush, roll and close.
 */
export class OffsetIndex {
  static readonly ENTRY_BYTES = 8;
  /** Kafka's segment.index.bytes default: the segment rolls when its index is this full. */
  static readonly MAX_ENTRIES = (10 * 1024 * 1024) / 8;

  private relOffsets = new Int32Array(64);
  private positions = new Int32Array(64);
  private count = 0;
  /** Entries [0, persisted) are known to be on disk. */
  private persisted = 0;

  constructor(
    readonly path: string,
    readonly baseOffset: number,
  ) {}

  get entries(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count >= OffsetIndex.MAX_ENTRIES;
  }

  get lastOffset(): number {
    return this.count === 0 ? this.baseOffset : this.baseOffset + this.relOffsets[this.count - 1]!;
  }

  get lastPosition(): number {
    return this.count === 0 ? 0 : this.positions[this.count - 1]!;
  }

  /**
   * Loads and sanity-checks the file. Returns undefined (rebuild) when the file is missing or doubtful:
   * size not a multiple of 8, entries not strictly increasing, positions not inside `logBytes`, or
   * offsets not below `offsetLimit` (the segment's next offset when known).
   */
  static async load(
    path: string,
    baseOffset: number,
    logBytes: number,
    offsetLimit: number,
  ): Promise<OffsetIndex | undefined> {
    const bytes = await readIndexFile(path);
    if (bytes === undefined || bytes.length % OffsetIndex.ENTRY_BYTES !== 0) return undefined;
    const index = new OffsetIndex(path, baseOffset);
    let prevRel = -1;
    let prevPos = -1;
    for (let p = 0; p < bytes.length; p += OffsetIndex.ENTRY_BYTES) {
      const rel = bytes.readInt32BE(p);
      const pos = bytes.readInt32BE(p + 4);
      if (rel <= prevRel || pos <= prevPos || pos >= logBytes || baseOffset + rel >= offsetLimit)
        return undefined;
      index.append(baseOffset + rel, pos);
      prevRel = rel;
      prevPos = pos;
    }
    index.persisted = index.count;
    return index;
  }

  append(offset: number, position: number): void {
    const rel = offset - this.baseOffset;
    if (!(rel >= 0 && rel <= 0x7fffffff && position >= 0 && position <= 0x7fffffff)) {
      throw new Error(`offset index entry out of range: offset ${offset} position ${position}`);
    }
    if (
      this.count > 0 &&
      (rel <= this.relOffsets[this.count - 1]! || position <= this.positions[this.count - 1]!)
    ) {
      throw new Error(`offset index entries must increase: ${offset}@${position} after ${this.lastOffset}`);
    }
    if (this.count === this.relOffsets.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.relOffsets = grow(this.relOffsets);
      this.positions = grow(this.positions);
    }
    this.relOffsets[this.count] = rel;
    this.positions[this.count] = position;
    this.count++;
  }

  /** The entry with the largest offset <= `offset`, or the segment start. */
  lookup(offset: number): { offset: number; position: number } {
    const found = floorEntry(this.count, (i) => this.relOffsets[i]!, offset - this.baseOffset);
    return found < 0
      ? { offset: this.baseOffset, position: 0 }
      : { offset: this.baseOffset + this.relOffsets[found]!, position: this.positions[found]! };
  }

  /** Drops the entries for offsets >= `offset`. */
  truncateToOffset(offset: number): void {
    while (this.count > 0 && this.baseOffset + this.relOffsets[this.count - 1]! >= offset) this.count--;
    if (this.persisted > this.count) this.persisted = this.count;
  }

  clear(): void {
    this.count = 0;
    this.persisted = 0;
  }

  /** Writes entries not yet on disk (and cuts dropped ones); fsyncs when `sync`. */
  async persist(sync: boolean): Promise<void> {
    const bytes = Buffer.allocUnsafe(this.count * OffsetIndex.ENTRY_BYTES);
    for (let i = 0; i < this.count; i++) {
      bytes.writeInt32BE(this.relOffsets[i]!, i * 8);
      bytes.writeInt32BE(this.positions[i]!, i * 8 + 4);
    }
    const count = this.count;
    await writeIndexTail(this.path, bytes, this.persisted * OffsetIndex.ENTRY_BYTES, sync);
    this.persisted = Math.min(count, this.count);
  }
}

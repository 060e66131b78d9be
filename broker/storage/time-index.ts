import { floorEntry, readIndexFile, writeIndexTail } from './index-file.js';

/**
 * The sparse time index of one segment (`<baseOffset>.timeindex`), as in Kafka's TimeIndex.
 *
 * On disk: 12-byte entries, `timestamp int64 | relativeOffset int32` (big-endian). An entry (T, o) says
 * "the largest timestamp among the batches up to and including offset o is T"; timestamps strictly
 * increase and offsets never decrease. The segment appends one alongside each offset-index entry when
 * the largest timestamp seen has grown past the last entry, and a final one when the segment stops being
 * active, so the last entry is the segment's largest timestamp. Derived data: checked on load and rebuilt
 * from the log on doubt, like the offset index.
 */
export class TimeIndex {
  static readonly ENTRY_BYTES = 12;

  private timestamps: number[] = [];
  private relOffsets: number[] = [];
  private persisted = 0;

  constructor(
    readonly path: string,
    readonly baseOffset: number,
  ) {}

  get entries(): number {
    return this.timestamps.length;
  }

  /** The last indexed timestamp, -1 when empty. */
  get lastTimestamp(): number {
    return this.timestamps.length === 0 ? -1 : this.timestamps[this.timestamps.length - 1]!;
  }

  get lastOffset(): number {
    const n = this.relOffsets.length;
    return n === 0 ? this.baseOffset : this.baseOffset + this.relOffsets[n - 1]!;
  }

  static async load(path: string, baseOffset: number, offsetLimit: number): Promise<TimeIndex | undefined> {
    const bytes = await readIndexFile(path);
    if (bytes === undefined || bytes.length % TimeIndex.ENTRY_BYTES !== 0) return undefined;
    const index = new TimeIndex(path, baseOffset);
    for (let p = 0; p < bytes.length; p += TimeIndex.ENTRY_BYTES) {
      const ts = bytes.readInt32BE(p) * 0x100000000 + bytes.readUInt32BE(p + 4);
      const rel = bytes.readInt32BE(p + 8);
      if (
        !Number.isSafeInteger(ts) ||
        ts <= index.lastTimestamp ||
        rel < 0 ||
        baseOffset + rel >= offsetLimit
      ) {
        return undefined;
      }
      if (index.entries > 0 && baseOffset + rel < index.lastOffset) return undefined;
      index.timestamps.push(ts);
      index.relOffsets.push(rel);
    }
    index.persisted = index.entries;
    return index;
  }

  /** Appends (timestamp, offset) if the timestamp is larger than the last entry's. */
  maybeAppend(timestamp: number, offset: number): void {
    if (timestamp <= this.lastTimestamp) return;
    const rel = offset - this.baseOffset;
    if (!(rel >= 0 && rel <= 0x7fffffff) || offset < this.lastOffset) {
      throw new Error(`time index entry out of order: ${timestamp}@${offset} after ${this.lastOffset}`);
    }
    this.timestamps.push(timestamp);
    this.relOffsets.push(rel);
  }

  /** The entry with the largest timestamp <= `timestamp`, or the segment start. */
  lookup(timestamp: number): { timestamp: number; offset: number } {
    const found = floorEntry(this.timestamps.length, (i) => this.timestamps[i]!, timestamp);
    return found < 0
      ? { timestamp: -1, offset: this.baseOffset }
      : { timestamp: this.timestamps[found]!, offset: this.baseOffset + this.relOffsets[found]! };
  }

  /** Drops entries for offsets >= `offset`. */
  truncateToOffset(offset: number): void {
    while (this.relOffsets.length > 0 && this.lastOffset >= offset) {
      this.relOffsets.pop();
      this.timestamps.pop();
    }
    if (this.persisted > this.entries) this.persisted = this.entries;
  }

  clear(): void {
    this.timestamps = [];
    this.relOffsets = [];
    this.persisted = 0;
  }

  async persist(sync: boolean): Promise<void> {
    const n = this.entries;
    const bytes = Buffer.allocUnsafe(n * TimeIndex.ENTRY_BYTES);
    for (let i = 0; i < n; i++) {
      const ts = this.timestamps[i]!;
      const hi = Math.floor(ts / 0x100000000);
      bytes.writeInt32BE(hi, i * 12);
      bytes.writeUInt32BE(ts - hi * 0x100000000, i * 12 + 4);
      bytes.writeInt32BE(this.relOffsets[i]!, i * 12 + 8);
    }
    await writeIndexTail(this.path, bytes, this.persisted * TimeIndex.ENTRY_BYTES, sync);
    this.persisted = Math.min(n, this.entries);
  }
}

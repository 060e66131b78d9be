import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of RecordBatch v2.
 * Backed by the SSE4.2/ARMv8 instruction through @node-rs/crc32, which is several GB/s: the broker
 * checks every produced batch, so this is on the hot path.
 *
 * `initial` continues a previous checksum, so `crc32c(b, crc32c(a)) === crc32c(a ++ b)`.
 */
export function crc32c(buf: Uint8Array, initial = 0): number {
  return nativeCrc32c(buf, initial) >>> 0;
}

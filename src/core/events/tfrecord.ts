// TFRecord framing (tsl/lib/io/record_writer.cc): uint64 length, masked CRC32C of the length,
// data, masked CRC32C of the data, all little-endian. Both CRCs are checked. A record cut short at
// the end of the bytes is not an error: parsing stops before it and reports how far it got.
import { crc32cRange, maskCrc } from '../checkpoint/crc32c';
import { EventFileError } from './errors';

export const RECORD_HEADER_BYTES = 12;
export const RECORD_FOOTER_BYTES = 4;

/** Longest record we accept (TensorFlow's own readers refuse far less); a larger length is corruption. */
const MAX_RECORD_BYTES = 1 << 30;

const u32 = (b: Uint8Array, p: number) =>
  (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;

/**
 * Calls `onRecord` with the range `[start, end)` of `bytes` holding each complete record's data
 * and returns how many bytes complete records took; the rest is a partial record still being
 * written (or nothing). `base` is the file offset of `bytes[0]`, for errors. Throws `EventFileError`
 * at the first bad record, after every record before it was handed over.
 */
export function frameRecords(
  bytes: Uint8Array,
  file: string,
  base: number,
  onRecord: (bytes: Uint8Array, start: number, end: number, offset: number) => void,
): number {
  let pos = 0;
  const n = bytes.length;
  while (n - pos >= RECORD_HEADER_BYTES) {
    const lo = u32(bytes, pos);
    const hi = u32(bytes, pos + 4);
    if (maskCrc(crc32cRange(bytes, pos, pos + 8)) !== u32(bytes, pos + 8)) {
      throw new EventFileError('crc-mismatch', file, base + pos, 'record length CRC mismatch');
    }
    const length = hi * 0x100000000 + lo;
    if (length > MAX_RECORD_BYTES) {
      throw new EventFileError('corrupt', file, base + pos, `record length ${length} is implausible`);
    }
    const end = pos + RECORD_HEADER_BYTES + length + RECORD_FOOTER_BYTES;
    if (end > n) break; // partial record: wait for the rest
    const dataStart = pos + RECORD_HEADER_BYTES;
    const dataEnd = end - RECORD_FOOTER_BYTES;
    if (maskCrc(crc32cRange(bytes, dataStart, dataEnd)) !== u32(bytes, dataEnd)) {
      throw new EventFileError('crc-mismatch', file, base + pos, 'record data CRC mismatch');
    }
    onRecord(bytes, dataStart, dataEnd, base + pos);
    pos = end;
  }
  return pos;
}

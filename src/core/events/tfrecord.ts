// TFRecord framing (tsl/lib/io/record_writer.cc): uint64 length, masked CRC32C of the length,
// data, masked CRC32C of the data, all little-endian. Both CRCs are checked. A record cut short at
// the end of the bytes is not an error: parsing stops before it and reports how far it got.
import { crc32c8, crc32cRange, maskCrc } from '../checkpoint/crc32c';
import { EventFileError } from './errors';

export const RECORD_HEADER_BYTES = 12;
export const RECORD_FOOTER_BYTES = 4;

/** Longest record we accept (TensorFlow's own readers refuse far less); a larger length is corruption. */
const MAX_RECORD_BYTES = 1 << 30;

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
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (n - pos >= RECORD_HEADER_BYTES) {
    const lo = view.getUint32(pos, true);
    const hi = view.getUint32(pos + 4, true);
    if (maskCrc(crc32c8(view, pos)) !== view.getUint32(pos + 8, true)) {
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
    if (maskCrc(crc32cRange(view, dataStart, dataEnd)) !== view.getUint32(dataEnd, true)) {
      throw new EventFileError('crc-mismatch', file, base + pos, 'record data CRC mismatch');
    }
    onRecord(bytes, dataStart, dataEnd, base + pos);
    pos = end;
  }
  return pos;
}

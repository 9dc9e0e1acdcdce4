// Raw (unframed) Snappy decompression with every length, offset and the declared output length
// checked, so that corrupt input ends in a SnappyError instead of a hang or a huge allocation.
// Format: https://github.com/google/snappy/blob/main/format_description.txt

export class SnappyError extends Error {
  override readonly name = 'SnappyError';
  constructor(
    readonly reason: string,
    /** Position in the compressed input where the problem was found. */
    readonly position: number,
  ) {
    super(`bad Snappy data: ${reason} (at byte ${position})`);
  }
}

/** The most a Snappy element can expand: a 3-byte copy of 64 bytes. */
const MAX_EXPANSION = 22;

/** Reads the preamble: the uncompressed length, a varint of at most 32 bits. */
export function uncompressedLength(input: Uint8Array): { length: number; headerBytes: number } {
  let result = 0;
  for (let i = 0; i < 5; i++) {
    if (i >= input.length) throw new SnappyError('input ends inside the length preamble', i);
    const b = input[i];
    if (i === 4 && b > 0x0f) throw new SnappyError('uncompressed length does not fit in 32 bits', i);
    result += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return { length: result, headerBytes: i + 1 };
  }
  throw new SnappyError('length preamble longer than 5 bytes', 4);
}

/**
 * Decompresses raw Snappy. Throws a SnappyError when the stream is malformed: a literal or copy that
 * runs past the input or the declared output, a copy offset of 0 or before the start of the output,
 * or an output shorter than declared. `maxLength` bounds the declared length (default: what the
 * input could possibly expand to).
 */
export function snappyUncompress(input: Uint8Array, maxLength?: number): Uint8Array {
  const { length, headerBytes } = uncompressedLength(input);
  const possible = (input.length - headerBytes) * MAX_EXPANSION;
  if (length > possible) {
    throw new SnappyError(
      `declares ${length} bytes, more than ${input.length - headerBytes} compressed bytes can hold`,
      0,
    );
  }
  if (maxLength !== undefined && length > maxLength) {
    throw new SnappyError(`declares ${length} bytes, more than the limit of ${maxLength}`, 0);
  }
  const out = new Uint8Array(length);
  let ip = headerBytes;
  let op = 0;
  const end = input.length;
  while (ip < end) {
    const tagAt = ip;
    const tag = input[ip++];
    const type = tag & 3;
    if (type === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const extra = len - 59;
        if (ip + extra > end) throw new SnappyError('input ends inside a literal length', tagAt);
        len = 0;
        // Multiplication, not shifts: a 4-byte length with its top bit set stays positive.
        for (let k = 0; k < extra; k++) len += input[ip + k] * 2 ** (8 * k);
        ip += extra;
      }
      len += 1;
      if (len > end - ip) throw new SnappyError(`literal of ${len} bytes runs past the input`, tagAt);
      if (len > length - op) throw new SnappyError(`literal of ${len} bytes runs past the output`, tagAt);
      out.set(input.subarray(ip, ip + len), op);
      ip += len;
      op += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (type === 1) {
      if (ip + 1 > end) throw new SnappyError('input ends inside a copy', tagAt);
      len = 4 + ((tag >>> 2) & 7);
      offset = ((tag >>> 5) << 8) | input[ip];
      ip += 1;
    } else if (type === 2) {
      if (ip + 2 > end) throw new SnappyError('input ends inside a copy', tagAt);
      len = 1 + (tag >>> 2);
      offset = input[ip] | (input[ip + 1] << 8);
      ip += 2;
    } else {
      if (ip + 4 > end) throw new SnappyError('input ends inside a copy', tagAt);
      len = 1 + (tag >>> 2);
      offset = input[ip] + input[ip + 1] * 0x100 + input[ip + 2] * 0x10000 + input[ip + 3] * 0x1000000;
      ip += 4;
    }
    if (offset === 0) throw new SnappyError('copy with offset 0', tagAt);
    if (offset > op) throw new SnappyError(`copy offset ${offset} is before the start of the output`, tagAt);
    if (len > length - op) throw new SnappyError(`copy of ${len} bytes runs past the output`, tagAt);
    let from = op - offset;
    if (offset >= len) {
      out.copyWithin(op, from, from + len);
      op += len;
    } else {
      // Overlapping copy: repeats the last `offset` bytes, byte by byte as the format defines.
      for (let k = 0; k < len; k++) out[op++] = out[from++];
    }
  }
  if (op !== length) throw new SnappyError(`output is ${op} bytes, ${length} declared`, end);
  return out;
}

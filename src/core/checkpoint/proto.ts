// Minimal protobuf wire-format decoding: varints without precision loss and field iteration.
// Every read is bounds-checked; malformed input throws `ProtoError`, which callers turn into a
// `CheckpointError` naming the file.

export class ProtoError extends Error {}

export interface Cursor {
  readonly bytes: Uint8Array;
  pos: number;
  readonly end: number;
}

export function cursor(bytes: Uint8Array, pos = 0, end = bytes.length): Cursor {
  return { bytes, pos, end };
}

/**
 * A base-128 varint of at most `maxBytes` bytes (5 for varint32, 10 for varint64).
 * Values above 2^53 come back as bigint so that nothing is rounded.
 */
export function readVarint(c: Cursor, maxBytes = 10): number | bigint {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < maxBytes; i++) {
    if (c.pos >= c.end) throw new ProtoError('truncated varint');
    const b = c.bytes[c.pos++];
    if (i >= 7 && scale * (b & 0x7f) + result > Number.MAX_SAFE_INTEGER) {
      // Fall back to exact arithmetic for this and the remaining bytes.
      let big = BigInt(result) + (BigInt(b & 0x7f) << BigInt(7 * i));
      let shift = BigInt(7 * (i + 1));
      let more = (b & 0x80) !== 0;
      for (let j = i + 1; more; j++) {
        if (j >= maxBytes) throw new ProtoError('varint too long');
        if (c.pos >= c.end) throw new ProtoError('truncated varint');
        const nb = c.bytes[c.pos++];
        big += BigInt(nb & 0x7f) << shift;
        shift += 7n;
        more = (nb & 0x80) !== 0;
      }
      return big & 0xffffffffffffffffn;
    }
    result += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      if (result > Number.MAX_SAFE_INTEGER) return BigInt(result);
      return result;
    }
    scale *= 128;
  }
  throw new ProtoError('varint too long');
}

/** A varint that must be a non-negative safe integer (lengths, offsets, sizes). */
export function readLength(c: Cursor, maxBytes = 10): number {
  const v = readVarint(c, maxBytes);
  if (typeof v === 'bigint') throw new ProtoError(`value ${v} is too large`);
  return v;
}

/** Interprets a decoded varint as a two's-complement int64 (negative numbers use 10 bytes). */
export function toInt64(v: number | bigint): number | bigint {
  if (typeof v === 'number') return v;
  const signed = BigInt.asIntN(64, v);
  return signed >= BigInt(Number.MIN_SAFE_INTEGER) && signed <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(signed)
    : signed;
}

/** int32 fields: negative values are sign-extended to 64 bits on the wire. */
export function toInt32(v: number | bigint): number {
  const big = typeof v === 'bigint' ? v : BigInt(v);
  return Number(BigInt.asIntN(32, big));
}

export type Field =
  | { readonly field: number; readonly wire: 0; readonly value: number | bigint }
  | { readonly field: number; readonly wire: 1; readonly value: Uint8Array }
  | { readonly field: number; readonly wire: 2; readonly value: Uint8Array }
  | { readonly field: number; readonly wire: 5; readonly value: number };

/** Every field of a message, in wire order. Unknown fields are returned too; callers skip them. */
export function* fields(bytes: Uint8Array): Generator<Field> {
  const c = cursor(bytes);
  while (c.pos < c.end) {
    const tag = readLength(c, 5);
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 0) throw new ProtoError('field number 0');
    switch (wire) {
      case 0:
        yield { field, wire, value: readVarint(c) };
        break;
      case 1:
        if (c.pos + 8 > c.end) throw new ProtoError('truncated fixed64');
        yield { field, wire, value: c.bytes.subarray(c.pos, c.pos + 8) };
        c.pos += 8;
        break;
      case 2: {
        const len = readLength(c);
        if (len > c.end - c.pos) throw new ProtoError('length-delimited field runs past the end');
        yield { field, wire, value: c.bytes.subarray(c.pos, c.pos + len) };
        c.pos += len;
        break;
      }
      case 5: {
        if (c.pos + 4 > c.end) throw new ProtoError('truncated fixed32');
        const b = c.bytes;
        const p = c.pos;
        yield { field, wire, value: (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0 };
        c.pos += 4;
        break;
      }
      default:
        throw new ProtoError(`unsupported wire type ${wire}`);
    }
  }
}

const utf8 = new TextDecoder('utf-8');

export function utf8String(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

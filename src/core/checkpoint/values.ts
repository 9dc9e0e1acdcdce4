// Decoding a tensor's stored bytes into typed values (CHECKPOINT_FORMAT.md §5 and §6).
import type { TensorEntry } from './bundle';
import { crc32c, crc32cExtend, unmaskCrc } from './crc32c';
import { DT_STRING, DTYPES, halfToFloat } from './dtype';
import { CheckpointError } from './errors';
import { cursor, ProtoError, readVarint } from './proto';

export type NumericArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

export interface TensorValue {
  readonly key: string;
  /** The stored dtype's name; float16 and bfloat16 come back as Float32Array. */
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Numeric values (bool as Uint8Array of 0/1), or the raw bytes of each string. */
  readonly values: NumericArray | Uint8Array[];
}

export function numElements(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i + width <= bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}

/**
 * Decodes `bytes` (exactly `entry.size` bytes from the shard, in a buffer this reader owns) as `entry`.
 * `verify` checks the entry's CRC first. `file` names the shard in errors.
 */
export function decodeTensor(
  entry: TensorEntry,
  bytes: Uint8Array,
  file: string,
  options: { verify: boolean; bigEndian?: boolean },
): TensorValue {
  const info = DTYPES[entry.dtype];
  if (!info || !info.readable) {
    throw new CheckpointError(
      'unsupported-dtype',
      file,
      `dtype ${entry.dtypeName} cannot be read`,
      entry.key,
    );
  }
  if (entry.unknownRank) throw new CheckpointError('corrupt', file, 'tensor has unknown rank', entry.key);
  const n = numElements(entry.shape);
  if (entry.dtype === DT_STRING) return decodeStrings(entry, bytes, file, n, options.verify);
  if (!Number.isSafeInteger(n) || n * info.bytes !== entry.size) {
    throw new CheckpointError(
      'corrupt',
      file,
      `invalid size in bundle entry: ${entry.size} bytes for ${entry.dtypeName}[${entry.shape.join(',')}]`,
      entry.key,
    );
  }
  if (options.verify && crc32c(bytes) !== unmaskCrc(entry.crc32c)) {
    throw new CheckpointError('crc-mismatch', file, 'tensor checksum mismatch', entry.key);
  }
  if (options.bigEndian && info.bytes > 1) swapBytes(bytes, info.bytes);
  const buffer = bytes.buffer;
  const at = bytes.byteOffset;
  if (at % 8 !== 0) throw new Error('decodeTensor needs an 8-byte aligned buffer');
  const values: NumericArray = (() => {
    switch (info.name) {
      case 'float32':
        return new Float32Array(buffer, at, n);
      case 'float64':
        return new Float64Array(buffer, at, n);
      case 'int32':
        return new Int32Array(buffer, at, n);
      case 'int16':
        return new Int16Array(buffer, at, n);
      case 'int8':
        return new Int8Array(buffer, at, n);
      case 'uint16':
        return new Uint16Array(buffer, at, n);
      case 'uint32':
        return new Uint32Array(buffer, at, n);
      case 'int64':
        return new BigInt64Array(buffer, at, n);
      case 'uint64':
        return new BigUint64Array(buffer, at, n);
      case 'uint8':
      case 'bool':
        return new Uint8Array(buffer, at, n);
      case 'bfloat16': {
        const src = new Uint16Array(buffer, at, n);
        const out = new Uint32Array(n);
        for (let i = 0; i < n; i++) out[i] = src[i] << 16;
        return new Float32Array(out.buffer);
      }
      case 'float16': {
        const src = new Uint16Array(buffer, at, n);
        const out = new Float32Array(n);
        for (let i = 0; i < n; i++) out[i] = halfToFloat(src[i]);
        return out;
      }
      default:
        throw new CheckpointError(
          'unsupported-dtype',
          file,
          `dtype ${entry.dtypeName} cannot be read`,
          entry.key,
        );
    }
  })();
  return { key: entry.key, dtype: info.name, shape: entry.shape, values };
}

function decodeStrings(
  entry: TensorEntry,
  bytes: Uint8Array,
  file: string,
  n: number,
  verify: boolean,
): TensorValue {
  const bad = (reason: string): never => {
    throw new CheckpointError('corrupt', file, `bad string tensor: ${reason}`, entry.key);
  };
  // Each element needs at least one length byte, which bounds the element count by the size.
  if (!Number.isSafeInteger(n) || n > bytes.length) bad(`${n} elements cannot fit in ${bytes.length} bytes`);
  const c = cursor(bytes);
  const lengths: number[] = [];
  let crc = 0;
  let total = 0;
  try {
    for (let i = 0; i < n; i++) {
      const len = readVarint(c);
      if (typeof len === 'bigint' || len > bytes.length) bad(`string length ${len} exceeds the tensor size`);
      const l = len as number;
      lengths.push(l);
      total += l;
      const wide = l > 0xffffffff;
      const fixed = new Uint8Array(wide ? 8 : 4);
      new DataView(fixed.buffer).setUint32(0, l >>> 0, true);
      if (wide) new DataView(fixed.buffer).setUint32(4, Math.floor(l / 2 ** 32), true);
      crc = crc32cExtend(crc, fixed);
    }
  } catch (error) {
    if (error instanceof ProtoError) bad(error.message);
    throw error;
  }
  if (c.pos + 4 + total !== bytes.length)
    bad(`lengths add up to ${c.pos + 4 + total} bytes, not ${bytes.length}`);
  const lengthCrc = new DataView(bytes.buffer, bytes.byteOffset + c.pos, 4).getUint32(0, true);
  if (verify && unmaskCrc(lengthCrc) !== crc) {
    throw new CheckpointError('crc-mismatch', file, 'string lengths checksum mismatch', entry.key);
  }
  crc = crc32cExtend(crc, bytes.subarray(c.pos, c.pos + 4));
  let pos = c.pos + 4;
  const values: Uint8Array[] = [];
  for (const l of lengths) {
    values.push(bytes.subarray(pos, pos + l));
    pos += l;
  }
  if (verify) {
    crc = crc32cExtend(crc, bytes.subarray(c.pos + 4));
    if (crc !== unmaskCrc(entry.crc32c))
      throw new CheckpointError('crc-mismatch', file, 'tensor checksum mismatch', entry.key);
  }
  return { key: entry.key, dtype: 'string', shape: entry.shape, values };
}

/** JSON-friendly values: int64 as numbers when exact, else strings; strings as UTF-8 text. */
export function valuesToJson(value: TensorValue): unknown[] {
  const v = value.values;
  if (Array.isArray(v)) return v.map((b) => Buffer.from(b).toString('utf8'));
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) {
    return Array.from(v, (x) =>
      x >= BigInt(Number.MIN_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : String(x),
    );
  }
  if (value.dtype === 'bool') return Array.from(v as Uint8Array, (x) => x !== 0);
  return Array.from(v as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : String(x)));
}

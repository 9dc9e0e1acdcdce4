// TensorFlow DataType enum values (types.proto) and their element widths (CHECKPOINT_FORMAT.md §5).

export interface DtypeInfo {
  readonly name: string;
  /** Bytes per element; 0 for variable-length encodings (string, variant). */
  readonly bytes: number;
  /** Whether this reader decodes its values. */
  readonly readable: boolean;
}

export const DTYPES: Readonly<Record<number, DtypeInfo>> = {
  1: { name: 'float32', bytes: 4, readable: true },
  2: { name: 'float64', bytes: 8, readable: true },
  3: { name: 'int32', bytes: 4, readable: true },
  4: { name: 'uint8', bytes: 1, readable: true },
  5: { name: 'int16', bytes: 2, readable: true },
  6: { name: 'int8', bytes: 1, readable: true },
  7: { name: 'string', bytes: 0, readable: true },
  8: { name: 'complex64', bytes: 8, readable: false },
  9: { name: 'int64', bytes: 8, readable: true },
  10: { name: 'bool', bytes: 1, readable: true },
  11: { name: 'qint8', bytes: 1, readable: false },
  12: { name: 'quint8', bytes: 1, readable: false },
  13: { name: 'qint32', bytes: 4, readable: false },
  14: { name: 'bfloat16', bytes: 2, readable: true },
  15: { name: 'qint16', bytes: 2, readable: false },
  16: { name: 'quint16', bytes: 2, readable: false },
  17: { name: 'uint16', bytes: 2, readable: true },
  18: { name: 'complex128', bytes: 16, readable: false },
  19: { name: 'float16', bytes: 2, readable: true },
  20: { name: 'resource', bytes: 0, readable: false },
  21: { name: 'variant', bytes: 0, readable: false },
  22: { name: 'uint32', bytes: 4, readable: true },
  23: { name: 'uint64', bytes: 8, readable: true },
};

export const DT_STRING = 7;
export const DT_VARIANT = 21;

export function dtypeName(dtype: number): string {
  return DTYPES[dtype]?.name ?? `dtype_${dtype}`;
}

/** binary16 → number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

// CRC-32C (Castagnoli), slicing-by-8, plus TensorFlow's mask/unmask (tsl/lib/hash/crc32c.h).

const TABLES: Uint32Array[] = (() => {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    tables[0][n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[0][n];
    for (let t = 1; t < 8; t++) {
      c = tables[0][c & 0xff] ^ (c >>> 8);
      tables[t][n] = c >>> 0;
    }
  }
  return tables;
})();

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Continues a CRC: `extend(crc32c(a), b) === crc32c(a ‖ b)`. */
export function crc32cExtend(crc: number, bytes: Uint8Array): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES;
  let c = ~crc >>> 0;
  let i = 0;
  const n = bytes.length;
  const end8 = n - (n % 8);
  if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0 && n >= 64) {
    // Aligned: two 32-bit little-endian loads per 8 bytes.
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, end8 >>> 2);
    for (let w = 0; w < words.length; w += 2) {
      const lo = words[w] ^ c;
      const hi = words[w + 1];
      c =
        t7[lo & 0xff] ^
        t6[(lo >>> 8) & 0xff] ^
        t5[(lo >>> 16) & 0xff] ^
        t4[lo >>> 24] ^
        t3[hi & 0xff] ^
        t2[(hi >>> 8) & 0xff] ^
        t1[(hi >>> 16) & 0xff] ^
        t0[hi >>> 24];
    }
    i = end8;
  }
  for (; i < end8; i += 8) {
    const lo = (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) ^ c;
    c =
      t7[lo & 0xff] ^
      t6[(lo >>> 8) & 0xff] ^
      t5[(lo >>> 16) & 0xff] ^
      t4[lo >>> 24] ^
      t3[bytes[i + 4]] ^
      t2[bytes[i + 5]] ^
      t1[bytes[i + 6]] ^
      t0[bytes[i + 7]];
  }
  for (; i < n; i++) c = t0[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

export function crc32c(bytes: Uint8Array): number {
  return crc32cExtend(0, bytes);
}

const MASK_DELTA = 0xa282ead8;

export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

export function unmaskCrc(masked: number): number {
  const rot = (masked - MASK_DELTA) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}

const [R0, R1, R2, R3, R4, R5, R6, R7] = TABLES;

/**
 * `crc32c` of bytes `[start, end)` of `view`, without making a view per range: for many small
 * records (event files), where a view per record costs more than the checksum. Two 32-bit
 * little-endian loads per 8 bytes (DataView loads compile to single loads; byte loads do not).
 */
export function crc32cRange(view: DataView, start: number, end: number): number {
  let c = -1;
  let i = start;
  const end8 = end - ((end - start) & 7);
  for (; i < end8; i += 8) {
    const lo = view.getInt32(i, true) ^ c;
    const hi = view.getInt32(i + 4, true);
    c =
      R7[lo & 0xff] ^
      R6[(lo >>> 8) & 0xff] ^
      R5[(lo >>> 16) & 0xff] ^
      R4[lo >>> 24] ^
      R3[hi & 0xff] ^
      R2[(hi >>> 8) & 0xff] ^
      R1[(hi >>> 16) & 0xff] ^
      R0[hi >>> 24];
  }
  for (; i < end; i++) c = R0[(c ^ view.getUint8(i)) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** `crc32cRange(view, start, start + 8)`: a TFRecord's length field, unrolled. */
export function crc32c8(view: DataView, start: number): number {
  const lo = ~view.getInt32(start, true);
  const hi = view.getInt32(start + 4, true);
  const c =
    R7[lo & 0xff] ^
    R6[(lo >>> 8) & 0xff] ^
    R5[(lo >>> 16) & 0xff] ^
    R4[lo >>> 24] ^
    R3[hi & 0xff] ^
    R2[(hi >>> 8) & 0xff] ^
    R1[(hi >>> 16) & 0xff] ^
    R0[hi >>> 24];
  return ~c >>> 0;
}

// A writer repeats the same Summary for a tag on every step: the same tag, metadata, dtype and shape
// bytes, with only the value's bytes changing. A template keeps the bytes of a decoded single-value
// Summary and where its value sits; a later Summary that equals it byte for byte outside those value
// bytes decodes to the same tag, dtype and plugin, and its value is read at the same place. Only
// values stored at a fixed width (simple_value, float_val, double_val, tensor_content) make
// templates, so the value's bytes never change the message's structure. A miss decodes in full.

/** How a template's value bytes are read. */
export const enum ValueKind {
  Float32 = 0,
  Float64 = 1,
  Float16 = 2,
  BFloat16 = 3,
}

export interface SummaryTemplate {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Offset of the value's bytes in `bytes`, and their count. */
  readonly valueAt: number;
  readonly width: number;
  readonly kind: ValueKind;
  readonly tag: string;
  readonly dtype: string;
  readonly plugin: string;
}

const SLOTS = 256;
const templates: (SummaryTemplate | undefined)[] = new Array<SummaryTemplate | undefined>(SLOTS).fill(
  undefined,
);

/**
 * The cache slot of the Summary in `b[s, e)` when it is one Summary.Value that starts with its tag
 * (the layout every writer produces: `0a LEN 0a TAGLEN tag …`, one-byte lengths), else -1. The
 * slot hashes the length and the tag's first and last four bytes.
 */
export function templateSlot(b: Uint8Array, view: DataView, s: number, e: number): number {
  const n = e - s;
  if (n < 8 || n > 129 || b[s] !== 0x0a || b[s + 1] + 2 !== n || b[s + 2] !== 0x0a) return -1;
  const tagLength = b[s + 3];
  if (tagLength < 4 || tagLength > n - 4) return -1;
  const h = Math.imul(n ^ view.getInt32(s + 4, true), 0x01000193) ^ view.getInt32(s + tagLength, true);
  return (h ^ (h >>> 8) ^ (h >>> 16)) & (SLOTS - 1);
}

/** Whether `view[s + from, s + to)` equals `bytes[from, to)` (`t` is the DataView of `bytes`). */
function same(view: DataView, s: number, t: DataView, from: number, to: number): boolean {
  let i = from;
  for (; i + 4 <= to; i += 4) if (view.getInt32(s + i, true) !== t.getInt32(i, true)) return false;
  for (; i < to; i++) if (view.getUint8(s + i) !== t.getUint8(i)) return false;
  return true;
}

/** The template in `slot` if `view[s, e)` equals its bytes everywhere outside the value's bytes. */
export function matchTemplate(
  view: DataView,
  s: number,
  e: number,
  slot: number,
): SummaryTemplate | undefined {
  const t = templates[slot];
  if (t === undefined || t.bytes.length !== e - s) return undefined;
  const valueEnd = t.valueAt + t.width;
  if (!same(view, s, t.view, 0, t.valueAt) || !same(view, s, t.view, valueEnd, e - s)) return undefined;
  return t;
}

/** Keeps the Summary `b[s, e)` (copied), whose single value is at `b[valueAt, valueAt + width)`. */
export function storeTemplate(
  slot: number,
  b: Uint8Array,
  s: number,
  e: number,
  valueAt: number,
  width: number,
  kind: ValueKind,
  tag: string,
  dtype: string,
  plugin: string,
): void {
  const bytes = new Uint8Array(b.subarray(s, e)); // a copy (slice of a Buffer would share its memory)
  templates[slot] = {
    bytes,
    view: new DataView(bytes.buffer),
    valueAt: valueAt - s,
    width,
    kind,
    tag,
    dtype,
    plugin,
  };
}

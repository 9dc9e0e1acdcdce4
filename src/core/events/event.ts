// Decodes the Event protobuf (tensorflow/core/util/event.proto) down to what curves need:
// wall_time, step, file_version, session_log status and the scalar values of its Summary —
// `simple_value`, or a `tensor` of one element in any float dtype (float, double, half,
// bfloat16) from `float_val`, `double_val`, `half_val` or `tensor_content`. Hand-rolled for speed
// (a million events a second); every read is bounds-checked and malformed input throws ProtoError.
import { ProtoError } from '../checkpoint/proto';
import { matchTemplate, storeTemplate, templateSlot, ValueKind } from './summaryTemplate';

export type ScalarDtype = 'simple' | 'float32' | 'float64' | 'float16' | 'bfloat16';

export interface ScalarValue {
  readonly tag: string;
  readonly value: number;
  readonly dtype: ScalarDtype;
  /** SummaryMetadata.plugin_data.plugin_name when this value carries metadata ('' when it carries none). */
  readonly plugin: string;
}

export type SessionStatus = 'start' | 'stop' | 'checkpoint' | 'unspecified';

export interface DecodedEvent {
  readonly wallTime: number;
  readonly step: number;
  readonly fileVersion?: string;
  readonly sessionLog?: SessionStatus;
  /** Scalar values of the event's summary (empty for other events). */
  readonly scalars: ScalarValue[];
  /** Tags of non-scalar summary values (histograms, images, text, larger tensors). */
  readonly otherTags?: string[];
}

// TensorFlow DataType enum values.
const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_BFLOAT16 = 14;
const DT_HALF = 19;

let buf: Uint8Array = new Uint8Array(0);
let view: DataView<ArrayBufferLike> = new DataView(buf.buffer);

function fail(reason: string): never {
  throw new ProtoError(reason);
}

/**
 * Reads a varint at `p` (< `end`); returns the value and stores the next position in `next`. Small,
 * so that the optimizer inlines it: keys and short lengths are one byte, most steps two or three.
 */
let next = 0;
function varint(p: number, end: number): number {
  if (p + 1 < end) {
    const b = buf[p];
    if (b < 0x80) {
      next = p + 1;
      return b;
    }
    const b1 = buf[p + 1];
    if (b1 < 0x80) {
      next = p + 2;
      return (b & 0x7f) | (b1 << 7);
    }
  } else if (p < end && buf[p] < 0x80) {
    next = p + 1;
    return buf[p];
  }
  return varintLong(p, end);
}

function varintLong(p: number, end: number): number {
  if (p + 2 < end && buf[p + 2] < 0x80) {
    next = p + 3;
    return (buf[p] & 0x7f) | ((buf[p + 1] & 0x7f) << 7) | (buf[p + 2] << 14);
  }
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (p >= end) fail('truncated varint');
    const b = buf[p++];
    result += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      next = p;
      return result;
    }
    scale *= 128;
  }
  fail('varint too long');
}

/** The field number of a key: a shift for every real key (a division compiles to a float divide). */
function fieldNumber(key: number): number {
  return key <= 0x7fffffff ? key >>> 3 : Math.floor(key / 8);
}

/** int64: values past 2^63 are negative in two's complement (10-byte varints). */
function int64(p: number, end: number): number {
  const start = p;
  const v = varint(p, end);
  if (next - start < 10) return v;
  let big = 0n;
  for (let i = next - 1; i >= start; i--) big = (big << 7n) | BigInt(buf[i] & 0x7f);
  return Number(BigInt.asIntN(64, big));
}

function skip(wire: number, p: number, end: number): number {
  switch (wire) {
    case 0:
      varint(p, end);
      return next;
    case 1:
      if (p + 8 > end) fail('truncated fixed64');
      return p + 8;
    case 2: {
      const len = varint(p, end);
      if (len > end - next) fail('length-delimited field runs past the end');
      return next + len;
    }
    case 5:
      if (p + 4 > end) fail('truncated fixed32');
      return p + 4;
    default:
      fail(`unsupported wire type ${wire}`);
  }
}

/** Start and end of a length-delimited field whose length varint starts at `p`. */
function delimited(p: number, end: number): number {
  const len = varint(p, end);
  if (len > end - next) fail('length-delimited field runs past the end');
  return next + len;
}

// Tags repeat on every event: decode each distinct byte string once. Two direct-mapped caches: a
// quick one indexed by the length and three of the bytes (no pass over the bytes before the
// comparison), and behind it one indexed by an FNV-1a hash of all the bytes, for tags that differ
// only elsewhere. A hit is always confirmed byte by byte; a miss decodes.
const QUICK_SLOTS = 256;
const quickBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(QUICK_SLOTS).fill(undefined);
const quickText: string[] = new Array<string>(QUICK_SLOTS).fill('');
const TAG_SLOTS = 1024;
const tagBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(TAG_SLOTS).fill(undefined);
const tagText: string[] = new Array<string>(TAG_SLOTS).fill('');
const utf8 = new TextDecoder('utf-8');

function sameBytes(b: Uint8Array, start: number, end: number, cached: Uint8Array | undefined): boolean {
  if (cached === undefined || cached.length !== end - start) return false;
  for (let i = start, j = 0; i < end; i++, j++) if (b[i] !== cached[j]) return false;
  return true;
}

function tagString(start: number, end: number): string {
  const b = buf;
  const n = end - start;
  const quick =
    n === 0 ? 0 : (n * 31 + b[start] * 7 + b[start + (n >>> 1)] * 17 + b[end - 1] * 131) & (QUICK_SLOTS - 1);
  if (sameBytes(b, start, end, quickBytes[quick])) return quickText[quick];
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
  const slot = (h ^ (h >>> 15)) & (TAG_SLOTS - 1);
  let text: string;
  let bytes = tagBytes[slot];
  if (sameBytes(b, start, end, bytes)) text = tagText[slot];
  else {
    bytes = new Uint8Array(b.subarray(start, end)); // a copy, also of a Buffer
    text = utf8.decode(bytes);
    tagBytes[slot] = bytes;
    tagText[slot] = text;
  }
  quickBytes[quick] = bytes;
  quickText[quick] = text;
  return text;
}

/** IEEE half → number (exact). */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const f32 = new Float32Array(1);
const f32bits = new Uint32Array(f32.buffer);
export function bfloat16ToNumber(bits: number): number {
  f32bits[0] = (bits & 0xffff) << 16;
  return f32[0];
}

let storedCount = 0;
let storedValue = 0;
/** Where the first stored value's bytes are, and their width (0: a varint, no fixed place). */
let storedAt = -1;
let storedWidth = 0;
function store(value: number, at: number, width: number): void {
  if (storedCount++ === 0) {
    storedValue = value;
    storedAt = at;
    storedWidth = width;
  }
}
let scalarValue = 0;
let scalarDtype: ScalarDtype = 'float32';
/** Where the last decoded scalar's bytes are and how to read them; `valueWidth` 0 when they have no fixed place. */
let valueAt = -1;
let valueWidth = 0;
let valueKind: ValueKind = ValueKind.Float32;

const KIND: Record<ScalarDtype, ValueKind> = {
  simple: ValueKind.Float32,
  float32: ValueKind.Float32,
  float64: ValueKind.Float64,
  float16: ValueKind.Float16,
  bfloat16: ValueKind.BFloat16,
};

/** Sets scalarValue/scalarDtype to the single value of a TensorProto; false when it is not a one-element float tensor. */
function tensorScalar(start: number, end: number): boolean {
  let dtype = 0;
  let elements = 1;
  let content = -1;
  let contentEnd = -1;
  storedCount = 0;
  storedValue = 0;
  storedAt = -1;
  storedWidth = 0;
  let p = start;
  while (p < end) {
    const key = varint(p, end);
    p = next;
    const field = fieldNumber(key);
    const wire = key & 7;
    if (field === 1 && wire === 0) {
      dtype = varint(p, end);
      p = next;
    } else if (field === 2 && wire === 2) {
      // TensorShapeProto: dim (2) { size (1) }, unknown_rank (3)
      const shapeEnd = delimited(p, end);
      let q = next;
      while (q < shapeEnd) {
        const k = varint(q, shapeEnd);
        q = next;
        if (k >>> 3 === 2 && (k & 7) === 2) {
          const dimEnd = delimited(q, shapeEnd);
          let r = next;
          let size = 0;
          while (r < dimEnd) {
            const dk = varint(r, dimEnd);
            r = next;
            if (dk >>> 3 === 1 && (dk & 7) === 0) {
              size = int64(r, dimEnd);
              r = next;
            } else r = skip(dk & 7, r, dimEnd);
          }
          elements *= size;
          q = dimEnd;
        } else if (k >>> 3 === 3 && (k & 7) === 0) {
          if (varint(q, shapeEnd) !== 0) elements = -1;
          q = next;
        } else q = skip(k & 7, q, shapeEnd);
      }
      p = shapeEnd;
    } else if (field === 4 && wire === 2) {
      contentEnd = delimited(p, end);
      content = next;
      p = contentEnd;
    } else if (field === 5 && wire === 2) {
      // float_val, packed
      const e = delimited(p, end);
      if ((e - next) % 4) fail('packed float_val length is not a multiple of 4');
      for (let q = next; q < e; q += 4) store(view.getFloat32(q, true), q, 4);
      p = e;
    } else if (field === 5 && wire === 5) {
      if (p + 4 > end) fail('truncated fixed32');
      store(view.getFloat32(p, true), p, 4);
      p += 4;
    } else if (field === 6 && wire === 2) {
      const e = delimited(p, end);
      if ((e - next) % 8) fail('packed double_val length is not a multiple of 8');
      for (let q = next; q < e; q += 8) store(view.getFloat64(q, true), q, 8);
      p = e;
    } else if (field === 6 && wire === 1) {
      if (p + 8 > end) fail('truncated fixed64');
      store(view.getFloat64(p, true), p, 8);
      p += 8;
    } else if (field === 13 && wire === 2) {
      // half_val (also bfloat16), packed int32 bit patterns
      const e = delimited(p, end);
      let q = next;
      while (q < e) {
        store(varint(q, e), -1, 0);
        q = next;
      }
      p = e;
    } else if (field === 13 && wire === 0) {
      store(varint(p, end), -1, 0);
      p = next;
    } else p = skip(wire, p, end);
  }
  if (elements !== 1) return false;
  let type: ScalarDtype;
  let size: number;
  switch (dtype) {
    case DT_FLOAT:
      type = 'float32';
      size = 4;
      break;
    case DT_DOUBLE:
      type = 'float64';
      size = 8;
      break;
    case DT_HALF:
      type = 'float16';
      size = 2;
      break;
    case DT_BFLOAT16:
      type = 'bfloat16';
      size = 2;
      break;
    default:
      return false;
  }
  scalarDtype = type;
  if (content >= 0) {
    if (contentEnd - content !== size)
      fail(`tensor_content of ${contentEnd - content} bytes for one ${type}`);
    const value =
      size === 4
        ? view.getFloat32(content, true)
        : size === 8
          ? view.getFloat64(content, true)
          : type === 'float16'
            ? halfToNumber(view.getUint16(content, true))
            : bfloat16ToNumber(view.getUint16(content, true));
    scalarValue = value;
    valueAt = content;
    valueWidth = size;
    valueKind = KIND[type];
    return true;
  }
  // As make_ndarray does: one stored value fills the shape; none means zeros.
  if (storedCount > 1) fail('more values than elements');
  const stored = storedValue;
  // A fixed place only when the value is read as stored: float_val of a float, double_val of a double.
  valueAt = storedAt;
  valueWidth = storedWidth === size && size >= 4 ? size : 0;
  valueKind = KIND[type];
  scalarValue =
    type === 'float16'
      ? halfToNumber(stored & 0xffff)
      : type === 'bfloat16'
        ? bfloat16ToNumber(stored)
        : stored;
  return true;
}

/** The event being decoded; reused, so that reading a million events allocates no objects per event. */
export interface RawEvent {
  wallTime: number;
  step: number;
  fileVersion: string | undefined;
  sessionLog: SessionStatus | undefined;
  /** Number of scalars: entries `[0, count)` of tags, values, dtypes and plugins. */
  count: number;
  readonly tags: string[];
  readonly values: number[];
  readonly dtypes: ScalarDtype[];
  readonly plugins: string[];
  readonly otherTags: string[];
}

const raw: RawEvent = {
  wallTime: 0,
  step: 0,
  fileVersion: undefined,
  sessionLog: undefined,
  count: 0,
  tags: [],
  values: [],
  dtypes: [],
  plugins: [],
  otherTags: [],
};

function addScalar(tag: string, value: number, dtype: ScalarDtype, plugin: string): void {
  const i = raw.count++;
  raw.tags[i] = tag;
  raw.values[i] = value;
  raw.dtypes[i] = dtype;
  raw.plugins[i] = plugin;
}

/** Summary.Value → a scalar of `raw`, or its tag to `raw.otherTags`. */
function summaryValue(start: number, end: number): void {
  let tag = '';
  let simple: number | undefined;
  let simpleAt = -1;
  let tensorStart = -1;
  let tensorEnd = -1;
  let plugin = '';
  let other = false;
  let p = start;
  while (p < end) {
    const key = varint(p, end);
    p = next;
    const field = fieldNumber(key);
    const wire = key & 7;
    if (field === 1 && wire === 2) {
      const e = delimited(p, end);
      tag = tagString(next, e);
      p = e;
    } else if (field === 2 && wire === 5) {
      if (p + 4 > end) fail('truncated fixed32');
      simple = view.getFloat32(p, true);
      simpleAt = p;
      p += 4;
    } else if (field === 8 && wire === 2) {
      tensorEnd = delimited(p, end);
      tensorStart = next;
      p = tensorEnd;
    } else if (field === 9 && wire === 2) {
      // SummaryMetadata: plugin_data (1) { plugin_name (1) }
      const e = delimited(p, end);
      let q = next;
      while (q < e) {
        const k = varint(q, e);
        q = next;
        if (k >>> 3 === 1 && (k & 7) === 2) {
          const pe = delimited(q, e);
          let r = next;
          while (r < pe) {
            const pk = varint(r, pe);
            r = next;
            if (pk >>> 3 === 1 && (pk & 7) === 2) {
              const ne = delimited(r, pe);
              plugin = tagString(next, ne);
              r = ne;
            } else r = skip(pk & 7, r, pe);
          }
          q = pe;
        } else q = skip(k & 7, q, e);
      }
      p = e;
    } else {
      if (field >= 3 && field <= 6) other = true; // histo, image, audio
      p = skip(wire, p, end);
    }
  }
  if (simple !== undefined) {
    addScalar(tag, simple, 'simple', plugin);
    valueAt = simpleAt;
    valueWidth = 4;
    valueKind = ValueKind.Float32;
    return;
  }
  if (tensorStart >= 0 && (plugin === '' || plugin === 'scalars') && tensorScalar(tensorStart, tensorEnd)) {
    addScalar(tag, scalarValue, scalarDtype, plugin);
    return;
  }
  if (other || tensorStart >= 0) raw.otherTags.push(tag);
}

/** A template's value at `at`. */
function templateValue(at: number, kind: ValueKind): number {
  switch (kind) {
    case ValueKind.Float32:
      return view.getFloat32(at, true);
    case ValueKind.Float64:
      return view.getFloat64(at, true);
    case ValueKind.Float16:
      return halfToNumber(view.getUint16(at, true));
    default:
      return bfloat16ToNumber(view.getUint16(at, true));
  }
}

/**
 * Decodes the Event in `bytes[start, end)` into a shared RawEvent (valid until the next call).
 * Throws ProtoError on malformed bytes.
 */
export function decodeEventRaw(bytes: Uint8Array, start = 0, end = bytes.length): RawEvent {
  if (bytes !== buf) {
    buf = bytes;
    view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  raw.wallTime = 0;
  raw.step = 0;
  raw.fileVersion = undefined;
  raw.sessionLog = undefined;
  raw.count = 0;
  if (raw.otherTags.length) raw.otherTags.length = 0;
  let p = start;
  while (p < end) {
    const key = varint(p, end);
    p = next;
    const field = fieldNumber(key);
    const wire = key & 7;
    if (field === 0) fail('field number 0');
    if (field === 1 && wire === 1) {
      if (p + 8 > end) fail('truncated fixed64');
      raw.wallTime = view.getFloat64(p, true);
      p += 8;
    } else if (field === 2 && wire === 0) {
      raw.step = int64(p, end);
      p = next;
    } else if (field === 3 && wire === 2) {
      const e = delimited(p, end);
      raw.fileVersion = utf8.decode(buf.subarray(next, e));
      p = e;
    } else if (field === 5 && wire === 2) {
      const e = delimited(p, end);
      const s = next;
      const slot = templateSlot(buf, view, s, e);
      if (slot >= 0) {
        const t = matchTemplate(view, s, e, slot);
        if (t !== undefined) {
          addScalar(t.tag, templateValue(s + t.valueAt, t.kind), t.dtype as ScalarDtype, t.plugin);
          p = e;
          continue;
        }
      }
      const count = raw.count;
      const others = raw.otherTags.length;
      valueWidth = 0;
      let q = s;
      while (q < e) {
        const k = varint(q, e);
        q = next;
        if (k >>> 3 === 1 && (k & 7) === 2) {
          const ve = delimited(q, e);
          summaryValue(next, ve);
          q = ve;
        } else q = skip(k & 7, q, e);
      }
      if (slot >= 0 && raw.count === count + 1 && raw.otherTags.length === others && valueWidth > 0) {
        const i = raw.count - 1;
        storeTemplate(
          slot,
          buf,
          s,
          e,
          valueAt,
          valueWidth,
          valueKind,
          raw.tags[i],
          raw.dtypes[i],
          raw.plugins[i],
        );
      }
      p = e;
    } else if (field === 7 && wire === 2) {
      // SessionLog: status (1)
      const e = delimited(p, end);
      let q = next;
      raw.sessionLog = 'unspecified';
      while (q < e) {
        const k = varint(q, e);
        q = next;
        if (k >>> 3 === 1 && (k & 7) === 0) {
          const s = varint(q, e);
          q = next;
          raw.sessionLog = s === 1 ? 'start' : s === 2 ? 'stop' : s === 3 ? 'checkpoint' : 'unspecified';
        } else q = skip(k & 7, q, e);
      }
      p = e;
    } else p = skip(wire, p, end);
  }
  return raw;
}

/** Decodes one Event record into a fresh object. Throws ProtoError on malformed bytes. */
export function decodeEvent(bytes: Uint8Array): DecodedEvent {
  return toDecodedEvent(decodeEventRaw(bytes));
}

/** A copy of the shared RawEvent as a plain object. */
export function toDecodedEvent(r: RawEvent): DecodedEvent {
  const scalars: ScalarValue[] = [];
  for (let i = 0; i < r.count; i++)
    scalars.push({ tag: r.tags[i], value: r.values[i], dtype: r.dtypes[i], plugin: r.plugins[i] });
  return {
    wallTime: r.wallTime,
    step: r.step,
    ...(r.fileVersion !== undefined ? { fileVersion: r.fileVersion } : {}),
    ...(r.sessionLog !== undefined ? { sessionLog: r.sessionLog } : {}),
    scalars,
    ...(r.otherTags.length ? { otherTags: [...r.otherTags] } : {}),
  };
}

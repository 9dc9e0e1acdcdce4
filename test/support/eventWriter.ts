// Writes TensorFlow event files for tests, independently of src/core/events: TFRecord framing with
// masked CRC32C, and Event/Summary protobufs encoded by hand (simple_value, tensors of each float
// dtype through float_val/double_val/half_val/tensor_content, plugin metadata, session logs).
import * as fs from 'node:fs';
import { crc32c, maskCrc } from '../../src/core/checkpoint/crc32c';

function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? b | 0x80 : b);
  } while (v);
  return out;
}

const key = (field: number, wire: number) => varint(field * 8 + wire);
const bytesField = (field: number, data: ArrayLike<number>) => [
  ...key(field, 2),
  ...varint(data.length),
  ...Array.from(data),
];
const f64 = (v: number) => Array.from(new Uint8Array(Float64Array.of(v).buffer));
const f32 = (v: number) => Array.from(new Uint8Array(Float32Array.of(v).buffer));
const text = (s: string) => Array.from(new TextEncoder().encode(s));

export type TensorSpec =
  | { dtype: 'float32' | 'float64'; value: number; via: 'val' | 'content'; shape?: number[] }
  | { dtype: 'float16' | 'bfloat16'; bits: number; via: 'val' | 'content'; shape?: number[] };

export interface ValueSpec {
  tag: string;
  simple?: number;
  tensor?: TensorSpec;
  plugin?: string;
  /** A histogram (field 5) instead of a scalar. */
  histo?: boolean;
}

export interface EventSpec {
  wallTime?: number;
  step?: number | bigint;
  fileVersion?: string;
  sessionLog?: number;
  values?: ValueSpec[];
}

const DTYPE = { float32: 1, float64: 2, bfloat16: 14, float16: 19 } as const;

function tensorProto(t: TensorSpec): number[] {
  const out = [...key(1, 0), ...varint(DTYPE[t.dtype])];
  const shape = (t.shape ?? []).flatMap((size) => bytesField(2, [...key(1, 0), ...varint(size)]));
  out.push(...bytesField(2, shape));
  if ('value' in t) {
    const raw = t.dtype === 'float32' ? f32(t.value) : f64(t.value);
    out.push(...(t.via === 'content' ? bytesField(4, raw) : bytesField(t.dtype === 'float32' ? 5 : 6, raw)));
  } else {
    out.push(
      ...(t.via === 'content'
        ? bytesField(4, [t.bits & 0xff, t.bits >>> 8])
        : bytesField(13, varint(t.bits))),
    );
  }
  return out;
}

function valueProto(v: ValueSpec): number[] {
  // In field order, as TensorFlow serializes: the metadata comes after the value.
  const out = bytesField(1, text(v.tag));
  if (v.simple !== undefined) out.push(...key(2, 5), ...f32(v.simple));
  if (v.histo) out.push(...bytesField(5, [...key(1, 1), ...f64(0)]));
  if (v.tensor) out.push(...bytesField(8, tensorProto(v.tensor)));
  if (v.plugin !== undefined) out.push(...bytesField(9, bytesField(1, bytesField(1, text(v.plugin)))));
  return out;
}

export function encodeEvent(e: EventSpec): Uint8Array {
  const out: number[] = [];
  if (e.wallTime !== undefined) out.push(...key(1, 1), ...f64(e.wallTime));
  if (e.step !== undefined) out.push(...key(2, 0), ...varint(e.step));
  if (e.fileVersion !== undefined) out.push(...bytesField(3, text(e.fileVersion)));
  if (e.values)
    out.push(
      ...bytesField(
        5,
        e.values.flatMap((v) => bytesField(1, valueProto(v))),
      ),
    );
  if (e.sessionLog !== undefined) out.push(...bytesField(7, [...key(1, 0), ...varint(e.sessionLog)]));
  return Uint8Array.from(out);
}

/** One TFRecord: length, masked CRC of the length, data, masked CRC of the data. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length + 4);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(data.length), true);
  dv.setUint32(8, maskCrc(crc32c(out.subarray(0, 8))), true);
  out.set(data, 12);
  dv.setUint32(12 + data.length, maskCrc(crc32c(data)), true);
  return out;
}

export function eventFileBytes(events: readonly EventSpec[]): Buffer {
  return Buffer.concat(events.map((e) => frameRecord(encodeEvent(e))));
}

export function writeEventFile(file: string, events: readonly EventSpec[]): void {
  fs.writeFileSync(file, eventFileBytes(events));
}

export function appendEvents(file: string, events: readonly EventSpec[]): void {
  fs.appendFileSync(file, eventFileBytes(events));
}

/** A scalar event as tf.summary.scalar writes it in TF2: a float32 tensor with the 'scalars' plugin. */
export function scalarEvent(step: number, tag: string, value: number, wallTime = 1.7e9 + step): EventSpec {
  return {
    wallTime,
    step,
    values: [{ tag, plugin: 'scalars', tensor: { dtype: 'float32', value, via: 'content' } }],
  };
}

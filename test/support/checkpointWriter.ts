// Test-only TensorBundle V2 writer: `<prefix>.index` + `<prefix>.data-00000-of-00001` from named
// tensors, laid out as TensorFlow's BundleWriter does (CHECKPOINT_FORMAT.md §2-§4). Used to make
// small checkpoints with heads the fixtures lack and a BERT-base-sized one for the benchmark.
import * as fs from 'node:fs/promises';
import { compress } from 'snappyjs';
import { crc32c, crc32cExtend, maskCrc } from '../../src/core/checkpoint/crc32c';

export interface WriterTensor {
  /** TF1-style name (`bert/encoder/layer_0/...`) or any key. */
  readonly name: string;
  readonly shape: readonly number[];
  /**
   * float32 values (or int64 for `global_step`-like tensors); a function is called when the tensor
   * is written; `{ dtype, bytes }` stores bytes as they are under any DataType number.
   */
  readonly data:
    | Float32Array
    | BigInt64Array
    | (() => Float32Array)
    | {
        readonly dtype: number;
        readonly bytes: Uint8Array;
        /** unmasked; default crc32c(bytes) */ readonly crc?: number;
      };
  /** Data shard (default 0); see `WriterOptions.numShards`. */
  readonly shard?: number;
  /** A partitioned variable's full-tensor entry: no bytes, only these slice extents (`[start, length]`, length -1 = all). */
  readonly slices?: readonly (readonly (readonly [number, number])[])[];
}

export interface WriterOptions {
  /** Data-block size threshold (TensorFlow: 256 KiB); small values produce several blocks. */
  readonly blockSize?: number;
  /** Compress data blocks with Snappy when that saves at least 12.5 %, as TF Serving's files do. */
  readonly snappy?: boolean;
  /** `version.min_consumer` in the header (TensorFlow writes 0). */
  readonly minConsumer?: number;
  /** Number of data shards (default 1). */
  readonly numShards?: number;
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

function fixed32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

function lengthDelimited(field: number, bytes: readonly number[]): number[] {
  return [(field << 3) | 2, ...varint(bytes.length), ...bytes];
}

function entryProto(
  dtype: number,
  shape: readonly number[],
  place: { shard: number; offset: number; size: number; crc: number },
  slices: readonly (readonly (readonly [number, number])[])[] = [],
): number[] {
  const dims = shape.flatMap((d) => lengthDelimited(2, d === 0 ? [] : [0x08, ...varint(d)]));
  const int64 = (n: number) =>
    n >= 0 ? varint(n) : [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
  const sliceProtos = slices.flatMap((extents) =>
    lengthDelimited(
      7,
      extents.flatMap(([start, length]) =>
        lengthDelimited(1, [
          ...(start ? [0x08, ...int64(start)] : []),
          ...(length >= 0 ? [0x10, ...int64(length)] : []),
        ]),
      ),
    ),
  );
  return [
    0x08,
    ...varint(dtype),
    ...lengthDelimited(2, dims),
    ...(place.shard ? [0x18, ...varint(place.shard)] : []),
    ...(place.offset ? [0x20, ...varint(place.offset)] : []),
    ...(place.size ? [0x28, ...varint(place.size)] : []),
    0x35,
    ...fixed32(maskCrc(place.crc)),
    ...sliceProtos,
  ];
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

class BlockBuilder {
  private bytes: number[] = [];
  private restarts: number[] = [0];
  private counter = 0;
  private last: Uint8Array = new Uint8Array(0);
  entries = 0;
  constructor(private readonly interval: number) {}
  add(key: Uint8Array, value: readonly number[]): void {
    let shared = 0;
    if (this.counter < this.interval) {
      while (shared < Math.min(key.length, this.last.length) && key[shared] === this.last[shared]) shared++;
    } else {
      this.restarts.push(this.bytes.length);
      this.counter = 0;
    }
    this.bytes.push(...varint(shared), ...varint(key.length - shared), ...varint(value.length));
    for (let i = shared; i < key.length; i++) this.bytes.push(key[i]);
    for (const b of value) this.bytes.push(b);
    this.last = key;
    this.counter++;
    this.entries++;
  }
  get estimatedSize(): number {
    return this.bytes.length + 4 * this.restarts.length + 4;
  }
  finish(): Uint8Array {
    const out = [...this.bytes, ...this.restarts.flatMap(fixed32), ...fixed32(this.restarts.length)];
    return Uint8Array.from(out);
  }
}

/** Writes the bundle; returns the paths written. Tensors are stored in the given order, keys sorted. */
export async function writeCheckpoint(
  prefix: string,
  tensors: readonly WriterTensor[],
  options: WriterOptions = {},
): Promise<{ index: string; data: string }> {
  const encoder = new TextEncoder();
  const numShards = options.numShards ?? 1;
  const shardName = (n: number) =>
    `${prefix}.data-${String(n).padStart(5, '0')}-of-${String(numShards).padStart(5, '0')}`;
  const dataFile = shardName(0);
  const entries: { key: Uint8Array; value: number[] }[] = [];
  const handles = await Promise.all(Array.from({ length: numShards }, (_, n) => fs.open(shardName(n), 'w')));
  const offsets = new Array<number>(numShards).fill(0);
  try {
    for (const t of tensors) {
      const key = encoder.encode(t.name);
      const dtypeOf = (d: WriterTensor['data']) =>
        'dtype' in d ? d.dtype : d instanceof BigInt64Array ? 9 : 1;
      if (t.slices) {
        entries.push({
          key,
          value: entryProto(dtypeOf(t.data), t.shape, { shard: 0, offset: 0, size: 0, crc: 0 }, t.slices),
        });
        continue;
      }
      const values = typeof t.data === 'function' ? t.data() : t.data;
      let bytes: Uint8Array;
      if ('dtype' in values) bytes = values.bytes;
      else {
        bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
        const expected = t.shape.reduce((a, b) => a * b, 1);
        if (values.length !== expected)
          throw new Error(`${t.name}: ${values.length} values for shape [${t.shape}]`);
      }
      const shard = t.shard ?? 0;
      const offset = offsets[shard];
      await handles[shard].write(bytes, 0, bytes.length, offset);
      entries.push({
        key,
        value: entryProto(dtypeOf(values), t.shape, {
          shard,
          offset,
          size: bytes.length,
          crc: 'dtype' in values && values.crc !== undefined ? values.crc : crc32c(bytes),
        }),
      });
      offsets[shard] += bytes.length;
    }
  } finally {
    await Promise.all(handles.map((h) => h.close()));
  }
  entries.sort((a, b) => compareBytes(a.key, b.key));
  const minConsumer = options.minConsumer ?? 0;
  const header = [
    0x08,
    ...varint(numShards),
    ...lengthDelimited(3, [0x08, 0x01, ...(minConsumer ? [0x10, ...varint(minConsumer)] : [])]),
  ];
  entries.unshift({ key: new Uint8Array(0), value: header });

  const file: number[] = [];
  const writeBlock = (contents: Uint8Array, allowSnappy: boolean): [number, number] => {
    let stored = contents;
    let type = 0;
    if (allowSnappy && options.snappy) {
      const packed = compress(contents);
      if (packed.length < contents.length - contents.length / 8) {
        stored = packed;
        type = 1;
      }
    }
    const handleOut: [number, number] = [file.length, stored.length];
    for (const b of stored) file.push(b);
    file.push(type, ...fixed32(maskCrc(crc32cExtend(crc32c(stored), Uint8Array.of(type)))));
    return handleOut;
  };
  const blockSize = options.blockSize ?? 262144;
  const index = new BlockBuilder(1);
  let block = new BlockBuilder(16);
  let lastKey: Uint8Array = new Uint8Array(0);
  const flush = () => {
    const [off, size] = writeBlock(block.finish(), true);
    index.add(lastKey, [...varint(off), ...varint(size)]);
    block = new BlockBuilder(16);
  };
  for (const e of entries) {
    if (block.entries > 0 && block.estimatedSize >= blockSize) flush();
    block.add(e.key, e.value);
    lastKey = e.key;
  }
  flush();
  const meta = writeBlock(new BlockBuilder(16).finish(), false);
  const idx = writeBlock(index.finish(), false);
  const footer = [...varint(meta[0]), ...varint(meta[1]), ...varint(idx[0]), ...varint(idx[1])];
  while (footer.length < 40) footer.push(0);
  footer.push(0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb);
  for (const b of footer) file.push(b);
  await fs.writeFile(`${prefix}.index`, Uint8Array.from(file));
  return { index: `${prefix}.index`, data: dataFile };
}

/** A DT_STRING tensor's stored bytes and unmasked CRC (CHECKPOINT_FORMAT.md §6). */
export function stringTensor(strings: readonly Uint8Array[]): {
  dtype: number;
  bytes: Uint8Array;
  crc: number;
} {
  const lengths = strings.flatMap((b) => varint(b.length));
  const fixed = Uint8Array.from(strings.flatMap((b) => fixed32(b.length)));
  const lengthCrc = fixed32(maskCrc(crc32c(fixed)));
  const body = Buffer.concat(strings.map((b) => Buffer.from(b)));
  const bytes = Uint8Array.from([...lengths, ...lengthCrc, ...body]);
  const crc = crc32cExtend(crc32cExtend(crc32c(fixed), Uint8Array.from(lengthCrc)), body);
  return { dtype: 7, bytes, crc };
}

/** A serialized TrackableObjectGraph: node 0 is the root; each variable node gets one VARIABLE_VALUE attribute. */
export function objectGraph(
  nodes: readonly {
    readonly children?: readonly { readonly nodeId: number; readonly localName: string }[];
    readonly variable?: { readonly fullName: string; readonly checkpointKey: string };
  }[],
): Uint8Array {
  const text = (s: string) => [...new TextEncoder().encode(s)];
  return Uint8Array.from(
    nodes.flatMap((node) =>
      lengthDelimited(1, [
        ...(node.children ?? []).flatMap((c) =>
          lengthDelimited(1, [0x08, ...varint(c.nodeId), ...lengthDelimited(2, text(c.localName))]),
        ),
        ...(node.variable
          ? lengthDelimited(2, [
              ...lengthDelimited(1, text('VARIABLE_VALUE')),
              ...lengthDelimited(2, text(node.variable.fullName)),
              ...lengthDelimited(3, text(node.variable.checkpointKey)),
            ])
          : []),
      ]),
    ),
  );
}

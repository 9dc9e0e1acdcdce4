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
  /** float32 values (or int64 for `global_step`-like tensors); a function is called when the tensor is written. */
  readonly data: Float32Array | BigInt64Array | (() => Float32Array);
}

export interface WriterOptions {
  /** Data-block size threshold (TensorFlow: 256 KiB); small values produce several blocks. */
  readonly blockSize?: number;
  /** Compress data blocks with Snappy when that saves at least 12.5 %, as TF Serving's files do. */
  readonly snappy?: boolean;
  /** `version.min_consumer` in the header (TensorFlow writes 0). */
  readonly minConsumer?: number;
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
  offset: number,
  size: number,
  crc: number,
): number[] {
  const dims = shape.flatMap((d) => lengthDelimited(2, d === 0 ? [] : [0x08, ...varint(d)]));
  return [
    0x08,
    ...varint(dtype),
    ...lengthDelimited(2, dims),
    ...(offset ? [0x20, ...varint(offset)] : []),
    ...(size ? [0x28, ...varint(size)] : []),
    0x35,
    ...fixed32(maskCrc(crc)),
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
  const dataFile = `${prefix}.data-00000-of-00001`;
  const entries: { key: Uint8Array; value: number[] }[] = [];
  const handle = await fs.open(dataFile, 'w');
  let offset = 0;
  try {
    for (const t of tensors) {
      const values = typeof t.data === 'function' ? t.data() : t.data;
      const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      const dtype = values instanceof BigInt64Array ? 9 : 1;
      const expected = t.shape.reduce((a, b) => a * b, 1);
      if (values.length !== expected)
        throw new Error(`${t.name}: ${values.length} values for shape [${t.shape}]`);
      await handle.write(bytes, 0, bytes.length, offset);
      entries.push({
        key: encoder.encode(t.name),
        value: entryProto(dtype, t.shape, offset, bytes.length, crc32c(bytes)),
      });
      offset += bytes.length;
    }
  } finally {
    await handle.close();
  }
  entries.sort((a, b) => compareBytes(a.key, b.key));
  const minConsumer = options.minConsumer ?? 0;
  const header = [
    0x08,
    0x01,
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

// The bundle's metadata: the header entry and one BundleEntryProto per tensor (CHECKPOINT_FORMAT.md §3).
import { dtypeName } from './dtype';
import { CheckpointError } from './errors';
import { fields, ProtoError, readLength, cursor, toInt32, toInt64, utf8String } from './proto';
import { parseTable, type Table } from './sstable';

export interface BundleHeader {
  readonly numShards: number;
  /** 0 = little-endian (always, in practice), 1 = big-endian. */
  readonly endianness: 0 | 1;
  readonly version: {
    readonly producer: number;
    readonly minConsumer: number;
    readonly badConsumers: number[];
  };
}

export interface SliceExtent {
  readonly start: number;
  /** Absent: the whole dimension. */
  readonly length?: number;
}

export interface TensorEntry {
  readonly key: string;
  readonly dtype: number;
  readonly dtypeName: string;
  readonly shape: readonly number[];
  readonly unknownRank: boolean;
  readonly shard: number;
  readonly offset: number;
  readonly size: number;
  /** The stored (masked) crc32c. */
  readonly crc32c: number;
  /** Non-empty for a partitioned variable (whose bytes live under separate slice keys). */
  readonly slices: readonly (readonly SliceExtent[])[];
}

export interface BundleIndex {
  readonly file: string;
  readonly header: BundleHeader;
  readonly table: Table;
  /** Tensors in key (bytewise) order, without the header and slice keys. */
  readonly tensors: readonly TensorEntry[];
  /** Raw keys of slice entries (start with 0x00), with their entries. */
  readonly sliceEntries: readonly TensorEntry[];
}

export const KNOWN_VERSION = 1;

function safeNumber(v: number | bigint, what: string): number {
  const n = toInt64(v);
  if (typeof n === 'bigint') throw new ProtoError(`${what} ${n} is out of range`);
  return n;
}

export function parseHeader(value: Uint8Array): BundleHeader {
  let numShards = 0;
  let endianness = 0;
  let producer = 0;
  let minConsumer = 0;
  const badConsumers: number[] = [];
  for (const f of fields(value)) {
    if (f.field === 1 && f.wire === 0) numShards = toInt32(f.value);
    else if (f.field === 2 && f.wire === 0) endianness = toInt32(f.value);
    else if (f.field === 3 && f.wire === 2) {
      for (const v of fields(f.value)) {
        if (v.field === 1 && v.wire === 0) producer = toInt32(v.value);
        else if (v.field === 2 && v.wire === 0) minConsumer = toInt32(v.value);
        else if (v.field === 3 && v.wire === 0) badConsumers.push(toInt32(v.value));
        else if (v.field === 3 && v.wire === 2) {
          const c = cursor(v.value);
          while (c.pos < c.end) badConsumers.push(toInt32(readLength(c)));
        }
      }
    }
  }
  if (endianness !== 0 && endianness !== 1) throw new ProtoError(`unknown endianness ${endianness}`);
  return { numShards, endianness, version: { producer, minConsumer, badConsumers } };
}

function parseShape(value: Uint8Array): { shape: number[]; unknownRank: boolean } {
  const shape: number[] = [];
  let unknownRank = false;
  for (const f of fields(value)) {
    if (f.field === 2 && f.wire === 2) {
      let size = 0;
      for (const d of fields(f.value))
        if (d.field === 1 && d.wire === 0) size = safeNumber(d.value, 'dimension');
      shape.push(size);
    } else if (f.field === 3 && f.wire === 0) unknownRank = f.value !== 0;
  }
  return { shape, unknownRank };
}

function parseSlice(value: Uint8Array): SliceExtent[] {
  const extents: SliceExtent[] = [];
  for (const f of fields(value)) {
    if (f.field !== 1 || f.wire !== 2) continue;
    let start = 0;
    let length: number | undefined;
    for (const e of fields(f.value)) {
      if (e.field === 1 && e.wire === 0) start = safeNumber(e.value, 'slice start');
      else if (e.field === 2 && e.wire === 0) length = safeNumber(e.value, 'slice length');
    }
    extents.push(length === undefined ? { start } : { start, length });
  }
  return extents;
}

export function parseEntry(key: string, value: Uint8Array): TensorEntry {
  let dtype = 0;
  let shape: number[] = [];
  let unknownRank = false;
  let shard = 0;
  let offset = 0;
  let size = 0;
  let crc = 0;
  const slices: SliceExtent[][] = [];
  for (const f of fields(value)) {
    if (f.field === 1 && f.wire === 0) dtype = toInt32(f.value);
    else if (f.field === 2 && f.wire === 2) ({ shape, unknownRank } = parseShape(f.value));
    else if (f.field === 3 && f.wire === 0) shard = toInt32(f.value);
    else if (f.field === 4 && f.wire === 0) offset = safeNumber(f.value, 'offset');
    else if (f.field === 5 && f.wire === 0) size = safeNumber(f.value, 'size');
    else if (f.field === 6 && f.wire === 5) crc = f.value;
    else if (f.field === 7 && f.wire === 2) slices.push(parseSlice(f.value));
  }
  if (offset < 0 || size < 0) throw new ProtoError(`negative offset or size`);
  if (shape.some((d) => d < 0)) throw new ProtoError(`negative dimension in shape [${shape.join(',')}]`);
  return {
    key,
    dtype,
    dtypeName: dtypeName(dtype),
    shape,
    unknownRank,
    shard,
    offset,
    size,
    crc32c: crc,
    slices,
  };
}

/** Parses a whole `.index` file. `file` names it in errors. */
export function parseBundleIndex(bytes: Uint8Array, file: string): BundleIndex {
  const table = parseTable(bytes, file);
  const [first, ...rest] = table.entries;
  if (!first || first.key.length !== 0) {
    throw new CheckpointError('corrupt', file, 'the index has no header entry (empty key)');
  }
  let header: BundleHeader;
  try {
    header = parseHeader(first.value);
  } catch (error) {
    throw new CheckpointError('corrupt', file, `bad bundle header: ${(error as Error).message}`);
  }
  const { producer, minConsumer, badConsumers } = header.version;
  if (producer < 0 || minConsumer > KNOWN_VERSION || badConsumers.includes(KNOWN_VERSION)) {
    throw new CheckpointError(
      'unknown-version',
      file,
      `bundle version producer=${producer} min_consumer=${minConsumer} is not readable by version ${KNOWN_VERSION}`,
    );
  }
  if (header.numShards < 1 || header.numShards > 99999) {
    throw new CheckpointError('corrupt', file, `bad shard count ${header.numShards} in the bundle header`);
  }
  const tensors: TensorEntry[] = [];
  const sliceEntries: TensorEntry[] = [];
  for (const { key: keyBytes, value } of rest) {
    const key = utf8String(keyBytes);
    let entry: TensorEntry;
    try {
      entry = parseEntry(key, value);
    } catch (error) {
      throw new CheckpointError('corrupt', file, `bad entry: ${(error as Error).message}`, key);
    }
    if (entry.shard < 0 || entry.shard >= header.numShards) {
      throw new CheckpointError(
        'corrupt',
        file,
        `shard ${entry.shard} is outside 0..${header.numShards - 1}`,
        key,
      );
    }
    (keyBytes[0] === 0 ? sliceEntries : tensors).push(entry);
  }
  return { file, header, table, tensors, sliceEntries };
}

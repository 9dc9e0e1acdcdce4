// The `.index` container: a LevelDB-format SSTable as TensorFlow's tsl::table writes it
// (CHECKPOINT_FORMAT.md §2). Works on the whole index file in memory (index files are small).
import { crc32c, crc32cExtend, unmaskCrc } from './crc32c';
import { CheckpointError } from './errors';
import { cursor, ProtoError, readLength } from './proto';
import { snappyUncompress, SnappyError } from './snappy';

export const FOOTER_LENGTH = 48;
export const TABLE_MAGIC = Uint8Array.of(0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb);

export interface BlockHandle {
  readonly offset: number;
  readonly size: number;
}

export interface TableEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

export interface DataBlockInfo extends BlockHandle {
  /** 0 = stored, 1 = Snappy. */
  readonly compression: 0 | 1;
  readonly entries: number;
  readonly restarts: readonly number[];
}

export interface Table {
  readonly fileSize: number;
  readonly metaindex: BlockHandle;
  readonly index: BlockHandle;
  /** Index-block entries: separator key → data block. */
  readonly indexEntries: readonly { readonly key: Uint8Array; readonly handle: BlockHandle }[];
  readonly dataBlocks: readonly DataBlockInfo[];
  /** Every key/value of every data block, in order. */
  readonly entries: readonly TableEntry[];
}

export function endsWithMagic(bytes: Uint8Array): boolean {
  if (bytes.length < TABLE_MAGIC.length) return false;
  const start = bytes.length - TABLE_MAGIC.length;
  return TABLE_MAGIC.every((b, i) => bytes[start + i] === b);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Parses and verifies a whole SSTable. `file` is only used in error messages. */
export function parseTable(bytes: Uint8Array, file: string): Table {
  const fail = (code: 'truncated' | 'corrupt' | 'bad-magic' | 'crc-mismatch', reason: string): never => {
    throw new CheckpointError(code, file, reason);
  };
  if (bytes.length < FOOTER_LENGTH) {
    if (!endsWithMagic(bytes))
      fail('bad-magic', 'not a TensorFlow checkpoint index (too short and no SSTable magic)');
    fail('truncated', `index file is ${bytes.length} bytes, shorter than the 48-byte footer`);
  }
  if (!endsWithMagic(bytes))
    fail('bad-magic', 'not a TensorFlow checkpoint index (bad SSTable magic number)');
  const footerStart = bytes.length - FOOTER_LENGTH;
  const handleAt = (c: ReturnType<typeof cursor>): BlockHandle => {
    try {
      return { offset: readLength(c), size: readLength(c) };
    } catch (error) {
      return fail('corrupt', `bad block handle in footer (${(error as Error).message})`);
    }
  };
  const footer = cursor(bytes, footerStart, bytes.length - TABLE_MAGIC.length);
  const metaindex = handleAt(footer);
  const index = handleAt(footer);

  const readBlock = (handle: BlockHandle, what: string): { contents: Uint8Array; compression: 0 | 1 } => {
    if (handle.offset + handle.size + 5 > footerStart) {
      fail(
        'truncated',
        `${what} at offset ${handle.offset} (${handle.size} bytes) runs past the end of the table`,
      );
    }
    const stored = bytes.subarray(handle.offset, handle.offset + handle.size);
    const type = bytes[handle.offset + handle.size];
    const t = handle.offset + handle.size + 1;
    const storedCrc = (bytes[t] | (bytes[t + 1] << 8) | (bytes[t + 2] << 16) | (bytes[t + 3] << 24)) >>> 0;
    const actual = crc32cExtend(crc32c(stored), Uint8Array.of(type));
    if (actual !== unmaskCrc(storedCrc)) {
      fail('crc-mismatch', `block checksum mismatch in ${what} at offset ${handle.offset}`);
    }
    if (type === 0) return { contents: stored, compression: 0 };
    if (type !== 1) fail('corrupt', `bad block type ${type} in ${what} at offset ${handle.offset}`);
    try {
      return { contents: snappyUncompress(stored), compression: 1 };
    } catch (error) {
      if (!(error instanceof SnappyError)) throw error;
      return fail(
        'corrupt',
        `bad Snappy data in ${what} at offset ${handle.offset}: ${error.reason} (byte ${error.position} of the block)`,
      );
    }
  };

  const parseBlock = (contents: Uint8Array, what: string): { entries: TableEntry[]; restarts: number[] } => {
    if (contents.length < 4)
      fail('corrupt', `${what} is ${contents.length} bytes, too short for its restart count`);
    const view = new DataView(contents.buffer, contents.byteOffset, contents.byteLength);
    const numRestarts = view.getUint32(contents.length - 4, true);
    const maxRestarts = Math.floor((contents.length - 4) / 4);
    if (numRestarts > maxRestarts)
      fail('corrupt', `${what} claims ${numRestarts} restart points, more than fit`);
    const restartsStart = contents.length - 4 - 4 * numRestarts;
    const restarts: number[] = [];
    for (let i = 0; i < numRestarts; i++) {
      const r = view.getUint32(restartsStart + 4 * i, true);
      if (r >= restartsStart && !(r === 0 && restartsStart === 0)) {
        fail('corrupt', `${what} restart point ${r} is outside its entries`);
      }
      restarts.push(r);
    }
    const entries: TableEntry[] = [];
    const c = cursor(contents, 0, restartsStart);
    let previous = new Uint8Array(0);
    try {
      while (c.pos < restartsStart) {
        const shared = readLength(c, 5);
        const nonShared = readLength(c, 5);
        const valueLength = readLength(c, 5);
        if (shared > previous.length)
          throw new ProtoError(`shares ${shared} bytes of a ${previous.length}-byte key`);
        if (nonShared + valueLength > restartsStart - c.pos)
          throw new ProtoError('entry runs past the block');
        const key = new Uint8Array(shared + nonShared);
        key.set(previous.subarray(0, shared));
        key.set(contents.subarray(c.pos, c.pos + nonShared), shared);
        c.pos += nonShared;
        const value = contents.subarray(c.pos, c.pos + valueLength);
        c.pos += valueLength;
        if (entries.length > 0 && compareBytes(key, previous) <= 0) throw new ProtoError('keys out of order');
        entries.push({ key, value });
        previous = key;
      }
    } catch (error) {
      if (error instanceof ProtoError) fail('corrupt', `bad entry in ${what}: ${error.message}`);
      throw error;
    }
    return { entries, restarts };
  };

  const indexBlock = parseBlock(readBlock(index, 'index block').contents, 'index block');
  readBlock(metaindex, 'metaindex block');
  const indexEntries = indexBlock.entries.map((e) => {
    try {
      const c = cursor(e.value);
      return { key: e.key, handle: { offset: readLength(c), size: readLength(c) } };
    } catch (error) {
      return fail('corrupt', `bad block handle in index block: ${(error as Error).message}`);
    }
  });
  const dataBlocks: DataBlockInfo[] = [];
  const entries: TableEntry[] = [];
  for (const { handle } of indexEntries) {
    const what = `data block at offset ${handle.offset}`;
    const block = readBlock(handle, 'data block');
    const parsed = parseBlock(block.contents, what);
    const first = parsed.entries[0];
    if (first && entries.length > 0 && compareBytes(first.key, entries[entries.length - 1].key) <= 0) {
      fail('corrupt', `${what} does not continue the key order`);
    }
    for (const entry of parsed.entries) entries.push(entry);
    dataBlocks.push({
      ...handle,
      compression: block.compression,
      entries: parsed.entries.length,
      restarts: parsed.restarts,
    });
  }
  return { fileSize: bytes.length, metaindex, index, indexEntries, dataBlocks, entries };
}

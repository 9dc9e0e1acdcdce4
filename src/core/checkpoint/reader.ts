// Lazily reads one bundle: the index at open, each tensor with a positioned read of its shard.
import * as fs from 'node:fs/promises';
import { parseBundleIndex, type BundleIndex, type TensorEntry } from './bundle';
import { crc32c, unmaskCrc } from './crc32c';
import { CheckpointError } from './errors';
import { resolvePrefix, shardFileName } from './locate';
import { decodeTensor, type TensorValue } from './values';

export interface ReadOptions {
  /** Check the tensor's crc32c (default true). */
  readonly verify?: boolean;
}

interface Shard {
  readonly file: string;
  readonly handle: fs.FileHandle;
  readonly size: number;
}

/** Bytes per positioned read. */
const READ_CHUNK = 16 << 20;

/** Largest index file read into memory (real ones are tens of KB). */
const MAX_INDEX_BYTES = 1 << 30;

export class CheckpointReader {
  private readonly shards = new Map<number, Promise<Shard>>();
  private readonly byKey: Map<string, TensorEntry>;
  private closed = false;

  private constructor(
    /** The bundle prefix, absolute. */
    readonly prefix: string,
    readonly index: BundleIndex,
  ) {
    this.byKey = new Map(index.tensors.map((t) => [t.key, t]));
  }

  /** Opens a prefix, `.index` file, data shard, checkpoint folder or SavedModel folder. */
  static async open(input: string): Promise<CheckpointReader> {
    const prefix = await resolvePrefix(input);
    return new CheckpointReader(prefix, await readIndexFile(prefix + '.index'));
  }

  get indexFile(): string {
    return this.prefix + '.index';
  }

  get numShards(): number {
    return this.index.header.numShards;
  }

  /** Every tensor entry, in key order (excluding slice keys). */
  get tensors(): readonly TensorEntry[] {
    return this.index.tensors;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  entry(key: string): TensorEntry {
    const entry = this.byKey.get(key);
    if (!entry) throw new CheckpointError('not-found', this.indexFile, 'no such tensor', key);
    return entry;
  }

  shardFile(shard: number): string {
    return shardFileName(this.prefix, shard, this.numShards);
  }

  private shard(id: number): Promise<Shard> {
    if (this.closed) throw new Error('CheckpointReader is closed');
    let shard = this.shards.get(id);
    if (!shard) {
      const file = this.shardFile(id);
      shard = (async () => {
        let handle: fs.FileHandle;
        try {
          handle = await fs.open(file, 'r');
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          throw new CheckpointError(
            'missing-shard',
            file,
            code === 'ENOENT' ? 'data shard is missing' : `cannot open data shard (${code ?? String(error)})`,
          );
        }
        const { size } = await handle.stat();
        return { file, handle, size };
      })();
      shard.catch(() => this.shards.delete(id));
      this.shards.set(id, shard);
    }
    return shard;
  }

  /** The stored bytes of a tensor, in a fresh 8-byte aligned buffer. */
  async readRaw(entryOrKey: TensorEntry | string): Promise<{ bytes: Uint8Array; file: string }> {
    const entry = typeof entryOrKey === 'string' ? this.entry(entryOrKey) : entryOrKey;
    if (entry.slices.length > 0) {
      throw new CheckpointError(
        'sliced',
        this.indexFile,
        `partitioned variable stored as ${entry.slices.length} slices; reading slices is not supported`,
        entry.key,
      );
    }
    const shard = await this.shard(entry.shard);
    if (entry.offset + entry.size > shard.size) {
      throw new CheckpointError(
        'truncated',
        shard.file,
        `tensor bytes [${entry.offset}, ${entry.offset + entry.size}) run past the end of the ${shard.size}-byte shard`,
        entry.key,
      );
    }
    const bytes = new Uint8Array(entry.size);
    let done = 0;
    while (done < entry.size) {
      // Chunked, so that a multi-hundred-MB tensor never holds the thread pool in one call.
      const length = Math.min(READ_CHUNK, entry.size - done);
      const { bytesRead } = await shard.handle.read(bytes, done, length, entry.offset + done);
      if (bytesRead === 0) {
        throw new CheckpointError('truncated', shard.file, 'unexpected end of the data shard', entry.key);
      }
      done += bytesRead;
    }
    return { bytes, file: shard.file };
  }

  /**
   * Checks that every data shard the index names exists and is long enough for the tensors it
   * holds, without reading them. Throws a CheckpointError (`missing-shard` or `truncated`) naming
   * the shard file.
   */
  async checkShards(): Promise<void> {
    const ends = new Map<number, { end: number; key: string }>();
    for (const t of [...this.tensors, ...this.index.sliceEntries]) {
      const end = t.offset + t.size;
      if (t.size > 0 && end > (ends.get(t.shard)?.end ?? -1)) ends.set(t.shard, { end, key: t.key });
    }
    for (const [id, { end, key }] of [...ends].sort((a, b) => a[0] - b[0])) {
      const shard = await this.shard(id);
      if (shard.size < end) {
        throw new CheckpointError(
          'truncated',
          shard.file,
          `data shard is ${shard.size} bytes, but the index places tensor bytes up to ${end}`,
          key,
        );
      }
    }
  }

  /** Reads and decodes one tensor (CRC checked unless `verify: false`). */
  async read(entryOrKey: TensorEntry | string, options: ReadOptions = {}): Promise<TensorValue> {
    const entry = typeof entryOrKey === 'string' ? this.entry(entryOrKey) : entryOrKey;
    const { bytes, file } = await this.readRaw(entry);
    return decodeTensor(entry, bytes, file, {
      verify: options.verify ?? true,
      bigEndian: this.index.header.endianness === 1,
    });
  }

  /** Reads a float tensor (float32/float16/bfloat16/float64) as float32. */
  async readFloat32(entryOrKey: TensorEntry | string, options: ReadOptions = {}): Promise<Float32Array> {
    const value = await this.read(entryOrKey, options);
    const v = value.values;
    if (v instanceof Float32Array) return v;
    if (v instanceof Float64Array) return Float32Array.from(v);
    throw new CheckpointError(
      'unsupported-dtype',
      this.indexFile,
      `expected a float tensor, found ${value.dtype}`,
      value.key,
    );
  }

  /**
   * Checks every tensor's CRC against its stored bytes, whatever its dtype (strings through their
   * length checksum too). Variants and partitioned entries are skipped. Throws the first failure;
   * returns the number of tensors checked.
   */
  async verifyAll(onProgress?: (done: number, total: number) => void): Promise<number> {
    const entries = this.tensors.filter((t) => t.slices.length === 0 && t.dtypeName !== 'variant');
    let done = 0;
    for (const entry of entries) {
      if (entry.dtypeName === 'string') await this.read(entry, { verify: true });
      else {
        const { bytes, file } = await this.readRaw(entry);
        if (crc32c(bytes) !== unmaskCrc(entry.crc32c)) {
          throw new CheckpointError('crc-mismatch', file, 'tensor checksum mismatch', entry.key);
        }
      }
      done++;
      onProgress?.(done, entries.length);
    }
    return done;
  }

  async close(): Promise<void> {
    this.closed = true;
    const shards = [...this.shards.values()];
    this.shards.clear();
    await Promise.all(shards.map(async (s) => (await s.catch(() => undefined))?.handle.close()));
  }
}

/** Reads and parses a `.index` file. */
export async function readIndexFile(file: string): Promise<BundleIndex> {
  let bytes: Uint8Array;
  try {
    const st = await fs.stat(file);
    if (st.size > MAX_INDEX_BYTES)
      throw new CheckpointError('corrupt', file, `index file is too large (${st.size} bytes)`);
    bytes = await fs.readFile(file);
  } catch (error) {
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError(
      'not-found',
      file,
      `cannot read the index file (${(error as NodeJS.ErrnoException).code ?? error})`,
    );
  }
  return parseBundleIndex(bytes, file);
}

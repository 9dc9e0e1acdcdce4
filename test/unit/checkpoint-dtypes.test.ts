import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CheckpointError, CheckpointReader, valuesToJson } from '../../src/core/checkpoint';
import { writeCheckpoint } from '../support/checkpointWriter';

/** Little-endian bytes of 16-bit words. */
function u16(...words: number[]): Uint8Array {
  const b = Buffer.alloc(words.length * 2);
  words.forEach((w, i) => b.writeUInt16LE(w, i * 2));
  return new Uint8Array(b);
}

describe('checkpoint dtypes, shards, slices and variants (bundles written with the test writer)', () => {
  let tmp: string;
  let prefix: string;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-dtypes-'));
    prefix = path.join(tmp, 'model.ckpt-7');
    const doubles = Buffer.alloc(16);
    doubles.writeDoubleLE(Math.PI, 0);
    doubles.writeDoubleLE(-1e300, 8);
    const int32 = Buffer.alloc(12);
    [-2147483648, 0, 2147483647].forEach((v, i) => int32.writeInt32LE(v, i * 4));
    const int64 = Buffer.alloc(16);
    int64.writeBigInt64LE(-9007199254740993n, 0);
    int64.writeBigInt64LE(9007199254740993n, 8);
    await writeCheckpoint(
      prefix,
      [
        // IEEE binary16: 1, -2, 65504 (max), 2^-24 (smallest subnormal), +inf, 0.333 (0x3555 = 0.333251953125)
        {
          name: 'half',
          shape: [6],
          data: { dtype: 19, bytes: u16(0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x3555) },
        },
        // bfloat16 = top 16 bits of binary32: 1, 3.140625, -0
        { name: 'bf16', shape: [3], data: { dtype: 14, bytes: u16(0x3f80, 0x4049, 0x8000) }, shard: 1 },
        { name: 'double', shape: [2], data: { dtype: 2, bytes: new Uint8Array(doubles) } },
        { name: 'int32', shape: [3], data: { dtype: 3, bytes: new Uint8Array(int32) }, shard: 1 },
        { name: 'int64', shape: [2], data: { dtype: 9, bytes: new Uint8Array(int64) } },
        { name: 'bool', shape: [2, 2], data: { dtype: 10, bytes: Uint8Array.of(1, 0, 0, 1) } },
        { name: 'empty', shape: [0, 1618], data: { dtype: 1, bytes: new Uint8Array(0) } },
        {
          name: 'iterator/.ATTRIBUTES/ITERATOR_STATE',
          shape: [1],
          data: { dtype: 21, bytes: Uint8Array.of(1, 2, 3) },
        },
        { name: 'complex', shape: [1], data: { dtype: 8, bytes: new Uint8Array(8) } },
        {
          name: 'partitioned',
          shape: [4, 2],
          data: { dtype: 1, bytes: new Uint8Array(0) },
          slices: [
            [
              [0, 2],
              [0, -1],
            ],
            [
              [2, 2],
              [0, -1],
            ],
          ],
        },
        { name: 'bad_size', shape: [3], data: { dtype: 1, bytes: new Uint8Array(8) } },
      ],
      { numShards: 2 },
    );
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const read = async (key: string) => {
    const reader = await CheckpointReader.open(prefix);
    try {
      return await reader.read(key);
    } finally {
      await reader.close();
    }
  };

  it('float16 and bfloat16 come back as float32 with exact values', async () => {
    const half = await read('half');
    assert.ok(half.values instanceof Float32Array);
    assert.deepEqual(Array.from(half.values), [1, -2, 65504, 2 ** -24, Infinity, 0.333251953125]);
    const bf = await read('bf16');
    assert.ok(bf.values instanceof Float32Array);
    assert.deepEqual(Array.from(bf.values), [1, 3.140625, -0]);
    assert.ok(Object.is(bf.values[2], -0));
  });

  it('double, int32, int64 (exact beyond 2^53) and bool', async () => {
    assert.deepEqual(Array.from((await read('double')).values as Float64Array), [Math.PI, -1e300]);
    assert.deepEqual(Array.from((await read('int32')).values as Int32Array), [-2147483648, 0, 2147483647]);
    const int64 = await read('int64');
    assert.deepEqual(Array.from(int64.values as BigInt64Array), [-9007199254740993n, 9007199254740993n]);
    assert.deepEqual(valuesToJson(int64), ['-9007199254740993', '9007199254740993']);
    const bool = await read('bool');
    assert.deepEqual(bool.shape, [2, 2]);
    assert.deepEqual(valuesToJson(bool), [true, false, false, true]);
    assert.deepEqual((await read('empty')).shape, [0, 1618]);
  });

  it('reads tensors from two data shards', async () => {
    const reader = await CheckpointReader.open(prefix);
    try {
      assert.equal(reader.numShards, 2);
      assert.equal(reader.entry('int32').shard, 1);
      assert.equal(reader.entry('bf16').offset, 0);
      assert.ok(reader.shardFile(1).endsWith('model.ckpt-7.data-00001-of-00002'));
      fs.renameSync(reader.shardFile(1), reader.shardFile(1) + '.moved');
      const error = await reader.read('int32').then(
        () => undefined,
        (e: unknown) => e,
      );
      fs.renameSync(reader.shardFile(1) + '.moved', reader.shardFile(1));
      assert.ok(error instanceof CheckpointError && error.code === 'missing-shard', String(error));
      assert.match(error.message, /data-00001-of-00002: data shard is missing/);
      assert.equal((await reader.read('double')).dtype, 'float64');
    } finally {
      await reader.close();
    }
  });

  it('lists variants and other undecodable dtypes, refuses to read them and skips variants in verifyAll', async () => {
    const reader = await CheckpointReader.open(prefix);
    try {
      assert.equal(reader.entry('iterator/.ATTRIBUTES/ITERATOR_STATE').dtypeName, 'variant');
      for (const key of ['iterator/.ATTRIBUTES/ITERATOR_STATE', 'complex']) {
        await assert.rejects(
          reader.read(key),
          (e: CheckpointError) => e.code === 'unsupported-dtype' && e.key === key,
        );
      }
      // Every tensor but the variant and the partitioned entry has its CRC checked, complex included.
      assert.equal(await reader.verifyAll(), reader.tensors.length - 2);
    } finally {
      await reader.close();
    }
  });

  it('reports sliced (partitioned) entries with their extents and refuses to read them as one tensor', async () => {
    const reader = await CheckpointReader.open(prefix);
    try {
      const entry = reader.entry('partitioned');
      assert.deepEqual(entry.slices, [
        [{ start: 0, length: 2 }, { start: 0 }],
        [{ start: 2, length: 2 }, { start: 0 }],
      ]);
      await assert.rejects(reader.read('partitioned'), (e: CheckpointError) => e.code === 'sliced');
    } finally {
      await reader.close();
    }
  });

  it('names an entry whose size does not match its dtype and shape', async () => {
    await assert.rejects(
      read('bad_size'),
      (e: CheckpointError) => e.code === 'corrupt' && /invalid size/.test(e.message) && e.key === 'bad_size',
    );
  });
});

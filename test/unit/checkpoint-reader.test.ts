import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { uncompress } from 'snappyjs';
import {
  CheckpointError,
  CheckpointReader,
  crc32c,
  crc32cExtend,
  maskCrc,
  objectGraphNames,
  OBJECT_GRAPH_KEY,
  parseBundleIndex,
  parseCheckpointState,
  parseObjectGraph,
  resolvePrefix,
  unmaskCrc,
  valuesToJson,
} from '../../src/core/checkpoint';
import { fixture } from '../fixtures';

interface ExpectedTensor {
  key: string;
  dtype: number;
  dtype_name: string;
  shape: number[];
  shard_id: number;
  offset: number;
  size: number;
  crc32c: number;
  slices: unknown[];
  crc_ok: boolean;
  first_values: (number | string | boolean)[];
}

interface Expected {
  prefix: string;
  header: { num_shards: number; endianness: number; version: { producer: number; min_consumer: number } };
  table: {
    metaindex: [number, number];
    index: [number, number];
    file_size: number;
    index_entries: [string, [number, number]][];
    data_blocks: { offset: number; size: number; ctype: number; n: number; restarts: number[] }[];
  };
  tensors: ExpectedTensor[];
}

/** Every fixture folder with an expected dump, and the bundle prefix inside it. */
const CHECKPOINT_FIXTURES: readonly [folder: string, prefix: string, expected: string][] = [
  ['kerasbert_tiny_bert_tf1', 'bert_model.ckpt', 'expected_bert_model.ckpt.json'],
  ['rust_regression_model_tf1', 'variables/variables', 'expected_variables_variables.json'],
  ['rust_regression_savedmodel_tf2', 'variables/variables', 'expected_variables_variables.json'],
  ['tfjs_node_int64_multiply', 'variables/variables', 'expected_variables_variables.json'],
  ['tfjs_node_times_three_float', 'variables/variables', 'expected_variables_variables.json'],
  ['tfjs_node_times_two_int', 'variables/variables', 'expected_variables_variables.json'],
  ['tfserving_half_plus_two_cpu_snappy', 'variables/variables', 'expected_variables_variables.json'],
  ['tfserving_half_plus_two_mkl', 'variables/variables', 'expected_variables_variables.json'],
  ['tfserving_half_plus_two_tf1', 'variables/variables', 'expected_variables_variables.json'],
  ['tfserving_half_plus_two_tf2_snappy', 'variables/variables', 'expected_variables_variables.json'],
];

function closeTo(actual: number, expected: number): boolean {
  return (
    Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected)) ||
    Math.abs(actual - expected) <= 5e-7 * Math.abs(expected)
  );
}

function expectError(code: string, fn: () => unknown): Promise<CheckpointError> {
  return Promise.resolve()
    .then(fn)
    .then(
      () => assert.fail(`expected a CheckpointError ${code}`),
      (error: unknown) => {
        assert.ok(error instanceof CheckpointError, `expected CheckpointError, got ${String(error)}`);
        assert.equal(error.code, code, error.message);
        return error;
      },
    );
}

describe('checkpoint crc32c', () => {
  const ascii = (s: string) => new TextEncoder().encode(s);
  it('matches the published check values', () => {
    assert.equal(crc32c(ascii('123456789')), 0xe3069283);
    assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
    assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
    assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
    assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
  });
  it('gives the same CRC on the aligned word path and the byte path, and extends like concatenation', () => {
    for (const n of [0, 1, 7, 8, 63, 64, 65, 1000, 4099]) {
      const backing = new Uint8Array(n + 1);
      for (let i = 0; i < backing.length; i++) backing[i] = (i * 131 + n) & 0xff;
      const aligned = new Uint8Array(n);
      aligned.set(backing.subarray(1));
      const unaligned = backing.subarray(1);
      assert.equal(crc32c(aligned), crc32c(unaligned), `n=${n}`);
      const cut = Math.floor(n / 3);
      assert.equal(
        crc32cExtend(crc32c(unaligned.subarray(0, cut)), unaligned.subarray(cut)),
        crc32c(aligned),
        `n=${n}`,
      );
    }
  });

  it('masks as TensorFlow does (0.5f stores 0x1f273806) and unmask inverts mask', () => {
    assert.equal(maskCrc(crc32c(Uint8Array.of(0, 0, 0, 0x3f))), 0x1f273806);
    for (const v of [0, 1, 0xffffffff, 0x12345678, 0xa282ead8]) assert.equal(unmaskCrc(maskCrc(v)), v);
  });
});

describe('checkpoint reader: fixtures against their expected dumps', () => {
  for (const [folder, prefix, expectedName] of CHECKPOINT_FIXTURES) {
    it(`${folder}: table, header, keys, dtypes, shapes, offsets, sizes, CRCs and values`, async function () {
      const dir = fixture(this, folder);
      const expected = JSON.parse(fs.readFileSync(path.join(dir, expectedName), 'utf8')) as Expected;
      const reader = await CheckpointReader.open(path.join(dir, prefix));
      try {
        const { table, header } = reader.index;
        assert.equal(table.fileSize, expected.table.file_size);
        assert.deepEqual([table.metaindex.offset, table.metaindex.size], expected.table.metaindex);
        assert.deepEqual([table.index.offset, table.index.size], expected.table.index);
        assert.deepEqual(
          table.indexEntries.map((e) => [
            Buffer.from(e.key).toString('latin1'),
            [e.handle.offset, e.handle.size],
          ]),
          expected.table.index_entries,
        );
        assert.deepEqual(
          table.dataBlocks.map((b) => ({
            offset: b.offset,
            size: b.size,
            ctype: b.compression,
            n: b.entries,
            restarts: b.restarts,
          })),
          expected.table.data_blocks,
        );
        assert.equal(header.numShards, expected.header.num_shards);
        assert.equal(header.endianness, expected.header.endianness);
        assert.equal(header.version.producer, expected.header.version.producer);
        assert.equal(header.version.minConsumer, expected.header.version.min_consumer);
        assert.deepEqual(
          reader.tensors.map((t) => t.key),
          expected.tensors.map((t) => t.key),
        );
        for (const want of expected.tensors) {
          const got = reader.entry(want.key);
          assert.deepEqual(
            {
              dtype: got.dtype,
              name: got.dtypeName,
              shape: got.shape,
              shard: got.shard,
              offset: got.offset,
              size: got.size,
              crc: got.crc32c,
              slices: got.slices.length,
            },
            {
              dtype: want.dtype,
              name: want.dtype_name,
              shape: want.shape,
              shard: want.shard_id,
              offset: want.offset,
              size: want.size,
              crc: want.crc32c,
              slices: want.slices.length,
            },
            want.key,
          );
          assert.equal(want.crc_ok, true);
          const value = await reader.read(got, { verify: true });
          assert.deepEqual(value.shape, want.shape);
          const json = valuesToJson(value);
          want.first_values.forEach((expectedValue, i) => {
            if (want.dtype_name === 'string') {
              const m = /^(.*?)(?:\.\.\.\((\d+) bytes\))?$/s.exec(String(expectedValue))!;
              const bytes = (value.values as Uint8Array[])[i];
              assert.equal(
                Buffer.from(bytes.subarray(0, m[1].length)).toString('latin1'),
                m[1],
                `${want.key}[${i}]`,
              );
              if (m[2]) assert.equal(bytes.length, Number(m[2]));
            } else if (typeof expectedValue === 'number' && want.dtype_name.startsWith('float')) {
              assert.ok(
                closeTo(json[i] as number, expectedValue),
                `${want.key}[${i}]: ${json[i]} vs ${expectedValue}`,
              );
            } else {
              assert.equal(json[i], expectedValue, `${want.key}[${i}]`);
            }
          });
        }
      } finally {
        await reader.close();
      }
    });
  }

  it('half_plus_two: a=0.5, b=2.0, c=3.0 (the generator values) in the TF1, Snappy and TF2 variants', async function () {
    for (const [folder, keys] of [
      ['tfserving_half_plus_two_tf1', ['a', 'b', 'c']],
      ['tfserving_half_plus_two_cpu_snappy', ['a', 'b', 'c']],
      [
        'tfserving_half_plus_two_tf2_snappy',
        ['a/.ATTRIBUTES/VARIABLE_VALUE', 'b/.ATTRIBUTES/VARIABLE_VALUE', 'c/.ATTRIBUTES/VARIABLE_VALUE'],
      ],
    ] as const) {
      const reader = await CheckpointReader.open(fixture(this, folder));
      try {
        const values = await Promise.all(keys.map(async (k) => (await reader.readFloat32(k))[0]));
        assert.deepEqual(values, [0.5, 2, 3], folder);
      } finally {
        await reader.close();
      }
    }
  });

  it('Snappy fixtures hold compressed data blocks that snappyjs expands to the stored entries', async function () {
    for (const folder of ['tfserving_half_plus_two_cpu_snappy', 'tfserving_half_plus_two_tf2_snappy']) {
      const file = path.join(fixture(this, folder), 'variables', 'variables.index');
      const bytes = fs.readFileSync(file);
      const index = parseBundleIndex(bytes, file);
      const block = index.table.dataBlocks[0];
      assert.equal(block.compression, 1, folder);
      const raw = uncompress(bytes.subarray(block.offset, block.offset + block.size));
      assert.ok(raw.length > block.size, 'compressed block is smaller than its contents');
    }
  });

  it('tiny BERT: global_step is int64 20 and the index has 140 entries in 9 restarts', async function () {
    const reader = await CheckpointReader.open(
      path.join(fixture(this, 'kerasbert_tiny_bert_tf1'), 'bert_model.ckpt.index'),
    );
    try {
      const step = await reader.read('global_step');
      assert.equal(step.dtype, 'int64');
      assert.ok(step.values instanceof BigInt64Array);
      assert.equal(step.values[0], 20n);
      assert.equal(reader.index.table.dataBlocks[0].entries, 140);
      assert.deepEqual(reader.entry('bert/embeddings/word_embeddings').shape, [15, 4]);
      assert.equal(await reader.verifyAll(), 139);
    } finally {
      await reader.close();
    }
  });

  it('decodes the TF2 object graph and maps object keys to full names', async function () {
    const reader = await CheckpointReader.open(fixture(this, 'tfserving_half_plus_two_tf2_snappy'));
    try {
      const graph = await reader.read(OBJECT_GRAPH_KEY);
      const nodes = parseObjectGraph((graph.values as Uint8Array[])[0]);
      assert.ok(nodes.length > 3);
      assert.deepEqual(
        nodes[0].children.slice(0, 3).map((c) => c.localName),
        ['a', 'b', 'c'],
      );
      const names = objectGraphNames(nodes);
      for (const v of ['a', 'b', 'c']) {
        const name = names.get(`${v}/.ATTRIBUTES/VARIABLE_VALUE`);
        assert.ok(name, v);
        assert.equal(name.attribute, 'VARIABLE_VALUE');
        assert.equal(name.fullName, v);
      }
    } finally {
      await reader.close();
    }
  });
});

describe('checkpoint reader: index-only fixtures', () => {
  for (const name of ['bert_estudos_tf2_ckpt-1', 'bert_estudos_tf2_savedmodel_variables']) {
    it(`${name}: lists keys and reports the missing data shard on value reads`, async function () {
      const file = fixture(this, 'index_only_real_bert_checkpoints', `${name}.index`);
      const reader = await CheckpointReader.open(file);
      try {
        assert.ok(reader.tensors.length > 5);
        const graph = reader.entry(OBJECT_GRAPH_KEY);
        assert.equal(graph.dtypeName, 'string');
        const error = await expectError('missing-shard', () =>
          reader.read(reader.tensors[reader.tensors.length - 1]),
        );
        assert.match(error.message, /\.data-00000-of-0000\d/);
        assert.match(error.message, /missing/);
      } finally {
        await reader.close();
      }
    });
  }

  it('bert_estudos ckpt-1: the documented keys, dtypes and shapes', async function () {
    const reader = await CheckpointReader.open(
      fixture(this, 'index_only_real_bert_checkpoints', 'bert_estudos_tf2_ckpt-1.index'),
    );
    try {
      const emb = reader.entry('Dcnn/embedding/embeddings/.ATTRIBUTES/VARIABLE_VALUE');
      assert.equal(emb.dtypeName, 'float32');
      assert.deepEqual(emb.shape, [32832, 200]);
      assert.equal(emb.size, 32832 * 200 * 4);
      const counter = reader.entry('save_counter/.ATTRIBUTES/VARIABLE_VALUE');
      assert.equal(counter.dtypeName, 'int64');
      assert.equal(counter.offset, 0);
      assert.equal(reader.entry(OBJECT_GRAPH_KEY).size, 5158);
      assert.ok(reader.has('Dcnn/bigram/kernel/.OPTIMIZER_SLOT/Dcnn/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE'));
      // Data shard bookkeeping: no two tensors of a shard overlap.
      const spans = reader.tensors.map((t) => [t.offset, t.offset + t.size]).sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < spans.length; i++) assert.ok(spans[i][0] >= spans[i - 1][1], 'tensors overlap');
    } finally {
      await reader.close();
    }
  });
});

describe('checkpoint reader: paths and typed errors', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-ckpt-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('resolves a prefix, .index, data shard, folder and SavedModel folder to the same prefix', async function () {
    const dir = fixture(this, 'kerasbert_tiny_bert_tf1');
    const prefix = path.join(dir, 'bert_model.ckpt');
    for (const input of [prefix, prefix + '.index', prefix + '.data-00000-of-00001', dir]) {
      assert.equal(await resolvePrefix(input), prefix, input);
    }
    const saved = fixture(this, 'tfserving_half_plus_two_tf1');
    assert.equal(await resolvePrefix(saved), path.join(saved, 'variables', 'variables'));
  });

  it('follows the checkpoint state file to the latest prefix', async function () {
    const src = fixture(this, 'kerasbert_tiny_bert_tf1');
    const dir = path.join(tmp, 'state');
    fs.mkdirSync(dir);
    for (const step of [10, 20]) {
      fs.copyFileSync(path.join(src, 'bert_model.ckpt.index'), path.join(dir, `model.ckpt-${step}.index`));
    }
    fs.writeFileSync(
      path.join(dir, 'checkpoint'),
      'model_checkpoint_path: "model.ckpt-10"\nall_model_checkpoint_paths: "model.ckpt-20"\nall_model_checkpoint_paths: "model.ckpt-10"\n',
    );
    assert.equal(await resolvePrefix(dir), path.join(dir, 'model.ckpt-10'));
    const state = parseCheckpointState(fs.readFileSync(path.join(dir, 'checkpoint'), 'utf8'));
    assert.equal(state.modelCheckpointPath, 'model.ckpt-10');
    assert.deepEqual(state.allModelCheckpointPaths, ['model.ckpt-20', 'model.ckpt-10']);
  });

  it('names the file and the reason: bad magic, truncated, CRC mismatch with key, V1, unknown version, not found', async function () {
    const src = fixture(this, 'tfserving_half_plus_two_tf1');
    const index = fs.readFileSync(path.join(src, 'variables', 'variables.index'));
    const data = fs.readFileSync(path.join(src, 'variables', 'variables.data-00000-of-00001'));
    const write = (name: string, idx: Uint8Array, dat: Uint8Array = data) => {
      const prefix = path.join(tmp, name);
      fs.writeFileSync(prefix + '.index', idx);
      fs.writeFileSync(prefix + '.data-00000-of-00001', dat);
      return prefix;
    };
    const badMagic = Buffer.from(index);
    badMagic[badMagic.length - 1] ^= 1;
    let error = await expectError('bad-magic', () => CheckpointReader.open(write('magic', badMagic)));
    assert.ok(error.message.includes(path.join(tmp, 'magic.index')));

    await expectError('truncated', () =>
      CheckpointReader.open(write('short', index.subarray(index.length - 40))),
    );

    const flipped = Buffer.from(index);
    flipped[20] ^= 0x10;
    error = await expectError('crc-mismatch', () => CheckpointReader.open(write('blockcrc', flipped)));
    assert.match(error.message, /block checksum/);

    const badData = Buffer.from(data);
    badData[5] ^= 1;
    const reader = await CheckpointReader.open(write('datacrc', index, badData));
    try {
      error = await expectError('crc-mismatch', () => reader.read('b'));
      assert.equal(error.key, 'b');
      assert.ok(error.message.includes('datacrc.data-00000-of-00001'));
      // Checks can be turned off: then the flipped bytes come back as stored.
      const unchecked = await reader.readFloat32('b', { verify: false });
      assert.notEqual(unchecked[0], 2);
      assert.equal((await reader.readFloat32('a'))[0], 0.5);
      await expectError('truncated', async () => {
        fs.truncateSync(reader.shardFile(0), 6);
        const again = await CheckpointReader.open(reader.prefix);
        try {
          await again.read('c');
        } finally {
          await again.close();
        }
      });
    } finally {
      await reader.close();
    }

    const v1 = path.join(tmp, 'model.ckpt');
    fs.writeFileSync(v1, index);
    await expectError('v1-checkpoint', () => CheckpointReader.open(v1));
    await expectError('not-found', () => CheckpointReader.open(path.join(tmp, 'nothing-here')));
  });

  it('refuses a bundle whose header demands a newer consumer', async function () {
    const { writeCheckpoint } = await import('../support/checkpointWriter');
    const prefix = path.join(tmp, 'future');
    await writeCheckpoint(prefix, [{ name: 'x', shape: [1], data: Float32Array.of(1) }], { minConsumer: 2 });
    const error = await expectError('unknown-version', () => CheckpointReader.open(prefix));
    assert.match(error.message, /min_consumer=2/);
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { CheckpointReader } from '../../src/core/checkpoint';
import { writeCheckpoint } from '../support/checkpointWriter';

describe('checkpoint writer (test support) round-trips through the reader', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-writer-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('arbitrary named float32 tensors, one or many blocks, stored or Snappy', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.stringMatching(/^[a-z_/0-9]{1,30}$/), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 64, max: 4096 }),
        fc.boolean(),
        async (names, blockSize, snappy) => {
          const prefix = path.join(tmp, `p${run++}`);
          const tensors = names.map((name, i) => ({
            name,
            shape: [i % 3, 2],
            data: Float32Array.from({ length: (i % 3) * 2 }, (_, j) => i * 10 + j + 0.25),
          }));
          await writeCheckpoint(prefix, tensors, { blockSize, snappy });
          const reader = await CheckpointReader.open(prefix);
          try {
            assert.deepEqual(
              reader.tensors.map((t) => t.key),
              [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
            );
            for (const t of tensors) {
              assert.deepEqual(reader.entry(t.name).shape, t.shape);
              assert.deepEqual(await reader.readFloat32(t.name), t.data);
            }
          } finally {
            await reader.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('writes int64 scalars (global_step) and several data blocks when asked', async () => {
    const prefix = path.join(tmp, 'step');
    await writeCheckpoint(
      prefix,
      [
        { name: 'global_step', shape: [], data: BigInt64Array.of(12345678901234n) },
        ...Array.from({ length: 50 }, (_, i) => ({ name: `w${i}`, shape: [1], data: Float32Array.of(i) })),
      ],
      { blockSize: 100 },
    );
    const reader = await CheckpointReader.open(prefix);
    try {
      assert.ok(reader.index.table.dataBlocks.length > 3);
      assert.equal((await reader.read('global_step')).values[0], 12345678901234n);
    } finally {
      await reader.close();
    }
  });
});

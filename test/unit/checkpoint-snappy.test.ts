import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { compress, uncompress } from 'snappyjs';
import { CheckpointReader } from '../../src/core/checkpoint';
import { SnappyError, snappyUncompress, uncompressedLength } from '../../src/core/checkpoint/snappy';
import { parseTable } from '../../src/core/checkpoint/sstable';
import { snappyBlockIndex, topBitSnappyIndex } from '../support/corruptSnappy';
import { rng } from '../support/random';
import type { SnappyFuzzJob, SnappyFuzzMessage } from '../support/snappyFuzzWorker';

/** A case that makes no progress for this long counts as a hang. */
const CASE_TIMEOUT_MS = 5_000;

type FuzzResult = { outcomes: Record<string, number>; features: string[]; corpus: number };

/** Runs a fuzz job in a worker; rejects on a crash, a wrong outcome or a case that hangs. */
function runFuzz(job: SnappyFuzzJob): Promise<FuzzResult> {
  const worker = new Worker(path.join(__dirname, '..', 'support', 'snappyFuzzWorker.js'), {
    workerData: job,
    resourceLimits: { maxOldGenerationSizeMb: 256 },
  });
  return new Promise((resolve, reject) => {
    let done = 0;
    let timer = setTimeout(onHang, CASE_TIMEOUT_MS);
    function onHang() {
      void worker.terminate();
      reject(new Error(`case ${done} made no progress for ${CASE_TIMEOUT_MS} ms (hang)`));
    }
    worker.on('message', (message: SnappyFuzzMessage) => {
      clearTimeout(timer);
      if (message.type === 'progress') {
        done = message.done;
        timer = setTimeout(onHang, CASE_TIMEOUT_MS);
      } else if (message.type === 'fail') {
        void worker.terminate();
        reject(new Error(`case ${message.caseIndex}: ${message.problem}\ninput: ${message.input}`));
      } else {
        resolve(message);
        void worker.terminate();
      }
    });
    worker.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`case ${done} crashed the worker: ${error.message}`));
    });
  });
}

const bytes = (...b: number[]) => Uint8Array.from(b);

/** Valid streams made by hand with the element forms snappyjs's compressor never emits. */
const HANDMADE_VALID: readonly Uint8Array[] = [
  // "abc" as a literal whose length sits in 1, 2, 3 and 4 extra bytes (tags 60..63).
  bytes(3, 0xf0, 2, 0x61, 0x62, 0x63),
  bytes(3, 0xf4, 2, 0, 0x61, 0x62, 0x63),
  bytes(3, 0xf8, 2, 0, 0, 0x61, 0x62, 0x63),
  bytes(3, 0xfc, 2, 0, 0, 0, 0x61, 0x62, 0x63),
  // "ab" then a 4-byte-offset copy of 6 bytes at offset 2 (overlapping): "abababab".
  bytes(8, 0x04, 0x61, 0x62, (5 << 2) | 3, 2, 0, 0, 0),
  // "a" then a 1-byte-offset copy of 11 at offset 1: twelve "a".
  bytes(12, 0x00, 0x61, (7 << 2) | 1, 1),
  // Empty.
  bytes(0),
];

function sampleInputs(): Uint8Array[] {
  const rand = rng(7);
  const text = new TextEncoder().encode(
    'bert/encoder/layer_0/attention/self/query/kernel bert/encoder/layer_0/attention/self/key/kernel '.repeat(
      40,
    ),
  );
  const random = Uint8Array.from({ length: 70_000 }, () => Math.floor(rand() * 256));
  const runs = Uint8Array.from({ length: 100_000 }, (_, i) => (i >> 12) & 0xff);
  const mixed = Uint8Array.from({ length: 50_000 }, (_, i) =>
    i % 997 < 500 ? 0x41 : Math.floor(rand() * 4),
  );
  const small = Array.from({ length: 40 }, (_, n) =>
    Uint8Array.from({ length: n * 3 }, (_, i) => (i * 7) % 5),
  );
  return [text, random, runs, mixed, new Uint8Array(200_000), ...small];
}

describe('checkpoint reader: Snappy', function () {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-snappy-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a literal whose 4-byte length has its top bit set is "bad Snappy data", not an endless loop', async function () {
    const inputs = [
      bytes(10, 0xfc, 0xff, 0xff, 0xff, 0xff, 1, 2, 3),
      bytes(10, 0xfc, 0x00, 0x00, 0x00, 0x80, 1, 2, 3),
      bytes(10, 0xfc, 0xfa, 0xff, 0xff, 0xff, 1, 2, 3),
    ];
    for (const input of inputs) {
      assert.throws(
        () => snappyUncompress(input),
        (e: unknown) => e instanceof SnappyError && /literal of \d+ bytes runs past/.test(e.message),
      );
    }
    // Inside a checkpoint's data block, decoded in a worker that is stopped if it hangs.
    const { prefix, index } = await topBitSnappyIndex(tmp, 'topbit');
    const result = await runFuzz({ target: 'sstable', seeds: [index], cases: 1, seed: 1, mutate: false });
    assert.deepEqual(Object.keys(result.outcomes), ['CheckpointError corrupt']);
    fs.writeFileSync(prefix + '.index', index);
    await assert.rejects(CheckpointReader.open(prefix), (e: Error) => {
      assert.match(e.message, /^.*topbit\.index: bad Snappy data in data block at offset \d+: literal of/);
      return true;
    });
  });

  it('decodes what snappyjs compresses, and agrees with snappyjs, byte for byte', function () {
    for (const input of sampleInputs()) {
      const packed = compress(input);
      const ours = snappyUncompress(packed);
      assert.deepEqual(Buffer.from(ours), Buffer.from(input), `${input.length} bytes`);
      assert.deepEqual(Buffer.from(ours), Buffer.from(uncompress(packed)));
    }
    for (const stream of HANDMADE_VALID) {
      assert.deepEqual(Buffer.from(snappyUncompress(stream)), Buffer.from(uncompress(stream)));
    }
    assert.equal(new TextDecoder().decode(snappyUncompress(HANDMADE_VALID[4])), 'abababab');
  });

  it('decodes blocks that compress more than 4x (up to the format limit of ~21x)', async function () {
    const zeros = compress(new Uint8Array(1 << 20));
    assert.ok(zeros.length * 20 < 1 << 20, `zeros compress ${(1 << 20) / zeros.length}x`);
    assert.deepEqual(snappyUncompress(zeros), new Uint8Array(1 << 20));
    // A checkpoint whose data blocks compress > 4x: long keys with a shared repetitive tail.
    const prefix = await snappyBlockIndex(tmp, 'ratio', 'y'.repeat(2000), 12);
    const index = fs.readFileSync(prefix + '.index');
    const blocks = parseTable(index, 'x').dataBlocks.filter((b) => b.compression === 1);
    assert.ok(blocks.length > 0);
    for (const b of blocks) {
      const { length } = uncompressedLength(index.subarray(b.offset, b.offset + b.size));
      assert.ok(length > 4 * b.size, `block at ${b.offset}: ${length} from ${b.size} bytes`);
    }
    const reader = await CheckpointReader.open(prefix);
    try {
      assert.equal(reader.tensors.length, 12);
      assert.deepEqual([...(await reader.readFloat32(`005/${'y'.repeat(2000)}`))], [5, -5]);
    } finally {
      await reader.close();
    }
  });

  it('refuses declared lengths the input cannot hold and output shorter than declared', function () {
    const cases: [Uint8Array, RegExp][] = [
      [bytes(0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x61), /more than 2 compressed bytes can hold/],
      [bytes(0xff, 0xff, 0xff, 0xff, 0x7f), /does not fit in 32 bits/],
      [bytes(0x80, 0x80), /ends inside the length preamble/],
      [bytes(5, 0x00, 0x61), /output is 1 bytes, 5 declared/],
      [bytes(3, 0x00, 0x61, (1 << 2) | 2, 0, 0), /offset 0/],
      [bytes(3, 0x00, 0x61, (1 << 2) | 2, 2, 0), /before the start of the output/],
      [bytes(3, 0x00, 0x61, (7 << 2) | 2, 1, 0), /copy of 8 bytes runs past the output/],
      [bytes(3, 0x08, 0x61), /literal of 3 bytes runs past the input/],
    ];
    for (const [input, reason] of cases) {
      assert.throws(
        () => snappyUncompress(input),
        (e: unknown) => e instanceof SnappyError && reason.test(e.message),
        Buffer.from(input).toString('hex'),
      );
    }
  });

  it('fuzz: 6000 feedback-guided mutations of Snappy streams each end in a value or a SnappyError', async function () {
    this.timeout(0);
    const seeds = [
      ...HANDMADE_VALID,
      ...sampleInputs().slice(0, 1).map(compress),
      ...sampleInputs().slice(6, 20).map(compress),
    ];
    const result = await runFuzz({ target: 'snappy', seeds, cases: 6000, seed: 20261130 });
    console.log(
      `      outcomes: ${JSON.stringify(result.outcomes)}; ${result.features.length} features; corpus ${result.corpus}`,
    );
    assert.ok(result.outcomes.value > 0, 'some mutations stay valid');
    assert.ok(result.outcomes.SnappyError > 0, 'some mutations are refused');
    // The guidance reaches the checks that matter, not only one kind of failure.
    for (const reason of [
      'literal of N bytes runs past the input',
      'before the start of the output',
      'runs past the output',
    ])
      assert.ok(
        result.features.some((f) => f.includes(reason)),
        `never reached "${reason}": ${result.features.join(' | ')}`,
      );
  });

  it('fuzz: 3000 mutations of Snappy SSTable blocks (CRC recomputed) each end in an index or a CheckpointError', async function () {
    this.timeout(0);
    const seeds = [
      fs.readFileSync(
        (await snappyBlockIndex(tmp, 'fuzz-a', 'bert/encoder/layer_0/output/dense/kernel', 60)) + '.index',
      ),
      fs.readFileSync((await snappyBlockIndex(tmp, 'fuzz-b', 'z'.repeat(300), 20)) + '.index'),
    ];
    const result = await runFuzz({ target: 'sstable', seeds, cases: 3000, seed: 20261201 });
    console.log(`      outcomes: ${JSON.stringify(result.outcomes)}; ${result.features.length} features`);
    assert.ok(
      result.features.some((f) => f.startsWith('CheckpointError corrupt: bad Snappy data in data block')),
      'mutations reach the Snappy decoder',
    );
    assert.ok(
      Object.keys(result.outcomes).some((k) => k.startsWith('value')),
      'some mutations stay readable',
    );
  });
});

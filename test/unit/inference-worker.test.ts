import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CancelledError,
  EncoderModel,
  InferenceClient,
  InferenceWorkerError,
  bertConfig,
  initBackend,
  syntheticWeights,
  type LoadProgress,
} from '../../src/core/inference';
import { fixture } from '../fixtures';
import { referenceForward, referenceMaskedLm } from '../support/referenceEncoder';
import { writeTf1Checkpoint } from '../support/tf1Checkpoint';
import { readTinyBert } from '../support/tinyBert';

const tiny = bertConfig({
  vocabSize: 50,
  hiddenSize: 16,
  numLayers: 2,
  numHeads: 2,
  intermediateSize: 32,
  maxPositionEmbeddings: 16,
});
// Big enough that a run spans many event-loop turns (one per layer).
const slow = bertConfig({
  vocabSize: 100,
  hiddenSize: 256,
  numLayers: 24,
  numHeads: 4,
  intermediateSize: 1024,
  maxPositionEmbeddings: 256,
});

describe('inference worker', function () {
  let client: InferenceClient;
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-inference-'));
    client = new InferenceClient({ backend: 'cpu' });
  });
  after(async () => {
    await client.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('reports the backend, loads with progress, and returns what the engine computes in this thread', async function () {
    const backend = await client.backend();
    assert.equal(backend.name, 'cpu');
    const progress: LoadProgress[] = [];
    const info = await client.load(
      { kind: 'synthetic', config: tiny, seed: 5, heads: ['maskedLm'] },
      { onProgress: (p) => progress.push(p) },
    );
    assert.ok(progress.length >= 1 && progress.at(-1)!.done === progress.at(-1)!.total);
    assert.equal(info.cached, false);
    assert.ok(info.heads.maskedLm && !info.heads.classifier);
    const input = { batch: 1, seqLength: 5, inputIds: Int32Array.from([2, 7, 9, 11, 3]) };
    const remote = await client.run(info.key, input, { maskedPositions: [[2]] });
    await initBackend('cpu');
    const local = new EncoderModel(syntheticWeights(tiny, { seed: 5, heads: ['maskedLm'] }));
    try {
      const expected = await local.run(input, { maskedPositions: [[2]] });
      assert.deepEqual([...remote.sequence], [...expected.sequence]);
      assert.deepEqual([...remote.maskedLmLogits!], [...expected.maskedLmLogits!]);
    } finally {
      local.dispose();
    }
  });

  it('loads the tiny BERT checkpoint by path and computes the float64 reference outputs', async function () {
    const dir = fixture(this, 'kerasbert_tiny_bert_tf1');
    const progress: LoadProgress[] = [];
    const info = await client.load(
      { kind: 'checkpoint', path: dir },
      { onProgress: (p) => progress.push(p) },
    );
    assert.ok(info.heads.maskedLm && info.heads.nextSentence);
    assert.equal(path.basename(info.vocabFile ?? ''), 'vocab.txt');
    assert.ok(
      progress.some((p) => p.total > 1 && p.done === p.total),
      'per-tensor progress',
    );
    const { weights } = readTinyBert(dir);
    const ids = [2, 11, 4, 12, 13, 3];
    const ref = referenceForward(weights, { ids });
    const out = await client.run(
      info.key,
      { batch: 1, seqLength: 6, inputIds: Int32Array.from(ids) },
      { maskedPositions: [[2]] },
    );
    ref.sequence.flat().forEach((v, i) => assert.ok(Math.abs(out.sequence[i]! - v) < 1e-5, `sequence ${i}`));
    ref.pooled!.forEach((v, i) => assert.ok(Math.abs(out.pooled![i]! - v) < 1e-5, `pooled ${i}`));
    referenceMaskedLm(weights, ref.sequence[2]!).forEach((v, i) =>
      assert.ok(Math.abs(out.maskedLmLogits![i]! - v) < 1e-5, `logit ${i}`),
    );
    const again = await client.load({ kind: 'checkpoint', path: dir });
    assert.equal(again.cached, true);
    assert.equal(again.key, info.key);
  });

  it('analyze: tokens, fill-mask (typed or chosen mask) and attention for the panel, from text', async function () {
    const dir = fixture(this, 'kerasbert_tiny_bert_tf1');
    const info = await client.load({ kind: 'checkpoint', path: dir });
    const { weights, vocab } = readTinyBert(dir);
    const typed = await client.analyze(info.key, { text: 'jack [MASK] a dull boy', topK: 3 });
    assert.deepEqual(
      typed.tokens.map((t) => t.piece),
      ['[CLS]', 'jack', '[MASK]', 'a', 'dull', 'boy', '[SEP]'],
    );
    assert.deepEqual(typed.maskPositions, [2]);
    const ids = typed.tokens.map((t) => vocab.indexOf(t.piece));
    const ref = referenceForward(weights, { ids });
    const logits = referenceMaskedLm(weights, ref.sequence[2]!);
    const best = logits.indexOf(Math.max(...logits));
    assert.equal(typed.fillMask[0]!.candidates[0]!.id, best);
    assert.equal(typed.attention!.focus.length, 2 * 4);
    assert.equal(typed.attention!.maps[0]!.length, 4 * 7 * 7);
    const chosen = await client.analyze(info.key, { text: 'jack makes a dull boy', maskPosition: 2 });
    assert.deepEqual(chosen.maskPositions, [2]);
    assert.equal(chosen.tokens[2]!.piece, '[MASK]');
    assert.equal(chosen.fillMask[0]!.candidates[0]!.id, best, 'same input as the typed mask');
  });

  it('a checkpoint rewritten on disk (new modification time) is loaded again, the old copy dropped', async function () {
    const dir = path.join(tmp, 'rewritten');
    const weights = syntheticWeights(tiny, { seed: 21 });
    const vocab = Array.from({ length: tiny.vocabSize }, (_, i) =>
      i < 5 ? ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'][i]! : `w${i}`,
    );
    const prefix = await writeTf1Checkpoint(dir, weights, vocab);
    const first = await client.load({ kind: 'checkpoint', path: prefix });
    assert.equal((await client.load({ kind: 'checkpoint', path: prefix })).cached, true);
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(prefix + '.index', later, later);
    const second = await client.load({ kind: 'checkpoint', path: prefix });
    assert.equal(second.cached, false);
    assert.notEqual(second.key, first.key);
    await assert.rejects(
      client.run(first.key, { batch: 1, seqLength: 2, inputIds: Int32Array.of(2, 3) }),
      /No model is loaded/,
    );
    assert.equal(await client.unload(second.key), 1);
  });

  it('loads a model once: the same source comes back cached', async function () {
    const source = { kind: 'synthetic' as const, config: tiny, seed: 9 };
    const first = await client.load(source);
    const second = await client.load(source);
    assert.equal(second.key, first.key);
    assert.equal(second.cached, true);
  });

  it('cancels a running request and a queued one; the worker keeps serving', async function () {
    const info = await client.load({ kind: 'synthetic', config: slow, seed: 1 });
    const input = { batch: 1, seqLength: 128, inputIds: new Int32Array(128).fill(5) };
    const running = new AbortController();
    const queued = new AbortController();
    const first = client.run(info.key, input, {}, running.signal);
    const second = client.run(info.key, input, {}, queued.signal);
    const third = client.run(info.key, { ...input, seqLength: 4, inputIds: Int32Array.from([1, 2, 3, 4]) });
    running.abort();
    queued.abort();
    await assert.rejects(first, CancelledError);
    await assert.rejects(second, CancelledError);
    assert.equal((await third).sequence.length, 4 * 256);
    assert.equal(await client.unload(info.key), 1);
  });

  it('an aborted load is cancelled and leaves nothing cached', async function () {
    const controller = new AbortController();
    const source = { kind: 'synthetic' as const, config: slow, seed: 2 };
    const loading = client.load(source, { signal: controller.signal });
    controller.abort();
    await assert.rejects(loading, CancelledError);
    const again = await client.load(source);
    assert.equal(again.cached, false);
    await client.unload(again.key);
  });

  it('a corrupt checkpoint comes back as an error naming the file, and the worker stays up', async function () {
    const prefix = path.join(tmp, 'model.ckpt');
    fs.writeFileSync(prefix + '.index', Buffer.from('this is not a TensorFlow index file at all, just text'));
    fs.writeFileSync(prefix + '.data-00000-of-00001', Buffer.alloc(16));
    const error = await client.load({ kind: 'checkpoint', path: prefix }).then(
      () => assert.fail('expected an error'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof InferenceWorkerError);
    assert.equal(error.name, 'CheckpointError');
    assert.ok(error.message.includes('model.ckpt.index'), error.message);
    const info = await client.load({ kind: 'synthetic', config: tiny, seed: 5 });
    assert.ok(info.key);
  });

  it('bad requests are typed errors: unknown model, token outside the vocabulary', async function () {
    await assert.rejects(
      client.run('nope', { batch: 1, seqLength: 1, inputIds: Int32Array.of(1) }),
      /No model is loaded/,
    );
    const info = await client.load({ kind: 'synthetic', config: tiny, seed: 5 });
    await assert.rejects(
      client.run(info.key, { batch: 1, seqLength: 2, inputIds: Int32Array.of(2, 500) }),
      (e: unknown) =>
        e instanceof InferenceWorkerError && e.name === 'InferenceInputError' && /500/.test(e.message),
    );
  });

  it('dispose rejects what is pending and frees the worker', async function () {
    const own = new InferenceClient({ backend: 'cpu' });
    const info = await own.load({ kind: 'synthetic', config: slow, seed: 3 });
    const pending = own.run(info.key, { batch: 1, seqLength: 128, inputIds: new Int32Array(128).fill(5) });
    const outcome = pending.then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await own.dispose();
    assert.ok((await outcome) instanceof CancelledError);
    await assert.rejects(own.load({ kind: 'synthetic', config: tiny }), /disposed/);
  });
});

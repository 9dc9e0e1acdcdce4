import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findModel } from '../../src/core/catalog';
import {
  catalogEncoderConfig,
  CheckpointReader,
  classifyKeys,
  compareWithConfig,
  describeCheckpoint,
  discoverModel,
  loadEncoderWeights,
  parameterReport,
  parseJsonConfig,
  parseParamsYaml,
  type TensorEntry,
} from '../../src/core/checkpoint';
import type { EncoderWeights, Tensor } from '../../src/core/model/encoder';
import { objectGraph, stringTensor, writeCheckpoint, type WriterTensor } from '../support/checkpointWriter';
import { readTinyBert } from '../support/tinyBert';
import { fixture } from '../fixtures';

const TINY = 'kerasbert_tiny_bert_tf1';

async function withReader<T>(input: string, fn: (reader: CheckpointReader) => Promise<T>): Promise<T> {
  const reader = await CheckpointReader.open(input);
  try {
    return await fn(reader);
  } finally {
    await reader.close();
  }
}

function tensorsOf(w: EncoderWeights): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  const visit = (prefix: string, value: unknown) => {
    if (value && typeof value === 'object' && 'data' in value && 'shape' in value)
      out.set(prefix, value as Tensor);
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) if (k !== 'config') visit(`${prefix}/${k}`, v);
  };
  visit('', w);
  return out;
}

function assertSameWeights(actual: EncoderWeights, expected: EncoderWeights, options: { heads: boolean }) {
  const a = tensorsOf(actual);
  const e = tensorsOf(expected);
  for (const [name, want] of e) {
    if (!options.heads && name.startsWith('/heads')) continue;
    const got = a.get(name);
    assert.ok(got, `missing ${name}`);
    assert.deepEqual(got.shape, want.shape, name);
    assert.deepEqual(got.data, want.data, name);
  }
}

describe('checkpoint mapping: tiny BERT (TF1 names)', () => {
  it('discovers checkpoint, bert_config.json and vocab; detects tf1-bert with MLM and NSP heads and Adam slots', async function () {
    const dir = fixture(this, TINY);
    const found = await discoverModel(dir);
    assert.equal(found.checkpoint?.prefix, path.join(dir, 'bert_model.ckpt'));
    assert.equal(found.config?.kind, 'bert_config.json');
    assert.equal(found.config?.encoder.numLayers, 2);
    assert.equal(found.config?.encoder.numHeads, 4);
    assert.equal(found.vocab, path.join(dir, 'vocab.txt'));
    await withReader(found.checkpoint!.prefix, async (reader) => {
      const d = await describeCheckpoint(reader, found.config?.encoder);
      assert.equal(d.scheme, 'tf1-bert');
      assert.equal(d.family, 'bert');
      assert.deepEqual(
        [d.layers, d.hidden, d.heads, d.intermediate, d.vocabSize, d.maxPositions, d.typeVocabSize],
        [2, 4, 4, 16, 15, 16, 2],
      );
      assert.deepEqual([...d.headsPresent].sort(), ['maskedLm', 'nextSentence']);
      assert.deepEqual(d.optimizerSlots, ['adam_m', 'adam_v']);
      assert.equal(d.step, 20);
      // Complete: every key is a weight, a head, an optimizer slot or the step counter.
      const unclassified = [...d.keys.values()].filter(
        (c) => c.kind === 'other' || ((c.kind === 'weight' || c.kind === 'head') && !c.canonical),
      );
      assert.deepEqual(unclassified, []);
    });
  });

  it('maps every weight to the canonical EncoderWeights, equal to an independent read of the fixture', async function () {
    const dir = fixture(this, TINY);
    const { weights: expected } = readTinyBert(dir);
    const found = await discoverModel(dir);
    const weights = await withReader(dir, (reader) => loadEncoderWeights(reader, found.config?.encoder));
    assert.deepEqual(weights.config, expected.config);
    assert.equal(weights.layers.length, 2);
    assert.ok(weights.heads.maskedLm && weights.heads.nextSentence);
    assert.deepEqual(weights.heads.nextSentence.kernel.shape, [4, 2]);
    assertSameWeights(weights, expected, { heads: true });
  });

  it('parameter report: scopes add up to every numeric element; model parameters exclude Adam slots', async function () {
    const dir = fixture(this, TINY);
    const dump = JSON.parse(fs.readFileSync(path.join(dir, 'expected_bert_model.ckpt.json'), 'utf8')) as {
      tensors: { key: string; numel: number }[];
    };
    const weightsOnly = dump.tensors
      .filter((t) => !/\/adam_[mv]$/.test(t.key) && t.key !== 'global_step')
      .reduce((n, t) => n + t.numel, 0);
    const all = dump.tensors.reduce((n, t) => n + t.numel, 0);
    await withReader(dir, async (reader) => {
      const d = await describeCheckpoint(reader);
      const report = parameterReport(reader.tensors, d);
      assert.equal(report.totalParameters, all);
      assert.equal(report.modelParameters, weightsOnly);
      assert.equal(report.optimizerParameters, 2 * weightsOnly);
      assert.deepEqual(
        report.scopes.map((s) => s.scope),
        [
          'embeddings',
          'layer 0',
          'layer 1',
          'pooler',
          'head: maskedLm',
          'head: nextSentence',
          'optimizer',
          'bookkeeping',
        ],
      );
    });
  });

  it('compares with its own config (compatible), with a smaller/larger config and with a catalog model', async function () {
    const dir = fixture(this, TINY);
    const config = parseJsonConfig(
      fs.readFileSync(path.join(dir, 'bert_config.json'), 'utf8'),
      'bert_config.json',
      'bert_config.json',
    ).encoder;
    await withReader(dir, async (reader) => {
      const d = await describeCheckpoint(reader, config);
      const same = compareWithConfig(reader.tensors, d, { ...config, hiddenSize: 4 });
      assert.ok(same.compatible, JSON.stringify(same));
      const deeper = compareWithConfig(reader.tensors, d, { ...config, hiddenSize: 4, numLayers: 3 });
      assert.ok(deeper.missing.some((m) => m.name === 'layer_2/query/kernel'));
      const shallower = compareWithConfig(reader.tensors, d, { ...config, hiddenSize: 4, numLayers: 1 });
      assert.ok(
        shallower.unexpected.some((u) => u.key === 'bert/encoder/layer_1/attention/self/query/kernel'),
      );
      const base = findModel('bert_en_uncased_L-12_H-768_A-12');
      assert.ok(base);
      const vsCatalog = compareWithConfig(reader.tensors, d, catalogEncoderConfig(base));
      const word = vsCatalog.mismatched.find((m) => m.name === 'embeddings/word');
      assert.deepEqual(word?.expected, [30522, 768]);
      assert.deepEqual(word?.actual, [15, 4]);
      assert.ok(vsCatalog.missing.some((m) => m.name === 'layer_11/output/kernel'));
    });
  });
});

describe('checkpoint mapping: other naming schemes (written with the test writer)', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-mapping-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** The tiny BERT encoder under TF2 Model Garden keys, with 3-D EinsumDense attention kernels. */
  function tf2Tensors(w: EncoderWeights, root: string): WriterTensor[] {
    const A = w.config.numHeads;
    const H = w.config.hiddenSize;
    const d = H / A;
    const key = (n: number, sub: string) =>
      `${root}/layer_with_weights-${n}/${sub}/.ATTRIBUTES/VARIABLE_VALUE`;
    const out: WriterTensor[] = [
      { name: key(0, 'embeddings'), shape: w.wordEmbeddings.shape, data: w.wordEmbeddings.data },
      { name: key(1, 'embeddings'), shape: w.positionEmbeddings.shape, data: w.positionEmbeddings.data },
      { name: key(2, 'embeddings'), shape: w.typeEmbeddings.shape, data: w.typeEmbeddings.data },
      { name: key(3, 'gamma'), shape: [H], data: w.embeddingNorm.gamma.data },
      { name: key(3, 'beta'), shape: [H], data: w.embeddingNorm.beta.data },
    ];
    w.layers.forEach((l, i) => {
      const n = 4 + i;
      for (const [name, dense] of [
        ['_query_dense', l.query],
        ['_key_dense', l.key],
        ['_value_dense', l.value],
      ] as const) {
        out.push({
          name: key(n, `_attention_layer/${name}/kernel`),
          shape: [H, A, d],
          data: dense.kernel.data,
        });
        out.push({ name: key(n, `_attention_layer/${name}/bias`), shape: [A, d], data: dense.bias.data });
      }
      out.push({
        name: key(n, '_attention_layer/_output_dense/kernel'),
        shape: [A, d, H],
        data: l.attentionOutput.kernel.data,
      });
      out.push({
        name: key(n, '_attention_layer/_output_dense/bias'),
        shape: [H],
        data: l.attentionOutput.bias.data,
      });
      for (const [name, dense] of [
        ['_intermediate_dense', l.intermediate],
        ['_output_dense', l.output],
      ] as const) {
        out.push({ name: key(n, `${name}/kernel`), shape: dense.kernel.shape, data: dense.kernel.data });
        out.push({ name: key(n, `${name}/bias`), shape: dense.bias.shape, data: dense.bias.data });
      }
      for (const [name, norm] of [
        ['_attention_layer_norm', l.attentionNorm],
        ['_output_layer_norm', l.outputNorm],
      ] as const) {
        out.push({ name: key(n, `${name}/gamma`), shape: [H], data: norm.gamma.data });
        out.push({ name: key(n, `${name}/beta`), shape: [H], data: norm.beta.data });
      }
    });
    const p = 4 + w.layers.length;
    out.push({ name: key(p, 'kernel'), shape: [H, H], data: w.pooler!.kernel.data });
    out.push({ name: key(p, 'bias'), shape: [H], data: w.pooler!.bias.data });
    out.push({ name: 'save_counter/.ATTRIBUTES/VARIABLE_VALUE', shape: [], data: BigInt64Array.of(3n) });
    out.push({
      name: `${key(4, '_intermediate_dense/kernel').replace('/.ATTRIBUTES/VARIABLE_VALUE', '')}/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE`,
      shape: [H, 16],
      data: new Float32Array(H * 16),
    });
    return out;
  }

  for (const root of ['encoder', 'model/encoder']) {
    it(`TF2 ${root}/layer_with_weights-N keys map to the same weights, 3-D kernels reshaped, heads from the kernel shape`, async function () {
      const { weights: tiny } = readTinyBert(fixture(this, TINY));
      const prefix = path.join(tmp, root.replace('/', '_'), 'ckpt-3');
      fs.mkdirSync(path.dirname(prefix), { recursive: true });
      await writeCheckpoint(prefix, tf2Tensors(tiny, root));
      await withReader(path.dirname(prefix), async (reader) => {
        const d = await describeCheckpoint(reader);
        assert.equal(d.scheme, root === 'encoder' ? 'tf2-encoder' : 'tf2-model');
        assert.equal(d.heads, 4);
        assert.equal(d.layers, 2);
        assert.equal(d.step, 3);
        assert.deepEqual(d.optimizerSlots, ['m']);
        const weights = await loadEncoderWeights(reader, {}, { description: d });
        assert.deepEqual(weights.layers[0].query.kernel.shape, [4, 4]);
        assert.deepEqual(weights.layers[0].attentionOutput.kernel.shape, [4, 4]);
        assertSameWeights(weights, tiny, { heads: false });
      });
    });
  }

  it('SavedModel variables/N keys map through the object graph full names (Keras layer names)', async function () {
    const { weights: tiny } = readTinyBert(fixture(this, TINY));
    const H = 4;
    const A = 4;
    const named: [string, readonly number[], Float32Array][] = [
      ['word_embeddings/embeddings', [15, H], tiny.wordEmbeddings.data],
      ['position_embedding/embeddings', [16, H], tiny.positionEmbeddings.data],
      ['type_embeddings/embeddings', [2, H], tiny.typeEmbeddings.data],
      ['embeddings/layer_norm/gamma', [H], tiny.embeddingNorm.gamma.data],
      ['embeddings/layer_norm/beta', [H], tiny.embeddingNorm.beta.data],
      ['pooler_transform/kernel', [H, H], tiny.pooler!.kernel.data],
      ['pooler_transform/bias', [H], tiny.pooler!.bias.data],
    ];
    tiny.layers.forEach((l, i) => {
      const p = `transformer/layer_${i}`;
      named.push(
        [`${p}/self_attention/query/kernel`, [H, A, 1], l.query.kernel.data],
        [`${p}/self_attention/query/bias`, [A, 1], l.query.bias.data],
        [`${p}/self_attention/key/kernel`, [H, A, 1], l.key.kernel.data],
        [`${p}/self_attention/key/bias`, [A, 1], l.key.bias.data],
        [`${p}/self_attention/value/kernel`, [H, A, 1], l.value.kernel.data],
        [`${p}/self_attention/value/bias`, [A, 1], l.value.bias.data],
        [`${p}/self_attention/attention_output/kernel`, [A, 1, H], l.attentionOutput.kernel.data],
        [`${p}/self_attention/attention_output/bias`, [H], l.attentionOutput.bias.data],
        [`${p}/self_attention_layer_norm/gamma`, [H], l.attentionNorm.gamma.data],
        [`${p}/self_attention_layer_norm/beta`, [H], l.attentionNorm.beta.data],
        [`${p}/intermediate/kernel`, [H, 16], l.intermediate.kernel.data],
        [`${p}/intermediate/bias`, [16], l.intermediate.bias.data],
        [`${p}/output/kernel`, [16, H], l.output.kernel.data],
        [`${p}/output/bias`, [H], l.output.bias.data],
        [`${p}/output_layer_norm/gamma`, [H], l.outputNorm.gamma.data],
        [`${p}/output_layer_norm/beta`, [H], l.outputNorm.beta.data],
      );
    });
    const key = (i: number) => `variables/${i}/.ATTRIBUTES/VARIABLE_VALUE`;
    const graph = objectGraph([
      { children: named.map((_, i) => ({ nodeId: i + 1, localName: String(i) })) },
      ...named.map(([fullName], i) => ({ variable: { fullName, checkpointKey: key(i) } })),
    ]);
    const dir = path.join(tmp, 'hub_savedmodel');
    fs.mkdirSync(path.join(dir, 'variables'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'saved_model.pb'), '');
    await writeCheckpoint(path.join(dir, 'variables', 'variables'), [
      { name: '_CHECKPOINTABLE_OBJECT_GRAPH', shape: [], data: stringTensor([graph]) },
      ...named.map(([, shape, data], i) => ({ name: key(i), shape, data })),
    ]);
    const found = await discoverModel(dir);
    assert.equal(found.checkpoint?.kind, 'savedmodel');
    await withReader(dir, async (reader) => {
      const d = await describeCheckpoint(reader);
      assert.equal(d.scheme, 'keras-names');
      assert.equal(d.fullNames.get(key(0)), 'word_embeddings/embeddings');
      assert.equal(d.heads, 4);
      const weights = await loadEncoderWeights(reader, {}, { description: d });
      assertSameWeights(weights, tiny, { heads: false });
    });
  });

  it('reads the real object graph full names of a TF2 SavedModel fixture', async function () {
    await withReader(fixture(this, 'rust_regression_savedmodel_tf2'), async (reader) => {
      const d = await describeCheckpoint(reader);
      assert.equal(d.fullNames.get('optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE'), 'SGD/iter');
      assert.equal(d.fullNames.get('w/.ATTRIBUTES/VARIABLE_VALUE'), 'w');
      assert.equal(d.keys.get('optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE')?.kind, 'optimizer');
    });
  });

  it('TF1 ALBERT names: one shared block repeated num_layers times, embedding projection, family albert', async () => {
    const E = 2;
    const H = 4;
    const f = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => seed + i / 100);
    const t = (name: string, shape: number[], seed: number): WriterTensor => ({
      name,
      shape,
      data: f(
        shape.reduce((a, b) => a * b, 1),
        seed,
      ),
    });
    const g = 'bert/encoder/transformer/group_0/inner_group_0';
    const tensors = [
      t('bert/embeddings/word_embeddings', [10, E], 1),
      t('bert/embeddings/position_embeddings', [8, E], 2),
      t('bert/embeddings/token_type_embeddings', [2, E], 3),
      t('bert/embeddings/LayerNorm/gamma', [E], 4),
      t('bert/embeddings/LayerNorm/beta', [E], 5),
      t('bert/encoder/embedding_hidden_mapping_in/kernel', [E, H], 6),
      t('bert/encoder/embedding_hidden_mapping_in/bias', [H], 7),
      ...['query', 'key', 'value'].flatMap((n, i) => [
        t(`${g}/attention_1/self/${n}/kernel`, [H, H], 10 + i),
        t(`${g}/attention_1/self/${n}/bias`, [H], 20 + i),
      ]),
      t(`${g}/attention_1/output/dense/kernel`, [H, H], 30),
      t(`${g}/attention_1/output/dense/bias`, [H], 31),
      t(`${g}/LayerNorm/gamma`, [H], 32),
      t(`${g}/LayerNorm/beta`, [H], 33),
      t(`${g}/ffn_1/intermediate/dense/kernel`, [H, 8], 34),
      t(`${g}/ffn_1/intermediate/dense/bias`, [8], 35),
      t(`${g}/ffn_1/intermediate/output/dense/kernel`, [8, H], 36),
      t(`${g}/ffn_1/intermediate/output/dense/bias`, [H], 37),
      t(`${g}/LayerNorm_1/gamma`, [H], 38),
      t(`${g}/LayerNorm_1/beta`, [H], 39),
      t('bert/pooler/dense/kernel', [H, H], 40),
      t('bert/pooler/dense/bias', [H], 41),
    ];
    const prefix = path.join(tmp, 'albert', 'model.ckpt');
    fs.mkdirSync(path.dirname(prefix));
    await writeCheckpoint(prefix, tensors);
    fs.writeFileSync(
      path.join(tmp, 'albert', 'albert_config.json'),
      JSON.stringify({
        hidden_size: H,
        embedding_size: E,
        num_hidden_layers: 3,
        num_attention_heads: 2,
        intermediate_size: 8,
        vocab_size: 10,
        max_position_embeddings: 8,
        type_vocab_size: 2,
      }),
    );
    const found = await discoverModel(path.join(tmp, 'albert'));
    assert.equal(found.config?.encoder.family, 'albert');
    await withReader(prefix, async (reader) => {
      const d = await describeCheckpoint(reader, found.config?.encoder);
      assert.equal(d.scheme, 'tf1-albert');
      assert.equal(d.family, 'albert');
      assert.equal(d.layers, 3);
      const w = await loadEncoderWeights(reader, found.config?.encoder, { description: d });
      assert.equal(w.layers.length, 3);
      assert.equal(w.layers[0], w.layers[2]);
      assert.deepEqual(w.embeddingProjection?.kernel.shape, [E, H]);
      assert.equal(w.layers[0].output.bias.data[0], 37);
      assert.ok(compareWithConfig(reader.tensors, d, { ...found.config!.encoder, hiddenSize: H }).compatible);
    });
  });

  it('finds checkpoint, params.yaml and vocab nested in tmp/temp_dir/raw of an extraction folder', async function () {
    const src = fixture(this, TINY);
    const raw = path.join(tmp, 'uncased_L-2_H-4_A-4', 'tmp', 'temp_dir', 'raw');
    fs.mkdirSync(raw, { recursive: true });
    for (const f of ['bert_model.ckpt.index', 'bert_model.ckpt.data-00000-of-00001', 'vocab.txt'])
      fs.copyFileSync(path.join(src, f), path.join(raw, f));
    fs.writeFileSync(
      path.join(raw, 'params.yaml'),
      'task:\n  model:\n    encoder:\n      type: bert\n      bert:\n        hidden_size: 4\n        num_layers: 2\n        num_attention_heads: 4\n        intermediate_size: 16\n        vocab_size: 15\n        hidden_activation: gelu\n',
    );
    fs.copyFileSync(path.join(src, 'bert_config.json'), path.join(raw, 'bert_config.json'));
    const found = await discoverModel(path.join(tmp, 'uncased_L-2_H-4_A-4'));
    assert.equal(found.checkpoint?.prefix, path.join(raw, 'bert_model.ckpt'));
    assert.equal(found.config?.kind, 'params.yaml');
    assert.equal(found.config?.encoder.numLayers, 2);
    assert.equal(found.config?.encoder.activation, 'gelu');
    assert.equal(found.vocab, path.join(raw, 'vocab.txt'));
  });

  it('reports a folder with no checkpoint as not-found, naming it', async () => {
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    await assert.rejects(
      discoverModel(empty),
      (e: Error & { code?: string }) => e.code === 'not-found' && e.message.includes(empty),
    );
  });
});

describe('checkpoint naming: ELECTRA pre-training keys (CHECKPOINT_FORMAT.md §7.1)', () => {
  it('maps the discriminator, its head and embeddings_project; sets the generator and Adam slots apart', () => {
    const keys = [
      'electra/embeddings/word_embeddings',
      'electra/embeddings_project/kernel',
      'electra/encoder/layer_11/attention/self/query/kernel',
      'electra/encoder/layer_11/output/LayerNorm/gamma',
      'discriminator_predictions/dense/kernel',
      'discriminator_predictions/dense_1/bias',
      'generator/encoder/layer_0/attention/self/query/kernel',
      'generator_predictions/output_bias',
      'electra/encoder/layer_0/intermediate/dense/kernel/adam_m',
      'global_step',
    ];
    const { scheme, keys: classified } = classifyKeys(keys.map((key) => ({ key, shape: [1] })));
    assert.equal(scheme, 'tf1-electra');
    const view = keys.map((k) => {
      const c = classified.get(k)!;
      return [c.kind, c.canonical ?? c.slot ?? ''];
    });
    assert.deepEqual(view, [
      ['weight', 'embeddings/word'],
      ['weight', 'embeddings/projection/kernel'],
      ['weight', 'layer_11/query/kernel'],
      ['weight', 'layer_11/outputNorm/gamma'],
      ['head', 'heads/discriminator/dense/kernel'],
      ['head', 'heads/discriminator/prediction/bias'],
      ['generator', ''],
      ['generator', ''],
      ['optimizer', 'adam_m'],
      ['step', ''],
    ]);
  });
});

describe('checkpoint configs', () => {
  it('parses both key spellings of bert_config.json', () => {
    const legacy = parseJsonConfig(
      '{"num_hidden_layers":12,"hidden_act":"gelu","hidden_size":768,"num_attention_heads":12}',
      'a',
      'bert_config.json',
    );
    const v3 = parseJsonConfig(
      '{"num_layers":12,"hidden_activation":"gelu","hidden_size":768,"num_attention_heads":12}',
      'b',
      'bert_config.json',
    );
    assert.deepEqual(legacy.encoder, v3.encoder);
    assert.equal(v3.encoder.numLayers, 12);
  });

  it('reads ALBERT from task.model.encoder.albert and ELECTRA from model.discriminator_encoder', () => {
    const albert = parseParamsYaml(
      'task:\n  model:\n    encoder:\n      type: albert\n      albert:\n        embedding_width: 128\n        hidden_size: 768\n        num_layers: 12\n',
      'p',
    );
    assert.equal(albert.encoder.family, 'albert');
    assert.equal(albert.encoder.embeddingSize, 128);
    const electra = parseParamsYaml(
      'model:\n  discriminator_encoder:\n    type: bert\n    bert:\n      hidden_size: 256\n      embedding_size: 128\n      num_layers: 12\n  generator_encoder:\n    type: bert\n    bert:\n      hidden_size: 64\n',
      'p',
    );
    assert.equal(electra.encoder.family, 'electra');
    assert.equal(electra.encoder.hiddenSize, 256);
    assert.throws(
      () => parseParamsYaml('runtime:\n  x: 1\n', 'params.yaml'),
      /params\.yaml: no encoder section/,
    );
  });
});

// Keep the import used when compiled alone.
export type { TensorEntry };

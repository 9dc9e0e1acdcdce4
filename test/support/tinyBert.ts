// The tiny BERT fixture's weights as canonical `EncoderWeights`, read for tests without the project's
// checkpoint reader: offsets and shapes come from the fixture's independent expected JSON dump and
// the bytes from the raw (uncompressed) data shard, so these tests do not depend on the reader.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DenseWeights, EncoderWeights, Tensor } from '../../src/core/model/encoder';

/** The files of the tiny BERT fixture (kerasbert_tiny_bert_tf1) that make a v3-style checkpoint folder. */
export const TINY_BERT_FILES = [
  'bert_model.ckpt.index',
  'bert_model.ckpt.data-00000-of-00001',
  'bert_config.json',
  'vocab.txt',
];

interface DumpEntry {
  key: string;
  dtype_name: string;
  shape: number[];
  offset: number;
  size: number;
}

export function readTinyBert(dir: string): { weights: EncoderWeights; vocab: string[] } {
  const dump = JSON.parse(fs.readFileSync(path.join(dir, 'expected_bert_model.ckpt.json'), 'utf8')) as {
    tensors: DumpEntry[];
  };
  const data = fs.readFileSync(path.join(dir, 'bert_model.ckpt.data-00000-of-00001'));
  const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'bert_config.json'), 'utf8')) as Record<
    string,
    number
  >;
  const byKey = new Map(dump.tensors.map((t) => [t.key, t]));
  const get = (key: string): Tensor => {
    const entry = byKey.get(key);
    if (!entry || entry.dtype_name !== 'float32') throw new Error(`tiny BERT: no float32 tensor ${key}`);
    const values = new Float32Array(entry.size / 4);
    const view = new DataView(data.buffer, data.byteOffset + entry.offset, entry.size);
    for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
    return { shape: entry.shape, data: values };
  };
  const transpose = (t: Tensor): Tensor => {
    const [r, c] = t.shape as [number, number];
    const out = new Float32Array(r * c);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = t.data[i * c + j]!;
    return { shape: [c, r], data: out };
  };
  const dense = (prefix: string): DenseWeights => ({
    kernel: get(`${prefix}/kernel`),
    bias: get(`${prefix}/bias`),
  });
  const norm = (prefix: string) => ({ gamma: get(`${prefix}/gamma`), beta: get(`${prefix}/beta`) });
  const H = cfg.hidden_size!;
  const layers = Array.from({ length: cfg.num_hidden_layers! }, (_, i) => {
    const p = `bert/encoder/layer_${i}`;
    return {
      query: dense(`${p}/attention/self/query`),
      key: dense(`${p}/attention/self/key`),
      value: dense(`${p}/attention/self/value`),
      attentionOutput: dense(`${p}/attention/output/dense`),
      attentionNorm: norm(`${p}/attention/output/LayerNorm`),
      intermediate: dense(`${p}/intermediate/dense`),
      output: dense(`${p}/output/dense`),
      outputNorm: norm(`${p}/output/LayerNorm`),
    };
  });
  const weights: EncoderWeights = {
    config: {
      family: 'bert',
      vocabSize: cfg.vocab_size!,
      hiddenSize: H,
      numLayers: cfg.num_hidden_layers!,
      numHeads: cfg.num_attention_heads!,
      intermediateSize: cfg.intermediate_size!,
      embeddingSize: H,
      maxPositionEmbeddings: cfg.max_position_embeddings!,
      typeVocabSize: cfg.type_vocab_size!,
      activation: 'gelu',
      layerNormEpsilon: 1e-12,
    },
    wordEmbeddings: get('bert/embeddings/word_embeddings'),
    positionEmbeddings: get('bert/embeddings/position_embeddings'),
    typeEmbeddings: get('bert/embeddings/token_type_embeddings'),
    embeddingNorm: norm('bert/embeddings/LayerNorm'),
    layers,
    pooler: dense('bert/pooler/dense'),
    heads: {
      maskedLm: {
        transform: dense('cls/predictions/transform/dense'),
        norm: norm('cls/predictions/transform/LayerNorm'),
        outputBias: get('cls/predictions/output_bias'),
      },
      // TF1 stores the next-sentence weights as [2, H].
      nextSentence: {
        kernel: transpose(get('cls/seq_relationship/output_weights')),
        bias: get('cls/seq_relationship/output_bias'),
      },
    },
  };
  const vocab = fs.readFileSync(path.join(dir, 'vocab.txt'), 'utf8').split('\n');
  return { weights, vocab };
}

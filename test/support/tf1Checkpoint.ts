// Writes canonical EncoderWeights as a google-research/bert style TF1 checkpoint (bert/..., cls/...,
// run_classifier's output_weights, cls/squad/..., ELECTRA's discriminator_predictions/...) with
// bert_config.json and vocab.txt beside it, using the test-only TensorBundle writer.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { DenseWeights, EncoderWeights, Tensor } from '../../src/core/model/encoder';
import { writeCheckpoint, type WriterTensor } from './checkpointWriter';

function transposed(t: Tensor): Tensor {
  const [r, c] = t.shape as [number, number];
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = t.data[i * c + j]!;
  return { shape: [c, r], data: out };
}

export async function writeTf1Checkpoint(
  dir: string,
  w: EncoderWeights,
  vocab: readonly string[],
): Promise<string> {
  const tensors: WriterTensor[] = [];
  const put = (name: string, t: Tensor) => tensors.push({ name, shape: t.shape, data: t.data });
  const dense = (p: string, d: DenseWeights) => {
    put(`${p}/kernel`, d.kernel);
    put(`${p}/bias`, d.bias);
  };
  const norm = (p: string, n: { gamma: Tensor; beta: Tensor }) => {
    put(`${p}/gamma`, n.gamma);
    put(`${p}/beta`, n.beta);
  };
  put('bert/embeddings/word_embeddings', w.wordEmbeddings);
  put('bert/embeddings/position_embeddings', w.positionEmbeddings);
  put('bert/embeddings/token_type_embeddings', w.typeEmbeddings);
  norm('bert/embeddings/LayerNorm', w.embeddingNorm);
  w.layers.forEach((l, i) => {
    const p = `bert/encoder/layer_${i}`;
    dense(`${p}/attention/self/query`, l.query);
    dense(`${p}/attention/self/key`, l.key);
    dense(`${p}/attention/self/value`, l.value);
    dense(`${p}/attention/output/dense`, l.attentionOutput);
    norm(`${p}/attention/output/LayerNorm`, l.attentionNorm);
    dense(`${p}/intermediate/dense`, l.intermediate);
    dense(`${p}/output/dense`, l.output);
    norm(`${p}/output/LayerNorm`, l.outputNorm);
  });
  if (w.pooler) dense('bert/pooler/dense', w.pooler);
  const h = w.heads;
  if (h.classifier) {
    put('output_weights', transposed(h.classifier.kernel));
    put('output_bias', h.classifier.bias);
  }
  if (h.span) {
    put('cls/squad/output_weights', transposed(h.span.kernel));
    put('cls/squad/output_bias', h.span.bias);
  }
  if (h.discriminator) {
    dense('discriminator_predictions/dense', h.discriminator.dense);
    dense('discriminator_predictions/dense_1', h.discriminator.prediction);
  }
  tensors.sort((a, b) => (a.name < b.name ? -1 : 1));
  await fs.mkdir(dir, { recursive: true });
  const prefix = path.join(dir, 'bert_model.ckpt');
  await writeCheckpoint(prefix, tensors);
  const c = w.config;
  await fs.writeFile(
    path.join(dir, 'bert_config.json'),
    JSON.stringify({
      hidden_size: c.hiddenSize,
      num_hidden_layers: c.numLayers,
      num_attention_heads: c.numHeads,
      intermediate_size: c.intermediateSize,
      max_position_embeddings: c.maxPositionEmbeddings,
      type_vocab_size: c.typeVocabSize,
      vocab_size: c.vocabSize,
      hidden_act: 'gelu',
    }),
  );
  await fs.writeFile(path.join(dir, 'vocab.txt'), vocab.join('\n'));
  return prefix;
}

// Small TensorFlow.js building blocks that follow TensorFlow's encoder math (MODEL_GARDEN.md §8).
import * as tf from '@tensorflow/tfjs-core';
import type { EncoderConfig } from '../model/encoder';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * The tanh approximation, 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), computed as
 * x·sigmoid(x·(2√(2/π) + 2·0.044715·√(2/π)·x²)) since 0.5·(1 + tanh(z)) = sigmoid(2z): six element-wise
 * passes instead of nine, which shows on [seq, 3072] activations.
 */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const slope = tf.add(tf.mul(tf.square(x), 2 * 0.044715 * SQRT_2_OVER_PI), 2 * SQRT_2_OVER_PI);
    return tf.mul(x, tf.sigmoid(tf.mul(x, slope)));
  });
}

/** 0.5·x·(1 + erf(x/√2)). */
export function geluExact(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)));
}

export function activate(x: tf.Tensor, activation: EncoderConfig['activation']): tf.Tensor {
  switch (activation) {
    case 'gelu':
      return geluTanh(x);
    case 'gelu_exact':
      return geluExact(x);
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
  }
}

/** Layer normalization over the last axis with the population variance, as TensorFlow computes it. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    const normalized = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
    return tf.add(tf.mul(normalized, gamma), beta);
  });
}

/** `x @ kernel + bias` on a 2-D `x`. */
export function dense(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: kernel, bias }) as tf.Tensor2D;
}

/** Mixes `[B, A, S, S]` scores across heads with `[A, A]`: out[b,l,f,t] = Σₙ x[b,n,f,t]·w[n,l]. */
function mixHeads(x: tf.Tensor4D, w: tf.Tensor2D): tf.Tensor4D {
  const [B, A, S, T] = x.shape;
  const moved = tf.reshape(tf.transpose(x, [0, 2, 3, 1]), [B * S * T, A]) as tf.Tensor2D;
  return tf.transpose(tf.reshape(tf.matMul(moved, w), [B, S, T, A]), [0, 3, 1, 2]) as tf.Tensor4D;
}

/**
 * TalkingHeadsAttention (the Model Garden's layer): the scaled scores are mixed across heads by
 * `pre` before the masked softmax, and the probabilities by `post` after it.
 */
export function talkingHeadsAttention(
  q: tf.Tensor4D,
  kT: tf.Tensor4D,
  v: tf.Tensor4D,
  adder: tf.Tensor4D,
  scale: number,
  pre: tf.Tensor2D,
  post: tf.Tensor2D,
): { context: tf.Tensor4D; probs: tf.Tensor4D } {
  const scores = mixHeads(tf.matMul(tf.mul(q, scale) as tf.Tensor4D, kT), pre);
  const probs = mixHeads(tf.softmax(tf.add(scores, adder), -1) as tf.Tensor4D, post);
  return { context: tf.matMul(probs, v), probs };
}

/** Below this sequence length one batched product beats a product per head (per-op overhead dominates). */
const PER_HEAD_MIN_LENGTH = 32;

/**
 * Scaled dot-product attention over heads: softmax(q·kᵀ·scale + adder)·v, with q and v `[B, A, S, d]`,
 * kᵀ `[B, A, d, S]` and the additive mask `[B, 1, 1, S]`. Returns the context `[B, A, S, d]` and, when
 * asked, the probabilities `[B, A, S, S]`.
 *
 * For longer sequences it runs one 2-D product per head: the wasm backend computes 2-D products with
 * XNNPACK but batched ones with a naive loop (5-20× slower at seq 128-512 on this machine), and kᵀ comes
 * materialized because a transposed operand also leaves XNNPACK.
 */
export function attention(
  q: tf.Tensor4D,
  kT: tf.Tensor4D,
  v: tf.Tensor4D,
  adder: tf.Tensor4D,
  scale: number,
  withProbs = true,
): { context: tf.Tensor4D; probs?: tf.Tensor4D } {
  const [B, A, S, d] = q.shape;
  // The scale goes on q: S·d values rather than S·S scores.
  const scaled = tf.mul(q, scale) as tf.Tensor4D;
  if (S < PER_HEAD_MIN_LENGTH) {
    const probs = tf.softmax(tf.add(tf.matMul(scaled, kT), adder), -1) as tf.Tensor4D;
    return { context: tf.matMul(probs, v), probs };
  }
  const qs = tf.unstack(tf.reshape(scaled, [B * A, S, d])) as tf.Tensor2D[];
  const kts = tf.unstack(tf.reshape(kT, [B * A, d, S])) as tf.Tensor2D[];
  const vs = tf.unstack(tf.reshape(v, [B * A, S, d])) as tf.Tensor2D[];
  const adders = tf.unstack(tf.reshape(adder, [B, 1, S]));
  const probs: tf.Tensor2D[] = [];
  const contexts: tf.Tensor2D[] = [];
  for (let i = 0; i < B * A; i++) {
    const p = tf.softmax(tf.add(tf.matMul(qs[i], kts[i]), adders[Math.floor(i / A)]), -1) as tf.Tensor2D;
    probs.push(p);
    contexts.push(tf.matMul(p, vs[i]));
  }
  return {
    context: tf.reshape(tf.stack(contexts), [B, A, S, d]),
    probs: withProbs ? tf.reshape(tf.stack(probs), [B, A, S, S]) : undefined,
  };
}

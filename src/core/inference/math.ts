// Small TensorFlow.js building blocks that follow TensorFlow's encoder math (MODEL_GARDEN.md §8).
import * as tf from '@tensorflow/tfjs-core';
import type { EncoderConfig } from '../model/encoder';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** The tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), SQRT_2_OVER_PI);
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
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

// Layer computations that generated code calls when one tfjs-core op is not enough: dropout with
// our own seeded mask, batch normalisation in training (with its moving statistics), layer
// normalisation. All are plain differentiable tfjs-core ops.
import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Rng } from './random.js';

/** The dropout masks' generator: seeded, so that training runs repeat; `seedDropout` restarts it. */
let dropoutRng: Rng = createRng(0x5eed);

/** Restarts the dropout masks from `seed` (the training loop may call it with the run's seed). */
export function seedDropout(seed: number): void {
  dropoutRng = createRng(seed);
}

/**
 * The scaled mask inverted dropout multiplies by: 1 / (1 - rate) where a value is kept, 0 where
 * it is dropped, drawn from the dropout stream. The backward pass the compiler derives multiplies
 * by the same mask, and both it and the tape's forward pass draw through here, so a training run
 * gives the same numbers whichever pass computes its gradients.
 */
export function dropoutMask(shape: readonly number[], rate: number): tf.Tensor {
  const keep = 1 - rate;
  const mask = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < mask.length; i++) mask[i] = dropoutRng.next() < keep ? 1 / keep : 0;
  return tf.tensor(mask, [...shape], 'float32');
}

/**
 * Inverted dropout: zeroes each value with probability `rate` and scales the rest by
 * 1 / (1 - rate), so that the expected value is unchanged and inference needs no scaling.
 */
export function dropout(x: tf.Tensor, rate: number): tf.Tensor {
  if (rate <= 0) return x;
  return tf.mul(x, dropoutMask(x.shape, rate));
}

/**
 * Batch normalisation's statistics in training, what `batchNormTraining` normalises with:
 * the batch's mean and (biased) variance over every axis but the last, after moving the moving
 * statistics towards them. The same ops in the same order, so the derived forward pass
 * (`tf.batchNorm` over these) computes the values and moving statistics the tape's does, and keeps
 * the statistics for the backward pass.
 */
export function batchNormStatistics(
  x: tf.Tensor,
  movingMean: tf.Variable,
  movingVariance: tf.Variable,
  momentum: number,
): { mean: tf.Tensor; variance: tf.Tensor } {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  const update = (moving: tf.Variable, batch: tf.Tensor) =>
    moving.assign(tf.tidy(() => tf.add(tf.mul(moving, momentum), tf.mul(batch, 1 - momentum))));
  update(movingMean, mean);
  update(movingVariance, variance);
  return { mean, variance };
}

/**
 * Batch normalisation in training: normalises with the batch's mean and variance over every axis
 * but the last, and moves the moving statistics towards them (Keras: moving = moving·momentum +
 * batch·(1 - momentum)). Inference uses `tf.batchNorm` with the moving statistics instead.
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  movingMean: tf.Variable,
  movingVariance: tf.Variable,
  momentum: number,
  epsilon: number,
): tf.Tensor {
  const { mean, variance } = batchNormStatistics(x, movingMean, movingVariance, momentum);
  return tf.batchNorm(x, mean, variance, beta, gamma, epsilon);
}

/** Layer normalisation over the last axis, then a learned scale and shift per feature. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  return layerNormTraced(x, gamma, beta, epsilon).output;
}

/** x̂ = (x − mean) / √(variance + ε): the normalised input of batch or layer normalisation. */
export function normalised(x: tf.Tensor, stats: { mean: tf.Tensor; variance: tf.Tensor }, epsilon: number): tf.Tensor {
  return tf.mul(tf.sub(x, stats.mean), tf.rsqrt(tf.add(stats.variance, epsilon)));
}

/** A layer norm's variance over the last axis (kept as a size-1 axis) and its normalised input x̂. */
export interface NormTrace {
  readonly variance: tf.Tensor;
  readonly xHat: tf.Tensor;
}

/** `layerNorm`, with what its backward pass needs kept (runtime/kernels/transformer-backward.ts). */
export function layerNormTraced(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): { output: tf.Tensor; norm: NormTrace } {
  const stats = tf.moments(x, -1, true);
  const xHat = normalised(x, stats, epsilon);
  return { output: tf.add(tf.mul(xHat, gamma), beta), norm: { variance: stats.variance, xHat } };
}

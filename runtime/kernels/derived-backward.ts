// The runtime half of the backward pass the compiler derives for chains of dense layers
// (compiler/codegen/backward.ts): the gradient at the output layer's pre-activation, and each
// activation's derivative written from its output. Generated code calls these between its
// straight-line matmuls; no gradient tape is involved except, for a loss/activation pair without
// a closed form below, a tape over the loss alone.
import * as tf from '@tensorflow/tfjs-core';

import { lossFunction } from '../losses.js';
import type { LossName } from '../types.js';

/** The activations the derived backward pass supports (derivatives from the output alone). */
export type DerivedActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';

/** dL/dz from dL/da, for a = activation(z), written with a only. */
export function activationBackward(activation: DerivedActivation, a: tf.Tensor, da: tf.Tensor): tf.Tensor {
  switch (activation) {
    case 'linear':
      return da;
    case 'relu':
      // relu'(z) = 1 where z > 0, i.e. where a > 0 (0 at z = 0, as tfjs).
      return tf.mul(da, tf.step(a));
    case 'sigmoid':
      return tf.mul(da, tf.mul(a, tf.sub(1, a)));
    case 'tanh':
      return tf.mul(da, tf.sub(1, tf.square(a)));
    case 'softmax':
      // Jᵀ·da with J = diag(a) − a·aᵀ, row by row.
      return tf.mul(a, tf.sub(da, tf.sum(tf.mul(da, a), -1, true)));
  }
}

/**
 * The loss, computed exactly as the training loop computes it, and dL/dz at the output layer's
 * pre-activation z (where `prediction` = activation(z)). Softmax with categorical cross-entropy
 * and sigmoid with binary cross-entropy fold to (p − y) forms; these are the exact gradients of
 * the unclipped losses, so they differ from the tape only where a probability is within 1e-7 of
 * 0 or 1 (where the clipped loss has no gradient at all).
 */
export function outputGradient(
  loss: LossName,
  yTrue: tf.Tensor,
  prediction: tf.Tensor,
  activation: DerivedActivation,
): { loss: tf.Scalar; dz: tf.Tensor } {
  const lossFn = lossFunction(loss);
  const value = lossFn(yTrue, prediction);
  const y = yTrue.dtype === 'float32' ? yTrue : tf.cast(yTrue, 'float32');
  const batch = prediction.shape[0] ?? 1;
  if (loss === 'categorical_crossentropy' && activation === 'softmax') {
    // The loss renormalises each row of p to sum to 1, which the softmax already does.
    return { loss: value, dz: tf.div(tf.sub(tf.mul(prediction, tf.sum(y, -1, true)), y), batch) };
  }
  if (loss === 'binary_crossentropy' && activation === 'sigmoid') {
    return { loss: value, dz: tf.div(tf.sub(prediction, y), prediction.size) };
  }
  const dPrediction = tf.grad((p: tf.Tensor) => lossFn(y, p))(prediction);
  return { loss: value, dz: activationBackward(activation, prediction, dPrediction) };
}

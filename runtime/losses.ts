// Losses with Keras' formulas and reductions: each is averaged over the last axis and then over
// the batch, which for these losses is the mean over all elements (MSE of one sample (2-1)^2 = 1).
import * as tf from '@tensorflow/tfjs-core';

import type { LossName } from './types.js';
import { NncRuntimeError, RUNTIME_ERROR_CODES } from './errors.js';

/** Keras' `backend.epsilon()`: how far probabilities are kept from 0 and 1 before a log. */
export const EPSILON = 1e-7;

export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

// tfjs differentiates |x| at 0 as -1 (its Abs gradient is dy * step(x, -1)), so a sample that is
// already exact would still be pushed, and by the wrong sign. TensorFlow, PyTorch and Keras use
// sign(0) = 0; so do we.
const absWithSignGrad = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor;
  const save = args[1] as tf.GradSaveFunc;
  save([x]);
  return {
    value: tf.abs(x),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.sign(saved[0])),
  };
});

/** |x| with gradient sign(x) (0 at 0), unlike `tf.abs`. Custom losses should use this one. */
export function abs(x: tf.Tensor): tf.Tensor {
  return absWithSignGrad(x);
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Labels and predictions must agree exactly; broadcasting [n] against [n, 1] would give [n, n]. */
export function assertSameShape(yTrue: tf.Tensor, yPred: tf.Tensor): void {
  const a = yTrue.shape;
  const b = yPred.shape;
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
    throw new NncRuntimeError(
      RUNTIME_ERROR_CODES.labelShape,
      `The model's output has shape ${shapeText(b)} but the labels have shape ${shapeText(a)}; ` +
        'they must be the same (check the number of label columns in the data).',
    );
  }
}

function asFloat(t: tf.Tensor): tf.Tensor {
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}

export function meanSquaredError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  assertSameShape(yTrue, yPred);
  return tf.tidy(() => tf.mean(tf.squaredDifference(yPred, asFloat(yTrue))) as tf.Scalar);
}

export function meanAbsoluteError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  assertSameShape(yTrue, yPred);
  return tf.tidy(() => tf.mean(abs(tf.sub(yPred, asFloat(yTrue)))) as tf.Scalar);
}

/** From probabilities (a sigmoid output), clipped to [eps, 1 - eps] as Keras does. */
export function binaryCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  assertSameShape(yTrue, yPred);
  return tf.tidy(() => {
    const y = asFloat(yTrue);
    const p = tf.clipByValue(yPred, EPSILON, 1 - EPSILON);
    const perElement = tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p))));
    return tf.neg(tf.mean(perElement)) as tf.Scalar;
  });
}

/**
 * From probabilities (a softmax output) over the last axis: rows are renormalised to sum to 1 and
 * clipped, as Keras does, then -sum(y * log p) per sample, averaged over the batch.
 */
export function categoricalCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  assertSameShape(yTrue, yPred);
  return tf.tidy(() => {
    const axis = yPred.rank - 1;
    const normalised = tf.div(yPred, tf.sum(yPred, axis, true));
    const p = tf.clipByValue(normalised, EPSILON, 1 - EPSILON);
    const perSample = tf.neg(tf.sum(tf.mul(asFloat(yTrue), tf.log(p)), axis));
    return tf.mean(perSample) as tf.Scalar;
  });
}

const LOSSES: Record<LossName, LossFunction> = {
  mse: meanSquaredError,
  mae: meanAbsoluteError,
  binary_crossentropy: binaryCrossentropy,
  categorical_crossentropy: categoricalCrossentropy,
};

export function lossFunction(name: LossName): LossFunction {
  const fn = Object.prototype.hasOwnProperty.call(LOSSES, name) ? LOSSES[name] : undefined;
  if (fn === undefined) {
    throw new NncRuntimeError(
      RUNTIME_ERROR_CODES.badPlan,
      `There is no loss called '${String(name)}'; the runtime knows ${Object.keys(LOSSES).join(', ')}.`,
    );
  }
  return fn;
}

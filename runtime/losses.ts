// Losses with Keras' formulas and reductions: each is averaged over the last axis and then over
// the batch, which for these losses is the mean over all elements (MSE of one sample (2-1)^2 = 1).
import * as tf from '@tensorflow/tfjs-core';

import type { CustomLoss, LossName } from './types.js';
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
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.sign(saved[0]!)), // saved is [x]
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

/** Keras' Huber loss with delta 1: quadratic within 1 of the label, linear beyond. */
export function huber(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  assertSameShape(yTrue, yPred);
  return tf.tidy(() => {
    const error = abs(tf.sub(yPred, asFloat(yTrue)));
    const quadratic = tf.minimum(error, 1);
    const linear = tf.sub(error, quadratic);
    return tf.mean(tf.add(tf.mul(0.5, tf.square(quadratic)), linear)) as tf.Scalar;
  });
}

/** From logits: max(z, 0) − z·y + log(1 + e^−|z|), the numerically stable form (as TensorFlow). */
export function binaryCrossentropyFromLogits(yTrue: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  assertSameShape(yTrue, logits);
  return tf.tidy(() => {
    const y = asFloat(yTrue);
    const perElement = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, y)), tf.log1p(tf.exp(tf.neg(abs(logits)))));
    return tf.mean(perElement) as tf.Scalar;
  });
}

/** From logits over the last axis: −Σ y·logsoftmax(z) per sample, averaged over the batch. */
export function categoricalCrossentropyFromLogits(yTrue: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  assertSameShape(yTrue, logits);
  return tf.tidy(() => {
    const axis = logits.rank - 1;
    return tf.mean(tf.neg(tf.sum(tf.mul(asFloat(yTrue), tf.logSoftmax(logits, axis)), axis))) as tf.Scalar;
  });
}

/** Labels as one column of class numbers [batch, 1] against [batch, classes] outputs. */
function sparseToOneHot(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const classes = yPred.shape[yPred.rank - 1] ?? 1;
  if (yTrue.rank !== yPred.rank || yTrue.shape[yTrue.rank - 1] !== 1 || yTrue.shape[0] !== yPred.shape[0]) {
    throw new NncRuntimeError(
      RUNTIME_ERROR_CODES.labelShape,
      `Sparse categorical cross-entropy needs one label column of class numbers; the labels have shape ${shapeText(yTrue.shape)} against outputs ${shapeText(yPred.shape)}.`,
    );
  }
  return tf.oneHot(tf.cast(tf.reshape(yTrue, [-1]), 'int32'), classes);
}

export function sparseCategoricalCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => categoricalCrossentropy(sparseToOneHot(yTrue, yPred), yPred));
}

export function sparseCategoricalCrossentropyFromLogits(yTrue: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => categoricalCrossentropyFromLogits(sparseToOneHot(yTrue, logits), logits));
}

const LOSSES: Record<LossName, LossFunction> = {
  mse: meanSquaredError,
  mae: meanAbsoluteError,
  binary_crossentropy: binaryCrossentropy,
  categorical_crossentropy: categoricalCrossentropy,
  huber,
  binary_crossentropy_from_logits: binaryCrossentropyFromLogits,
  categorical_crossentropy_from_logits: categoricalCrossentropyFromLogits,
  sparse_categorical_crossentropy: sparseCategoricalCrossentropy,
  sparse_categorical_crossentropy_from_logits: sparseCategoricalCrossentropyFromLogits,
};

/** Whether a loss compares class numbers (one label column) with one output per class. */
export function isSparseLoss(loss: LossName | CustomLoss): boolean {
  return typeof loss === 'string' && loss.startsWith('sparse_');
}

/** Whether a loss reads the model's raw scores (logits) rather than probabilities. */
export function isFromLogits(loss: LossName | CustomLoss): boolean {
  return typeof loss === 'string' && loss.endsWith('_from_logits');
}

/**
 * A custom loss from the `.nn` file as a LossFunction: it must give one number per batch, and its
 * inputs must have the same shape (the checker proves both for tables; this guards apps).
 */
export function customLoss(fn: CustomLoss): LossFunction {
  return (yTrue, yPred) => {
    assertSameShape(yTrue, yPred);
    return tf.tidy(() => {
      const value = fn(asFloat(yTrue), yPred);
      if (value.rank !== 0) {
        throw new NncRuntimeError(
          RUNTIME_ERROR_CODES.badPlan,
          `The custom loss gives a tensor of shape ${shapeText(value.shape)} instead of one number; wrap it in mean(...).`,
        );
      }
      return value as tf.Scalar;
    });
  };
}

export function lossFunction(name: LossName | CustomLoss): LossFunction {
  if (typeof name === 'function') return customLoss(name);
  const fn = Object.prototype.hasOwnProperty.call(LOSSES, name) ? LOSSES[name] : undefined;
  if (fn === undefined) {
    throw new NncRuntimeError(
      RUNTIME_ERROR_CODES.badPlan,
      `There is no loss called '${String(name)}'; the runtime knows ${Object.keys(LOSSES).join(', ')}.`,
    );
  }
  return fn;
}

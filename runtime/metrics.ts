// Metrics under the names Keras gives them in logs.
import * as tf from '@tensorflow/tfjs-core';

import type { CustomLoss, LossName, MetricName } from './types.js';
import { NncRuntimeError, RUNTIME_ERROR_CODES } from './errors.js';
import { abs, assertSameShape } from './losses.js';

export type MetricFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

/**
 * Binary when there is one output column (prediction > 0.5 against label > 0.5, which also reads
 * 0/1 outputs of a `step` unit correctly); categorical (argmax against argmax) otherwise.
 */
export function accuracy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  assertSameShape(yTrue, yPred);
  return tf.tidy(() => {
    const columns = yPred.rank === 0 ? 1 : yPred.shape[yPred.rank - 1];
    const hits =
      yPred.rank <= 1 || columns === 1
        ? tf.equal(tf.greater(yPred, 0.5), tf.greater(yTrue, 0.5))
        : tf.equal(tf.argMax(yPred, -1), tf.argMax(yTrue, -1));
    return tf.mean(tf.cast(hits, 'float32')) as tf.Scalar;
  });
}

export function mse(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  assertSameShape(yTrue, yPred);
  return tf.tidy(() => tf.mean(tf.squaredDifference(yPred, tf.cast(yTrue, 'float32'))) as tf.Scalar);
}

export function mae(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  assertSameShape(yTrue, yPred);
  return tf.tidy(() => tf.mean(abs(tf.sub(yPred, tf.cast(yTrue, 'float32')))) as tf.Scalar);
}

/** Per class (macro-averaged over classes when there are several output columns; class 1 when one). */
function classCounts(yTrue: tf.Tensor, yPred: tf.Tensor): { tp: tf.Tensor; predicted: tf.Tensor; actual: tf.Tensor } {
  const columns = yPred.shape[yPred.rank - 1] ?? 1;
  const flat = (t: tf.Tensor) => tf.reshape(t, [-1, columns]);
  const [p, y] = columns === 1
    ? [tf.cast(tf.greater(flat(yPred), 0.5), 'float32'), tf.cast(tf.greater(flat(yTrue), 0.5), 'float32')]
    : [tf.oneHot(tf.argMax(flat(yPred), -1), columns), tf.oneHot(tf.argMax(flat(yTrue), -1), columns)];
  return { tp: tf.sum(tf.mul(p, y), 0), predicted: tf.sum(p, 0), actual: tf.sum(y, 0) };
}

/** a / b where b > 0, else 0 (Keras reports 0 precision when nothing is predicted positive). */
function safeRatio(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.where(tf.greater(b, 0), tf.div(a, tf.maximum(b, 1)), tf.zerosLike(a));
}

export function precision(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  assertSameShape(yTrue, yPred);
  return tf.tidy(() => {
    const c = classCounts(yTrue, yPred);
    return tf.mean(safeRatio(c.tp, c.predicted)) as tf.Scalar;
  });
}

export function recall(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  assertSameShape(yTrue, yPred);
  return tf.tidy(() => {
    const c = classCounts(yTrue, yPred);
    return tf.mean(safeRatio(c.tp, c.actual)) as tf.Scalar;
  });
}

/** F1 per class = 2·tp / (predicted + actual), then the macro mean. */
export function f1(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  assertSameShape(yTrue, yPred);
  return tf.tidy(() => {
    const c = classCounts(yTrue, yPred);
    return tf.mean(safeRatio(tf.mul(2, c.tp), tf.add(c.predicted, c.actual))) as tf.Scalar;
  });
}

/** The coefficient of determination 1 − SS_res/SS_tot per output column, averaged over columns. */
export function r2(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  assertSameShape(yTrue, yPred);
  return tf.tidy(() => {
    const columns = yPred.shape[yPred.rank - 1] ?? 1;
    const y = tf.reshape(tf.cast(yTrue, 'float32'), [-1, columns]);
    const p = tf.reshape(yPred, [-1, columns]);
    const residual = tf.sum(tf.squaredDifference(y, p), 0);
    const total = tf.sum(tf.squaredDifference(y, tf.mean(y, 0, true)), 0);
    // A constant label column explains nothing: its score is 0, not −∞ or NaN.
    const perColumn = tf.where(tf.greater(total, 0), tf.sub(1, tf.div(residual, tf.maximum(total, 1e-12))), tf.zerosLike(total));
    return tf.mean(perColumn) as tf.Scalar;
  });
}

/** counts[true][predicted] over the rows: classes by argmax, or by > 0.5 for one output column. */
export function confusionMatrix(yTrue: tf.Tensor, yPred: tf.Tensor): number[][] {
  const { classes, trueClasses, predicted } = confusionClasses(yTrue, yPred);
  try {
    return countConfusion(classes, trueClasses.dataSync(), predicted.dataSync());
  } finally {
    tf.dispose([trueClasses, predicted]);
  }
}

/**
 * The class of every row, true and predicted, as int32 tensors the caller reads and disposes:
 * `fit` reads them asynchronously (webgpu in Node cannot read synchronously).
 */
export function confusionClasses(yTrue: tf.Tensor, yPred: tf.Tensor): { classes: number; trueClasses: tf.Tensor; predicted: tf.Tensor } {
  assertSameShape(yTrue, yPred);
  const columns = yPred.shape[yPred.rank - 1] ?? 1;
  const classes = columns === 1 ? 2 : columns;
  const [trueClasses, predicted] = tf.tidy(() => {
    const flat = (x: tf.Tensor) => tf.reshape(x, [-1, columns]);
    return columns === 1
      ? [tf.cast(tf.greater(flat(yTrue), 0.5), 'int32'), tf.cast(tf.greater(flat(yPred), 0.5), 'int32')]
      : [tf.argMax(flat(yTrue), -1), tf.argMax(flat(yPred), -1)];
  });
  return { classes, trueClasses: trueClasses!, predicted: predicted! };
}

/** counts[true][predicted] from the classes of the rows. */
export function countConfusion(classes: number, trueClasses: ArrayLike<number>, predicted: ArrayLike<number>): number[][] {
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < trueClasses.length; i++) counts[trueClasses[i]!]![predicted[i]!]! += 1;
  return counts;
}

const METRICS: Record<MetricName, MetricFunction> = { accuracy, mse, mae, precision, recall, f1, r2 };

export function metricFunction(name: MetricName): MetricFunction {
  const fn = Object.prototype.hasOwnProperty.call(METRICS, name) ? METRICS[name] : undefined;
  if (fn === undefined) {
    throw new NncRuntimeError(
      RUNTIME_ERROR_CODES.badPlan,
      `There is no metric called '${String(name)}'; the runtime knows ${Object.keys(METRICS).join(', ')}.`,
    );
  }
  return fn;
}

/** What metrics see of a batch: labels and predictions comparable class by class. */
export type MetricView = (yTrue: tf.Tensor, yPred: tf.Tensor) => [tf.Tensor, tf.Tensor];

/**
 * Sparse losses take class numbers: metrics see them one-hot. Losses from logits see raw scores:
 * metrics see probabilities (sigmoid for one column, softmax for several), so `accuracy`'s 0.5
 * threshold means what it says.
 */
export function metricView(loss: LossName | CustomLoss): MetricView {
  const sparse = typeof loss === 'string' && loss.startsWith('sparse_');
  const logits = typeof loss === 'string' && loss.endsWith('_from_logits');
  return (yTrue, yPred) => {
    const columns = yPred.shape[yPred.rank - 1] ?? 1;
    const y = sparse ? tf.oneHot(tf.cast(tf.reshape(yTrue, [-1]), 'int32'), columns) : yTrue;
    const p = logits ? (columns === 1 ? tf.sigmoid(yPred) : tf.softmax(yPred)) : yPred;
    return [y, p];
  };
}

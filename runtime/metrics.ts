// Metrics under the names Keras gives them in logs.
import * as tf from '@tensorflow/tfjs-core';

import type { MetricName } from './types.js';
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

const METRICS: Record<MetricName, MetricFunction> = { accuracy, mse, mae };

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

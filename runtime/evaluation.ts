// Measuring a model on a set of samples without training it: the loss in chunks, the metrics over
// the whole set, and a classifier's confusion matrix.
import * as tf from '@tensorflow/tfjs-core';

import type { MetricName, TrainableModel, TrainingData, TrainPlan } from './types.js';
import { NncRuntimeError, RUNTIME_ERROR_CODES, messageOf } from './errors.js';
import { trainingTensors } from './data.js';
import { lossFunction, type LossFunction } from './losses.js';
import { confusionClasses, countConfusion, metricFunction, metricView, type MetricFunction, type MetricView } from './metrics.js';

/** Rows per forward pass in `evaluate`, to bound memory on large tables. */
const EVAL_CHUNK = 1024;

export type NamedMetric = readonly [MetricName, MetricFunction];

/** A set of samples as tensors: `x` and `y` with one row per sample. */
export interface SampleSet {
  x: tf.Tensor;
  y: tf.Tensor;
}

export function metricsOf(names: readonly MetricName[]): NamedMetric[] {
  return [...new Set(names)].map((name) => [name, metricFunction(name)] as const);
}

/** A failure inside tfjs as one of ours, saying what was being done. */
export function wrapFailure(error: unknown, where: string): NncRuntimeError {
  if (error instanceof NncRuntimeError) return error;
  return new NncRuntimeError(RUNTIME_ERROR_CODES.trainingFailed, `${where} failed: ${messageOf(error)}`, {
    cause: error,
  });
}

/** Whether the data's labels are its inputs (an autoencoder). */
export function labelsOf(plan: Pick<TrainPlan, 'target'>): 'labels' | 'inputs' {
  return plan.target === 'input' ? 'inputs' : 'labels';
}

/** What an evaluation reads back: each chunk's mean loss and its row count, then each metric. */
interface EvaluationScalars {
  losses: tf.Tensor[];
  sizes: number[];
  metrics: tf.Tensor[];
}

/**
 * Mean loss over all rows, in chunks, with `training = false`; the metrics on all the predictions
 * at once, so that precision, recall, F1 and R² are exact over the set, not means of chunks. The
 * scalars are read by the caller: synchronously in `evaluate`, asynchronously in `fit`, because a
 * GPU backend in Node (webgpu) can only read tensors back asynchronously.
 */
function evaluationScalars(model: TrainableModel, set: SampleSet, lossFn: LossFunction, metrics: readonly NamedMetric[], view: MetricView): EvaluationScalars {
  const { x, y } = set;
  const n = x.shape[0]!;
  const scalars: EvaluationScalars = { losses: [], sizes: [], metrics: [] };
  const predictions: tf.Tensor[] = [];
  try {
    for (let start = 0; start < n; start += EVAL_CHUNK) {
      const size = Math.min(EVAL_CHUNK, n - start);
      const whole = size === n;
      const [loss, pred] = tf.tidy(() => {
        const xb = whole ? x : tf.slice(x, start, size);
        const yb = whole ? y : tf.slice(y, start, size);
        const p = model.forward(xb, false);
        return [lossFn(yb, p), p];
      });
      scalars.losses.push(loss);
      scalars.sizes.push(size);
      predictions.push(pred);
    }
    if (metrics.length > 0) {
      scalars.metrics = tf.tidy(() => {
        const all = predictions.length === 1 ? predictions[0]! : tf.concat(predictions, 0);
        const [yv, pv] = view(y, all);
        return metrics.map(([, fn]) => fn(yv, pv));
      });
    }
    return scalars;
  } catch (error) {
    tf.dispose(scalars.losses);
    throw error;
  } finally {
    tf.dispose(predictions);
  }
}

/** The loss (weighted by chunk size, summed in the order of the rows) and the metrics, by name. */
function evaluationLogs(scalars: EvaluationScalars, metrics: readonly NamedMetric[], losses: number[], values: number[]): Record<string, number> {
  let lossSum = 0;
  losses.forEach((loss, i) => {
    lossSum += loss * scalars.sizes[i]!;
  });
  const out: Record<string, number> = { loss: lossSum / scalars.sizes.reduce((a, b) => a + b, 0) };
  metrics.forEach(([name], i) => {
    out[name] = values[i]!;
  });
  return out;
}

function evaluateSet(model: TrainableModel, set: SampleSet, lossFn: LossFunction, metrics: readonly NamedMetric[], view: MetricView): Record<string, number> {
  const scalars = evaluationScalars(model, set, lossFn, metrics, view);
  try {
    const read = (t: tf.Tensor) => t.dataSync()[0]!;
    return evaluationLogs(scalars, metrics, scalars.losses.map(read), scalars.metrics.map(read));
  } finally {
    tf.dispose([...scalars.losses, ...scalars.metrics]);
  }
}

/** Loss and metrics on a set, read asynchronously (as a GPU backend in Node needs); `what` names it in an error. */
export async function measureSet(
  model: TrainableModel,
  set: SampleSet,
  lossFn: LossFunction,
  metrics: readonly NamedMetric[],
  view: MetricView,
  what: string,
): Promise<Record<string, number>> {
  try {
    const scalars = evaluationScalars(model, set, lossFn, metrics, view);
    try {
      const read = async (t: tf.Tensor) => (await t.data())[0]!;
      const [losses, values] = await Promise.all([Promise.all(scalars.losses.map(read)), Promise.all(scalars.metrics.map(read))]);
      return evaluationLogs(scalars, metrics, losses, values);
    } finally {
      tf.dispose([...scalars.losses, ...scalars.metrics]);
    }
  } catch (error) {
    throw wrapFailure(error, `${what} of '${model.modelName}'`);
  }
}

/** Loss and metrics of the model on a table or on samples as tensors (inference mode: dropout off). */
export function evaluate(model: TrainableModel, data: TrainingData, plan: Pick<TrainPlan, 'loss' | 'metrics' | 'target'>): Record<string, number> {
  const lossFn = lossFunction(plan.loss);
  const metrics = metricsOf(plan.metrics);
  const set = trainingTensors(model, data, labelsOf(plan));
  try {
    return evaluateSet(model, set, lossFn, metrics, metricView(plan.loss));
  } catch (error) {
    throw wrapFailure(error, `Evaluating the model '${model.modelName}'`);
  } finally {
    tf.dispose([set.x, set.y]);
  }
}

/** Predictions and labels of a set as the confusion matrix of the classes. */
export async function confusionOf(model: TrainableModel, set: SampleSet, view: MetricView): Promise<number[][]> {
  const { classes, trueClasses, predicted } = tf.tidy(() => {
    const [yv, pv] = view(set.y, model.forward(set.x, false));
    return confusionClasses(yv, pv);
  });
  try {
    return countConfusion(classes, await trueClasses.data(), await predicted.data());
  } finally {
    tf.dispose([trueClasses, predicted]);
  }
}

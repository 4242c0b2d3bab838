// The training loop: epochs of full-batch, stochastic or mini-batch descent with raw tfjs-core
// ops, one `optimizer.minimize` per batch, and no tensor left behind between steps.
import * as tf from '@tensorflow/tfjs-core';

import type { EpochLog, FitOptions, History, MetricName, TableData, TrainableModel, TrainPlan } from './types.js';
import { NncRuntimeError, RUNTIME_ERROR_CODES, messageOf } from './errors.js';
import { tableTensors } from './data.js';
import { lossFunction, type LossFunction } from './losses.js';
import { metricFunction, type MetricFunction } from './metrics.js';
import { createOptimizer, learningRateOf } from './optimizers.js';
import { createProgress } from './progress.js';
import { createRng, deriveSeed, shuffledIndices } from './random.js';

/** The seed used when neither the plan nor the options give one: runs are repeatable by default. */
export const DEFAULT_SEED = 42;

/** Rows per forward pass in `evaluate`, to bound memory on large tables. */
const EVAL_CHUNK = 1024;

/** How long the loop may hold the event loop before letting timers (a progress bar, a UI) run. */
const YIELD_EVERY_MS = 50;

type NamedMetric = readonly [MetricName, MetricFunction];

function planError(message: string): NncRuntimeError {
  return new NncRuntimeError(RUNTIME_ERROR_CODES.badPlan, message);
}

function checkPlan(plan: TrainPlan): void {
  if (!Number.isInteger(plan.epochs) || plan.epochs < 0) {
    throw planError(`The number of epochs must be a whole number of at least 0, got ${plan.epochs}.`);
  }
  if (plan.batch !== 'full' && (!Number.isInteger(plan.batch) || plan.batch < 1)) {
    throw planError(`The batch must be 'full' or a whole number of at least 1, got ${String(plan.batch)}.`);
  }
}

function metricsOf(names: readonly MetricName[]): NamedMetric[] {
  return [...new Set(names)].map((name) => [name, metricFunction(name)] as const);
}

function trainableVariables(model: TrainableModel): tf.Variable[] {
  const variables = model
    .weights()
    .map((w) => w.variable)
    .filter((v) => v.trainable);
  if (variables.length === 0) {
    throw new NncRuntimeError(
      RUNTIME_ERROR_CODES.noWeights,
      `The model '${model.modelName}' has no trainable weights, so there is nothing to train.`,
    );
  }
  return variables;
}

function wrapFailure(error: unknown, where: string): NncRuntimeError {
  if (error instanceof NncRuntimeError) return error;
  return new NncRuntimeError(RUNTIME_ERROR_CODES.trainingFailed, `${where} failed: ${messageOf(error)}`, {
    cause: error,
  });
}

function rowsOf(t: tf.Tensor, start: number, size: number, whole: boolean): tf.Tensor {
  return whole ? t : tf.slice(t, [start, 0], [size, -1]);
}

/** Mean loss and metrics over all rows, in chunks, with `training = false`. */
function evaluateTensors(
  model: TrainableModel,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  lossFn: LossFunction,
  metrics: readonly NamedMetric[],
): Record<string, number> {
  const n = x.shape[0];
  const sums = new Float64Array(1 + metrics.length);
  for (let start = 0; start < n; start += EVAL_CHUNK) {
    const size = Math.min(EVAL_CHUNK, n - start);
    const whole = size === n;
    const values = tf.tidy(() => {
      const xb = rowsOf(x, start, size, whole);
      const yb = rowsOf(y, start, size, whole);
      const pred = model.forward(xb, false);
      return [lossFn(yb, pred), ...metrics.map(([, fn]) => fn(yb, pred))];
    });
    values.forEach((v, i) => {
      sums[i] += v.dataSync()[0] * size;
      v.dispose();
    });
  }
  const out: Record<string, number> = { loss: sums[0] / n };
  metrics.forEach(([name], i) => {
    out[name] = sums[i + 1] / n;
  });
  return out;
}

/** Loss and metrics of the model on the whole table (inference mode: dropout off). */
export function evaluate(
  model: TrainableModel,
  data: TableData,
  plan: Pick<TrainPlan, 'loss' | 'metrics'>,
): Record<string, number> {
  const lossFn = lossFunction(plan.loss);
  const metrics = metricsOf(plan.metrics);
  const { x, y } = tableTensors(data);
  try {
    return evaluateTensors(model, x, y, lossFn, metrics);
  } catch (error) {
    throw wrapFailure(error, `Evaluating the model '${model.modelName}'`);
  } finally {
    x.dispose();
    y.dispose();
  }
}

/**
 * Trains `model` on `data` as `plan` says. Per epoch, `logs.loss` and each metric are means over
 * the epoch's batches weighted by batch size (as Keras reports them), measured while the weights
 * change; `History.final` re-measures them on the whole set after training.
 */
export async function fit(
  model: TrainableModel,
  data: TableData,
  plan: TrainPlan,
  options: FitOptions = {},
): Promise<History> {
  checkPlan(plan);
  // Without a prior `useBackend`, tfjs starts the best registered backend (wasm) asynchronously
  // and throws on the next op unless this is awaited.
  await tf.ready();
  const lossFn = lossFunction(plan.loss);
  const metrics = metricsOf(plan.metrics);
  const variables = trainableVariables(model);
  const seed = options.seed ?? plan.seed ?? DEFAULT_SEED;
  // A stream of its own, so the shuffle does not move when the model's initialisers change.
  const rng = createRng(deriveSeed(seed, 'shuffle'));

  // Created in this order so that whatever fails leaves nothing behind: the progress reporter
  // holds no tensors, the optimizer is disposed if the table is rejected.
  const progress = await createProgress(options.progress ?? 'none', options.stream);
  const optimizer = createOptimizer(plan.optimizer);
  let tensors: { x: tf.Tensor2D; y: tf.Tensor2D };
  try {
    tensors = tableTensors(data);
  } catch (error) {
    optimizer.dispose();
    throw error;
  }
  const { x, y } = tensors;
  const n = x.shape[0];
  const batchSize = plan.batch === 'full' ? n : Math.min(plan.batch, n);
  const steps = Math.ceil(n / batchSize);
  // One batch holding every row has the same gradient in any order: skip the gather.
  const shuffle = plan.shuffle && steps > 1;

  const epochs: EpochLog[] = [];
  let lastYield = Date.now();
  let lastLoss = Number.NaN;

  try {
    progress.start(plan.epochs);
    for (let epoch = 1; epoch <= plan.epochs; epoch++) {
      const order = shuffle ? tf.tensor1d(shuffledIndices(n, rng), 'int32') : null;
      const xs = order ? tf.gather(x, order) : x;
      const ys = order ? tf.gather(y, order) : y;
      const sums = new Float64Array(1 + metrics.length);
      try {
        for (let s = 0; s < steps; s++) {
          const start = s * batchSize;
          const size = Math.min(batchSize, n - start);
          const where = `Training the model '${model.modelName}' at epoch ${epoch}, step ${s + 1}`;
          let measured: tf.Scalar[] = [];
          let cost: tf.Scalar | null;
          try {
            cost = optimizer.minimize(
              () =>
                tf.tidy(() => {
                  const xb = rowsOf(xs, start, size, steps === 1);
                  const yb = rowsOf(ys, start, size, steps === 1);
                  const pred = model.forward(xb, true);
                  // The loss first: it rejects mismatched labels before any metric is kept.
                  const loss = lossFn(yb, pred);
                  // Metrics on the same forward pass; kept so they outlive minimize's scopes.
                  measured = metrics.map(([, fn]) => tf.keep(fn(yb, pred)));
                  return loss;
                }),
              true,
              variables,
            );
          } catch (error) {
            measured.forEach((t) => t.dispose());
            throw wrapFailure(error, where);
          }
          const scalars = cost ? [cost, ...measured] : measured;
          const values = await Promise.all(scalars.map((t) => t.data()));
          scalars.forEach((t) => t.dispose());
          const loss = values[0][0];
          if (!Number.isFinite(loss)) {
            throw new NncRuntimeError(
              RUNTIME_ERROR_CODES.diverged,
              `Training diverged at epoch ${epoch}, step ${s + 1} of ${steps}: the loss became ${loss}` +
                (Number.isFinite(lastLoss) ? ` (the previous step's loss was ${lastLoss.toPrecision(4)})` : '') +
                `. Try a smaller learning rate (it is ${learningRateOf(plan.optimizer)}), or scale the data to smaller values.`,
            );
          }
          lastLoss = loss;
          values.forEach((v, i) => {
            sums[i] += v[0] * size;
          });
          if (Date.now() - lastYield > YIELD_EVERY_MS) {
            await new Promise((resolve) => setTimeout(resolve, 0));
            lastYield = Date.now();
          }
        }
      } finally {
        if (order) {
          order.dispose();
          xs.dispose();
          ys.dispose();
        }
      }
      const logs: Record<string, number> = { loss: sums[0] / n };
      metrics.forEach(([name], i) => {
        logs[name] = sums[i + 1] / n;
      });
      const log: EpochLog = { epoch, epochs: plan.epochs, steps, logs };
      epochs.push(log);
      progress.epoch(log);
      options.onEpochEnd?.(log);
    }
    let final: Record<string, number>;
    try {
      final = evaluateTensors(model, x, y, lossFn, metrics);
    } catch (error) {
      throw wrapFailure(error, `Evaluating the model '${model.modelName}' after training`);
    }
    return { epochs, final };
  } finally {
    progress.stop();
    optimizer.dispose();
    x.dispose();
    y.dispose();
  }
}

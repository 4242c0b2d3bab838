// The training loop: epochs of full-batch, stochastic or mini-batch descent with raw tfjs-core
// ops, one optimizer step per batch (gradients from the compiler's derived backward pass where it
// applies, runtime/derived-step.ts, else the tape), and no tensor left behind between steps.
import * as tf from '@tensorflow/tfjs-core';

import type { EpochLog, FitOptions, History, MetricName, TableData, TrainableModel, TrainPlan } from './types.js';
import { NncRuntimeError, RUNTIME_ERROR_CODES, messageOf } from './errors.js';
import { tableTensors } from './data.js';
import { lossFunction, type LossFunction } from './losses.js';
import { confusionClasses, countConfusion, metricFunction, metricView, type MetricFunction, type MetricView } from './metrics.js';
import { createOptimizer, learningRateOf, scheduledRate, setLearningRate } from './optimizers.js';
import { loadRunState, saveRunState, type RunState } from './resume.js';
import { trainStep, type StepContext } from './step.js';
import { derivedGradients, derivedTrainStep } from './derived-step.js';
import { isFrozen, loadLayerWeights } from './transfer.js';
import { createProgress } from './progress.js';
import { createRng, deriveSeed, shuffledIndices } from './random.js';
import { seedDropout } from './layers.js';

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

function trainableVariables(model: TrainableModel, frozen?: readonly string[]): tf.Variable[] {
  const variables = model
    .weights()
    .filter((w) => !isFrozen(w.name, frozen))
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
function evaluationScalars(
  model: TrainableModel,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  lossFn: LossFunction,
  metrics: readonly NamedMetric[],
  view: MetricView,
): EvaluationScalars {
  const n = x.shape[0];
  const scalars: EvaluationScalars = { losses: [], sizes: [], metrics: [] };
  const predictions: tf.Tensor[] = [];
  try {
    for (let start = 0; start < n; start += EVAL_CHUNK) {
      const size = Math.min(EVAL_CHUNK, n - start);
      const whole = size === n;
      const [loss, pred] = tf.tidy(() => {
        const xb = rowsOf(x, start, size, whole);
        const yb = rowsOf(y, start, size, whole);
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

function evaluateTensors(
  model: TrainableModel,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  lossFn: LossFunction,
  metrics: readonly NamedMetric[],
  view: MetricView = (yb, pred) => [yb, pred],
): Record<string, number> {
  const scalars = evaluationScalars(model, x, y, lossFn, metrics, view);
  try {
    const read = (t: tf.Tensor) => t.dataSync()[0]!;
    return evaluationLogs(scalars, metrics, scalars.losses.map(read), scalars.metrics.map(read));
  } finally {
    tf.dispose([...scalars.losses, ...scalars.metrics]);
  }
}

async function evaluateTensorsAsync(
  model: TrainableModel,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  lossFn: LossFunction,
  metrics: readonly NamedMetric[],
  view: MetricView,
): Promise<Record<string, number>> {
  const scalars = evaluationScalars(model, x, y, lossFn, metrics, view);
  try {
    const read = async (t: tf.Tensor) => (await t.data())[0]!;
    const [losses, values] = await Promise.all([Promise.all(scalars.losses.map(read)), Promise.all(scalars.metrics.map(read))]);
    return evaluationLogs(scalars, metrics, losses, values);
  } finally {
    tf.dispose([...scalars.losses, ...scalars.metrics]);
  }
}

/** Loss and metrics of the model on the whole table (inference mode: dropout off). */
export function evaluate(
  model: TrainableModel,
  data: TableData,
  plan: Pick<TrainPlan, 'loss' | 'metrics' | 'target'>,
): Record<string, number> {
  const lossFn = lossFunction(plan.loss);
  const metrics = metricsOf(plan.metrics);
  const { x, y } = targetTensors(data, plan);
  try {
    return evaluateTensors(model, x, y, lossFn, metrics, metricView(plan.loss));
  } catch (error) {
    throw wrapFailure(error, `Evaluating the model '${model.modelName}'`);
  } finally {
    x.dispose();
    y.dispose();
  }
}

/** The tensors of a table; an autoencoder's labels are its features (a table may then have no labels). */
function targetTensors(data: TableData, plan: Pick<TrainPlan, 'target'>): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tableTensors(plan.target === 'input' ? { ...data, labels: data.features, y: data.x } : data);
}

function lowerIsBetter(monitor: string): boolean {
  return /loss|mse|mae/.test(monitor);
}

function isClassifier(plan: TrainPlan): boolean {
  return (typeof plan.loss === 'string' && plan.loss.includes('crossentropy')) || plan.metrics.some((m) => m === 'accuracy' || m === 'precision' || m === 'recall' || m === 'f1');
}

/**
 * Trains `model` on `data` as `plan` says. Per epoch, `logs.loss` and each metric are means over
 * the epoch's batches weighted by batch size (as Keras reports them), measured while the weights
 * change; `val_*` values are measured on the held-out rows after the epoch; `History.final`
 * re-measures everything after training.
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
  const view = metricView(plan.loss);
  const variables = trainableVariables(model, plan.freeze);
  const seed = options.seed ?? plan.seed ?? DEFAULT_SEED;
  // A stream of its own, so the shuffle does not move when the model's initialisers change.
  const rng = createRng(deriveSeed(seed, 'shuffle'));
  // Dropout masks follow the run's seed too, so a run with dropout repeats.
  seedDropout(deriveSeed(seed, 'dropout'));

  // Created in this order so that whatever fails leaves nothing behind: the progress reporter
  // holds no tensors, the optimizer is disposed if the table is rejected.
  const progress = await createProgress(options.progress ?? 'none', options.stream);
  const optimizer = createOptimizer(plan.optimizer);
  let sets: TrainingSets;
  try {
    sets = trainingSets(data, plan, options.validationData, seed);
  } catch (error) {
    optimizer.dispose();
    throw error;
  }
  const { x, y, validation } = sets;
  const n = x.shape[0];
  const batchSize = plan.batch === 'full' ? n : Math.min(plan.batch, n);
  const steps = Math.ceil(n / batchSize);
  // One batch holding every row has the same gradient in any order: skip the gather.
  const shuffle = plan.shuffle && steps > 1;
  const baseLr = learningRateOf(plan.optimizer);
  const weights = model.weights();
  const step: StepContext = {
    optimizer,
    spec: plan.optimizer,
    variables,
    penalised: weights.filter((w) => w.variable.trainable && !isFrozen(w.name, plan.freeze) && /(^|\/)kernel$/.test(w.name)).map((w) => w.variable),
    ...(plan.l1 !== undefined ? { l1: plan.l1 } : {}),
    ...(plan.l2 !== undefined ? { l2: plan.l2 } : {}),
    lr: baseLr,
  };
  // The compiler's backward pass where it covers this step; the tape otherwise.
  const derived = derivedGradients(model, plan.loss, step);

  let epochs: EpochLog[] = [];
  let lastYield = Date.now();
  let lastSave = Date.now();
  let lastLoss = Number.NaN;
  let firstEpoch = 1;
  let best: RunState['best'];
  let stoppedEarly: number | undefined;

  try {
    if (plan.init && options.resumeFrom === undefined) {
      const { resolve } = await import('node:path');
      await loadLayerWeights(model, resolve(options.baseDir ?? '.', plan.init.path), plan.init.layers);
    }
    if (options.resumeFrom !== undefined) {
      const state = await loadRunState(options.resumeFrom, model, optimizer);
      if (state.seed !== seed) {
        throw new NncRuntimeError(
          RUNTIME_ERROR_CODES.badResume,
          `The run in '${options.resumeFrom}' used seed ${state.seed}, not ${seed}; resume it with the same seed.`,
        );
      }
      firstEpoch = state.epoch + 1;
      epochs = [...state.history];
      best = state.best;
      // The shuffle stream goes on where the interrupted run left it.
      if (shuffle) for (let e = 1; e < firstEpoch; e++) shuffledIndices(n, rng);
    }
    progress.start(plan.epochs);
    for (let epoch = firstEpoch; epoch <= plan.epochs; epoch++) {
      if (plan.schedule) {
        step.lr = scheduledRate(baseLr, plan.schedule, epoch);
        setLearningRate(optimizer, step.lr);
      }
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
          let cost: tf.Scalar;
          // Metrics on the step's own forward pass; kept so they outlive the step's scopes.
          const measure = (yb: tf.Tensor, pred: tf.Tensor) => {
            if (metrics.length === 0) return;
            const [yv, pv] = view(yb, pred);
            measured = metrics.map(([, fn]) => tf.keep(fn(yv, pv)));
          };
          const batch = () => ({ x: rowsOf(xs, start, size, steps === 1), y: rowsOf(ys, start, size, steps === 1) });
          try {
            cost = derived ? derivedTrainStep(step, derived, batch, measure) : trainStep(step, () =>
              tf.tidy(() => {
                const { x: xb, y: yb } = batch();
                const pred = model.forward(xb, true);
                // The loss first: it rejects mismatched labels before any metric is kept.
                const loss = lossFn(yb, pred);
                measure(yb, pred);
                return loss;
              }),
            );
          } catch (error) {
            measured.forEach((t) => t.dispose());
            throw wrapFailure(error, where);
          }
          const scalars = [cost, ...measured];
          const values = await Promise.all(scalars.map((t) => t.data()));
          scalars.forEach((t) => t.dispose());
          const loss = values[0][0];
          if (!Number.isFinite(loss)) {
            throw new NncRuntimeError(
              RUNTIME_ERROR_CODES.diverged,
              `Training diverged at epoch ${epoch}, step ${s + 1} of ${steps}: the loss became ${loss}` +
                (Number.isFinite(lastLoss) ? ` (the previous step's loss was ${lastLoss.toPrecision(4)})` : '') +
                `. Try a smaller learning rate (it is ${step.lr}), or scale the data to smaller values.`,
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
      if (validation) {
        const measuredOnHoldout = await measure(model, validation, lossFn, metrics, view, 'Evaluating the held-out rows');
        for (const [key, value] of Object.entries(measuredOnHoldout)) logs[`val_${key}`] = value;
      }
      const log: EpochLog = { epoch, epochs: plan.epochs, steps, logs };
      epochs.push(log);
      progress.epoch(log);
      options.onEpochEnd?.(log);
      if (plan.earlyStopping) {
        const { monitor, patience, minDelta } = plan.earlyStopping;
        const value = logs[monitor];
        if (value === undefined) {
          throw new NncRuntimeError(
            RUNTIME_ERROR_CODES.badMonitor,
            `Early stopping watches '${monitor}', but the run reports ${Object.keys(logs).map((k) => `'${k}'`).join(', ')}.` +
              (monitor.startsWith('val_') ? ' Add `validation: holdout(0.2)` to report val_ values.' : ''),
          );
        }
        const better = lowerIsBetter(monitor) ? value < (best?.value ?? Infinity) - minDelta : value > (best?.value ?? -Infinity) + minDelta;
        best = better ? { value, epoch, wait: 0 } : { ...best!, wait: best!.wait + 1 };
        if (best.wait >= patience) stoppedEarly = epoch;
      }
      const interrupted = options.stopAfterEpoch === epoch;
      const lastEpoch = epoch === plan.epochs || stoppedEarly !== undefined || interrupted;
      if (options.checkpointDir !== undefined && (lastEpoch || Date.now() - lastSave >= (options.checkpointEveryMs ?? 1000))) {
        await saveRunState(options.checkpointDir, model, optimizer, { epoch, history: epochs, seed, ...(best ? { best } : {}) });
        lastSave = Date.now();
      }
      if (stoppedEarly !== undefined || interrupted) break;
    }
    const final = await measure(model, { x, y }, lossFn, metrics, view, 'Evaluating the model after training');
    if (validation) {
      for (const [key, value] of Object.entries(await measure(model, validation, lossFn, metrics, view, 'Evaluating the held-out rows'))) final[`val_${key}`] = value;
    }
    const history: History = { epochs, final, gradients: derived ? 'derived' : 'tape' };
    if (stoppedEarly !== undefined) history.stoppedEarly = stoppedEarly;
    if (isClassifier(plan)) history.confusion = await confusionOf(model, validation ?? { x, y }, view);
    return history;
  } finally {
    progress.stop();
    optimizer.dispose();
    x.dispose();
    y.dispose();
    validation?.x.dispose();
    validation?.y.dispose();
  }

  async function measure(
    m: TrainableModel,
    set: { x: tf.Tensor2D; y: tf.Tensor2D },
    fn: LossFunction,
    named: readonly NamedMetric[],
    v: MetricView,
    what: string,
  ): Promise<Record<string, number>> {
    try {
      return await evaluateTensorsAsync(m, set.x, set.y, fn, named, v);
    } catch (error) {
      throw wrapFailure(error, `${what} of '${m.modelName}'`);
    }
  }
}

interface TrainingSets {
  x: tf.Tensor2D;
  y: tf.Tensor2D;
  validation?: { x: tf.Tensor2D; y: tf.Tensor2D };
}

/** The training rows and, with a holdout or validation data, the validation rows. */
function trainingSets(data: TableData, plan: TrainPlan, validationData: TableData | undefined, seed: number): TrainingSets {
  const all = targetTensors(data, plan);
  if (validationData) {
    let validation: { x: tf.Tensor2D; y: tf.Tensor2D };
    try {
      validation = targetTensors(validationData, plan);
    } catch (error) {
      all.x.dispose();
      all.y.dispose();
      throw error;
    }
    return { ...all, validation };
  }
  if (plan.validationSplit === undefined || plan.validationSplit <= 0) return all;
  const n = all.x.shape[0];
  const held = Math.round(n * plan.validationSplit);
  if (held < 1 || held >= n) {
    all.x.dispose();
    all.y.dispose();
    throw planError(`A holdout of ${plan.validationSplit} of ${n} rows leaves ${held === 0 ? 'no row to validate on' : 'no row to train on'}; use more data or another fraction.`);
  }
  // Drawn with the run's seed: unlike Keras' validation_split (the last rows), a sorted file (iris
  // is sorted by class) still gives a validation set of every class.
  const order = shuffledIndices(n, createRng(deriveSeed(seed, 'holdout')));
  const pick = (from: number, to: number) => tf.tensor1d(Array.from(order.slice(from, to)), 'int32');
  const trainRows = pick(held, n);
  const heldRows = pick(0, held);
  const sets = {
    x: tf.gather(all.x, trainRows) as tf.Tensor2D,
    y: tf.gather(all.y, trainRows) as tf.Tensor2D,
    validation: { x: tf.gather(all.x, heldRows) as tf.Tensor2D, y: tf.gather(all.y, heldRows) as tf.Tensor2D },
  };
  tf.dispose([all.x, all.y, trainRows, heldRows]);
  return sets;
}

/** Predictions and labels of a set as the confusion matrix of the classes. */
async function confusionOf(model: TrainableModel, set: { x: tf.Tensor2D; y: tf.Tensor2D }, view: MetricView): Promise<number[][]> {
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

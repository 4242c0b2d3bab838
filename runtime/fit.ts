// The training loop of one model: epochs of full-batch, stochastic or mini-batch descent with raw
// tfjs-core ops, one optimizer step per batch (gradients from the compiler's derived backward pass
// where it applies, runtime/derived-step.ts, else the tape), and no tensor left behind between
// steps. The epochs and batches are runtime/epoch-loop.ts's, shared with `fitSteps`; this file
// adds what one model's run needs, each part a callback or a function of its own.
import * as tf from '@tensorflow/tfjs-core';

import type { EarlyStoppingSpec, EpochLog, FitOptions, History, TrainableModel, TrainingData, TrainPlan } from './types.js';
import { NncRuntimeError, RUNTIME_ERROR_CODES } from './errors.js';
import { trainingTensors } from './data.js';
import { runEpochs, type Batch, type EpochCallback } from './epoch-loop.js';
import { confusionOf, labelsOf, measureSet, metricsOf, wrapFailure, type NamedMetric, type SampleSet } from './evaluation.js';
import { lossFunction, type LossFunction } from './losses.js';
import { metricView, type MetricView } from './metrics.js';
import { createOptimizer, learningRateOf, scheduledRate, setLearningRate } from './optimizers.js';
import { loadRunState, saveRunState, type RunState } from './resume.js';
import { trainStep, type StepContext } from './step.js';
import { derivedGradients, derivedTrainStep, type DerivedGradients } from './derived-step.js';
import { isFrozen, loadLayerWeights } from './transfer.js';
import { createProgress } from './progress.js';
import { createRng, deriveSeed, shuffledIndices } from './random.js';
import { seedDropout } from './layers.js';

export { evaluate } from './evaluation.js';

/** The seed used when neither the plan nor the options give one: runs are repeatable by default. */
export const DEFAULT_SEED = 42;

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

function lowerIsBetter(monitor: string): boolean {
  return /loss|mse|mae/.test(monitor);
}

function isClassifier(plan: TrainPlan): boolean {
  return (typeof plan.loss === 'string' && plan.loss.includes('crossentropy')) || plan.metrics.some((m) => m === 'accuracy' || m === 'precision' || m === 'recall' || m === 'f1');
}

/** What every batch of a run uses: the model, how it is measured, and its optimizer step. */
interface FitRun {
  model: TrainableModel;
  lossFn: LossFunction;
  metrics: readonly NamedMetric[];
  view: MetricView;
  step: StepContext;
  /** The compiler's backward pass where it covers this step; the tape otherwise. */
  derived: DerivedGradients | null;
}

/**
 * Trains `model` on `data` (a table, or samples as tensors or nested arrays) as `plan` says. Per
 * epoch, `logs.loss` and each metric are means over the epoch's batches weighted by batch size (as
 * Keras reports them), measured while the weights change; `val_*` values are measured on the
 * held-out rows after the epoch; `History.final` re-measures everything after training.
 */
export async function fit(model: TrainableModel, data: TrainingData, plan: TrainPlan, options: FitOptions = {}): Promise<History> {
  checkPlan(plan);
  // Without a prior `useBackend`, tfjs starts the best registered backend (wasm) asynchronously
  // and throws on the next op unless this is awaited.
  await tf.ready();
  const lossFn = lossFunction(plan.loss);
  const metrics = metricsOf(plan.metrics);
  const view = metricView(plan.loss);
  const variables = trainableVariables(model, plan.freeze);
  const seed = options.seed ?? plan.seed ?? DEFAULT_SEED;
  // Dropout masks follow the run's seed too, so a run with dropout repeats.
  seedDropout(deriveSeed(seed, 'dropout'));

  // Created in this order so that whatever fails leaves nothing behind: the progress reporter
  // holds no tensors, the optimizer is disposed if the data is rejected.
  const progress = await createProgress(options.progress ?? 'none', options.stream);
  const optimizer = createOptimizer(plan.optimizer);
  let sets: TrainingSets;
  try {
    sets = trainingSets(model, data, plan, options.validationData, seed);
  } catch (error) {
    optimizer.dispose();
    throw error;
  }
  const step = stepContext(model, plan, optimizer, variables);
  const run: FitRun = { model, lossFn, metrics, view, step, derived: derivedGradients(model, plan.loss, step) };
  try {
    const start = await startingPoint(model, optimizer, plan, options, seed);
    const history = start.history;
    const stopping = earlyStopping(plan.earlyStopping, start.best);
    const n = sets.x.shape[0]!;
    progress.start(plan.epochs);
    await runEpochs({
      tensors: [sets.x, sets.y],
      batchSize: plan.batch === 'full' ? n : Math.min(plan.batch, n),
      firstEpoch: start.firstEpoch,
      epochs: plan.epochs,
      // A stream of its own, so the shuffle does not move when the model's initialisers change.
      shuffle: plan.shuffle ? createRng(deriveSeed(seed, 'shuffle')) : null,
      names: ['loss', ...metrics.map(([name]) => name)],
      stepsPerBatch: 1,
      batch: batchTrainer(run),
      callbacks: [
        learningRateSchedule(plan, optimizer, step),
        validation(run, sets.validation),
        {
          epochEnd: ({ log }) => {
            history.push(log);
            progress.epoch(log);
            options.onEpochEnd?.(log);
          },
        },
        stopping,
        interruption(options.stopAfterEpoch),
        ...(options.checkpointDir !== undefined ? [checkpoints(options.checkpointDir, options.checkpointEveryMs ?? 1000, { model, optimizer, seed, history, stopping })] : []),
      ],
    });
    return await trainedHistory(run, plan, sets, history, stopping.stoppedAt);
  } finally {
    progress.stop();
    optimizer.dispose();
    tf.dispose([sets.x, sets.y]);
    if (sets.validation) tf.dispose([sets.validation.x, sets.validation.y]);
  }
}

/** The optimizer step's settings: the variables it updates, the penalties and the learning rate. */
function stepContext(model: TrainableModel, plan: TrainPlan, optimizer: tf.Optimizer, variables: tf.Variable[]): StepContext {
  const weights = model.weights();
  return {
    optimizer,
    spec: plan.optimizer,
    variables,
    penalised: weights.filter((w) => w.variable.trainable && !isFrozen(w.name, plan.freeze) && w.regularized).map((w) => w.variable),
    ...(plan.l1 !== undefined ? { l1: plan.l1 } : {}),
    ...(plan.l2 !== undefined ? { l2: plan.l2 } : {}),
    lr: learningRateOf(plan.optimizer),
  };
}

/** Where a run starts: epoch 1 (from the plan's `init` weights, if any), or after a resumed run's last epoch. */
async function startingPoint(
  model: TrainableModel,
  optimizer: tf.Optimizer,
  plan: TrainPlan,
  options: FitOptions,
  seed: number,
): Promise<{ firstEpoch: number; history: EpochLog[]; best: RunState['best'] }> {
  if (options.resumeFrom === undefined) {
    if (plan.init) {
      await loadLayerWeights(model, plan.init.path, plan.init.layers, options.baseDir);
    }
    return { firstEpoch: 1, history: [], best: undefined };
  }
  const state = await loadRunState(options.resumeFrom, model, optimizer);
  if (state.seed !== seed) {
    throw new NncRuntimeError(
      RUNTIME_ERROR_CODES.badResume,
      `The run in '${options.resumeFrom}' used seed ${state.seed}, not ${seed}; resume it with the same seed.`,
    );
  }
  return { firstEpoch: state.epoch + 1, history: [...state.history], best: state.best };
}

/**
 * One optimizer step per batch, returning its loss and metrics (measured on the step's own forward
 * pass). A loss that is not finite stops the run, naming the epoch, the step and the loss before.
 */
function batchTrainer(run: FitRun): (batch: Batch) => Promise<number[]> {
  const { model, lossFn, metrics, view, step, derived } = run;
  let lastLoss = Number.NaN;
  return async (batch) => {
    let measured: tf.Scalar[] = [];
    let cost: tf.Scalar;
    // Metrics on the step's own forward pass; kept so they outlive the step's scopes.
    const measure = (yb: tf.Tensor, pred: tf.Tensor) => {
      if (metrics.length === 0) return;
      const [yv, pv] = view(yb, pred);
      measured = metrics.map(([, fn]) => tf.keep(fn(yv, pv)));
    };
    const rows = () => {
      const [x, y] = batch.rows();
      return { x: x!, y: y! };
    };
    try {
      cost = derived
        ? derivedTrainStep(step, derived, rows, measure)
        : trainStep(step, () =>
            tf.tidy(() => {
              const { x: xb, y: yb } = rows();
              const pred = model.forward(xb, true);
              // The loss first: it rejects mismatched labels before any metric is kept.
              const loss = lossFn(yb, pred);
              measure(yb, pred);
              return loss;
            }),
          );
    } catch (error) {
      measured.forEach((t) => t.dispose());
      throw wrapFailure(error, `Training the model '${model.modelName}' at epoch ${batch.epoch}, step ${batch.index + 1}`);
    }
    const scalars = [cost, ...measured];
    const values = (await Promise.all(scalars.map((t) => t.data()))).map((v) => v[0]!);
    scalars.forEach((t) => t.dispose());
    const loss = values[0]!;
    if (!Number.isFinite(loss)) {
      throw new NncRuntimeError(
        RUNTIME_ERROR_CODES.diverged,
        `Training diverged at epoch ${batch.epoch}, step ${batch.index + 1} of ${batch.count}: the loss became ${loss}` +
          (Number.isFinite(lastLoss) ? ` (the previous step's loss was ${lastLoss.toPrecision(4)})` : '') +
          `. Try a smaller learning rate (it is ${step.lr}), or scale the data to smaller values.`,
      );
    }
    lastLoss = loss;
    return values;
  };
}

/** The plan's schedule sets the learning rate at the start of each epoch. */
function learningRateSchedule(plan: TrainPlan, optimizer: tf.Optimizer, step: StepContext): EpochCallback {
  const { schedule } = plan;
  if (!schedule) return {};
  const baseLr = learningRateOf(plan.optimizer);
  return {
    epochStart: (epoch) => {
      step.lr = scheduledRate(baseLr, schedule, epoch);
      setLearningRate(optimizer, step.lr);
    },
  };
}

/** Loss and metrics on the held-out rows after each epoch, as `val_*` in the epoch's log. */
function validation(run: FitRun, set: SampleSet | undefined): EpochCallback {
  if (!set) return {};
  return {
    epochEnd: async ({ log }) => {
      const measured = await measureSet(run.model, set, run.lossFn, run.metrics, run.view, 'Evaluating the held-out rows');
      for (const [key, value] of Object.entries(measured)) log.logs[`val_${key}`] = value;
    },
  };
}

interface EarlyStopping extends EpochCallback {
  /** The best value so far (carried over from a resumed run), for checkpoints. */
  best: RunState['best'];
  /** The epoch the run stopped at, if it did. */
  stoppedAt?: number;
}

/** Stops the run when the monitored value has not improved by more than `minDelta` for `patience` epochs. */
function earlyStopping(spec: EarlyStoppingSpec | undefined, resumedBest: RunState['best']): EarlyStopping {
  const state: EarlyStopping = { best: resumedBest };
  if (!spec) return state;
  const { monitor, patience, minDelta } = spec;
  state.epochEnd = (end) => {
    const { logs, epoch } = end.log;
    const value = logs[monitor];
    if (value === undefined) {
      throw new NncRuntimeError(
        RUNTIME_ERROR_CODES.badMonitor,
        `Early stopping watches '${monitor}', but the run reports ${Object.keys(logs).map((k) => `'${k}'`).join(', ')}.` +
          (monitor.startsWith('val_') ? ' Add `validation: holdout(0.2)` to report val_ values.' : ''),
      );
    }
    const best = state.best;
    const better = lowerIsBetter(monitor) ? value < (best?.value ?? Infinity) - minDelta : value > (best?.value ?? -Infinity) + minDelta;
    state.best = better ? { value, epoch, wait: 0 } : { ...best!, wait: best!.wait + 1 };
    if (state.best.wait >= patience) {
      state.stoppedAt = epoch;
      end.stop = true;
    }
  };
  return state;
}

/** Ends the run after `epoch` as if interrupted (`FitOptions.stopAfterEpoch`, for tests of resuming). */
function interruption(epoch: number | undefined): EpochCallback {
  if (epoch === undefined) return {};
  return {
    epochEnd: (end) => {
      if (end.log.epoch === epoch) end.stop = true;
    },
  };
}

/** Saves the run (weights, optimizer state, history) after the last epoch, and after others at most every `everyMs`. */
function checkpoints(
  dir: string,
  everyMs: number,
  run: { model: TrainableModel; optimizer: tf.Optimizer; seed: number; history: EpochLog[]; stopping: EarlyStopping },
): EpochCallback {
  let lastSave = Date.now();
  return {
    epochEnd: async (end) => {
      if (!end.last && !end.stop && Date.now() - lastSave < everyMs) return;
      const { best } = run.stopping;
      await saveRunState(dir, run.model, run.optimizer, { epoch: end.log.epoch, history: run.history, seed: run.seed, ...(best ? { best } : {}) });
      lastSave = Date.now();
    },
  };
}

/** The history of a finished run: everything re-measured on the trained model, and a classifier's confusion matrix. */
async function trainedHistory(run: FitRun, plan: TrainPlan, sets: TrainingSets, epochs: EpochLog[], stoppedAt: number | undefined): Promise<History> {
  const { model, lossFn, metrics, view } = run;
  const final = await measureSet(model, sets, lossFn, metrics, view, 'Evaluating the model after training');
  if (sets.validation) {
    const held = await measureSet(model, sets.validation, lossFn, metrics, view, 'Evaluating the held-out rows');
    for (const [key, value] of Object.entries(held)) final[`val_${key}`] = value;
  }
  const history: History = { epochs, final, gradients: run.derived ? 'derived' : 'tape' };
  if (stoppedAt !== undefined) history.stoppedEarly = stoppedAt;
  if (isClassifier(plan)) history.confusion = await confusionOf(model, sets.validation ?? sets, view);
  return history;
}

interface TrainingSets extends SampleSet {
  validation?: SampleSet;
}

/** The training rows and, with a holdout or validation data, the validation rows. */
function trainingSets(model: TrainableModel, data: TrainingData, plan: TrainPlan, validationData: TrainingData | undefined, seed: number): TrainingSets {
  const all = trainingTensors(model, data, labelsOf(plan));
  if (validationData) {
    let validation: SampleSet;
    try {
      validation = trainingTensors(model, validationData, labelsOf(plan));
    } catch (error) {
      tf.dispose([all.x, all.y]);
      throw error;
    }
    return { ...all, validation };
  }
  if (plan.validationSplit === undefined || plan.validationSplit <= 0) return all;
  const n = all.x.shape[0]!;
  const held = Math.round(n * plan.validationSplit);
  if (held < 1 || held >= n) {
    tf.dispose([all.x, all.y]);
    throw planError(`A holdout of ${plan.validationSplit} of ${n} rows leaves ${held === 0 ? 'no row to validate on' : 'no row to train on'}; use more data or another fraction.`);
  }
  // Drawn with the run's seed: unlike Keras' validation_split (the last rows), a sorted file (iris
  // is sorted by class) still gives a validation set of every class.
  const order = shuffledIndices(n, createRng(deriveSeed(seed, 'holdout')));
  const pick = (from: number, to: number) => tf.tensor1d(Array.from(order.slice(from, to)), 'int32');
  const trainRows = pick(held, n);
  const heldRows = pick(0, held);
  const sets = {
    x: tf.gather(all.x, trainRows),
    y: tf.gather(all.y, trainRows),
    validation: { x: tf.gather(all.x, heldRows), y: tf.gather(all.y, heldRows) },
  };
  tf.dispose([all.x, all.y, trainRows, heldRows]);
  return sets;
}

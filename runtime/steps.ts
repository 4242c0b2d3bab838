// Several models in one loop (a GAN): every batch runs the plan's steps in order, each computing
// its own loss over the models, and updating only the models it names with its own optimizer.
import * as tf from '@tensorflow/tfjs-core';

import type { EpochLog, FitOptions, History, StepBatch, StepPlan, TrainableModel, TrainingData } from './types.js';
import { NncRuntimeError, RUNTIME_ERROR_CODES, messageOf } from './errors.js';
import { isTable, trainingTensors } from './data.js';
import { runEpochs, type Batch } from './epoch-loop.js';
import { DEFAULT_SEED } from './fit.js';
import { createOptimizer, learningRateOf } from './optimizers.js';
import { createProgress } from './progress.js';
import { createRng, deriveSeed, type Rng } from './random.js';
import { trainStep, type StepContext } from './step.js';

/** Standard normal values by Box–Muller from our PRNG: the same on every backend. */
function normal(rng: Rng, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = 1 - rng.next();
    const v = rng.next();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** Loss of `pred` against `target`, where a number target means "every element is that number". */
export function against(loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar, pred: tf.Tensor, target: tf.Tensor | number): tf.Scalar {
  return tf.tidy(() => loss(typeof target === 'number' ? tf.fill(pred.shape, target) : target, pred));
}

/**
 * Trains the models as the steps say, on a table or on samples as tensors or nested arrays (data
 * without labels gives its features as `y`). Per epoch, `logs` holds `<step>_loss` for every step:
 * the mean over the epoch's batches. A NaN or infinite loss stops the run naming the step, the
 * epoch and the batch.
 */
export async function fitSteps(models: Readonly<Record<string, TrainableModel>>, data: TrainingData, plan: StepPlan, options: FitOptions = {}): Promise<History> {
  await tf.ready();
  const seed = options.seed ?? plan.seed ?? DEFAULT_SEED;
  const noiseRng = createRng(deriveSeed(seed, 'noise'));
  const contexts: StepContext[] = plan.steps.map((step) => {
    const variables = step.over.flatMap((name) => {
      const model = models[name];
      if (!model) throw new NncRuntimeError(RUNTIME_ERROR_CODES.badPlan, `The step '${step.name}' updates a model '${name}' that the run does not have.`);
      return model.weights().map((w) => w.variable).filter((v) => v.trainable);
    });
    return { optimizer: createOptimizer(step.optimizer), spec: step.optimizer, variables, penalised: [], lr: learningRateOf(step.optimizer) };
  });
  const progress = await createProgress(options.progress ?? 'none', options.stream);
  const labelled = isTable(data) ? data.labels.length > 0 : data.y !== undefined;
  const { x, y } = trainingTensors(undefined, data, labelled ? 'labels' : 'inputs');
  const n = x.shape[0]!;
  const epochs: EpochLog[] = [];
  try {
    progress.start(plan.epochs);
    await runEpochs({
      tensors: [x, y],
      batchSize: plan.batch === 'full' ? n : Math.min(plan.batch, n),
      firstEpoch: 1,
      epochs: plan.epochs,
      shuffle: plan.shuffle ? createRng(deriveSeed(seed, 'shuffle')) : null,
      names: plan.steps.map((step) => `${step.name}_loss`),
      stepsPerBatch: plan.steps.length,
      batch: (batch) => runSteps(models, plan, contexts, batch, noiseRng),
      callbacks: [
        {
          epochEnd: ({ log }) => {
            epochs.push(log);
            progress.epoch(log);
            options.onEpochEnd?.(log);
          },
        },
      ],
    });
    return { epochs, final: { ...(epochs.at(-1)?.logs ?? {}) } };
  } finally {
    progress.stop();
    for (const c of contexts) c.optimizer.dispose();
    tf.dispose([x, y]);
  }
}

/** Every step of the plan on one batch, in order; returns each step's loss. */
async function runSteps(models: Readonly<Record<string, TrainableModel>>, plan: StepPlan, contexts: readonly StepContext[], batch: Batch, noiseRng: Rng): Promise<number[]> {
  const losses: number[] = [];
  for (const [i, step] of plan.steps.entries()) {
    const where = `the step '${step.name}' at epoch ${batch.epoch}, batch ${batch.index + 1} of ${batch.count}`;
    let cost: tf.Scalar;
    try {
      cost = trainStep(contexts[i]!, () =>
        tf.tidy(() => {
          const [x, y] = batch.rows();
          const stepBatch: StepBatch = {
            x: x!,
            y: y!,
            noise: (width) => tf.tensor2d(normal(noiseRng, batch.size * width), [batch.size, width]),
          };
          const loss = step.loss(models, stepBatch);
          if (loss.rank !== 0) throw new NncRuntimeError(RUNTIME_ERROR_CODES.badPlan, `The loss of the step '${step.name}' is not one number.`);
          return loss as tf.Scalar;
        }),
      );
    } catch (error) {
      if (error instanceof NncRuntimeError) throw error;
      throw new NncRuntimeError(RUNTIME_ERROR_CODES.trainingFailed, `Training ${where} failed: ${messageOf(error)}`, { cause: error });
    }
    const value = (await cost.data())[0]!;
    cost.dispose();
    if (!Number.isFinite(value)) {
      throw new NncRuntimeError(RUNTIME_ERROR_CODES.diverged, `Training diverged in ${where}: the loss became ${value}. Try a smaller learning rate (it is ${contexts[i]!.lr}).`);
    }
    losses.push(value);
  }
  return losses;
}

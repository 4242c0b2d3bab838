// Several models in one loop (a GAN): every batch runs the plan's steps in order, each computing
// its own loss over the models, and updating only the models it names with its own optimizer.
import * as tf from '@tensorflow/tfjs-core';

import type { EpochLog, FitOptions, History, StepBatch, StepPlan, TableData, TrainableModel } from './types.js';
import { NncRuntimeError, RUNTIME_ERROR_CODES, messageOf } from './errors.js';
import { tableTensors } from './data.js';
import { DEFAULT_SEED } from './fit.js';
import { createOptimizer, learningRateOf } from './optimizers.js';
import { createProgress } from './progress.js';
import { createRng, deriveSeed, shuffledIndices, type Rng } from './random.js';
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
 * Trains the models as the steps say. Per epoch, `logs` holds `<step>_loss` for every step: the
 * mean over the epoch's batches. A NaN or infinite loss stops the run naming the step, the epoch
 * and the batch.
 */
export async function fitSteps(models: Readonly<Record<string, TrainableModel>>, data: TableData, plan: StepPlan, options: FitOptions = {}): Promise<History> {
  await tf.ready();
  const seed = options.seed ?? plan.seed ?? DEFAULT_SEED;
  const shuffleRng = createRng(deriveSeed(seed, 'shuffle'));
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
  const labelled = data.labels.length > 0;
  const { x, y } = tableTensors(labelled ? data : { ...data, labels: data.features, y: data.x });
  const n = x.shape[0];
  const batchSize = plan.batch === 'full' ? n : Math.min(plan.batch, n);
  const batches = Math.ceil(n / batchSize);
  const epochs: EpochLog[] = [];
  try {
    progress.start(plan.epochs);
    for (let epoch = 1; epoch <= plan.epochs; epoch++) {
      const order = plan.shuffle && batches > 1 ? tf.tensor1d(shuffledIndices(n, shuffleRng), 'int32') : null;
      const xs = order ? tf.gather(x, order) : x;
      const ys = order ? tf.gather(y, order) : y;
      const sums = new Float64Array(plan.steps.length);
      try {
        for (let b = 0; b < batches; b++) {
          const start = b * batchSize;
          const size = Math.min(batchSize, n - start);
          for (const [i, step] of plan.steps.entries()) {
            const where = `the step '${step.name}' at epoch ${epoch}, batch ${b + 1} of ${batches}`;
            let cost: tf.Scalar;
            try {
              cost = trainStep(contexts[i]!, () =>
                tf.tidy(() => {
                  const batch: StepBatch = {
                    x: batches === 1 ? xs : tf.slice(xs, [start, 0], [size, -1]),
                    y: batches === 1 ? ys : tf.slice(ys, [start, 0], [size, -1]),
                    noise: (width) => tf.tensor2d(normal(noiseRng, size * width), [size, width]),
                  };
                  const loss = step.loss(models, batch);
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
            sums[i] += value * size;
          }
        }
      } finally {
        if (order) tf.dispose([order, xs, ys]);
      }
      const logs: Record<string, number> = {};
      plan.steps.forEach((step, i) => {
        logs[`${step.name}_loss`] = sums[i]! / n;
      });
      const log: EpochLog = { epoch, epochs: plan.epochs, steps: batches * plan.steps.length, logs };
      epochs.push(log);
      progress.epoch(log);
      options.onEpochEnd?.(log);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return { epochs, final: { ...(epochs.at(-1)?.logs ?? {}) } };
  } finally {
    progress.stop();
    for (const c of contexts) c.optimizer.dispose();
    tf.dispose([x, y]);
  }
}

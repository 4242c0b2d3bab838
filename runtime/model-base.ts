// What every generated model class does the same way, so the generated code holds only what is
// particular to its network (weights, forward pass, typed predict): saving, loading and freeing
// weights, and — for models with one input and one output — training and evaluating.
import type * as tf from '@tensorflow/tfjs-core';
import { loadWeights, saveWeights } from './checkpoint.js';
import { evaluate, fit } from './fit.js';
import type { FitOptions, History, NamedWeight, TableData, TrainPlan, TrainableModel } from './types.js';

export abstract class GeneratedModel {
  abstract readonly modelName: string;

  /** Every weight with its stable name, in a fixed order. */
  abstract weights(): NamedWeight[];

  /** Writes the weights to `dir` (weights.json + weights.bin), atomically. */
  save(dir: string): Promise<void> {
    return saveWeights(this, dir);
  }

  /** Reads weights written by `save`; names and shapes must match. */
  load(dir: string): Promise<void> {
    return loadWeights(this, dir);
  }

  /** Frees the weights' memory. */
  dispose(): void {
    for (const { variable } of this.weights()) variable.dispose();
  }
}

export abstract class GeneratedTrainableModel extends GeneratedModel implements TrainableModel {
  /** The forward pass for one batch; call it inside `tf.tidy`. */
  abstract forward(x: tf.Tensor, training: boolean): tf.Tensor;

  /** Trains on a table of samples as `plan` says; resolves with the per-epoch history. */
  train(data: TableData, plan: TrainPlan, options: FitOptions = {}): Promise<History> {
    return fit(this, data, plan, options);
  }

  /** Loss and metrics of the model on a table of samples. */
  evaluate(data: TableData, plan: TrainPlan): Record<string, number> {
    return evaluate(this, data, plan);
  }
}

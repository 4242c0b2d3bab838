// What every generated model class does the same way, so the generated code holds only what is
// particular to its network (weights, forward pass, typed predict): saving, loading and freeing
// weights, and — for models with one input and one output — training and evaluating on the data
// the generated class says it takes (`Data`: tables only where the input is a table row).
import type * as tf from '@tensorflow/tfjs-core';
import { loadWeights, saveWeights } from './checkpoint.js';
import { evaluate, fit } from './fit.js';
import type { FitOptions, History, NamedWeight, TableRowData, TrainPlan, TrainableModel, TrainingData } from './types.js';

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

/**
 * A model with one input and one output. `Data` is what `train` and `evaluate` accept: by default
 * a table or 2-D samples (a model whose input is a table row); generated classes of other models
 * (images, sequences) narrow it to samples as tensors or nested arrays of their input's rank.
 */
export abstract class GeneratedTrainableModel<Data extends TrainingData = TableRowData> extends GeneratedModel implements TrainableModel {
  /** The forward pass for one batch; call it inside `tf.tidy`. */
  abstract forward(x: tf.Tensor, training: boolean): tf.Tensor;

  /** The input's shape from the generated class's static `inputShape`, so training can check data against it. */
  get inputShape(): readonly (number | null)[] | undefined {
    return (this.constructor as { inputShape?: readonly (number | null)[] }).inputShape;
  }

  /** Trains as `plan` says on a table or on samples (`{ x, y }`); resolves with the per-epoch history. */
  train(data: Data, plan: TrainPlan, options: FitOptions = {}): Promise<History> {
    return fit(this, data, plan, options);
  }

  /** Loss and metrics of the model on a table or on samples (`{ x, y }`). */
  evaluate(data: Data, plan: TrainPlan): Record<string, number> {
    return evaluate(this, data, plan);
  }
}

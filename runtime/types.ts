// The contract between generated modules and the runtime. Generated code only ever depends on
// what is declared here and re-exported from runtime/index.ts; the runtime knows nothing about
// the .nn language.
import type * as tf from '@tensorflow/tfjs-core';

export type BackendName = 'wasm' | 'cpu' | 'webgpu';

export type LossName = 'mse' | 'mae' | 'binary_crossentropy' | 'categorical_crossentropy';

export type OptimizerName = 'sgd' | 'momentum' | 'adam';

export interface OptimizerSpec {
  name: OptimizerName;
  /** Learning rate. Defaults: sgd 0.01, momentum 0.01, adam 0.001 (as Keras). */
  lr?: number;
  /** For `momentum` (default 0.9). */
  momentum?: number;
  /** For `momentum`: Nesterov's variant. */
  nesterov?: boolean;
  /** For `adam` (defaults 0.9, 0.999, 1e-7 as Keras). */
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export type MetricName = 'accuracy' | 'mse' | 'mae';

/** How a model is trained: everything in a `.nn` `train` block, resolved and checked. */
export interface TrainPlan {
  loss: LossName;
  optimizer: OptimizerSpec;
  /** `'full'` = full-batch descent, `1` = stochastic, `n` = mini-batch of n samples. */
  batch: 'full' | number;
  epochs: number;
  metrics: MetricName[];
  /** Shuffle the samples each epoch (with the run's seed). */
  shuffle: boolean;
  /** Seed for weight initialisation and shuffling; a run with the same seed is repeatable. */
  seed?: number;
}

/** A table of samples: one row per sample, features and labels as columns. */
export interface TableData {
  features: string[];
  labels: string[];
  x: number[][];
  y: number[][];
}

export interface NamedWeight {
  /** Stable, unique name such as `dense_1/kernel`; used by checkpoints. */
  name: string;
  variable: tf.Variable;
}

/** What the training loop needs of a model. Generated model classes implement it. */
export interface TrainableModel {
  readonly modelName: string;
  /** All weights in a stable order. */
  weights(): NamedWeight[];
  /** The forward pass for one batch. Called inside `tf.tidy` by the caller. */
  forward(x: tf.Tensor, training: boolean): tf.Tensor;
}

export interface EpochLog {
  /** 1-based. */
  epoch: number;
  epochs: number;
  /** Optimizer steps (batches) taken in this epoch. */
  steps?: number;
  /** Mean training loss over the epoch's batches, and the metrics named as Keras names them. */
  logs: Record<string, number>;
}

export interface History {
  epochs: EpochLog[];
  /** Loss and metrics of the trained model on the whole training set. */
  final: Record<string, number>;
}

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

export interface FitOptions {
  /** Overrides the plan's seed. */
  seed?: number;
  /** `auto`: a bar on a TTY, one line per epoch otherwise. Default `none` for library use. */
  progress?: ProgressMode;
  /** Where progress goes (default process.stderr). */
  stream?: NodeJS.WritableStream;
  onEpochEnd?(log: EpochLog): void;
}

// The contract between generated modules and the runtime. Generated code only ever depends on
// what is declared here and re-exported from runtime/index.ts; the runtime knows nothing about
// the .nn language.
import type * as tf from '@tensorflow/tfjs-core';

export type BackendName = 'wasm' | 'cpu' | 'webgpu';

export type LossName =
  | 'mse'
  | 'mae'
  | 'binary_crossentropy'
  | 'categorical_crossentropy'
  | 'huber'
  | 'binary_crossentropy_from_logits'
  | 'categorical_crossentropy_from_logits'
  | 'sparse_categorical_crossentropy'
  | 'sparse_categorical_crossentropy_from_logits';

/**
 * A loss written in the `.nn` file as an expression over `pred` and `y`; returns a scalar. The
 * compiler attaches `gradient`, dL/dpred (pred's shape), which the derived backward pass uses
 * instead of a gradient tape; a loss without one trains through the tape.
 */
export type CustomLoss = ((y: tf.Tensor, pred: tf.Tensor) => tf.Tensor) & {
  gradient?: (y: tf.Tensor, pred: tf.Tensor) => tf.Tensor;
};

export type OptimizerName = 'sgd' | 'momentum' | 'adam' | 'rmsprop' | 'adamw';

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
  /** For `rmsprop`: the decay of the squared-gradient average (default 0.9). */
  rho?: number;
  /** For `adamw`: decoupled weight decay (default 0.004, as Keras). */
  weightDecay?: number;
  /** Clip each gradient tensor to this L2 norm (Keras' `clipnorm`). */
  clipnorm?: number;
  /** Clip every gradient element to [-clipvalue, clipvalue] (Keras' `clipvalue`). */
  clipvalue?: number;
}

/** A learning-rate schedule, applied at the start of each epoch (epoch 1 uses the base rate). */
export type ScheduleSpec =
  | { kind: 'step'; every: number; factor: number }
  | { kind: 'exponential'; rate: number }
  | { kind: 'cosine'; epochs: number; min: number };

/** Stop when `monitor` has not improved by more than `minDelta` for `patience` epochs. */
export interface EarlyStoppingSpec {
  monitor: string;
  patience: number;
  minDelta: number;
}

export type MetricName = 'accuracy' | 'mse' | 'mae' | 'precision' | 'recall' | 'f1' | 'r2';

/** How a model is trained: everything in a `.nn` `train` block, resolved and checked. */
export interface TrainPlan {
  loss: LossName | CustomLoss;
  optimizer: OptimizerSpec;
  /** `'full'` = full-batch descent, `1` = stochastic, `n` = mini-batch of n samples. */
  batch: 'full' | number;
  epochs: number;
  metrics: MetricName[];
  /** Shuffle the samples each epoch (with the run's seed). */
  shuffle: boolean;
  /** Seed for weight initialisation and shuffling; a run with the same seed is repeatable. */
  seed?: number;
  /** Hold out this fraction of the rows (drawn with the seed) and report `val_*` each epoch. */
  validationSplit?: number;
  earlyStopping?: EarlyStoppingSpec;
  schedule?: ScheduleSpec;
  /** Weight penalties added to the loss: l1·Σ|w| and l2·Σw² over every kernel. */
  l1?: number;
  l2?: number;
  /** `'input'`: the model learns to reproduce its input (an autoencoder); the labels are unused. */
  target?: 'input';
  /** Layers (weight-name prefixes such as `dense`) whose weights training does not change. */
  freeze?: string[];
  /** Start from the weights of these layers (all shared ones when absent) saved in `path`. */
  init?: { path: string; layers?: string[] };
}

/** A table of samples: one row per sample, features and labels as columns. */
export interface TableData {
  features: string[];
  labels: string[];
  x: number[][];
  y: number[][];
}

/** A nested array of numbers, as apps usually hold data. */
export type NestedNumbers = number | NestedNumbers[];

/**
 * Samples as tensors or nested arrays, one row per sample along the first axis: `x` of shape
 * [rows, ...the model's input], `y` of shape [rows, ...its output] (absent for an autoencoder,
 * whose labels are its inputs). Images, sequences: any input a table row cannot hold. Training
 * copies them; the caller's tensors stay the caller's.
 */
export interface TensorData<X extends tf.Tensor | NestedNumbers = tf.Tensor | NestedNumbers, Y extends tf.Tensor | NestedNumbers = tf.Tensor | NestedNumbers> {
  x: X;
  y?: Y;
}

/** What `fit`, `evaluate` and `fitSteps` train on: a table, or samples as tensors. */
export type TrainingData = TableData | TensorData;

/** What a model whose input is a table row (`[batch, n]`) trains on: a table or a 2-D `x`. */
export type TableRowData = TableData | TensorData<tf.Tensor2D | number[][]>;

export interface NamedWeight {
  /** Stable, unique name such as `dense_1/kernel`; used by checkpoints. */
  name: string;
  variable: tf.Variable;
  /** Whether the plan's `l1`/`l2` penalise it: every kernel, not biases, norms or embedding tables (the layer's entry decides). */
  regularized: boolean;
}

/** What the training loop needs of a model. Generated model classes implement it. */
export interface TrainableModel {
  readonly modelName: string;
  /**
   * The shape of one batch of input, `null` where a dimension is symbolic (`batch`): when given,
   * training checks its data against it and names the mismatch instead of failing inside tfjs.
   */
  readonly inputShape?: readonly (number | null)[];
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
  /** The epoch early stopping ended the run at, if it did. */
  stoppedEarly?: number;
  /** For classifiers: counts[true class][predicted class] on the validation rows (else the training rows). */
  confusion?: number[][];
  /**
   * Where the steps' gradients came from: the backward pass the compiler derived, or tfjs's
   * gradient tape (a model compiled without it, a penalty, frozen layers; see docs/performance.md).
   */
  gradients?: 'derived' | 'tape';
}

/** What a step's loss sees of a batch: the features, the labels, and seeded noise `[rows, width]`. */
export interface StepBatch {
  x: tf.Tensor;
  /** The labels; the features again when the data has none (the checker forbids `y` then). */
  y: tf.Tensor;
  /** Standard normal noise of the batch's size, drawn from the run's seed; the same width → a fresh draw. */
  noise(width: number): tf.Tensor;
}

/** One `step` of a several-model `train` block: a loss, the models it updates, their optimizer. */
export interface StepSpec {
  name: string;
  loss: (models: Readonly<Record<string, TrainableModel>>, batch: StepBatch) => tf.Tensor;
  /** The models whose trainable weights this step changes. */
  over: string[];
  optimizer: OptimizerSpec;
}

/** A `train G, D on data { step …  step … }` block: every batch runs each step in order. */
export interface StepPlan {
  steps: StepSpec[];
  batch: 'full' | number;
  epochs: number;
  shuffle: boolean;
  seed?: number;
}

/** Where a `data` declaration's rows come from, when they are not an inline table. */
export type DataSource =
  | { kind: 'csv' | 'json'; path: string; features: string[]; labels: string[] }
  | { kind: 'iris' }
  /** Samples `from`..`to` (inclusive) of every digit of the `mnist` package, interleaved by digit. */
  | { kind: 'mnist'; from: number; to: number };

export type DataTransform =
  /** The single label column, holding class numbers 0..classes-1, becomes `classes` 0/1 columns. */
  | { kind: 'one_hot'; classes: number }
  /** Each feature column to mean 0 and standard deviation 1. */
  | { kind: 'standardize' }
  /** Each feature column to [0, 1] (min-max). */
  | { kind: 'normalize' }
  /** The rows in an order drawn from `seed`. */
  | { kind: 'shuffle'; seed: number }
  /** Rows `start` .. `start + count - 1` (0-based). */
  | { kind: 'take'; start: number; count: number }
  /** Every row's features padded with `value` or truncated to `length`, at the start (`pre`, as Keras) or the end (`post`). */
  | { kind: 'pad'; length: number; value: number; at: 'pre' | 'post' };

/** A data set that is loaded (and checked) at run time by `loadData`. */
export interface DataSpec {
  kind: 'spec';
  name: string;
  source: DataSource;
  transforms: DataTransform[];
  /** The column names after the transforms. */
  features: string[];
  labels: string[];
}

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

/** Where progress lines go: Node's process.stderr fits; no Node types needed. */
export interface ProgressStream {
  write(text: string): unknown;
  /** A terminal gets a redrawn bar; anything else a compact log. */
  isTTY?: boolean;
}

export interface FitOptions {
  /** Overrides the plan's seed. */
  seed?: number;
  /** `auto`: a bar on a TTY, a compact log otherwise. Default `none` for library use. */
  progress?: ProgressMode;
  /** Where progress goes (default process.stderr in Node, console.error elsewhere). */
  stream?: ProgressStream;
  onEpochEnd?(log: EpochLog): void;
  /** Held-out data reported as `val_*` each epoch (instead of the plan's `validationSplit`). */
  validationData?: TrainingData;
  /** Save weights, optimizer state and progress here after epochs, so `resumeFrom` can go on. */
  checkpointDir?: string;
  /** Minimum milliseconds between two epoch checkpoints (default 1000; the last epoch is always saved). */
  checkpointEveryMs?: number;
  /** Continue a run from the checkpoint that `checkpointDir` wrote. */
  resumeFrom?: string;
  /** Stop after this epoch as if interrupted (for tests of resuming). */
  stopAfterEpoch?: number;
  /** Folder that a plan's relative paths (`init`) are read from (default: the current directory). */
  baseDir?: string;
}

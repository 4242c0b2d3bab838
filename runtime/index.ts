// What generated modules import as `nnc/runtime`. Importing it registers the cpu and wasm backends
// and every gradient, but picks no backend: call `await useBackend(...)` before any tensor op.
export * as tf from '@tensorflow/tfjs-core';

export type * from './types.js';
export { NncRuntimeError, RUNTIME_ERROR_CODES, type RuntimeErrorCode } from './errors.js';
export { useBackend, currentBackend, requireBackend } from './backend.js';
export { createRng, deriveSeed, normalizeSeed, shuffledIndices, type Rng } from './random.js';
export {
  computeFans,
  randomUniform,
  glorotUniform,
  heUniform,
  zeros,
  ones,
  initialize,
  type InitializerName,
} from './initializers.js';
export { step, elu, leakyRelu } from './activations.js';
export {
  EPSILON,
  abs,
  lossFunction,
  meanSquaredError,
  meanAbsoluteError,
  binaryCrossentropy,
  categoricalCrossentropy,
  type LossFunction,
} from './losses.js';
export { createOptimizer, OPTIMIZER_DEFAULTS } from './optimizers.js';
export { metricFunction, accuracy, type MetricFunction } from './metrics.js';
export { tableTensors, validateTable } from './data.js';
export { fit, evaluate, DEFAULT_SEED } from './fit.js';
export { createProgress, formatEpochLine, formatLogs, formatNumber, type ProgressReporter } from './progress.js';
export {
  saveWeights,
  loadWeights,
  encodeWeights,
  decodeWeights,
  WEIGHTS_MANIFEST_FILE,
  WEIGHTS_DATA_FILE,
  type WeightsManifest,
  type WeightSpec,
  type EncodedWeights,
} from './checkpoint.js';
export { toInputTensor, type NestedNumbers } from './input.js';
export type { TrainingRun, DisposableModel } from './run.js';

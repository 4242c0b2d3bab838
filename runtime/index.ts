// `nnc-runtime`: what generated modules import. Importing it registers the cpu and wasm backends
// and tfjs-core's gradients, but picks no backend: call `await useBackend(...)` before any tensor
// op. This entry is browser-safe (no Node built-ins on its import graph); Node resolves
// `nnc-runtime` to node.ts, which adds files, data-set packages, threads, Dawn and the terminal
// bar. webgpu in a browser: `import 'nnc-runtime/webgpu'`.
//
// tfjs-core's declarations name the global `Long` (@types/long, its dependency) without
// referencing it; TypeScript 7 no longer includes @types packages by itself, so this index.d.ts
// references it for every app (`preserve` keeps the line in the emitted declarations).
/// <reference types="long" preserve="true" />
export * as tf from '@tensorflow/tfjs-core';

export type * from './types.js';
export { NncRuntimeError, RUNTIME_ERROR_CODES, type RuntimeErrorCode } from './errors.js';
export { useBackend, currentBackend, requireBackend, type UseBackendOptions, type WasmFileName } from './backend.js';
export { registerHost, currentHost, type HostServices, type HostFiles, type BarReporter } from './platform.js';
export {
  installWasmKernels,
  installedWasmKernels,
  outputGradient,
  activationBackward,
  type WasmKernelSet,
  type DerivedActivation,
} from './kernels/index.js';
export { createRng, deriveSeed, normalizeSeed, shuffledIndices, type Rng } from './random.js';
export {
  computeFans,
  randomUniform,
  glorotUniform,
  heUniform,
  orthogonal,
  zeros,
  ones,
  initialize,
  variable,
  type InitializerName,
} from './initializers.js';
export { step, elu, leakyRelu } from './activations.js';
export { dropout, dropoutMask, seedDropout, batchNormTraining, batchNormStatistics, layerNorm, layerNormTraced, normalised } from './layers.js';
export { dilatedConv1d, dilatedConv2d, dilatedConv3d, dilatedConv1dGradients, dilatedConv2dGradients, dilatedConv3dGradients, spreadFilter } from './dilated-conv.js';
export {
  conv2dKernelGradient,
  conv2dInputGradient,
  conv2dTransposeKernelGradient,
  conv2dTransposeInputGradient,
  conv1dKernelGradient,
  conv1dInputGradient,
  maxPool2dGradient,
  conv3dKernelGradient,
  conv3dInputGradient,
  maxPool3dGradient,
  avgPool3dGradient,
  sumToChannels,
  avgPool2dGradient,
  maxPool1dGradient,
  avgPool1dGradient,
  globalMaxPoolGradient,
  globalAvgPoolGradient,
  upSamplingGradient,
  batchNormInputGradient,
  layerNormInputGradient,
  embeddingGradient,
  maxoutGradient,
  learnedPositionsGradient,
  type DerivedLayerActivation,
} from './kernels/derived-backward.js';
export { simpleRnn, lstm, gru, concatDirections, simpleRnnForwardTrace, lstmForwardTrace, gruForwardTrace, type RecurrentOptions, type SimpleRnnTrace, type LstmTrace, type GruTrace } from './recurrent.js';
export {
  simpleRnnBackward,
  lstmBackward,
  gruBackward,
  splitDirections,
  type RecurrentGradients,
  type RecurrentBackwardOptions,
  type RecurrentActivation,
} from './kernels/recurrent-backward.js';
export {
  multiHeadAttentionBackward,
  type AttentionGradients,
  type AttentionWeightGradients,
} from './kernels/attention-backward.js';
export {
  transformerBlockBackward,
  type TransformerGradients,
  type TransformerWeightGradients,
} from './kernels/transformer-backward.js';
export {
  multiHeadSelfAttention,
  multiHeadAttention,
  sinusoidalPositions,
  addSinusoidalPositions,
  addLearnedPositions,
  transformerBlock,
  multiHeadAttentionForwardTrace,
  multiHeadSelfAttentionForwardTrace,
  transformerBlockForwardTrace,
  type AttentionTrace,
  type TransformerTrace,
  type AttentionWeights,
  type AttentionOptions,
  type TransformerWeights,
  type TransformerOptions,
} from './attention.js';
export {
  EPSILON,
  abs,
  lossFunction,
  meanSquaredError,
  meanAbsoluteError,
  binaryCrossentropy,
  categoricalCrossentropy,
  huber,
  binaryCrossentropyFromLogits,
  categoricalCrossentropyFromLogits,
  sparseCategoricalCrossentropy,
  sparseCategoricalCrossentropyFromLogits,
  customLoss,
  type LossFunction,
} from './losses.js';
export { createOptimizer, OPTIMIZER_DEFAULTS, setLearningRate, scheduledRate } from './optimizers.js';
export { metricFunction, accuracy, precision, recall, f1, r2, confusionMatrix, metricView, type MetricFunction, type MetricView } from './metrics.js';
export { tableTensors, validateTable } from './data.js';
export { loadData, resolveData, type LoadDataOptions } from './load-data.js';
export { parseCsv, parseJsonRecords, type TabularResult, type TabularProblem } from './tabular.js';
export { saveRunState, loadRunState, LATEST_FILE, type RunState } from './resume.js';
export { trainStep, penalty, type StepContext } from './step.js';
export { withGradient } from './derived-step.js';
export { loadLayerWeights, layerOf, isFrozen } from './transfer.js';
export { fitSteps, against } from './steps.js';
export { fit, evaluate, DEFAULT_SEED } from './fit.js';
export { createProgress, formatEpochLine, formatLogs, formatNumber, logEvery, type ProgressReporter } from './progress.js';
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
  type WeightOwner,
} from './checkpoint.js';
export { settlePrediction, toInputTensor, toInputTensors, type NestedNumbers } from './input.js';
export { embeddingLookup } from './embedding-lookup.js';
export type { TrainingRun, StepTrainingRun, DisposableModel } from './run.js';
export { GeneratedModel, GeneratedTrainableModel } from './model-base.js';

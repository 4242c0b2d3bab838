// One contender training one network, in a process of its own (kernel registrations are global,
// so contenders must not share a process). Prints one JSON line: a TrainResult.
//   node dist/bench/train-case.js '{"net":"mlp","contender":"nnc","backend":"wasm",...}'
import * as tf from '@tensorflow/tfjs-core';

import { compile } from '../compiler/index.js';
import { loadGeneratedModule, runtimeUrl } from '../cli/load-module.js';
import {
  createOptimizer,
  installedWasmKernels,
  isSoftwareAdapter,
  lossFunction,
  useBackend,
  webGpuAdapterName,
  type BackendName,
  type TableData,
  type TrainableModel,
} from 'nnc-runtime/node';
import { mnistSamples, CLASSES, PIXELS } from './data.js';
import { timeCalls, timeSteps, type Timing } from './measure.js';
import { LEARNING_RATE, NETWORKS, coreModel, layersModel, nnSource, type NetName } from './networks.js';
import { BATCH, type TrainCase, type TrainResult } from './cases.js';


interface DerivedModel extends TrainableModel {
  lossAndGradients?(x: tf.Tensor, y: tf.Tensor, loss: 'categorical_crossentropy'): { loss: tf.Scalar; gradients: Record<string, tf.Tensor> };
}

async function nncModel(net: NetName, derivedBackward = false): Promise<TrainableModel> {
  const result = compile(nnSource(net), { fileName: NETWORKS[net].file, runtimeModule: runtimeUrl, derivedBackward });
  if (result.output === undefined) {
    const first = result.diagnostics.find((d) => d.severity === 'error');
    throw new Error(`nnc cannot compile ${NETWORKS[net].file} yet: ${first?.code ?? ''} ${first?.message ?? ''}`);
  }
  const module = await loadGeneratedModule(result.output);
  const ModelClass = module[NETWORKS[net].className] as new (options: { seed?: number }) => TrainableModel;
  return new ModelClass({ seed: 1 });
}

async function run(spec: TrainCase): Promise<TrainResult> {
  const { net, contender, backend, protocol } = spec;
  const ours = contender.startsWith('nnc') || contender === 'core-nnc-kernels';
  try {
    await useBackend(backend as BackendName, { wasmKernels: ours ? 'fast' : 'minimal', ...(spec.threads ? { threads: spec.threads } : {}) });
  } catch (error) {
    return { skipped: error instanceof Error ? error.message : String(error) };
  }
  const adapter = backend === 'webgpu' ? webGpuAdapterName() : null;
  if (adapter !== null && isSoftwareAdapter(adapter)) {
    // Said in the words run.ts reports once per backend ("The 'webgpu' backend …").
    return { skipped: `The 'webgpu' backend runs on a software adapter here (${adapter}): good for parity tests, meaningless for timings` };
  }
  const count = spec.batches * BATCH;
  const samples = mnistSamples(count);
  const inputShape = NETWORKS[net].inputShape;
  const xAll = tf.tensor(samples.x, [count, ...inputShape]);
  const yAll = tf.tensor2d(samples.y, [count, CLASSES]);
  const xs = Array.from({ length: spec.batches }, (_, k) => tf.slice(xAll, k * BATCH, BATCH));
  const ys = Array.from({ length: spec.batches }, (_, k) => tf.slice(yAll, k * BATCH, BATCH));
  const batchOf = (i: number) => i % spec.batches;

  let timing: Timing;
  const derivedModel = contender === 'nnc' ? ((await nncModel(net, true)) as DerivedModel) : null;
  if (derivedModel !== null && typeof derivedModel.lossAndGradients === 'function') {
    // nnc's default: the backward pass the compiler derived (no tape), applied with the runtime's
    // Adam — what the generated model's train() runs.
    const lossAndGradients = derivedModel.lossAndGradients.bind(derivedModel);
    const named = derivedModel.weights().filter((w) => w.variable.trainable);
    const optimizer = createOptimizer({ name: 'adam', lr: LEARNING_RATE });
    timing = await timeSteps(async (i) => {
      const k = batchOf(i);
      const cost = tf.tidy(() => {
        const { loss, gradients } = lossAndGradients(xs[k]!, ys[k]!, 'categorical_crossentropy');
        optimizer.applyGradients(Object.fromEntries(named.map((w) => [w.variable.name, gradients[w.name]!])));
        return loss;
      });
      await cost.data();
      cost.dispose();
    }, protocol);
  } else if (contender === 'nnc' || contender === 'nnc-tape' || contender === 'core' || contender === 'core-nnc-kernels') {
    let variables: tf.Variable[];
    let loss: (x: tf.Tensor, y: tf.Tensor) => tf.Scalar;
    if (contender === 'nnc' || contender === 'nnc-tape') {
      // The generated forward pass under tfjs's gradient tape: for models the compiler derives no
      // backward pass for, or compiled with `derivedBackward: false`.
      const model = derivedModel ?? (await nncModel(net, false));
      variables = model.weights().map((w) => w.variable);
      const lossFn = lossFunction('categorical_crossentropy');
      loss = (x, y) => lossFn(y, model.forward(x, true));
    } else {
      const model = coreModel(net);
      variables = model.variables;
      loss = (x, y) => tf.losses.softmaxCrossEntropy(y, model.logits(x, true)) as tf.Scalar;
    }
    const optimizer = contender.startsWith('nnc') ? createOptimizer({ name: 'adam', lr: LEARNING_RATE }) : tf.train.adam(LEARNING_RATE);
    timing = await timeSteps(async (i) => {
      const k = batchOf(i);
      const cost = optimizer.minimize(() => tf.tidy(() => loss(xs[k]!, ys[k]!)), true, variables)!;
      await cost.data();
      cost.dispose();
    }, protocol);
  } else if (contender === 'layers-trainOnBatch') {
    const model = layersModel(net);
    timing = await timeSteps(async (i) => {
      const k = batchOf(i);
      await model.trainOnBatch(xs[k]!, ys[k]!);
    }, protocol);
  } else if (contender === 'layers-fit') {
    const model = layersModel(net);
    const epoch = spec.batches; // one epoch = every distinct batch once
    const x = tf.slice(xAll, 0, epoch * BATCH);
    const y = tf.slice(yAll, 0, epoch * BATCH);
    timing = await timeCalls(async () => {
      await model.fit(x, y, { batchSize: BATCH, epochs: 1, shuffle: true, verbose: 0 });
    }, epoch, protocol.blocks);
  } else {
    // nnc-fit: the generated model's own train() — the runtime's loop over a table of rows —
    // compiled as compile() does by default, so train() uses the derived backward pass where it can.
    const model = await nncModel(net, true);
    const epoch = spec.batches; // one epoch = every distinct batch once
    const rows = (values: Float32Array, width: number) =>
      Array.from({ length: epoch * BATCH }, (_, r) => Array.from(values.subarray(r * width, (r + 1) * width)));
    const table: TableData = { features: [], labels: [], x: rows(samples.x, PIXELS), y: rows(samples.y, CLASSES) };
    table.features = table.x[0]!.map((_, i) => `p${i}`);
    table.labels = table.y[0]!.map((_, i) => `c${i}`);
    const train = model as TrainableModel & { train(data: TableData, plan: object): Promise<unknown> };
    const plan = { loss: 'categorical_crossentropy', optimizer: { name: 'adam', lr: LEARNING_RATE }, batch: BATCH, epochs: 1, metrics: [], shuffle: true, seed: 1 };
    timing = await timeCalls(async () => {
      await train.train(table, plan);
    }, epoch, protocol.blocks);
  }
  return {
    samplesPerSecond: (BATCH * 1000) / timing.msPerStep,
    timing,
    tensorsConstant: timing.numTensors.every((n) => n === timing.numTensors[0]),
    kernels: tf.getBackend() === 'wasm' ? installedWasmKernels() : [],
  };
}

const spec = JSON.parse(process.argv[2] ?? '{}') as TrainCase;
run(spec).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stdout.write(`${JSON.stringify({ skipped: error instanceof Error ? error.message : String(error) })}\n`);
  },
);

// Every layer of the library computes the same forward pass on wasm as on cpu, and trains with the
// right gradients on wasm: for a tiny model around each
// layer, the gradient of every trainable weight that training on wasm uses (the backward pass the
// compiler derived where it derives one, else tfjs's tape over nnc's wasm kernels) agrees within
// 1e-4 relative with tfjs's autodiff on the cpu backend (the oracle), on seeded random inputs.
// Relative to the weight's own largest gradient, or to a thousandth of the model's largest where
// that is smaller: some gradients are zero in exact arithmetic (a bias before batch normalisation,
// attention's key bias), and their float noise has no scale of its own.
// A layer added to the registry without a case here fails the first test.
import { describe, expect, it } from 'vitest';

import { layers } from '../compiler/layers/registry.js';
import { lossFunction, seedDropout, tf, useBackend, type LossName, type TrainableModel } from '../runtime/index.js';
import { loadModel } from './helpers/load.js';
import { randomValues } from './kernels/helpers.js';

interface InputSpec {
  name: string;
  shape: number[];
  /** Integer ids in [0, ids) instead of real values. */
  ids?: number;
}

interface Case {
  inputs: InputSpec[];
  /** The model's statements (the input declarations are written from `inputs`). */
  body: string;
}

const one = (shape: number[], body: string, ids?: number): Case => ({ inputs: [{ name: 'x', shape, ...(ids ? { ids } : {}) }], body });
const two = (a: number[], b: number[], body: string): Case => ({ inputs: [{ name: 'a', shape: a }, { name: 'b', shape: b }], body });

/**
 * One small model per layer, with a layer with weights in front of it, so that the gradient of its
 * input is computed and checked too (a first layer's input gradient is never needed).
 */
const CASES: Record<string, Case> = {
  dense: one([5, 6], 'dense(4, activation: tanh)\n  dense(3, activation: softmax)'),
  sigmoid: one([5, 6], 'dense(4)\n  sigmoid()'),
  tanh: one([5, 6], 'dense(4)\n  tanh()'),
  relu: one([5, 6], 'dense(4)\n  relu()'),
  leaky_relu: one([5, 6], 'dense(4)\n  leaky_relu(0.2)'),
  elu: one([5, 6], 'dense(4)\n  elu()'),
  softmax: one([5, 6], 'dense(4)\n  softmax()'),
  step: one([5, 6], 'dense(4)\n  step()\n  dense(2)'),
  add: two([5, 4], [5, 4], 'output dense(3, a) + dense(3, b)'),
  subtract: two([5, 4], [5, 4], 'output dense(3, a) - dense(3, b)'),
  multiply: two([5, 4], [5, 4], 'output dense(3, a) * dense(3, b)'),
  concat: two([5, 4], [5, 3], 'output dense(2, concat(dense(3, a), b))'),
  conv1d: one([3, 9, 2], 'dense(2)\n  conv1d(4, 3, strides: 2, padding: same, activation: relu)'),
  conv2d: one([3, 8, 7, 2], 'conv2d(4, 3, activation: relu)\n  conv2d(3, [2, 3], strides: 2, padding: same)'),
  conv3d: one([2, 4, 5, 5, 1], 'conv3d(2, 1)\n  conv3d(3, [3, 2, 3], strides: [1, 2, 1], padding: same, activation: tanh)'),
  // tfjs has no gradient for dilation above 1; the runtime's dilated convolutions bring their own.
  'conv1d, dilated': one([3, 9, 2], 'conv1d(3, 3, dilation_rate: 2, padding: same)\n  conv1d(2, 2, dilation_rate: 3, activation: relu)'),
  'conv2d, dilated': one([2, 7, 7, 2], 'conv2d(3, 3, dilation_rate: 2, activation: tanh)\n  conv2d(2, [2, 3], dilation_rate: [1, 2], padding: same)'),
  'conv3d, dilated': one([1, 5, 5, 5, 1], 'conv3d(2, 2, dilation_rate: 2)\n  conv3d(2, 2, dilation_rate: [1, 2, 1], padding: same)'),
  conv2d_transpose: one([2, 4, 4, 3], 'conv2d(3, 1)\n  conv2d_transpose(2, 3, strides: 2, padding: same)'),
  max_pooling1d: one([3, 8, 2], 'conv1d(3, 3)\n  max_pooling1d(2)'),
  max_pooling2d: one([3, 9, 9, 2], 'conv2d(3, 2, activation: relu)\n  max_pooling2d(2)'),
  max_pooling3d: one([2, 4, 6, 6, 1], 'conv3d(2, 3)\n  max_pooling3d(2)'),
  // Windows of two cells of the (signed) input: many are all negative, which stock wasm pooled wrong.
  'max_pooling3d, small windows': one([2, 4, 4, 4, 2], 'max_pooling3d([1, 1, 2])\n  conv3d(2, 1)'),
  average_pooling1d: one([3, 8, 2], 'conv1d(3, 3)\n  average_pooling1d(2, padding: same)'),
  average_pooling2d: one([3, 8, 8, 2], 'conv2d(3, 3)\n  average_pooling2d(2, strides: 1)'),
  average_pooling3d: one([2, 4, 6, 6, 1], 'conv3d(2, 3)\n  average_pooling3d([1, 2, 2])'),
  global_average_pooling1d: one([3, 8, 2], 'conv1d(3, 3)\n  global_average_pooling1d()'),
  global_average_pooling2d: one([3, 6, 6, 2], 'conv2d(3, 3)\n  global_average_pooling2d()'),
  global_max_pooling1d: one([3, 8, 2], 'conv1d(3, 3)\n  global_max_pooling1d()'),
  global_max_pooling2d: one([3, 6, 6, 2], 'conv2d(3, 3)\n  global_max_pooling2d()'),
  flatten: one([3, 5, 5, 2], 'conv2d(3, 3)\n  flatten()\n  dense(2)'),
  reshape: one([3, 12], 'dense(12)\n  reshape([3, 4])\n  dense(2)'),
  up_sampling1d: one([3, 4, 2], 'conv1d(3, 3, padding: same)\n  up_sampling1d(2)'),
  up_sampling2d: one([2, 3, 3, 2], 'conv2d(2, 3, padding: same)\n  up_sampling2d(2)'),
  repeat_vector: one([3, 4], 'dense(3)\n  repeat_vector(4)\n  lstm(2)'),
  dropout: one([6, 10], 'dense(8, activation: relu)\n  dropout(0.5)\n  dense(3)'),
  batch_normalization: one([6, 4, 4, 2], 'conv2d(3, 3)\n  batch_normalization()'),
  layer_normalization: one([3, 5, 4], 'dense(6)\n  layer_normalization()'),
  embedding: one([3, 5], 'embedding(7, 4)\n  flatten()\n  dense(2)', 7),
  one_hot: one([3, 5], 'one_hot(4)\n  conv1d(3, 2)', 4),
  maxout: one([4, 5], 'dense(6)\n  maxout(3)'),
  simple_rnn: one([3, 5, 2], 'dense(3)\n  simple_rnn(4, return_sequences: true)'),
  lstm: one([3, 5, 2], 'dense(3)\n  lstm(3, bidirectional: true)'),
  gru: one([3, 5, 2], 'gru(4, return_sequences: true)\n  gru(3)'),
  multi_head_attention: one([2, 5, 8], 'dense(8)\n  multi_head_attention(2, key_dim: 4, causal: true)'),
  cross_attention: two([2, 4, 8], [2, 6, 6], 'output cross_attention(2, dense(8, a), dense(6, b))'),
  positional_encoding: one([2, 5, 8], 'dense(8)\n  positional_encoding(learned)\n  dense(3)'),
  transformer_encoder: one([2, 5, 8], 'dense(8)\n  transformer_encoder(2, 16)'),
  transformer_decoder: one([2, 5, 8], 'dense(8)\n  transformer_decoder(2, 16)'),
};

interface Generated extends Omit<TrainableModel, 'forward'> {
  forward?(x: tf.Tensor, training?: boolean): tf.Tensor;
  dispose(): void;
  forwardAll?(inputs: Record<string, tf.Tensor>, training?: boolean): Record<string, tf.Tensor>;
  lossAndGradients?(x: tf.Tensor, y: tf.Tensor, loss: LossName): { loss: tf.Scalar; gradients: Record<string, tf.Tensor> };
}

function source(c: Case): string {
  const inputs = c.inputs.map((i) => `  input ${i.name}: [batch, ${i.shape.slice(1).join(', ')}]`).join('\n');
  return `model M {\n${inputs}\n  ${c.body}\n}\n`;
}

function inputTensors(c: Case): Record<string, tf.Tensor> {
  return Object.fromEntries(
    c.inputs.map((spec, k) => {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const values = randomValues(size, 50 + k);
      const data = spec.ids ? values.map((v) => Math.floor(((v + 1) / 2) * spec.ids!)) : values;
      return [spec.name, tf.tensor(data, spec.shape)];
    }),
  );
}

const maxAbs = (values: Float32Array) => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxAbsDifference = (a: Float32Array, b: Float32Array) => (a.length !== b.length ? Infinity : a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0));

const LOSS: LossName = 'mse';

/** The trainable weights' gradients, by weight name, as training computes them on this backend. */
async function gradientsOn(backend: 'cpu' | 'wasm', c: Case, oracle: boolean): Promise<{ used: string; values: Map<string, Float32Array>; prediction: Float32Array }> {
  await useBackend(backend);
  const module = await loadModel(source(c), 'gradients.nn');
  const model = new (module['M'] as new (o: { seed: number }) => Generated)({ seed: 7 });
  const trainable = model.weights().filter((w) => w.variable.trainable);
  const single = c.inputs.length === 1;
  let used = 'tape';
  let prediction: Float32Array = new Float32Array(0);
  const grads = tf.tidy(() => {
    const inputs = inputTensors(c);
    const output = (training: boolean) => (single ? model.forward!(inputs['x']!, training) : Object.values(model.forwardAll!(inputs, training))[0]!);
    seedDropout(11);
    const shape = tf.tidy(() => {
      const y = output(false);
      prediction = y.dataSync() as Float32Array;
      return y.shape;
    });
    const target = tf.tensor(randomValues(shape.reduce((a, b) => a * b, 1), 60), shape);
    seedDropout(11);
    if (!oracle && single && typeof model.lossAndGradients === 'function') {
      used = 'derived';
      const out = model.lossAndGradients(inputs['x']!, target, LOSS);
      return trainable.map((w) => out.gradients[w.name]!);
    }
    const lossFn = lossFunction(LOSS);
    const { grads: byVariable } = tf.variableGrads(() => lossFn(target, output(true)) as tf.Scalar, trainable.map((w) => w.variable));
    return trainable.map((w) => byVariable[w.variable.name]!);
  });
  const values = new Map(trainable.map((w, i) => [w.name, grads[i]!.dataSync() as Float32Array]));
  tf.dispose(grads);
  model.dispose();
  return { used, values, prediction };
}

describe('layer gradients on wasm agree with autodiff on cpu', () => {
  it('cover every layer of the library', () => {
    expect(layers.map((l) => l.name).filter((name) => !(name in CASES))).toEqual([]);
  });

  for (const [name, c] of Object.entries(CASES)) {
    it(name, async () => {
      const expected = await gradientsOn('cpu', c, true);
      const actual = await gradientsOn('wasm', c, false);
      // The forward pass (inference mode) first: the same values on both backends.
      expect(maxAbsDifference(actual.prediction, expected.prediction) / Math.max(1, maxAbs(expected.prediction)), 'prediction').toBeLessThan(1e-4);
      expect([...actual.values.keys()]).toEqual([...expected.values.keys()]);
      expect(expected.values.size).toBeGreaterThan(0);
      const largest = Math.max(...[...expected.values.values()].map(maxAbs));
      for (const [weight, values] of expected.values) {
        const error = maxAbsDifference(actual.values.get(weight)!, values) / Math.max(maxAbs(values), largest * 1e-3);
        expect(error, `${name}: ${weight} (${actual.used})`).toBeLessThan(1e-4);
      }
    });
  }
});

// Every layer of the library computes the same forward pass on wasm as on cpu, and trains with the
// right gradients on wasm: for a tiny model around each
// layer, the gradient of every trainable weight that training on wasm uses (the backward pass the
// compiler derived where it derives one, else tfjs's tape over nnc's wasm kernels) agrees within
// 1e-4 relative with tfjs's autodiff on the cpu backend (the oracle), on seeded random inputs.
// Relative to the weight's own largest gradient, or to a thousandth of the model's largest where
// that is smaller: some gradients are zero in exact arithmetic (a bias before batch normalisation,
// attention's key bias), and their float noise has no scale of its own.
// The cases are in helpers/layer-cases.ts; a layer added to the registry without one fails the
// first test (and test/layer-registry.test.ts).
import { describe, expect, it } from 'vitest';

import { layers } from '../compiler/layers/registry.js';
import { lossFunction, seedDropout, tf, useBackend, type LossName, type TrainableModel } from '../runtime/index.js';
import { loadModel } from './helpers/load.js';
import { randomValues } from './kernels/helpers.js';
import { caseSource as source, GRADIENT_CASES as CASES, type Case } from './helpers/layer-cases.js';

interface Generated extends Omit<TrainableModel, 'forward'> {
  forward?(x: tf.Tensor, training?: boolean): tf.Tensor;
  dispose(): void;
  forwardAll?(inputs: Record<string, tf.Tensor>, training?: boolean): Record<string, tf.Tensor>;
  lossAndGradients?(x: tf.Tensor, y: tf.Tensor, loss: LossName): { loss: tf.Scalar; gradients: Record<string, tf.Tensor> };
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

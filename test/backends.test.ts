// Backend parity: the same generated model gives the same forward pass and the same training steps on
// cpu (the reference) and on wasm with nnc's kernels, within 1e-4 relative; the webgpu row is in
// test/runtime/backend.test.ts (its packages are optional and absent here).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { createOptimizer, lossFunction, tf, useBackend, type TrainableModel } from '../runtime/index.js';
import { loadModel } from './helpers/load.js';
import { randomValues, relativeError } from './kernels/helpers.js';

const SMALL_CNN = `
model SmallCnn {
  input image: [batch, 10, 10, 2]
  conv2d(4, 3, activation: relu)
  max_pooling2d(2)
  conv2d(6, 3, activation: relu)
  flatten()
  dense(3, activation: softmax)
}
`;

const MLP = readFileSync(new URL('../bench/networks/mlp.nn', import.meta.url), 'utf8');

interface Run {
  forward: Float32Array;
  losses: number[];
  weights: Float32Array[];
  numTensors: number[];
}

/** A forward pass, then three SGD steps on one fixed batch, on `backend`. */
async function train(source: string, className: string, inputShape: number[], classes: number, backend: 'cpu' | 'wasm'): Promise<Run> {
  await useBackend(backend);
  const module = await loadModel(source, `${className}.nn`);
  const model = new module[className]({ seed: 7 }) as TrainableModel & { dispose(): void };
  const size = inputShape.reduce((a, b) => a * b);
  const x = tf.tensor(randomValues(size, 21), inputShape);
  const labels = Array.from({ length: inputShape[0]! }, (_, i) => i % classes);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), classes), 'float32'));
  const forward = tf.tidy(() => model.forward(x, false)).dataSync() as Float32Array;
  const loss = lossFunction('categorical_crossentropy');
  // SGD: the update is linear in the gradient. Adam divides by √v, so a gradient that is zero up to
  // rounding (a weight of a hidden unit dead on most rows) moves by ±lr on either backend.
  const optimizer = createOptimizer({ name: 'sgd', lr: 0.1 });
  const variables = model.weights().map((w) => w.variable);
  const losses: number[] = [];
  const numTensors: number[] = [];
  for (let step = 0; step < 3; step++) {
    const cost = optimizer.minimize(() => tf.tidy(() => loss(y, model.forward(x, true))), true, variables)!;
    losses.push(cost.dataSync()[0]!);
    cost.dispose();
    numTensors.push(tf.memory().numTensors);
  }
  const weights = variables.map((v) => v.dataSync() as Float32Array);
  optimizer.dispose();
  model.dispose();
  tf.dispose([x, y]);
  return { forward, losses, weights, numTensors };
}

describe('cpu and wasm agree on generated models', () => {
  const cases: [string, string, string, number[], number][] = [
    ['the benchmark MLP', MLP, 'Mlp', [8, 784], 10],
    ['a small convnet (conv, max-pool, dense)', SMALL_CNN, 'SmallCnn', [4, 10, 10, 2], 3],
  ];
  for (const [name, source, className, inputShape, classes] of cases) {
    it(name, async () => {
      const cpu = await train(source, className, inputShape, classes, 'cpu');
      const wasm = await train(source, className, inputShape, classes, 'wasm');
      expect(relativeError(wasm.forward, cpu.forward)).toBeLessThan(1e-4);
      wasm.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(cpu.losses[i]!))));
      // Training moved the weights, identically.
      expect(cpu.losses[2]).toBeLessThan(cpu.losses[0]!);
      wasm.weights.forEach((w, i) => expect(relativeError(w, cpu.weights[i]!)).toBeLessThan(1e-4));
      // No step leaves a tensor behind.
      for (const run of [cpu, wasm]) expect(new Set(run.numTensors).size).toBe(1);
    });
  }
});

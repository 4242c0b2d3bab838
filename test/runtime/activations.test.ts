import { beforeAll, describe, expect, it } from 'vitest';

import { createOptimizer, elu, leakyRelu, lossFunction, step, tf, useBackend } from '../../runtime/index.js';
import { TinyDense, close } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('step', () => {
  it('is 1 where x > 0 and 0 elsewhere (0 included)', () => {
    const y = step(tf.tensor1d([-2, -0.001, 0, 0.001, 3]));
    expect(Array.from(y.dataSync())).toEqual([0, 0, 0, 1, 1]);
    expect(y.dtype).toBe('float32');
  });

  it('passes the gradient straight through', () => {
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(step(x), tf.tensor1d([1, 2, 3]))));
    expect(Array.from(g(tf.tensor1d([-1, 0, 5])).dataSync())).toEqual([1, 2, 3]);
  });

  it('makes one SGD step on an MAE loss the perceptron learning rule', () => {
    // w = [0.5, -0.5], b = 0, x = [1, 1]: z = 0, so yhat = 0 while y = 1.
    const model = new TinyDense(2, 1, { kernel: [[0.5], [-0.5]], bias: [0], activation: step });
    const loss = lossFunction('mae');
    const opt = createOptimizer({ name: 'sgd', lr: 0.1 });
    const x = tf.tensor2d([[1, 1]]);
    opt.minimize(() => loss(tf.tensor2d([[1]]), model.forward(x, true)), false, [model.kernel, model.bias]);
    // w <- w + eta (y - yhat) x = [0.6, -0.4], b <- b + eta (y - yhat) = 0.1
    expect(close(model.values().kernel, [0.6, -0.4], 1e-6)).toBe(true);
    expect(close(model.values().bias, [0.1], 1e-6)).toBe(true);
    // Now correctly classified (z = 0.3 > 0, yhat = 1 = y): the rule leaves the weights alone.
    opt.minimize(() => loss(tf.tensor2d([[1]]), model.forward(x, true)), false, [model.kernel, model.bias]);
    expect(close(model.values().kernel, [0.6, -0.4], 1e-6)).toBe(true);
    expect(close(model.values().bias, [0.1], 1e-6)).toBe(true);
    opt.dispose();
    model.dispose();
  });
});

describe('elu and leakyRelu', () => {
  it('elu with alpha != 1 matches alpha * (exp(x) - 1) below zero', () => {
    const y = Array.from(elu(tf.tensor1d([-1, 0, 2]), 0.5).dataSync());
    expect(close(y, [0.5 * (Math.exp(-1) - 1), 0, 2], 1e-6)).toBe(true);
    expect(close(Array.from(elu(tf.tensor1d([-1, 2])).dataSync()), [Math.exp(-1) - 1, 2], 1e-6)).toBe(true);
  });

  it('elu has finite gradients even where exp(x) overflows', () => {
    const g = tf.grad((x: tf.Tensor) => tf.sum(elu(x, 0.5)));
    const d = Array.from(g(tf.tensor1d([-1, 1, 200])).dataSync());
    expect(close(d, [0.5 * Math.exp(-1), 1, 1], 1e-6)).toBe(true);
  });

  it('leakyRelu scales negatives by alpha', () => {
    expect(close(Array.from(leakyRelu(tf.tensor1d([-2, 3]), 0.1).dataSync()), [-0.2, 3], 1e-6)).toBe(true);
    expect(close(Array.from(leakyRelu(tf.tensor1d([-1])).dataSync()), [-0.2], 1e-6)).toBe(true);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';

import { NncRuntimeError, createOptimizer, lossFunction, tf, useBackend, type OptimizerSpec } from '../../runtime/index.js';
import { TinyDense } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

// One weight and a bias, w = 0.5, b = 0, one sample x = 2, y = 2, MSE: yhat = 1, loss = 1,
// dL/dyhat = 2 (yhat - y) = -2, so dL/dw = -4 and dL/db = -2.
function steps(spec: OptimizerSpec, n: number): { w: number; b: number } {
  const model = new TinyDense(1, 1, { kernel: [[0.5]], bias: [0] });
  const opt = createOptimizer(spec);
  const mse = lossFunction('mse');
  const x = tf.tensor2d([[2]]);
  const y = tf.tensor2d([[2]]);
  for (let i = 0; i < n; i++) opt.minimize(() => mse(y, model.forward(x, true)), false, [model.kernel, model.bias]);
  const out = { w: model.values().kernel[0]!, b: model.values().bias[0]! };
  opt.dispose();
  model.dispose();
  tf.dispose([x, y]);
  return out;
}

describe('optimizers', () => {
  it('sgd: w = 0.5 + 0.1 * 4 = 0.9, b = 0 + 0.1 * 2 = 0.2', () => {
    const { w, b } = steps({ name: 'sgd', lr: 0.1 }, 1);
    expect(w).toBeCloseTo(0.9, 6);
    expect(b).toBeCloseTo(0.2, 6);
  });

  it('sgd defaults to lr 0.01 as Keras', () => {
    const { w, b } = steps({ name: 'sgd' }, 1);
    expect(w).toBeCloseTo(0.5 + 0.01 * 4, 6);
    expect(b).toBeCloseTo(0.01 * 2, 6);
  });

  it('momentum keeps moving after the gradient vanishes', () => {
    // Step 1 equals sgd (w = 0.9, b = 0.2), where yhat = 2 = y and the gradient is 0;
    // step 2 moves by lr * m * v1: w = 0.9 + 0.1 * 0.9 * 4 = 1.26, b = 0.2 + 0.1 * 0.9 * 2 = 0.38.
    const { w, b } = steps({ name: 'momentum', lr: 0.1, momentum: 0.9 }, 2);
    expect(w).toBeCloseTo(1.26, 5);
    expect(b).toBeCloseTo(0.38, 5);
  });

  it('nesterov momentum looks ahead: one step moves lr * g * (1 + m)', () => {
    const { w, b } = steps({ name: 'momentum', lr: 0.1, momentum: 0.9, nesterov: true }, 1);
    expect(w).toBeCloseTo(0.5 + 0.1 * 4 * 1.9, 5);
    expect(b).toBeCloseTo(0.1 * 2 * 1.9, 5);
  });

  it('adam: the first step is lr * sign(g), the second follows the bias-corrected moments', () => {
    const one = steps({ name: 'adam', lr: 0.1 }, 1);
    expect(one.w).toBeCloseTo(0.6, 5);
    expect(one.b).toBeCloseTo(0.1, 5);

    // Step 2 at w = 0.6, b = 0.1: yhat = 1.3, dL/dyhat = -1.4, gw = -2.8, gb = -1.4.
    const [b1, b2, lr, eps] = [0.9, 0.999, 0.1, 1e-7];
    const second = (g1: number, g2: number, p: number): number => {
      const m = b1 * (1 - b1) * g1 + (1 - b1) * g2;
      const v = b2 * (1 - b2) * g1 * g1 + (1 - b2) * g2 * g2;
      const mHat = m / (1 - b1 ** 2);
      const vHat = v / (1 - b2 ** 2);
      return p - (lr * mHat) / (Math.sqrt(vHat) + eps);
    };
    const two = steps({ name: 'adam', lr: 0.1 }, 2);
    expect(two.w).toBeCloseTo(second(-4, -2.8, 0.6), 5);
    expect(two.b).toBeCloseTo(second(-2, -1.4, 0.1), 5);
  });

  it('rejects a learning rate that is not positive', () => {
    expect(() => createOptimizer({ name: 'sgd', lr: 0 })).toThrow(NncRuntimeError);
    expect(() => createOptimizer({ name: 'adam', lr: -1 })).toThrow(/learning rate must be a positive number/);
  });
});

describe('optimizer lifetime', () => {
  it('creating, using and disposing any optimizer leaves no tensor behind', async () => {
    await useBackend('cpu');
    const v = tf.variable(tf.ones([3]));
    for (const spec of [{ name: 'sgd' }, { name: 'momentum', momentum: 0.9 }, { name: 'momentum', nesterov: true }, { name: 'rmsprop' }, { name: 'adam' }, { name: 'adamw' }] as const) {
      const before = tf.memory().numTensors;
      const optimizer = createOptimizer(spec);
      optimizer.minimize(() => tf.sum(tf.square(v)) as tf.Scalar, false, [v]);
      optimizer.dispose();
      expect(tf.memory().numTensors, spec.name).toBe(before);
    }
    v.dispose();
  });
});

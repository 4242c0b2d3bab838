// Dilated convolutions train: tfjs has no gradient for dilation above 1, so the runtime's own
// (runtime/dilated-conv.ts) is checked against two oracles on seeded random inputs — tfjs's
// autodiff of the same convolution written with the spread filter (dilation 1, built from pad,
// reshape and slice, all of which tfjs differentiates), and central finite differences.
import { describe, expect, it } from 'vitest';

import { dilatedConv1d, dilatedConv2d, dilatedConv3d, spreadFilter, tf } from '../runtime/index.js';
import { randomValues, relativeError, valuesOn } from './kernels/helpers.js';

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const tensor = (shape: number[], seed: number) => tf.tensor(randomValues(size(shape), seed), shape);

interface Case {
  name: string;
  x: number[];
  w: number[];
  pad: 'valid' | 'same';
  dilations: number[];
}

const CASES: Case[] = [
  { name: '2-D, 3×3, dilation 2, valid', x: [2, 7, 8, 2], w: [3, 3, 2, 3], pad: 'valid', dilations: [2, 2] },
  { name: '2-D, 3×2, dilations [3, 1], same', x: [2, 8, 5, 2], w: [3, 2, 2, 2], pad: 'same', dilations: [3, 1] },
  { name: '1-D, 3 taps, dilation 2, same', x: [3, 9, 2], w: [3, 2, 4], pad: 'same', dilations: [2] },
  { name: '3-D, 2×2×2, dilation 2, valid', x: [1, 5, 5, 4, 1], w: [2, 2, 2, 1, 2], pad: 'valid', dilations: [2, 2, 1] },
];

function dilated(c: Case, x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  if (c.dilations.length === 1) return dilatedConv1d(x, w, c.pad, c.dilations[0]!);
  if (c.dilations.length === 2) return dilatedConv2d(x, w, c.pad, c.dilations as [number, number]);
  return dilatedConv3d(x, w, c.pad, c.dilations as [number, number, number]);
}

/** The same convolution through the spread filter at dilation 1: tfjs differentiates every op. */
function throughSpread(c: Case, x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  const spread = spreadFilter(w, c.dilations);
  if (c.dilations.length === 1) return tf.conv1d(x as tf.Tensor3D, spread as tf.Tensor3D, 1, c.pad);
  if (c.dilations.length === 2) return tf.conv2d(x as tf.Tensor4D, spread as tf.Tensor4D, 1, c.pad);
  return tf.conv3d(x as tf.Tensor5D, spread as tf.Tensor5D, 1, c.pad);
}

/** The output and the gradients of Σ conv(x, w)·r by x and w. */
const gradients = (c: Case, conv: (c: Case, x: tf.Tensor, w: tf.Tensor) => tf.Tensor) => () => {
  const x = tensor(c.x, 1);
  const w = tensor(c.w, 2);
  const y = conv(c, x, w);
  const r = tensor(y.shape, 3);
  return [y, ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(c, a, b), r)))([x, w])];
};

describe('dilated convolutions have gradients', () => {
  for (const c of CASES) {
    for (const backend of ['cpu', 'wasm'] as const) {
      it(`${c.name}, on ${backend}, as through the spread filter`, async () => {
        const expected = await valuesOn('cpu', gradients(c, throughSpread));
        const actual = await valuesOn(backend, gradients(c, dilated));
        actual.forEach((values, i) => expect(relativeError(values, expected[i]!), ['y', 'dx', 'dw'][i]).toBeLessThan(1e-4));
      });
    }
  }

  it('the filter gradient agrees with central differences (2-D, cpu)', async () => {
    const c = CASES[0]!;
    await valuesOn('cpu', () => []);
    const x = tensor(c.x, 1);
    const w0 = randomValues(size(c.w), 2);
    const r = tf.tidy(() => tensor(dilated(c, x, tf.tensor(w0, c.w)).shape, 3));
    const f = (w: Float32Array) => tf.tidy(() => tf.sum(tf.mul(dilated(c, x, tf.tensor(w, c.w)), r)).dataSync()[0]!);
    const analytic = tf.tidy(() => tf.grad((w: tf.Tensor) => tf.sum(tf.mul(dilated(c, x, w), r)))(tf.tensor(w0, c.w)).dataSync());
    const h = 1e-2;
    for (const i of [0, 7, 20, size(c.w) - 1]) {
      const up = Float32Array.from(w0);
      const down = Float32Array.from(w0);
      up[i]! += h;
      down[i]! -= h;
      // The loss is linear in w, so central differences are exact up to float rounding.
      expect(Math.abs((f(up) - f(down)) / (2 * h) - analytic[i]!)).toBeLessThan(2e-3);
    }
    tf.dispose([x, r]);
  });

  it('spreads a filter with zeros between its taps', () => {
    const spread = tf.tidy(() => Array.from(spreadFilter(tf.tensor([1, 2, 3], [3, 1, 1]), [2]).dataSync()));
    expect(spread).toEqual([1, 0, 2, 0, 3]);
  });
});

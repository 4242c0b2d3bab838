// nnc's wasm kernels against the cpu backend's tf.grads (the oracle), within 1e-4 relative, on
// seeded random inputs: every formulation, padding and stride they handle, and the cases they
// hand back to the stock kernel.
import { describe, expect, it } from 'vitest';

import { tf } from '../../runtime/index.js';
import { installedWasmKernels } from '../../runtime/kernels/index.js';
import { filterGradientLimits } from '../../runtime/kernels/conv2d-backprop-filter.js';
import { randomValues, relativeError, valuesOn } from './helpers.js';

const TOLERANCE = 1e-4;

type Pad = 'valid' | 'same' | tf.backend_util.ExplicitPadding;
type Shape4 = [number, number, number, number];
type Shape5 = [number, number, number, number, number];
type Triple = [number, number, number];

/** dx and dW of Σ conv2d(x, w) · r, with r random so that dy is not all ones. */
function convGrads(xShape: number[], wShape: number[], strides: number | [number, number], pad: Pad): () => tf.Tensor[] {
  return () => {
    const x = tf.tensor4d(randomValues(xShape.reduce((a, b) => a * b), 1), xShape as Shape4);
    const w = tf.tensor4d(randomValues(wShape.reduce((a, b) => a * b), 2), wShape as Shape4);
    const yShape = tf.conv2d(x, w, strides, pad).shape;
    const r = tf.tensor(randomValues(yShape.reduce((a, b) => a * b), 3), yShape);
    return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad), r)))([x, w]);
  };
}

async function expectAgreement(compute: () => tf.Tensor[], wasmKernels: 'fast' | 'minimal' = 'fast'): Promise<void> {
  const expected = await valuesOn('cpu', compute);
  const actual = await valuesOn('wasm', compute, wasmKernels);
  expect(actual.length).toBe(expected.length);
  actual.forEach((values, i) => expect(relativeError(values, expected[i]!)).toBeLessThan(TOLERANCE));
}

describe('wasm kernels', () => {
  it('are installed by useBackend("wasm")', async () => {
    await valuesOn('wasm', () => []);
    expect(installedWasmKernels()).toEqual(['BatchMatMul', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'Conv3DBackpropFilterV2', 'Conv3DBackpropInputV2', 'GatherV2', 'MaxPool3D', 'MaxPool3DGrad', 'MaxPoolGrad', 'Slice', 'SplitV', 'Sum', 'Unpack', 'UnsortedSegmentSum']);
    await valuesOn('wasm', () => [], 'minimal');
    expect(installedWasmKernels()).toEqual(['Conv2DBackpropFilter', 'Conv3DBackpropFilterV2', 'Conv3DBackpropInputV2', 'MaxPool3D', 'MaxPool3DGrad', 'UnsortedSegmentSum']);
  });
});

describe('conv2d gradients on wasm agree with cpu', () => {
  const cases: [string, number[], number[], number | [number, number], Pad][] = [
    ['stride 1, valid', [2, 7, 6, 3], [3, 3, 3, 4], 1, 'valid'],
    ['stride 1, same, non-square filter', [2, 7, 6, 3], [3, 2, 3, 5], 1, 'same'],
    ['stride 2, valid, a trailing row unused', [2, 8, 7, 2], [3, 3, 2, 3], 2, 'valid'],
    ['stride 2, same', [2, 7, 6, 3], [3, 3, 3, 2], 2, 'same'],
    ['strides [2, 1], same', [1, 6, 5, 2], [2, 3, 2, 3], [2, 1], 'same'],
    ['explicit uneven padding', [2, 5, 6, 2], [3, 3, 2, 2], 1, [[0, 0], [1, 2], [0, 1], [0, 0]]],
    ['1x1 filter, one input channel', [3, 4, 4, 1], [1, 1, 1, 4], 1, 'valid'],
    ['the MNIST convnet second layer', [2, 13, 13, 8], [3, 3, 8, 16], 1, 'valid'],
    // Fewer patch rows than output channels: the patches laid out by position (see conv2d-backprop-filter.ts).
    ['a first layer, stride 2, same', [2, 7, 6, 1], [3, 3, 1, 12], 2, 'same'],
    ['a first layer, explicit uneven padding, two channels', [2, 6, 5, 2], [2, 3, 2, 16], [1, 2], [[0, 0], [2, 1], [1, 0], [0, 0]]],
  ];
  for (const [name, xShape, wShape, strides, pad] of cases) {
    it(name, async () => {
      await expectAgreement(convGrads(xShape, wShape, strides, pad));
    });
  }

  it('by the convolution formulation, where the patch matrix would be too large', async () => {
    const saved = filterGradientLimits.maxPatchValues;
    filterGradientLimits.maxPatchValues = 0;
    try {
      for (const [, xShape, wShape, strides, pad] of cases) await expectAgreement(convGrads(xShape, wShape, strides, pad));
    } finally {
      filterGradientLimits.maxPatchValues = saved;
    }
  });

  it('with only the minimal kernel set (the stock input gradient)', async () => {
    await expectAgreement(convGrads([2, 7, 6, 3], [3, 3, 3, 4], 2, 'same'), 'minimal');
  });
});

describe('max-pool gradient on wasm agrees with cpu', () => {
  /** Gradient of Σ maxPool(relu(x)) · r; relu makes windows of tied zeros. */
  const poolGrad = (xShape: number[], size: number | [number, number], strides: number | [number, number], pad: 'valid' | 'same', ties: boolean) => () => {
    const values = randomValues(xShape.reduce((a, b) => a * b), 5);
    // Rounded to a few levels so that equal maxima are common, not only zeros.
    const x = tf.tensor4d(ties ? values.map((v) => Math.round(v * 2) / 2) : values, xShape as Shape4);
    const f = (a: tf.Tensor) => tf.maxPool(tf.relu(a) as tf.Tensor4D, size, strides, pad);
    const yShape = f(x).shape;
    const r = tf.tensor(randomValues(yShape.reduce((a, b) => a * b), 6), yShape);
    return [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a), r)))(x)];
  };
  const cases: [string, number[], number | [number, number], number | [number, number], 'valid' | 'same'][] = [
    ['2x2 stride 2 valid, odd size', [2, 11, 11, 4], 2, 2, 'valid'],
    ['3x3 stride 2 same (overlapping windows)', [2, 7, 6, 3], 3, 2, 'same'],
    ['2x2 stride 1 same', [1, 5, 5, 2], 2, 1, 'same'],
    ['[2,3] windows, strides [1,2]', [2, 6, 7, 3], [2, 3], [1, 2], 'valid'],
  ];
  for (const [name, xShape, size, strides, pad] of cases) {
    it(name, async () => {
      await expectAgreement(poolGrad(xShape, size, strides, pad, false));
    });
    it(`${name}, with ties`, async () => {
      await expectAgreement(poolGrad(xShape, size, strides, pad, true));
    });
  }
});

describe('matmul gradients on wasm agree with cpu', () => {
  for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    it(`matMul, transposeA ${transposeA}, transposeB ${transposeB}`, async () => {
      await expectAgreement(() => {
        const a = tf.tensor(randomValues(35, 7), transposeA ? [7, 5] : [5, 7]);
        const b = tf.tensor(randomValues(21, 8), transposeB ? [3, 7] : [7, 3]);
        const r = tf.tensor(randomValues(15, 9), [5, 3]);
        const f = (p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D, transposeA, transposeB), r));
        return [tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, transposeA, transposeB), ...tf.grads(f)([a, b])];
      });
    });
  }

  it('batched matMul of rank 3', async () => {
    await expectAgreement(() => {
      const a = tf.tensor(randomValues(2 * 4 * 6, 10), [2, 4, 6]);
      const b = tf.tensor(randomValues(2 * 6 * 3, 11), [2, 6, 3]);
      return tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.matMul(p as tf.Tensor3D, q as tf.Tensor3D))))([a, b]);
    });
  });

  it('fused matMul with bias and relu (the dense layer)', async () => {
    await expectAgreement(() => {
      const x = tf.tensor(randomValues(64 * 20, 12), [64, 20]) as tf.Tensor2D;
      const w = tf.tensor(randomValues(20 * 10, 13), [20, 10]) as tf.Tensor2D;
      const bias = tf.tensor(randomValues(10, 14), [10]);
      const f = (p: tf.Tensor, q: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.square(tf.fused.matMul({ a: p as tf.Tensor2D, b: q as tf.Tensor2D, bias: c, activation: 'relu' })));
      return tf.grads(f)([x, w, bias]);
    });
  });
});

describe('sum on wasm agrees with cpu', () => {
  const x = () => tf.tensor(randomValues(3 * 4 * 5 * 2, 15), [3, 4, 5, 2]);
  const cases: [string, () => tf.Tensor][] = [
    ['leading axes [0, 1, 2] (a conv bias gradient)', () => tf.sum(x(), [0, 1, 2])],
    ['leading axis 0, keepDims', () => tf.sum(x(), 0, true)],
    ['leading axes given out of order and negative', () => tf.sum(x(), [1, -4])],
    ['leading axes [0, 1, 2], keepDims', () => tf.sum(x(), [0, 1, 2], true)],
    ['every axis', () => tf.reshape(tf.sum(x()), [1])],
    ['innermost axis', () => tf.sum(x(), -1)],
    ['a middle axis', () => tf.sum(x(), 1)],
    ['int32 over the leading axis', () => tf.cast(tf.sum(tf.cast(tf.mul(x(), 10), 'int32'), 0), 'float32')],
    ['the bias gradient of a broadcast add', () => tf.grad((b: tf.Tensor) => tf.sum(tf.square(tf.add(x(), b))))(tf.tensor([0.5, -1]))],
  ];
  for (const [name, compute] of cases) {
    it(name, async () => {
      const expected = await valuesOn('cpu', () => [compute()]);
      const actual = await valuesOn('wasm', () => [compute()]);
      expect(relativeError(actual[0]!, expected[0]!)).toBeLessThan(TOLERANCE);
    });
  }

  it('keeps the shapes tfjs gives', async () => {
    await valuesOn('wasm', () => []);
    expect(tf.tidy(() => tf.sum(x(), [0, 1, 2], true).shape)).toEqual([1, 1, 1, 2]);
    expect(tf.tidy(() => tf.sum(x(), [0, 1]).shape)).toEqual([5, 2]);
  });
});

describe('slice on wasm agrees with cpu', () => {
  const x = () => tf.tensor(randomValues(4 * 5 * 3 * 2, 16), [4, 5, 3, 2]);
  const cases: [string, () => tf.Tensor][] = [
    ['leading rows (a batch of a data set)', () => tf.slice(tf.reshape(x(), [4, 30]), [1, 0], [2, -1])],
    ['a box inside a rank-4 tensor', () => tf.slice(x(), [1, 2, 0, 1], [2, 3, 3, 1])],
    ['columns of a matrix', () => tf.slice(tf.reshape(x(), [20, 6]), [3, 2], [5, 3])],
    ['a rank-1 range', () => tf.slice(tf.reshape(x(), [-1]), 7, 11)],
    ['int32 values', () => tf.cast(tf.slice(tf.cast(tf.mul(x(), 100), 'int32'), [0, 1, 1, 0], [4, 2, 2, 2]), 'float32')],
    ['an empty box', () => tf.reshape(tf.slice(x(), [0, 0, 0, 0], [4, 0, 3, 2]), [-1])],
    ['the gradient of a slice (a pad)', () => tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.slice(a, [1, 1, 0, 0], [2, 3, 2, 2]))))(x())],
  ];
  for (const [name, compute] of cases) {
    it(name, async () => {
      const expected = await valuesOn('cpu', () => [compute()]);
      const actual = await valuesOn('wasm', () => [compute()]);
      expect(Array.from(actual[0]!)).toEqual(Array.from(expected[0]!));
    });
  }

  it('keeps the shape and dtype', async () => {
    await valuesOn('wasm', () => []);
    const out = tf.tidy(() => tf.slice(tf.ones([3, 4], 'int32'), [1, 1], [2, 2]));
    expect([out.shape, out.dtype]).toEqual([[2, 2], 'int32']);
    out.dispose();
  });
});

describe('gather on wasm agrees with cpu', () => {
  const x = () => tf.tensor(randomValues(6 * 4 * 2, 17), [6, 4, 2]);
  const order = () => tf.tensor1d([5, 0, 3, 3, 1], 'int32');
  const cases: [string, () => tf.Tensor][] = [
    ['rows in a shuffled order, repeats included', () => tf.gather(x(), order())],
    ['rows of a matrix by a 2-D index (an embedding lookup)', () => tf.gather(tf.reshape(x(), [6, 8]), tf.tensor2d([[1, 2], [5, 5]], [2, 2], 'int32'))],
    ['int32 rows', () => tf.cast(tf.gather(tf.cast(tf.mul(x(), 50), 'int32'), order()), 'float32')],
    ['the gradient of an embedding lookup (UnsortedSegmentSum)', () => tf.grad((w: tf.Tensor) => tf.sum(tf.square(tf.gather(w, tf.tensor2d([[1, 4], [4, 0]], [2, 2], 'int32')))))(tf.reshape(x(), [6, 8]))],
    ['a segment sum with ids out of range and a row shape', () => tf.unsortedSegmentSum(x(), tf.tensor1d([2, -1, 0, 2, 7, 1], 'int32'), 4)],
    ['along a later axis (the stock kernel)', () => tf.gather(x(), tf.tensor1d([3, 0], 'int32'), 1)],
  ];
  for (const [name, compute] of cases) {
    it(name, async () => {
      const expected = await valuesOn('cpu', () => [compute()]);
      const actual = await valuesOn('wasm', () => [compute()]);
      expect(Array.from(actual[0]!)).toEqual(Array.from(expected[0]!));
    });
  }

  it('rejects an index outside the rows, and frees what it made', async () => {
    await valuesOn('wasm', () => []);
    const buffers = tf.engine().backend.numDataIds();
    expect(() => tf.tidy(() => tf.gather(x(), tf.tensor1d([2, 6], 'int32')))).toThrow('GatherV2: the index value 6 is not in [0, 5]');
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
  });
});

describe('conv3d gradients on wasm agree with cpu (the stock kernels are wrong)', () => {
  const cases: [string, number[], number[], number | [number, number, number], 'valid' | 'same'][] = [
    ['an uneven filter with two output channels', [1, 5, 5, 4, 1], [3, 3, 2, 1, 2], 1, 'valid'],
    ['two input and three output channels', [1, 4, 4, 4, 2], [2, 2, 2, 2, 3], 1, 'valid'],
    ['stride 2, same', [2, 5, 6, 4, 2], [3, 3, 2, 2, 3], 2, 'same'],
    ['strides [1, 2, 1], valid', [1, 4, 7, 3, 1], [2, 3, 2, 1, 2], [1, 2, 1], 'valid'],
  ];
  for (const [name, xShape, wShape, strides, pad] of cases) {
    it(name, async () => {
      await expectAgreement(() => {
        const x = tf.tensor(randomValues(xShape.reduce((a, b) => a * b), 21), xShape as Shape5) as tf.Tensor5D;
        const w = tf.tensor(randomValues(wShape.reduce((a, b) => a * b), 22), wShape as Shape5) as tf.Tensor5D;
        const y = tf.conv3d(x, w, strides, pad);
        const r = tf.tensor(randomValues(y.size, 23), y.shape);
        return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, strides, pad), r)))([x, w]);
      });
    });
  }

  it('is replaced in the minimal set too, since the stock one is wrong', async () => {
    await expectAgreement(() => {
      const x = tf.tensor(randomValues(100, 24), [1, 5, 5, 4, 1]) as tf.Tensor5D;
      const w = tf.tensor(randomValues(36, 25), [3, 3, 2, 1, 2]) as tf.Tensor5D;
      return [tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.conv3d(a as tf.Tensor5D, w, 1, 'valid'))))(x)];
    }, 'minimal');
  });
});

describe('3-D max pooling on wasm agrees with cpu (the stock kernel starts windows at +1.2e-38)', () => {
  const cases: [string, number[], number | Triple, number | Triple, 'valid' | 'same', 'negative' | 'ties' | 'random'][] = [
    ['windows of negative values', [2, 4, 4, 4, 2], 2, 2, 'valid', 'negative'],
    ['windows of tied zeros (after a relu)', [1, 4, 6, 4, 3], 2, 2, 'valid', 'ties'],
    ['3×3×3 windows, stride 2, same', [1, 5, 5, 5, 2], 3, 2, 'same', 'random'],
    ['[1, 2, 2] windows, strides [1, 2, 1]', [2, 3, 4, 5, 1], [1, 2, 2], [1, 2, 1], 'valid', 'negative'],
  ];
  for (const [name, shape, size, strides, pad, values] of cases) {
    it(name, async () => {
      await expectAgreement(() => {
        const raw = randomValues(shape.reduce((a, b) => a * b), 26);
        const data = values === 'negative' ? raw.map((v) => -Math.abs(v) - 0.1) : values === 'ties' ? raw.map((v) => Math.max(0, Math.round(v))) : raw;
        const x = tf.tensor(data, shape as Shape5) as tf.Tensor5D;
        const y = tf.maxPool3d(x, size, strides, pad);
        const r = tf.tensor(randomValues(y.size, 27), y.shape);
        return [y, tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool3d(a as tf.Tensor5D, size, strides, pad), r)))(x)];
      });
    });
  }
});

import { beforeAll, describe, expect, it } from 'vitest';

import { NncRuntimeError, abs, lossFunction, metricFunction, tf, useBackend, type LossName } from '../../runtime/index.js';

beforeAll(async () => {
  await useBackend('cpu');
});

function loss(name: LossName, yTrue: number[][], yPred: number[][]): number {
  return lossFunction(name)(tf.tensor2d(yTrue), tf.tensor2d(yPred)).dataSync()[0]!;
}

describe('losses', () => {
  it('mse: one sample (2 - 1)^2 = 1, and the mean over all elements', () => {
    expect(loss('mse', [[2]], [[1]])).toBeCloseTo(1, 6);
    expect(loss('mse', [[1, 1], [1, 1]], [[1, 2], [3, 4]])).toBeCloseTo((0 + 1 + 4 + 9) / 4, 6);
  });

  it('mae', () => {
    expect(loss('mae', [[1, 1], [1, 1]], [[1, 2], [3, -4]])).toBeCloseTo((0 + 1 + 2 + 5) / 4, 6);
  });

  it('binary cross-entropy of p = 0.8, y = 1 is -ln 0.8, averaged over the batch', () => {
    expect(loss('binary_crossentropy', [[1]], [[0.8]])).toBeCloseTo(-Math.log(0.8), 6);
    expect(loss('binary_crossentropy', [[1], [0]], [[0.8], [0.3]])).toBeCloseTo(
      (-Math.log(0.8) - Math.log(0.7)) / 2,
      6,
    );
  });

  it('binary cross-entropy clips at eps = 1e-7 as Keras', () => {
    expect(loss('binary_crossentropy', [[1]], [[0]])).toBeCloseTo(-Math.log(1e-7), 3);
    expect(Number.isFinite(loss('binary_crossentropy', [[0]], [[1]]))).toBe(true);
  });

  it('categorical cross-entropy from probabilities, renormalised, mean over the batch', () => {
    expect(loss('categorical_crossentropy', [[0, 1, 0]], [[0.2, 0.7, 0.1]])).toBeCloseTo(-Math.log(0.7), 6);
    // Rows not summing to 1 are renormalised first (Keras does the same).
    expect(loss('categorical_crossentropy', [[0, 1, 0]], [[0.4, 1.4, 0.2]])).toBeCloseTo(-Math.log(0.7), 6);
    expect(
      loss('categorical_crossentropy', [[0, 1, 0], [1, 0, 0]], [[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]]),
    ).toBeCloseTo((-Math.log(0.7) - Math.log(0.5)) / 2, 6);
  });

  it('rejects labels whose shape differs from the output, rather than broadcasting', () => {
    const run = () => lossFunction('mse')(tf.tensor1d([1, 2]), tf.tensor2d([[1], [2]]));
    expect(run).toThrow(NncRuntimeError);
    expect(run).toThrow(/output has shape \[2, 1\] but the labels have shape \[2\]/);
  });

  it('rejects an unknown loss name', () => {
    expect(() => lossFunction('hinge' as LossName)).toThrow(/no loss called 'hinge'/);
  });

  it('abs has gradient sign(x), 0 at 0 (tf.abs gives -1 there)', () => {
    const g = tf.grad((x: tf.Tensor) => tf.sum(abs(x)));
    expect(Array.from(g(tf.tensor1d([-3, 0, 2])).dataSync())).toEqual([-1, 0, 1]);
    const mae = tf.grad((p: tf.Tensor) => lossFunction('mae')(tf.tensor2d([[1, 2]]), p));
    expect(Array.from(mae(tf.tensor2d([[1, 3]])).dataSync())).toEqual([0, 0.5]);
  });
});

describe('metrics', () => {
  function metric(name: 'accuracy' | 'mse' | 'mae', yTrue: number[][], yPred: number[][]): number {
    return metricFunction(name)(tf.tensor2d(yTrue), tf.tensor2d(yPred)).dataSync()[0]!;
  }

  it('binary accuracy thresholds one column at 0.5 (strictly, as Keras)', () => {
    expect(metric('accuracy', [[1], [0], [1], [0]], [[0.9], [0.2], [0.5], [0.7]])).toBeCloseTo(0.5, 6);
    // 0/1 outputs of a step unit read the same way.
    expect(metric('accuracy', [[1], [0], [1]], [[1], [0], [0]])).toBeCloseTo(2 / 3, 6);
  });

  it('categorical accuracy compares argmax for several columns', () => {
    expect(metric('accuracy', [[0, 1, 0], [1, 0, 0]], [[0.1, 0.8, 0.1], [0.2, 0.7, 0.1]])).toBeCloseTo(0.5, 6);
  });

  it('mse and mae', () => {
    expect(metric('mse', [[1], [2]], [[2], [4]])).toBeCloseTo(2.5, 6);
    expect(metric('mae', [[1], [2]], [[2], [4]])).toBeCloseTo(1.5, 6);
  });
});

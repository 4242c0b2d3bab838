import { beforeAll, describe, expect, it } from 'vitest';

import { computeFans, glorotUniform, heUniform, initialize, ones, orthogonal, tf, useBackend, zeros } from '../../runtime/index.js';

beforeAll(async () => {
  await useBackend('cpu');
});

function values(t: tf.Tensor): number[] {
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
}

describe('initializers', () => {
  it('computes fans as Keras does', () => {
    expect(computeFans([784, 128])).toEqual({ fanIn: 784, fanOut: 128 });
    expect(computeFans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 });
    expect(computeFans([5, 8, 4])).toEqual({ fanIn: 40, fanOut: 20 });
    expect(computeFans([10])).toEqual({ fanIn: 10, fanOut: 10 });
    expect(computeFans([])).toEqual({ fanIn: 1, fanOut: 1 });
  });

  it('glorotUniform stays within sqrt(6 / (fanIn + fanOut)) and fills that range', () => {
    const limit = Math.sqrt(6 / 150);
    const v = values(glorotUniform([100, 50], 5));
    expect(v).toHaveLength(5000);
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(limit + 1e-7);
    expect(Math.max(...v)).toBeGreaterThan(0.99 * limit);
    expect(Math.min(...v)).toBeLessThan(-0.99 * limit);
    expect(Math.abs(v.reduce((a, b) => a + b, 0) / v.length)).toBeLessThan(0.01);
  });

  it('uses the conv receptive field for kernels of rank 4', () => {
    const limit = Math.sqrt(6 / (144 + 288));
    const v = values(glorotUniform([3, 3, 16, 32], 1));
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(limit + 1e-7);
    expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(0.99 * limit);
  });

  it('heUniform uses sqrt(6 / fanIn)', () => {
    const limit = Math.sqrt(6 / 64);
    const v = values(heUniform([64, 200], 2));
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(limit + 1e-7);
    expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(0.99 * limit);
  });

  it('is repeatable per seed, different across seeds, and seed 0 works', () => {
    expect(values(glorotUniform([4, 3], 9))).toEqual(values(glorotUniform([4, 3], 9)));
    expect(values(glorotUniform([4, 3], 9))).not.toEqual(values(glorotUniform([4, 3], 10)));
    const zeroSeed = values(glorotUniform([4, 3], 0));
    expect(zeroSeed).toEqual(values(glorotUniform([4, 3], 0)));
    expect(new Set(zeroSeed).size).toBe(12);
  });

  it('zeros, ones and initialize by Keras name', () => {
    expect(values(zeros([2, 2]))).toEqual([0, 0, 0, 0]);
    expect(values(ones([3]))).toEqual([1, 1, 1]);
    expect(values(initialize('glorot_uniform', [4, 3], 9))).toEqual(values(glorotUniform([4, 3], 9)));
    expect(values(initialize('zeros', [2], 9))).toEqual([0, 0]);
    const t = glorotUniform([2, 3], 1);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    t.dispose();
  });
});

describe('orthogonal', () => {
  const matrix = (t: tf.Tensor): number[][] => t.arraySync() as number[][];
  const gram = (m: number[][], byRows: boolean): number[][] => {
    const vecs = byRows ? m : m[0]!.map((_, j) => m.map((row) => row[j]!));
    return vecs.map((a) => vecs.map((b) => a.reduce((s, v, i) => s + v * b[i]!, 0)));
  };

  it('gives orthonormal rows to a wide recurrent kernel and orthonormal columns to a tall one', async () => {
    await useBackend('cpu');
    const wide = orthogonal([4, 12], 3); // an LSTM's [units, 4·units]
    gram(matrix(wide), true).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : 0, 5)));
    const tall = orthogonal([12, 4], 3);
    gram(matrix(tall), false).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : 0, 5)));
    const square = orthogonal([5, 5], 9);
    gram(matrix(square), true).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : 0, 5)));
    expect(Array.from(orthogonal([4, 12], 3).dataSync())).toEqual(Array.from(wide.dataSync()));
    expect(Array.from(orthogonal([4, 12], 4).dataSync())).not.toEqual(Array.from(wide.dataSync()));
    tf.dispose([wide, tall, square]);
  });
});

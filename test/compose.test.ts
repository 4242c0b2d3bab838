// Composition through compiled modules: residual blocks, repeat, shared weights, several inputs
// and outputs, against computations written out in the test.
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { fit, tf, useBackend } from '../runtime/index.js';
import { loadModel } from './helpers/load.js';

type Vec = number[];
const matVec = (x: Vec, w: Vec, cols: number, b: Vec): Vec => b.map((bj, j) => x.reduce((acc, xi, i) => acc + xi * w[i * cols + j]!, bj));
const relu = (v: Vec) => v.map((x) => Math.max(0, x));

function weightsOf(model: { weights(): { name: string; variable: tf.Variable }[] }): Record<string, Vec> {
  return Object.fromEntries(model.weights().map((w) => [w.name, Array.from(w.variable.dataSync())]));
}

describe('composition', () => {
  beforeAll(() => useBackend('cpu'));

  it('a residual block computes relu(x + f(x)), instantiated by repeat with its own weights', async () => {
    const source = `
block Residual(units: int) {
  input x: [b, units]
  let y = x |> dense(units, activation: tanh) |> dense(units)
  output relu(x + y)
}
model Net {
  input x: [batch, 3]
  repeat 2 { Residual(3) }
}`;
    const mod = await loadModel(source);
    const model = new mod['Net']({ seed: 5 });
    const w = weightsOf(model);
    expect(Object.keys(w)).toEqual(['residual/dense/kernel', 'residual/dense/bias', 'residual/dense_1/kernel', 'residual/dense_1/bias', 'residual_1/dense/kernel', 'residual_1/dense/bias', 'residual_1/dense_1/kernel', 'residual_1/dense_1/bias']);
    expect(w['residual/dense/kernel']).not.toEqual(w['residual_1/dense/kernel']);
    const block = (x: Vec, prefix: string) => {
      const h = matVec(x, w[`${prefix}/dense/kernel`]!, 3, w[`${prefix}/dense/bias`]!).map(Math.tanh);
      const y = matVec(h, w[`${prefix}/dense_1/kernel`]!, 3, w[`${prefix}/dense_1/bias`]!);
      return relu(x.map((v, i) => v + y[i]!));
    };
    const x = [0.3, -1.2, 2];
    const expected = block(block(x, 'residual'), 'residual_1');
    const out = model.predict([x]);
    Array.from(out.dataSync() as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    out.dispose();
    model.dispose();
  });

  it('a shared layer uses one set of weights for both inputs; several inputs and outputs come by name', async () => {
    const source = `
model Siamese {
  input left: [batch, 2]
  input right: [batch, 2]
  layer shared = dense(3)
  let a = left |> shared
  let b = right |> shared
  let both = concat(a, b)
  output both: [batch, 6]
  let gap = a - b
  output gap
}`;
    expect(compile(source).program.models[0]!.paramCount).toBe(9);
    const mod = await loadModel(source);
    const model = new mod['Siamese']();
    expect(model.weights()).toHaveLength(2);
    const same = model.predict({ left: [[1, 2]], right: [[1, 2]] });
    const both = Array.from(same.both.dataSync() as Float32Array);
    expect(both.slice(0, 3)).toEqual(both.slice(3));
    expect(Array.from(same.gap.dataSync() as Float32Array)).toEqual([0, 0, 0]);
    const w = weightsOf(model);
    const different = model.predict({ left: [[1, 0]], right: [[0, 1]] });
    const gap = Array.from(different.gap.dataSync() as Float32Array);
    const expected = [0, 1, 2].map((j) => w['dense/kernel']![j]! - w['dense/kernel']![3 + j]!);
    gap.forEach((v, j) => expect(v).toBeCloseTo(expected[j]!, 6));
    for (const t of [same.both, same.gap, different.both, different.gap]) t.dispose();
    model.dispose();
  });

  it('a model built from blocks trains on wasm with a finite loss and no leaks', async () => {
    await useBackend('wasm');
    const source = `
block Residual(units: int) {
  input x: [b, units]
  output x + dense(units, activation: relu)
}
model Net {
  input x: [batch, 2]
  dense(8, activation: tanh)
  repeat 2 { Residual(8) }
  dense(1, activation: sigmoid)
}
data d = table {
  a, b -> y
  0, 0 -> 0
  0, 1 -> 1
  1, 0 -> 1
  1, 1 -> 0
}
train Net on d { loss: binary_crossentropy  optimizer: adam(lr: 0.05)  batch: full  epochs: 60  metrics: accuracy }`;
    const mod = await loadModel(source);
    const model = new mod['Net']({ seed: 2 });
    const before = tf.memory().numTensors;
    const history = await fit(model, mod['d'], mod['NetPlan']);
    expect(tf.memory().numTensors).toBe(before);
    const losses = history.epochs.map((e) => e.logs['loss']!);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    model.dispose();
    await useBackend('cpu');
  });
});

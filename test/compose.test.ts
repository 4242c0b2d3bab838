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

describe('examples/resnet.nn', () => {
  it('has the parameter count Keras gives the same network, and runs forward and a training step', async () => {
    const { readFileSync } = await import('node:fs');
    const source = readFileSync(new URL('../examples/resnet.nn', import.meta.url), 'utf8');
    const model = compile(source).program.models[0]!;
    // Keras: conv 3·3·3·16+16 = 448; Residual(16) = 2·(3·3·16·16+16 + 4·16) = 4,768 (×3);
    // conv 3·3·16·32+32 = 4,640; Residual(32) = 2·(3·3·32·32+32 + 4·32) = 18,752 (×2);
    // dense 32·10+10 = 330. Batch norm's moving mean and variance are the non-trainable 448.
    expect(model.paramCount).toBe(448 + 3 * 4768 + 4640 + 2 * 18752 + 330);
    expect(model.paramCount - model.trainableParamCount).toBe(2 * (6 * 16 + 4 * 32));
    await useBackend('cpu');
    const source2 = source.replace('input image: [batch, 32, 32, 3]', 'input image: [batch, 8, 8, 3]');
    const mod = await loadModel(source2);
    const net = new mod['TinyResNet']({ seed: 1 });
    const x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 7);
    const y = net.predict(x);
    expect(y.shape).toEqual([2, 10]);
    const sums = tf.sum(y, 1);
    Array.from(sums.dataSync() as Float32Array).forEach((s) => expect(s).toBeCloseTo(1, 5));
    const optimizer = tf.train.sgd(0.01);
    const labels = tf.oneHot(tf.tensor1d([1, 3], 'int32'), 10);
    const loss = () => tf.losses.softmaxCrossEntropy(labels, net.forward(x, true)) as tf.Scalar;
    const first = (optimizer.minimize(loss, true) as tf.Scalar).dataSync()[0]!;
    expect(Number.isFinite(first)).toBe(true);
    for (const t of [x, y, sums, labels]) t.dispose();
    optimizer.dispose();
    net.dispose();
  });
});

describe('examples/seq2seq.nn', () => {
  it('has the parameter counts Keras gives an LSTM encoder–decoder', async () => {
    const { readFileSync } = await import('node:fs');
    const model = compile(readFileSync(new URL('../examples/seq2seq.nn', import.meta.url), 'utf8')).program.models[0]!;
    const rows = Object.fromEntries(model.nodes.map((n) => [n.id, n.paramCount]));
    // Keras LSTM: 4·(units·(features + units) + units).
    expect(rows['encoder/lstm']).toBe(4 * (16 * (3 + 16) + 16));
    expect(rows['decoder/lstm']).toBe(4 * (16 * (16 + 16) + 16));
    expect(rows['decoder/dense']).toBe(16 * 3 + 3);
    expect(model.nodes.find((n) => n.id === 'decoder/repeat_vector')!.shape.map((d) => (d.kind === 'const' ? d.value : d.kind))).toEqual(['sym', 4, 16]);
  });
});

describe('predict owns its result', () => {
  it('an identity model returns a tensor the caller may dispose, without freeing the caller’s input', async () => {
    await useBackend('cpu');
    const mod = await loadModel('model Same { input x: [batch, 2]\n dropout(0.5) }\nmodel Pair { input a: [batch, 2]\n input b: [batch, 2]\n output a\n output b }');
    const same = new mod['Same']();
    const fromArrays = same.predict([[1, 2]]);
    expect(Array.from(fromArrays.dataSync() as Float32Array)).toEqual([1, 2]);
    fromArrays.dispose();
    const mine = tf.tensor2d([[3, 4]]);
    const out = same.predict(mine);
    out.dispose();
    expect(mine.isDisposed).toBe(false);
    expect(Array.from(mine.dataSync())).toEqual([3, 4]);
    const pair = new mod['Pair']();
    const before = tf.memory().numTensors;
    const both = pair.predict({ a: [[1, 2]], b: mine });
    expect(Array.from(both.a.dataSync() as Float32Array)).toEqual([1, 2]);
    both.a.dispose();
    both.b.dispose();
    expect(mine.isDisposed).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
    mine.dispose();
  });
});

describe('model lifetime', () => {
  it('creating and disposing a model leaves no tensor behind', async () => {
    await useBackend('cpu');
    const mod = await loadModel('model M { input x: [batch, 3]\n dense(4, activation: relu)\n batchnorm()\n dense(2, kernel: [[1, 0], [0, 1], [1, 1], [0, 0]], bias: [0, 1]) }');
    const before = tf.memory().numTensors;
    const model = new mod['M']();
    expect(tf.memory().numTensors).toBe(before + model.weights().length);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

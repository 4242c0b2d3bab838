// Convolution, pooling, reshaping, dropout and normalisation layers through compiled models,
// against naive loops (test/helpers/reference.ts) and hand-computed values, on cpu and wasm.
import { afterAll, describe, expect, it } from 'vitest';
import { fit, tf, useBackend, type TrainingRun } from '../runtime/index.js';
import { loadModel } from './helpers/load.js';
import { conv1dNaive, conv2dNaive, expectAllClose, flat, nest, pool2dNaive, pseudoRandom, type T3, type T4 } from './helpers/reference.js';

interface Run {
  y: unknown;
  shape: number[];
  weights: Record<string, number[]>;
}

async function run(source: string, x: unknown, seed = 5): Promise<Run> {
  const mod = await loadModel(source);
  const name = /model (\w+)/.exec(source)![1]!;
  const model = new mod[name]({ seed });
  const out = model.predict(x) as tf.Tensor;
  const result: Run = { y: out.arraySync(), shape: out.shape, weights: {} };
  out.dispose();
  for (const w of model.weights() as { name: string; variable: tf.Variable }[]) result.weights[w.name] = Array.from(w.variable.dataSync());
  model.dispose();
  return result;
}

function close(actual: unknown, expected: unknown, tol = 1e-4): void {
  expect(expectAllClose(flat(actual), flat(expected), tol)).toBeUndefined();
}

// The Manuele deck's worked example ("A 3x3 convolution kernel transforming a 5x5 matrix"):
// the kernel is read from the subscripts of the highlighted window.
const manueleInput = [
  [3, 3, 2, 1, 0],
  [0, 0, 1, 3, 1],
  [3, 1, 2, 2, 3],
  [2, 0, 0, 2, 2],
  [2, 0, 0, 0, 1],
];
const manueleKernel = [
  [0, 1, 2],
  [2, 2, 0],
  [0, 1, 2],
];
const kernelLiteral = `[${manueleKernel.map((row) => `[${row.map((v) => `[[${v}]]`).join(', ')}]`).join(', ')}]`;

describe.each(['cpu', 'wasm'] as const)('spatial layers on %s', (backend) => {
  it('reproduces the Manuele deck convolution table 12 12 17 / 10 17 19 / 9 6 14', async () => {
    await useBackend(backend);
    const src = `model Manuele {\n input x: [batch, 5, 5, 1]\n conv2d(1, 3, use_bias: false, kernel: ${kernelLiteral})\n}`;
    const r = await run(src, [manueleInput.map((row) => row.map((v) => [v]))]);
    expect(r.shape).toEqual([1, 3, 3, 1]);
    expect(flat(r.y)).toEqual([12, 12, 17, 10, 17, 19, 9, 6, 14]);
    // The same kernel written as the deck draws it: one channel and one filter allow a plain [3, 3].
    const plain = `model Manuele {\n input x: [batch, 5, 5, 1]\n conv2d(1, 3, use_bias: false, kernel: [[0, 1, 2], [2, 2, 0], [0, 1, 2]])\n}`;
    expect(flat((await run(plain, [manueleInput.map((row) => row.map((v) => [v]))])).y)).toEqual([12, 12, 17, 10, 17, 19, 9, 6, 14]);
  });

  it('conv2d (stride 2, same padding, relu) matches a naive loop', async () => {
    await useBackend(backend);
    const x = nest(pseudoRandom(2 * 7 * 6 * 3, 11), [2, 7, 6, 3]) as T4;
    const r = await run('model C { input x: [batch, 7, 6, 3]\n conv2d(4, [3, 2], strides: 2, padding: same, activation: relu) }', x);
    expect(r.shape).toEqual([2, 4, 3, 4]);
    const k = nest(r.weights['conv2d/kernel']!, [3, 2, 3, 4]) as T4;
    const expected = conv2dNaive(x, k, r.weights['conv2d/bias']!, [2, 2], 'same').map((a) => a.map((b) => b.map((c) => c.map((v) => Math.max(0, v)))));
    close(r.y, expected);
  });

  it('conv2d with dilation and a non-fused activation (tanh) matches a naive loop', async () => {
    await useBackend(backend);
    const x = nest(pseudoRandom(1 * 7 * 7 * 2, 3), [1, 7, 7, 2]) as T4;
    const r = await run('model C { input x: [batch, 7, 7, 2]\n conv2d(3, 3, dilation_rate: 2, activation: tanh) }', x);
    expect(r.shape).toEqual([1, 3, 3, 3]);
    const k = nest(r.weights['conv2d/kernel']!, [3, 3, 2, 3]) as T4;
    close(r.y, conv2dNaive(x, k, r.weights['conv2d/bias']!, [1, 1], 'valid', [2, 2]).map((a) => a.map((b) => b.map((c) => c.map(Math.tanh)))));
  });

  it('conv1d over one-hot DNA matches a naive loop', async () => {
    await useBackend(backend);
    const dna = 'TACAGATCGGAA';
    const x = [[...dna].map((b) => [0, 1, 2, 3].map((i) => (i === 'ACGT'.indexOf(b) ? 1 : 0)))];
    const r = await run('model D { input x: [batch, 12, 4]\n conv1d(2, 5, strides: 2) }', x);
    expect(r.shape).toEqual([1, 4, 2]);
    const k = nest(r.weights['conv1d/kernel']!, [5, 4, 2]) as T3;
    close(r.y, conv1dNaive(x, k, r.weights['conv1d/bias']!, 2, 'valid'));
  });

  it('max and average pooling 2D and 1D match naive loops', async () => {
    await useBackend(backend);
    const x = nest(pseudoRandom(2 * 5 * 5 * 2, 4), [2, 5, 5, 2]) as T4;
    for (const [layer, kind, padding] of [['max_pooling2d()', 'max', 'valid'], ['average_pooling2d(3, strides: 2, padding: same)', 'avg', 'same'], ['max_pooling2d(2, strides: 1)', 'max', 'valid']] as const) {
      const r = await run(`model P { input x: [batch, 5, 5, 2]\n ${layer} }`, x);
      const pool: [number, number] = layer.startsWith('average') ? [3, 3] : [2, 2];
      const stride: [number, number] = layer.includes('strides: 1') ? [1, 1] : [2, 2];
      close(r.y, pool2dNaive(x, kind, pool, stride, padding));
    }
    const seq = nest(pseudoRandom(1 * 6 * 3, 8), [1, 6, 3]) as T3;
    const r = await run('model P { input x: [batch, 6, 3]\n max_pooling1d(3) }', seq);
    close(r.y, pool2dNaive([seq[0]!.map((s) => [s])], 'max', [3, 1], [3, 1], 'valid').map((img) => img.map((row) => row[0])));
  });

  it('global pooling, flatten, reshape and upsampling move values as defined', async () => {
    await useBackend(backend);
    const x = nest(pseudoRandom(2 * 2 * 3 * 2, 9), [2, 2, 3, 2]) as T4;
    const gap = await run('model G { input x: [batch, 2, 3, 2]\n global_average_pooling2d() }', x);
    close(gap.y, x.map((img) => [0, 1].map((c) => flat(img.map((r) => r.map((p) => p[c]!))).reduce((a, b) => a + b, 0) / 6)));
    const gmp = await run('model G { input x: [batch, 2, 3, 2]\n global_max_pooling2d() }', x);
    close(gmp.y, x.map((img) => [0, 1].map((c) => Math.max(...flat(img.map((r) => r.map((p) => p[c]!)))))));
    const fl = await run('model F { input x: [batch, 2, 3, 2]\n flatten() }', x);
    expect(fl.shape).toEqual([2, 12]);
    close(fl.y, x.map((img) => flat(img)));
    const rs = await run('model R { input x: [batch, 2, 3, 2]\n reshape([3, -1]) }', x);
    expect(rs.shape).toEqual([2, 3, 4]);
    close(rs.y, x.map((img) => nest(flat(img), [3, 4])));
    const up = await run('model U { input x: [batch, 2, 3, 2]\n up_sampling2d([2, 3]) }', x);
    expect(up.shape).toEqual([2, 4, 9, 2]);
    close(up.y, x.map((img) => Array.from({ length: 4 }, (_, i) => Array.from({ length: 9 }, (_, j) => img[Math.floor(i / 2)]![Math.floor(j / 3)]))));
    const up1 = await run('model U { input x: [batch, 3, 2]\n up_sampling1d(2) }', [[[1, 2], [3, 4], [5, 6]]]);
    expect(up1.y).toEqual([[[1, 2], [1, 2], [3, 4], [3, 4], [5, 6], [5, 6]]]);
  });

  it('conv2d_transpose matches a naive scatter of kernel copies', async () => {
    await useBackend(backend);
    const x = nest(pseudoRandom(1 * 2 * 3 * 2, 6), [1, 2, 3, 2]) as T4;
    const r = await run('model T { input x: [batch, 2, 3, 2]\n conv2d_transpose(3, 3, strides: 2) }', x);
    expect(r.shape).toEqual([1, 5, 7, 3]);
    const k = nest(r.weights['conv2d_transpose/kernel']!, [3, 3, 3, 2]) as T4; // [kh, kw, out, in]
    const bias = r.weights['conv2d_transpose/bias']!;
    const out = Array.from({ length: 5 }, () => Array.from({ length: 7 }, () => [...bias]));
    x[0]!.forEach((row, i) => row.forEach((px, j) => px.forEach((v, ci) => {
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) for (let co = 0; co < 3; co++) out[i * 2 + a]![j * 2 + b]![co]! += v * k[a]![b]![co]![ci]!;
    })));
    close(r.y, [out]);
  });

  it('conv3d matches conv2d when the depth axis is 1', async () => {
    await useBackend(backend);
    const x = nest(pseudoRandom(1 * 1 * 4 * 4 * 2, 12), [1, 1, 4, 4, 2]) as number[][][][][];
    const r = await run('model V { input x: [batch, 1, 4, 4, 2]\n conv3d(2, [1, 3, 3]) }', x);
    expect(r.shape).toEqual([1, 1, 2, 2, 2]);
    const k = nest(r.weights['conv3d/kernel']!, [3, 3, 2, 2]) as T4;
    close(r.y, conv2dNaive(x.map((v) => v[0]!), k, r.weights['conv3d/bias']!, [1, 1], 'valid').map((img) => [img]));
  });

  it('batch norm normalises with moving statistics in inference and updates them in training', async () => {
    await useBackend(backend);
    const mod = await loadModel('model B { input x: [batch, 2]\n batch_normalization(momentum: 0.5, epsilon: 0.001) }');
    const model = new mod['B']();
    const y = model.predict([[1, 2], [3, 6]]) as tf.Tensor;
    close(y.arraySync(), [[1, 2], [3, 6]].map((r) => r.map((v) => v / Math.sqrt(1 + 0.001))));
    y.dispose();
    const train = tf.tidy(() => (model.forward(tf.tensor2d([[1, 2], [3, 6]]), true) as tf.Tensor).arraySync());
    // Batch mean [2, 4], biased variance [1, 4]: outputs are ±1/sqrt(1 + eps) and ±2/sqrt(4 + eps).
    close(train, [[-1 / Math.sqrt(1.001), -2 / Math.sqrt(4.001)], [1 / Math.sqrt(1.001), 2 / Math.sqrt(4.001)]]);
    const byName = Object.fromEntries((model.weights() as { name: string; variable: tf.Variable }[]).map((w) => [w.name, Array.from(w.variable.dataSync())]));
    close(byName['batch_normalization/moving_mean'], [1, 2]); // 0.5·0 + 0.5·[2, 4]
    close(byName['batch_normalization/moving_variance'], [1, 2.5]); // 0.5·1 + 0.5·[1, 4]
    model.dispose();
  });

  it('dropout is the identity in inference and zeroes or scales by 1/(1 - rate) in training', async () => {
    await useBackend(backend);
    const mod = await loadModel('model Dr { input x: [batch, 64]\n relu()\n dropout(0.25) }');
    const model = new mod['Dr']();
    const x = [Array.from({ length: 64 }, (_, i) => i + 1)];
    const y = model.predict(x) as tf.Tensor;
    expect(y.arraySync()).toEqual(x);
    y.dispose();
    const t = flat(tf.tidy(() => (model.forward(tf.tensor2d(x), true) as tf.Tensor).arraySync()));
    const dropped = t.filter((v) => v === 0).length;
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(64);
    t.forEach((v, i) => expect(v === 0 || Math.abs(v - (i + 1) / 0.75) < 1e-4).toBe(true));
    model.dispose();
  });
});

describe('dropout in training', () => {
  it('repeats: two runs with the same seed give the same losses, another seed differs', async () => {
    await useBackend('cpu');
    const src = `model Dr { input x: [batch, 2]\n dense(16, activation: relu)\n dropout(0.5)\n dense(1, activation: sigmoid) }
data d = table {
  a, b -> y
  0, 0 -> 0
  0, 1 -> 1
  1, 0 -> 1
  1, 1 -> 0
}
train Dr on d { loss: binary_crossentropy\n batch: full\n epochs: 5\n seed: 3 }`;
    const mod = await loadModel(src);
    const run = (mod['trainings'] as TrainingRun[])[0]!;
    const losses = async (seed: number) => {
      const model = run.createModel(seed);
      const history = await fit(model, run.data as never, { ...run.plan, seed });
      model.dispose();
      return history.epochs.map((e) => e.logs['loss']!);
    };
    const first = await losses(3);
    expect(await losses(3)).toEqual(first);
    expect(await losses(4)).not.toEqual(first);
  });
});

describe('spatial layers across backends', () => {
  afterAll(() => useBackend('cpu'));

  it('a small CNN gives the same outputs on cpu and wasm within 1e-4', async () => {
    const src = `model Cnn {
      input x: [batch, 8, 8, 2]
      conv2d(4, 3, padding: same, activation: relu)
      batch_normalization()
      max_pooling2d()
      conv2d(6, 2, activation: elu)
      average_pooling2d(padding: same)
      flatten()
      dropout(0.2)
      dense(3, activation: softmax)
    }`;
    const x = nest(pseudoRandom(4 * 8 * 8 * 2, 21), [4, 8, 8, 2]);
    await useBackend('cpu');
    const cpu = await run(src, x);
    await useBackend('wasm');
    const wasm = await run(src, x);
    expect(cpu.shape).toEqual([4, 3]);
    close(wasm.y, cpu.y, 1e-4);
  });
});

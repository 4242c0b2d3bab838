// Each layer's forward pass, through a compiled model, against an independent computation in
// plain JavaScript; and the cpu and wasm backends agree within 1e-4.
import { afterAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '../runtime/index.js';
import { activationLayers } from '../compiler/layers/activation-layers.js';
import { loadModel } from './helpers/load.js';

type Vec = number[];

const reference: Record<string, (x: number, alpha?: number) => number> = {
  linear: (x) => x,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: (x) => Math.tanh(x),
  relu: (x) => Math.max(0, x),
  relu6: (x) => Math.min(Math.max(0, x), 6),
  leaky_relu: (x, a = 0.2) => (x >= 0 ? x : a * x),
  elu: (x, a = 1) => (x >= 0 ? x : a * (Math.exp(x) - 1)),
  step: (x) => (x > 0 ? 1 : 0),
};

function softmaxRow(row: Vec): Vec {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

function naiveDense(x: Vec[], kernel: Vec[], bias: Vec): Vec[] {
  return x.map((row) => bias.map((b, j) => row.reduce((acc, v, i) => acc + v * kernel[i]![j]!, b)));
}

const inputs: Vec[] = [
  [0.5, -1.25, 2],
  [-3, 0, 0.75],
  [1e-3, 4, -0.5],
];

async function forward(source: string, modelName: string, x: Vec[]): Promise<{ y: Vec[]; weights: Record<string, Vec> }> {
  const mod = await loadModel(source);
  const model = new mod[modelName]({ seed: 7 });
  const t = model.predict(x);
  const y = t.arraySync() as Vec[];
  t.dispose();
  const weights: Record<string, Vec> = {};
  for (const w of model.weights() as { name: string; variable: tf.Variable }[]) weights[w.name] = Array.from(w.variable.dataSync());
  model.dispose();
  return { y, weights };
}

function expectClose(actual: Vec[], expected: Vec[], tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - expected[i]![j]!), `[${i}][${j}] ${v} vs ${expected[i]![j]}`).toBeLessThan(tol)));
}

function reshape(flat: Vec, cols: number): Vec[] {
  return Array.from({ length: flat.length / cols }, (_, i) => flat.slice(i * cols, (i + 1) * cols));
}

describe.each(['cpu', 'wasm'] as const)('layers on %s', (backend) => {
  it('dense matches a naive loop, with every fused and unfused activation', async () => {
    await useBackend(backend);
    for (const [act, fn] of Object.entries(reference)) {
      const { y, weights } = await forward(`model D { input x: [batch, 3]\n dense(4, activation: ${act}) }`, 'D', inputs);
      const pre = naiveDense(inputs, reshape(weights['dense/kernel']!, 4), weights['dense/bias']!);
      expectClose(y, pre.map((r) => r.map((v) => fn(v))));
    }
    const { y, weights } = await forward(`model D { input x: [batch, 3]\n dense(5, activation: softmax, use_bias: false) }`, 'D', inputs);
    expectClose(y, naiveDense(inputs, reshape(weights['dense/kernel']!, 5), [0, 0, 0, 0, 0]).map(softmaxRow));
  });

  it('activation layers with their alpha match the formulas', async () => {
    await useBackend(backend);
    const x = [[-2, -0.5, 0, 0.5, 3]];
    const cases: [string, (v: number) => number][] = [
      ['sigmoid()', (v) => reference['sigmoid']!(v)],
      ['tanh()', Math.tanh],
      ['relu()', (v) => Math.max(0, v)],
      ['relu6()', (v) => reference['relu6']!(v)],
      ['leaky_relu()', (v) => reference['leaky_relu']!(v)],
      ['leaky_relu(alpha: 0.1)', (v) => reference['leaky_relu']!(v, 0.1)],
      ['elu()', (v) => reference['elu']!(v)],
      ['elu(alpha: 0.5)', (v) => reference['elu']!(v, 0.5)],
      ['step()', (v) => (v > 0 ? 1 : 0)],
    ];
    for (const [call, fn] of cases) {
      const { y } = await forward(`model A { input x: [batch, 5]\n ${call} }`, 'A', x);
      expectClose(y, x.map((r) => r.map(fn)));
    }
    const { y } = await forward('model S { input x: [batch, 5]\n softmax() }', 'S', x);
    expectClose(y, x.map(softmaxRow));
    // relu6's cap, which the values above do not reach.
    const large = [[-7, 5.5, 6, 6.5, 40]];
    expectClose((await forward('model C { input x: [batch, 5]\n relu6() }', 'C', large)).y, [[0, 5.5, 6, 6, 6]]);
  });

  it('dense on a rank-3 input applies to the last axis', async () => {
    await useBackend(backend);
    const x3 = [inputs, inputs.map((r) => r.map((v) => -v))];
    const mod = await loadModel('model R { input x: [batch, seq, 3]\n dense(2, activation: relu) }');
    const model = new mod['R']({ seed: 3 });
    const out = model.predict(x3);
    expect(out.shape).toEqual([2, 3, 2]);
    const [kernel, bias] = (model.weights() as { variable: tf.Variable }[]).map((w) => Array.from(w.variable.dataSync()));
    const expected = x3.map((seq) => naiveDense(seq, reshape(kernel!, 2), bias!).map((r) => r.map((v) => Math.max(0, v))));
    (out.arraySync() as Vec[][]).forEach((seq, i) => expectClose(seq, expected[i]!));
    out.dispose();
    model.dispose();
  });
});

describe('backends agree', () => {
  afterAll(() => useBackend('cpu'));

  it('cpu and wasm give the same outputs within 1e-4', async () => {
    const source = 'model Net { input x: [batch, 3]\n dense(16, activation: tanh)\n dense(8, activation: leaky_relu)\n dense(4, activation: elu)\n dense(3, activation: softmax) }';
    const batch = Array.from({ length: 32 }, (_, i) => [Math.sin(i), Math.cos(3 * i), (i % 7) - 3]);
    await useBackend('cpu');
    const cpu = (await forward(source, 'Net', batch)).y;
    await useBackend('wasm');
    const wasm = (await forward(source, 'Net', batch)).y;
    cpu.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - wasm[i]![j]!) / Math.max(1, Math.abs(v))).toBeLessThan(1e-4)));
  });

  it('the layer library has a test reference for every activation', () => {
    for (const l of activationLayers) if (l.name !== 'softmax') expect(Object.keys(reference)).toContain(l.name);
  });
});

describe('memory', () => {
  it('predict leaks no tensors', async () => {
    await useBackend('cpu');
    const mod = await loadModel('model M { input x: [batch, 2]\n dense(4, activation: tanh)\n dense(1, activation: step) }');
    const model = new mod['M']();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) model.predict([[1, 2]]).dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

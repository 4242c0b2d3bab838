// Backpropagation through time written by hand (runtime/kernels/recurrent-backward.ts) against
// tfjs's autodiff through the runtime's recurrent layers, the oracle: the traced forward passes
// give the runtime's outputs (bit-identical), and dx and every weight gradient of Σ output·r agree
// with tf.grads within 1e-4 relative, on cpu and on wasm, for every option of the layers.
import { describe, expect, it } from 'vitest';

import {
  concatDirections,
  elu,
  gru,
  gruBackward,
  gruForwardTrace,
  lstm,
  lstmBackward,
  lstmForwardTrace,
  simpleRnn,
  simpleRnnBackward,
  simpleRnnForwardTrace,
  splitDirections,
  step,
  tf,
  type RecurrentActivation,
  type RecurrentGradients,
  type RecurrentOptions,
} from '../runtime/index.js';
import { randomValues, relativeError, valuesOn } from './kernels/helpers.js';

const BATCH = 3;
const FEATURES = 4;
const UNITS = 3;

type Kind = 'simple_rnn' | 'lstm' | 'gru';

interface Case {
  kind: Kind;
  steps: number;
  returnSequences: boolean;
  bidirectional: boolean;
  useBias: boolean;
  activation?: RecurrentActivation;
  alpha?: number;
}

const gateCount: Record<Kind, number> = { simple_rnn: 1, lstm: 4, gru: 3 };

/** The closure generated code passes `rt.simpleRnn` for each activation (see compiler/layers/activations.ts). */
function activationFunction(name: RecurrentActivation, alpha: number | undefined): (v: tf.Tensor) => tf.Tensor {
  switch (name) {
    case 'linear':
      return (v) => v;
    case 'relu':
      return (v) => tf.relu(v);
    case 'sigmoid':
      return (v) => tf.sigmoid(v);
    case 'tanh':
      return (v) => tf.tanh(v);
    case 'softmax':
      return (v) => tf.softmax(v);
    case 'leaky_relu':
      return (v) => tf.leakyRelu(v, alpha ?? 0.2);
    case 'elu':
      return (v) => elu(v, alpha ?? 1);
    case 'step':
      return (v) => step(v);
  }
}

interface Weights {
  kernel: tf.Tensor;
  recurrentKernel: tf.Tensor;
  bias: tf.Tensor | undefined;
}

function weightsFor(c: Case, seed: number): Weights {
  const g = gateCount[c.kind] * UNITS;
  const tensor = (shape: number[], s: number) => tf.tensor(randomValues(shape.reduce((a, b) => a * b), s), shape);
  const biasShape = c.kind === 'gru' ? [2, g] : [g];
  return { kernel: tensor([FEATURES, g], seed), recurrentKernel: tensor([UNITS, g], seed + 1), bias: c.useBias ? tensor(biasShape, seed + 2) : undefined };
}

/** One direction through the runtime function the generated forward pass calls. */
function runtimeLayer(c: Case, x: tf.Tensor, w: Weights, o: RecurrentOptions): tf.Tensor {
  if (c.kind === 'simple_rnn') return simpleRnn(x, w.kernel, w.recurrentKernel, w.bias, activationFunction(c.activation ?? 'tanh', c.alpha), o);
  if (c.kind === 'lstm') return lstm(x, w.kernel, w.recurrentKernel, w.bias, o);
  return gru(x, w.kernel, w.recurrentKernel, w.bias, o);
}

/** One direction through the traced forward pass and its hand-written backward pass. */
function derivedLayer(c: Case, x: tf.Tensor, w: Weights, o: RecurrentOptions): { output: tf.Tensor; backward: (dOutput: tf.Tensor) => RecurrentGradients } {
  if (c.kind === 'simple_rnn') {
    const { output, trace } = simpleRnnForwardTrace(x, w.kernel, w.recurrentKernel, w.bias, activationFunction(c.activation ?? 'tanh', c.alpha), o);
    return { output, backward: (d) => simpleRnnBackward(trace, d, c.activation ?? 'tanh', c.alpha) };
  }
  if (c.kind === 'lstm') {
    const { output, trace } = lstmForwardTrace(x, w.kernel, w.recurrentKernel, w.bias, o);
    return { output, backward: (d) => lstmBackward(trace, d) };
  }
  const { output, trace } = gruForwardTrace(x, w.kernel, w.recurrentKernel, w.bias, o);
  return { output, backward: (d) => gruBackward(trace, d) };
}

function options(c: Case, backwards: boolean): RecurrentOptions {
  return { units: UNITS, returnSequences: c.returnSequences, ...(backwards ? { backwards: true } : {}) };
}

/**
 * [runtime output, derived output, then the oracle's gradients, then the derived ones]: dx and
 * each direction's kernel, recurrent kernel and (with use_bias) bias.
 */
function compute(c: Case): () => tf.Tensor[] {
  return () => {
    const x = tf.tensor(randomValues(BATCH * c.steps * FEATURES, 11), [BATCH, c.steps, FEATURES]);
    const directions = c.bidirectional ? [weightsFor(c, 20), weightsFor(c, 30)] : [weightsFor(c, 20)];
    const flat = directions.flatMap((w) => [w.kernel, w.recurrentKernel, ...(w.bias ? [w.bias] : [])]);

    const runtimeOutput = (xs: tf.Tensor, ws: Weights[]) => {
      const outs = ws.map((w, d) => runtimeLayer(c, xs, w, options(c, d === 1)));
      return outs.length === 2 ? concatDirections(outs[0]!, outs[1]!) : outs[0]!;
    };
    const expectedOutput = runtimeOutput(x, directions);
    const r = tf.tensor(randomValues(expectedOutput.size, 12), expectedOutput.shape);
    const oracle = tf.grads((...args: tf.Tensor[]) => {
      let at = 1;
      const ws = directions.map((w) => {
        const next: Weights = { kernel: args[at]!, recurrentKernel: args[at + 1]!, bias: w.bias ? args[at + 2]! : undefined };
        at += w.bias ? 3 : 2;
        return next;
      });
      return tf.sum(tf.mul(runtimeOutput(args[0]!, ws), r));
    })([x, ...flat]);

    const layers = directions.map((w, d) => derivedLayer(c, x, w, options(c, d === 1)));
    const output = layers.length === 2 ? concatDirections(layers[0]!.output, layers[1]!.output) : layers[0]!.output;
    const dOutputs = layers.length === 2 ? splitDirections(r) : [r];
    const grads = layers.map((layer, d) => layer.backward(dOutputs[d]!));
    const dx = grads.map((g) => g.dx!).reduce((a, b) => tf.add(a, b));
    const derived = [dx, ...grads.flatMap((g) => [g.dKernel, g.dRecurrentKernel, ...(g.dBias ? [g.dBias] : [])])];
    if (derived.length !== oracle.length) throw new Error(`${derived.length} gradients, the oracle has ${oracle.length}`);
    derived.forEach((g, i) => {
      if (g.shape.join() !== oracle[i]!.shape.join()) throw new Error(`gradient ${i} has shape [${g.shape}], the oracle's [${oracle[i]!.shape}]`);
    });
    return [expectedOutput, output, ...oracle, ...derived];
  };
}

async function expectAgreement(c: Case): Promise<void> {
  for (const backend of ['cpu', 'wasm'] as const) {
    const [expectedOutput, output, ...gradients] = await valuesOn(backend, compute(c));
    // The same ops on the same values: bit-identical, not merely close.
    expect(relativeError(output!, expectedOutput!), `${backend}: output`).toBe(0);
    const half = gradients.length / 2;
    for (let i = 0; i < half; i++) {
      const error = relativeError(gradients[half + i]!, gradients[i]!);
      expect(error, `${backend}: gradient ${i} (0 is dx)`).toBeLessThan(1e-4);
    }
  }
}

function describeCase(c: Case): string {
  return [
    `${c.steps} step${c.steps === 1 ? '' : 's'}`,
    c.returnSequences ? 'return_sequences' : 'last state',
    ...(c.bidirectional ? ['bidirectional'] : []),
    ...(c.useBias ? [] : ['no bias']),
  ].join(', ');
}

for (const kind of ['simple_rnn', 'lstm', 'gru'] as const) {
  describe(`${kind}: hand-written BPTT agrees with tf.grads on cpu and wasm`, () => {
    for (const steps of [5, 1]) {
      for (const returnSequences of [true, false]) {
        for (const bidirectional of [false, true]) {
          for (const useBias of [true, false]) {
            const c: Case = { kind, steps, returnSequences, bidirectional, useBias };
            it(describeCase(c), async () => expectAgreement(c));
          }
        }
      }
    }
  });
}

describe('simple_rnn with each activation the backward pass knows', () => {
  const cases: [RecurrentActivation, number | undefined][] = [
    ['linear', undefined],
    ['relu', undefined],
    ['sigmoid', undefined],
    ['softmax', undefined],
    ['leaky_relu', 0.3],
    ['elu', 0.5],
    ['elu', undefined],
    ['step', undefined],
  ];
  for (const [activation, alpha] of cases) {
    it(`${activation}${alpha === undefined ? '' : ` (alpha ${alpha})`}`, async () =>
      expectAgreement({ kind: 'simple_rnn', steps: 4, returnSequences: true, bidirectional: false, useBias: true, activation, ...(alpha === undefined ? {} : { alpha }) }));
  }
});

describe('without the input gradient (a first layer)', () => {
  it('leaves dx out and gives the same weight gradients', async () => {
    const values = await valuesOn('cpu', () => {
      const x = tf.tensor(randomValues(BATCH * 5 * FEATURES, 11), [BATCH, 5, FEATURES]);
      const w = weightsFor({ kind: 'lstm', steps: 5, returnSequences: false, bidirectional: false, useBias: true }, 20);
      const { output, trace } = lstmForwardTrace(x, w.kernel, w.recurrentKernel, w.bias, { units: UNITS, returnSequences: false });
      const dOutput = tf.onesLike(output);
      const full = lstmBackward(trace, dOutput);
      const weightsOnly = lstmBackward(trace, dOutput, { inputGradient: false });
      if (weightsOnly.dx !== undefined) throw new Error('dx was computed');
      return [full.dKernel, weightsOnly.dKernel, full.dRecurrentKernel, weightsOnly.dRecurrentKernel];
    });
    expect(relativeError(values[1]!, values[0]!)).toBe(0);
    expect(relativeError(values[3]!, values[2]!)).toBe(0);
  });
});

describe("the runtime's recurrent layers under tfjs's tape (the oracle above)", () => {
  // Regressions: reversing tf.unstack's output array in place reordered the tape's record of it,
  // sending each step's gradient to the mirrored step; and tfjs cannot differentiate a one-output
  // unstack. Checked against the tape itself: a backwards layer is a forward one on the reversed input.
  it('reading backwards has the gradients of reading the reversed input forwards', async () => {
    const values = await valuesOn('cpu', () => {
      const x = tf.tensor(randomValues(BATCH * 5 * FEATURES, 11), [BATCH, 5, FEATURES]);
      const w = weightsFor({ kind: 'gru', steps: 5, returnSequences: false, bidirectional: false, useBias: true }, 20);
      const grads = (reversed: boolean) =>
        tf.grads((xs: tf.Tensor, k: tf.Tensor) =>
          tf.sum(gru(reversed ? tf.reverse(xs, 1) : xs, k, w.recurrentKernel, w.bias, { units: UNITS, returnSequences: false, backwards: !reversed })),
        )([x, w.kernel]);
      return [...grads(false), ...grads(true)];
    });
    expect(relativeError(values[0]!, values[2]!), 'dx').toBeLessThan(1e-6);
    expect(relativeError(values[1]!, values[3]!), 'dKernel').toBeLessThan(1e-6);
  });

  it('differentiates a layer over one step', async () => {
    const [dx] = await valuesOn('cpu', () => {
      const x = tf.tensor(randomValues(BATCH * FEATURES, 11), [BATCH, 1, FEATURES]);
      const w = weightsFor({ kind: 'lstm', steps: 1, returnSequences: false, bidirectional: false, useBias: true }, 20);
      return tf.grads((xs: tf.Tensor) => tf.sum(lstm(xs, w.kernel, w.recurrentKernel, w.bias, { units: UNITS, returnSequences: false })))([x]);
    });
    expect(dx!.length).toBe(BATCH * FEATURES);
    expect(dx!.some((v) => v !== 0)).toBe(true);
  });
});

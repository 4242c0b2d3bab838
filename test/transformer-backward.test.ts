// The transformer block's hand-written backward pass (runtime/kernels/transformer-backward.ts)
// against tfjs's autodiff through the runtime's `transformerBlock`, the oracle: the traced forward
// pass gives the runtime's output bit for bit (in training too, from the same dropout draws), and the input's
// and every weight's gradient of Σ output·r agree with tf.grads within 1e-4 relative, on cpu and on
// wasm, for encoder and (causal) decoder blocks, with and without dropout.
import { describe, expect, it } from 'vitest';

import {
  seedDropout,
  tf,
  transformerBlock,
  transformerBlockBackward,
  transformerBlockForwardTrace,
  type TransformerOptions,
  type TransformerWeights,
} from '../runtime/index.js';
import { randomValues, relativeError, valuesOn } from './kernels/helpers.js';

const maxAbs = (values: Float32Array) => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxAbsDifference = (a: Float32Array, b: Float32Array) => (a.length !== b.length ? Infinity : a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0));

const BATCH = 2;
const STEPS = 4;
const WIDTH = 6;
const HEADS = 2;
const FF = 5;

const WEIGHT_SHAPES: Record<keyof TransformerWeights, number[]> = {
  queryKernel: [WIDTH, HEADS, WIDTH / HEADS],
  queryBias: [HEADS, WIDTH / HEADS],
  keyKernel: [WIDTH, HEADS, WIDTH / HEADS],
  keyBias: [HEADS, WIDTH / HEADS],
  valueKernel: [WIDTH, HEADS, WIDTH / HEADS],
  valueBias: [HEADS, WIDTH / HEADS],
  outputKernel: [HEADS, WIDTH / HEADS, WIDTH],
  outputBias: [WIDTH],
  norm1Gamma: [WIDTH],
  norm1Beta: [WIDTH],
  ffnKernel1: [WIDTH, FF],
  ffnBias1: [FF],
  ffnKernel2: [FF, WIDTH],
  ffnBias2: [WIDTH],
  norm2Gamma: [WIDTH],
  norm2Beta: [WIDTH],
};
const WEIGHT_NAMES = Object.keys(WEIGHT_SHAPES) as (keyof TransformerWeights)[];

function weights(): TransformerWeights {
  const entries = WEIGHT_NAMES.map((name, i) => {
    const shape = WEIGHT_SHAPES[name];
    const values = randomValues(shape.reduce((a, b) => a * b, 1), 21 + i);
    // Gammas near 1, as trained ones are; the rest uniform in [-1, 1).
    return [name, tf.tensor(name.endsWith('Gamma') ? values.map((v) => 1 + 0.3 * v) : values, shape)];
  });
  return Object.fromEntries(entries) as TransformerWeights;
}

const options = (causal: boolean, dropout: number): TransformerOptions => ({ heads: HEADS, keyDim: WIDTH / HEADS, causal, dropout, epsilon: 1e-5 });

/** [runtime output, traced output, the oracle's gradients…, the derived ones…] (dx first, then weights in WEIGHT_NAMES order). */
function compute(o: TransformerOptions, training: boolean): () => tf.Tensor[] {
  return () => {
    const x = tf.tensor(randomValues(BATCH * STEPS * WIDTH, 11), [BATCH, STEPS, WIDTH]);
    const w = weights();
    const run = (args: tf.Tensor[]) => {
      const ws = Object.fromEntries(WEIGHT_NAMES.map((n, i) => [n, args[1 + i]!])) as unknown as TransformerWeights;
      return transformerBlock(args[0]!, ws, o, training);
    };
    const all = [x, ...WEIGHT_NAMES.map((n) => w[n]!)];
    seedDropout(7);
    const expected = run(all);
    const r = tf.tensor(randomValues(expected.size, 13), expected.shape);
    seedDropout(7);
    const oracle = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(run(args), r)))(all);

    seedDropout(7);
    const { output, trace } = transformerBlockForwardTrace(x, w, o, training);
    const g = transformerBlockBackward(trace, r);
    const derived = [g.dx!, ...WEIGHT_NAMES.map((n) => g.dWeights[n]!)];
    derived.forEach((t, i) => {
      if (t.shape.join() !== oracle[i]!.shape.join()) throw new Error(`gradient ${i} has shape [${t.shape}], the oracle's [${oracle[i]!.shape}]`);
    });
    return [expected, output, ...oracle, ...derived];
  };
}

describe('transformer blocks: hand-written backward pass agrees with tf.grads on cpu and wasm', () => {
  const cases: [string, boolean, number, boolean][] = [
    ['encoder, no dropout', false, 0, true],
    ['decoder (causal), no dropout', true, 0, true],
    ['encoder with dropout 0.3 in training', false, 0.3, true],
    ['decoder with dropout 0.25 in training', true, 0.25, true],
    ['encoder with dropout outside training', false, 0.3, false],
  ];
  for (const [name, causal, rate, training] of cases) {
    it(name, async () => {
      for (const backend of ['cpu', 'wasm'] as const) {
        const [expected, output, ...gradients] = await valuesOn(backend, compute(options(causal, rate), training));
        expect(relativeError(output!, expected!), `${backend}: output`).toBe(0);
        const half = gradients.length / 2;
        expect(half).toBe(1 + WEIGHT_NAMES.length);
        // The key bias's gradient is zero in exact arithmetic (the softmax ignores what it adds to
        // every score of a query): its float noise is measured against a thousandth of the largest.
        const largest = Math.max(...gradients.slice(0, half).map(maxAbs));
        for (let i = 0; i < half; i++) {
          const label = `${backend}: ${i === 0 ? 'dx' : WEIGHT_NAMES[i - 1]}`;
          const scale = Math.max(maxAbs(gradients[i]!), largest * 1e-3);
          expect(maxAbsDifference(gradients[half + i]!, gradients[i]!) / scale, label).toBeLessThan(1e-4);
        }
      }
    });
  }

  it('draws its dropout masks from the runtime stream: a different seed gives a different output', async () => {
    const [a, b] = await valuesOn('cpu', () => {
      const x = tf.tensor(randomValues(BATCH * STEPS * WIDTH, 11), [BATCH, STEPS, WIDTH]);
      const w = weights();
      seedDropout(7);
      const first = transformerBlockForwardTrace(x, w, options(false, 0.3), true).output;
      seedDropout(8);
      const second = transformerBlockForwardTrace(x, w, options(false, 0.3), true).output;
      return [first, second];
    });
    expect(relativeError(a!, b!)).toBeGreaterThan(1e-3);
  });

  it('leaves the input gradient out for a first layer', async () => {
    await valuesOn('cpu', () => {
      const x = tf.tensor(randomValues(BATCH * STEPS * WIDTH, 11), [BATCH, STEPS, WIDTH]);
      const { output, trace } = transformerBlockForwardTrace(x, weights(), options(false, 0), false);
      const g = transformerBlockBackward(trace, tf.onesLike(output), { inputGradient: false });
      expect(g.dx).toBeUndefined();
      expect(Object.keys(g.dWeights).sort()).toEqual([...WEIGHT_NAMES].sort());
      return [output];
    });
  });
});

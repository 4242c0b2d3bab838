// Multi-head attention's hand-written backward pass (runtime/kernels/attention-backward.ts)
// against tfjs's autodiff through the runtime's attention, the oracle: the traced forward pass gives
// the runtime's output (bit-identical), and the inputs' and every weight's gradient of Σ output·r
// agree with tf.grads within 1e-4 relative, on cpu and on wasm.
import { describe, expect, it } from 'vitest';

import {
  multiHeadAttention,
  multiHeadAttentionBackward,
  multiHeadAttentionForwardTrace,
  multiHeadSelfAttention,
  multiHeadSelfAttentionForwardTrace,
  tf,
  type AttentionWeights,
} from '../runtime/index.js';
import { randomValues, relativeError, valuesOn } from './kernels/helpers.js';

interface Case {
  /** Cross-attention over a memory of this many steps and features; self-attention when absent. */
  memory?: [number, number];
  heads: number;
  keyDim: number;
  causal: boolean;
  useBias: boolean;
}

const maxAbs = (values: Float32Array) => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxAbsDifference = (a: Float32Array, b: Float32Array) => (a.length !== b.length ? Infinity : a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0));

const BATCH = 2;
const STEPS = 4;
const WIDTH = 6;

const WEIGHT_NAMES = ['queryKernel', 'queryBias', 'keyKernel', 'keyBias', 'valueKernel', 'valueBias', 'outputKernel', 'outputBias'] as const;

function weightsFor(c: Case): AttentionWeights {
  const e = c.memory?.[1] ?? WIDTH;
  const t = (shape: number[], seed: number) => tf.tensor(randomValues(shape.reduce((a, b) => a * b), seed), shape);
  const hk = [c.heads, c.keyDim];
  return {
    queryKernel: t([WIDTH, ...hk], 21),
    keyKernel: t([e, ...hk], 22),
    valueKernel: t([e, ...hk], 23),
    outputKernel: t([...hk, WIDTH], 24),
    ...(c.useBias ? { queryBias: t(hk, 25), keyBias: t(hk, 26), valueBias: t(hk, 27), outputBias: t([WIDTH], 28) } : {}),
  };
}

/** [runtime output, traced output, the oracle's gradients…, the derived ones…] (inputs first, then weights in WEIGHT_NAMES order). */
function compute(c: Case): () => tf.Tensor[] {
  return () => {
    const o = { heads: c.heads, keyDim: c.keyDim, causal: c.causal };
    const query = tf.tensor(randomValues(BATCH * STEPS * WIDTH, 11), [BATCH, STEPS, WIDTH]);
    const memory = c.memory ? tf.tensor(randomValues(BATCH * c.memory[0] * c.memory[1], 12), [BATCH, ...c.memory]) : undefined;
    const w = weightsFor(c);
    const names = WEIGHT_NAMES.filter((n) => w[n] !== undefined);
    const inputs = memory ? [query, memory] : [query];
    const run = (args: tf.Tensor[]) => {
      const ws = Object.fromEntries(names.map((n, i) => [n, args[inputs.length + i]!])) as unknown as AttentionWeights;
      return memory ? multiHeadAttention(args[0]!, args[1]!, ws, o) : multiHeadSelfAttention(args[0]!, ws, o);
    };
    const expected = run([...inputs, ...names.map((n) => w[n]!)]);
    const r = tf.tensor(randomValues(expected.size, 13), expected.shape);
    const oracle = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(run(args), r)))([...inputs, ...names.map((n) => w[n]!)]);

    const { output, trace } = memory ? multiHeadAttentionForwardTrace(query, memory, w, o) : multiHeadSelfAttentionForwardTrace(query, w, o);
    const g = multiHeadAttentionBackward(trace, r);
    const dInputs = memory ? [g.dQuery!, g.dMemory!] : [tf.add(g.dQuery!, g.dMemory!)];
    const derived = [...dInputs, ...names.map((n) => g.dWeights[n]!)];
    if (derived.length !== oracle.length) throw new Error(`${derived.length} gradients, the oracle has ${oracle.length}`);
    derived.forEach((t, i) => {
      if (t.shape.join() !== oracle[i]!.shape.join()) throw new Error(`gradient ${i} has shape [${t.shape}], the oracle's [${oracle[i]!.shape}]`);
    });
    return [expected, output, ...oracle, ...derived];
  };
}

describe('multi-head attention: hand-written backward pass agrees with tf.grads on cpu and wasm', () => {
  const cases: [string, Case][] = [
    ['self-attention', { heads: 2, keyDim: 3, causal: false, useBias: true }],
    ['causal self-attention', { heads: 2, keyDim: 3, causal: true, useBias: true }],
    ['self-attention, key_dim ≠ d / heads, no bias', { heads: 3, keyDim: 4, causal: false, useBias: false }],
    ['cross-attention over a longer, narrower memory', { memory: [5, 4], heads: 2, keyDim: 3, causal: false, useBias: true }],
    ['causal cross-attention, one head', { memory: [5, 4], heads: 1, keyDim: 5, causal: true, useBias: true }],
  ];
  for (const [name, c] of cases) {
    it(name, async () => {
      for (const backend of ['cpu', 'wasm'] as const) {
        const [expected, output, ...gradients] = await valuesOn(backend, compute(c));
        expect(relativeError(output!, expected!), `${backend}: output`).toBe(0);
        const half = gradients.length / 2;
        // The key bias's gradient is zero in exact arithmetic (it adds the same amount to a query's
        // every score, which the softmax ignores): its float noise is measured against a
        // thousandth of the largest gradient, as in layer-gradients.test.ts.
        const largest = Math.max(...gradients.slice(0, half).map(maxAbs));
        for (let i = 0; i < half; i++) {
          const scale = Math.max(maxAbs(gradients[i]!), largest * 1e-3);
          expect(maxAbsDifference(gradients[half + i]!, gradients[i]!) / scale, `${backend}: gradient ${i}`).toBeLessThan(1e-4);
        }
      }
    });
  }

  it('leaves the input gradients out for a first layer', async () => {
    await valuesOn('cpu', () => {
      const c: Case = { heads: 2, keyDim: 3, causal: false, useBias: true };
      const x = tf.tensor(randomValues(BATCH * STEPS * WIDTH, 11), [BATCH, STEPS, WIDTH]);
      const { output, trace } = multiHeadSelfAttentionForwardTrace(x, weightsFor(c), { heads: 2, keyDim: 3, causal: false });
      const g = multiHeadAttentionBackward(trace, tf.onesLike(output), { inputGradient: false });
      expect(g.dQuery).toBeUndefined();
      expect(g.dMemory).toBeUndefined();
      return [output];
    });
  });
});

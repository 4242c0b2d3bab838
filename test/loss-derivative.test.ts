// The derivative the compiler writes for a custom loss (compiler/codegen/loss-derivative.ts)
// against tfjs's autodiff of the loss it emits, on cpu: every function and operator, on random
// inputs and on the kinks (abs at 0, ties of max and min, pred exactly at clip's bounds), where
// the two must follow the same conventions to agree at all.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

import { compile } from '../compiler/compile.js';
import { tf, useBackend, type CustomLoss, type TrainPlan } from '../runtime/index.js';
import { outDir } from './helpers/load.js';
import { randomValues, relativeError } from './kernels/helpers.js';

/** Where a formula is defined: `any` real values, probabilities, or positive predictions. */
type Domain = 'any' | 'probability' | 'positive';

const FORMULAS: [formula: string, domain: Domain][] = [
  ['mean(square(pred - y))', 'any'],
  ['mean(abs(pred - y))', 'any'],
  ['mean(abs(pred))', 'any'],
  ['-mean(y * log(pred + 1e-7) + (1 - y) * log(1 - pred + 1e-7))', 'probability'],
  ['mean(max(0, 1 - y * pred))', 'any'],
  ['mean(clip(pred, 0.1, 0.9) * y)', 'any'],
  ['sum(exp(pred) / (1 + exp(pred)))', 'any'],
  ['mean(sqrt(square(pred - y) + 1))', 'any'],
  ['mean(softplus(pred) - y * pred)', 'any'],
  ['mean(min(pred, y) * 2) + mean(max(pred, y))', 'any'],
  ['mean(max(y, pred)) - min(mean(pred), 0.5) + max(0.1, sum(pred))', 'any'],
  ['mean(y / pred)', 'positive'],
  ['mean(1 / (1 + square(pred)))', 'any'],
  ['mean(square(pred - y)) + 0.5 * mean(abs(pred - y))', 'any'],
  ['mean(sigmoid(pred) * y) + sum(pred) / mean(y + 2)', 'any'],
  ['mean(pred) * mean(pred) - sum(pred * mean(pred))', 'any'],
  ['sum(pred + sum(pred)) / 100 + square(mean(pred))', 'any'],
  ['sum(pred + mean(pred)) + mean(y * mean(pred))', 'any'],
  ['sqrt(mean(square(pred - y)))', 'any'],
  ['sum(pred * y) / 10 - mean(exp(-pred))', 'any'],
  ['mean(log(sigmoid(pred * y)))', 'any'],
  ['mean(clip(pred - y, -0.5, 0.5) / (1 + abs(pred)))', 'any'],
  ['mean(pred - min(pred, clip(y, 0, 1)))', 'any'],
  ['mean(clip(y, pred, 1) + clip(0.5, -pred, pred))', 'any'],
  ['-mean(pred)', 'any'],
  ['mean(y) + 3', 'any'],
];

const ROWS = 8;

/**
 * pred and y, [8, 2]: the first 8 elements on kinks — pred = y (abs at 0, ties of max and min),
 * 1 − y·pred = 0 (the hinge's tie), pred = 0.1 and 0.9 (clip's bounds), pred = 0 — the rest random.
 */
function inputs(domain: Domain, seed: number): { pred: tf.Tensor; y: tf.Tensor } {
  const r = randomValues(2 * ROWS, seed);
  const s = randomValues(2 * ROWS, seed + 1);
  let pred: number[];
  let y: number[];
  if (domain === 'probability') {
    pred = [0.1, 0.9, 0.5, 0.5, ...Array.from(r.subarray(4), (v) => 0.5 + 0.45 * v)];
    y = [0, 1, 0, 1, ...Array.from(s.subarray(4), (v) => (v > 0 ? 1 : 0))];
  } else if (domain === 'positive') {
    pred = [1, 0.5, 2, 0.1, ...Array.from(r.subarray(4), (v) => 1.2 + v)];
    y = [1, 0.5, 0, -1, ...Array.from(s.subarray(4))];
  } else {
    pred = [0, 0.1, 0.9, 1, 0.5, -0.5, 0.25, 2, ...Array.from(r.subarray(8), (v) => 1.5 * v)];
    y = [0, 0.1, 1, 1, 2, -0.5, 0, 0.5, ...Array.from(s.subarray(8), (v) => 1.5 * v)];
  }
  return { pred: tf.tensor2d(pred, [ROWS, 2]), y: tf.tensor2d(y, [ROWS, 2]) };
}

const SOURCE = `
model M {
  input x: [batch, 2]
  dense(2)
}

data d = table {
  a, b -> c, e
  1, 2 -> 3, 4
}
${FORMULAS.map(([f]) => `\ntrain M on d {\n  loss: ${f}\n}\n`).join('')}`;

/** The generated plan of the i-th `train` block: `MPlan`, `M_2Plan`, … */
const planName = (i: number) => (i === 0 ? 'MPlan' : `M_${i + 1}Plan`);

/** The code of the i-th plan's loss and derivative. */
function planCode(output: string, i: number): string {
  const start = output.indexOf(`export const ${planName(i)}:`);
  return output.slice(start, output.indexOf('optimizer:', start));
}

async function importGenerated(output: string): Promise<Record<string, unknown>> {
  mkdirSync(outDir, { recursive: true });
  const file = `${outDir}${createHash('sha1').update(output).digest('hex').slice(0, 12)}.ts`;
  writeFileSync(file, output);
  return (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
}

describe('the derivative of a custom loss agrees with tf.grad of the loss', () => {
  let losses: CustomLoss[] = [];
  let output = '';

  beforeAll(async () => {
    await useBackend('cpu');
    const result = compile(SOURCE, { fileName: 'losses.nn' });
    if (result.output === undefined) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
    output = result.output;
    const module = await importGenerated(output);
    losses = FORMULAS.map((_, i) => (module[planName(i)] as TrainPlan).loss as CustomLoss);
  });

  FORMULAS.forEach(([formula, domain], i) => {
    it(formula, () => {
      const loss = losses[i]!;
      expect(typeof loss.gradient).toBe('function');
      for (const seed of [1, 2]) {
        tf.tidy(() => {
          const { pred, y } = inputs(domain, seed * 7);
          // tf.grad refuses a function that does not depend on its argument; its slope is 0.
          const expected = formula.includes('pred') ? tf.grad((p: tf.Tensor) => loss(y, p))(pred) : tf.zerosLike(pred);
          const actual = loss.gradient!(y, pred);
          expect(actual.shape).toEqual(pred.shape);
          const want = expected.dataSync();
          const got = actual.dataSync();
          expect([...got].every(Number.isFinite)).toBe(true);
          expect(relativeError(got, want)).toBeLessThan(1e-4);
        });
      }
    });
  });

  it('follows the tape at the kinks, where the conventions decide the value', () => {
    // max(pred, y) at a tie passes the slope to pred; max(y, pred) does not (tfjs: dy·[a ≥ b]).
    const first = losses[FORMULAS.findIndex(([f]) => f.startsWith('mean(min(pred, y)'))]!;
    const second = losses[FORMULAS.findIndex(([f]) => f.startsWith('mean(max(y, pred))'))]!;
    tf.tidy(() => {
      const { pred, y } = inputs('any', 7);
      const tie = 0; // pred = y = 0 there
      const n = pred.size;
      // d/dpred of mean(min(pred, y) * 2) + mean(max(pred, y)) at a tie: 2/n + 1/n.
      expect(first.gradient!(y, pred).dataSync()[tie]).toBeCloseTo(3 / n, 6);
      // mean(max(y, pred)) gives 0 at the tie; − min(mean(pred), 0.5) and max(0.1, sum(pred)) are uniform.
      const g = second.gradient!(y, pred).dataSync();
      const uniform = g[2 * ROWS - 1]! - (pred.dataSync()[2 * ROWS - 1]! > y.dataSync()[2 * ROWS - 1]! ? 1 / n : 0);
      expect(g[tie]).toBeCloseTo(uniform, 6);
    });
  });

  it('sums the slope of a number compared with every element (where the tape fails)', async () => {
    // tfjs's Maximum and Minimum gradients do not sum over broadcast axes, so tf.grad of this loss
    // throws; the oracle is the same loss with the broadcast made explicit.
    const formula = 'mean(max(mean(pred), y)) + sum(min(y, sum(pred)))';
    const result = compile(`${SOURCE.slice(0, SOURCE.indexOf('train'))}train M on d {\n  loss: ${formula}\n}\n`, { fileName: 'broadcast.nn' });
    expect(result.output).toBeDefined();
    const loss = ((await importGenerated(result.output!))['MPlan'] as TrainPlan).loss as CustomLoss;
    tf.tidy(() => {
      const { pred, y } = inputs('any', 3);
      const explicit = (p: tf.Tensor) =>
        tf.add(tf.mean(tf.maximum(tf.broadcastTo(tf.mean(p), p.shape), y)), tf.sum(tf.minimum(y, tf.broadcastTo(tf.sum(p), p.shape))));
      expect(relativeError(loss.gradient!(y, pred).dataSync(), tf.grad(explicit)(pred).dataSync())).toBeLessThan(1e-4);
    });
  });

  it('emits a subformula written twice once, and nothing for one without pred', () => {
    const twice = planCode(output, FORMULAS.findIndex(([f]) => f === 'mean(square(pred - y)) + 0.5 * mean(abs(pred - y))'));
    const gradient = twice.slice(twice.indexOf('// dL/dpred'));
    expect(gradient.match(/tf\.sub\(pred, y\)/g)).toHaveLength(1);
    expect(gradient).toContain('const v1 = tf.sub(pred, y);');
    expect(planCode(output, FORMULAS.findIndex(([f]) => f === 'mean(y) + 3'))).toContain('(_y: tf.Tensor, pred: tf.Tensor): tf.Tensor => tf.zerosLike(pred)');
  });
});

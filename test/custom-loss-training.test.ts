// A custom loss trained end to end through the generated module's `train…()`: with the backward
// pass the compiler derives (the loss's own derivative, no tape) and with the tape (compiled with
// `derivedBackward: false`), the weights agree after a few steps, on cpu and wasm.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { compile } from '../compiler/compile.js';
import { tf, useBackend, type History, type TrainableModel } from '../runtime/index.js';
import { outDir } from './helpers/load.js';
import { randomValues, relativeError } from './kernels/helpers.js';

const ROWS = 12;

function source(loss: string, optimizer: string): string {
  const x = randomValues(ROWS * 3, 21);
  const rows = Array.from({ length: ROWS }, (_, r) => {
    const [a, b, c] = [x[3 * r]!, x[3 * r + 1]!, x[3 * r + 2]!].map((v) => Number(v.toFixed(3)));
    // Labels in [0, 1] (a sigmoid output can reach them), one of them exactly 0.5 on some rows.
    const y1 = Number((0.5 + 0.4 * Math.tanh(a! + b!)).toFixed(3));
    const y2 = r % 3 === 0 ? 0.5 : Number((0.5 + 0.4 * Math.sin(3 * c!)).toFixed(3));
    return `  ${a}, ${b}, ${c} -> ${y1}, ${y2}`;
  });
  return `
model Fit {
  input x: [batch, 3]
  dense(6, activation: tanh)
  dense(2, activation: sigmoid)
}

data points = table {
  x1, x2, x3 -> a, b
${rows.join('\n')}
}

train Fit on points {
  loss: ${loss}
  optimizer: ${optimizer}
  batch: 4
  epochs: 2
  seed: 3
}
`;
}

type Model = TrainableModel & { dispose(): void };
interface Generated {
  trainFit: () => Promise<{ model: Model; history: History }>;
  Fit: (new (options: { seed: number }) => Model) & { prototype: { lossAndGradients?: (...args: never[]) => unknown } };
}

/** Trains through the generated module; counts the steps that took the derived pass. */
async function train(src: string, derivedBackward: boolean): Promise<{ initial: Float32Array[]; weights: Float32Array[]; derivedSteps: number; loss: number }> {
  const result = compile(src, { fileName: 'fit.nn', derivedBackward });
  if (result.output === undefined) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  mkdirSync(outDir, { recursive: true });
  const file = `${outDir}${createHash('sha1').update(result.output).digest('hex').slice(0, 12)}.ts`;
  writeFileSync(file, result.output);
  const module = (await import(/* @vite-ignore */ file)) as Generated;
  const fresh = new module.Fit({ seed: 3 });
  const initial = fresh.weights().map((w) => w.variable.dataSync() as Float32Array);
  fresh.dispose();
  let derivedSteps = 0;
  const derived = module.Fit.prototype.lossAndGradients;
  if (derived) {
    module.Fit.prototype.lossAndGradients = function (this: unknown, ...args: never[]) {
      derivedSteps++;
      return derived.apply(this, args);
    };
  }
  try {
    const { model, history } = await module.trainFit();
    const weights = model.weights().map((w) => w.variable.dataSync() as Float32Array);
    model.dispose();
    return { initial, weights, derivedSteps, loss: history.final['loss']! };
  } finally {
    if (derived) module.Fit.prototype.lossAndGradients = derived;
  }
}

const CASES: [loss: string, optimizer: string][] = [
  ['mean(abs(pred - y)) + 0.5 * mean(square(pred - y)) + mean(max(0, 0.3 - pred))', 'sgd(lr: 0.5)'],
  ['-mean(y * log(pred + 1e-7) + (1 - y) * log(1 - pred + 1e-7)) + 0.1 * mean(clip(pred, 0.2, 0.8))', 'adam(lr: 0.05)'],
];

describe('a custom loss trains the same through the derived pass and the tape', () => {
  for (const [[loss, optimizer], backend] of [[CASES[0]!, 'cpu'], [CASES[1]!, 'cpu'], [CASES[0]!, 'wasm']] as const) {
    it(`${loss} with ${optimizer} on ${backend}`, async () => {
      await useBackend(backend);
      const src = source(loss, optimizer);
      const tape = await train(src, false);
      const before = tf.memory().numTensors;
      const derived = await train(src, true);
      expect(tf.memory().numTensors).toBe(before);
      expect(tape.derivedSteps).toBe(0);
      expect(derived.derivedSteps).toBe(6); // 3 batches × 2 epochs
      expect(derived.weights.length).toBe(tape.weights.length);
      derived.weights.forEach((w, i) => expect(relativeError(w, tape.weights[i]!)).toBeLessThan(1e-4));
      expect(Math.abs(derived.loss - tape.loss)).toBeLessThan(1e-4 * Math.max(1, Math.abs(tape.loss)));
      // Training moved the weights: the agreement is not that of two untouched models.
      expect(relativeError(tape.initial[0]!, tape.weights[0]!)).toBeGreaterThan(1e-3);
    });
  }
});

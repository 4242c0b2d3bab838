// Training with the backward pass the compiler derives (runtime/derived-step.ts) against training
// with tfjs's gradient tape: the same weights, losses and metrics after a few steps, on cpu and
// wasm, with clipping and AdamW's decay applied; and the tape kept where the derived pass does not
// cover the step (penalties, frozen layers, custom losses, a model compiled without it).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { compile } from '../compiler/compile.js';
import { fit, tf, useBackend, type History, type TableData, type TrainableModel, type TrainPlan } from '../runtime/index.js';
import { outDir } from './helpers/load.js';
import { randomValues, relativeError } from './kernels/helpers.js';

type Model = TrainableModel & { dispose(): void; lossAndGradients?: (...args: never[]) => unknown };

const MLP = `
model Mlp {
  input x: [batch, 6]
  dense(8, activation: relu)
  dense(5, activation: tanh)
  dense(3, activation: softmax)
}
`;

async function newModel(derivedBackward: boolean): Promise<Model> {
  const result = compile(MLP, { fileName: 'mlp.nn', derivedBackward });
  if (result.output === undefined) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  mkdirSync(outDir, { recursive: true });
  const file = `${outDir}${createHash('sha1').update(result.output).digest('hex').slice(0, 12)}.ts`;
  writeFileSync(file, result.output);
  const module = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
  return new (module['Mlp'] as new (o: { seed: number }) => Model)({ seed: 5 });
}

/** 24 rows of 6 features, labels of 3 classes: one-hot, or the class number with `sparse`. */
function table(sparse = false): TableData {
  const values = randomValues(24 * 6, 11);
  const x = Array.from({ length: 24 }, (_, r) => Array.from(values.subarray(r * 6, r * 6 + 6)));
  const y = x.map((row) => {
    const k = row[0]! + row[1]! > 0.3 ? 0 : row[2]! > 0 ? 1 : 2;
    return [0, 1, 2].map((c) => (c === k ? 1 : 0));
  });
  if (sparse) return { features: ['a', 'b', 'c', 'd', 'e', 'f'], labels: ['k'], x, y: y.map((row) => [row.indexOf(1)]) };
  return { features: ['a', 'b', 'c', 'd', 'e', 'f'], labels: ['k0', 'k1', 'k2'], x, y };
}

const plan: TrainPlan = {
  loss: 'categorical_crossentropy',
  optimizer: { name: 'adam', lr: 0.01 },
  batch: 8,
  epochs: 2,
  metrics: ['accuracy'],
  shuffle: true,
  seed: 7,
};

/** Trains a fresh model; counts the calls to its derived pass (0 when the step used the tape). */
async function train(derivedBackward: boolean, trainPlan: TrainPlan): Promise<{ weights: Float32Array[]; history: History; derivedCalls: number }> {
  const model = await newModel(derivedBackward);
  let derivedCalls = 0;
  const derived = model.lossAndGradients;
  if (derived) {
    model.lossAndGradients = (...args: never[]) => {
      derivedCalls++;
      return derived.apply(model, args);
    };
  }
  const before = tf.memory().numTensors;
  const history = await fit(model, table(trainPlan.loss === 'sparse_categorical_crossentropy'), trainPlan);
  // Measured around fit alone: constructing a model keeps its initial values (a separate matter).
  expect(tf.memory().numTensors).toBe(before);
  const weights = model.weights().map((w) => w.variable.dataSync() as Float32Array);
  model.dispose();
  return { weights, history, derivedCalls };
}

async function expectSameTraining(trainPlan: TrainPlan): Promise<void> {
  const tape = await train(false, trainPlan);
  const derived = await train(true, trainPlan);
  expect(tape.derivedCalls).toBe(0);
  expect(derived.derivedCalls).toBe(6); // 3 batches × 2 epochs
  expect(derived.weights.length).toBe(tape.weights.length);
  derived.weights.forEach((w, i) => expect(relativeError(w, tape.weights[i]!)).toBeLessThan(1e-5));
  // The change is not nothing: training moved the weights away from the initial ones.
  const initial = await newModel(false);
  expect(relativeError(initial.weights()[0]!.variable.dataSync(), tape.weights[0]!)).toBeGreaterThan(1e-3);
  initial.dispose();
  for (const [i, epoch] of derived.history.epochs.entries()) {
    const other = tape.history.epochs[i]!.logs;
    expect(Object.keys(epoch.logs)).toEqual(Object.keys(other));
    for (const key of Object.keys(other)) expect(Math.abs(epoch.logs[key]! - other[key]!)).toBeLessThan(1e-5);
  }
}

describe('training with the derived backward pass matches the tape', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`Adam, categorical cross-entropy and accuracy on ${backend}`, async () => {
      await useBackend(backend);
      await expectSameTraining(plan);
    });

    it(`SGD (not scale-invariant, unlike Adam) on ${backend}`, async () => {
      await useBackend(backend);
      await expectSameTraining({ ...plan, optimizer: { name: 'sgd', lr: 0.1 } });
    });

    it(`AdamW with clipnorm and clipvalue, mse on ${backend}`, async () => {
      await useBackend(backend);
      await expectSameTraining({ ...plan, loss: 'mse', metrics: ['mae'], optimizer: { name: 'adamw', lr: 0.01, clipnorm: 0.05, clipvalue: 0.01 } });
    });
  }
});

describe('every built-in loss trains the same through the derived pass', () => {
  for (const loss of ['huber', 'binary_crossentropy', 'sparse_categorical_crossentropy', 'categorical_crossentropy_from_logits'] as const) {
    it(loss, async () => {
      await useBackend('cpu');
      await expectSameTraining({ ...plan, loss, metrics: [], optimizer: { name: 'sgd', lr: 0.1 } });
    });
  }
});

describe('the tape stays where the derived pass does not cover the step', () => {
  const cases: [string, Partial<TrainPlan>][] = [
    ['an L2 penalty', { l2: 0.01 }],
    ['an L1 penalty', { l1: 0.01 }],
    ['a frozen layer', { freeze: ['dense'] }],
    ['a custom loss', { loss: (y: tf.Tensor, pred: tf.Tensor) => tf.mean(tf.square(tf.sub(y, pred))) }],
  ];
  for (const [name, change] of cases) {
    it(name, async () => {
      await useBackend('cpu');
      const { derivedCalls, history } = await train(true, { ...plan, ...change });
      expect(derivedCalls).toBe(0);
      expect(Number.isFinite(history.final['loss'])).toBe(true);
    });
  }
});

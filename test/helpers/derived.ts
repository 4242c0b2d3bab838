// What the tests of the derived backward pass share: a generated model compiled with or without
// `lossAndGradients`, its inputs and labels, the derived gradients beside tfjs's autodiff over
// `forward(x, true)` (the oracle), and a `fit` that counts the derived steps it takes.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

import { compile } from '../../compiler/compile.js';
import { fit, lossFunction, seedDropout, tf, type LossName, type TableData, type TrainableModel, type TrainPlan } from '../../runtime/index.js';
import { randomValues } from '../kernels/helpers.js';
import { outDir } from './load.js';

export interface DerivedModel extends TrainableModel {
  lossAndGradients(x: tf.Tensor, y: tf.Tensor, loss: LossName): { loss: tf.Scalar; prediction: tf.Tensor; gradients: Record<string, tf.Tensor> };
  dispose(): void;
}

/** The model `name` (default `M`) of `source`, compiled with or without the derived pass. */
export async function newModel(source: string, seed: number, derivedBackward = true, name = 'M'): Promise<DerivedModel> {
  const result = compile(source, { fileName: 'derived.nn', derivedBackward });
  if (result.output === undefined) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  mkdirSync(outDir, { recursive: true });
  const file = `${outDir}${createHash('sha1').update(result.output).digest('hex').slice(0, 12)}.ts`;
  writeFileSync(file, result.output);
  const module = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
  const model = new (module[name] as new (o: { seed: number }) => DerivedModel)({ seed });
  expect(typeof model.lossAndGradients).toBe(derivedBackward ? 'function' : 'undefined');
  return model;
}

/** Labels for `loss` of `shape`: one-hot rows for categorical cross-entropy, 0/1 for binary, values otherwise. */
export function labels(loss: LossName, shape: number[]): tf.Tensor {
  const [rows, units] = [shape[0]!, shape[shape.length - 1]!];
  if (loss === 'categorical_crossentropy') return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Array.from({ length: rows }, (_, i) => (i * 7) % units), 'int32'), units), 'float32'));
  const values = randomValues(shape.reduce((a, b) => a * b, 1), 41);
  if (loss === 'binary_crossentropy') return tf.tensor(values.map((v) => (v > 0 ? 1 : 0)), shape);
  return tf.tensor(values, shape);
}

/** Seeded input values; `ids` > 0 makes them whole numbers in [0, ids) (for one_hot, embedding). */
export function inputOf(shape: number[], ids = 0): tf.Tensor {
  const values = randomValues(shape.reduce((a, b) => a * b, 1), 40);
  return tf.tensor(ids > 0 ? values.map((v) => Math.floor(((v + 1) / 2) * ids)) : values, shape);
}

/**
 * The loss and every trainable weight's gradient, by the derived pass and by tf.variableGrads,
 * both drawing the same dropout masks, read back; checks the prediction's shape, the gradients'
 * keys and that nothing leaks.
 */
export function derivedAndOracle(
  model: DerivedModel,
  x: tf.Tensor,
  y: tf.Tensor,
  loss: LossName,
  outputShape: number[],
): { names: string[]; derived: Float32Array[]; oracle: Float32Array[]; shapes: { derived: number[]; oracle: number[] }[] } {
  const weights = model.weights().filter((w) => w.variable.trainable);
  const before = tf.memory().numTensors;
  seedDropout(17);
  const derived = tf.tidy(() => {
    const out = model.lossAndGradients(x, y, loss);
    expect(out.prediction.shape).toEqual(outputShape);
    expect(Object.keys(out.gradients)).toEqual(weights.map((w) => w.name));
    return [out.loss, ...weights.map((w) => out.gradients[w.name]!)];
  });
  seedDropout(17);
  const lossFn = lossFunction(loss);
  const oracle = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => lossFn(y, model.forward(x, true)), weights.map((w) => w.variable));
    return [value, ...weights.map((w) => grads[w.variable.name]!)];
  });
  const result = {
    names: ['loss', ...weights.map((w) => w.name)],
    derived: derived.map((t) => t.dataSync() as Float32Array),
    oracle: oracle.map((t) => t.dataSync() as Float32Array),
    shapes: derived.map((t, i) => ({ derived: t.shape, oracle: oracle[i]!.shape })),
  };
  tf.dispose([...derived, ...oracle]);
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

/** `fit` of a fresh model of `source`, counting the steps that took the derived pass. */
export async function trainCounting(source: string, seed: number, derivedBackward: boolean, data: TableData, plan: TrainPlan): Promise<{ weights: Float32Array[]; calls: number; loss: number }> {
  const model = await newModel(source, seed, derivedBackward);
  let calls = 0;
  if (derivedBackward) {
    const derived = model.lossAndGradients.bind(model);
    model.lossAndGradients = (...args) => (calls++, derived(...args));
  }
  const history = await fit(model, data, plan);
  const weights = model.weights().map((w) => w.variable.dataSync() as Float32Array);
  model.dispose();
  return { weights, calls, loss: history.final['loss']! };
}

// The backward pass the compiler derives for dense chains (compiler/codegen/backward.ts) against
// tfjs's autodiff, the oracle: the same loss and every weight gradient within 1e-4 relative, on
// cpu and on wasm with nnc's kernels, for each activation and for folded and generic losses.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { typeErrors } from './helpers/typecheck.js';
import { describe, expect, it } from 'vitest';

import { compile } from '../compiler/compile.js';
import { derivedBackwardObstacle } from '../compiler/codegen/backward.js';
import { tf, lossFunction, useBackend, type LossName, type TrainableModel } from '../runtime/index.js';
import { outDir } from './helpers/load.js';
import { randomValues, relativeError } from './kernels/helpers.js';

interface DerivedModel extends TrainableModel {
  lossAndGradients(x: tf.Tensor, y: tf.Tensor, loss: LossName): { loss: tf.Scalar; prediction: tf.Tensor; gradients: Record<string, tf.Tensor> };
  dispose(): void;
}

async function load(source: string): Promise<Record<string, unknown>> {
  const result = compile(source, { fileName: 'derived.nn', derivedBackward: true });
  if (result.output === undefined) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  mkdirSync(outDir, { recursive: true });
  const file = `${outDir}${createHash('sha1').update(result.output).digest('hex').slice(0, 12)}.ts`;
  writeFileSync(file, result.output);
  return import(/* @vite-ignore */ file);
}

const chain = (last: string, units: number) => `
model Chain {
  input x: [batch, 6]
  dense(5, activation: tanh)
  dense(4, activation: relu)
  dense(4, activation: sigmoid, use_bias: false)
  dense(${units}, activation: ${last})
}
`;

/** Labels for `loss`: one-hot rows for categorical cross-entropy, 0/1 for binary, values otherwise. */
function labels(loss: LossName, rows: number, units: number): tf.Tensor {
  const values = randomValues(rows * units, 41);
  if (loss === 'categorical_crossentropy') return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Array.from({ length: rows }, (_, i) => i % units), 'int32'), units), 'float32'));
  if (loss === 'binary_crossentropy') return tf.tensor(values.map((v) => (v > 0 ? 1 : 0)), [rows, units]);
  return tf.tensor(values, [rows, units]);
}

async function compare(source: string, loss: LossName, units: number, backend: 'cpu' | 'wasm'): Promise<void> {
  await useBackend(backend);
  const module = await load(source);
  const model = new (module['Chain'] as new (o: { seed: number }) => DerivedModel)({ seed: 3 });
  const x = tf.tensor(randomValues(9 * 6, 40), [9, 6]);
  const y = labels(loss, 9, units);
  const weights = model.weights().filter((w) => w.variable.trainable);
  const before = tf.memory().numTensors;
  const derived = tf.tidy(() => {
    const out = model.lossAndGradients(x, y, loss);
    return [out.loss, ...weights.map((w) => out.gradients[w.name]!)];
  });
  const lossFn = lossFunction(loss);
  const oracle = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => lossFn(y, model.forward(x, true)), weights.map((w) => w.variable));
    return [value, ...weights.map((w) => grads[w.variable.name]!)];
  });
  expect(relativeError(derived[0]!.dataSync(), oracle[0]!.dataSync())).toBeLessThan(1e-5);
  for (let i = 1; i < derived.length; i++) {
    expect(derived[i]!.shape).toEqual(oracle[i]!.shape);
    expect(relativeError(derived[i]!.dataSync(), oracle[i]!.dataSync())).toBeLessThan(1e-4);
  }
  tf.dispose([...derived, ...oracle]);
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([x, y]);
  model.dispose();
}

describe('the derived backward pass agrees with tf.grads', () => {
  const cases: [string, string, number, LossName][] = [
    ['softmax + categorical cross-entropy (folded)', 'softmax', 3, 'categorical_crossentropy'],
    ['sigmoid + binary cross-entropy (folded)', 'sigmoid', 2, 'binary_crossentropy'],
    ['linear + mse', 'linear', 2, 'mse'],
    ['tanh + mae', 'tanh', 2, 'mae'],
    ['softmax + mse (generic loss gradient through the softmax)', 'softmax', 3, 'mse'],
  ];
  for (const [name, last, units, loss] of cases) {
    for (const backend of ['cpu', 'wasm'] as const) {
      it(`${name} on ${backend}`, async () => {
        await compare(chain(last, units), loss, units, backend);
      });
    }
  }
});

describe('which models get a derived backward pass', () => {
  const obstacle = (source: string) => {
    const result = compile(source, { emit: false });
    return derivedBackwardObstacle(result.program.models[0]!);
  };

  it('a dense chain does, and compile() emits it unless told not to', () => {
    expect(obstacle(chain('softmax', 3))).toBeNull();
    expect(compile(chain('softmax', 3)).output).toContain('lossAndGradients(');
    expect(compile(chain('softmax', 3), { derivedBackward: false }).output).not.toContain('lossAndGradients');
  });

  it('the step activation and a softmax before the output do not; other layers are in derived-conv and derived-graph', () => {
    expect(obstacle('model M {\n  input x: [batch, 4]\n  dense(3, activation: step)\n}\n')).toMatch(/activation step/);
    expect(obstacle('model M {\n  input x: [batch, 4]\n  dense(3, activation: softmax)\n  dense(2)\n}\n')).toMatch(/softmax before/);
  });
});

describe('the emitted lossAndGradients', () => {
  it('passes tsc --strict with unused locals and parameters checked', () => {
    // As test/typecheck.test.ts does for default output: against dist/'s runtime declarations.
    const dir = `${outDir}typecheck-derived/`;
    mkdirSync(dir, { recursive: true });
    const file = `${dir}chain.ts`;
    writeFileSync(file, compile(chain('softmax', 3), { fileName: 'chain.nn', derivedBackward: true }).output!);
    const messages = typeErrors([file]);
    expect(messages).toEqual([]);
  });
});

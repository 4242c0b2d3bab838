// The types an app sees of generated modules: an app that predicts with and trains the XOR model
// and the keras.io MNIST convnet passes `tsc --strict`, and the mistakes types can catch are type
// errors on the line that makes them: a predict argument of the wrong depth or rank, a table for a
// model whose input is an image. (A row of the wrong width, `[[0, 1, 2]]` for `[batch, 2]`, is
// the run-time error NN4205, tested in image-training.test.ts.)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileOrThrow } from './helpers/load.js';
import { typeErrors } from './helpers/typecheck.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const outDir = `${root}test/.out/app-types/`;

beforeAll(() => {
  mkdirSync(outDir, { recursive: true });
  for (const name of ['xor', 'mnist-convnet']) {
    writeFileSync(`${outDir}${name}.ts`, compileOrThrow(readFileSync(`${root}examples/${name}.nn`, 'utf8'), `examples/${name}.nn`));
  }
});

const imports = `import { fit, evaluate, tf, useBackend, type TableData, type TrainPlan } from 'nnc-runtime';
import { Xor, XorPlan, xor } from './xor.js';
import { MnistConvnet } from './mnist-convnet.js';
`;

/** Writes an app module whose body is `body` (inside an async function, so no top-level await). */
function app(name: string, body: string): string {
  const file = `${outDir}${name}.ts`;
  writeFileSync(file, `${imports}\nexport async function main(table: TableData, plan: TrainPlan): Promise<void> {\n${body}\n  void [fit, evaluate, tf, useBackend, Xor, XorPlan, xor, MnistConvnet, table, plan];\n}\n`);
  return file;
}

const validApp = `
  await useBackend('cpu');
  const model = new Xor({ seed: 1 });
  await model.train(xor, XorPlan);
  await model.train({ x: [[0, 0], [1, 1]], y: [[0], [0]] }, XorPlan);
  await fit(model, { x: tf.tensor2d([[0, 1]]), y: tf.tensor2d([[1]]) }, XorPlan);
  const fromArrays: tf.Tensor2D = model.predict([[0, 1], [1, 0]]);
  const fromTensor: tf.Tensor2D = model.predict(tf.tensor2d([[0, 1]]));
  console.log(model.evaluate(xor, XorPlan), fromArrays.shape, fromTensor.shape);

  const convnet = new MnistConvnet({ seed: 1 });
  const image: number[][][] = Array.from({ length: 28 }, () => Array.from({ length: 28 }, () => [0.5]));
  const digits: tf.Tensor2D = convnet.predict([image]);
  const batch = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;
  const labels = tf.oneHot(tf.tensor1d([3, 7], 'int32'), 10) as tf.Tensor2D;
  const convnetPlan: TrainPlan = { loss: 'categorical_crossentropy', optimizer: { name: 'adam' }, batch: 'full', epochs: 2, metrics: ['accuracy'], shuffle: false };
  await convnet.train({ x: batch, y: labels }, convnetPlan);
  await convnet.train({ x: [image, image], y: [[1, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0, 0, 0, 0, 0]] }, convnetPlan);
  const history = await fit(convnet, { x: batch, y: labels }, convnetPlan);
  console.log(digits.shape, convnet.predict(batch).shape, history.final, evaluate(convnet, { x: batch, y: labels }, convnetPlan));
`;

// Each mistake on its own line of its own file: every error must be on that line.
const mistakes: [string, string, RegExp][] = [
  ['rows of rows of numbers to a [batch, 2] model', `  new Xor().predict([[[0, 1]]]);`, /number\[\]\[\]\[\]|not assignable/],
  ['a 4-D tensor to a [batch, 2] model', `  new Xor().predict(tf.zeros([1, 28, 28, 1]) as tf.Tensor4D);`, /Tensor4D|not assignable/],
  ['a table row to an image model', `  new MnistConvnet().predict([[0, 1]]);`, /not assignable/],
  ['a 2-D tensor to an image model', `  new MnistConvnet().predict(tf.tensor2d([[0, 1]]));`, /Tensor2D|not assignable/],
  ['a table to train an image model', `  await new MnistConvnet().train(table, plan);`, /TableData|not assignable/],
  ['flat rows as the images to train on', `  await new MnistConvnet().train({ x: [[0, 1]], y: [[1]] }, plan);`, /not assignable/],
];

describe('an app using generated modules', () => {
  // One TypeScript program for every app file (each is its own module, so errors stay in their file).
  let errors: string[] = [];
  const files = new Map<string, string>();
  beforeAll(() => {
    files.set('valid', app('valid-app', validApp));
    for (const [what, line] of mistakes) files.set(what, app(`mistake-${what.replace(/[^a-z0-9]+/gi, '-')}`, line));
    errors = typeErrors([...files.values()]);
  });
  const errorsIn = (file: string) => errors.filter((e) => e.startsWith(`${file}:`));

  it('type-checks under tsc --strict: predict and train with arrays and tensors of the right ranks', () => {
    expect(errorsIn(files.get('valid')!)).toEqual([]);
  });

  for (const [what, line, message] of mistakes) {
    it(`rejects ${what}`, () => {
      const file = files.get(what)!;
      const lineNumber = readFileSync(file, 'utf8').split('\n').indexOf(line) + 1;
      const found = errorsIn(file);
      // tsc may report each wrong element of an array literal: one or more errors, all on that line.
      expect(found.length).toBeGreaterThanOrEqual(1);
      for (const error of found) expect(error.startsWith(`${file}:${lineNumber} `), error).toBe(true);
      expect(found.join('\n')).toMatch(message);
    });
  }

  it('has no errors outside the app files', () => {
    expect(errors.filter((e) => ![...files.values()].some((f) => e.startsWith(`${f}:`)))).toEqual([]);
  });
});

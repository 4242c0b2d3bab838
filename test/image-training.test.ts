// Training from samples as tensors or nested arrays: the keras.io MNIST convnet (whose input is an
// image, not a table row) trains through `model.train` and `fit`, with the same numbers either
// way; data a model cannot take is an NN42xx error naming the model's input, not a tfjs error;
// and a table model gives the same losses from its table (as `nnc train` runs it) as from tensors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { NncRuntimeError, fit, fitSteps, evaluate, resolveData, tf, useBackend, type StepTrainingRun, type TableData, type TrainingRun, type TrainPlan } from '../runtime/index.js';
import { loadModel } from './helpers/load.js';
import { pseudoRandom } from './helpers/reference.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const read = (file: string) => readFileSync(`${root}examples/${file}`, 'utf8');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Module = Record<string, any>;
let convnetModule: Module;
let xorModule: Module;

// wasm: the convnet's steps take a tenth of the cpu backend's time there.
beforeAll(async () => {
  await useBackend('wasm');
  convnetModule = await loadModel(read('mnist-convnet.nn'), 'examples/mnist-convnet.nn');
  xorModule = await loadModel(read('xor.nn'), 'examples/xor.nn');
});

const plan: TrainPlan = { loss: 'categorical_crossentropy', optimizer: { name: 'adam', lr: 0.003 }, batch: 'full', epochs: 4, metrics: ['accuracy'], shuffle: false };

/** Four 28×28 images in [0, 1] as nested arrays, and their one-hot digits. */
function samples(): { images: number[][][][]; labels: number[][] } {
  const values = pseudoRandom(4 * 28 * 28, 11).map((v) => (v + 1) / 2);
  const images = [0, 1, 2, 3].map((i) => Array.from({ length: 28 }, (_, r) => Array.from({ length: 28 }, (_, c) => [values[i * 784 + r * 28 + c]!])));
  const labels = [3, 7, 1, 0].map((d) => Array.from({ length: 10 }, (_, k) => (k === d ? 1 : 0)));
  return { images, labels };
}

async function rejection(run: () => Promise<unknown> | unknown): Promise<NncRuntimeError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(NncRuntimeError);
    return error as NncRuntimeError;
  }
  throw new Error('expected an NncRuntimeError');
}

describe('an image model trains from tensors', () => {
  it('model.train on a 4-D tensor: the loss falls, and the caller keeps its tensors', async () => {
    const { images, labels } = samples();
    const x = tf.tensor4d(images.flat(3), [4, 28, 28, 1]);
    const y = tf.tensor2d(labels);
    const model = new convnetModule['MnistConvnet']({ seed: 1 });
    const before = tf.memory().numTensors;
    const history = await model.train({ x, y }, plan);
    const losses = history.epochs.map((e: { logs: Record<string, number> }) => e.logs['loss']!);
    expect(losses).toHaveLength(4);
    for (const l of losses) expect(Number.isFinite(l)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    expect(history.final['loss']).toBeLessThan(losses[0]!);
    expect(x.isDisposed || y.isDisposed).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('fit on nested arrays gives the same history and weights as model.train on tensors', async () => {
    const { images, labels } = samples();
    const x = tf.tensor4d(images.flat(3), [4, 28, 28, 1]);
    const y = tf.tensor2d(labels);
    const a = new convnetModule['MnistConvnet']({ seed: 2 });
    const b = new convnetModule['MnistConvnet']({ seed: 2 });
    const fromTensors = await a.train({ x, y }, { ...plan, epochs: 2 });
    const fromArrays = await fit(b, { x: images, y: labels }, { ...plan, epochs: 2 });
    expect(fromArrays.epochs).toEqual(fromTensors.epochs);
    expect(fromArrays.final).toEqual(fromTensors.final);
    const weights = (m: { weights(): { variable: tf.Variable }[] }) => m.weights().map((w) => Array.from(w.variable.dataSync()));
    expect(weights(b)).toEqual(weights(a));
    expect(evaluate(b, { x, y }, plan)).toEqual(b.evaluate({ x: images, y: labels }, plan));
    tf.dispose([x, y]);
    a.dispose();
    b.dispose();
  });
});

describe('data a model cannot take is a sentence, not a tfjs error', () => {
  it('a table for the image model names its input and says to pass tensors (NN4201), leaving nothing behind', async () => {
    const model = new convnetModule['MnistConvnet']({ seed: 1 });
    const table: TableData = { features: ['a', 'b'], labels: ['d'], x: [[0, 1]], y: [[1]] };
    const before = tf.memory().numTensors;
    const error = await rejection(() => fit(model, table, plan));
    expect(error.code).toBe('NN4201');
    expect(error.message).toContain("The model 'MnistConvnet' takes input of shape [batch, 28, 28, 1]");
    expect(error.message).toContain('x of shape [rows, 28, 28, 1]');
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('images of the wrong shape (NN4205) and as many labels as images (NN4201)', async () => {
    const model = new convnetModule['MnistConvnet']({ seed: 1 });
    const flat = tf.zeros([4, 784]);
    const wrongShape = await rejection(() => model.train({ x: flat, y: tf.zeros([4, 10]) }, plan));
    expect(wrongShape.code).toBe('NN4205');
    expect(wrongShape.message).toContain("The samples' `x` has shape [4, 784], but the model 'MnistConvnet' takes input of shape [batch, 28, 28, 1]");
    const { images, labels } = samples();
    const short = await rejection(() => model.train({ x: images, y: labels.slice(0, 3) }, plan));
    expect(short.code).toBe('NN4201');
    expect(short.message).toContain('4 rows of `x` but 3 rows of `y`');
    const ragged = await rejection(() => model.train({ x: [images[0]!, [[[1]]]], y: labels.slice(0, 2) }, plan));
    expect(ragged.code).toBe('NN4205');
    expect(ragged.message).toContain('not a rectangular array');
    flat.dispose();
    model.dispose();
  });

  it('a table of the wrong width for XOR (NN4201) and a predict row of the wrong width (NN4205)', async () => {
    const model = new xorModule['Xor']({ seed: 1 });
    const wide: TableData = { features: ['a', 'b', 'c'], labels: ['y'], x: [[0, 1, 2]], y: [[1]] };
    const error = await rejection(() => fit(model, wide, xorModule['XorPlan']));
    expect(error.code).toBe('NN4201');
    expect(error.message).toContain("3 feature columns (a, b, c) but the model 'Xor' takes 2 values per sample");
    const predicted = await rejection(() => model.predict([[0, 1, 2]]));
    expect(predicted.code).toBe('NN4205');
    expect(predicted.message).toContain('must have shape [?, 2], found [1, 3]');
    model.dispose();
  });
});

describe('a table model: the same losses from its table, from tensors, and from `nnc train`', () => {
  it('examples/cells-cnn.nn, on the cpu backend as the CLI is run here', async () => {
    await useBackend('cpu');
    const mod = await loadModel(read('cells-cnn.nn'), 'examples/cells-cnn.nn');
    const run = (mod['trainings'] as TrainingRun[])[0]!;
    const table = await resolveData(run.data);
    const seed = run.plan.seed ?? 1;
    const [a, b] = [run.createModel(seed), run.createModel(seed)];
    const [x, y] = [tf.tensor2d(table.x), tf.tensor2d(table.y)];
    const fromTable = await fit(a, table, run.plan, { seed });
    const fromTensors = await fit(b, { x, y }, run.plan, { seed });
    expect(fromTensors.epochs).toEqual(fromTable.epochs);
    tf.dispose([x, y]);
    a.dispose();
    b.dispose();

    const out = mkdtempSync(join(tmpdir(), 'nnc-cells-'));
    const cli = spawnSync(process.execPath, [`${root}bin/nnc.js`, 'train', `${root}examples/cells-cnn.nn`, '--backend', 'cpu', '--out', out, '--quiet'], { encoding: 'utf8' });
    expect(cli.status, cli.stderr).toBe(0);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { history: Record<string, number[]> };
    const losses = fromTensors.epochs.map((e) => e.logs['loss']!);
    expect(metrics.history['loss']).toHaveLength(losses.length);
    metrics.history['loss']!.forEach((loss, i) => expect(loss).toBeCloseTo(losses[i]!, 6));
  });
});

describe('several models in one loop take samples too', () => {
  it('examples/gan.nn: the same history from its unlabelled table as from a tensor of its points', async () => {
    await useBackend('cpu');
    const mod = await loadModel(read('gan.nn'), 'examples/gan.nn');
    const run = (mod['stepTrainings'] as StepTrainingRun[])[0]!;
    const table = await resolveData(run.data);
    const [first, second] = [run.createModels(1), run.createModels(1)];
    const fromTable = await fitSteps(first, table, { ...run.plan, epochs: 3 });
    const points = tf.tensor2d(table.x);
    const fromTensor = await fitSteps(second, { x: points }, { ...run.plan, epochs: 3 });
    expect(fromTensor.epochs).toEqual(fromTable.epochs);
    expect(points.isDisposed).toBe(false);
    points.dispose();
    for (const m of [...Object.values(first), ...Object.values(second)]) m.dispose();
  });
});

// The training loop's issue-4 features: custom losses, new losses and optimizers, schedules,
// clipping, penalties, holdout validation, early stopping, classification metrics and resuming.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  NncRuntimeError,
  binaryCrossentropy,
  binaryCrossentropyFromLogits,
  categoricalCrossentropy,
  categoricalCrossentropyFromLogits,
  confusionMatrix,
  customLoss,
  f1,
  fit,
  huber,
  meanSquaredError,
  precision,
  r2,
  recall,
  scheduledRate,
  sparseCategoricalCrossentropy,
  tf,
  useBackend,
  type TableData,
  type TrainPlan,
} from '../../runtime/index.js';
import { TinyDense, linearData } from './helpers.js';

beforeAll(() => useBackend('cpu'));

const scalar = (t: tf.Tensor) => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

const plan: TrainPlan = { loss: 'mse', optimizer: { name: 'sgd', lr: 0.1 }, batch: 4, epochs: 6, metrics: [], shuffle: true, seed: 3 };

describe('custom losses', () => {
  it('a custom loss equal to MSE gives the same loss and the same gradients as the built-in MSE', () => {
    const model = new TinyDense(1, 1, { seed: 5 });
    const data = linearData(8);
    const x = tf.tensor2d(data.x);
    const y = tf.tensor2d(data.y);
    const mseAsExpression = customLoss((yt, pred) => tf.mean(tf.square(tf.sub(pred, yt))));
    const vars = [model.kernel, model.bias];
    const builtIn = tf.variableGrads(() => meanSquaredError(y, model.forward(x, true)), vars);
    const custom = tf.variableGrads(() => mseAsExpression(y, model.forward(x, true)), vars);
    expect(custom.value.dataSync()[0]).toBeCloseTo(builtIn.value.dataSync()[0]!, 6);
    for (const v of vars) expect(Array.from(custom.grads[v.name]!.dataSync())).toEqual(Array.from(builtIn.grads[v.name]!.dataSync()));
    // And the gradient is not trivially zero.
    expect(Math.abs(builtIn.grads[model.kernel.name]!.dataSync()[0]!)).toBeGreaterThan(0.01);
    tf.dispose([x, y, builtIn.value, custom.value, ...Object.values(builtIn.grads), ...Object.values(custom.grads)]);
    model.dispose();
  });

  it('rejects a custom loss that is not one number, with a sentence', () => {
    const elementwise = customLoss((yt, pred) => tf.abs(tf.sub(pred, yt)));
    const y = tf.tensor2d([[1], [2]]);
    expect(() => elementwise(y, y)).toThrow(/wrap it in mean/);
    y.dispose();
  });
});

describe('losses', () => {
  it('huber is quadratic within 1 and linear beyond', () => {
    const y = tf.tensor2d([[0], [0]]);
    const p = tf.tensor2d([[0.5], [3]]);
    // (0.5 * 0.25 + (3 - 0.5)) / 2
    expect(scalar(huber(y, p))).toBeCloseTo((0.125 + 2.5) / 2, 6);
    tf.dispose([y, p]);
  });

  it('cross-entropies from logits equal the ones from probabilities', () => {
    const logits = tf.tensor2d([[2, -1, 0.5], [0.1, 0.2, -3]]);
    const oneHot = tf.tensor2d([[1, 0, 0], [0, 0, 1]]);
    expect(scalar(categoricalCrossentropyFromLogits(oneHot, logits))).toBeCloseTo(scalar(categoricalCrossentropy(oneHot, tf.softmax(logits))), 5);
    const z = tf.tensor2d([[1.5], [-2], [0.3]]);
    const b = tf.tensor2d([[1], [0], [0]]);
    expect(scalar(binaryCrossentropyFromLogits(b, z))).toBeCloseTo(scalar(binaryCrossentropy(b, tf.sigmoid(z))), 5);
    const classes = tf.tensor2d([[0], [2]]);
    expect(scalar(sparseCategoricalCrossentropy(classes, tf.softmax(logits)))).toBeCloseTo(scalar(categoricalCrossentropy(oneHot, tf.softmax(logits))), 6);
    tf.dispose([logits, oneHot, z, b, classes]);
  });
});

describe('metrics', () => {
  it('precision, recall and F1 for one output column; the confusion matrix counts true × predicted', () => {
    const y = tf.tensor2d([[1], [1], [0], [0], [1]]);
    const p = tf.tensor2d([[0.9], [0.2], [0.7], [0.1], [0.8]]);
    // tp = 2, predicted positive = 3, actual positive = 3
    expect(scalar(precision(y, p))).toBeCloseTo(2 / 3, 6);
    expect(scalar(recall(y, p))).toBeCloseTo(2 / 3, 6);
    expect(scalar(f1(y, p))).toBeCloseTo(2 / 3, 6);
    expect(confusionMatrix(y, p)).toEqual([
      [1, 1],
      [1, 2],
    ]);
    tf.dispose([y, p]);
  });

  it('macro precision over several classes, and R²', () => {
    const y = tf.tensor2d([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1]]);
    const p = tf.tensor2d([[0.8, 0.1, 0.1], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8], [0.2, 0.1, 0.7]]);
    // class 0: predicted twice, right once (1/2); class 1: never predicted (0); class 2: 2/2.
    expect(scalar(precision(y, p))).toBeCloseTo((0.5 + 0 + 1) / 3, 6);
    const t = tf.tensor2d([[1], [2], [3]]);
    const q = tf.tensor2d([[1], [2], [4]]);
    expect(scalar(r2(t, q))).toBeCloseTo(1 - 1 / 2, 6);
    tf.dispose([y, p, t, q]);
  });
});

describe('optimizers and schedules', () => {
  it('schedules: step, exponential and cosine; epoch 1 uses the base rate', () => {
    expect(scheduledRate(0.1, { kind: 'step', every: 2, factor: 0.5 }, 1)).toBe(0.1);
    expect(scheduledRate(0.1, { kind: 'step', every: 2, factor: 0.5 }, 3)).toBeCloseTo(0.05);
    expect(scheduledRate(0.1, { kind: 'exponential', rate: 0.9 }, 3)).toBeCloseTo(0.081);
    expect(scheduledRate(0.1, { kind: 'cosine', epochs: 11, min: 0 }, 6)).toBeCloseTo(0.05);
    expect(scheduledRate(0.1, { kind: 'cosine', epochs: 11, min: 0 }, 11)).toBeCloseTo(0);
  });

  it('rmsprop, nesterov, adamw, clipping, schedules and penalties all fit y = 2x + 1', async () => {
    const variants: Array<Partial<TrainPlan>> = [
      { optimizer: { name: 'rmsprop', lr: 0.05 } },
      { optimizer: { name: 'momentum', lr: 0.05, momentum: 0.9, nesterov: true } },
      { optimizer: { name: 'adamw', lr: 0.1, weightDecay: 0.001 } },
      { optimizer: { name: 'sgd', lr: 0.2, clipnorm: 0.5, clipvalue: 0.3 } },
      { optimizer: { name: 'sgd', lr: 0.3 }, schedule: { kind: 'exponential', rate: 0.97 }, l2: 1e-4, l1: 1e-4 },
    ];
    for (const v of variants) {
      const model = new TinyDense(1, 1, { seed: 2 });
      const history = await fit(model, linearData(16), { ...plan, epochs: 60, ...v });
      expect(history.final['loss'], JSON.stringify(v)).toBeLessThan(0.05);
      model.dispose();
    }
  });

  it('clipping bounds a step: one SGD step with clipvalue moves each weight at most lr · clipvalue', async () => {
    const model = new TinyDense(1, 1, { kernel: [[0]], bias: [0] });
    const data: TableData = { features: ['x'], labels: ['y'], x: [[10]], y: [[100]] };
    await fit(model, data, { ...plan, batch: 'full', epochs: 1, optimizer: { name: 'sgd', lr: 0.1, clipvalue: 1 } });
    const { kernel, bias } = model.values();
    expect(kernel[0]).toBeCloseTo(0.1, 6);
    expect(bias[0]).toBeCloseTo(0.1, 6);
    model.dispose();
  });
});

describe('validation and early stopping', () => {
  it('a holdout reports val_loss and val_ metrics each epoch, named as Keras names them', async () => {
    const model = new TinyDense(1, 1);
    const history = await fit(model, linearData(20), { ...plan, metrics: ['mae', 'r2'], validationSplit: 0.25 });
    expect(Object.keys(history.epochs[0]!.logs)).toEqual(['loss', 'mae', 'r2', 'val_loss', 'val_mae', 'val_r2']);
    expect(Object.keys(history.final)).toContain('val_loss');
    model.dispose();
  });

  it('stops when the monitored value has not improved for `patience` epochs', async () => {
    const model = new TinyDense(1, 1);
    // lr so small that nothing improves by min_delta: stops after exactly `patience` more epochs.
    const history = await fit(model, linearData(8), {
      ...plan,
      optimizer: { name: 'sgd', lr: 1e-9 },
      epochs: 50,
      earlyStopping: { monitor: 'loss', patience: 3, minDelta: 0.1 },
    });
    expect(history.stoppedEarly).toBe(4);
    expect(history.epochs).toHaveLength(4);
    model.dispose();
  });

  it('a monitor that the run does not report is an NncRuntimeError naming it', async () => {
    const model = new TinyDense(1, 1);
    const run = fit(model, linearData(8), { ...plan, earlyStopping: { monitor: 'val_accuracy', patience: 2, minDelta: 0 } });
    await expect(run).rejects.toThrow(NncRuntimeError);
    await expect(fit(model, linearData(8), { ...plan, earlyStopping: { monitor: 'val_accuracy', patience: 2, minDelta: 0 } })).rejects.toThrow(/'val_accuracy'.*holdout/);
    model.dispose();
  });

  it('an autoencoder learns its input (target: input) and a classifier gets a confusion matrix', async () => {
    const data: TableData = { features: ['a'], labels: ['unused'], x: [[0], [1], [2], [3]], y: [[9], [9], [9], [9]] };
    const model = new TinyDense(1, 1, { seed: 4 });
    const history = await fit(model, data, { ...plan, batch: 'full', epochs: 80, target: 'input', optimizer: { name: 'sgd', lr: 0.1 } });
    expect(history.final['loss']).toBeLessThan(history.epochs[0]!.logs['loss']! / 10);
    model.dispose();

    const classifier = new TinyDense(1, 1, { seed: 1, activation: tf.sigmoid });
    const labelled: TableData = { features: ['x'], labels: ['y'], x: [[-2], [-1], [1], [2]], y: [[0], [0], [1], [1]] };
    const h = await fit(classifier, labelled, { ...plan, loss: 'binary_crossentropy', batch: 'full', epochs: 100, metrics: ['accuracy'], optimizer: { name: 'sgd', lr: 0.5 } });
    expect(h.confusion).toEqual([
      [2, 0],
      [0, 2],
    ]);
    classifier.dispose();
  });
});

describe('resuming', () => {
  it('a run interrupted after epoch 3 and resumed ends with the same weights and history as an uninterrupted run', async () => {
    // Batch 1 over 24 rows: ~60 Adam steps before the cut, enough for Adam's running β products to
    // differ from β^t in float32 if the state did not carry them.
    const resumable: TrainPlan = { ...plan, optimizer: { name: 'adam', lr: 0.02 }, batch: 1, epochs: 6, metrics: ['mae'], validationSplit: 0.2, schedule: { kind: 'step', every: 2, factor: 0.5 } };
    const data = linearData(24);
    const whole = new TinyDense(1, 1, { seed: 9 });
    const wholeHistory = await fit(whole, data, resumable);

    const dir = mkdtempSync(join(tmpdir(), 'nnc-resume-'));
    const first = new TinyDense(1, 1, { seed: 9 });
    const cut = await fit(first, data, resumable, { checkpointDir: dir, checkpointEveryMs: 0, stopAfterEpoch: 3 });
    expect(cut.epochs).toHaveLength(3);
    first.dispose();

    // A fresh process would start from fresh weights: the checkpoint must restore everything.
    const second = new TinyDense(1, 1, { seed: 1234 });
    const resumed = await fit(second, data, resumable, { checkpointDir: dir, resumeFrom: dir });
    expect(second.values()).toEqual(whole.values());
    expect(resumed.epochs.map((e) => e.logs)).toEqual(wholeHistory.epochs.map((e) => e.logs));
    // Resuming with another seed is refused.
    await expect(fit(second, data, resumable, { resumeFrom: dir, seed: 5 })).rejects.toThrow(/seed/);
    whole.dispose();
    second.dispose();
  });

  it('resuming from a folder without a saved run is an NncRuntimeError, not a stack trace', async () => {
    const model = new TinyDense(1, 1);
    await expect(fit(model, linearData(4), plan, { resumeFrom: join(tmpdir(), 'no-such-nnc-run') })).rejects.toMatchObject({ code: 'NN4403' });
    model.dispose();
  });
});

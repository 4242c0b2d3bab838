import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import {
  NncRuntimeError,
  evaluate,
  fit,
  step,
  tf,
  useBackend,
  type EpochLog,
  type TableData,
  type TrainPlan,
} from '../../runtime/index.js';
import { TinyDense, linearData } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

afterEach(() => {
  vi.restoreAllMocks();
});

const basePlan: TrainPlan = {
  loss: 'mse',
  optimizer: { name: 'sgd', lr: 0.1 },
  batch: 'full',
  epochs: 1,
  metrics: [],
  shuffle: false,
  seed: 1,
};

/** Records the batch size of every training forward pass. */
function spyBatches(model: TinyDense): number[][] {
  const batches: number[][] = [];
  const original = model.forward.bind(model);
  vi.spyOn(model, 'forward').mockImplementation((x: tf.Tensor, training: boolean) => {
    if (training) batches.push(Array.from(x.dataSync()));
    return original(x, training);
  });
  return batches;
}

describe('fit', () => {
  it('reduces the loss of a tiny linear regression and reports it per epoch and at the end', async () => {
    const model = new TinyDense(1, 1, { seed: 3 });
    const history = await fit(model, linearData(8), { ...basePlan, epochs: 60, metrics: ['mae'] });
    expect(history.epochs).toHaveLength(60);
    expect(history.epochs[0]).toMatchObject({ epoch: 1, epochs: 60, steps: 1 });
    expect(Object.keys(history.epochs[0]!.logs)).toEqual(['loss', 'mae']);
    const first = history.epochs[0]!.logs.loss!;
    const last = history.epochs[59]!.logs.loss!;
    expect(last).toBeLessThan(first / 10);
    expect(history.final.loss).toBeLessThan(0.01);
    expect(Object.keys(history.final)).toEqual(['loss', 'mae']);
    const { kernel, bias } = model.values();
    expect(kernel[0]).toBeCloseTo(2, 1);
    expect(bias[0]).toBeCloseTo(1, 1);
    model.dispose();
  });

  it.each([
    ['full', 1, [10]],
    [1, 10, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]],
    [4, 3, [4, 4, 2]],
    [25, 1, [10]],
  ] as const)('batch %s takes %i optimizer steps per epoch', async (batch, perEpoch, sizes) => {
    const model = new TinyDense(1, 1);
    const batches = spyBatches(model);
    const minimize = vi.spyOn(tf.SGDOptimizer.prototype, 'applyGradients');
    const logs: EpochLog[] = [];
    await fit(model, linearData(10), { ...basePlan, batch, epochs: 3 }, { onEpochEnd: (l) => logs.push(l) });
    expect(minimize).toHaveBeenCalledTimes(3 * perEpoch);
    expect(logs.map((l) => l.steps)).toEqual([perEpoch, perEpoch, perEpoch]);
    expect(batches.slice(0, perEpoch).map((b) => b.length)).toEqual(sizes);
    model.dispose();
  });

  it('shuffles each epoch, repeatably for a seed, in order without shuffle', async () => {
    const run = async (shuffle: boolean, seed: number) => {
      const model = new TinyDense(1, 1, { seed: 5 });
      const batches = spyBatches(model);
      const history = await fit(model, linearData(6), { ...basePlan, batch: 1, epochs: 3, shuffle, seed });
      const weights = model.values();
      model.dispose();
      return { order: batches.map((b) => b[0]), history, weights };
    };
    const inOrder = await run(false, 1);
    const rows = linearData(6).x.map((r) => Math.fround(r[0]!));
    expect(inOrder.order).toEqual([...rows, ...rows, ...rows]);

    const a = await run(true, 7);
    const b = await run(true, 7);
    const c = await run(true, 8);
    expect(a.order).toEqual(b.order);
    expect(a.history).toEqual(b.history);
    expect(a.weights).toEqual(b.weights);
    expect(a.order).not.toEqual(inOrder.order);
    expect(a.order.slice(0, 6)).not.toEqual(a.order.slice(6, 12)); // a new order every epoch
    expect(c.order).not.toEqual(a.order);
    expect([...a.order.slice(0, 6)].sort()).toEqual([...inOrder.order.slice(0, 6)].sort());
  });

  it('the seed in the options overrides the plan', async () => {
    const order = async (planSeed: number, optionSeed?: number) => {
      const model = new TinyDense(1, 1);
      const batches = spyBatches(model);
      await fit(model, linearData(8), { ...basePlan, batch: 2, shuffle: true, seed: planSeed }, { seed: optionSeed });
      model.dispose();
      return batches.map((b) => b[0]);
    };
    expect(await order(1, 9)).toEqual(await order(2, 9));
    expect(await order(1)).not.toEqual(await order(2));
  });

  it('leaks no tensors: the count after epoch 1 equals the count after epoch 5 and before fit', async () => {
    const model = new TinyDense(2, 3, { activation: (z) => tf.softmax(z) });
    const data: TableData = {
      features: ['a', 'b'],
      labels: ['p', 'q', 'r'],
      x: Array.from({ length: 9 }, (_, i) => [i / 9, (i % 3) / 3]),
      y: Array.from({ length: 9 }, (_, i) => [0, 1, 2].map((k) => (k === i % 3 ? 1 : 0))),
    };
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    await fit(
      model,
      data,
      { ...basePlan, loss: 'categorical_crossentropy', optimizer: { name: 'adam', lr: 0.01 }, batch: 4, epochs: 5, shuffle: true, metrics: ['accuracy', 'mae'] },
      { onEpochEnd: () => counts.push(tf.memory().numTensors) },
    );
    expect(counts[4]).toBe(counts[0]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('stops with an error naming the epoch and the step when the loss becomes NaN', async () => {
    const model = new TinyDense(1, 1);
    let calls = 0;
    const original = model.forward.bind(model);
    vi.spyOn(model, 'forward').mockImplementation((x: tf.Tensor, training: boolean) => {
      const y = original(x, training);
      // Two steps per epoch: the 6th training call is epoch 3, step 2.
      return training && ++calls === 6 ? tf.mul(y, Number.NaN) : y;
    });
    const before = tf.memory().numTensors;
    const error = await fit(model, linearData(4), { ...basePlan, batch: 2, epochs: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NncRuntimeError);
    expect((error as NncRuntimeError).code).toBe('NN4301');
    expect((error as Error).message).toMatch(/^Training diverged at epoch 3, step 2 of 2: the loss became NaN/);
    expect((error as Error).message).toMatch(/learning rate \(it is 0\.1\)/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('reports a real divergence (a far too large learning rate) the same way', async () => {
    const model = new TinyDense(1, 1);
    const big: TableData = { features: ['x'], labels: ['y'], x: [[100], [-80], [50]], y: [[1], [2], [3]] };
    const plan: TrainPlan = { ...basePlan, optimizer: { name: 'sgd', lr: 10 }, epochs: 200 };
    await expect(fit(model, big, plan)).rejects.toThrow(/^Training diverged at epoch \d+, step 1 of 1: the loss became (NaN|Infinity)/);
    model.dispose();
  });

  it('reports a label/output shape mismatch as a sentence, not a tfjs error', async () => {
    const model = new TinyDense(1, 1);
    const data: TableData = { features: ['x'], labels: ['y', 'z'], x: [[1]], y: [[1, 2]] };
    await expect(fit(model, data, basePlan)).rejects.toMatchObject({
      code: 'NN4203',
      message: expect.stringMatching(/output has shape \[1, 1\] but the labels have shape \[1, 2\]/),
    });
    model.dispose();
  });

  it('wraps a tfjs failure inside the forward pass with the epoch and step', async () => {
    const model = new TinyDense(3, 1); // the data has 1 feature
    await expect(fit(model, linearData(2), basePlan)).rejects.toMatchObject({
      code: 'NN4302',
      message: expect.stringMatching(/^Training the model 'Tiny' at epoch 1, step 1 failed: /),
    });
    model.dispose();
  });

  it('rejects an invalid batch and zero epochs just evaluates', async () => {
    const model = new TinyDense(1, 1);
    await expect(fit(model, linearData(2), { ...basePlan, batch: 0 })).rejects.toThrow(/batch must be 'full' or a whole number/);
    const h = await fit(model, linearData(2), { ...basePlan, epochs: 0 });
    expect(h.epochs).toEqual([]);
    expect(Number.isFinite(h.final.loss)).toBe(true);
    model.dispose();
  });

  it('trains a perceptron (step unit) on AND to 100% accuracy', async () => {
    const model = new TinyDense(2, 1, { seed: 2, activation: step });
    const and: TableData = { features: ['a', 'b'], labels: ['y'], x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [[0], [0], [0], [1]] };
    const history = await fit(model, and, { ...basePlan, loss: 'mae', batch: 1, epochs: 30, metrics: ['accuracy'] });
    expect(history.final.accuracy).toBe(1);
    model.dispose();
  });
});

describe('evaluate', () => {
  it('computes the loss and metrics by hand', () => {
    const model = new TinyDense(1, 1, { kernel: [[1]], bias: [0] });
    const data: TableData = { features: ['x'], labels: ['y'], x: [[1], [2]], y: [[1], [4]] };
    expect(evaluate(model, data, { loss: 'mse', metrics: ['mae', 'accuracy'] })).toEqual({ loss: 2, mae: 1, accuracy: 1 });
    model.dispose();
  });
});

describe('fit cleans up after rejected input', () => {
  it('leaves no tensors behind when the table or the optimizer is rejected', async () => {
    const model = new TinyDense(1, 1);
    const before = tf.memory().numTensors;
    const bad: TableData = { features: ['x'], labels: ['y'], x: [[1], [2, 3]], y: [[1], [2]] };
    await expect(fit(model, bad, { ...basePlan, optimizer: { name: 'adam' } })).rejects.toThrow(/^Row 2 of the data/);
    await expect(fit(model, linearData(2), { ...basePlan, optimizer: { name: 'adam', lr: -1 } })).rejects.toThrow(
      /learning rate must be a positive number/,
    );
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

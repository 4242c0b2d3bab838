// Backend parity across every layer family: the same generated model, with the same seeded weights
// and inputs, gives the same forward pass on cpu (the reference), wasm and webgpu, and the same
// Adam steps, within 1e-4 relative (max |difference| / max(1, max |reference|)).
//
// webgpu runs where an adapter exists: here and in CI on Mesa's llvmpipe through OpenGL ES
// (runtime/webgpu.ts). CI sets NNC_REQUIRE_WEBGPU=1, so a missing adapter fails there. Elsewhere
// (a machine without Mesa) the first test asserts instead that asking for webgpu gives the NN4102
// sentence, and the parity tests compare cpu and wasm only. Reads are asynchronous throughout:
// webgpu in Node cannot read a tensor synchronously.
import { beforeAll, describe, expect, it } from 'vitest';

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  NncRuntimeError,
  createOptimizer,
  currentBackend,
  fit,
  lossFunction,
  tf,
  useBackend,
  type History,
  type TableData,
  type TrainPlan,
  type TrainableModel,
} from '../runtime/index.js';
import { loadModel } from './helpers/load.js';
import { randomValues } from './kernels/helpers.js';

type Backend = 'cpu' | 'wasm' | 'webgpu';

const TOLERANCE = 1e-4;
const webgpuRequired = process.env['NNC_REQUIRE_WEBGPU'] === '1';

/** Why webgpu could not start here, or null where it started. */
let webgpuAbsence: unknown = null;

beforeAll(async () => {
  webgpuAbsence = await useBackend('webgpu').then(
    () => null,
    (error: unknown) => error,
  );
  // tfjs runs small ops whose inputs are still on the CPU with its cpu kernels; off, every op of
  // these tiny models runs as a shader, which is what the comparison is for.
  if (webgpuAbsence === null) tf.env().set('WEBGPU_CPU_FORWARD', false);
});

/** The backends compared with cpu: wasm always, webgpu where it started. */
function otherBackends(): Backend[] {
  if (webgpuAbsence !== null && webgpuRequired) throw webgpuAbsence;
  return webgpuAbsence === null ? ['wasm', 'webgpu'] : ['wasm'];
}

/** max |actual − expected| / max(1, max |expected|): relative for large values, absolute for small. */
function parityError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return Number.isNaN(diff) ? Number.POSITIVE_INFINITY : diff / scale;
}

interface ForwardCase {
  name: string;
  source: string;
  className: string;
  inputShape: number[];
  /** Token ids below this bound instead of values in [-1, 1). */
  vocabulary?: number;
  /** Also compare the forward pass in training mode (batch statistics). */
  training?: boolean;
}

const CASES: ForwardCase[] = [
  {
    name: 'dense layers and activations',
    className: 'Dense',
    inputShape: [3, 6],
    source: `model Dense {
      input x: [batch, 6]
      dense(8, activation: relu)
      dense(8, activation: tanh)
      dense(8, activation: elu)
      dense(8, activation: leaky_relu)
      dense(8, activation: sigmoid)
      dense(4, activation: softmax)
    }`,
  },
  {
    name: 'conv2d with max and average pooling',
    className: 'Conv2d',
    inputShape: [2, 8, 8, 2],
    source: `model Conv2d {
      input image: [batch, 8, 8, 2]
      conv2d(4, 3, padding: same, activation: relu)
      max_pooling2d(2)
      conv2d(4, 3)
      average_pooling2d(2)
      flatten()
      dense(3)
    }`,
  },
  {
    name: 'conv1d',
    className: 'Conv1d',
    inputShape: [2, 10, 3],
    source: `model Conv1d {
      input x: [batch, 10, 3]
      conv1d(4, 3, activation: relu)
      conv1d(4, 3, strides: 2, padding: same)
      flatten()
      dense(2)
    }`,
  },
  {
    name: 'batch and layer normalization (inference and training mode)',
    className: 'Norms',
    inputShape: [4, 6],
    training: true,
    source: `model Norms {
      input x: [batch, 6]
      dense(8)
      batch_normalization()
      layer_normalization()
      dense(3)
    }`,
  },
  {
    name: 'embedding, lstm and gru',
    className: 'Recurrent',
    inputShape: [2, 5],
    vocabulary: 10,
    source: `model Recurrent {
      input tokens: [batch, 5]
      embedding(10, 4)
      lstm(6, return_sequences: true)
      gru(5)
      dense(2)
    }`,
  },
  {
    name: 'multi-head attention and a transformer encoder',
    className: 'Attention',
    inputShape: [2, 4, 8],
    source: `model Attention {
      input x: [batch, 4, 8]
      multi_head_attention(2, causal: true)
      transformer_encoder(2, 16)
    }`,
  },
  {
    name: 'conv2d_transpose and up_sampling2d',
    className: 'Decoder',
    inputShape: [2, 3, 3, 2],
    source: `model Decoder {
      input x: [batch, 3, 3, 2]
      conv2d_transpose(3, 3, strides: 2, padding: same, activation: relu)
      up_sampling2d(2)
      conv2d(2, 3)
    }`,
  },
];

function inputValues(c: ForwardCase): Float32Array {
  const size = c.inputShape.reduce((a, b) => a * b);
  const values = randomValues(size, 21);
  return c.vocabulary === undefined ? values : values.map((v) => Math.floor(((v + 1) / 2) * c.vocabulary!));
}

/** The model's forward pass (and in training mode, where asked) on `backend`, read asynchronously. */
async function forwardOn(backend: Backend, c: ForwardCase): Promise<Float32Array[]> {
  await useBackend(backend);
  expect(currentBackend()).toBe(backend);
  const module = await loadModel(c.source, `${c.className}.nn`);
  const model = new module[c.className]({ seed: 7 }) as TrainableModel & { dispose(): void };
  const x = tf.tensor(inputValues(c), c.inputShape);
  const before = tf.memory().numTensors;
  const modes = c.training ? [false, true] : [false];
  const outputs: Float32Array[] = [];
  for (const training of modes) {
    const y = tf.tidy(() => model.forward(x, training));
    outputs.push((await y.data()) as Float32Array);
    y.dispose();
  }
  // Training mode may replace batch normalization's moving statistics, never add tensors.
  expect(tf.memory().numTensors).toBe(before);
  x.dispose();
  model.dispose();
  return outputs;
}

describe('webgpu', () => {
  it('starts on this machine, or is absent with the NN4102 sentence (CI requires it: NNC_REQUIRE_WEBGPU=1)', () => {
    if (webgpuAbsence === null) return;
    expect(webgpuRequired, `NNC_REQUIRE_WEBGPU=1 but webgpu did not start: ${String(webgpuAbsence)}`).toBe(false);
    expect(webgpuAbsence).toBeInstanceOf(NncRuntimeError);
    expect((webgpuAbsence as NncRuntimeError).code).toBe('NN4102');
    expect((webgpuAbsence as Error).message).toMatch(/^The 'webgpu' backend (found no WebGPU adapter|needs the npm package)/);
    expect((webgpuAbsence as Error).message).toMatch(/use 'wasm' \(the fast CPU backend\) or 'cpu' \(the reference backend\)\.$/);
  });

  it('leaves later backend choices to useBackend, and refuses synchronous reads with NN4106 in Node', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await useBackend(backend);
      expect(tf.getBackend()).toBe(backend);
      expect(tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]).toBe(3);
    }
    if (webgpuAbsence !== null) return;
    await useBackend('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    // Large enough that tfjs runs it on the GPU (small tensors with values on the CPU stay there).
    const n = 2000;
    const doubled = tf.mul(tf.range(0, n), 2);
    expect(() => doubled.dataSync()).toThrow(expect.objectContaining({ code: 'NN4106' }));
    // What an asynchronous read brought back can then be read synchronously.
    const values = await doubled.data();
    expect(values[n - 1]).toBe(2 * (n - 1));
    expect(doubled.dataSync()[1]).toBe(2);
    doubled.dispose();
    await useBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });
});

describe('forward parity with cpu', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const reference = await forwardOn('cpu', c);
      // Nothing constant: a layer that outputs zeros would agree trivially.
      expect(new Set(reference[0]).size).toBeGreaterThan(1);
      for (const backend of otherBackends()) {
        const outputs = await forwardOn(backend, c);
        outputs.forEach((values, i) => {
          expect(parityError(values, reference[i]!), `${backend}, output ${i}`).toBeLessThan(TOLERANCE);
        });
      }
    });
  }
});

const MLP = `model Mlp {
  input x: [batch, 5]
  dense(8, activation: tanh)
  dense(3, activation: softmax)
}`;

/** Losses and final weights of four Adam steps of a small MLP on one fixed batch. */
async function adamStepsOn(backend: Backend): Promise<{ losses: number[]; weights: Float32Array[] }> {
  await useBackend(backend);
  const module = await loadModel(MLP, 'Mlp.nn');
  const model = new module['Mlp']({ seed: 5 }) as TrainableModel & { dispose(): void };
  const x = tf.tensor(randomValues(6 * 5, 31), [6, 5]);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3), 'float32'));
  const optimizer = createOptimizer({ name: 'adam', lr: 0.01 });
  const variables = model.weights().map((w) => w.variable);
  const loss = lossFunction('categorical_crossentropy');
  const losses: number[] = [];
  for (let step = 0; step < 4; step++) {
    const cost = optimizer.minimize(() => tf.tidy(() => loss(y, model.forward(x, true))), true, variables)!;
    losses.push((await cost.data())[0]!);
    cost.dispose();
  }
  const weights = await Promise.all(variables.map(async (v) => (await v.data()) as Float32Array));
  optimizer.dispose();
  model.dispose();
  tf.dispose([x, y]);
  return { losses, weights };
}

const TABLE: TableData = {
  features: ['a', 'b', 'c', 'd', 'e'],
  labels: ['p', 'q', 'r'],
  x: Array.from({ length: 12 }, (_, i) => Array.from(randomValues(5, 40 + i))),
  y: Array.from({ length: 12 }, (_, i) => [0, 1, 2].map((k) => (k === i % 3 ? 1 : 0))),
};

/** `fit` end to end: holdout, accuracy, the confusion matrix and a checkpoint, all read asynchronously. */
async function fitOn(backend: Backend): Promise<History> {
  await useBackend(backend);
  const module = await loadModel(MLP, 'Mlp.nn');
  const model = new module['Mlp']({ seed: 5 }) as TrainableModel & { dispose(): void };
  const plan: TrainPlan = {
    loss: 'categorical_crossentropy',
    optimizer: { name: 'adam', lr: 0.01 },
    batch: 4,
    epochs: 2,
    metrics: ['accuracy'],
    shuffle: true,
    seed: 3,
    validationSplit: 0.25,
  };
  const checkpointDir = mkdtempSync(join(tmpdir(), `nnc-${backend}-`));
  try {
    return await fit(model, TABLE, plan, { checkpointDir, progress: 'none' });
  } finally {
    model.dispose();
    rmSync(checkpointDir, { recursive: true, force: true });
  }
}

describe('training parity with cpu', () => {
  it('fit with a holdout, metrics, a confusion matrix and checkpoints', async () => {
    const reference = await fitOn('cpu');
    expect(Object.keys(reference.final).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    for (const backend of otherBackends()) {
      const history = await fitOn(backend);
      for (const [key, value] of Object.entries(reference.final)) {
        expect(parityError([history.final[key]!], [value]), `${backend} ${key}`).toBeLessThan(TOLERANCE);
      }
      expect(history.epochs.map((e) => e.logs['loss'])).toHaveLength(2);
      expect(parityError(history.epochs.map((e) => e.logs['val_loss']!), reference.epochs.map((e) => e.logs['val_loss']!))).toBeLessThan(TOLERANCE);
      expect(history.confusion).toEqual(reference.confusion);
    }
  });


  it('four Adam steps of a small MLP', async () => {
    const reference = await adamStepsOn('cpu');
    expect(reference.losses[3]).toBeLessThan(reference.losses[0]!);
    for (const backend of otherBackends()) {
      const run = await adamStepsOn(backend);
      expect(parityError(run.losses, reference.losses), `${backend} losses`).toBeLessThan(TOLERANCE);
      run.weights.forEach((w, i) => expect(parityError(w, reference.weights[i]!), `${backend} weight ${i}`).toBeLessThan(TOLERANCE));
    }
  });
});

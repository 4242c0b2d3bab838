// The backward pass the compiler derives for graphs, not just chains — `let` bindings, a tensor
// read by several layers (its gradient the sum of theirs), add/subtract/multiply/concat merges,
// residual blocks, `repeat`, shared layers — and for batch and layer normalisation, embeddings,
// dense on sequences, maxout, repeat_vector and positional encodings: against tfjs's autodiff, the
// oracle, on cpu and on wasm. Some gradients are zero in exact arithmetic (a bias before batch
// normalisation); as test/layer-gradients.test.ts does, each gradient is compared relative to its
// own scale or a thousandth of the model's largest gradient, whichever is larger.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { compile } from '../compiler/compile.js';
import { derivedBackwardObstacle } from '../compiler/codegen/backward.js';
import { lossFunction, tf, useBackend, type LossName, type TableData, type TrainPlan } from '../runtime/index.js';
import { derivedAndOracle, inputOf, labels, newModel, trainCounting, type DerivedModel } from './helpers/derived.js';
import { outDir } from './helpers/load.js';
import { typeErrors } from './helpers/typecheck.js';
import { randomValues, relativeError } from './kernels/helpers.js';

const maxAbs = (values: ArrayLike<number>) => Array.from(values).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/**
 * The derived loss and gradients against tf.variableGrads over `forward(x, true)` on the same
 * model; `ids` > 0 makes the input whole numbers in [0, ids).
 */
async function compare(source: string, inputShape: number[], outputShape: number[], loss: LossName, backend: 'cpu' | 'wasm', ids = 0, name = 'M'): Promise<void> {
  await useBackend(backend);
  const model = await newModel(source, 3, true, name);
  const x = inputOf(inputShape, ids);
  const y = labels(loss, outputShape);
  const { names, derived, oracle, shapes } = derivedAndOracle(model, x, y, loss, outputShape);
  expect(relativeError(derived[0]!, oracle[0]!)).toBeLessThan(1e-5);
  const largest = Math.max(...oracle.slice(1).map(maxAbs));
  expect(largest).toBeGreaterThan(1e-6);
  for (let i = 1; i < derived.length; i++) {
    const weight = names[i]!;
    expect(shapes[i]!.derived, weight).toEqual(shapes[i]!.oracle);
    const want = oracle[i]!;
    const got = derived[i]!;
    if (maxAbs(want) < largest * 1e-6) {
      // Zero in exact arithmetic (a bias before batch normalisation): both must be float noise.
      expect(maxAbs(got) / largest, weight).toBeLessThan(1e-6);
      continue;
    }
    const difference = maxAbs(want.map((v, j) => v - got[j]!));
    expect(difference / Math.max(maxAbs(want), largest * 1e-3), weight).toBeLessThan(1e-4);
  }
  tf.dispose([x, y]);
  model.dispose();
}

/** `let`, a tensor read by three layers, residual blocks under `repeat`, `add` in a chain. */
const RESIDUAL_MLP = `
block Res(units: int) {
  input x: [b, units]
  let y = x |> dense(units, activation: tanh) |> dense(units)
  output relu(x + y)
}
model M {
  input x: [batch, 6]
  dense(8, activation: elu)
  let skip = relu()
  repeat 2 { Res(8) }
  add(skip)
  dense(3, activation: softmax)
}
`;

/** One tensor read by two branches and by the concat that joins them (with the model's input between). */
const FAN_OUT_CONCAT = `
model M {
  input x: [batch, 5]
  let h = x |> dense(6, activation: sigmoid)
  let a = h |> dense(4, activation: relu)
  let b = h |> dense(3, activation: tanh)
  concat(a, x, b, h) |> dense(2)
}
`;

/** multiply and subtract of two and three inputs, and a tensor multiplied by itself. */
const SUBTRACT_MULTIPLY = `
model M {
  input x: [batch, 5]
  let h = x |> dense(6)
  let a = h |> dense(4, activation: tanh)
  let b = h |> dense(4, activation: sigmoid)
  let gated = multiply(a, b)
  let diff = subtract(gated, a, b)
  multiply(diff, diff) |> dense(2)
}
`;

/** A shared layer applied twice in a row: its weights' gradients are the sum over both uses. */
const SHARED = `
model M {
  input x: [batch, 4]
  layer s = dense(4, activation: tanh)
  let a = x |> dense(4) |> s
  let b = a |> s
  concat(a, b) |> dense(2)
}
`;

/** A shared layer whose first use reaches no output (kept for its weights): only the live use has a gradient. */
const SHARED_DEAD_OWNER = `
model M {
  input x: [batch, 4]
  layer s = dense(4, activation: tanh)
  let unused = x |> s
  let b = x |> dense(4) |> s
  output b
}
`;

/** A residual block of conv + batch norm (the resnet example's) in a small CNN, batch norm after a pooling and on dense. */
const BATCHNORM_CNN = `
block Residual(filters: int) {
  input x: [b, h, w, filters]
  let y = x |> conv2d(filters, 3, padding: same) |> batchnorm() |> relu()
            |> conv2d(filters, 3, padding: same) |> batchnorm()
  output relu(x + y)
}
model M {
  input x: [batch, 6, 6, 2]
  conv2d(4, 3, padding: same, activation: relu)
  Residual(4)
  max_pool2d(2)
  batchnorm(momentum: 0.9)
  global_avg_pool2d()
  dense(5)
  batchnorm()
  relu()
  dense(3, activation: softmax)
}
`;

/** An embedding read with repeated ids, dense on its [batch, steps, dim] output, a dense under max pooling. */
const EMBEDDING = `
model M {
  input ids: [batch, 6]
  embedding(5, 4)
  dense(3, activation: relu)
  max_pooling1d(2)
  flatten()
  dense(2, activation: softmax)
}
`;

/** dense on a [batch, steps, features] input, with an output of that rank. */
const SEQUENCE_DENSE = `
model M {
  input x: [batch, 4, 5]
  dense(3, activation: sigmoid)
  dense(2)
}
`;

/** repeat_vector, both positional encodings, dense on sequences, maxout, layer normalisation. */
const SEQUENCE_LAYERS = `
model M {
  input x: [batch, 6]
  dense(4, activation: tanh)
  repeat_vector(3)
  positional_encoding(learned, max_length: 5)
  dense(6, activation: relu)
  maxout(3)
  layer_normalization()
  positional_encoding()
  dense(2)
  flatten()
  dense(2)
}
`;

describe('the derived backward pass of graphs and of normalisation, embedding and sequence layers agrees with tf.grads', () => {
  const cases: [string, string, number[], number[], LossName, number][] = [
    ['residual blocks under repeat, a tensor read by three layers', RESIDUAL_MLP, [5, 6], [5, 3], 'categorical_crossentropy', 0],
    ['a fan-out joined by concat', FAN_OUT_CONCAT, [4, 5], [4, 2], 'mse', 0],
    ['subtract and multiply merges', SUBTRACT_MULTIPLY, [4, 5], [4, 2], 'mse', 0],
    ['a shared layer used twice', SHARED, [4, 4], [4, 2], 'mse', 0],
    ['a shared layer whose first use is dead', SHARED_DEAD_OWNER, [4, 4], [4, 4], 'mse', 0],
    ['a residual CNN with batch normalisation', BATCHNORM_CNN, [4, 6, 6, 2], [4, 3], 'categorical_crossentropy', 0],
    ['an embedding with repeated ids', EMBEDDING, [4, 6], [4, 2], 'categorical_crossentropy', 5],
    ['dense on [batch, steps, features]', SEQUENCE_DENSE, [3, 4, 5], [3, 4, 2], 'mse', 0],
    ['repeat_vector, positional encodings, maxout, layer normalisation', SEQUENCE_LAYERS, [4, 6], [4, 2], 'mse', 0],
  ];
  for (const [name, source, inputShape, outputShape, loss, ids] of cases) {
    for (const backend of ['cpu', 'wasm'] as const) {
      it(`${name} on ${backend}`, async () => {
        await compare(source, inputShape, outputShape, loss, backend, ids);
      });
    }
  }

  it('the resnet example (examples/resnet.nn) on wasm', async () => {
    await compare(readFileSync('examples/resnet.nn', 'utf8'), [2, 32, 32, 3], [2, 10], 'categorical_crossentropy', 'wasm', 0, 'TinyResNet');
  });

  it('sums the gradients of a tensor several layers read, and of a shared layer over its uses', () => {
    const fanOut = compile(FAN_OUT_CONCAT).output!;
    expect(fanOut).toContain('const [d$concat$0, , d$concat$2, d$concat$3] = tf.split(d$concat, [4, 5, 3, 6], 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];');
    expect(fanOut).toMatch(/const d\$dense = rt\.activationBackward\("sigmoid", dense, tf\.addN\(\[.*, d\$concat\$3\]\)\);/);
    const shared = compile(SHARED).output!;
    expect(shared).toContain('"dense_1/kernel": tf.add(g$dense_1$kernel, g$dense_1_shared$kernel)');
  });
});

describe('batch normalisation in the derived pass', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`moves the moving statistics as the tape's step does, once, on ${backend}`, async () => {
      await useBackend(backend);
      const x = inputOf([4, 6, 6, 2]);
      const y = labels('categorical_crossentropy', [4, 3]);
      const derived = await newModel(BATCHNORM_CNN, 5);
      const tape = await newModel(BATCHNORM_CNN, 5);
      const prediction = tf.tidy(() => derived.lossAndGradients(x, y, 'categorical_crossentropy').prediction.dataSync() as Float32Array);
      const expected = tf.tidy(() => {
        const lossFn = lossFunction('categorical_crossentropy');
        let forward: Float32Array = new Float32Array();
        tf.variableGrads(() => {
          const p = tape.forward(x, true);
          forward = p.dataSync() as Float32Array;
          return lossFn(y, p);
        });
        return forward;
      });
      expect(relativeError(prediction, expected)).toBeLessThan(1e-6);
      const moving = (m: DerivedModel) => m.weights().filter((w) => w.name.includes('moving_'));
      expect(moving(derived)).toHaveLength(8);
      moving(derived).forEach((w, i) => {
        const want = moving(tape)[i]!.variable.dataSync();
        // Moved away from the initial zeros and ones, by the same amount.
        // The variances move away from their initial ones (a mean after a batch norm stays at 0).
        if (w.name.endsWith('moving_variance')) expect(maxAbs(Array.from(want, (v) => v - 1)), w.name).toBeGreaterThan(1e-3);
        const got = w.variable.dataSync();
        expect(maxAbs(Array.from(want, (v, j) => v - got[j]!)), w.name).toBeLessThan(1e-6 * Math.max(1, maxAbs(want)));
      });
      tf.dispose([x, y]);
      derived.dispose();
      tape.dispose();
    });
  }
});

describe('training a residual net with batch normalisation through the derived pass matches the tape', () => {
  const NET = `
model M {
  input x: [batch, 6]
  dense(8, use_bias: false)
  batchnorm()
  let h = relu()
  let y = h |> dense(8, use_bias: false) |> batchnorm()
  relu(h + y) |> dense(3, activation: softmax)
}
`;
  function table(): TableData {
    const values = randomValues(16 * 6, 29);
    const x = Array.from({ length: 16 }, (_, r) => Array.from(values.subarray(r * 6, r * 6 + 6)));
    const y = x.map((row) => {
      const k = row[0]! + row[1]! > 0.2 ? 0 : row[4]! > 0 ? 1 : 2;
      return [0, 1, 2].map((c) => (c === k ? 1 : 0));
    });
    return { features: ['a', 'b', 'c', 'd', 'e', 'f'], labels: ['k0', 'k1', 'k2'], x, y };
  }
  const plan: TrainPlan = { loss: 'categorical_crossentropy', optimizer: { name: 'sgd', lr: 0.3 }, batch: 8, epochs: 3, metrics: ['accuracy'], shuffle: true, seed: 4 };

  const train = (derivedBackward: boolean) => trainCounting(NET, 8, derivedBackward, table(), plan);

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`SGD, 3 epochs of 2 batches on ${backend}: the same weights and moving statistics`, async () => {
      await useBackend(backend);
      const tape = await train(false);
      const derived = await train(true);
      expect(tape.calls).toBe(0);
      expect(derived.calls).toBe(6);
      expect(Math.abs(derived.loss - tape.loss)).toBeLessThan(1e-5);
      expect(derived.weights).toHaveLength(12);
      derived.weights.forEach((w, i) => expect(relativeError(w, tape.weights[i]!)).toBeLessThan(1e-5));
    });
  }
});

describe('training transformer blocks with dropout through the derived pass matches the tape', () => {
  const NET = `
model M {
  input ids: [batch, 5]
  embedding(6, 4)
  transformer_encoder(2, 6, dropout: 0.2)
  transformer_decoder(2, 6, dropout: 0.3)
  global_average_pooling1d()
  dense(2, activation: softmax)
}
`;
  function table(): TableData {
    const values = randomValues(12 * 5, 31);
    const x = Array.from({ length: 12 }, (_, r) => Array.from(values.subarray(r * 5, r * 5 + 5), (v) => Math.floor(((v + 1) / 2) * 6)));
    const y = x.map((row) => (row.filter((id) => id < 3).length > 2 ? [1, 0] : [0, 1]));
    return { features: ['t1', 't2', 't3', 't4', 't5'], labels: ['k0', 'k1'], x, y };
  }
  // SGD: Adam would turn the float noise of attention's key-bias gradient (zero in exact
  // arithmetic) into whole steps that differ between the two passes.
  const plan: TrainPlan = { loss: 'categorical_crossentropy', optimizer: { name: 'sgd', lr: 0.2 }, batch: 6, epochs: 3, metrics: [], shuffle: true, seed: 9 };

  const train = (derivedBackward: boolean) => trainCounting(NET, 2, derivedBackward, table(), plan);

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`SGD, 3 epochs of 2 batches on ${backend}: the same weights`, async () => {
      await useBackend(backend);
      const tape = await train(false);
      const derived = await train(true);
      expect(tape.calls).toBe(0);
      expect(derived.calls).toBe(6);
      expect(Math.abs(derived.loss - tape.loss)).toBeLessThan(1e-5);
      expect(derived.weights).toHaveLength(1 + 2 * 16 + 2);
      // Attention's key biases start at zero and have a zero gradient in exact arithmetic: they
      // stay float noise (~1e-10) in both, so each weight is compared against at least 1e-3.
      derived.weights.forEach((w, i) => {
        const want = tape.weights[i]!;
        const difference = maxAbs(Array.from(want, (v, j) => v - w[j]!));
        expect(difference / Math.max(maxAbs(want), 1e-3), `weight ${i}`).toBeLessThan(1e-5);
      });
    });
  }
});

describe('which graphs the derived pass covers', () => {
  const obstacle = (source: string) => derivedBackwardObstacle(compile(source, { emit: false }).program.models[0]!);
  const model = (body: string) => `model M {\n  ${body.trim().split('\n').join('\n  ')}\n}\n`;

  it('the models above and the examples with residual blocks', () => {
    for (const source of [RESIDUAL_MLP, FAN_OUT_CONCAT, SUBTRACT_MULTIPLY, SHARED, SHARED_DEAD_OWNER, BATCHNORM_CNN, EMBEDDING, SEQUENCE_DENSE, SEQUENCE_LAYERS, RECURRENT, RECURRENT_NO_BIAS, ATTENTION, TRANSFORMER, TRANSFORMER_FIRST, VOLUMES, DILATED]) expect(obstacle(source)).toBeNull();
    for (const example of ['resnet', 'transformer-classifier']) expect(derivedBackwardObstacle(compile(readFileSync(`examples/${example}.nn`, 'utf8'), { emit: false }).program.models[0]!)).toBeNull();
  });

  it('names the reason for those it does not cover', () => {
    // Above the first layer with weights, one_hot would need a gradient to its ids.
    expect(obstacle(model('input x: [batch, 4]\ndense(4)\none_hot(3)\nflatten()\ndense(2)'))).toMatch(/one_hot.*no derived gradient/);
    expect(obstacle(model('input x: [batch, 4]\ndense(4)\nembedding(3, 2)\nflatten()\ndense(2)'))).toMatch(/embedding.*ids computed from weights/);
    expect(obstacle(model('input a: [batch, 4]\ninput b: [batch, 4]\noutput dense(2, a) + dense(2, b)'))).toMatch(/single input/);
    expect(obstacle(model('input x: [batch, 4]\nlet h = x |> dense(4) |> softmax()\nadd(h, h) |> dense(2)'))).toMatch(/softmax before/);
  });
});

describe('the emitted lossAndGradients of graphs', () => {
  it('passes tsc --strict with unused locals and parameters checked', () => {
    const dir = `${outDir}typecheck-derived-graph/`;
    mkdirSync(dir, { recursive: true });
    const sources = { residualMlp: RESIDUAL_MLP, volumes: VOLUMES, dilated: DILATED, fanOut: FAN_OUT_CONCAT, subtractMultiply: SUBTRACT_MULTIPLY, shared: SHARED, sharedDeadOwner: SHARED_DEAD_OWNER, batchnorm: BATCHNORM_CNN, embedding: EMBEDDING, sequenceDense: SEQUENCE_DENSE, sequenceLayers: SEQUENCE_LAYERS, recurrent: RECURRENT, recurrentNoBias: RECURRENT_NO_BIAS, attention: ATTENTION, transformer: TRANSFORMER, transformerFirst: TRANSFORMER_FIRST, resnet: readFileSync('examples/resnet.nn', 'utf8'), transformerClassifier: readFileSync('examples/transformer-classifier.nn', 'utf8') };
    const files = Object.entries(sources).map(([name, source]) => {
      const output = compile(source, { fileName: `${name}.nn`, derivedBackward: true }).output!;
      expect(output).toContain('lossAndGradients(');
      writeFileSync(`${dir}${name}.ts`, output);
      return `${dir}${name}.ts`;
    });
    expect(typeErrors(files)).toEqual([]);
  });
});

/** Every recurrent layer and option: return_sequences, bidirectional, a simple RNN's own activation. */
const RECURRENT = `
model M {
  input x: [batch, 5, 3]
  simple_rnn(4, return_sequences: true, activation: relu)
  lstm(4, return_sequences: true, bidirectional: true)
  gru(3)
  dense(2, activation: softmax)
}
`;

/** Without biases, a bidirectional GRU last, and an LSTM reading the data (no input gradient needed). */
const RECURRENT_NO_BIAS = `
model M {
  input x: [batch, 4, 2]
  lstm(3, use_bias: false, return_sequences: true)
  simple_rnn(3, return_sequences: true, activation: leaky_relu(0.2))
  gru(2, bidirectional: true, use_bias: false)
}
`;

/** Self-attention (causal, its own key_dim) and cross-attention over two projections of one input. */
const ATTENTION = `
model M {
  input x: [batch, 4, 6]
  let q = x |> dense(8)
  let m = x |> dense(5, activation: tanh)
  let crossed = cross_attention(2, q, m)
  output crossed |> multi_head_attention(2, key_dim: 3, causal: true) |> global_average_pooling1d() |> dense(2)
}
`;

/** Token ids through an encoder and a (causal) decoder block, both with dropout, pooled and classified. */
const TRANSFORMER = `
model M {
  input ids: [batch, 5]
  embedding(7, 6)
  positional_encoding()
  transformer_encoder(2, 8, dropout: 0.2)
  transformer_decoder(3, 4, dropout: 0.1)
  global_average_pooling1d()
  dense(3, activation: softmax)
}
`;

/** A decoder block reading the data (no input gradient needed), a dense on its sequence output. */
const TRANSFORMER_FIRST = `
model M {
  input x: [batch, 4, 6]
  transformer_decoder(2, 5, dropout: 0.3)
  dense(2)
}
`;

describe('the derived backward pass of recurrent, attention and transformer layers agrees with tf.grads', () => {
  const cases: [string, string, number[], number[], LossName, number][] = [
    ['simple_rnn, bidirectional lstm and gru', RECURRENT, [3, 5, 3], [3, 2], 'categorical_crossentropy', 0],
    ['recurrent layers without biases', RECURRENT_NO_BIAS, [3, 4, 2], [3, 4], 'mse', 0],
    ['cross- and self-attention', ATTENTION, [2, 4, 6], [2, 2], 'mse', 0],
    ['transformer encoder and decoder blocks with dropout', TRANSFORMER, [3, 5], [3, 3], 'categorical_crossentropy', 7],
    ['a transformer decoder block reading the data', TRANSFORMER_FIRST, [2, 4, 6], [2, 4, 2], 'mse', 0],
  ];
  for (const [name, source, inputShape, outputShape, loss, ids] of cases) {
    for (const backend of ['cpu', 'wasm'] as const) {
      it(`${name} on ${backend}`, async () => {
        await compare(source, inputShape, outputShape, loss, backend, ids);
      });
    }
  }

  it('traces a transformer block in training and asks no input gradient of one reading the data', () => {
    const first = compile(TRANSFORMER_FIRST).output!;
    expect(first).toContain('const tr$transformer_decoder = rt.transformerBlockForwardTrace(x, {');
    expect(first).toMatch(/causal: true, dropout: 0\.3, epsilon: 0\.00001 \}, true\);/);
    expect(first).toContain('rt.transformerBlockBackward(tr$transformer_decoder.trace, d$transformer_decoder, { inputGradient: false });');
    expect(compile(TRANSFORMER).output!).toContain('const d$transformer_encoder = bp$transformer_decoder.dx!;');
  });

  it('the transformer classifier example (embedding, positions, encoder block, sigmoid) on cpu and wasm', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await compare(readFileSync('examples/transformer-classifier.nn', 'utf8'), [3, 8], [3, 1], 'binary_crossentropy', backend, 4, 'GcRich');
    }
  });

  it('the localisation LSTM example (embedding, lstm, softmax) on wasm', async () => {
    await compare(readFileSync('examples/localisation-lstm.nn', 'utf8'), [3, 8], [3, 3], 'categorical_crossentropy', 'wasm', 20, 'LocalisationLstm');
  });
});

/** 3-D convolutions and pooling, one of them dilated. */
const VOLUMES = `
model M {
  input x: [batch, 4, 6, 6, 1]
  conv3d(3, 2, padding: same, activation: relu)
  max_pooling3d(2)
  conv3d(2, 2, dilation_rate: [1, 2, 1], padding: same, activation: tanh)
  average_pooling3d([1, 2, 1])
  flatten()
  dense(2)
}
`;

/** Dilated 2-D and 1-D convolutions (tfjs has no gradient for them; the runtime's). */
const DILATED = `
model M {
  input x: [batch, 9, 9, 2]
  conv2d(3, 3, dilation_rate: 2, activation: relu)
  conv2d(2, [2, 3], dilation_rate: [2, 1], padding: same)
  reshape([-1, 2])
  conv1d(3, 3, dilation_rate: 2, padding: same, activation: elu)
  conv1d(2, 2, dilation_rate: 3)
  global_average_pooling1d()
  dense(2)
}
`;

describe('the derived backward pass of 3-D and dilated convolutions agrees with tf.grads', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`conv3d, dilated conv3d and 3-D pooling on ${backend}`, async () => {
      await compare(VOLUMES, [2, 4, 6, 6, 1], [2, 2], 'mse', backend);
    });
    it(`dilated conv2d and conv1d on ${backend}`, async () => {
      await compare(DILATED, [3, 9, 9, 2], [3, 2], 'mse', backend);
    });
  }
});

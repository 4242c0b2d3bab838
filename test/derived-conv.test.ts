// The backward pass the compiler derives for chains beyond dense layers — conv1d/conv2d (strides,
// both paddings, fused activations), conv2d_transpose, max/average pooling (1-D, 2-D, global),
// upsampling, flatten, reshape, dropout, activation layers, one_hot below the first weights —
// against tfjs's autodiff, the oracle: the same loss and every weight gradient within 1e-4
// relative, on cpu and on wasm with nnc's kernels. Dropout draws its mask from the same stream in
// both passes, so training a small CNN with either gives the same weights.
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { compile } from '../compiler/compile.js';
import { derivedBackwardObstacle } from '../compiler/codegen/backward.js';
import { tf, useBackend, type LossName, type TableData, type TrainPlan } from '../runtime/index.js';
import { derivedAndOracle, inputOf, labels, newModel, trainCounting } from './helpers/derived.js';
import { outDir } from './helpers/load.js';
import { typeErrors } from './helpers/typecheck.js';
import { randomValues, relativeError } from './kernels/helpers.js';

/** The derived loss and gradients against tf.variableGrads over `forward(x, true)`, both drawing the same dropout masks. */
/** `ids` > 0 makes the input whole numbers in [0, ids) (for one_hot). */
async function compare(source: string, inputShape: number[], outputShape: number[], loss: LossName, backend: 'cpu' | 'wasm', ids = 0): Promise<void> {
  await useBackend(backend);
  const model = await newModel(source, 3);
  const x = inputOf(inputShape, ids);
  const y = labels(loss, outputShape);
  const { names, derived, oracle, shapes } = derivedAndOracle(model, x, y, loss, outputShape);
  expect(relativeError(derived[0]!, oracle[0]!)).toBeLessThan(1e-5);
  for (let i = 1; i < derived.length; i++) {
    const name = names[i]!;
    expect(shapes[i]!.derived, name).toEqual(shapes[i]!.oracle);
    // A gradient that is all zeros would make the comparison say nothing.
    expect(Math.max(...Array.from(oracle[i]!, Math.abs)), name).toBeGreaterThan(1e-6);
    expect(relativeError(derived[i]!, oracle[i]!), name).toBeLessThan(1e-4);
  }
  tf.dispose([x, y]);
  model.dispose();
}

const SMALL_MNIST_CNN = `
model M {
  input image: [batch, 12, 12, 1]
  conv2d(4, 3, activation: relu)
  max_pooling2d(2)
  conv2d(6, 3, activation: relu)
  max_pooling2d(2)
  flatten()
  dropout(0.5)
  dense(3, activation: softmax)
}
`;

/** Strides 2, `same` padding, average pooling, unfused tanh, elu, a conv without bias. */
const STRIDED = `
model M {
  input x: [batch, 9, 9, 2]
  conv2d(4, 3, strides: 2, padding: same, activation: tanh)
  average_pooling2d(2, strides: 1)
  conv2d(3, 2, strides: 2, activation: elu, use_bias: false)
  max_pooling2d(2, padding: same)
  flatten()
  dense(2, activation: sigmoid)
}
`;

/** 1-D convolution, pooling and upsampling, reshape, standalone activation layers, dropout at rate 0. */
const SEQUENCE = `
model M {
  input x: [batch, 12]
  reshape([6, 2])
  conv1d(4, 3, padding: same, activation: relu)
  max_pooling1d(2)
  up_sampling1d(2)
  conv1d(3, 2, activation: sigmoid)
  average_pooling1d(2, padding: same)
  flatten()
  dropout(0)
  dense(5)
  leaky_relu(0.1)
  dense(4, activation: elu)
  elu(alpha: 0.5)
  tanh()
  dense(3)
  softmax()
}
`;

/** A conv as the output layer (its leaky_relu outside the loss gradient), `same` pooling with stride 2 on an odd size. */
const CONV_OUTPUT = `
model M {
  input x: [batch, 7, 7, 1]
  conv2d(3, 3, padding: same, strides: 1, activation: relu)
  max_pooling2d(3, strides: 2, padding: same)
  dropout(0.25)
  conv2d(2, 2, padding: same, activation: leaky_relu)
}
`;

/** Transposed convolutions (valid with a window larger than the stride, and same) and global average pooling. */
const TRANSPOSED = `
model M {
  input x: [batch, 3, 3, 2]
  conv2d_transpose(3, 3, strides: 2, activation: relu)
  conv2d_transpose(2, 2, strides: 2, padding: same, activation: tanh, use_bias: false)
  global_average_pooling2d()
  dense(3, activation: softmax)
}
`;

/** A layer below the first with weights only runs forward (one_hot), global max pooling after relu. */
const MOTIFS = `
model M {
  input bases: [batch, 10]
  one_hot(4)
  conv1d(5, 3, activation: relu)
  global_max_pooling1d()
  dense(1, activation: sigmoid)
}
`;

/** 2-D upsampling between convolutions, with different factors per axis. */
const UPSAMPLING = `
model M {
  input x: [batch, 3, 2, 2]
  conv2d(3, 2, padding: same, activation: relu)
  up_sampling2d([2, 3])
  conv2d(2, 3)
  flatten()
  dense(2)
}
`;

/** A conv with a bias and no activation under max pooling (its bias gradient summed at the pooled size). */
const LINEAR_UNDER_POOL = `
model M {
  input x: [batch, 8, 8, 2]
  conv2d(3, 3, padding: same)
  max_pooling2d(3, strides: 2)
  conv2d(2, 2, activation: sigmoid)
  global_max_pooling2d()
  dense(2)
}
`;

describe('the derived backward pass of conv, pooling, reshaping, dropout and activation layers agrees with tf.grads', () => {
  const cases: [string, string, number[], number[], LossName][] = [
    ['the benchmark CNN (12×12, dropout, softmax + cross-entropy)', SMALL_MNIST_CNN, [5, 12, 12, 1], [5, 3], 'categorical_crossentropy'],
    ['strides 2, same padding, average pooling, tanh and elu', STRIDED, [4, 9, 9, 2], [4, 2], 'binary_crossentropy'],
    ['conv1d, 1-D pooling, reshape and activation layers', SEQUENCE, [6, 12], [6, 3], 'categorical_crossentropy'],
    ['a conv output layer with leaky_relu and mse', CONV_OUTPUT, [3, 7, 7, 1], [3, 4, 4, 2], 'mse'],
    ['transposed convolutions and global average pooling', TRANSPOSED, [4, 3, 3, 2], [4, 3], 'categorical_crossentropy'],
    ['2-D upsampling', UPSAMPLING, [3, 3, 2, 2], [3, 2], 'mse'],
    ['linear and sigmoid convs under max pooling', LINEAR_UNDER_POOL, [4, 8, 8, 2], [4, 2], 'mse'],
  ];
  for (const [name, source, inputShape, outputShape, loss] of cases) {
    for (const backend of ['cpu', 'wasm'] as const) {
      it(`${name} on ${backend}`, async () => {
        await compare(source, inputShape, outputShape, loss, backend);
      });
    }
  }
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`a one_hot input, conv1d and global max pooling on ${backend}`, async () => {
      await compare(MOTIFS, [6, 10], [6, 1], 'binary_crossentropy', backend, 4);
    });
  }

  it('the benchmark CNN computes no gradient below its first layer and fuses its convolutions', () => {
    const output = compile(SMALL_MNIST_CNN, { derivedBackward: true }).output!;
    const derived = output.slice(output.indexOf('lossAndGradients('));
    expect(derived).toContain("activation: 'relu'");
    expect(derived).toContain('rt.conv2dKernelGradient(image, d$conv2d,');
    expect(derived.match(/conv2dInputGradient\(/g)).toHaveLength(1);
    expect(derived).not.toContain('d$image');
    expect(derived).toContain('tf.mul(d$dropout, mask$dropout)');
  });
});

describe('which models the derived pass covers', () => {
  const obstacle = (source: string) => derivedBackwardObstacle(compile(source, { emit: false }).program.models[0]!);

  it('the chains above', () => {
    for (const source of [SMALL_MNIST_CNN, STRIDED, SEQUENCE, CONV_OUTPUT, TRANSPOSED, MOTIFS, UPSAMPLING, LINEAR_UNDER_POOL]) expect(obstacle(source)).toBeNull();
  });

  it('names the reason for the models it does not cover', () => {
    expect(obstacle('model M {\n  input x: [batch, 4]\n  dense(3, activation: step)\n}\n')).toMatch(/activation step/);
    expect(obstacle('model M {\n  input x: [batch, 4]\n  dense(3)\n  leaky_relu(-0.5)\n  dense(2)\n}\n')).toMatch(/negative alpha/);
    expect(obstacle('model M {\n  input x: [batch, 4]\n  dense(3)\n  softmax()\n  dense(2)\n}\n')).toMatch(/softmax before/);
    // Below the first layer with weights no gradient is needed, so any weightless layer will do there.
    expect(obstacle('model M {\n  input x: [batch, 4]\n  softmax()\n  dense(2)\n}\n')).toBeNull();
    const merge = 'model M {\n  input x: [batch, 4]\n  let h = x |> dense(4)\n  add(h, x) |> dense(2)\n}\n';
    expect(compile(merge, { emit: false }).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // Graphs are covered too (test/derived-graph.test.ts).
    expect(obstacle(merge)).toBeNull();
    // And 3-D and dilated convolutions.
    expect(obstacle('model M {\n  input x: [batch, 6, 6, 1]\n  conv2d(2, 3, dilation_rate: 2)\n  flatten()\n  dense(2)\n}\n')).toBeNull();
  });
});

describe('training a CNN with dropout through the derived pass matches the tape', () => {
  const CNN = `
model M {
  input x: [batch, 36]
  reshape([6, 6, 1])
  conv2d(3, 3, activation: relu)
  max_pooling2d(2)
  flatten()
  dropout(0.5)
  dense(3, activation: softmax)
}
`;
  function table(): TableData {
    const values = randomValues(16 * 36, 23);
    const x = Array.from({ length: 16 }, (_, r) => Array.from(values.subarray(r * 36, r * 36 + 36)));
    const y = x.map((row) => {
      const k = row[0]! + row[7]! > 0.2 ? 0 : row[14]! > 0 ? 1 : 2;
      return [0, 1, 2].map((c) => (c === k ? 1 : 0));
    });
    return { features: Array.from({ length: 36 }, (_, i) => `p${i}`), labels: ['k0', 'k1', 'k2'], x, y };
  }
  const plan: TrainPlan = { loss: 'categorical_crossentropy', optimizer: { name: 'sgd', lr: 0.2 }, batch: 8, epochs: 2, metrics: ['accuracy'], shuffle: true, seed: 9 };

  const train = (derivedBackward: boolean) => trainCounting(CNN, 4, derivedBackward, table(), plan);

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`SGD, 2 epochs of 2 batches on ${backend}`, async () => {
      await useBackend(backend);
      const tape = await train(false);
      const derived = await train(true);
      expect(tape.calls).toBe(0);
      expect(derived.calls).toBe(4);
      expect(Math.abs(derived.loss - tape.loss)).toBeLessThan(1e-5);
      derived.weights.forEach((w, i) => expect(relativeError(w, tape.weights[i]!)).toBeLessThan(1e-5));
    });
  }
});

describe('the emitted lossAndGradients of these chains', () => {
  it('passes tsc --strict with unused locals and parameters checked', () => {
    // As test/typecheck.test.ts does for default output: against dist/'s runtime declarations.
    const dir = `${outDir}typecheck-derived-conv/`;
    mkdirSync(dir, { recursive: true });
    const sources = { cnn: SMALL_MNIST_CNN, strided: STRIDED, sequence: SEQUENCE, convOutput: CONV_OUTPUT, transposed: TRANSPOSED, motifs: MOTIFS, upsampling: UPSAMPLING, linearUnderPool: LINEAR_UNDER_POOL };
    const files = Object.entries(sources).map(([name, source]) => {
      const output = compile(source, { fileName: `${name}.nn`, derivedBackward: true }).output!;
      expect(output).toContain('lossAndGradients(');
      writeFileSync(`${dir}${name}.ts`, output);
      return `${dir}${name}.ts`;
    });
    const messages = typeErrors(files);
    expect(messages).toEqual([]);
  });
});

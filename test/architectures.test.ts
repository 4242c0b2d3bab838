// The course architectures as compiled models: parameter counts against what Keras prints for
// the same networks, `nnc summary`'s rows for the keras.io MNIST convnet, a few training steps of
// the CNNs on the cpu backend, and the fix-its of the shape errors these networks commonly hit.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { formatSummary } from '../compiler/summary.js';
import type { TextEdit } from '../compiler/diagnostics/types.js';
import { fit, tf, useBackend, type TrainingRun } from '../runtime/index.js';
import { loadModel } from './helpers/load.js';
import { pseudoRandom } from './helpers/reference.js';

const examples = fileURLToPath(new URL('../examples/', import.meta.url));
const read = (file: string) => readFileSync(examples + file, 'utf8');

function program(source: string) {
  const r = compile(source, { fileName: 'test.nn' });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.program;
}

describe('parameter counts equal Keras', () => {
  // Each number is what Keras' model.summary() prints for the same layers, derived by Keras' rules:
  // Dense in·out + out; Conv kh·kw·in·filters + filters; Embedding vocab·dim; LSTM 4·(u·in + u·u + u);
  // GRU (reset_after=True) 3·(u·in + u·u + 2u); MultiHeadAttention 3·(d·h·k + h·k) + h·k·d + d;
  // LayerNormalization 2d; pooling, flatten, dropout, one_hot, maxout and sine encodings 0.
  const expected: [string, number, number][] = [
    // keras.io "Simple MNIST convnet": 320 + 18,496 + 16,010 (the total its summary prints).
    ['mnist-convnet.nn', 34826, 34826],
    // conv2d 3·3·1·4 + 4 = 40; BatchNormalization 4·4 = 16, of which the moving mean and variance
    // (8) are non-trainable; flatten 2·2·4 = 16 → dense 16 + 1 = 17.
    ['cells-cnn.nn', 73, 65],
    // conv1d 3·4·8 + 8 = 104; dense 8 + 1 = 9.
    ['dna-conv1d.nn', 113, 113],
    // embedding 20·8 = 160; LSTM 4·(16·8 + 16·16 + 16) = 1,600; dense 16·3 + 3 = 51.
    ['localisation-lstm.nn', 1811, 1811],
    // embedding 160; GRU 3·(16·8 + 16·16 + 2·16) = 1,248; dense 51.
    ['localisation-gru.nn', 1459, 1459],
    // conv2d 3·3·1·4 + 4 = 40; Conv2DTranspose 3·3·1·4 + 1 = 37 (kernel [3, 3, filters 1, in 4]).
    ['conv-autoencoder.nn', 77, 77],
    // embedding 4·16 = 64; TransformerEncoder (keras_nlp, d 16, 4 heads of 4, ff 32): attention
    // 3·(16·4·4 + 4·4) + 4·4·16 + 16 = 1,088, two layer norms 64, FFN 16·32+32 + 32·16+16 = 1,072;
    // dense 16 + 1 = 17.
    ['transformer-classifier.nn', 2305, 2305],
    // dense 2·12+12 = 36, dense 4·8+8 = 40, dense 4·1+1 = 5.
    ['maxout.nn', 81, 81],
  ];
  for (const [file, total, trainable] of expected) {
    it(`${file}: ${total.toLocaleString('en-US')} parameters`, () => {
      const model = program(read(file)).models[0]!;
      expect(model.paramCount).toBe(total);
      expect(model.trainableParamCount).toBe(trainable);
    });
  }

  it('layers with Keras variants: bidirectional, batch norm (non-trainable moving statistics), conv3d, transposed conv', () => {
    const m = program(`model K {
      input x: [batch, 10, 8]
      lstm(16, bidirectional: true, return_sequences: true)
      simple_rnn(4)
      batch_normalization()
    }
    model V {
      input x: [batch, 4, 8, 8, 2]
      conv3d(3, 3, padding: same)
    }
    model T {
      input x: [batch, 7, 7, 8]
      conv2d_transpose(4, 3, strides: 2, padding: same)
    }`).models;
    // Bidirectional(LSTM(16)) = 2·4·(16·8 + 16·16 + 16) = 3,200; SimpleRNN(4) on 32 = 4·32 + 4·4 + 4 = 148;
    // BatchNormalization(4) = 4 trainable (gamma, beta) + 4 non-trainable... ×2 = 16 (8 + 8).
    expect(m[0]!.nodes.map((n) => n.paramCount)).toEqual([3200, 148, 16]);
    // Keras names the wrapper, not the wrapped layer: `bidirectional (Bidirectional)`.
    expect(m[0]!.nodes.map((n) => `${n.id} (${n.kerasClass})`)).toEqual(['bidirectional (Bidirectional)', 'simple_rnn (SimpleRNN)', 'batch_normalization (BatchNormalization)']);
    expect(m[0]!.paramCount - m[0]!.trainableParamCount).toBe(8);
    // Conv3D 3·3·3·2·3 + 3 = 165; Conv2DTranspose 3·3·4·8 + 4 = 292 with output 14×14 (same, stride 2).
    expect(m[1]!.paramCount).toBe(165);
    expect(m[2]!.paramCount).toBe(292);
    expect(m[2]!.outputs[0]!.shape.map((d) => (d.kind === 'const' ? d.value : d.kind))).toEqual(['sym', 14, 14, 4]);
  });

  it('cross-attention: Keras MultiHeadAttention(query width 8, value width 12, 2 heads of 4)', () => {
    const m = program('model X {\n input q: [batch, t, 8]\n input m: [batch, s, 12]\n cross_attention(2, m)\n}').models[0]!;
    // query 8·2·4 + 2·4 = 72; key and value 12·2·4 + 8 = 104 each; output 2·4·8 + 8 = 72.
    expect(m.paramCount).toBe(72 + 104 + 104 + 72);
  });
});

describe('nnc summary of the keras.io MNIST convnet', () => {
  it("prints Keras' rows, output shapes and totals", () => {
    const text = formatSummary(program(read('mnist-convnet.nn')).models[0]!);
    const rows = text.split('\n').filter((l) => l.startsWith('│')).map((l) => l.split('│').slice(1, 4).map((c) => c.trim()));
    expect(rows).toEqual([
      ['conv2d (Conv2D)', '(batch, 26, 26, 32)', '320'],
      ['max_pooling2d (MaxPooling2D)', '(batch, 13, 13, 32)', '0'],
      ['conv2d_1 (Conv2D)', '(batch, 11, 11, 64)', '18,496'],
      ['max_pooling2d_1 (MaxPooling2D)', '(batch, 5, 5, 64)', '0'],
      ['flatten (Flatten)', '(batch, 1600)', '0'],
      ['dropout (Dropout)', '(batch, 1600)', '0'],
      ['dense (Dense)', '(batch, 10)', '16,010'],
    ]);
    expect(text).toContain('Total params: 34,826 (136.04 KB)');
    expect(text).toContain('Trainable params: 34,826');
  });

  it('reports symbolic sizes through two same convs and a pool as h/2, w/2', () => {
    const m = program('model S { input x: [batch, h, w, 3]\n conv2d(32, 3, padding: same)\n conv2d(64, 3, padding: same)\n max_pooling2d() }').models[0]!;
    expect(formatSummary(m)).toContain('(batch, h/2, w/2, 64)');
  });
});

describe('CNN training on the cpu backend', () => {
  afterAll(() => useBackend('cpu'));

  it('the MNIST convnet takes a few optimizer steps on random images and its loss is finite', async () => {
    await useBackend('cpu');
    const mod = await loadModel(read('mnist-convnet.nn'), 'examples/mnist-convnet.nn');
    const model = new mod['MnistConvnet']({ seed: 1 });
    const x = tf.tensor4d(pseudoRandom(2 * 28 * 28, 5).map((v) => (v + 1) / 2), [2, 28, 28, 1]);
    const y = tf.cast(tf.oneHot(tf.tensor1d([3, 7], 'int32'), 10), 'float32');
    const optimizer = tf.train.adam(0.001);
    const before = (model.weights() as { variable: tf.Variable }[])[0]!.variable.dataSync().slice();
    const losses: number[] = [];
    for (let step = 0; step < 2; step++) {
      const loss = optimizer.minimize(() => tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(tf.add(model.forward(x, true) as tf.Tensor, 1e-7))), 1))) as tf.Scalar, true);
      losses.push(loss!.dataSync()[0]!);
      loss!.dispose();
    }
    for (const l of losses) expect(Number.isFinite(l)).toBe(true);
    const after = (model.weights() as { variable: tf.Variable }[])[0]!.variable.dataSync();
    expect(Array.from(after).some((v, i) => v !== before[i])).toBe(true);
    for (const t of [x, y]) t.dispose();
    optimizer.dispose();
    model.dispose();
  });

  it('the cell CNN and the DNA conv1d train from their tables and their loss falls', async () => {
    await useBackend('cpu');
    for (const file of ['cells-cnn.nn', 'dna-conv1d.nn']) {
      const mod = await loadModel(read(file), `examples/${file}`);
      const run = (mod['trainings'] as TrainingRun[])[0]!;
      const model = run.createModel(run.plan.seed ?? 1);
      const history = await fit(model, run.data as never, { ...run.plan, epochs: 15 });
      const losses = history.epochs.map((e) => e.logs['loss']!);
      expect(losses.at(-1)!).toBeLessThan(losses[0]!);
      model.dispose();
    }
  });
});

function applyFix(source: string, edits: TextEdit[]): string {
  return [...edits].sort((a, b) => b.span.start - a.span.start).reduce((s, e) => s.slice(0, e.span.start) + e.newText + s.slice(e.span.end), source);
}

describe('shape errors: one diagnostic each, and the fix-it compiles', () => {
  const cases: [string, string, string][] = [
    ['a dense layer on a 4-D tensor', 'model M {\n  input x: [batch, 28, 28, 1]\n  conv2d(8, 3)\n  dense(10)\n}', 'NN3011'],
    ['a kernel larger than its input', 'model M {\n  input x: [batch, 3, 3, 1]\n  conv2d(8, 5)\n}', 'NN3012'],
    ['a kernel larger than its input, with padding given', 'model M {\n  input x: [batch, 2, 9]\n  conv1d(8, 4, padding: valid)\n}', 'NN3012'],
    ['a conv2d fed images without a channel axis', 'model M {\n  input x: [batch, 28, 28]\n  conv2d(8, 3)\n}', 'NN3101'],
    ['an LSTM fed a 2-D tensor', 'model M {\n  input x: [batch, 20]\n  lstm(16)\n}', 'NN3101'],
    ["attention heads that don't divide the model width", 'model M {\n  input x: [batch, seq, 8]\n  multi_head_attention(3)\n}', 'NN3013'],
    ["transformer heads that don't divide the model width", 'model M {\n  input x: [batch, seq, 12]\n  transformer_encoder(heads: 5, ff_dim: 24)\n}', 'NN3013'],
  ];
  for (const [what, source, code] of cases) {
    it(what, () => {
      const r = compile(source, { fileName: 'm.nn' });
      expect(r.diagnostics.map((d) => d.code)).toEqual([code]);
      const d = r.diagnostics[0]!;
      expect(d.help).toBeTruthy();
      expect(d.fixes.length).toBe(1);
      const fixed = applyFix(source, d.fixes[0]!.edits);
      expect(compile(fixed, { fileName: 'm.nn' }).diagnostics).toEqual([]);
    });
  }
});

describe('the whole layer library runs', () => {
  afterAll(() => useBackend('cpu'));

  it('every model of fixtures/layer-library.nn predicts its declared shape, the same on cpu and wasm', async () => {
    const source = readFileSync(fileURLToPath(new URL('./fixtures/layer-library.nn', import.meta.url)), 'utf8');
    const models = program(source).models;
    const outputs: Record<string, number[][]> = {};
    for (const backend of ['cpu', 'wasm'] as const) {
      await useBackend(backend);
      const mod = await loadModel(source, 'fixtures/layer-library.nn');
      for (const ir of models) {
        const shape = ir.inputs[0]!.shape.map((d) => (d.kind === 'const' ? d.value : 2));
        const size = shape.reduce((a, b) => a * b, 1);
        // Ids for the models that start with one_hot or embedding, numbers in [-1, 1) otherwise.
        const ids = ir.nodes[0]!.def.name === 'one_hot' || ir.nodes[0]!.def.name === 'embedding';
        const values = pseudoRandom(size, 3).map((v) => (ids ? Math.floor((v + 1) * 2) : v));
        const model = new mod[ir.name]({ seed: 2 });
        const y = model.predict(tf.tensor(values, shape)) as tf.Tensor;
        expect(y.shape).toEqual(ir.outputs[0]!.shape.map((d) => (d.kind === 'const' ? d.value : 2)));
        (outputs[ir.name] ??= []).push(Array.from(y.dataSync()));
        y.dispose();
        model.dispose();
      }
    }
    for (const [name, [cpu, wasm]] of Object.entries(outputs)) {
      cpu!.forEach((v, i) => expect(Math.abs(v - wasm![i]!), `${name}[${i}]`).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))));
    }
  });
});

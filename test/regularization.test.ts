// L1/L2 reach every kernel and nothing else: the layer entries say which weights are kernels, the
// generated weights() carries the flag, and fit penalises by it. One full-batch SGD step with l1 > 0
// moves each kernel value by exactly −lr·l1·sign(w) more than the same step with l1 = 0 (the
// penalty's gradient), and every bias, norm and embedding weight not at all.
import { describe, expect, it } from 'vitest';

import { fit, tf, useBackend, type NamedWeight, type TrainPlan } from '../runtime/index.js';
import { loadModel } from './helpers/load.js';
import { randomValues } from './kernels/helpers.js';

const SOURCE = `model R {
  input x: [batch, 5, 4]
  lstm(8, return_sequences: true)
  multi_head_attention(2)
  transformer_encoder(2, 16)
  conv1d(4, 2)
  flatten()
  dense(1)
}
`;

const LR = 0.1;
const L1 = 0.01;

interface Model {
  weights(): NamedWeight[];
  dispose(): void;
}

async function afterOneStep(l1: number): Promise<{ before: Map<string, Float32Array>; after: Map<string, Float32Array>; regularized: string[] }> {
  const module = await loadModel(SOURCE, 'regularization.nn');
  const model = new (module['R'] as new (o: { seed: number }) => Model)({ seed: 3 });
  const read = () => new Map(model.weights().map((w) => [w.name, w.variable.dataSync().slice() as Float32Array]));
  const before = read();
  const x = tf.tensor(randomValues(6 * 5 * 4, 21), [6, 5, 4]);
  const y = tf.tensor(randomValues(6, 22), [6, 1]);
  const plan: TrainPlan = { loss: 'mse', optimizer: { name: 'sgd', lr: LR }, batch: 'full', epochs: 1, metrics: [], shuffle: false, ...(l1 > 0 ? { l1 } : {}) };
  await fit(model as never, { x, y }, plan);
  const after = read();
  const regularized = model.weights().filter((w) => w.regularized).map((w) => w.name);
  tf.dispose([x, y]);
  model.dispose();
  return { before, after, regularized };
}

describe('L1 reaches every kernel', () => {
  it('lstm (input and recurrent), attention (query/key/value/output), transformer (attention and ffn), conv and dense kernels, and nothing else', async () => {
    await useBackend('cpu');
    const plain = await afterOneStep(0);
    const penalised = await afterOneStep(L1);
    expect(penalised.regularized.sort()).toEqual(
      [
        'lstm/kernel',
        'lstm/recurrent_kernel',
        'multi_head_attention/query_kernel',
        'multi_head_attention/key_kernel',
        'multi_head_attention/value_kernel',
        'multi_head_attention/output_kernel',
        'transformer_encoder/query_kernel',
        'transformer_encoder/key_kernel',
        'transformer_encoder/value_kernel',
        'transformer_encoder/output_kernel',
        'transformer_encoder/ffn_kernel1',
        'transformer_encoder/ffn_kernel2',
        'conv1d/kernel',
        'dense/kernel',
      ].sort(),
    );
    const regularized = new Set(penalised.regularized);
    for (const [name, start] of plain.before) {
      expect([...start]).toEqual([...penalised.before.get(name)!]); // the same initial weights
      const withPenalty = penalised.after.get(name)!;
      const without = plain.after.get(name)!;
      // The penalty's share of the step: −lr·l1·sign(w) on a kernel, 0 elsewhere.
      let worst = 0;
      for (let i = 0; i < start.length; i++) {
        const expected = regularized.has(name) ? -LR * L1 * Math.sign(start[i]!) : 0;
        worst = Math.max(worst, Math.abs(withPenalty[i]! - without[i]! - expected));
      }
      expect(worst, name).toBeLessThan(1e-5);
      if (regularized.has(name)) expect(start.some((v) => v !== 0), `${name} starts at zero`).toBe(true);
    }
  });
});

// The single-neuron worked example of the Gehl deck ("How do artificial neurons learn?"): x = 2,
// y = 2, w = 0.5, b = 0, squared error, one SGD step with learning rate 0.1 gives w = 0.9, b = 0.2.
// Run through the compiled module, not a formula.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '../runtime/index.js';
import { loadModel } from './helpers/load.js';

const source = `
model Neuron {
  input x: [batch, 1]
  dense(1, kernel: [[0.5]], bias: [0])
}

data example = table {
  x -> y
  2 -> 2
}

train Neuron on example {
  loss: mse
  optimizer: sgd(lr: 0.1)
  batch: full
  epochs: 1
}
`;

describe('the Gehl single neuron', () => {
  beforeAll(() => useBackend('cpu'));

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`one SGD step gives w = 0.9, b = 0.2 (${backend})`, async () => {
      await useBackend(backend);
      const mod = await loadModel(source);
      const model = new mod.Neuron();
      const before = model.predict([[2]]);
      expect(before.dataSync()[0]).toBeCloseTo(1, 6); // ŷ = 0.5 · 2 + 0
      before.dispose();
      await model.train(mod.example, mod.NeuronPlan);
      const [w, b] = model.weights().map((entry: { variable: tf.Variable }) => entry.variable.dataSync()[0]);
      expect(w).toBeCloseTo(0.9, 6);
      expect(b).toBeCloseTo(0.2, 6);
      model.dispose();
    });
  }
});

// A runtime error of a checked program names the layer and its `.nn` line with an NN code (issue
// 12): an `embedding` given an id outside [0, input_dim), in `predict` and in training (the derived
// backward pass and the tape), on cpu and wasm, is NN4208, not tfjs's bare "GatherV2: the index
// value 12 is not in [0, 9]".
import { afterAll, describe, expect, it } from 'vitest';
import { fit, useBackend } from '../runtime/index.js';
import { loadModel } from './helpers/load.js';

const source = `
model Tokens {
  input ids: [batch, 2]
  embedding(10, 8)
  flatten
  dense(1, activation: sigmoid)
}`;

const message = 'embedding `embedding` (tokens.nn:4 embedding(10, 8)) was given the id 12, but its ids run from 0 to 9 (input_dim 10): give it an input_dim above the largest id, or map the ids into that range';

describe.each(['cpu', 'wasm'] as const)('an embedding id out of range on %s', (backend) => {
  afterAll(() => useBackend('cpu'));

  it('is NN4208 naming the layer and its line, in predict and in training', async () => {
    await useBackend(backend);
    const mod = await loadModel(source, 'tokens.nn');
    const model = new mod['Tokens']({ seed: 3 });
    expect(() => model.predict([[1, 12]])).toThrow(expect.objectContaining({ code: 'NN4208', message }));
    const plan = { epochs: 1, batch: 'full' as const, loss: 'binary_crossentropy' as const, optimizer: { name: 'adam' as const } };
    await expect(fit(model, { x: [[1, 2], [3, 12]], y: [[1], [0]] }, plan as never)).rejects.toMatchObject({ code: 'NN4208', message });
    const y = model.predict([[1, 9]]);
    expect(y.shape).toEqual([1, 1]);
    y.dispose();
    model.dispose();
  });
});

// `predict` of a model with several inputs or outputs takes a record naming its inputs; given
// what a one-input model takes (`predict([[…]])`), it says so, with NN4205, instead of reading the
// array as a record whose inputs are all undefined (issue 12).
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, toInputTensors, useBackend } from '../runtime/index.js';
import { loadModel } from './helpers/load.js';

beforeAll(() => useBackend('cpu'));

describe('predict on a model with several inputs or outputs', () => {
  it('names the record a one-input, two-output model takes when given an array', async () => {
    const mod = await loadModel(`
model Heads {
  input x: [batch, 2]
  let h = dense(3)
  let a = h |> dense(1)
  let b = h |> dense(2)
  output a
  output b
}`);
    const model = new mod['Heads']({ seed: 1 });
    const before = tf.memory().numTensors;
    expect(() => model.predict([[1, 2]])).toThrow(expect.objectContaining({ code: 'NN4205' }));
    expect(() => model.predict([[1, 2]])).toThrow('`predict` of this model takes a record naming its inputs, `{ x: … }`, found an array');
    expect(tf.memory().numTensors).toBe(before);
    const y = model.predict({ x: [[1, 2]] });
    expect(Object.keys(y)).toEqual(['a', 'b']);
    expect(y.a.shape).toEqual([1, 1]);
    expect(y.b.shape).toEqual([1, 2]);
    y.a.dispose();
    y.b.dispose();
  });

  it('names every input of a two-input model, and the ones a record lacks', async () => {
    const mod = await loadModel(`
model Pair {
  input left: [batch, 2]
  input right: [batch, 3]
  concat(left, right) |> dense(1)
}`);
    const model = new mod['Pair']({ seed: 1 });
    const x = tf.tensor2d([[1, 2]]);
    expect(() => model.predict(x)).toThrow('`predict` of this model takes a record naming its inputs, `{ left: …, right: … }`, found a tensor');
    expect(() => model.predict(undefined)).toThrow(/found undefined/);
    expect(() => model.predict({ left: [[1, 2]] })).toThrow('the record given to `predict` has no `right`: this model takes a record naming its inputs, `{ left: …, right: … }`');
    expect(model.predict({ left: x, right: [[1, 2, 3]] }).output.shape).toEqual([1, 1]);
    x.dispose();
  });

  it('frees the tensors it made when a later input is malformed', () => {
    const before = tf.memory().numTensors;
    const shapes = { a: [null, 2], b: [null, 2] };
    expect(() => toInputTensors({ a: [[1, 2]], b: [[1, 2, 3]] }, shapes)).toThrow('input `b` must have shape [?, 2], found [1, 3]');
    expect(tf.memory().numTensors).toBe(before);
    const given = tf.tensor2d([[1, 2]]);
    const ts = toInputTensors({ a: given, b: [[3, 4]] }, shapes);
    expect(ts.a).toBe(given);
    expect(Array.from(ts.b.dataSync())).toEqual([3, 4]);
    tf.dispose([given, ts.b]);
  });
});

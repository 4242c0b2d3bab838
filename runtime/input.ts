// Turns what an app passes to `predict` into a tensor of the shape the model was checked for, or
// fails with a sentence that names the input and the dimension.
import * as tf from '@tensorflow/tfjs-core';
import { NncRuntimeError } from './errors.js';

/** A nested array of numbers, as apps usually hold data. */
export type NestedNumbers = number | NestedNumbers[];

/** `expected` holds a size per axis, or `null` where the dimension is symbolic (e.g. `batch`). */
export function toInputTensor(value: tf.Tensor | NestedNumbers, expected: readonly (number | null)[], name: string): tf.Tensor {
  let t: tf.Tensor;
  if (value instanceof tf.Tensor) t = value;
  else {
    try {
      t = tf.tensor(value as number[], undefined, 'float32');
    } catch (e) {
      throw new NncRuntimeError('NN4101', `input \`${name}\` is not a rectangular array of numbers (${(e as Error).message})`);
    }
  }
  const found = t.shape;
  const show = (s: readonly (number | null)[]) => `[${s.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
  if (found.length !== expected.length || expected.some((d, i) => d !== null && d !== found[i])) {
    if (t !== value) t.dispose();
    throw new NncRuntimeError('NN4102', `input \`${name}\` must have shape ${show(expected)}, found ${show(found)}`);
  }
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}

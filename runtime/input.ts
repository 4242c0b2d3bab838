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
    // tfjs checks raggedness only in debug mode: in prod mode [[1, 2], [3]] silently becomes a
    // [2, 2] tensor holding three values. So the shape is inferred and checked here.
    const shape: number[] = [];
    for (let v: NestedNumbers = value; Array.isArray(v); v = v[0]) shape.push(v.length);
    const flat = new Float32Array(shape.reduce((a, b) => a * b, 1));
    let next = 0;
    const walk = (v: NestedNumbers, depth: number, path: string): void => {
      if (depth === shape.length) {
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          throw new NncRuntimeError('NN4205', `input \`${name}\` has ${String(v)} at ${path || 'the top'}, not a finite number`);
        }
        flat[next++] = v;
        return;
      }
      if (!Array.isArray(v) || v.length !== shape[depth]) {
        throw new NncRuntimeError(
          'NN4205',
          `input \`${name}\` is not a rectangular array of numbers: ${path || 'the top'} has ${Array.isArray(v) ? v.length : 'no'} elements where ${shape[depth]} were expected`,
        );
      }
      v.forEach((item, i) => walk(item, depth + 1, `${path}[${i}]`));
    };
    walk(value, 0, '');
    t = tf.tensor(flat, shape, 'float32');
  }
  const found = t.shape;
  const show = (s: readonly (number | null)[]) => `[${s.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
  if (found.length !== expected.length || expected.some((d, i) => d !== null && d !== found[i])) {
    if (t !== value) t.dispose();
    throw new NncRuntimeError('NN4205', `input \`${name}\` must have shape ${show(expected)}, found ${show(found)}`);
  }
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}

/**
 * After a prediction: frees the input tensors `predict` made from arrays, and makes sure the
 * caller owns every output. A forward pass may hand back an input itself (a model that is only
 * `dropout` at inference is the identity): such an output must not be freed with the converted
 * inputs, and an output that *is* the caller's own tensor is cloned, so disposing the result does
 * not dispose the caller's input.
 */
export function settlePrediction<T extends tf.Tensor | Record<string, tf.Tensor>>(outputs: T, converted: readonly tf.Tensor[], given: readonly unknown[]): T {
  const list: tf.Tensor[] = outputs instanceof tf.Tensor ? [outputs] : Object.values(outputs);
  for (const [i, t] of converted.entries()) if (t !== given[i] && !list.includes(t)) t.dispose();
  const own = (t: tf.Tensor): tf.Tensor => (given.includes(t) ? tf.clone(t) : t);
  if (outputs instanceof tf.Tensor) return own(outputs) as T;
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, own(v)])) as T;
}

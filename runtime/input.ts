// Turns what an app passes to `predict` into a tensor of the shape the model was checked for, or
// fails with a sentence that names the input and the dimension.
import * as tf from '@tensorflow/tfjs-core';
import { NncRuntimeError, RUNTIME_ERROR_CODES } from './errors.js';
import type { NestedNumbers } from './types.js';

export type { NestedNumbers } from './types.js';

/**
 * A float32 tensor of a rectangular nested array; `what` names it in the error (`input \`x\``).
 * tfjs checks raggedness only in debug mode: in prod mode [[1, 2], [3]] silently becomes a [2, 2]
 * tensor holding three values. So the shape is inferred and checked here.
 */
export function nestedToTensor(value: NestedNumbers, what: string): tf.Tensor {
  const shape: number[] = [];
  for (let v: NestedNumbers | undefined = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  const flat = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let next = 0;
  const walk = (v: NestedNumbers, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new NncRuntimeError(RUNTIME_ERROR_CODES.badInput, `${what} has ${String(v)} at ${path || 'the top'}, not a finite number`);
      }
      flat[next++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new NncRuntimeError(
        RUNTIME_ERROR_CODES.badInput,
        `${what} is not a rectangular array of numbers: ${path || 'the top'} has ${Array.isArray(v) ? v.length : 'no'} elements where ${shape[depth]} were expected`,
      );
    }
    v.forEach((item, i) => walk(item, depth + 1, `${path}[${i}]`));
  };
  walk(value, 0, '');
  return tf.tensor(flat, shape, 'float32');
}

/** A shape as the messages show it: `null` (a symbolic dimension) as `?`. */
export function showShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/** Whether `found` has `expected`'s rank and size on every axis that `expected` fixes. */
export function shapeMatches(found: readonly number[], expected: readonly (number | null)[]): boolean {
  return found.length === expected.length && expected.every((d, i) => d === null || d === found[i]);
}

/** `expected` holds a size per axis, or `null` where the dimension is symbolic (e.g. `batch`). */
export function toInputTensor(value: tf.Tensor | NestedNumbers, expected: readonly (number | null)[], name: string): tf.Tensor {
  const t = value instanceof tf.Tensor ? value : nestedToTensor(value, `input \`${name}\``);
  if (!shapeMatches(t.shape, expected)) {
    if (t !== value) t.dispose();
    throw new NncRuntimeError(RUNTIME_ERROR_CODES.badInput, `input \`${name}\` must have shape ${showShape(expected)}, found ${showShape(t.shape)}`);
  }
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}

/**
 * `predict` of a model with several inputs or outputs: `given` must be a record naming every input
 * (`{ left: …, right: … }`); each becomes a tensor as `toInputTensor` makes it. An array or tensor
 * in its place (`predict([[…]])`, as for a one-input model) is named as such, not read as a record
 * whose inputs are all missing.
 */
export function toInputTensors<K extends string>(given: Readonly<Record<K, tf.Tensor | NestedNumbers>>, shapes: Readonly<Record<K, readonly (number | null)[]>>): Record<K, tf.Tensor> {
  const names = Object.keys(shapes) as K[];
  const wanted = `a record naming its inputs, \`{ ${names.map((n) => `${n}: …`).join(', ')} }\``;
  const found: unknown = given;
  if (typeof found !== 'object' || found === null || Array.isArray(found) || found instanceof tf.Tensor) {
    const what = Array.isArray(found) ? 'an array' : found instanceof tf.Tensor ? 'a tensor' : String(found);
    throw new NncRuntimeError(RUNTIME_ERROR_CODES.badInput, `\`predict\` of this model takes ${wanted}, found ${what}`);
  }
  const missing = names.filter((n) => given[n] === undefined);
  if (missing.length > 0) {
    throw new NncRuntimeError(RUNTIME_ERROR_CODES.badInput, `the record given to \`predict\` has no ${missing.map((n) => `\`${n}\``).join(', ')}: this model takes ${wanted}`);
  }
  const tensors = {} as Record<K, tf.Tensor>;
  try {
    for (const n of names) tensors[n] = toInputTensor(given[n], shapes[n], n);
  } catch (e) {
    for (const n of names) if (tensors[n] && tensors[n] !== given[n]) tensors[n].dispose();
    throw e;
  }
  return tensors;
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

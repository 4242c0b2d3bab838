// Weight initialisers filled from our PRNG on the JS side and uploaded with `tf.tensor`, so the
// same seed gives bit-identical initial weights on every backend.
import * as tf from '@tensorflow/tfjs-core';

import { createRng } from './random.js';

/** Fan-in and fan-out as Keras computes them (`[in, out]` dense kernels, `[...k, in, out]` convs). */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  const [first, second] = shape;
  if (first === undefined) return { fanIn: 1, fanOut: 1 };
  if (second === undefined) return { fanIn: first, fanOut: first };
  const [inputs, outputs] = shape.slice(-2) as [number, number]; // rank >= 2 here
  let receptiveField = 1;
  for (const d of shape.slice(0, -2)) receptiveField *= d;
  return { fanIn: inputs * receptiveField, fanOut: outputs * receptiveField };
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`A weight shape must be a list of non-negative integers, got [${shape.join(', ')}].`);
    }
    n *= d;
  }
  return n;
}

/** Uniform in [min, max) from our PRNG. */
export function randomUniform(shape: number[], seed: number, min: number, max: number): tf.Tensor {
  const values = new Float32Array(sizeOf(shape));
  const rng = createRng(seed);
  const width = max - min;
  for (let i = 0; i < values.length; i++) values[i] = min + width * rng.next();
  return tf.tensor(values, shape, 'float32');
}

/** Keras' default kernel initialiser: U(-limit, limit), limit = sqrt(6 / (fanIn + fanOut)). */
export function glorotUniform(shape: number[], seed: number): tf.Tensor {
  const { fanIn, fanOut } = computeFans(shape);
  const limit = Math.sqrt(6 / Math.max(1, fanIn + fanOut));
  return randomUniform(shape, seed, -limit, limit);
}

/** For ReLU layers: U(-limit, limit), limit = sqrt(6 / fanIn). */
export function heUniform(shape: number[], seed: number): tf.Tensor {
  const { fanIn } = computeFans(shape);
  const limit = Math.sqrt(6 / Math.max(1, fanIn));
  return randomUniform(shape, seed, -limit, limit);
}

export function zeros(shape: number[]): tf.Tensor {
  sizeOf(shape);
  return tf.zeros(shape, 'float32');
}

export function ones(shape: number[]): tf.Tensor {
  sizeOf(shape);
  return tf.ones(shape, 'float32');
}

/**
 * Keras' default for recurrent kernels: a (semi-)orthogonal matrix, so repeated multiplication by
 * it neither blows up nor vanishes the state. As Keras: draw a [max, min] standard-normal matrix,
 * take the Q of its QR decomposition with the signs of R's diagonal, and transpose when the
 * weight is wider than tall. Q comes from modified Gram–Schmidt, whose R has a positive diagonal,
 * which is exactly that sign convention.
 */
export function orthogonal(shape: number[], seed: number): tf.Tensor {
  const size = sizeOf(shape);
  const cols = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  const rows = cols === 0 ? 0 : size / cols;
  const tall = Math.max(rows, cols);
  const wide = Math.min(rows, cols);
  const rng = createRng(seed);
  // a[i][j], column-major by j so each column is one contiguous Float64Array.
  const columns = Array.from({ length: wide }, () => new Float64Array(tall));
  for (let i = 0; i < tall; i++) {
    for (let j = 0; j < wide; j++) {
      // Box–Muller from two uniforms in (0, 1].
      const u = 1 - rng.next();
      const v = rng.next();
      columns[j]![i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
  }
  for (let j = 0; j < wide; j++) {
    const q = columns[j]!;
    for (let k = 0; k < j; k++) {
      const prev = columns[k]!;
      let dot = 0;
      for (let i = 0; i < tall; i++) dot += prev[i]! * q[i]!;
      for (let i = 0; i < tall; i++) q[i]! -= dot * prev[i]!;
    }
    let norm = 0;
    for (let i = 0; i < tall; i++) norm += q[i]! * q[i]!;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < tall; i++) q[i]! /= norm;
  }
  // Q is [tall, wide]; the weight is [rows, cols]: Q itself when rows ≥ cols, else Qᵀ.
  const values = new Float32Array(size);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) values[r * cols + c] = rows >= cols ? columns[c]![r]! : columns[r]![c]!;
  }
  return tf.tensor(values, shape, 'float32');
}

export type InitializerName = 'glorot_uniform' | 'he_uniform' | 'orthogonal' | 'zeros' | 'ones';

/** By Keras name, for generated code: `initialize('glorot_uniform', [2, 4], deriveSeed(seed, 'dense_1/kernel'))`. */
export function initialize(name: InitializerName, shape: number[], seed: number): tf.Tensor {
  switch (name) {
    case 'glorot_uniform':
      return glorotUniform(shape, seed);
    case 'he_uniform':
      return heUniform(shape, seed);
    case 'orthogonal':
      return orthogonal(shape, seed);
    case 'zeros':
      return zeros(shape);
    case 'ones':
      return ones(shape);
    default:
      throw new RangeError(`There is no initializer called '${String(name)}'.`);
  }
}

/**
 * A weight from its initial value. `tf.variable` keeps the initial tensor alive beside the
 * variable, so a model's construction would leak one tensor per weight: the initial value is
 * freed here once the variable holds its data.
 */
export function variable(initial: tf.Tensor, trainable: boolean): tf.Variable {
  const v = tf.variable(initial, trainable);
  initial.dispose();
  return v;
}

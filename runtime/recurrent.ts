// Recurrent layers unrolled over the steps axis with tfjs-core ops (Keras' gate layouts, so
// weights and parameter counts match Keras). The input projection of every step is one matMul up
// front; only the recurrent part runs per step. Inputs are [batch, steps, features].
import * as tf from '@tensorflow/tfjs-core';

export type Activation = (x: tf.Tensor) => tf.Tensor;

/** x·kernel (+ bias) for every step at once, split into one [batch, k] tensor per step. */
function projectSteps(x: tf.Tensor, kernel: tf.Tensor, bias?: tf.Tensor): tf.Tensor[] {
  const [batch, steps, features] = x.shape as [number, number, number];
  let xw = tf.matMul(tf.reshape(x, [-1, features]), kernel as tf.Tensor2D);
  if (bias) xw = tf.add(xw, bias);
  // tfjs's gradient of a one-output Unpack fails (it is handed a tensor, not an array): one step is a reshape.
  if (steps === 1) return [tf.reshape(xw, [batch, -1])];
  return tf.unstack(tf.reshape(xw, [batch, steps, -1]), 1);
}

function stepsInOrder(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | undefined, backwards: boolean): tf.Tensor[] {
  const steps = projectSteps(x, kernel, bias);
  // A copy: reversing unstack's array in place would reorder the tape's record of its outputs,
  // and the gradient of every step would go to the mirrored step.
  return backwards ? [...steps].reverse() : steps;
}

/** The last state, or every state in the input's time order ([batch, steps, units]). */
function collect(states: tf.Tensor[], returnSequences: boolean, backwards: boolean): tf.Tensor {
  if (!returnSequences) return states[states.length - 1]!;
  return tf.stack(backwards ? [...states].reverse() : states, 1);
}

export interface RecurrentOptions {
  units: number;
  returnSequences: boolean;
  /** Reads the steps last to first (the backward half of a bidirectional layer). */
  backwards?: boolean;
}

/** Keras SimpleRNN: h = activation(x·W + h·U + b). */
export function simpleRnn(x: tf.Tensor, kernel: tf.Tensor, recurrentKernel: tf.Tensor, bias: tf.Tensor | undefined, activation: Activation, o: RecurrentOptions): tf.Tensor {
  let h: tf.Tensor = tf.zeros([x.shape[0]!, o.units]);
  const states: tf.Tensor[] = [];
  for (const xw of stepsInOrder(x, kernel, bias, o.backwards ?? false)) {
    h = activation(tf.add(xw, tf.matMul(h as tf.Tensor2D, recurrentKernel as tf.Tensor2D)));
    states.push(h);
  }
  return collect(states, o.returnSequences, o.backwards ?? false);
}

/** Keras LSTM, gates in Keras' order i, f, c, o: c = f·c + i·tanh(z_c), h = o·tanh(c). */
export function lstm(x: tf.Tensor, kernel: tf.Tensor, recurrentKernel: tf.Tensor, bias: tf.Tensor | undefined, o: RecurrentOptions): tf.Tensor {
  let h: tf.Tensor = tf.zeros([x.shape[0]!, o.units]);
  let c: tf.Tensor = tf.zeros([x.shape[0]!, o.units]);
  const states: tf.Tensor[] = [];
  for (const xw of stepsInOrder(x, kernel, bias, o.backwards ?? false)) {
    const z = tf.add(xw, tf.matMul(h as tf.Tensor2D, recurrentKernel as tf.Tensor2D));
    const [zi, zf, zc, zo] = tf.split(z, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    c = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zc)));
    h = tf.mul(tf.sigmoid(zo), tf.tanh(c));
    states.push(h);
  }
  return collect(states, o.returnSequences, o.backwards ?? false);
}

/**
 * Keras GRU with reset_after = true (its default, and cuDNN's): gates z, r, h; the bias is
 * [2, 3·units], one row for the input and one for the recurrent projection, and the reset gate
 * applies after the recurrent matMul: h̃ = tanh(x_h + r·(h·U_h + b_h)), h = z·h + (1 - z)·h̃.
 */
export function gru(x: tf.Tensor, kernel: tf.Tensor, recurrentKernel: tf.Tensor, bias: tf.Tensor | undefined, o: RecurrentOptions): tf.Tensor {
  const [inputBias, recurrentBias] = bias ? (tf.unstack(bias, 0) as [tf.Tensor, tf.Tensor]) : [undefined, undefined];
  let h: tf.Tensor = tf.zeros([x.shape[0]!, o.units]);
  const states: tf.Tensor[] = [];
  for (const xw of stepsInOrder(x, kernel, inputBias, o.backwards ?? false)) {
    let hu = tf.matMul(h as tf.Tensor2D, recurrentKernel as tf.Tensor2D) as tf.Tensor;
    if (recurrentBias) hu = tf.add(hu, recurrentBias);
    const [xz, xr, xh] = tf.split(xw, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const [hz, hr, hh] = tf.split(hu, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const z = tf.sigmoid(tf.add(xz, hz));
    const r = tf.sigmoid(tf.add(xr, hr));
    const candidate = tf.tanh(tf.add(xh, tf.mul(r, hh)));
    h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), candidate));
    states.push(h);
  }
  return collect(states, o.returnSequences, o.backwards ?? false);
}

/** Keras Bidirectional with merge_mode = concat: forward and backward outputs side by side. */
export function concatDirections(forward: tf.Tensor, backward: tf.Tensor): tf.Tensor {
  return tf.concat([forward, backward], -1);
}

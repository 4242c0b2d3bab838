// Recurrent layers unrolled over the steps axis with tfjs-core ops (Keras' gate layouts, so
// weights and parameter counts match Keras). The input projection of every step is one matMul up
// front; only the recurrent part runs per step. Inputs are [batch, steps, features]. Each layer is
// one function that also keeps what backpropagation through time needs (a trace, used by the
// backward pass the compiler derives: runtime/kernels/recurrent-backward.ts); `simpleRnn`, `lstm`
// and `gru` are their outputs, so the tape and the derived pass differentiate the same ops.
import * as tf from '@tensorflow/tfjs-core';

export type Activation = (x: tf.Tensor) => tf.Tensor;

export interface RecurrentOptions {
  units: number;
  returnSequences: boolean;
  /** Reads the steps last to first (the backward half of a bidirectional layer). */
  backwards?: boolean;
}

/** What every trace holds. Per-step arrays are in processing order (last to first when `backwards`). */
export interface TraceBase {
  readonly x: tf.Tensor;
  readonly kernel: tf.Tensor;
  readonly recurrentKernel: tf.Tensor;
  readonly hasBias: boolean;
  readonly options: RecurrentOptions;
  /** The state before each step (zeros before the first). */
  readonly previousStates: tf.Tensor[];
}

export interface SimpleRnnTrace extends TraceBase {
  readonly kind: 'simple_rnn';
  /** The state after each step, activation(x·W + h·U + b). */
  readonly states: tf.Tensor[];
}

export interface LstmTrace extends TraceBase {
  readonly kind: 'lstm';
  readonly inputGate: tf.Tensor[];
  readonly forgetGate: tf.Tensor[];
  /** tanh(z_c), the cell's new content. */
  readonly candidate: tf.Tensor[];
  readonly outputGate: tf.Tensor[];
  /** The cell state before each step (zeros before the first). */
  readonly previousCells: tf.Tensor[];
  /** tanh of the cell state after each step. */
  readonly cellTanh: tf.Tensor[];
}

export interface GruTrace extends TraceBase {
  readonly kind: 'gru';
  readonly updateGate: tf.Tensor[];
  readonly resetGate: tf.Tensor[];
  /** h̃, the candidate state. */
  readonly candidate: tf.Tensor[];
  /** h·U_h + b_h, the recurrent part the reset gate multiplies. */
  readonly recurrentCandidate: tf.Tensor[];
}

/** x·kernel (+ bias) for every step at once, one [batch, k] tensor per step. */
function stepsInOrder(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | undefined, backwards: boolean): tf.Tensor[] {
  const [batch, steps, features] = x.shape as [number, number, number];
  let xw = tf.matMul(tf.reshape(x, [-1, features]), kernel as tf.Tensor2D) as tf.Tensor;
  if (bias) xw = tf.add(xw, bias);
  // tfjs's gradient of a one-output Unpack fails (it is handed a tensor, not an array): one step
  // is a reshape. The reversal is of a fresh array, never of one the tape recorded.
  if (steps === 1) return [tf.reshape(xw, [batch, -1])];
  // The same values as recurrent.ts's tf.unstack along the steps axis, but stock wasm's Unpack
  // copies its whole input out of the heap once per step (nnc's `fast` kernel set replaces it,
  // `minimal` does not): transpose once, then contiguous slices, fast under every set.
  const perStep = unstacked(tf.transpose(tf.reshape(xw, [batch, steps, -1]), [1, 0, 2]));
  return backwards ? perStep.reverse() : perStep;
}

/**
 * tf.split(t, parts, 1) of a [batch, parts·k] tensor (the same values): stock wasm's SplitV, like
 * its Unpack, copies the whole input out of the heap for every part; nnc's Slice copies only the part.
 */
function columns(t: tf.Tensor, parts: number): tf.Tensor[] {
  const [batch, width] = t.shape as [number, number];
  const k = width / parts;
  return Array.from({ length: parts }, (_, p) => tf.slice(t, [0, p * k], [batch, k]));
}

/** A [steps, batch, k] tensor as one [batch, k] tensor per step, each a contiguous slice. */
export function unstacked(t: tf.Tensor): tf.Tensor[] {
  const [steps, batch, k] = t.shape as [number, number, number];
  return Array.from({ length: steps }, (_, s) => tf.reshape(tf.slice(t, [s, 0, 0], [1, batch, k]), [batch, k]));
}

/** The last state, or every state in the input's time order ([batch, steps, units]). */
function collect(states: tf.Tensor[], o: RecurrentOptions): tf.Tensor {
  if (!o.returnSequences) return states[states.length - 1]!;
  return tf.stack(o.backwards ? [...states].reverse() : states, 1);
}

/** `rt.simpleRnn`'s output, and its trace for `simpleRnnBackward`. */
export function simpleRnnForwardTrace(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | undefined,
  activation: Activation,
  o: RecurrentOptions,
): { output: tf.Tensor; trace: SimpleRnnTrace } {
  let h: tf.Tensor = tf.zeros([x.shape[0]!, o.units]);
  const states: tf.Tensor[] = [];
  const previousStates: tf.Tensor[] = [];
  for (const xw of stepsInOrder(x, kernel, bias, o.backwards ?? false)) {
    previousStates.push(h);
    h = activation(tf.add(xw, tf.matMul(h as tf.Tensor2D, recurrentKernel as tf.Tensor2D)));
    states.push(h);
  }
  const trace: SimpleRnnTrace = { kind: 'simple_rnn', x, kernel, recurrentKernel, hasBias: bias !== undefined, options: o, previousStates, states };
  return { output: collect(states, o), trace };
}

/** `rt.lstm`'s output, and its trace for `lstmBackward`. */
export function lstmForwardTrace(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | undefined,
  o: RecurrentOptions,
): { output: tf.Tensor; trace: LstmTrace } {
  let h: tf.Tensor = tf.zeros([x.shape[0]!, o.units]);
  let c: tf.Tensor = tf.zeros([x.shape[0]!, o.units]);
  const states: tf.Tensor[] = [];
  const t: Omit<LstmTrace, 'kind' | 'x' | 'kernel' | 'recurrentKernel' | 'hasBias' | 'options'> = {
    previousStates: [],
    inputGate: [],
    forgetGate: [],
    candidate: [],
    outputGate: [],
    previousCells: [],
    cellTanh: [],
  };
  for (const xw of stepsInOrder(x, kernel, bias, o.backwards ?? false)) {
    t.previousStates.push(h);
    t.previousCells.push(c);
    const z = tf.add(xw, tf.matMul(h as tf.Tensor2D, recurrentKernel as tf.Tensor2D));
    const [zi, zf, zc, zo] = columns(z, 4) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const f = tf.sigmoid(zf);
    const i = tf.sigmoid(zi);
    const g = tf.tanh(zc);
    c = tf.add(tf.mul(f, c), tf.mul(i, g));
    const og = tf.sigmoid(zo);
    const tc = tf.tanh(c);
    h = tf.mul(og, tc);
    t.inputGate.push(i);
    t.forgetGate.push(f);
    t.candidate.push(g);
    t.outputGate.push(og);
    t.cellTanh.push(tc);
    states.push(h);
  }
  const trace: LstmTrace = { kind: 'lstm', x, kernel, recurrentKernel, hasBias: bias !== undefined, options: o, ...t };
  return { output: collect(states, o), trace };
}

/** `rt.gru`'s output (reset_after, the only GRU variant nnc has), and its trace for `gruBackward`. */
export function gruForwardTrace(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | undefined,
  o: RecurrentOptions,
): { output: tf.Tensor; trace: GruTrace } {
  const [inputBias, recurrentBias] = bias ? (tf.unstack(bias, 0) as [tf.Tensor, tf.Tensor]) : [undefined, undefined];
  let h: tf.Tensor = tf.zeros([x.shape[0]!, o.units]);
  const states: tf.Tensor[] = [];
  const t: Omit<GruTrace, 'kind' | 'x' | 'kernel' | 'recurrentKernel' | 'hasBias' | 'options'> = {
    previousStates: [],
    updateGate: [],
    resetGate: [],
    candidate: [],
    recurrentCandidate: [],
  };
  for (const xw of stepsInOrder(x, kernel, inputBias, o.backwards ?? false)) {
    t.previousStates.push(h);
    let hu = tf.matMul(h as tf.Tensor2D, recurrentKernel as tf.Tensor2D) as tf.Tensor;
    if (recurrentBias) hu = tf.add(hu, recurrentBias);
    const [xz, xr, xh] = columns(xw, 3) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const [hz, hr, hh] = columns(hu, 3) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const z = tf.sigmoid(tf.add(xz, hz));
    const r = tf.sigmoid(tf.add(xr, hr));
    const candidate = tf.tanh(tf.add(xh, tf.mul(r, hh)));
    h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), candidate));
    t.updateGate.push(z);
    t.resetGate.push(r);
    t.candidate.push(candidate);
    t.recurrentCandidate.push(hh);
    states.push(h);
  }
  const trace: GruTrace = { kind: 'gru', x, kernel, recurrentKernel, hasBias: bias !== undefined, options: o, ...t };
  return { output: collect(states, o), trace };
}

/** Keras SimpleRNN: h = activation(x·W + h·U + b). */
export function simpleRnn(x: tf.Tensor, kernel: tf.Tensor, recurrentKernel: tf.Tensor, bias: tf.Tensor | undefined, activation: Activation, o: RecurrentOptions): tf.Tensor {
  return simpleRnnForwardTrace(x, kernel, recurrentKernel, bias, activation, o).output;
}

/** Keras LSTM, gates in Keras' order i, f, c, o: c = f·c + i·tanh(z_c), h = o·tanh(c). */
export function lstm(x: tf.Tensor, kernel: tf.Tensor, recurrentKernel: tf.Tensor, bias: tf.Tensor | undefined, o: RecurrentOptions): tf.Tensor {
  return lstmForwardTrace(x, kernel, recurrentKernel, bias, o).output;
}

/**
 * Keras GRU with reset_after = true (its default, and cuDNN's): gates z, r, h; the bias is
 * [2, 3·units], one row for the input and one for the recurrent projection, and the reset gate
 * applies after the recurrent matMul: h̃ = tanh(x_h + r·(h·U_h + b_h)), h = z·h + (1 - z)·h̃.
 */
export function gru(x: tf.Tensor, kernel: tf.Tensor, recurrentKernel: tf.Tensor, bias: tf.Tensor | undefined, o: RecurrentOptions): tf.Tensor {
  return gruForwardTrace(x, kernel, recurrentKernel, bias, o).output;
}

/** Keras Bidirectional with merge_mode = concat: forward and backward outputs side by side. */
export function concatDirections(forward: tf.Tensor, backward: tf.Tensor): tf.Tensor {
  return tf.concat([forward, backward], -1);
}

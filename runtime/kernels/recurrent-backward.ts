// Backpropagation through time written by hand for the recurrent layers of runtime/recurrent.ts,
// for the backward pass the compiler derives (no gradient tape, which records several ops per
// step and differentiates each of them): from a layer's trace (`…ForwardTrace` in recurrent.ts,
// whose output `rt.lstm` & co. return) and dL/doutput to dL/dx and each weight's gradient.
//
// How the backward pass stays cheap: the per-step factors that do not depend on the incoming
// gradient (gate derivatives and the like) are computed for all steps at once on stacked tensors;
// only the recurrence itself (a few ops and one matMul by the transposed recurrent kernel) runs per
// step; and the input kernel's gradient, the input gradient and the recurrent kernel's gradient
// are each one matMul over every step at once, with explicit transposes (wasm's transposed matMul
// is slow). Everything is created in the caller's tf.tidy; nothing is read back.
import * as tf from '@tensorflow/tfjs-core';

import { unstacked, type GruTrace, type LstmTrace, type RecurrentOptions, type SimpleRnnTrace, type TraceBase } from '../recurrent.js';
import { activationBackward, type DerivedLayerActivation } from './derived-backward.js';

/** Gradients of one recurrent layer (one direction). `dx` is left out when not asked for. */
export interface RecurrentGradients {
  dx: tf.Tensor | undefined;
  dKernel: tf.Tensor;
  dRecurrentKernel: tf.Tensor;
  /** [gates·units], or [2, 3·units] for a GRU; undefined without `use_bias`. */
  dBias: tf.Tensor | undefined;
}

export interface RecurrentBackwardOptions {
  /** Whether to compute dL/dx (false for a first layer, whose input is the data); default true. */
  inputGradient?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Backward passes.

/** dL/doutput of each step in processing order: every step's with return_sequences, else only the last one's. */
function outputGradients(dOutput: tf.Tensor, o: RecurrentOptions, steps: number): (tf.Tensor | undefined)[] {
  if (!o.returnSequences) return Array.from({ length: steps }, (_, k) => (k === steps - 1 ? dOutput : undefined));
  const perStep = unstacked(tf.transpose(dOutput, [1, 0, 2]));
  return o.backwards ? perStep.reverse() : perStep;
}

/** dh at a step: the output's gradient plus what flows back from the next step. */
function stateGradient(fromOutput: tf.Tensor | undefined, fromNext: tf.Tensor | undefined, shape: number[]): tf.Tensor {
  if (fromOutput && fromNext) return tf.add(fromOutput, fromNext);
  return fromOutput ?? fromNext ?? tf.zeros(shape);
}

/** A per-step array as one [steps, batch, k] tensor (processing order). */
function stacked(perStep: tf.Tensor[]): tf.Tensor {
  return perStep.length === 1 ? tf.expandDims(perStep[0]!, 0) : tf.stack(perStep, 0);
}

/** A [steps, batch, k] tensor as a [steps·batch, k] matrix. */
function rows(t: tf.Tensor): tf.Tensor2D {
  return tf.reshape(t, [-1, t.shape[t.shape.length - 1]!]);
}

/**
 * The gradients shared by every layer, from G = dL/d(x·W + b) of every step (time-major, in
 * processing order, [steps·batch, gates·units]): dW = xᵀ·G, db = Σ G, dx = G·Wᵀ. The input is
 * transposed once to [features, steps·batch] in the same row order.
 */
function inputSideGradients(trace: TraceBase, projectionGradient: tf.Tensor2D, wantInput: boolean): { dx: tf.Tensor | undefined; dKernel: tf.Tensor; dInputBias: tf.Tensor | undefined } {
  const [batch, steps, features] = trace.x.shape as [number, number, number];
  const backwards = trace.options.backwards ?? false;
  // [batch, steps, features] → [features, steps, batch]: column (t, b) is step t of example b.
  let xFeatureMajor = tf.transpose(trace.x, [2, 1, 0]);
  if (backwards && steps > 1) xFeatureMajor = tf.reverse(xFeatureMajor, 1);
  const dKernel = tf.matMul(tf.reshape(xFeatureMajor, [features, steps * batch]) as tf.Tensor2D, projectionGradient);
  const dInputBias = trace.hasBias ? tf.sum(projectionGradient, 0) : undefined;
  let dx: tf.Tensor | undefined;
  if (wantInput) {
    const timeMajor = tf.reshape(tf.matMul(projectionGradient, tf.transpose(trace.kernel as tf.Tensor2D)), [steps, batch, features]);
    dx = tf.transpose(backwards && steps > 1 ? tf.reverse(timeMajor, 0) : timeMajor, [1, 0, 2]);
  }
  return { dx, dKernel, dInputBias };
}

/** dU = Σ_t h_{t-1}ᵀ·G_t as one matMul over every step, from G time-major in processing order. */
function recurrentKernelGradient(trace: TraceBase, recurrentGradient: tf.Tensor2D): tf.Tensor {
  return tf.matMul(tf.transpose(rows(stacked(trace.previousStates))), recurrentGradient);
}

/**
 * Runs the recurrence backwards over the steps: `step(k, dh)` gets dL/dh after processing step k
 * (output gradient plus what step k+1 sent back) and returns what flows to h before step k
 * (undefined at k = 0, where nothing needs it).
 */
function throughTime(
  trace: TraceBase,
  dOutput: tf.Tensor,
  step: (k: number, dh: tf.Tensor) => tf.Tensor | undefined,
): void {
  const steps = trace.previousStates.length;
  const fromOutput = outputGradients(dOutput, trace.options, steps);
  const shape = trace.previousStates[0]!.shape;
  let fromNext: tf.Tensor | undefined;
  for (let k = steps - 1; k >= 0; k--) fromNext = step(k, stateGradient(fromOutput[k], fromNext, shape));
}

/** A simple RNN's activations the backward pass knows; `step` trains straight through, as `rt.step`. */
export type RecurrentActivation = DerivedLayerActivation | 'step';

/**
 * BPTT for `simpleRnnForwardTrace`. `activation` (and its `alpha`) must be the one the forward
 * pass applied; its derivative is taken from the states.
 */
export function simpleRnnBackward(
  trace: SimpleRnnTrace,
  dOutput: tf.Tensor,
  activation: RecurrentActivation,
  alpha?: number,
  options: RecurrentBackwardOptions = {},
): RecurrentGradients {
  const recurrentT = tf.transpose(trace.recurrentKernel as tf.Tensor2D);
  const passesThrough = activation === 'linear' || activation === 'step';
  // Other elementwise activations: their derivative for every step at once, one multiply per step.
  const slopes =
    passesThrough || activation === 'softmax' ? undefined : unstacked(activationBackward(activation, stacked(trace.states), tf.onesLike(stacked(trace.states)), alpha));
  const dPre: tf.Tensor[] = [];
  throughTime(trace, dOutput, (k, dh) => {
    const d = passesThrough ? dh : slopes ? tf.mul(dh, slopes[k]!) : activationBackward('softmax', trace.states[k]!, dh);
    dPre[k] = d;
    return k > 0 ? tf.matMul(d as tf.Tensor2D, recurrentT) : undefined;
  });
  const g = rows(stacked(dPre));
  const { dx, dKernel, dInputBias } = inputSideGradients(trace, g, options.inputGradient ?? true);
  return { dx, dKernel, dRecurrentKernel: recurrentKernelGradient(trace, g), dBias: dInputBias };
}

/** BPTT for `lstmForwardTrace` (gates i, f, c, o as Keras). */
export function lstmBackward(trace: LstmTrace, dOutput: tf.Tensor, options: RecurrentBackwardOptions = {}): RecurrentGradients {
  const recurrentT = tf.transpose(trace.recurrentKernel as tf.Tensor2D);
  const i = stacked(trace.inputGate);
  const f = stacked(trace.forgetGate);
  const g = stacked(trace.candidate);
  const o = stacked(trace.outputGate);
  const tc = stacked(trace.cellTanh);
  const slope = (s: tf.Tensor) => tf.mul(s, tf.sub(1, s));
  // dc += dh·cellFromState; dz = [dc, dc, dc, dh] · gateFactors, per step.
  const cellFromState = unstacked(tf.mul(o, tf.sub(1, tf.square(tc))));
  const gateFactors = unstacked(
    tf.concat([tf.mul(g, slope(i)), tf.mul(stacked(trace.previousCells), slope(f)), tf.mul(i, tf.sub(1, tf.square(g))), tf.mul(tc, slope(o))], 2),
  );
  const dz: tf.Tensor[] = [];
  let dcNext: tf.Tensor | undefined;
  throughTime(trace, dOutput, (k, dh) => {
    let dc = tf.mul(dh, cellFromState[k]!);
    if (dcNext) dc = tf.add(dc, dcNext);
    const d = tf.mul(tf.concat([dc, dc, dc, dh], 1), gateFactors[k]!);
    dz[k] = d;
    if (k === 0) return undefined;
    dcNext = tf.mul(dc, trace.forgetGate[k]!);
    return tf.matMul(d as tf.Tensor2D, recurrentT);
  });
  const gz = rows(stacked(dz));
  const { dx, dKernel, dInputBias } = inputSideGradients(trace, gz, options.inputGradient ?? true);
  return { dx, dKernel, dRecurrentKernel: recurrentKernelGradient(trace, gz), dBias: dInputBias };
}

/** BPTT for `gruForwardTrace` (reset_after; gates z, r, h as Keras). dBias is [2, 3·units]. */
export function gruBackward(trace: GruTrace, dOutput: tf.Tensor, options: RecurrentBackwardOptions = {}): RecurrentGradients {
  const recurrentT = tf.transpose(trace.recurrentKernel as tf.Tensor2D);
  const z = stacked(trace.updateGate);
  const r = stacked(trace.resetGate);
  const cand = stacked(trace.candidate);
  // With dh the gradient at a step's output: d(pre-z) = dh·zFactor, d(pre-h̃) = dh·candFactor,
  // d(pre-r) = d(pre-h̃)·hh·r(1 − r); the recurrent projection gets d(pre-h̃)·r where the input
  // projection gets d(pre-h̃).
  const zFactor = tf.mul(tf.mul(z, tf.sub(1, z)), tf.sub(stacked(trace.previousStates), cand));
  const candFactor = tf.mul(tf.sub(1, z), tf.sub(1, tf.square(cand)));
  const rFactor = tf.mul(candFactor, tf.mul(tf.mul(r, tf.sub(1, r)), stacked(trace.recurrentCandidate)));
  const recurrentFactors = unstacked(tf.concat([zFactor, rFactor, tf.mul(candFactor, r)], 2));
  const dh: tf.Tensor[] = [];
  const dRecurrent: tf.Tensor[] = [];
  throughTime(trace, dOutput, (k, dhk) => {
    dh[k] = dhk;
    const d = tf.mul(tf.concat([dhk, dhk, dhk], 1), recurrentFactors[k]!);
    dRecurrent[k] = d;
    if (k === 0) return undefined;
    return tf.add(tf.matMul(d as tf.Tensor2D, recurrentT), tf.mul(dhk, trace.updateGate[k]!));
  });
  const allDh = stacked(dh);
  const gInput = rows(tf.mul(tf.concat([allDh, allDh, allDh], 2), tf.concat([zFactor, rFactor, candFactor], 2)));
  const gRecurrent = rows(stacked(dRecurrent));
  const { dx, dKernel, dInputBias } = inputSideGradients(trace, gInput, options.inputGradient ?? true);
  const dBias = dInputBias ? tf.stack([dInputBias, tf.sum(gRecurrent, 0)], 0) : undefined;
  return { dx, dKernel, dRecurrentKernel: recurrentKernelGradient(trace, gRecurrent), dBias };
}

/**
 * dL/doutput of a bidirectional layer (Keras' merge_mode concat, `rt.concatDirections`) split
 * into the forward and the backward direction's halves, for their two backward calls; the layer's
 * dx is the sum of the two directions' dx.
 */
export function splitDirections(dOutput: tf.Tensor): [tf.Tensor, tf.Tensor] {
  return tf.split(dOutput, 2, -1) as [tf.Tensor, tf.Tensor];
}

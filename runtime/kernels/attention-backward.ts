// The backward pass of multi-head attention (runtime/attention.ts) written by hand, for the
// backward pass the compiler derives: from the trace its forward pass keeps (the projections and
// attention probabilities) and dL/doutput to the inputs' and every weight's gradients. Every matMul has its
// operands transposed explicitly (wasm's transposed matMul is slow); everything is created in the
// caller's tf.tidy and nothing is read back.
import * as tf from '@tensorflow/tfjs-core';

import type { AttentionOptions, AttentionTrace, AttentionWeights } from '../attention.js';

/** Gradients by the weights' own names and shapes; biases only where the layer has them. */
export type AttentionWeightGradients = AttentionWeights;

export interface AttentionGradients {
  /** dL/dquery, and dL/dmemory (for self-attention, dL/dx is their sum); undefined when not asked for. */
  dQuery: tf.Tensor | undefined;
  dMemory: tf.Tensor | undefined;
  dWeights: AttentionWeightGradients;
}

/** Swaps the last two axes of a rank-4 tensor. */
function swapLast(t: tf.Tensor): tf.Tensor4D {
  return tf.transpose(t, [0, 1, 3, 2]) as tf.Tensor4D;
}

interface ProjectionGradients {
  dx: tf.Tensor | undefined;
  dKernel: tf.Tensor;
  dBias: tf.Tensor | undefined;
}

/** The gradients of `project` from dL/d(its output) [batch, heads, steps, key_dim]; `xT` is x as [d, batch·steps]. */
function projectionBackward(x: tf.Tensor, xT: tf.Tensor2D, kernel: tf.Tensor, bias: tf.Tensor | undefined, dy: tf.Tensor, o: AttentionOptions, wantInput: boolean): ProjectionGradients {
  const d = x.shape[2]!;
  const width = o.heads * o.keyDim;
  const dy2d = tf.reshape(tf.transpose(dy, [0, 2, 1, 3]), [-1, width]) as tf.Tensor2D;
  const dKernel = tf.reshape(tf.matMul(xT, dy2d), kernel.shape);
  const dBias = bias ? tf.reshape(tf.sum(dy2d, 0), bias.shape) : undefined;
  const dx = wantInput ? tf.reshape(tf.matMul(dy2d, tf.transpose(tf.reshape(kernel, [d, width]) as tf.Tensor2D)), x.shape) : undefined;
  return { dx, dKernel, dBias };
}

/** x [batch, steps, d] as the [d, batch·steps] matrix the kernel gradients multiply. */
function featureMajor(x: tf.Tensor): tf.Tensor2D {
  return tf.transpose(tf.reshape(x, [-1, x.shape[2]!]) as tf.Tensor2D);
}

/** Backpropagation through `multiHeadAttentionForwardTrace`; `dOutput` is [batch, steps, d]. */
export function multiHeadAttentionBackward(trace: AttentionTrace, dOutput: tf.Tensor, options: { inputGradient?: boolean } = {}): AttentionGradients {
  const { weights: w, options: o } = trace;
  const wantInput = options.inputGradient ?? true;
  const [batch, steps, d] = trace.query.shape as [number, number, number];
  const width = o.heads * o.keyDim;
  const dOut2d = tf.reshape(dOutput, [-1, d]) as tf.Tensor2D;
  const outputKernel = tf.reshape(w.outputKernel, [width, d]) as tf.Tensor2D;
  const dOutputKernel = tf.reshape(tf.matMul(tf.transpose(trace.merged), dOut2d), w.outputKernel.shape);
  const dOutputBias = w.outputBias ? tf.reshape(tf.sum(dOut2d, 0), w.outputBias.shape) : undefined;
  const dMerged = tf.matMul(dOut2d, tf.transpose(outputKernel));
  const dContext = tf.transpose(tf.reshape(dMerged, [batch, steps, o.heads, o.keyDim]), [0, 2, 1, 3]) as tf.Tensor4D;
  const p = trace.probabilities as tf.Tensor4D;
  const dProbabilities = tf.matMul(dContext, swapLast(trace.v));
  const dV = tf.matMul(swapLast(p), dContext);
  // Softmax: dS = p·(dP − Σ dP·p), then the 1/√key_dim scale; the causal mask is a constant.
  const dScores = tf.div(tf.mul(p, tf.sub(dProbabilities, tf.sum(tf.mul(dProbabilities, p), -1, true))), Math.sqrt(o.keyDim)) as tf.Tensor4D;
  const dQ = tf.matMul(dScores, trace.k as tf.Tensor4D);
  const dK = tf.matMul(swapLast(dScores), trace.q as tf.Tensor4D);

  const queryT = featureMajor(trace.query);
  const memoryT = trace.memory === trace.query ? queryT : featureMajor(trace.memory);
  const gq = projectionBackward(trace.query, queryT, w.queryKernel, w.queryBias, dQ, o, wantInput);
  const gk = projectionBackward(trace.memory, memoryT, w.keyKernel, w.keyBias, dK, o, wantInput);
  const gv = projectionBackward(trace.memory, memoryT, w.valueKernel, w.valueBias, dV, o, wantInput);
  const dWeights: AttentionWeightGradients = {
    queryKernel: gq.dKernel,
    keyKernel: gk.dKernel,
    valueKernel: gv.dKernel,
    outputKernel: dOutputKernel,
    ...(gq.dBias ? { queryBias: gq.dBias } : {}),
    ...(gk.dBias ? { keyBias: gk.dBias } : {}),
    ...(gv.dBias ? { valueBias: gv.dBias } : {}),
    ...(dOutputBias ? { outputBias: dOutputBias } : {}),
  };
  return { dQuery: gq.dx, dMemory: gk.dx && gv.dx ? tf.add(gk.dx, gv.dx) : undefined, dWeights };
}

// The backward pass of a transformer block (runtime/attention.ts `transformerBlock`) written by
// hand, for the backward pass the compiler derives: a forward function that computes the block's
// output with the same ops in the same order (its dropout masks drawn from the same stream, in the
// same order, as `transformerBlock`'s `dropout` calls draw them) and keeps what the backward pass
// needs (a trace), and a backward function from the trace and dL/doutput to the input's and every
// weight's gradients: attention's own backward pass, the layer norms' closed forms, the relu FFN as
// two dense layers. Every matMul has its operands transposed explicitly (wasm's transposed matMul is
// slow); everything is created in the caller's tf.tidy and nothing is read back.
import * as tf from '@tensorflow/tfjs-core';

import type { TransformerOptions, TransformerWeights } from '../attention.js';
import { dropoutMask } from '../layers.js';
import { multiHeadAttentionBackward, multiHeadSelfAttentionForwardTrace, type AttentionTrace } from './attention-backward.js';
import { activationBackward, layerNormInputGradient, normalised, sumToChannels } from './derived-backward.js';

/** A layer norm's statistics over the last axis (kept as a size-1 axis) and its normalised input x̂. */
interface NormTrace {
  readonly variance: tf.Tensor;
  readonly xHat: tf.Tensor;
}

export interface TransformerTrace {
  readonly weights: TransformerWeights;
  readonly options: TransformerOptions;
  readonly attention: AttentionTrace;
  /** The scaled dropout masks after attention and after the FFN; undefined outside training or at rate 0. */
  readonly attentionMask: tf.Tensor | undefined;
  readonly ffnMask: tf.Tensor | undefined;
  readonly norm1: NormTrace;
  /** The first add & norm's output as [batch·steps, d]: the FFN's input. */
  readonly attended: tf.Tensor2D;
  /** relu(attended·W₁ + b₁), [batch·steps, ff_dim]. */
  readonly hidden: tf.Tensor2D;
  readonly norm2: NormTrace;
}

/** Gradients by the weights' own field names and shapes. */
export type TransformerWeightGradients = TransformerWeights;

export interface TransformerGradients {
  /** dL/dx; undefined when not asked for. */
  dx: tf.Tensor | undefined;
  dWeights: TransformerWeightGradients;
}

/** `rt.layerNorm`'s ops, with the variance and x̂ kept. */
function layerNormTraced(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): { output: tf.Tensor; norm: NormTrace } {
  const stats = tf.moments(x, -1, true);
  const xHat = normalised(x, stats, epsilon);
  return { output: tf.add(tf.mul(xHat, gamma), beta), norm: { variance: stats.variance, xHat } };
}

/** `rt.transformerBlock`'s output (the same ops, the same dropout draws), and its trace for `transformerBlockBackward`. */
export function transformerBlockForwardTrace(
  x: tf.Tensor,
  w: TransformerWeights,
  o: TransformerOptions,
  training: boolean,
): { output: tf.Tensor; trace: TransformerTrace } {
  const dropping = training && o.dropout > 0;
  // As rt.dropout: the mask has the tensor's shape, drawn when the tensor is.
  const drop = (t: tf.Tensor): { value: tf.Tensor; mask: tf.Tensor | undefined } => {
    if (!dropping) return { value: t, mask: undefined };
    const mask = dropoutMask(t.shape, o.dropout);
    return { value: tf.mul(t, mask), mask };
  };
  const [batch, steps, d] = x.shape as [number, number, number];
  const attention = multiHeadSelfAttentionForwardTrace(x, w, o);
  const afterAttention = drop(attention.output);
  const norm1 = layerNormTraced(tf.add(x, afterAttention.value), w.norm1Gamma, w.norm1Beta, o.epsilon);
  const attended = tf.reshape(norm1.output, [-1, d]) as tf.Tensor2D;
  const hidden = tf.relu(tf.add(tf.matMul(attended, w.ffnKernel1 as tf.Tensor2D), w.ffnBias1)) as tf.Tensor2D;
  const ffn = tf.reshape(tf.add(tf.matMul(hidden, w.ffnKernel2 as tf.Tensor2D), w.ffnBias2), [batch, steps, d]);
  const afterFfn = drop(ffn);
  const norm2 = layerNormTraced(tf.add(norm1.output, afterFfn.value), w.norm2Gamma, w.norm2Beta, o.epsilon);
  return {
    output: norm2.output,
    trace: { weights: w, options: o, attention: attention.trace, attentionMask: afterAttention.mask, ffnMask: afterFfn.mask, norm1: norm1.norm, attended, hidden, norm2: norm2.norm },
  };
}

/** A layer norm's gradients from dL/d(its output): gamma's, beta's and its input's. */
function layerNormBackward(dy: tf.Tensor, norm: NormTrace, gamma: tf.Tensor, epsilon: number): { dGamma: tf.Tensor; dBeta: tf.Tensor; dx: tf.Tensor } {
  return {
    dGamma: sumToChannels(tf.mul(dy, norm.xHat)),
    dBeta: sumToChannels(dy),
    dx: layerNormInputGradient(dy, norm.xHat, gamma, norm.variance, epsilon),
  };
}

/** Backpropagation through `transformerBlockForwardTrace`; `dOutput` is [batch, steps, d]. */
export function transformerBlockBackward(trace: TransformerTrace, dOutput: tf.Tensor, options: { inputGradient?: boolean } = {}): TransformerGradients {
  const { weights: w, options: o } = trace;
  const wantInput = options.inputGradient ?? true;
  const shape = dOutput.shape;
  const d = shape[shape.length - 1]!;
  const masked = (t: tf.Tensor, mask: tf.Tensor | undefined) => (mask ? tf.mul(t, mask) : t);

  // y = LN₂(attended + drop(FFN(attended))).
  const norm2 = layerNormBackward(dOutput, trace.norm2, w.norm2Gamma, o.epsilon);
  const dFfn = tf.reshape(masked(norm2.dx, trace.ffnMask), [-1, d]) as tf.Tensor2D;
  const dFfnKernel2 = tf.matMul(tf.transpose(trace.hidden), dFfn);
  const dFfnBias2 = tf.sum(dFfn, 0);
  const dHidden = activationBackward('relu', trace.hidden, tf.matMul(dFfn, tf.transpose(w.ffnKernel2 as tf.Tensor2D))) as tf.Tensor2D;
  const dFfnKernel1 = tf.matMul(tf.transpose(trace.attended), dHidden);
  const dFfnBias1 = tf.sum(dHidden, 0);
  const dAttended = tf.add(norm2.dx, tf.reshape(tf.matMul(dHidden, tf.transpose(w.ffnKernel1 as tf.Tensor2D)), shape));

  // attended = LN₁(x + drop(attention(x))).
  const norm1 = layerNormBackward(dAttended, trace.norm1, w.norm1Gamma, o.epsilon);
  const attention = multiHeadAttentionBackward(trace.attention, masked(norm1.dx, trace.attentionMask), { inputGradient: wantInput });
  const dx = wantInput ? tf.addN([norm1.dx, attention.dQuery!, attention.dMemory!]) : undefined;
  return {
    dx,
    dWeights: {
      ...attention.dWeights,
      norm1Gamma: norm1.dGamma,
      norm1Beta: norm1.dBeta,
      ffnKernel1: dFfnKernel1,
      ffnBias1: dFfnBias1,
      ffnKernel2: dFfnKernel2,
      ffnBias2: dFfnBias2,
      norm2Gamma: norm2.dGamma,
      norm2Beta: norm2.dBeta,
    },
  };
}

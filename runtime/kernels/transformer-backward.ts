// The backward pass of a transformer block (runtime/attention.ts `transformerBlockForwardTrace`,
// whose output `transformerBlock` returns) written by hand, for the backward pass the compiler
// derives: from the block's trace and dL/doutput to the input's and every weight's gradients: attention's own backward pass, the layer norms' closed forms, the relu FFN as
// two dense layers. Every matMul has its operands transposed explicitly (wasm's transposed matMul is
// slow); everything is created in the caller's tf.tidy and nothing is read back.
import * as tf from '@tensorflow/tfjs-core';

import type { TransformerTrace, TransformerWeights } from '../attention.js';
import type { NormTrace } from '../layers.js';
import { multiHeadAttentionBackward } from './attention-backward.js';
import { activationBackward, layerNormInputGradient, sumToChannels } from './derived-backward.js';

/** Gradients by the weights' own field names and shapes. */
export type TransformerWeightGradients = TransformerWeights;

export interface TransformerGradients {
  /** dL/dx; undefined when not asked for. */
  dx: tf.Tensor | undefined;
  dWeights: TransformerWeightGradients;
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

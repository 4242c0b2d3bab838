// Multi-head self-attention, positional encodings and transformer blocks as tfjs-core ops
// (tfjs-layers has no MultiHeadAttention). Weight layouts follow Keras' MultiHeadAttention:
// query/key/value kernels [d, heads, key_dim], output kernel [heads, key_dim, d].
import * as tf from '@tensorflow/tfjs-core';
import { dropoutMask, layerNormTraced, type NormTrace } from './layers.js';

export interface AttentionWeights {
  queryKernel: tf.Tensor;
  queryBias?: tf.Tensor;
  keyKernel: tf.Tensor;
  keyBias?: tf.Tensor;
  valueKernel: tf.Tensor;
  valueBias?: tf.Tensor;
  outputKernel: tf.Tensor;
  outputBias?: tf.Tensor;
}

export interface AttentionOptions {
  heads: number;
  keyDim: number;
  /** Each position attends only to itself and earlier ones (decoders). */
  causal: boolean;
}

/** [batch, steps, d] → [batch, heads, steps, key_dim] through a [d, heads, key_dim] kernel. */
export function project(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | undefined, o: AttentionOptions): tf.Tensor {
  const [batch, steps, d] = x.shape as [number, number, number];
  let y = tf.matMul(tf.reshape(x, [-1, d]) as tf.Tensor2D, tf.reshape(kernel, [d, o.heads * o.keyDim]) as tf.Tensor2D) as tf.Tensor;
  if (bias) y = tf.add(y, tf.reshape(bias, [o.heads * o.keyDim]));
  return tf.transpose(tf.reshape(y, [batch, steps, o.heads, o.keyDim]), [0, 2, 1, 3]);
}

/** Self-attention: softmax(q·kᵀ / √key_dim [+ causal mask])·v per head, heads merged by the output kernel. */
export function multiHeadSelfAttention(x: tf.Tensor, w: AttentionWeights, o: AttentionOptions): tf.Tensor {
  return multiHeadAttention(x, x, w, o);
}

export interface AttentionTrace {
  readonly query: tf.Tensor;
  readonly memory: tf.Tensor;
  readonly weights: AttentionWeights;
  readonly options: AttentionOptions;
  /** Projected queries, keys and values, [batch, heads, steps, key_dim] (memory steps for k and v). */
  readonly q: tf.Tensor;
  readonly k: tf.Tensor;
  readonly v: tf.Tensor;
  /** softmax of the scaled (and masked) scores, [batch, heads, steps, memory_steps]. */
  readonly probabilities: tf.Tensor;
  /** The heads' contexts side by side, [batch·steps, heads·key_dim]: the output kernel's input. */
  readonly merged: tf.Tensor2D;
}

/**
 * Attention of a query sequence [batch, steps, d] over a memory sequence [batch, memory_steps, e]
 * (Keras' MultiHeadAttention(query, value)): queries from `query`, keys and values from `memory`;
 * the output has the query's shape. With `causal`, query step i sees memory steps ≤ i. Returns
 * also what the backward pass needs (runtime/kernels/attention-backward.ts).
 */
export function multiHeadAttentionForwardTrace(
  query: tf.Tensor,
  memory: tf.Tensor,
  w: AttentionWeights,
  o: AttentionOptions,
): { output: tf.Tensor; trace: AttentionTrace } {
  const [batch, steps, d] = query.shape as [number, number, number];
  const memorySteps = memory.shape[1]!;
  const q = project(query, w.queryKernel, w.queryBias, o);
  const k = project(memory, w.keyKernel, w.keyBias, o);
  const v = project(memory, w.valueKernel, w.valueBias, o);
  let scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(o.keyDim));
  if (o.causal) {
    // Lower triangle 1 (allowed), upper −1e9 (masked), broadcast over batch and heads.
    const allowed = tf.linalg.bandPart(tf.ones([steps, memorySteps]), -1, 0);
    scores = tf.add(scores, tf.mul(tf.sub(1, allowed), -1e9));
  }
  const probabilities = tf.softmax(scores);
  const context = tf.matMul(probabilities, v);
  const merged = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [-1, o.heads * o.keyDim]) as tf.Tensor2D;
  let out = tf.matMul(merged, tf.reshape(w.outputKernel, [o.heads * o.keyDim, d]) as tf.Tensor2D) as tf.Tensor;
  if (w.outputBias) out = tf.add(out, w.outputBias);
  return { output: tf.reshape(out, [batch, steps, d]), trace: { query, memory, weights: w, options: o, q, k, v, probabilities, merged } };
}

/** `multiHeadSelfAttention` with its trace. */
export function multiHeadSelfAttentionForwardTrace(x: tf.Tensor, w: AttentionWeights, o: AttentionOptions): { output: tf.Tensor; trace: AttentionTrace } {
  return multiHeadAttentionForwardTrace(x, x, w, o);
}

/** Attention of `query` over `memory`: `multiHeadAttentionForwardTrace`'s output. */
export function multiHeadAttention(query: tf.Tensor, memory: tf.Tensor, w: AttentionWeights, o: AttentionOptions): tf.Tensor {
  return multiHeadAttentionForwardTrace(query, memory, w, o).output;
}

/** The sinusoidal table of "Attention is all you need": sin on even features, cos on odd ones. */
export function sinusoidalPositions(steps: number, d: number): tf.Tensor2D {
  const values = new Float32Array(steps * d);
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < d; i++) {
      const angle = t / Math.pow(10000, (2 * Math.floor(i / 2)) / d);
      values[t * d + i] = i % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return tf.tensor2d(values, [steps, d]);
}

/** x + the sinusoidal encoding of each position. */
export function addSinusoidalPositions(x: tf.Tensor): tf.Tensor {
  const [, steps, d] = x.shape as [number, number, number];
  return tf.add(x, sinusoidalPositions(steps, d));
}

/** x + a learned vector per position (the first `steps` rows of the table). */
export function addLearnedPositions(x: tf.Tensor, table: tf.Tensor): tf.Tensor {
  const [, steps, d] = x.shape as [number, number, number];
  return tf.add(x, tf.slice(table, [0, 0], [steps, d]));
}

export interface TransformerWeights extends AttentionWeights {
  norm1Gamma: tf.Tensor;
  norm1Beta: tf.Tensor;
  ffnKernel1: tf.Tensor;
  ffnBias1: tf.Tensor;
  ffnKernel2: tf.Tensor;
  ffnBias2: tf.Tensor;
  norm2Gamma: tf.Tensor;
  norm2Beta: tf.Tensor;
}

export interface TransformerOptions extends AttentionOptions {
  dropout: number;
  epsilon: number;
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

/**
 * A post-norm transformer block (keras_nlp's TransformerEncoder; with `causal`, its
 * TransformerDecoder without cross-attention): x₁ = LN(x + attention(x)), y = LN(x₁ + FFN(x₁)),
 * FFN = dense(ff, relu) then dense(d), with dropout after attention and FFN in training.
 */
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

/** `transformerBlockForwardTrace`'s output. */
export function transformerBlock(x: tf.Tensor, w: TransformerWeights, o: TransformerOptions, training: boolean): tf.Tensor {
  return transformerBlockForwardTrace(x, w, o, training).output;
}

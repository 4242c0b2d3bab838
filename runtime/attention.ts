// Multi-head self-attention, positional encodings and transformer blocks as tfjs-core ops
// (tfjs-layers has no MultiHeadAttention). Weight layouts follow Keras' MultiHeadAttention:
// query/key/value kernels [d, heads, key_dim], output kernel [heads, key_dim, d].
import * as tf from '@tensorflow/tfjs-core';
import { dropout, layerNorm } from './layers.js';

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

/**
 * Attention of a query sequence [batch, steps, d] over a memory sequence [batch, memory_steps, e]
 * (Keras' MultiHeadAttention(query, value)): queries from `query`, keys and values from `memory`;
 * the output has the query's shape. With `causal`, query step i sees memory steps ≤ i.
 */
export function multiHeadAttention(query: tf.Tensor, memory: tf.Tensor, w: AttentionWeights, o: AttentionOptions): tf.Tensor {
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
  const context = tf.matMul(tf.softmax(scores), v); // [batch, heads, steps, key_dim]
  const merged = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [-1, o.heads * o.keyDim]);
  let out = tf.matMul(merged as tf.Tensor2D, tf.reshape(w.outputKernel, [o.heads * o.keyDim, d]) as tf.Tensor2D) as tf.Tensor;
  if (w.outputBias) out = tf.add(out, w.outputBias);
  return tf.reshape(out, [batch, steps, d]);
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

/**
 * A post-norm transformer block (keras_nlp's TransformerEncoder; with `causal`, its
 * TransformerDecoder without cross-attention): x₁ = LN(x + attention(x)), y = LN(x₁ + FFN(x₁)),
 * FFN = dense(ff, relu) then dense(d), with dropout after attention and FFN in training.
 */
export function transformerBlock(x: tf.Tensor, w: TransformerWeights, o: TransformerOptions, training: boolean): tf.Tensor {
  const drop = (t: tf.Tensor) => (training && o.dropout > 0 ? dropout(t, o.dropout) : t);
  const [batch, steps, d] = x.shape as [number, number, number];
  const attended = layerNorm(tf.add(x, drop(multiHeadSelfAttention(x, w, o))), w.norm1Gamma, w.norm1Beta, o.epsilon);
  const flat = tf.reshape(attended, [-1, d]) as tf.Tensor2D;
  const hidden = tf.relu(tf.add(tf.matMul(flat, w.ffnKernel1 as tf.Tensor2D), w.ffnBias1)) as tf.Tensor2D;
  const ffn = tf.reshape(tf.add(tf.matMul(hidden, w.ffnKernel2 as tf.Tensor2D), w.ffnBias2), [batch, steps, d]);
  return layerNorm(tf.add(attended, drop(ffn)), w.norm2Gamma, w.norm2Beta, o.epsilon);
}

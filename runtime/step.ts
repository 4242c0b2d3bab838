// One optimizer step: the loss (plus L1/L2 penalties on the kernels), its gradients, clipping,
// AdamW's decoupled decay, and the update. `optimizer.minimize` does only the first and last, so
// the step computes the gradients itself and hands them to `applyGradients`.
import * as tf from '@tensorflow/tfjs-core';

import type { OptimizerSpec } from './types.js';

export interface StepContext {
  optimizer: tf.Optimizer;
  spec: OptimizerSpec;
  /** The variables the step updates, in a fixed order (optimizer state is kept by position). */
  variables: tf.Variable[];
  /** The variables L1/L2 penalise: the kernels (Keras' kernel_regularizer), not the biases. */
  penalised: tf.Variable[];
  l1?: number;
  l2?: number;
  /** The current learning rate (it moves with a schedule), for AdamW's decay. */
  lr: number;
}

/** l1·Σ|w| + l2·Σw² over the penalised variables; a scalar 0 when there is no penalty. */
export function penalty(context: Pick<StepContext, 'penalised' | 'l1' | 'l2'>): tf.Scalar {
  return tf.tidy(() => {
    let total: tf.Tensor = tf.scalar(0);
    for (const w of context.penalised) {
      if (context.l1) total = tf.add(total, tf.mul(context.l1, tf.sum(tf.abs(w))));
      if (context.l2) total = tf.add(total, tf.mul(context.l2, tf.sum(tf.square(w))));
    }
    return total as tf.Scalar;
  });
}

function clip(gradient: tf.Tensor, spec: OptimizerSpec): tf.Tensor {
  let g = gradient;
  if (spec.clipvalue !== undefined) g = tf.clipByValue(g, -spec.clipvalue, spec.clipvalue);
  if (spec.clipnorm !== undefined) {
    const norm = tf.norm(g);
    g = tf.mul(g, tf.div(spec.clipnorm, tf.maximum(norm, spec.clipnorm)));
  }
  return g;
}

/** Runs one step and returns the loss (with penalties) before the update; the caller disposes it. */
export function trainStep(context: StepContext, lossOf: () => tf.Scalar): tf.Scalar {
  const hasPenalty = Boolean(context.l1 || context.l2) && context.penalised.length > 0;
  const { value, grads } = tf.variableGrads(() => {
    const loss = lossOf();
    return hasPenalty ? tf.tidy(() => tf.add(loss, penalty(context)) as tf.Scalar) : loss;
  }, context.variables);
  applyGradients(context, grads);
  return value;
}

/**
 * Clips `grads` (keyed by variable name, one per variable of the context), applies AdamW's decay
 * and the update, and disposes `grads`: the half of a step after the gradients, shared by the tape
 * and by the backward pass the compiler derives.
 */
export function applyGradients(context: StepContext, grads: tf.NamedTensorMap): void {
  try {
    tf.tidy(() => {
      const list = context.variables.map((v) => ({ name: v.name, tensor: clip(grads[v.name]!, context.spec) }));
      if (context.spec.name === 'adamw') {
        // Keras' AdamW: w ← w − lr·wd·w before the Adam update, on every trainable variable.
        const decay = context.lr * (context.spec.weightDecay ?? 0.004);
        for (const v of context.variables) v.assign(tf.sub(v, tf.mul(v, decay)));
      }
      context.optimizer.applyGradients(list);
    });
  } finally {
    tf.dispose(grads);
  }
}

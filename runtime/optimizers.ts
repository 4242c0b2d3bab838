// Optimizers with Keras' defaults.
//
// tfjs' update rules match Keras' for sgd and momentum (tfjs accumulates v = m*v + g and steps
// -lr*v, Keras v = m*v - lr*g and steps +v: the same for a constant learning rate, Nesterov too).
// Adam differs only in where epsilon sits: tfjs divides by sqrt(v_hat) + eps, Keras by
// sqrt(v) + eps with the bias correction folded into the rate; with eps = 1e-7 the difference is
// below float32 precision unless gradients are ~1e-6 or smaller.
import * as tf from '@tensorflow/tfjs-core';

import type { OptimizerSpec } from './types.js';
import { NncRuntimeError, RUNTIME_ERROR_CODES } from './errors.js';

export const OPTIMIZER_DEFAULTS = {
  sgd: { lr: 0.01 },
  momentum: { lr: 0.01, momentum: 0.9, nesterov: false },
  adam: { lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
} as const;

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new NncRuntimeError(RUNTIME_ERROR_CODES.badPlan, `The optimizer's ${name} must be a positive number, got ${value}.`);
  }
  return value;
}

function fraction(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value >= 1) {
    throw new NncRuntimeError(RUNTIME_ERROR_CODES.badPlan, `The optimizer's ${name} must be in [0, 1), got ${value}.`);
  }
  return value;
}

export function createOptimizer(spec: OptimizerSpec): tf.Optimizer {
  switch (spec.name) {
    case 'sgd':
      return tf.train.sgd(positive('learning rate', spec.lr ?? OPTIMIZER_DEFAULTS.sgd.lr));
    case 'momentum': {
      const d = OPTIMIZER_DEFAULTS.momentum;
      return tf.train.momentum(
        positive('learning rate', spec.lr ?? d.lr),
        fraction('momentum', spec.momentum ?? d.momentum),
        spec.nesterov ?? d.nesterov,
      );
    }
    case 'adam': {
      const d = OPTIMIZER_DEFAULTS.adam;
      return tf.train.adam(
        positive('learning rate', spec.lr ?? d.lr),
        fraction('beta1', spec.beta1 ?? d.beta1),
        fraction('beta2', spec.beta2 ?? d.beta2),
        positive('epsilon', spec.epsilon ?? d.epsilon),
      );
    }
    default:
      throw new NncRuntimeError(
        RUNTIME_ERROR_CODES.badPlan,
        `There is no optimizer called '${String((spec as { name: unknown }).name)}'; the runtime knows sgd, momentum and adam.`,
      );
  }
}

/** The learning rate a spec resolves to, for messages such as "try a smaller learning rate". */
export function learningRateOf(spec: OptimizerSpec): number {
  return spec.lr ?? OPTIMIZER_DEFAULTS[spec.name]?.lr ?? Number.NaN;
}

// Optimizers with Keras' defaults.
//
// tfjs' update rules match Keras' for sgd and momentum (tfjs accumulates v = m*v + g and steps
// -lr*v, Keras v = m*v - lr*g and steps +v: the same for a constant learning rate, Nesterov too).
// Adam differs only in where epsilon sits: tfjs divides by sqrt(v_hat) + eps, Keras by
// sqrt(v) + eps with the bias correction folded into the rate; with eps = 1e-7 the difference is
// below float32 precision unless gradients are ~1e-6 or smaller.
import * as tf from '@tensorflow/tfjs-core';

import type { OptimizerSpec, ScheduleSpec } from './types.js';
import { NncRuntimeError, RUNTIME_ERROR_CODES } from './errors.js';

export const OPTIMIZER_DEFAULTS = {
  sgd: { lr: 0.01 },
  momentum: { lr: 0.01, momentum: 0.9, nesterov: false },
  adam: { lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  adamw: { lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.004 },
  rmsprop: { lr: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7 },
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
      return freeLearningRateOnDispose(
        tf.train.momentum(positive('learning rate', spec.lr ?? d.lr), fraction('momentum', spec.momentum ?? d.momentum), spec.nesterov ?? d.nesterov),
      );
    }
    case 'rmsprop': {
      const d = OPTIMIZER_DEFAULTS.rmsprop;
      return tf.train.rmsprop(
        positive('learning rate', spec.lr ?? d.lr),
        fraction('rho', spec.rho ?? d.rho),
        fraction('momentum', spec.momentum ?? d.momentum),
        positive('epsilon', spec.epsilon ?? d.epsilon),
      );
    }
    // AdamW is Adam plus a decoupled decay of the weights, which the training step applies.
    case 'adamw':
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
        `There is no optimizer called '${String((spec as { name: unknown }).name)}'; the runtime knows sgd, momentum, rmsprop, adam and adamw.`,
      );
  }
}

/** The learning rate a spec resolves to, for messages such as "try a smaller learning rate". */
export function learningRateOf(spec: OptimizerSpec): number {
  return spec.lr ?? OPTIMIZER_DEFAULTS[spec.name]?.lr ?? Number.NaN;
}

/** Changes the rate of a live optimizer (tfjs' optimizers read it at every step). */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const sgdLike = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (typeof sgdLike.setLearningRate === 'function') sgdLike.setLearningRate(lr);
  else sgdLike.learningRate = lr;
}

/** The rate for `epoch` (1-based) under a schedule: epoch 1 always uses the base rate. */
export function scheduledRate(base: number, schedule: ScheduleSpec | undefined, epoch: number): number {
  const done = epoch - 1;
  if (!schedule) return base;
  switch (schedule.kind) {
    case 'step':
      return base * schedule.factor ** Math.floor(done / schedule.every);
    case 'exponential':
      return base * schedule.rate ** done;
    case 'cosine': {
      const progress = Math.min(done / Math.max(schedule.epochs - 1, 1), 1);
      return schedule.min + (base - schedule.min) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
  }
}

/**
 * tfjs 4.22's MomentumOptimizer.dispose() frees its momentum scalar and accumulators but not the
 * learning-rate scalar `c` its SGD base class keeps, so every momentum run would leak one tensor.
 */
function freeLearningRateOnDispose(optimizer: tf.MomentumOptimizer): tf.MomentumOptimizer {
  const dispose = optimizer.dispose.bind(optimizer);
  optimizer.dispose = () => {
    dispose();
    const c = (optimizer as unknown as { c?: tf.Tensor }).c;
    if (c && !c.isDisposed) c.dispose();
  };
  return optimizer;
}

// When a training step may take its gradients from the backward pass the compiler derived
// (`lossAndGradients`, emitted for the models compiler/codegen/backward.ts covers) instead of
// tfjs's gradient tape, and the step that does. The tape stays for everything the derived pass
// does not cover: a custom loss without the derivative the compiler attaches to the ones it
// emits, L1/L2 penalties, and a variable list other than all the model's trainable weights
// (frozen layers); `fit` falls back to it there, with the same numbers up to float rounding.
import * as tf from '@tensorflow/tfjs-core';

import type { CustomLoss, LossName, TrainableModel, TrainPlan } from './types.js';
import { applyGradients, type StepContext } from './step.js';

/** What generated code emits when the compiler derived the model's backward pass. */
export interface DerivedBackwardModel extends TrainableModel {
  lossAndGradients(
    x: tf.Tensor,
    yTrue: tf.Tensor,
    loss: LossName | CustomLoss,
  ): { loss: tf.Scalar; prediction: tf.Tensor; gradients: Record<string, tf.Tensor> };
}

/** The derived pass, ready for a step: the loss it takes and each variable's weight name. */
export interface DerivedGradients {
  model: DerivedBackwardModel;
  loss: LossName | CustomLoss;
  /** The name in `weights()` of each of the step's variables, by variable name. */
  weightNames: ReadonlyMap<string, string>;
}

function hasDerivedBackward(model: TrainableModel): model is DerivedBackwardModel {
  return typeof (model as Partial<DerivedBackwardModel>).lossAndGradients === 'function';
}

/**
 * A custom loss that carries `gradient`, its derivative with respect to `pred` (generated code
 * wraps each formula from the `.nn` file so; compiler/codegen/loss-derivative.ts writes it).
 */
export function withGradient(
  loss: (y: tf.Tensor, pred: tf.Tensor) => tf.Tensor,
  gradient: (y: tf.Tensor, pred: tf.Tensor) => tf.Tensor,
): CustomLoss {
  return Object.assign(loss, { gradient });
}

/**
 * The derived pass for this step, or null where the step needs the tape: a model without one, a
 * custom loss without its derivative, a penalty (its gradient is not in the derived pass), or
 * variables other than exactly the model's trainable weights.
 */
export function derivedGradients(model: TrainableModel, loss: TrainPlan['loss'], context: StepContext): DerivedGradients | null {
  if (!hasDerivedBackward(model)) return null;
  if (typeof loss !== 'string' && typeof loss.gradient !== 'function') return null;
  if ((context.l1 || context.l2) && context.penalised.length > 0) return null;
  const trainable = model.weights().filter((w) => w.variable.trainable);
  if (trainable.length !== context.variables.length) return null;
  const weightNames = new Map(trainable.map((w) => [w.variable.name, w.name] as const));
  if (!context.variables.every((v) => weightNames.has(v.name))) return null;
  return { model, loss, weightNames };
}

/**
 * One step with the derived pass: the loss, gradients and prediction from `lossAndGradients`, then
 * the same clipping, decay and update as the tape's step. `measure` sees the batch's labels and
 * the prediction inside the step's scope (tensors it keeps outlive it). Returns the loss before the
 * update; the caller disposes it.
 */
export function derivedTrainStep(
  context: StepContext,
  derived: DerivedGradients,
  batch: () => { x: tf.Tensor; y: tf.Tensor },
  measure: (yTrue: tf.Tensor, prediction: tf.Tensor) => void,
): tf.Scalar {
  const { value, grads } = tf.tidy(() => {
    const { x, y } = batch();
    const out = derived.model.lossAndGradients(x, y, derived.loss);
    measure(y, out.prediction);
    const named: tf.NamedTensorMap = {};
    for (const v of context.variables) {
      const gradient = out.gradients[derived.weightNames.get(v.name)!];
      if (gradient === undefined) throw new Error(`the derived backward pass gave no gradient for '${derived.weightNames.get(v.name)}'`);
      named[v.name] = gradient;
    }
    return { value: out.loss, grads: named };
  });
  applyGradients(context, grads);
  return value;
}

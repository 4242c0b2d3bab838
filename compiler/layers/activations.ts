// Activation functions: each is usable as a layer (`relu()`) and as a layer's `activation:`
// argument. One entry per activation, with how to emit it alone and, where tfjs can, fused into
// the preceding matMul, and its derivative for the derived backward pass.
import type { RuntimeValueName } from '../codegen/runtime-contract.js';
import { relu6 } from './relu6.js';
import type { ActivationValue } from './types.js';

/** `rt.activationBackward(name, a, da[, alpha])`: the runtime's derivative of the activations it knows. */
const runtimeDerivative =
  (name: string, withAlpha = false) =>
  (a: string, da: string, alpha: number | undefined, runtime: (name: RuntimeValueName) => string): string =>
    `${runtime('activationBackward')}(${JSON.stringify(name)}, ${a}, ${da}${withAlpha ? `, ${num(alpha!)}` : ''})`;

export interface ActivationDef {
  name: string;
  kerasClass: string;
  doc: string;
  /** Default for `alpha` where the activation has one. */
  alpha?: number;
  /** `x` is the input expression; `alpha` is set when the activation takes one. */
  emit(x: string, alpha: number | undefined, runtime: (name: RuntimeValueName) => string): string;
  /** The `activation` option of `tf.fused.matMul`, when it computes exactly this activation. */
  fused?(alpha: number | undefined): { activation: string; leakyreluAlpha?: number } | undefined;
  /**
   * dL/dz from dL/da (the expression `da`), written from the activation's output `a` alone (with
   * `alpha` defaulted), for the derived backward pass; absent where there is none (`step`: a model
   * through it trains with the tape).
   */
  derivative?(a: string, da: string, alpha: number | undefined, runtime: (name: RuntimeValueName) => string): string;
  /**
   * The runtime's `outputGradient` takes it as the output layer's activation (folding softmax and
   * sigmoid into their cross-entropies); others reach the output through its `linear` and their
   * own derivative.
   */
  outputGradient?: boolean;
  /** Its derivative is used only at the output layer; before it, a model keeps the tape. */
  derivativeOnlyAtOutput?: boolean;
}

export const activations: readonly ActivationDef[] = [
  {
    name: 'linear',
    kerasClass: 'Activation',
    doc: 'The identity: f(x) = x.',
    emit: (x) => x,
    fused: () => ({ activation: 'linear' }),
    derivative: (_a, da) => da,
    outputGradient: true,
  },
  {
    name: 'sigmoid',
    kerasClass: 'Activation',
    doc: 'The logistic function 1 / (1 + e^-x): squashes to (0, 1); the output of binary classifiers.',
    emit: (x) => `tf.sigmoid(${x})`,
    fused: () => ({ activation: 'sigmoid' }),
    derivative: runtimeDerivative('sigmoid'),
    outputGradient: true,
  },
  {
    name: 'tanh',
    kerasClass: 'Activation',
    doc: 'The hyperbolic tangent: squashes to (-1, 1).',
    emit: (x) => `tf.tanh(${x})`,
    derivative: runtimeDerivative('tanh'),
    outputGradient: true,
  },
  {
    name: 'relu',
    kerasClass: 'ReLU',
    doc: 'Rectified linear unit max(0, x).',
    emit: (x) => `tf.relu(${x})`,
    fused: () => ({ activation: 'relu' }),
    derivative: runtimeDerivative('relu'),
    outputGradient: true,
  },
  relu6,
  {
    name: 'leaky_relu',
    kerasClass: 'LeakyReLU',
    doc: 'max(alpha·x, x): like relu, but lets a small gradient through for x < 0. `alpha` defaults to 0.2 (Keras 3).',
    alpha: 0.2,
    emit: (x, alpha) => `tf.leakyRelu(${x}, ${num(alpha ?? 0.2)})`,
    fused: (alpha) => ({ activation: 'leakyrelu', leakyreluAlpha: alpha ?? 0.2 }),
    derivative: runtimeDerivative('leaky_relu', true),
  },
  {
    name: 'elu',
    kerasClass: 'ELU',
    doc: 'Exponential linear unit: x for x ≥ 0, alpha·(e^x − 1) otherwise. `alpha` defaults to 1.',
    alpha: 1,
    emit: (x, alpha, runtime) => ((alpha ?? 1) === 1 ? `tf.elu(${x})` : `${runtime('elu')}(${x}, ${num(alpha!)})`),
    fused: (alpha) => ((alpha ?? 1) === 1 ? { activation: 'elu' } : undefined),
    derivative: runtimeDerivative('elu', true),
  },
  {
    name: 'softmax',
    kerasClass: 'Softmax',
    doc: 'Exponentiates and normalises the last axis to probabilities that sum to 1: the output of multi-class classifiers.',
    emit: (x) => `tf.softmax(${x})`,
    derivative: runtimeDerivative('softmax'),
    outputGradient: true,
    derivativeOnlyAtOutput: true,
  },
  {
    name: 'step',
    kerasClass: 'Activation',
    doc: "The perceptron's threshold: 1 where x > 0, else 0. Trains with a straight-through gradient, which makes SGD the perceptron learning rule.",
    emit: (x, _alpha, runtime) => `${runtime('step')}(${x})`,
  },
];

export const activationByName: ReadonlyMap<string, ActivationDef> = new Map(activations.map((a) => [a.name, a]));

export function emitActivation(value: ActivationValue, x: string, runtime: (name: RuntimeValueName) => string): string {
  const def = activationByName.get(value.name);
  return def ? def.emit(x, value.alpha ?? def.alpha, runtime) : x;
}

/** Formats a number as a TypeScript literal that round-trips exactly. */
export function num(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return Object.is(n, -0) ? '-0' : String(n);
}

// The functions a loss formula may call (`mean(abs(pred - y))`), one entry each: how many values
// it takes, whether it reduces elements to one number, how it is emitted as tfjs, and its local
// derivative. The checker (check/custom-loss.ts, check/train-steps.ts), the emitter
// (codegen/loss-expr.ts) and the differentiator (codegen/loss-derivative.ts) all read this table,
// so a new function is one entry here.
import type { RuntimeImports } from './codegen/imports.js';

/**
 * The algebra a derivative rule is written in (implemented by codegen/loss-derivative.ts over its
 * terms, which simplify constants and share subterms). `g` is the adjoint flowing into the call.
 */
export interface DerivativeAlgebra<T> {
  readonly g: T;
  /** The value of the call's i-th argument. */
  arg(i: number): T;
  /** The value of the call itself. */
  value(): T;
  /** 1 / the number of elements of the i-th argument (1 when it is one number). */
  inverseSize(i: number): T;
  constant(k: number): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  /** A tfjs op applied element-wise, such as `sign` or `sigmoid`. */
  call(op: string, args: T[]): T;
  /** 1 where `a cmp b` holds, else 0 (a float32 mask). */
  mask(cmp: 'greaterEqual' | 'less' | 'lessEqual' | 'greater', a: T, b: T): T;
}

interface Common {
  name: string;
  /** How many values it takes, all without names. */
  arity: number;
  doc: string;
}

/** A function that is one tfjs op. */
export interface PrimitiveLossFunction extends Common {
  /** The tfjs op (`tf.<op>`) that computes it. */
  op: string;
  /** Reduces its argument's elements to one number (`mean`, `sum`). */
  reduces?: boolean;
  /** The emitted call, when it is not `tf.<op>(args)`. */
  emit?: (args: string[], rt: RuntimeImports) => string;
  /** The adjoint of each argument, given the call's adjoint `d.g`. */
  derivative<T>(d: DerivativeAlgebra<T>): T[];
}

/** A function written as other functions of this table (emitted and differentiated as such). */
export interface ComposedLossFunction extends Common {
  compose<T>(args: T[], apply: (fn: string, args: T[]) => T): T;
}

export type LossFunction = PrimitiveLossFunction | ComposedLossFunction;

export const lossFunctions: readonly LossFunction[] = [
  // d mean(u)/du = 1/size(u).
  { name: 'mean', arity: 1, op: 'mean', reduces: true, doc: 'the mean of all elements', derivative: (d) => [d.mul(d.g, d.inverseSize(0))] },
  { name: 'sum', arity: 1, op: 'sum', reduces: true, doc: 'the sum of all elements', derivative: (d) => [d.g] },
  // The runtime's `abs`, whose gradient at 0 is 0 (tfjs' own gives −1 there): sign(x).
  { name: 'abs', arity: 1, op: 'abs', doc: 'the absolute value', emit: ([a], rt) => `${rt.use('abs')}(${a})`, derivative: (d) => [d.mul(d.g, d.call('sign', [d.arg(0)]))] },
  { name: 'square', arity: 1, op: 'square', doc: 'x²', derivative: (d) => [d.mul(d.g, d.mul(d.arg(0), d.constant(2)))] },
  { name: 'sqrt', arity: 1, op: 'sqrt', doc: 'the square root', derivative: (d) => [d.div(d.g, d.mul(d.value(), d.constant(2)))] },
  { name: 'log', arity: 1, op: 'log', doc: 'the natural logarithm', derivative: (d) => [d.div(d.g, d.arg(0))] },
  { name: 'exp', arity: 1, op: 'exp', doc: 'eˣ', derivative: (d) => [d.mul(d.g, d.value())] },
  { name: 'sigmoid', arity: 1, op: 'sigmoid', doc: '1 / (1 + e⁻ˣ)', derivative: (d) => [d.mul(d.g, d.mul(d.value(), d.sub(d.constant(1), d.value())))] },
  { name: 'softplus', arity: 1, op: 'softplus', doc: 'log(1 + eˣ)', derivative: (d) => [d.mul(d.g, d.call('sigmoid', [d.arg(0)]))] },
  // Ties go to the first argument, as tfjs' Maximum gradient: dy·[a ≥ b] and dy·[a < b].
  {
    name: 'max',
    arity: 2,
    op: 'maximum',
    doc: 'the larger of two values, element-wise',
    derivative: (d) => [d.mul(d.g, d.mask('greaterEqual', d.arg(0), d.arg(1))), d.mul(d.g, d.mask('less', d.arg(0), d.arg(1)))],
  },
  // As tfjs' Minimum gradient: dy·[a ≤ b] and dy·[a > b].
  {
    name: 'min',
    arity: 2,
    op: 'minimum',
    doc: 'the smaller of two values, element-wise',
    derivative: (d) => [d.mul(d.g, d.mask('lessEqual', d.arg(0), d.arg(1))), d.mul(d.g, d.mask('greater', d.arg(0), d.arg(1)))],
  },
  // min(max(v, low), high), so the ties at the bounds follow max's and min's rules.
  { name: 'clip', arity: 3, doc: '`clip(v, low, high)`: v limited to [low, high]', compose: ([v, low, high], apply) => apply('min', [apply('max', [v!, low!]), high!]) },
];

export const lossFunctionByName: ReadonlyMap<string, LossFunction> = new Map(lossFunctions.map((f) => [f.name, f]));

/** Whether the result is one number however many elements its arguments have. */
export function reduces(fn: LossFunction): boolean {
  return 'op' in fn && fn.reduces === true;
}

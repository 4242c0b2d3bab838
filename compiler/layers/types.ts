// The layer library's vocabulary. Each layer is one declarative entry (see dense.ts): its
// parameters, its shape rule, its weights (from which the parameter count follows) and its codegen.
import type { DiagnosticExtras } from '../diagnostics/make.js';
import type { DiagnosticCode } from '../diagnostics/catalogue.js';
import type { Dim } from '../shapes/dim.js';
import type { Span } from '../syntax/ast.js';

/** `ints`: a whole number or a list of them (`3`, `[3, 3]`); `choice`: one of `choices`, written as a name (`padding: same`). */
export type ParamType = 'int' | 'float' | 'bool' | 'activation' | 'tensor' | 'ints' | 'choice';

export interface ActivationValue {
  kind: 'activation';
  name: string;
  /** Slope or scale for leaky_relu / elu. */
  alpha?: number;
}

/** A nested list of numbers given in the source, e.g. constant weights `[[0.8], [0.2]]`. */
export interface TensorValue {
  kind: 'tensor';
  shape: number[];
  values: number[];
}

/** `number[]` is an `ints` argument, `string` a `choice`. */
export type ArgValue = number | boolean | ActivationValue | TensorValue | number[] | string;

export interface ParamSpec {
  name: string;
  type: ParamType;
  doc: string;
  /** May be given without its name, in declaration order. */
  positional?: boolean;
  required?: boolean;
  default?: ArgValue;
  /** Inclusive lower bound for numbers. */
  min?: number;
  /** Exclusive lower bound for numbers. */
  greaterThan?: number;
  /** Inclusive upper bound for numbers. */
  max?: number;
  /** The names a `choice` parameter accepts. */
  choices?: readonly string[];
}

export interface WeightSpec {
  /** `kernel`, `bias`, … (unique within the layer). */
  name: string;
  shape: number[];
  /** `random_uniform` is Keras' uniform(-0.05, 0.05), its default for embeddings. */
  init: 'glorot_uniform' | 'orthogonal' | 'zeros' | 'ones' | 'random_uniform';
  /** Constant initial values given in the source (row-major), overriding `init`. */
  values?: number[];
  /** Another shape the source may write the constant in (same values, row-major): a conv kernel of one channel and one filter as [kh, kw]. */
  alsoAccepts?: number[];
  trainable: boolean;
}

/** What a shape rule sees: the input shape and the checked arguments; it reports through `error`. */
export interface ShapeContext {
  /** The first (for most layers the only) input. */
  input: Dim[];
  /** Every input, for layers that take several (`add`, `concat`). */
  inputs: Dim[][];
  args: Readonly<Record<string, ArgValue>>;
  /** The layer call in the source (for fixes that insert text before it). */
  span?: Span;
  /** The span of each argument given in the source (absent: defaulted), for fixes that edit one. */
  argSpans?: Readonly<Record<string, Span>>;
  error(code: DiagnosticCode, message: string, extras?: DiagnosticExtras & { at?: string }): void;
}

export interface EmitContext {
  /** The TypeScript expression of the input tensor. */
  input: string;
  /** Every input's expression, for layers that take several. */
  inputs: string[];
  args: Readonly<Record<string, ArgValue>>;
  inputShape: Dim[];
  outputShape: Dim[];
  /** The TypeScript expression of one of this layer's weights. */
  weight(name: string): string;
  /** Name of a runtime export the emitted code uses (it is imported once at the top). */
  runtime(name: string): string;
  /** The forward pass's boolean `training` flag (dropout, batch norm); see LayerDef.usesTraining. */
  training?: string;
  /** The layer's instance name (`dropout_1`), e.g. to derive a seed. */
  id?: string;
}

export interface LayerDef {
  name: string;
  /** The Keras class it corresponds to, for summaries: `Dense`. */
  kerasClass: string;
  doc: string;
  params: ParamSpec[];
  /**
   * The name and Keras class an instance goes by when its arguments change what Keras calls it
   * (a bidirectional LSTM is Keras' `bidirectional (Bidirectional)`); default `name`/`kerasClass`.
   */
  displayAs?(args: Readonly<Record<string, ArgValue>>): { name: string; kerasClass: string } | undefined;
  /** How many tensor inputs the layer takes (default exactly 1); `add`/`concat` take 2 or more. */
  inputCount?: { min: number; max: number };
  /** The output shape, or undefined after reporting why there is none. */
  outputShape(ctx: ShapeContext): Dim[] | undefined;
  weights(ctx: ShapeContext, output: Dim[]): WeightSpec[];
  /** A TypeScript expression computing the output from `ctx.input`. */
  emit(ctx: EmitContext): string;
  /** Whether the layer behaves differently in training (it then reads `ctx.training`). */
  usesTraining?: boolean;
}

export function paramCount(weights: readonly WeightSpec[]): number {
  return weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
}

export interface CallSite {
  span: Span;
}

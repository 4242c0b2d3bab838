// The layer library's vocabulary. Each layer is one declarative entry (see dense.ts): its
// parameters, its shape rule, its weights (from which the parameter count follows, each saying
// whether L1/L2 reaches it), its codegen, its rule in the derived backward pass and its FLOPs.
import type { CodeWriter } from '../codegen/writer.js';
import type { RuntimeImports } from '../codegen/imports.js';
import type { RuntimeValueName } from '../codegen/runtime-contract.js';
import type { DiagnosticExtras } from '../diagnostics/make.js';
import type { LayerNode } from '../ir.js';
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
  /** Whether training updates it unless the plan freezes it (batch norm's moving statistics are not). */
  trainable: boolean;
  /**
   * Whether the training plan's `l1`/`l2` penalise it: every kernel (the weights a layer multiplies
   * its input or state by: dense, convolutions, recurrent input and recurrent kernels, attention's
   * projections, a transformer's feed-forward kernels), as Keras' `kernel_regularizer` and
   * `recurrent_regularizer`; not biases, normalisations' gamma and beta, or embedding tables.
   */
  regularized: boolean;
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
  /** How the first input came about, for size traces in errors (absent outside the checker). */
  origin?(): InputOrigin;
}

/** One layer on the way to a value: what it was given and what it made. */
export interface OriginStep {
  layer: string;
  def: string;
  args: Readonly<Record<string, ArgValue>>;
  input: Dim[];
  output: Dim[];
}

/**
 * The layers that produced a value, nearest last, back to a model input (`input`, with the span of
 * its declared type) or to a layer with several inputs, where the trace stops.
 */
export interface InputOrigin {
  steps: OriginStep[];
  input?: { name: string; shape: Dim[]; typeSpan: Span };
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
  runtime(name: RuntimeValueName): string;
  /** The forward pass's boolean `training` flag (dropout, batch norm); see LayerDef.usesTraining. */
  training?: string;
  /** The layer's instance name (`dropout_1`), e.g. to derive a seed. */
  id?: string;
  /** Where the layer is in the `.nn` file (`model.nn:7 embedding(10, 8)`), for the runtime's errors about it. */
  origin?: string;
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
  /**
   * How the derived backward pass (codegen/backward.ts) differentiates the layer; absent: a model
   * whose gradient must pass through it trains with tfjs's tape. Activation layers take theirs
   * from the activation's `derivative`.
   */
  backward?: LayerBackward;
  /** The FLOPs of one example (see LayerFlops), or undefined where they depend on a symbolic size. */
  flops(ctx: FlopsContext): LayerFlops | undefined;
}

/** What a layer's FLOPs are computed from: the shapes and arguments the checker settled. */
export interface FlopsContext {
  input: readonly Dim[];
  inputs: readonly (readonly Dim[])[];
  output: readonly Dim[];
  args: Readonly<Record<string, ArgValue>>;
  weights: readonly WeightSpec[];
}

/**
 * Floating-point operations for one example (the batch axis left out). The convention, one for
 * every layer: a multiply-add of a product (dense, convolutions, recurrent steps, attention's
 * projections and its two batched products) counts 2; layers without a product count one FLOP per
 * compare or add their work needs per value (an activation layer 1 per element, a pooling window
 * one per cell, a merge one per element per extra input, a normalisation's scale and shift 2 per
 * element); biases and activations riding on a product, and layers that only move values
 * (reshape, padding, embedding lookups, dropout in inference), count 0. `training` is one forward
 * and one backward pass: 3× forward for a layer with products (its input's and its weights'
 * gradients are a product each), 2× for the others (one element-wise op of the same size back).
 */
export interface LayerFlops {
  forward: number;
  training: number;
}

/** What a backward rule writes with. */
export interface BackwardEmitter {
  w: CodeWriter;
  rt: RuntimeImports;
  /** The expression of one of the node's weights (its owner's, for a use of a shared layer). */
  weight(node: LayerNode, name: string): string;
  /** Whether any of the node's inputs needs a gradient (not one computed only from the data). */
  inputNeeded(node: LayerNode): boolean;
}

/**
 * A layer's rule in the derived backward pass: the gradients of its trainable weights and of each
 * of its inputs from dL/dz (the gradient at its pre-activation; backward.ts applies activations
 * and sums the gradients of a tensor that several layers read), and, where the backward pass needs
 * values the forward pass does not keep, the layer's own line in the derived forward pass.
 */
export interface LayerBackward {
  /**
   * The layer applies its `activation:` argument last (dense, conv), so backward.ts takes the
   * activation's derivative before the rule sees dL/dz. Other layers' `activation:` (a recurrent
   * cell's) is the rule's own business.
   */
  appliesActivation?: boolean;
  /**
   * Each output value is one input value (a max pooling's window maximum): when it alone reads the
   * layer below, that layer's activation derivative is taken at this layer's (smaller) size and
   * routed through `inputs` (backward.ts).
   */
  routesMaximum?: boolean;
  /** Why this use of the layer has no derived gradient (an argument it does not cover), or null. */
  obstacle?(node: LayerNode): string | null;
  /** The layer's expression in the derived forward pass, where it must keep something for the backward pass (lines before it may be emitted). */
  forward?(node: LayerNode, e: BackwardEmitter): string;
  /**
   * The gradient of each of the layer's weights from dL/dz `d`, as expressions by weight name
   * (lines they need may be emitted first). `specs` are the weights (the owner's, when shared);
   * `pooled` is the same gradient at a max pooling's size, which sums to the same bias gradient.
   */
  weights?(node: LayerNode, d: string, e: BackwardEmitter, specs: readonly WeightSpec[], pooled: string | null): Record<string, string>;
  /**
   * dL/d(each input) from dL/dz `d`, as expressions, for the inputs marked `needed` (null for the
   * others); absent when no gradient flows to the input (embedding ids). Lines may be emitted first.
   */
  inputs?(node: LayerNode, d: string, e: BackwardEmitter, needed: readonly boolean[]): (string | null)[];
}

export function paramCount(weights: readonly WeightSpec[]): number {
  return weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
}

export interface CallSite {
  span: Span;
}

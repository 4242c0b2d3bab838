// The typed program: what the checker proves about a file, and what codegen, summary, graph and
// the language server read. Nothing here refers back to the CST.
import type { LayerDef, ArgValue, WeightSpec } from './layers/types.js';
import type { Dim } from './shapes/dim.js';
import type { Expr, Span } from './syntax/ast.js';
import type { DataSpec, LossName, OptimizerSpec, TrainPlan } from '../runtime/types.js';

/** A value flowing through a model: an input or the output of a layer. */
export interface ValueInfo {
  /** The TypeScript identifier that holds it in generated code. */
  id: string;
  shape: Dim[];
}

export interface ModelInput extends ValueInfo {
  name: string;
  span: Span;
}

export interface LayerNode {
  /** Keras-style instance name, unique in the model: `dense`, `dense_1`, … */
  id: string;
  /** What Keras calls this layer's class (`Dense`, `Bidirectional`), for summaries and graphs. */
  kerasClass: string;
  /** The local identifier holding its output in generated code. */
  local: string;
  def: LayerDef;
  args: Record<string, ArgValue>;
  /** The first input (most layers have exactly one). */
  input: ValueInfo;
  /** Every input, in order (`add`, `concat` and blocks' merges take several). */
  inputs: ValueInfo[];
  /** Set when this node reuses the weights of an earlier node (a shared `layer` instance). */
  sharedWith?: string;
  /** The block instance it belongs to (`residual_block_1`), for grouping in graphs. */
  scope?: string;
  shape: Dim[];
  weights: WeightSpec[];
  paramCount: number;
  /** The call in the source. */
  span: Span;
  /** The `let` name bound to this node's output, if any. */
  boundName?: string;
  /**
   * Set on a layer whose result reaches no output but whose weights a live shared use reads: it
   * owns the weights (and counts in the summary), and the forward pass does not compute it.
   */
  weightsOnly?: boolean;
}

export interface ModelOutput extends ValueInfo {
  name: string;
}

export interface ModelIR {
  name: string;
  span: Span;
  nameSpan: Span;
  inputs: ModelInput[];
  nodes: LayerNode[];
  outputs: ModelOutput[];
  paramCount: number;
  trainableParamCount: number;
  /** False when the model had errors: its shapes are partly unknown, so uses of it are not checked. */
  complete: boolean;
}

export interface DataIR {
  name: string;
  span: Span;
  features: string[];
  labels: string[];
  /** The rows of a table. Empty for a `spec` (loaded at run time); `y` holds a file's labels when the compiler was given it. */
  x: number[][];
  y: number[][];
  /** A file or packaged data set with its transforms, loaded at run time. */
  spec?: DataSpec;
  /** The number of classes of the single label column (class numbers), where the source knows it. */
  classes?: number;
}

/** `loss: mean(abs(pred - y))`: checked by compiler/check/custom-loss.ts, emitted as tfjs ops. */
export interface CustomLossIR {
  kind: 'custom';
  expr: Expr;
}

/** A plan as the checker resolves it: a custom loss is still an expression here. */
export type TrainPlanIR = Omit<TrainPlan, 'loss'> & { loss: LossName | CustomLossIR };

export interface TrainIR {
  /** Unique within the file: the model's name, suffixed when one model is trained twice. */
  name: string;
  model: string;
  data: string;
  plan: TrainPlanIR;
  /** `validation: other_data`: the data reported as `val_*` each epoch. */
  validationData?: string;
  span: Span;
}

/** One `step` of a several-model block, checked: its loss stays an expression until codegen. */
export interface StepIR {
  name: string;
  loss: Expr;
  over: string[];
  optimizer: OptimizerSpec;
  /** The width of the noise `z`, when the loss uses it (the input width of the model it feeds). */
  noiseWidth?: number;
}

/** `train G, D on data { step …  step … }`. */
export interface StepTrainIR {
  /** Unique within the file: the models' names joined by `_`. */
  name: string;
  models: string[];
  data: string;
  steps: StepIR[];
  batch: 'full' | number;
  epochs: number;
  shuffle: boolean;
  seed?: number;
  span: Span;
}

export interface ProgramIR {
  models: ModelIR[];
  data: DataIR[];
  trains: TrainIR[];
  /** Several-model `train` blocks (GANs), when the file has any. */
  stepTrains?: StepTrainIR[];
}

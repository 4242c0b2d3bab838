// `nnc summary --json`: the summary table as data, for scripts and notebooks. The shape is a
// promise (documented in docs/language.md, `nnc summary`): fields are added, never renamed or removed, and `version`
// changes if one ever has to be.
import type { ModelIR } from '../compiler/ir.js';
import type { Dim } from '../compiler/shapes/dim.js';
import { showDim } from '../compiler/shapes/dim.js';

/** A dimension: a number when it is known, else its name or expression as written (`batch`, `h/2`). */
export type JsonDim = number | string;

export interface SummaryJson {
  version: 1;
  file: string;
  models: ModelSummaryJson[];
}

export interface ModelSummaryJson {
  name: string;
  inputs: Array<{ name: string; shape: JsonDim[] }>;
  outputs: Array<{ name: string; shape: JsonDim[] }>;
  /** In the order of the table; a layer applied several times (a shared `layer`) is listed once. */
  layers: LayerSummaryJson[];
  totals: { params: number; trainableParams: number; nonTrainableParams: number; bytes: number };
}

export interface LayerSummaryJson {
  /** Keras-style instance name, unique in the model: `dense`, `dense_1`. */
  name: string;
  /** The layer as the .nn file names it: `dense`, `conv2d`, `lstm`. */
  kind: string;
  /** What Keras calls its class, as the table shows it: `Dense`, `Bidirectional`. */
  type: string;
  outputShape: JsonDim[];
  params: number;
  trainableParams: number;
  /** The `block` instance it belongs to (`residual_1`), when it comes from one. */
  block?: string;
}

const bytesPerParam = 4; // float32

function shape(dims: readonly Dim[]): JsonDim[] {
  return dims.map((d) => (d.kind === 'const' ? d.value : showDim(d)));
}

export function modelSummaryJson(model: ModelIR): ModelSummaryJson {
  const layers = model.nodes
    .filter((node) => !node.sharedWith)
    .map((node): LayerSummaryJson => ({
      name: node.id,
      kind: node.def.name,
      type: node.kerasClass,
      outputShape: shape(node.shape),
      params: node.paramCount,
      trainableParams: node.weights.filter((w) => w.trainable).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0),
      ...(node.scope !== undefined ? { block: node.scope } : {}),
    }));
  return {
    name: model.name,
    inputs: model.inputs.map((i) => ({ name: i.name, shape: shape(i.shape) })),
    outputs: model.outputs.map((o) => ({ name: o.name, shape: shape(o.shape) })),
    layers,
    totals: {
      params: model.paramCount,
      trainableParams: model.trainableParamCount,
      nonTrainableParams: model.paramCount - model.trainableParamCount,
      bytes: model.paramCount * bytesPerParam,
    },
  };
}

export function summaryJson(file: string, models: readonly ModelIR[]): SummaryJson {
  return { version: 1, file, models: models.map(modelSummaryJson) };
}

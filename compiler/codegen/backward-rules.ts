// What the layers' backward rules share (each rule lives in its layer's file, as `LayerDef.backward`;
// backward.ts walks the graph): the names of the locals rules write, the shape of a one-input rule,
// and the traced-call pattern of the layers whose forward pass is a runtime function with a
// `…ForwardTrace` twin (attention, transformers).
import type { LayerNode } from '../ir.js';
import type { BackwardEmitter, EmitContext, LayerBackward, WeightSpec } from '../layers/types.js';
import type { RuntimeValueName } from './runtime-contract.js';

/** `$` cannot occur in a .nn name, so these locals never collide with the forward pass's. */
export const gradLocal = (node: LayerNode, weight: string) => `g$${node.local}$${weight}`;
export const statsLocal = (node: LayerNode) => `stats$${node.local}`;
export const normalisedLocal = (node: LayerNode) => `xhat$${node.local}`;
export const maskLocal = (node: LayerNode) => `mask$${node.local}`;
export const dilatedLocal = (node: LayerNode) => `dc$${node.local}`;
/** What a layer's traced forward call returns (`{ output, trace }`), and its backward call's result. */
export const traceLocal = (node: LayerNode, suffix = '') => `tr$${node.local}${suffix}`;
export const backLocal = (node: LayerNode, suffix = '') => `bp$${node.local}${suffix}`;

/** A rule for a layer of one input whose gradient is one expression. */
export const single = (gradient: (node: LayerNode, d: string, e: BackwardEmitter) => string) => (node: LayerNode, d: string, e: BackwardEmitter, needed: readonly boolean[]) =>
  [needed[0] ? gradient(node, d, e) : null];

/** An activation layer: backward.ts has applied its derivative, so `d` is already at its input. */
export const passThrough: LayerBackward = { inputs: single((_node, d) => d) };

/**
 * Emits the layer's own call with runtime functions renamed to their `…ForwardTrace` versions
 * (the same ops, keeping what the backward pass needs) as `tr$<layer>`; returns its output.
 */
export function tracedCall(node: LayerNode, e: BackwardEmitter, rename: (name: RuntimeValueName) => RuntimeValueName, training: string): string {
  const context: EmitContext = {
    input: node.input.id,
    inputs: node.inputs.map((i) => i.id),
    args: node.args,
    inputShape: node.input.shape,
    outputShape: node.shape,
    weight: (name) => e.weight(node, name),
    runtime: (name) => e.rt.use(rename(name)),
    training,
    id: node.id,
  };
  e.w.line(`const ${traceLocal(node)} = ${node.def.emit(context)};`);
  return `${traceLocal(node)}.output`;
}

/** Emits `bp$<layer> = rt.<backward>(trace, d)`; the weights' gradients are its `dWeights` fields. */
export function backwardByFields(node: LayerNode, d: string, e: BackwardEmitter, specs: readonly WeightSpec[], backward: RuntimeValueName, fields: readonly [string, string][]): Record<string, string> {
  const options = e.inputNeeded(node) ? '' : ', { inputGradient: false }';
  e.w.line(`const ${backLocal(node)} = ${e.rt.use(backward)}(${traceLocal(node)}.trace, ${d}${options});`);
  const names = new Set(specs.map((spec) => spec.name));
  return Object.fromEntries(fields.filter(([, name]) => names.has(name)).map(([field, name]) => [name, `${backLocal(node)}.dWeights.${field}!`]));
}

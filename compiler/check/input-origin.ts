// Where a layer's input came from: the chain of layers back to a model input, for size traces in
// shape errors ("1 came about as 28 → 26 → 13 → … → 1").
import type { LayerNode, ModelInput } from '../ir.js';
import type { InputOrigin, OriginStep } from '../layers/types.js';
import type { Span } from '../syntax/ast.js';

/** Longer chains are cut: a trace is read by a person. */
const MAX_STEPS = 64;

export function traceOrigin(valueId: string, nodes: readonly LayerNode[], inputs: readonly ModelInput[], typeSpans: ReadonlyMap<string, Span>): InputOrigin {
  const byLocal = new Map(nodes.map((n) => [n.local, n]));
  const steps: OriginStep[] = [];
  let id = valueId;
  for (let i = 0; i < MAX_STEPS; i++) {
    const node = byLocal.get(id);
    if (!node) break;
    steps.unshift({ layer: node.id, def: node.def.name, args: node.args, input: node.input.shape, output: node.shape });
    // A merge has several origins; the trace follows one chain only.
    if (node.inputs.length !== 1) return { steps };
    id = node.input.id;
  }
  const input = inputs.find((m) => m.id === id);
  const typeSpan = typeSpans.get(id);
  return input && typeSpan ? { steps, input: { name: input.name, shape: input.shape, typeSpan } } : { steps };
}

// Layers whose result reaches no output (e.g. written after the last `output`) would still be
// built and counted; Keras drops them from a functional model.
import type { DiagnosticSink } from '../diagnostics/make.js';
import type { LayerNode, ModelOutput } from '../ir.js';

/**
 * The nodes that reach an output. Warns once per statement and drops the rest — keeping a dead
 * layer (as weights only) when a live shared use needs its weights.
 */
export function withoutDeadLayers(nodes: LayerNode[], outputs: ModelOutput[], sink: DiagnosticSink): LayerNode[] {
  const needed = new Set(outputs.map((o) => o.id));
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    if (needed.has(n.local)) for (const input of n.inputs) needed.add(input.id);
  }
  const owners = new Set(nodes.filter((n) => needed.has(n.local) && n.sharedWith).map((n) => n.sharedWith!));
  const warned = new Set<number>();
  return nodes.filter((n) => {
    if (needed.has(n.local)) return true;
    if (!warned.has(n.span.start)) {
      warned.add(n.span.start);
      sink.warning('NN3197', n.span, `the result of \`${n.def.name}\` reaches no output: it is left out of the model`, {
        help: 'use it on the way to an `output`, or remove it',
      });
    }
    if (n.weights.length > 0 && owners.has(n.id) && !n.sharedWith) {
      n.weightsOnly = true;
      return true;
    }
    return false;
  });
}

// Shape inference for one model → its typed ModelIR: the statements are evaluated step by step by
// model-evaluator.ts (chains, `let`, pipes, merges, shared layers, `repeat`, blocks inlined); here
// the outputs are settled, layers that reach no output dropped (dead-layers.ts) and weights counted.
import type { DiagnosticSink } from '../diagnostics/make.js';
import type { ModelIR, ModelOutput } from '../ir.js';
import { paramCount } from '../layers/types.js';
import type { BlockDecl, ModelDecl } from '../syntax/ast.js';
import { hasInput } from './block-params.js';
import { withoutDeadLayers } from './dead-layers.js';
import { ModelEvaluator } from './model-evaluator.js';
import { modelFrame } from './model-frame.js';

export { checkBlockDecl } from './block-params.js';

export function checkModel(decl: ModelDecl, blocks: ReadonlyMap<string, BlockDecl>, sink: DiagnosticSink): ModelIR {
  const errorsBefore = sink.items.length;
  const evaluator = new ModelEvaluator(decl, blocks, sink);
  const top = modelFrame();
  evaluator.statements(decl.body, top);

  const outputs: ModelOutput[] = top.outputs.filter((o) => o.value.shape).map((o) => ({ name: o.name, id: o.value.id, shape: o.value.shape! }));
  if (!hasInput(decl.body)) {
    sink.error('NN3005', decl.name.span, `model \`${decl.name.name}\` has no input`, { help: 'declare one, e.g. `input x: [batch, 2]`' });
  } else if (top.outputs.length === 0 && top.current?.shape && !evaluator.broken) {
    // Without an `output` statement the chain's last value is the output.
    outputs.push({ name: 'output', id: top.current.id, shape: top.current.shape });
  }
  const complete = !decl.recovered && sink.items.length === errorsBefore && !evaluator.broken;
  const live = complete ? withoutDeadLayers(evaluator.nodes, outputs, sink) : evaluator.nodes;
  const total = live.reduce((n, l) => n + l.paramCount, 0);
  const trainable = live.reduce((n, l) => n + paramCount(l.weights.filter((w) => w.trainable)), 0);
  return { name: decl.name.name, span: decl.span, nameSpan: decl.name.span, inputs: evaluator.inputs, nodes: live, outputs, paramCount: total, trainableParamCount: trainable, complete };
}

// Which layer nodes a block call in a model produced. The checker inlines a block's layers, with
// the spans they have in the block's declaration and a `scope` naming the instance (`residual_1`);
// instances appear in source order, so the model's block calls are matched to runs of nodes of
// one instance in order, a call under `repeat n` taking n of them. Only complete models are
// matched: after an error, a call may have produced nothing, and the order would not line up.
import type { LayerNode, ModelIR } from '../compiler/ir.js';
import type { Span } from '../compiler/syntax/ast.js';
import type { Analysis } from './analysis.js';
import { walk, type AstNode } from './ast-walk.js';

type BlockCalls = Map<string, { span: Span; nodes: LayerNode[] }>;
const cache = new WeakMap<ModelIR, BlockCalls>();

export function blockCallNodes(a: Analysis, model: ModelIR): BlockCalls {
  const cached = cache.get(model);
  if (cached) return cached;
  const out: BlockCalls = new Map();
  cache.set(model, out);
  const decl = (a.result.ast.decls as unknown as AstNode[]).find((d) => d.span.start === model.span.start);
  if (!decl || !model.complete) return out;
  const calls: { span: Span; times: number }[] = [];
  walk(decl, ({ node, key, parent, ancestors }) => {
    const callee = node.kind === 'call' ? (node['callee'] as { name?: string } | undefined)?.name : key === 'callee' ? undefined : node.kind === 'name' && parent?.kind !== 'call' ? (node['name'] as string) : undefined;
    if (!callee || a.index.topLevel.get(callee)?.kind !== 'block') return;
    const times = ancestors.filter((x) => x.kind === 'repeat').reduce((n, r) => n * ((r['count'] as { value?: number } | undefined)?.value ?? 1), 1);
    calls.push({ span: node.span, times });
  });
  // Runs of consecutive nodes of one instance: the first segment of their scope.
  const runs: LayerNode[][] = [];
  let previous: string | undefined;
  for (const node of model.nodes) {
    const instance = node.scope?.split('/')[0];
    if (instance === undefined) previous = undefined;
    else if (instance === previous) runs[runs.length - 1]!.push(node);
    else {
      runs.push([node]);
      previous = instance;
    }
  }
  let next = 0;
  for (const call of calls.sort((x, y) => x.span.start - y.span.start)) {
    const taken = runs.slice(next, next + call.times);
    next += call.times;
    if (taken.length) out.set(`${call.span.start}:${call.span.end}`, { span: call.span, nodes: taken.flat() });
  }
  return out;
}

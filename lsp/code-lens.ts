// A code lens over each model: its totals, as `nnc summary` would print them.
import type { CodeLens } from 'vscode-languageserver';
import { showShape } from '../compiler/shapes/dim.js';
import type { Analysis } from './analysis.js';
import { formatCount, modelFlopsPerExample } from './metrics.js';
import { toRange } from './ranges.js';

export function codeLenses(a: Analysis): CodeLens[] {
  return a.result.program.models.map((model) => {
    const flops = modelFlopsPerExample(model);
    const parts = [
      `${formatCount(model.paramCount)} parameters (${formatCount(model.trainableParamCount)} trainable)`,
      `${model.nodes.length} layer${model.nodes.length === 1 ? '' : 's'}`,
      ...(flops !== undefined ? [`${formatCount(flops)} FLOPs/example`] : []),
      `${model.inputs.map((i) => showShape(i.shape)).join(', ') || '?'} → ${model.outputs.map((o) => showShape(o.shape)).join(', ') || '?'}`,
    ];
    return { range: toRange(a.lines, model.nameSpan), command: { title: parts.join(' · '), command: '' } };
  });
}

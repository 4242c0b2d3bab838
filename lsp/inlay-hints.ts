// Inlay hints: the output shape after every layer call (and so after every `let`), `▸ [batch, 4]`.
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver';
import { showShape } from '../compiler/shapes/dim.js';
import type { LayerNode } from '../compiler/ir.js';
import type { Analysis } from './analysis.js';
import { blockCallNodes } from './block-calls.js';
import { toOffset, toPosition } from './ranges.js';

export function inlayHints(a: Analysis, range?: Range): InlayHint[] {
  const from = range ? toOffset(a.lines, range.start) : 0;
  const to = range ? toOffset(a.lines, range.end) : a.text.length;
  const hints: InlayHint[] = [];
  for (const model of a.result.program.models) {
    if (model.span.end < from || model.span.start > to) continue;
    // Under `repeat`, one call yields several nodes: the hint shows the last one's shape.
    const lastBySpan = new Map<string, { end: number; shape: LayerNode['shape']; tooltip: string }>();
    for (const node of model.nodes) {
      const inside = node.span.start >= model.span.start && node.span.end <= model.span.end;
      if (inside && node.span.end >= from && node.span.end <= to) lastBySpan.set(`${node.span.start}:${node.span.end}`, { end: node.span.end, shape: node.shape, tooltip: `${node.id}: ${node.paramCount} parameters` });
    }
    // A block call shows the output of its (last) instance.
    for (const [key, { span, nodes }] of blockCallNodes(a, model)) {
      const params = nodes.reduce((n, x) => n + x.paramCount, 0);
      if (span.end >= from && span.end <= to) lastBySpan.set(key, { end: span.end, shape: nodes[nodes.length - 1]!.shape, tooltip: `${nodes.length} layers, ${params} parameters` });
    }
    for (const hint of lastBySpan.values()) {
      hints.push({ position: toPosition(a.lines, hint.end), label: `▸ ${showShape(hint.shape)}`, kind: InlayHintKind.Type, paddingLeft: true, tooltip: hint.tooltip });
    }
  }
  return hints.sort((x, y) => x.position.line - y.position.line || x.position.character - y.position.character);
}

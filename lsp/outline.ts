// The outline (document symbols: declarations, and in models their inputs, values and layers with
// shapes) and folding ranges (multi-line declarations and comment blocks).
import { FoldingRangeKind, SymbolKind, type DocumentSymbol, type FoldingRange } from 'vscode-languageserver';
import { showShape } from '../compiler/shapes/dim.js';
import type { Analysis } from './analysis.js';
import { nodesOfCall, tokensOf } from './analysis.js';
import type { AstNode } from './ast-walk.js';
import { toRange } from './ranges.js';

const declKinds: Record<string, SymbolKind> = { model: SymbolKind.Class, block: SymbolKind.Function, data: SymbolKind.Struct, train: SymbolKind.Event };

export function documentSymbols(a: Analysis): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const decl of a.result.ast.decls as unknown as AstNode[]) {
    const kind = String(decl.kind);
    const nameNode = decl['name'] as { name: string; span: AstNode['span'] } | undefined;
    const name = nameNode?.name ?? (kind === 'train' ? `train ${(decl['model'] as { name?: string })?.name ?? '?'} on ${(decl['data'] as { name?: string })?.name ?? '?'}` : kind);
    const selection = nameNode?.span ?? (decl['model'] as { span?: AstNode['span'] })?.span ?? decl.span;
    const children = Array.isArray(decl['body']) ? statementSymbols(a, decl['body'] as AstNode[]) : [];
    out.push({ name: name || kind, detail: kind, kind: declKinds[kind] ?? SymbolKind.Object, range: toRange(a.lines, decl.span), selectionRange: toRange(a.lines, selection), children });
  }
  return out;
}

function statementSymbols(a: Analysis, body: AstNode[]): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const stmt of body) {
    const name = (stmt['name'] as { name?: string; span?: AstNode['span'] } | undefined) ?? undefined;
    const value = (stmt['value'] ?? stmt['expr']) as AstNode | undefined;
    const shape = stmt.kind === 'output' ? outputShape(a, stmt) : value ? lastShape(a, value) : undefined;
    const detail = shape ?? String(stmt.kind);
    if (name?.name && name.span) {
      out.push({ name: name.name, detail, kind: SymbolKind.Variable, range: toRange(a.lines, stmt.span), selectionRange: toRange(a.lines, name.span) });
    } else if (Array.isArray(stmt['body'])) {
      out.push({ name: String(stmt.kind), kind: SymbolKind.Namespace, range: toRange(a.lines, stmt.span), selectionRange: toRange(a.lines, stmt.span), children: statementSymbols(a, stmt['body'] as AstNode[]) });
    } else if (value) {
      const callee = (value['callee'] as { name?: string } | undefined)?.name;
      const label = stmt.kind === 'output' ? `output ${a.text.slice(value.span.start, Math.min(value.span.end, value.span.start + 40))}` : callee ?? a.text.slice(value.span.start, Math.min(value.span.end, value.span.start + 40));
      out.push({ name: label || String(stmt.kind), detail, kind: SymbolKind.Function, range: toRange(a.lines, stmt.span), selectionRange: toRange(a.lines, value.span) });
    }
  }
  return out;
}

function outputShape(a: Analysis, stmt: AstNode): string | undefined {
  const model = a.result.program.models.find((m) => m.span.start <= stmt.span.start && stmt.span.end <= m.span.end);
  const value = stmt['value'] as { name?: string } | undefined;
  const output = model?.outputs.find((o) => o.name === value?.name);
  return output ? showShape(output.shape) : undefined;
}

/** The shape of the last layer an expression applies (a pipe's last stage). */
function lastShape(a: Analysis, expr: AstNode): string | undefined {
  const stages = Array.isArray(expr['stages']) ? (expr['stages'] as AstNode[]) : [expr];
  const last = stages[stages.length - 1]!;
  const nodes = nodesOfCall(a, last.span);
  return nodes.length ? showShape(nodes[nodes.length - 1]!.shape) : undefined;
}

export function foldingRanges(a: Analysis): FoldingRange[] {
  const out: FoldingRange[] = [];
  const add = (start: number, end: number, kind?: FoldingRangeKind) => {
    const s = a.lines.position(start).line - 1;
    const e = a.lines.position(end).line - 1;
    if (e > s) out.push({ startLine: s, endLine: e, ...(kind ? { kind } : {}) });
  };
  for (const decl of a.result.ast.decls) add(decl.span.start, Math.max(decl.span.start, decl.span.end - 1));
  const { comments } = tokensOf(a.text);
  let run: { start: number; end: number; line: number } | undefined;
  for (const c of comments) {
    const line = c.startLine ?? 0;
    if (c.image.startsWith('/*')) add(c.startOffset, c.endOffset ?? c.startOffset, FoldingRangeKind.Comment);
    const ownLine = c.image.startsWith('//') && a.lines.lineText(line).trimStart().startsWith('//');
    if (run && ownLine && line === run.line + 1) {
      run.end = c.startOffset;
      run.line = line;
      continue;
    }
    if (run) add(run.start, run.end, FoldingRangeKind.Comment);
    run = ownLine ? { start: c.startOffset, end: c.startOffset, line } : undefined;
  }
  if (run) add(run.start, run.end, FoldingRangeKind.Comment);
  return out;
}

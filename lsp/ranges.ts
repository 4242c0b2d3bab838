// Offsets (the compiler's spans) ↔ LSP ranges (0-based lines, UTF-16 columns).
import type { Position, Range } from 'vscode-languageserver';
import type { LineMap } from '../compiler/source.js';
import type { Span } from '../compiler/syntax/ast.js';

export function toPosition(lines: LineMap, offset: number): Position {
  const p = lines.position(offset);
  return { line: p.line - 1, character: p.column - 1 };
}

export function toRange(lines: LineMap, span: Span): Range {
  return { start: toPosition(lines, span.start), end: toPosition(lines, Math.max(span.start, span.end)) };
}

export function toOffset(lines: LineMap, position: Position): number {
  const line = Math.max(0, Math.min(position.line, lines.lineCount - 1));
  const lineText = lines.lineText(line + 1);
  return lines.offset({ line: line + 1, column: Math.max(0, Math.min(position.character, lineText.length)) + 1 });
}

export function contains(span: Span, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}

// Semantic tokens for names, which the TextMate grammar cannot tell apart: models and blocks,
// layers, values, dimension symbols, arguments and settings, data, activations and other library
// names. Keywords, numbers, strings and comments are left to the grammar.
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver';
import type { Analysis } from './analysis.js';
import type { OccurrenceKind } from './symbols.js';

export const tokenTypes = ['class', 'function', 'variable', 'parameter', 'typeParameter', 'property', 'struct', 'enumMember'] as const;
export const tokenModifiers = ['declaration', 'defaultLibrary'] as const;

export const semanticTokensLegend: SemanticTokensLegend = { tokenTypes: [...tokenTypes], tokenModifiers: [...tokenModifiers] };

const typeOf: Record<OccurrenceKind, (typeof tokenTypes)[number] | undefined> = {
  model: 'class',
  data: 'struct',
  value: 'variable',
  param: 'parameter',
  dim: 'typeParameter',
  layer: 'function',
  activation: 'enumMember',
  argument: 'property',
  setting: 'property',
  name: 'enumMember',
};

export function semanticTokens(a: Analysis): SemanticTokens {
  const data: number[] = [];
  let line = 0;
  let character = 0;
  for (const o of a.index.occurrences) {
    const type = typeOf[o.kind];
    if (!type) continue;
    const start = a.lines.position(o.span.start);
    const end = a.lines.position(o.span.end);
    if (end.line !== start.line || o.span.end <= o.span.start) continue;
    const l = start.line - 1;
    const c = start.column - 1;
    const library = o.kind === 'layer' || o.kind === 'activation' || o.kind === 'name';
    const modifiers = (o.definition ? 1 : 0) | (library ? 2 : 0);
    data.push(l - line, l === line ? c - character : c, o.span.end - o.span.start, tokenTypes.indexOf(type), modifiers);
    line = l;
    character = c;
  }
  return { data };
}

// One document, analysed once per version: the compiler's result, a line map and the symbol index.
// Every feature reads an Analysis; nothing here re-parses or re-checks on its own.
import type { IToken } from 'chevrotain';
import { compile, type CompileResult } from '../compiler/compile.js';
import type { LayerNode, ModelIR } from '../compiler/ir.js';
import { LineMap } from '../compiler/source.js';
import type { Span } from '../compiler/syntax/ast.js';
import { lex } from '../grammar/parser.js';
import * as T from '../grammar/tokens.js';
import { blockCallNodes } from './block-calls.js';
import { buildIndex, type SymbolIndex } from './symbols.js';

export interface Analysis {
  text: string;
  version: number;
  result: CompileResult;
  lines: LineMap;
  index: SymbolIndex;
}

export function analyze(text: string, version = 0, fileName = 'input.nn'): Analysis {
  const result = compile(text, { fileName, emit: false });
  let index: SymbolIndex | undefined;
  // Built on first use: publishing diagnostics, the path that must be fast, does not need it.
  return {
    text,
    version,
    result,
    lines: new LineMap(text),
    get index() {
      return (index ??= buildIndex(result.ast));
    },
  };
}

/** Code tokens and comments, in order (lexed on demand: completion works on half-typed text). */
export function tokensOf(text: string): { code: IToken[]; comments: IToken[] } {
  const lexed = lex(text);
  return { code: lexed.tokens, comments: (lexed.groups['comments'] ?? []) as IToken[] };
}

export function isComment(t: IToken): boolean {
  return t.tokenType === T.LineComment || t.tokenType === T.BlockComment;
}

/** The model whose declaration contains the offset. */
export function modelAt(a: Analysis, offset: number): ModelIR | undefined {
  return a.result.program.models.find((m) => m.span.start <= offset && offset <= m.span.end);
}

const nodesBySpan = new WeakMap<Analysis, Map<string, LayerNode[]>>();

/** The layer nodes a call in the source produced (several under `repeat`; a block's, for a block call). */
export function nodesOfCall(a: Analysis, call: Span): LayerNode[] {
  let bySpan = nodesBySpan.get(a);
  if (!bySpan) {
    // Indexed once per analysis: the outline asks for every statement of a 10,000-line model.
    bySpan = new Map();
    for (const model of a.result.program.models) {
      for (const node of model.nodes) {
        const key = `${node.span.start}:${node.span.end}`;
        const list = bySpan.get(key);
        if (list) list.push(node);
        else bySpan.set(key, [node]);
      }
      for (const [key, block] of blockCallNodes(a, model)) bySpan.set(key, block.nodes);
    }
    nodesBySpan.set(a, bySpan);
  }
  return bySpan.get(`${call.start}:${call.end}`) ?? [];
}

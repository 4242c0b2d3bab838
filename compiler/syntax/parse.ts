// Source text → AST + syntax diagnostics. Never throws on user input.
import type { IRecognitionException, IToken } from 'chevrotain';
import { lex, parseTokens } from '../../grammar/parser.js';
import * as T from '../../grammar/tokens.js';
import { DiagnosticSink } from '../diagnostics/make.js';
import { buildAst } from './build-ast.js';
import type { SourceFileNode, Span } from './ast.js';

export interface ParsedFile {
  ast: SourceFileNode;
  tokens: IToken[];
  comments: IToken[];
}

/** Deeper nesting than this is certainly a mistake, and would exhaust the recursive-descent stack. */
const maxNesting = 128;
/** Past this many, more lexer errors say nothing new: one summary stands for the rest. */
const maxLexErrors = 10;
/** 16 MB of source is far beyond any real network description. */
const maxSourceLength = 16 * 1024 * 1024;

const declarationStarts = new Set([T.Model, T.Data, T.Train, T.Block]);

export function parseFile(source: string, sink: DiagnosticSink): ParsedFile {
  const empty: ParsedFile = { ast: { decls: [] }, tokens: [], comments: [] };
  if (source.length > maxSourceLength) {
    sink.error('NN1005', { start: 0, end: 0 }, `the file is ${(source.length / 1048576).toFixed(1)} MB; nnc reads files up to 16 MB`);
    return empty;
  }
  const { cst, tokens, comments, lexErrors, parseErrors } = parseSourceGuarded(source, sink);
  for (const e of lexErrors.slice(0, maxLexErrors)) {
    const text = source.slice(e.offset, e.offset + Math.min(e.length, 20));
    const shown = /^[\x20-\x7e]+$/.test(text) ? `\`${text}\`` : describeChars(text);
    sink.error('NN1002', { start: e.offset, end: e.offset + e.length }, `unexpected character${e.length > 1 ? 's' : ''} ${shown}`, {
      help: 'names are letters, digits and `_`; strings use double quotes; comments start with `//`',
    });
  }
  if (lexErrors.length > maxLexErrors) {
    const rest = lexErrors.slice(maxLexErrors);
    const last = rest[rest.length - 1]!;
    sink.error('NN1002', { start: rest[0]!.offset, end: last.offset + last.length }, `and ${rest.length} more runs of unexpected characters`, {
      help: 'is this a .nn text file? it looks like binary data or another language',
    });
  }
  if (!cst) return empty;
  const recoveredAt = reportParseErrors(parseErrors, tokens, source, sink);
  const ast = buildAst(cst);
  for (const decl of ast.decls) if (recoveredAt.some((offset) => offset >= decl.span.start && offset <= decl.span.end)) decl.recovered = true;
  return { ast, tokens, comments };
}

function parseSourceGuarded(source: string, sink: DiagnosticSink) {
  const lexed = lex(source);
  let depth = 0;
  for (const t of lexed.tokens) {
    const type = t.tokenType;
    if (type === T.LParen || type === T.LBracket || type === T.LCurly) depth++;
    else if (type === T.RParen || type === T.RBracket || type === T.RCurly) depth = Math.max(0, depth - 1);
    if (depth > maxNesting) {
      sink.error('NN1003', { start: t.startOffset, end: t.startOffset + 1 }, `brackets are nested more than ${maxNesting} deep`, {
        help: 'check for an unclosed `(`, `[` or `{` before this point',
      });
      return { cst: undefined, tokens: lexed.tokens, comments: [], lexErrors: lexed.errors, parseErrors: [] };
    }
  }
  return parseTokens(lexed);
}

function describeChars(text: string): string {
  const codes = [...text].slice(0, 4).map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
  return codes.join(' ') + ([...text].length > 4 ? ' …' : '');
}

/**
 * Chevrotain's recovery can report a cascade of errors after one mistake. We keep the first error
 * in each top-level declaration: that is the one the user made; the rest are echoes.
 */
function reportParseErrors(errors: IRecognitionException[], tokens: IToken[], source: string, sink: DiagnosticSink): number[] {
  const offsets = errors.map((e) => errorOffset(e, source));
  const starts = tokens.filter((t) => declarationStarts.has(t.tokenType)).map((t) => t.startOffset);
  const seen = new Set<number>();
  for (const e of errors) {
    const offset = errorOffset(e, source);
    let segment = -1;
    for (const s of starts) if (s <= offset) segment = s;
    if (seen.has(segment)) continue;
    seen.add(segment);
    const span: Span = Number.isNaN(e.token.startOffset)
      ? { start: offset, end: offset }
      : { start: e.token.startOffset, end: (e.token.endOffset ?? e.token.startOffset) + 1 };
    sink.error('NN1001', span, friendlyMessage(e), hintFor(e));
  }
  return offsets;
}

function errorOffset(e: IRecognitionException, source: string): number {
  if (!Number.isNaN(e.token.startOffset)) return e.token.startOffset;
  const prev = (e as { previousToken?: IToken }).previousToken;
  if (prev && !Number.isNaN(prev.endOffset ?? NaN)) return (prev.endOffset ?? 0) + 1;
  return source.length;
}

function found(e: IRecognitionException): string {
  return e.token.tokenType.name === 'EOF' || Number.isNaN(e.token.startOffset) ? 'the end of the file' : `\`${truncate(e.token.image)}\``;
}

function truncate(s: string): string {
  return s.length > 30 ? s.slice(0, 30) + '…' : s;
}

const ruleWords: Record<string, string> = {
  tensorType: 'a tensor type like `[batch, 2]`',
  tableHeader: 'a table header like `x1, x2 -> y`',
  tableRow: 'a table row like `0, 1 -> 1`',
  property: 'a training setting like `epochs: 100`',
  argument: 'an argument',
  modelStatement: 'a model statement (`input`, `output`, `let` or a layer call)',
  declaration: 'a declaration (`model`, `data` or `train`)',
};

function context(e: IRecognitionException): string {
  const stack = e.context?.ruleStack ?? [];
  for (let i = stack.length - 1; i >= 0; i--) {
    const w = ruleWords[stack[i]!];
    if (w) return ` in ${w}`;
  }
  return '';
}

function friendlyMessage(e: IRecognitionException): string {
  switch (e.name) {
    case 'MismatchedTokenException': {
      const expected = /--> (.+?) <--/.exec(e.message)?.[1] ?? 'something else';
      return `expected ${expected.replace(/^'(.*)'$/, '`$1`')} but found ${found(e)}${context(e)}`;
    }
    case 'NotAllInputParsedException':
      return `unexpected ${found(e)}: expected a declaration (\`model\`, \`data\` or \`train\`)`;
    case 'EarlyExitException':
      return `expected more here but found ${found(e)}${context(e)}`;
    default:
      return `unexpected ${found(e)}${context(e)}`;
  }
}

function hintFor(e: IRecognitionException): { help?: string } {
  const stack = e.context?.ruleStack ?? [];
  if (stack.includes('tensorType')) return { help: 'separate dimensions with commas: `[batch, 28, 28, 1]`' };
  if (stack.includes('tableRow') || stack.includes('tableHeader')) return { help: 'separate columns with commas and labels with `->`: `0, 1 -> 1`' };
  if (stack.includes('argument') || stack.includes('callOrName')) return { help: 'arguments are separated by commas: `dense(4, activation: relu)`' };
  return {};
}

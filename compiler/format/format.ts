// The formatter behind `nnc fmt` and the editor's "Format Document". It works on the token stream
// (comments included) and keeps the author's line breaks: tables are one row per line, so joining
// or splitting lines could change a program. What it normalises: indentation (two spaces per open
// bracket), spacing between tokens, blank lines (at most one; one after each declaration) and the
// columns of tables. A file with syntax errors is left alone (undefined), and so is any result
// whose tokens differ from the input's: formatting never changes what a file means.
import type { IToken } from 'chevrotain';
import { lex } from '../../grammar/parser.js';
import * as T from '../../grammar/tokens.js';
import { DiagnosticSink } from '../diagnostics/make.js';
import { parseFile } from '../syntax/parse.js';
import { alignTable, isTableLine } from './table.js';

const indentUnit = '  ';
const openers = new Set([T.LCurly, T.LParen, T.LBracket]);
const closers = new Set([T.RCurly, T.RParen, T.RBracket]);
const tight = new Set([T.Star, T.Slash]);
const noSpaceBefore = new Set([T.Comma, T.Colon, T.Semicolon, T.RParen, T.RBracket]);
/** Tokens after which a value ends: a `-` after one of these is binary, otherwise unary. */
const valueEnds = new Set([T.Identifier, T.NumberLiteral, T.StringLiteral, T.RParen, T.RBracket]);

export interface Line {
  tokens: IToken[];
  /** Open brackets before the line's first token. */
  depth: number;
  /** Blank lines between this line and the previous one in the input. */
  blankBefore: number;
  /** Set on lines strictly inside a `table { … }`. */
  inTable: boolean;
}

export function format(source: string): string | undefined {
  const sink = new DiagnosticSink();
  const parsed = parseFile(source, sink);
  if (sink.hasErrors) return undefined;
  const tokens = [...parsed.tokens, ...parsed.comments].sort((a, b) => a.startOffset - b.startOffset);
  const lines = splitLines(tokens);
  const inBrackets = tokensInBrackets(tokens);
  const rendered = new Map<Line, string>();
  for (const group of tableGroups(lines)) {
    const aligned = alignTable(group);
    group.forEach((line, i) => rendered.set(line, aligned[i]!));
  }
  const out: string[] = [];
  let previous: Line | undefined;
  for (const line of lines) {
    const first = line.tokens[0]!;
    let indent = indentUnit.repeat(Math.max(0, line.depth - (closers.has(first.tokenType) ? 1 : 0)));
    // A line continuing a statement (`|> relu()` under its chain) goes deeper than the statement,
    // as deep as its author put it if that is deeper still: continuations are often aligned.
    if (previous && !line.inTable && continues(previous, line)) {
      const authored = ' '.repeat(Math.max(0, (first.startColumn ?? 1) - 1));
      indent = authored.length > indent.length + indentUnit.length ? authored : indent + indentUnit;
    }
    if (previous) {
      const last = lastCode(previous);
      const opened = last !== undefined && openers.has(last.tokenType);
      const endsDeclaration = last?.tokenType === T.RCurly && line.depth === 0;
      const closing = closers.has(first.tokenType);
      if (endsDeclaration || (line.blankBefore > 0 && !opened && !closing)) out.push('');
    }
    out.push(indent + (rendered.get(line) ?? renderLine(line.tokens, source, inBrackets)));
    previous = line;
  }
  const result = out.length ? out.join('\n') + '\n' : '';
  return sameTokens(source, result) ? result : undefined;
}

const continuing = new Set([T.Pipe, T.Plus, T.Star, T.Slash, T.Equals, T.Arrow]);

/** Whether a line carries on the previous line's statement: one ends or the other starts with an operator. */
function continues(previous: Line, line: Line): boolean {
  const last = lastCode(previous);
  const first = line.tokens[0]!;
  return (last !== undefined && continuing.has(last.tokenType)) || continuing.has(first.tokenType);
}

/** Tokens whose innermost open bracket is `[`: shapes and lists. */
function tokensInBrackets(tokens: IToken[]): Set<IToken> {
  const inside = new Set<IToken>();
  const stack: IToken[] = [];
  for (const t of tokens) {
    if (stack[stack.length - 1]?.tokenType === T.LBracket) inside.add(t);
    if (openers.has(t.tokenType)) stack.push(t);
    else if (closers.has(t.tokenType)) stack.pop();
  }
  return inside;
}

function lastCode(line: Line): IToken | undefined {
  for (let i = line.tokens.length - 1; i >= 0; i--) {
    const t = line.tokens[i]!;
    if (t.tokenType !== T.LineComment && t.tokenType !== T.BlockComment) return t;
  }
  return undefined;
}

/**
 * A `{ … }` that spans lines gets its contents on lines of their own: a break after the `{` and
 * before the `}`. That cannot change a table, whose rows stay whole; a one-line block stays as is.
 */
function multiLineBraces(tokens: IToken[]): Set<IToken> {
  const braces = new Set<IToken>();
  const open: IToken[] = [];
  for (const t of tokens) {
    if (t.tokenType === T.LCurly) open.push(t);
    else if (t.tokenType === T.RCurly) {
      const o = open.pop();
      if (o && o.startLine !== t.startLine) {
        braces.add(o);
        braces.add(t);
      }
    }
  }
  return braces;
}

function splitLines(tokens: IToken[]): Line[] {
  const lines: Line[] = [];
  const stack: IToken[] = [];
  const breaking = multiLineBraces(tokens);
  let tableBrace: IToken | undefined;
  let previous: IToken | undefined;
  let before: IToken | undefined;
  for (const t of tokens) {
    const startLine = t.startLine ?? 1;
    const forced = previous !== undefined && ((breaking.has(previous) && previous.tokenType === T.LCurly && t.tokenType !== T.LineComment) || (breaking.has(t) && t.tokenType === T.RCurly));
    if (!previous || startLine > (previous.endLine ?? 1) || forced) {
      const blankBefore = previous && !forced ? Math.max(0, startLine - (previous.endLine ?? 1) - 1) : 0;
      lines.push({ tokens: [], depth: stack.length, blankBefore, inTable: tableBrace !== undefined && stack.includes(tableBrace) && t.tokenType !== T.RCurly });
    }
    lines[lines.length - 1]!.tokens.push(t);
    if (openers.has(t.tokenType)) {
      stack.push(t);
      if (t.tokenType === T.LCurly && before?.tokenType === T.Table) tableBrace = t;
    } else if (closers.has(t.tokenType)) {
      const closed = stack.pop();
      if (closed === tableBrace) tableBrace = undefined;
    }
    if (t.tokenType !== T.LineComment && t.tokenType !== T.BlockComment) before = t;
    previous = t;
  }
  return lines;
}

/** Runs of consecutive table lines whose rows can be put in columns. */
function tableGroups(lines: Line[]): Line[][] {
  const groups: Line[][] = [];
  let current: Line[] = [];
  for (const line of lines) {
    if (line.inTable && isTableLine(line.tokens)) current.push(line);
    else if (!(line.inTable && line.tokens.every((t) => t.tokenType === T.LineComment))) {
      if (current.length) groups.push(current);
      current = [];
    }
  }
  if (current.length) groups.push(current);
  return groups;
}

/** One line's tokens with canonical spacing. */
export function renderLine(tokens: IToken[], source: string, inBrackets: ReadonlySet<IToken> = new Set()): string {
  let text = '';
  let previous: IToken | undefined;
  let beforePrevious: IToken | undefined;
  for (const t of tokens) {
    if (previous) text += spaceBetween(previous, t, beforePrevious, source, inBrackets.has(t));
    text += t.tokenType === T.LineComment ? t.image.trimEnd() : t.image;
    beforePrevious = previous;
    previous = t;
  }
  return text;
}

function spaceBetween(prev: IToken, cur: IToken, beforePrev: IToken | undefined, source: string, inBrackets: boolean): string {
  if (cur.tokenType === T.LineComment) {
    // Trailing comments keep their distance: authors align them by hand.
    const gap = source.slice(prev.endOffset! + 1, cur.startOffset);
    return /^[ \t]+$/.test(gap) ? gap.replace(/\t/g, ' ') : ' ';
  }
  if (prev.tokenType === T.BlockComment || cur.tokenType === T.BlockComment) return ' ';
  if (noSpaceBefore.has(cur.tokenType)) return '';
  if (prev.tokenType === T.LParen || prev.tokenType === T.LBracket) return '';
  if (cur.tokenType === T.LParen && (prev.tokenType === T.Identifier || valueEnds.has(prev.tokenType))) return '';
  if (prev.tokenType === T.Minus && !(beforePrev && valueEnds.has(beforePrev.tokenType))) return '';
  // In a shape, `2*n + 1`, `h/2`: products bind tighter, and read so, as the checker prints shapes.
  if (inBrackets && (tight.has(prev.tokenType) || tight.has(cur.tokenType))) return '';
  return ' ';
}

function sameTokens(before: string, after: string): boolean {
  const images = (text: string) => {
    const lexed = lex(text);
    return [...lexed.tokens, ...((lexed.groups['comments'] ?? []) as IToken[])]
      .sort((a, b) => a.startOffset - b.startOffset)
      .map((t) => (t.tokenType === T.LineComment ? t.image.trimEnd() : t.image));
  };
  const a = images(before);
  const b = images(after);
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// Where the cursor is, read from the tokens before it (the file is usually half-typed, so the AST
// cannot be trusted here): which declaration, which call's arguments, which setting's value.
import type { IToken } from 'chevrotain';
import * as T from '../grammar/tokens.js';
import { tokensOf } from './analysis.js';

export interface CursorContext {
  /** `model`, `block`, `data`, `train` or undefined at the top level. */
  decl: string | undefined;
  /** The name of the call whose parentheses the cursor is in, with its `(` token. */
  call: { name: string; open: IToken } | undefined;
  /** Inside `[ … ]`. */
  inBrackets: boolean;
  /** Inside a tensor type `[ … ]` after `input x:` or `output …:`. */
  inType: boolean;
  /** The identifier the cursor is typing, and where it starts. */
  prefix: string;
  prefixStart: number;
  /** The last complete token before the prefix. */
  previous: IToken | undefined;
  /** In a call, the argument name before `:` when the cursor is in that argument's value. */
  argumentName: string | undefined;
  /** In a call: the argument index the cursor is in, the names given before it, and how many were positional. */
  argumentIndex: number;
  givenNames: string[];
  positionalCount: number;
  /** In a train block: the setting whose value is being typed. */
  settingKey: string | undefined;
  /** The code tokens before the cursor. */
  before: IToken[];
}

const declKeywords = new Set([T.Model, T.Block, T.Data, T.Train]);

export function cursorContext(text: string, offset: number): CursorContext {
  const { code } = tokensOf(text);
  let end = 0;
  while (end < code.length && code[end]!.startOffset < offset) end++;
  let before = code.slice(0, end);
  let prefix = '';
  let prefixStart = offset;
  const last = before[before.length - 1];
  if (last && (last.endOffset ?? 0) + 1 >= offset && (last.tokenType === T.Identifier || T.keywords.includes(last.tokenType))) {
    prefix = text.slice(last.startOffset, offset);
    prefixStart = last.startOffset;
    before = before.slice(0, -1);
  }
  const stack: { token: IToken; index: number }[] = [];
  let decl: string | undefined;
  let pending: string | undefined;
  before.forEach((t, i) => {
    if (stack.length === 0 && declKeywords.has(t.tokenType)) pending = t.image;
    if (t.tokenType === T.LCurly || t.tokenType === T.LParen || t.tokenType === T.LBracket) {
      if (stack.length === 0 && t.tokenType === T.LCurly) decl = pending;
      stack.push({ token: t, index: i });
    } else if (t.tokenType === T.RCurly || t.tokenType === T.RParen || t.tokenType === T.RBracket) {
      stack.pop();
      if (stack.length === 0 && t.tokenType === T.RCurly) decl = undefined;
    }
  });
  const innermost = stack[stack.length - 1];
  const previous = before[before.length - 1];
  let call: CursorContext['call'];
  let argumentName: string | undefined;
  let argumentIndex = 0;
  const givenNames: string[] = [];
  let positionalCount = 0;
  if (innermost?.token.tokenType === T.LParen) {
    const callee = before[innermost.index - 1];
    if (callee?.tokenType === T.Identifier) call = { name: callee.image, open: innermost.token };
    // Walk the call's own tokens (skipping nested brackets) to find the current argument.
    let depth = 0;
    let argStart = innermost.index + 1;
    for (let i = innermost.index + 1; i < before.length; i++) {
      const t = before[i]!;
      if (t.tokenType === T.LParen || t.tokenType === T.LBracket || t.tokenType === T.LCurly) depth++;
      else if (t.tokenType === T.RParen || t.tokenType === T.RBracket || t.tokenType === T.RCurly) depth--;
      else if (depth === 0 && t.tokenType === T.Comma) {
        const named = before[argStart]?.tokenType === T.Identifier && before[argStart + 1]?.tokenType === T.Colon;
        if (named) givenNames.push(before[argStart]!.image);
        else positionalCount++;
        argumentIndex++;
        argStart = i + 1;
      }
    }
    const first = before[argStart];
    if (first?.tokenType === T.Identifier && before[argStart + 1]?.tokenType === T.Colon) argumentName = first.image;
  }
  const inBrackets = innermost?.token.tokenType === T.LBracket;
  let inType = false;
  if (inBrackets) {
    // `input x: [` or `output y: [`: the bracket follows a colon in an input/output statement.
    const colon = before[innermost.index - 1];
    const owner = before[innermost.index - 3];
    inType = colon?.tokenType === T.Colon && (owner?.tokenType === T.Input || owner?.tokenType === T.Output);
  }
  let settingKey: string | undefined;
  if (decl === 'train' && stack.length >= 1) {
    // The key is the identifier before the nearest `:` at the block's level.
    const blockIndex = stack[0]!.index;
    for (let i = before.length - 1; i > blockIndex; i--) {
      const t = before[i]!;
      if (t.tokenType === T.Colon && before[i - 1]?.tokenType === T.Identifier && stack.filter((s) => s.index < i).length === 1) {
        // A colon followed by a complete value and then more tokens belongs to an earlier setting.
        if (i === before.length - 1 || stack.length > 1) settingKey = before[i - 1]!.image;
        break;
      }
    }
  }
  return { decl, call, inBrackets, inType, prefix, prefixStart, previous, argumentName, argumentIndex, givenNames, positionalCount, settingKey, before };
}

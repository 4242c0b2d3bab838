// A tiny line writer: generated code is built line by line with explicit indentation, so its
// layout is deterministic and readable without running a formatter.
import type { Span } from '../syntax/ast.js';
import type { SourceOrigin } from './source-origin.js';

export class CodeWriter {
  private readonly lines: string[] = [];
  private depth = 0;

  /** `source`: the `.nn` file, for comments that say where generated code comes from. */
  constructor(private readonly source?: SourceOrigin) {}

  /** `chain.nn:5 dense(8)`: where a span of the source is, for a comment; '' without the source. */
  origin(span: Span): string {
    return this.source ? commentText(this.source.of(span)) : '';
  }

  /** ` (chain.nn:19)`: the line a declaration starts on, for a doc comment; '' without the source. */
  originLine(span: Span): string {
    return this.source ? ` (${commentText(this.source.where(span))})` : '';
  }

  line(text = ''): this {
    this.lines.push(text === '' ? '' : '  '.repeat(this.depth) + text);
    return this;
  }

  /** Writes `open`, the body indented one level, then `close`. */
  block(open: string, body: () => void, close = '}'): this {
    this.line(open);
    this.depth++;
    body();
    this.depth--;
    return this.line(close);
  }

  toString(): string {
    return this.lines.join('\n') + '\n';
  }
}

/** A string literal that cannot break out of its quotes (and keeps U+2028/9 escaped). */
export function str(s: string): string {
  return JSON.stringify(s).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Text safe inside a `//` comment: no line breaks. */
export function commentText(s: string): string {
  return s.replace(/[\r\n\u2028\u2029]+/g, ' ');
}

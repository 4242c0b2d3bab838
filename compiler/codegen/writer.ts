// A tiny line writer: generated code is built line by line with explicit indentation, so its
// layout is deterministic and readable without running a formatter.
export class CodeWriter {
  private readonly lines: string[] = [];
  private depth = 0;

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

// Where a piece of generated code comes from in the `.nn` file, for its comment:
// `chain.nn:5 dense(8)`. The file's base name only, so the output does not depend on where the
// file lies (generated code stays byte-identical across machines).
import type { Span } from '../syntax/ast.js';

const MAX_TEXT = 60;

export class SourceOrigin {
  private readonly file: string;
  private lineStarts: number[] | undefined;

  constructor(fileName: string, private readonly text: string) {
    this.file = fileName.split(/[\\/]/).pop() || fileName;
  }

  /** `file.nn:line text`: the line a span starts on and its text on one line, shortened. */
  of(span: Span): string {
    const raw = this.text.slice(span.start, span.end).replace(/\s+/g, ' ').trim();
    const text = raw.length > MAX_TEXT ? `${raw.slice(0, MAX_TEXT - 3)}...` : raw;
    return `${this.where(span)}${text ? ` ${text}` : ''}`;
  }

  /** `file.nn:line`: the line a span starts on. */
  where(span: Span): string {
    return `${this.file}:${this.lineOf(span.start)}`;
  }

  private lineOf(offset: number): number {
    this.lineStarts ??= [0, ...[...this.text.matchAll(/\r\n|\r|\n/g)].map((m) => m.index + m[0].length)];
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

import type { Span } from '../syntax/ast.js';
import type { DiagnosticCode } from './catalogue.js';
import type { Diagnostic, Fix, RelatedSpan, Severity } from './types.js';

export interface DiagnosticExtras {
  severity?: Severity;
  label?: string;
  expected?: string;
  found?: string;
  help?: string;
  related?: RelatedSpan[];
  fixes?: Fix[];
}

export function diagnostic(code: DiagnosticCode, span: Span, message: string, extras: DiagnosticExtras = {}): Diagnostic {
  const { severity = 'error', related = [], fixes = [], ...rest } = extras;
  for (const key of ['label', 'expected', 'found', 'help'] as const) if (rest[key] !== undefined) rest[key] = shorten(rest[key]);
  return { code, severity, message: shorten(message), span, ...rest, related: related.map((r) => ({ ...r, message: shorten(r.message) })), fixes };
}

/**
 * Names from the source are quoted in messages; a 1 MB identifier must not make a 1 MB message.
 * Long quoted names are cut in the middle of their backticks, and whole messages are capped.
 */
export function shorten(text: string): string {
  // Odd pieces between backticks are quoted code; only those are cut.
  const cut = text
    .split('`')
    .map((piece, i) => (i % 2 === 1 && piece.length > 60 ? `${piece.slice(0, 40)}…${piece.slice(-10)}` : piece))
    .join('`');
  return cut.length > 400 ? cut.slice(0, 399) + '…' : cut;
}
/** A sink that stops accepting diagnostics after a cap, so garbage input cannot flood the output. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];
  private dropped = 0;

  constructor(private readonly cap = 200) {}

  add(d: Diagnostic): void {
    if (this.items.length < this.cap) this.items.push(d);
    else this.dropped++;
  }

  error(code: DiagnosticCode, span: Span, message: string, extras: DiagnosticExtras = {}): void {
    this.add(diagnostic(code, span, message, extras));
  }

  warning(code: DiagnosticCode, span: Span, message: string, extras: DiagnosticExtras = {}): void {
    this.add(diagnostic(code, span, message, { ...extras, severity: 'warning' }));
  }

  get droppedCount(): number {
    return this.dropped;
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}

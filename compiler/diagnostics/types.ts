// Diagnostics are plain data: the CLI renders them, the LSP converts them, tests compare them.
import type { Span } from '../syntax/ast.js';
import type { DiagnosticCode } from './catalogue.js';

export type Severity = 'error' | 'warning' | 'info';

export interface TextEdit {
  span: Span;
  newText: string;
}

/** A machine-applicable fix, offered as a code action in the editor. */
export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface RelatedSpan {
  span: Span;
  message: string;
}

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  /** One sentence: what is wrong. */
  message: string;
  /** Where it is wrong (the primary span). */
  span: Span;
  /** A short label under the primary span, e.g. "expects [batch, 4], found [batch, 3]". */
  label?: string;
  expected?: string;
  found?: string;
  /** How to fix it, in words. */
  help?: string;
  related: RelatedSpan[];
  fixes: Fix[];
}

// Document formatting: the same formatter as `nnc fmt`, as one edit replacing the whole text (no
// edit when the file is already formatted or has syntax errors).
import type { TextEdit } from 'vscode-languageserver';
import { format } from '../compiler/format/format.js';
import type { Analysis } from './analysis.js';
import { toRange } from './ranges.js';

export function formatDocument(a: Analysis): TextEdit[] {
  const formatted = format(a.text);
  if (formatted === undefined || formatted === a.text) return [];
  return [{ range: toRange(a.lines, { start: 0, end: a.text.length }), newText: formatted }];
}

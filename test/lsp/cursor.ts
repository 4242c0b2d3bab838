// Test sources with the cursor written in them, as rust-analyzer's tests do: `$0` marks the
// position a request is made at. `at(…)` strips the marker and returns the analysis and offset.
import type { TextEdit } from 'vscode-languageserver';
import { analyze, type Analysis } from '../../lsp/analysis.js';
import { toOffset } from '../../lsp/ranges.js';

export const marker = '$0';

export interface AtCursor {
  /** The source without the marker. */
  text: string;
  offset: number;
  /** The marker's line and character (UTF-16), for protocol requests. */
  position: { line: number; character: number };
  analysis: Analysis;
}

/** The source without its one `$0`, analysed, and where the `$0` was. */
export function at(marked: string): AtCursor {
  const offset = marked.indexOf(marker);
  if (offset < 0 || marked.indexOf(marker, offset + 1) >= 0) throw new Error('a test source needs exactly one $0');
  const text = marked.slice(0, offset) + marked.slice(offset + marker.length);
  const before = text.slice(0, offset).split('\n');
  return { text, offset, position: { line: before.length - 1, character: before[before.length - 1]!.length }, analysis: analyze(text, 1, 'test.nn') };
}

/** Text edits applied to `text` (non-overlapping; any order). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const a = analyze(text);
  const spans = edits.map((e) => ({ start: toOffset(a.lines, e.range.start), end: toOffset(a.lines, e.range.end), newText: e.newText }));
  spans.sort((x, y) => y.start - x.start);
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + s.newText + out.slice(s.end);
  return out;
}

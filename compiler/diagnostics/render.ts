// Renders diagnostics for people (Rust/Elm style) and for machines (JSON).
import { LineMap } from '../source.js';
import type { Span } from '../syntax/ast.js';
import type { Diagnostic } from './types.js';

export interface RenderOptions {
  /** ANSI colours (the CLI turns them on for a TTY). */
  color?: boolean;
}

type Style = 'red' | 'yellow' | 'blue' | 'cyan' | 'bold';
const ansi: Record<Style, [string, string]> = {
  red: ['\x1b[31m', '\x1b[39m'],
  yellow: ['\x1b[33m', '\x1b[39m'],
  blue: ['\x1b[34m', '\x1b[39m'],
  cyan: ['\x1b[36m', '\x1b[39m'],
  bold: ['\x1b[1m', '\x1b[22m'],
};

/** Long lines are cut around the span so a 1 MB line does not become a 1 MB message. */
const maxShownLine = 160;

export function renderDiagnostic(d: Diagnostic, fileName: string, lines: LineMap, options: RenderOptions = {}): string {
  const paint = (s: Style, text: string): string => (options.color ? ansi[s][0] + text + ansi[s][1] : text);
  const start = lines.position(d.span.start);
  const sevColor: Style = d.severity === 'error' ? 'red' : d.severity === 'warning' ? 'yellow' : 'cyan';
  const out: string[] = [];
  out.push(`${paint(sevColor, paint('bold', `${d.severity}[${d.code}]`))}${paint('bold', `: ${d.message}`)}`);
  out.push(`  ${paint('blue', '-->')} ${fileName}:${start.line}:${start.column}`);

  const snippets: { span: Span; label: string; primary: boolean }[] = [
    ...d.related.map((r) => ({ span: r.span, label: r.message, primary: false })),
    { span: d.span, label: d.label ?? '', primary: true },
  ].sort((a, b) => a.span.start - b.span.start);
  const gutter = String(Math.max(...snippets.map((s) => lines.position(s.span.start).line))).length;
  const pad = ' '.repeat(gutter);
  out.push(`${pad} ${paint('blue', '|')}`);
  for (const s of snippets) {
    const from = lines.position(s.span.start);
    const to = lines.position(Math.max(s.span.start, s.span.end));
    const text = lines.lineText(from.line);
    const width = to.line === from.line ? Math.max(1, to.column - from.column) : Math.max(1, text.length - from.column + 1);
    const { shown, offset } = clip(text, from.column - 1, width);
    const marker = (s.primary ? '^' : '-').repeat(Math.min(width, maxShownLine));
    out.push(`${paint('blue', String(from.line).padStart(gutter) + ' |')} ${shown}`);
    const underline = `${' '.repeat(offset)}${paint(s.primary ? sevColor : 'blue', marker)}${s.label ? ' ' + paint(s.primary ? sevColor : 'blue', s.label) : ''}`;
    out.push(`${pad} ${paint('blue', '|')} ${underline}`);
  }
  out.push(`${pad} ${paint('blue', '|')}`);
  if (d.found !== undefined && !(d.label ?? '').includes(d.found)) {
    if (d.expected !== undefined) out.push(`${pad} ${paint('blue', '=')} expected: ${d.expected}`);
    out.push(`${pad} ${paint('blue', '=')}    found: ${d.found}`);
  }
  if (d.help) out.push(`${pad} ${paint('blue', '=')} ${paint('bold', 'help')}: ${d.help}`);
  return out.join('\n');
}

function clip(text: string, column: number, width: number): { shown: string; offset: number } {
  const expanded = text.replace(/\t/g, ' ');
  if (expanded.length <= maxShownLine) return { shown: expanded, offset: column };
  const from = Math.max(0, column - 40);
  const to = Math.min(expanded.length, column + Math.max(width, 40) + 40);
  return { shown: (from > 0 ? '…' : '') + expanded.slice(from, Math.min(to, from + maxShownLine)) + (to < expanded.length ? '…' : ''), offset: column - from + (from > 0 ? 1 : 0) };
}

export function renderDiagnostics(ds: readonly Diagnostic[], fileName: string, source: string, options: RenderOptions = {}): string {
  const lines = new LineMap(source);
  return ds.map((d) => renderDiagnostic(d, fileName, lines, options)).join('\n\n');
}

export interface JsonDiagnostic {
  file: string;
  code: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  label?: string;
  expected?: string;
  found?: string;
  help?: string;
  related: { line: number; column: number; endLine: number; endColumn: number; message: string }[];
  fixes: { title: string; edits: { line: number; column: number; endLine: number; endColumn: number; newText: string }[] }[];
}

export function diagnosticsToJson(ds: readonly Diagnostic[], fileName: string, source: string): JsonDiagnostic[] {
  const lines = new LineMap(source);
  const range = (span: Span) => {
    const a = lines.position(span.start);
    const b = lines.position(span.end);
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  };
  return ds.map((d) => {
    const json: JsonDiagnostic = { file: fileName, code: d.code, severity: d.severity, message: d.message, ...range(d.span), related: [], fixes: [] };
    if (d.label !== undefined) json.label = d.label;
    if (d.expected !== undefined) json.expected = d.expected;
    if (d.found !== undefined) json.found = d.found;
    if (d.help !== undefined) json.help = d.help;
    json.related = d.related.map((r) => ({ ...range(r.span), message: r.message }));
    json.fixes = d.fixes.map((f) => ({ title: f.title, edits: f.edits.map((e) => ({ ...range(e.span), newText: e.newText })) }));
    return json;
  });
}

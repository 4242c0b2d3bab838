// Compiler diagnostics → LSP diagnostics: the NN code with a link to its section of
// docs/diagnostics.md, related spans as related information, and the fixes (as LSP text edits) in
// `data`, from which code actions are made.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type TextEdit } from 'vscode-languageserver';
import { catalogue } from '../compiler/diagnostics/catalogue.js';
import type { Diagnostic } from '../compiler/diagnostics/types.js';
import type { Analysis } from './analysis.js';
import { toRange } from './ranges.js';

export interface FixData {
  title: string;
  edits: TextEdit[];
}

export interface DiagnosticData {
  fixes: FixData[];
}

const severities = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

/** docs/diagnostics.md of this installation (dist/lsp/ and lsp/ both sit two or one levels below). */
export function defaultDocsUrl(): string {
  for (const candidate of ['../../docs/diagnostics.md', '../docs/diagnostics.md']) {
    const url = new URL(candidate, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url.href;
  }
  return new URL('../../docs/diagnostics.md', import.meta.url).href;
}

/** GitHub's heading anchor for `## NN3102: shape mismatch …`. */
export function anchorOf(code: string): string {
  const title = (catalogue as Record<string, string>)[code] ?? '';
  return `${code}: ${title}`
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

export function toLspDiagnostics(a: Analysis, uri: string, docsUrl: string): LspDiagnostic[] {
  return a.result.diagnostics.map((d) => toLspDiagnostic(a, d, uri, docsUrl));
}

function toLspDiagnostic(a: Analysis, d: Diagnostic, uri: string, docsUrl: string): LspDiagnostic {
  const details: string[] = [];
  if (d.label && !d.message.includes(d.label)) details.push(d.label);
  else if (d.expected !== undefined && d.found !== undefined) details.push(`expected ${d.expected}, found ${d.found}`);
  if (d.help) details.push(`help: ${d.help}`);
  const data: DiagnosticData = {
    fixes: d.fixes.map((f) => ({ title: f.title, edits: f.edits.map((e) => ({ range: toRange(a.lines, e.span), newText: e.newText })) })),
  };
  return {
    range: toRange(a.lines, d.span),
    severity: severities[d.severity],
    code: d.code,
    codeDescription: { href: `${docsUrl}#${anchorOf(d.code)}` },
    source: 'nnc',
    message: [d.message, ...details].join('\n'),
    relatedInformation: d.related.map((r) => ({ location: { uri, range: toRange(a.lines, r.span) }, message: r.message })),
    data,
  };
}

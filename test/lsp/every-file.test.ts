// Every feature on every example and fixture: nothing throws, and the answers hold together
// (one inlay hint per layer call, definitions point at definitions, formatting is stable).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../lsp/analysis.js';
import { blockCallNodes } from '../../lsp/block-calls.js';
import { codeLenses } from '../../lsp/code-lens.js';
import { completion } from '../../lsp/completion.js';
import { toLspDiagnostics } from '../../lsp/diagnostics.js';
import { formatDocument } from '../../lsp/formatting.js';
import { hover } from '../../lsp/hover.js';
import { inlayHints } from '../../lsp/inlay-hints.js';
import { definition, references } from '../../lsp/navigation.js';
import { documentSymbols, foldingRanges } from '../../lsp/outline.js';
import { semanticTokens } from '../../lsp/semantic-tokens.js';
import { signatureHelp } from '../../lsp/signature-help.js';

const root = new URL('../../', import.meta.url);
const files = ['examples', 'test/fixtures'].flatMap((dir) =>
  readdirSync(new URL(dir, root))
    .filter((f) => f.endsWith('.nn'))
    .map((f) => `${dir}/${f}`),
);
const uri = 'file:///x.nn';

describe('every feature on every file', () => {
  it.each(files)('%s', (file) => {
    const text = readFileSync(new URL(file, root), 'utf8');
    const a = analyze(text, 1, file);
    toLspDiagnostics(a, uri, 'docs');
    const hints = inlayHints(a);
    const callSpans = new Set(a.result.program.models.flatMap((m) => m.nodes.filter((n) => n.span.start >= m.span.start && n.span.end <= m.span.end).map((n) => `${n.span.start}:${n.span.end}`)));
    const blockCalls = a.result.program.models.reduce((n, m) => n + blockCallNodes(a, m).size, 0);
    expect(hints.length).toBe(callSpans.size + blockCalls);
    expect(codeLenses(a)).toHaveLength(a.result.program.models.length);
    documentSymbols(a);
    foldingRanges(a);
    expect(semanticTokens(a).data.length % 5).toBe(0);
    for (const o of a.index.occurrences) {
      hover(a, o.span.start);
      const d = definition(a, o.span.start, uri);
      if (o.symbol) {
        expect(d, `${o.name} at ${o.span.start}`).not.toBeNull();
        expect(references(a, o.span.start, uri, true).length).toBeGreaterThanOrEqual(1);
      }
    }
    // Completion and signature help at every 7th offset: the cursor anywhere is fine.
    for (let offset = 0; offset <= text.length; offset += 7) {
      completion(a, offset);
      signatureHelp(a, offset);
    }
    const edits = formatDocument(a);
    if (edits.length) expect(formatDocument(analyze(edits[0]!.newText))).toEqual([]);
  });
});

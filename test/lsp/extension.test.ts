// The VS Code extension's client (plain JS, no vscode-languageclient) against the real server, with
// a stand-in for the `vscode` API: documents sync, diagnostics arrive, providers answer.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeVscode } from './fake-vscode.js';

const require = createRequire(import.meta.url);
const { createEndpoint } = require('../../lsp/vscode/jsonrpc.js');
const { registerFeatures } = require('../../lsp/vscode/client.js');
const root = fileURLToPath(new URL('../../', import.meta.url));

const server = spawn(process.execPath, [`${root}bin/nnc.js`, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
const endpoint = createEndpoint(server.stdout, server.stdin);
afterAll(async () => {
  const exited = new Promise((resolve) => server.once('exit', resolve));
  await endpoint.request('shutdown', null);
  endpoint.notify('exit', null);
  await exited;
});

const token = { isCancellationRequested: false };
const pos = (line: number, character: number) => ({ line, character });

describe('the VS Code client', () => {
  it('syncs a document and runs every provider', async () => {
    const init = await endpoint.request('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    endpoint.notify('initialized', {});
    const fake = fakeVscode();
    registerFeatures(fake.vscode, endpoint, { subscriptions: [] }, { semanticTokens: init.capabilities.semanticTokensProvider.legend });
    expect(Object.keys(fake.providers).sort()).toEqual(
      ['codeActions', 'codeLens', 'completion', 'definition', 'documentSymbols', 'folding', 'formatting', 'hover', 'inlayHints', 'references', 'rename', 'semanticTokens', 'signatureHelp'].sort(),
    );
    const uri = 'file:///tmp/ext.nn';
    const text = 'model Net {\n  input x: [batch, 3]\n  dens(4)\n}\n';
    fake.listeners['open']![0]!(fake.document(uri, text));
    const fixed = 'model Net {\n  input x: [batch, 3]\n  dense(4)\n}\n';
    // Diagnostics for the misspelling, then a quick fix from them.
    for (let i = 0; i < 200 && !fake.diagnostics.get(uri); i++) await new Promise((r) => setTimeout(r, 10));
    const [diag] = fake.diagnostics.get(uri) as { message: string; code: { value: string } }[];
    expect(diag!.code.value).toBe('NN2001');
    const p = fake.providers as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>;
    const doc = fake.document(uri, text);
    const actions = (await p['codeActions']!['provideCodeActions']!(doc, new fake.vscode.Range(pos(2, 2) as never, pos(2, 6) as never), { diagnostics: [diag] }, token)) as { title: string; edit: { edits: { newText: string }[] } }[];
    expect(actions.map((a) => a.title)).toEqual(['Change to `dense`']);
    expect(actions[0]!.edit.edits[0]!.newText).toBe('dense');

    fake.listeners['change']![0]!({ document: fake.document(uri, fixed, 2), contentChanges: [{}] });
    const fixedDoc = fake.document(uri, fixed, 2);
    const hover = (await p['hover']!['provideHover']!(fixedDoc, pos(2, 3), token)) as { contents: { value: string } };
    expect(hover.contents.value).toContain('→ [batch, 4]');
    const items = (await p['completion']!['provideCompletionItems']!(fixedDoc, pos(3, 0), token)) as { label: string; insertText: { value: string } }[];
    expect(items.find((i) => i.label === 'dense')!.insertText.value).toBe('dense(${1:units})');
    const hints = (await p['inlayHints']!['provideInlayHints']!(fixedDoc, new fake.vscode.Range(pos(0, 0) as never, pos(5, 0) as never), token)) as { label: string }[];
    expect(hints.map((h) => h.label)).toEqual(['▸ [batch, 4]']);
    const lenses = (await p['codeLens']!['provideCodeLenses']!(fixedDoc, token)) as { command: { title: string } }[];
    expect(lenses[0]!.command.title).toContain('16 parameters');
    const symbols = (await p['documentSymbols']!['provideDocumentSymbols']!(fixedDoc, token)) as { name: string }[];
    expect(symbols.map((s) => s.name)).toEqual(['Net']);
    const edit = (await p['rename']!['provideRenameEdits']!(fixedDoc, pos(1, 8), 'features')) as { edits: unknown[] };
    expect(edit.edits).toHaveLength(1);
    const formatted = (await p['formatting']!['provideDocumentFormattingEdits']!(fixedDoc, { tabSize: 2, insertSpaces: true }, token)) as unknown[];
    expect(formatted).toEqual([]);
    const tokens = (await p['semanticTokens']!['provideDocumentSemanticTokens']!(fixedDoc, token)) as { data: Uint32Array };
    expect(tokens.data.length).toBeGreaterThan(0);
  });
});

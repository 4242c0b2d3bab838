// The real server process over stdio: the protocol wiring of each main feature, end to end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompletionItem, Hover, InlayHint, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { layers } from '../../compiler/layers/registry.js';
import { startClient, type TestClient } from './client.js';

const uri = 'file:///tmp/net.nn';
const source = `model Net {
  input x: [batch, 3]
  let hidden = x |> dense(8, activation: relu)
  dense(4, in: 5)
  output y: [batch, 4]
}

train Net on points {
  loss: mse
}

data points = table {
  a, b, c -> y
  1, 2, 3 -> 1
}
`;

let client: TestClient;
beforeAll(async () => {
  client = await startClient();
});
afterAll(async () => {
  await client.stop();
});

describe('nnc lsp --stdio', () => {
  it('publishes a shape error with its exact range and code', async () => {
    const diagnostics = client.nextDiagnostics(uri);
    client.open(uri, source);
    const published = await diagnostics;
    expect(published.version).toBe(1);
    expect(published.diagnostics.map((d) => d.code)).toEqual(['NN3102']);
    const d = published.diagnostics[0]!;
    expect(d.range).toEqual({ start: { line: 3, character: 11 }, end: { line: 3, character: 16 } }); // `in: 5`
    expect(d.codeDescription!.href).toMatch(/diagnostics\.md#nn3102-shape-mismatch-at-the-input-of-a-layer$/);
    expect(d.relatedInformation![0]!.location.range.start.line).toBe(2);
  });

  it('hover over a layer gives its output shape', async () => {
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 21 } })) as Hover;
    expect((hover.contents as { value: string }).value).toContain('→ [batch, 8]');
  });

  it('inlay hints: one shape per layer', async () => {
    const hints = (await client.connection.sendRequest('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 16, character: 0 } },
    })) as InlayHint[];
    // `dense(4, in: 5)` does not check, so it has no shape: the one layer that does, has one.
    expect(hints.map((h) => h.label)).toEqual(['▸ [batch, 8]']);
    client.change(uri, source.replace('in: 5', 'in: 8'), 2);
    const after = (await client.connection.sendRequest('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 16, character: 0 } },
    })) as InlayHint[];
    expect(after.map((h) => h.label)).toEqual(['▸ [batch, 8]', '▸ [batch, 4]']);
  });

  it('completion inside a model offers every layer', async () => {
    const items = (await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 4, character: 0 } })) as CompletionItem[];
    const labels = items.map((i) => i.label);
    for (const l of layers) expect(labels).toContain(l.name);
  });

  it('rename of a model renames every use', async () => {
    const edit = (await client.connection.sendRequest('textDocument/rename', { textDocument: { uri }, position: { line: 0, character: 7 }, newName: 'Classifier' })) as WorkspaceEdit;
    expect(edit.changes![uri]!.map((e) => e.range.start.line)).toEqual([0, 7]);
  });

  it('formatting twice changes nothing the second time', async () => {
    const messy = 'file:///tmp/messy.nn';
    client.open(messy, 'model  M{\ninput x:[batch,2]\n      dense(1)}\n');
    const edits = (await client.connection.sendRequest('textDocument/formatting', { textDocument: { uri: messy }, options: { tabSize: 2, insertSpaces: true } })) as TextEdit[];
    expect(edits).toHaveLength(1);
    client.change(messy, edits[0]!.newText, 2);
    const again = (await client.connection.sendRequest('textDocument/formatting', { textDocument: { uri: messy }, options: { tabSize: 2, insertSpaces: true } })) as TextEdit[];
    expect(again).toEqual([]);
  });

  it('never publishes a stale result', async () => {
    const fast = 'file:///tmp/fast.nn';
    const final = client.nextDiagnostics(fast, (p) => p.version === 30);
    for (let v = 1; v <= 30; v++) {
      if (v === 1) client.open(fast, 'model M {\n  input x: [batch, 2]\n}\n', 1);
      else client.change(fast, `model M {\n  input x: [batch, 2]\n  dense(${v})${v % 2 ? ' oops' : ''}\n}\n`, v);
    }
    await final;
    const versions = client.published.filter((p) => p.uri === fast).map((p) => p.version);
    expect(versions[versions.length - 1]).toBe(30);
    // Debounced: a burst of changes is checked once, not thirty times.
    expect(versions.length).toBeLessThan(30);
    expect([...versions].sort((x, y) => x! - y!)).toEqual(versions);
  });
});

// The server answers in the forms the client declared: snippets, markdown, related information,
// code description links and code action literals only for clients that said they take them
// (a bare client, like Emacs' eglot without yasnippet, gets plain text). And NN3102's quick fix,
// applied, makes the error go away.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeAction, Command, CompletionItem, Diagnostic, Hover, PublishDiagnosticsParams, SignatureHelp } from 'vscode-languageserver-protocol';
import { applyEdits, at } from './cursor.js';
import { editorCapabilities, startClient, type TestClient } from './client.js';

const typing = at(`model Net {
  input x: [batch, 3]
  dense(8, activation: relu)
  $0
}
`);

let bare: TestClient;
let editor: TestClient;
beforeAll(async () => {
  [bare, editor] = await Promise.all([startClient({}, { capabilities: {} }), startClient({}, { capabilities: editorCapabilities })]);
});
afterAll(async () => {
  await Promise.all([bare.stop(), editor.stop()]);
});

async function openAndWait(client: TestClient, uri: string, text: string, version = 1): Promise<PublishDiagnosticsParams> {
  const published = client.nextDiagnostics(uri, (p) => p.version === version);
  if (version === 1) client.open(uri, text);
  else client.change(uri, text, version);
  return published;
}

const completionAt = (client: TestClient, uri: string) =>
  client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: typing.position }) as Promise<CompletionItem[]>;

describe('client capabilities', () => {
  it('completion: snippets only to a client with snippetSupport, plain text to the others', async () => {
    const uri = 'file:///tmp/caps-completion.nn';
    await Promise.all([openAndWait(bare, uri, typing.text), openAndWait(editor, uri, typing.text)]);
    const [plain, snippets] = await Promise.all([completionAt(bare, uri), completionAt(editor, uri)]);
    expect(plain.length).toBeGreaterThan(20);
    expect(plain.filter((i) => JSON.stringify(i).includes('${'))).toEqual([]);
    expect(plain.every((i) => i.insertTextFormat !== 2)).toBe(true);
    const dense = (items: CompletionItem[]) => items.find((i) => i.label === 'dense')!;
    expect({ insertText: dense(plain).insertText, insertTextFormat: dense(plain).insertTextFormat, documentation: dense(plain).documentation }).toMatchInlineSnapshot(`
      {
        "documentation": {
          "kind": "plaintext",
          "value": "Fully connected layer: every output unit sees every input feature. y = activation(x·W + b).",
        },
        "insertText": "dense(units)",
        "insertTextFormat": 1,
      }
    `);
    expect({ insertText: dense(snippets).insertText, insertTextFormat: dense(snippets).insertTextFormat }).toMatchInlineSnapshot(`
      {
        "insertText": "dense(\${1:units})",
        "insertTextFormat": 2,
      }
    `);
    expect(plain.find((i) => i.label === 'input')!.insertText).toBe('input x: [batch, 2]');
    expect(snippets.filter((i) => i.insertText?.includes('${')).length).toBeGreaterThan(20);
  });

  it('hover and signature help: markdown only to a client that accepts it', async () => {
    const uri = 'file:///tmp/caps-hover.nn';
    const source = at('model Net {\n  input x: [batch, 3]\n  den$0se(8, activation: relu)\n}\n');
    await Promise.all([openAndWait(bare, uri, source.text), openAndWait(editor, uri, source.text)]);
    const hoverOf = (c: TestClient) => c.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: source.position }) as Promise<Hover>;
    const [plain, markdown] = await Promise.all([hoverOf(bare), hoverOf(editor)]);
    expect((markdown.contents as { kind: string }).kind).toBe('markdown');
    expect((markdown.contents as { value: string }).value).toContain('```nn');
    expect(plain.contents).toMatchInlineSnapshot(`
      {
        "kind": "plaintext",
        "value": "dense(units: 8, activation: relu, use_bias: true) → [batch, 8]

      output [batch, 8] (input [batch, 3])
      parameters 32
      weights kernel [3, 8], bias [8]
      FLOPs per example 48

      Fully connected layer: every output unit sees every input feature. y = activation(x·W + b).

      - units: int: Number of output units (neurons).
      - activation: activation = linear: Activation applied to the output.
      - use_bias: bool = true: Whether the layer adds a bias vector.
      - in: int?: Expected size of the input’s last axis; checked, never needed (it is inferred).
      - kernel: tensor?: Constant initial weights, shape [in, units] (e.g. [[0.8], [0.2]]).
      - bias: tensor?: Constant initial bias, shape [units].",
      }
    `);
    const call = at('model Net {\n  input x: [batch, 3]\n  dense(8, $0)\n}\n');
    const sigUri = 'file:///tmp/caps-signature.nn';
    await Promise.all([openAndWait(bare, sigUri, call.text), openAndWait(editor, sigUri, call.text)]);
    const helpOf = (c: TestClient) => c.connection.sendRequest('textDocument/signatureHelp', { textDocument: { uri: sigUri }, position: call.position }) as Promise<SignatureHelp>;
    const [plainHelp, richHelp] = await Promise.all([helpOf(bare), helpOf(editor)]);
    expect(plainHelp.signatures[0]!.parameters![1]!.label).toBe('activation: activation = linear');
    expect(richHelp.signatures[0]!.parameters![1]!.label).toEqual(expect.arrayContaining([expect.any(Number)]));
  });

  it('outline and a training setting’s docs: a tree and markdown for the editor, a flat list and plain text for the bare client', async () => {
    const uri = 'file:///tmp/caps-outline.nn';
    const source = at('model Net {\n  input x: [batch, 3]\n  dense(1)\n}\ndata d = table {\n  a, b, c -> y\n  1, 2, 3 -> 1\n}\ntrain Net on d {\n  $0\n}\n');
    await Promise.all([openAndWait(bare, uri, source.text), openAndWait(editor, uri, source.text)]);
    const symbolsOf = (c: TestClient) => c.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } }) as Promise<{ name: string; containerName?: string; children?: unknown[] }[]>;
    const [flat, tree] = await Promise.all([symbolsOf(bare), symbolsOf(editor)]);
    expect(flat.map((s) => [s.name, s.containerName ?? null])).toEqual([['Net', null], ['x', 'Net'], ['dense', 'Net'], ['d', null], ['train Net on d', null]]);
    expect(tree.map((s) => s.name)).toEqual(['Net', 'd', 'train Net on d']);
    const epochsOf = async (c: TestClient) =>
      ((await c.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: source.position })) as CompletionItem[]).find((i) => i.label === 'epochs')!.documentation as { kind: string; value: string };
    const [plainDoc, markdownDoc] = await Promise.all([epochsOf(bare), epochsOf(editor)]);
    expect(markdownDoc.kind).toBe('markdown');
    expect(markdownDoc.value).toContain('**default**');
    expect(plainDoc.kind).toBe('plaintext');
    expect(plainDoc.value).not.toContain('**');
  });

  it('diagnostics: related places in the message and no code link when the client does not take them', async () => {
    const uri = 'file:///tmp/caps-diagnostics.nn';
    const text = 'model Net {\n  input x: [batch, 3]\n  dense(8, in: 4)\n}\n';
    const [plain, rich] = await Promise.all([openAndWait(bare, uri, text), openAndWait(editor, uri, text)]);
    expect(plain.diagnostics[0]!.relatedInformation).toBeUndefined();
    expect(plain.diagnostics[0]!.codeDescription).toBeUndefined();
    expect(plain.diagnostics[0]!.message).toMatchInlineSnapshot(`
      "shape mismatch at the input of \`dense\`
      expects [batch, 4], found [batch, 3]
      help: remove \`in: 4\` (it is inferred), or change it to 3
      2:3: produces [batch, 3]"
    `);
    expect(rich.diagnostics[0]!.relatedInformation).toHaveLength(1);
    expect(rich.diagnostics[0]!.codeDescription!.href).toMatch(/^file:.*\/docs\/diagnostics\.md#nn3102-/);
  });
});

describe('the NN3102 quick fix', () => {
  const uri = 'file:///tmp/quick-fix.nn';
  const text = 'model Net {\n  input x: [batch, 3]\n  dense(8, in: 4, activation: relu)\n  dense(1, in: 8)\n}\n';

  it('each of its two fixes, applied, makes the shape error go away', async () => {
    const published = await openAndWait(editor, uri, text);
    expect(published.diagnostics.map((d) => d.code)).toEqual(['NN3102']);
    const diagnostic = published.diagnostics[0]!;
    const actions = (await editor.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as CodeAction[];
    expect(actions.map((a) => a.title)).toEqual(['Remove `in: 4` (it is inferred)', 'Change to `in: 3`']);
    const fixed = actions.map((a) => applyEdits(text, a.edit!.changes![uri]!));
    expect(fixed.map((t) => t.split('\n')[2])).toEqual(['  dense(8, activation: relu)', '  dense(8, in: 3, activation: relu)']);
    let version = 1;
    for (const t of fixed) {
      const after = await openAndWait(editor, uri, t, ++version);
      expect(after.diagnostics).toEqual([]);
    }
  });

  it('a client without code action literals gets a command, and the server applies the edit', async () => {
    const client = await startClient({}, { capabilities: { workspace: { applyEdit: true } } });
    try {
      const published = await openAndWait(client, uri, text);
      const diagnostic = published.diagnostics[0] as Diagnostic;
      const applied = new Promise<{ edit: { changes: Record<string, { range: Diagnostic['range']; newText: string }[]> } }>((resolve) =>
        client.connection.onRequest('workspace/applyEdit', (params) => {
          resolve(params);
          return { applied: true };
        }),
      );
      const [first] = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as Command[];
      expect(first!.command).toBe('nn.applyFix');
      await client.connection.sendRequest('workspace/executeCommand', { command: first!.command, arguments: first!.arguments });
      const { edit } = await applied;
      expect(applyEdits(text, edit.changes[uri]!).split('\n')[2]).toBe('  dense(8, activation: relu)');
    } finally {
      await client.stop();
    }
  });
});

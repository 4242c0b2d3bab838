// The server survives garbage: random bytes, a file typed one keystroke at a time, a 10,000-line
// file. It never crashes, never hangs, and answers every request.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClient, type TestClient } from './client.js';

let client: TestClient;
beforeAll(async () => {
  client = await startClient({ debounceMs: 5 });
});
afterAll(async () => {
  await client.stop();
});

function pseudoRandomText(n: number, seed: number): string {
  let s = seed;
  let out = '';
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const r = s >>> 16;
    // Mostly bytes, some of the language's own characters, some astral code points.
    out += r % 7 === 0 ? '{}()[],:->|\n '[r % 13]! : r % 11 === 0 ? String.fromCodePoint(0x1f600 + (r % 50)) : String.fromCharCode(r % 256);
  }
  return out;
}

const everyRequest = (uri: string, line: number, character: number) => {
  const position = { line, character };
  const range = { start: { line: 0, character: 0 }, end: { line: line + 1, character: 0 } };
  const textDocument = { uri };
  const c = client.connection;
  return Promise.all([
    c.sendRequest('textDocument/hover', { textDocument, position }),
    c.sendRequest('textDocument/completion', { textDocument, position }),
    c.sendRequest('textDocument/signatureHelp', { textDocument, position }),
    c.sendRequest('textDocument/definition', { textDocument, position }),
    c.sendRequest('textDocument/references', { textDocument, position, context: { includeDeclaration: true } }),
    c.sendRequest('textDocument/inlayHint', { textDocument, range }),
    c.sendRequest('textDocument/semanticTokens/full', { textDocument }),
    c.sendRequest('textDocument/documentSymbol', { textDocument }),
    c.sendRequest('textDocument/foldingRange', { textDocument }),
    c.sendRequest('textDocument/codeLens', { textDocument }),
    c.sendRequest('textDocument/formatting', { textDocument, options: { tabSize: 2, insertSpaces: true } }),
  ]);
};

describe('the server under garbage', () => {
  it('random bytes: diagnostics and an answer to every request', async () => {
    for (let seed = 1; seed <= 5; seed++) {
      const uri = `file:///tmp/random-${seed}.nn`;
      const text = pseudoRandomText(3000, seed);
      const published = client.nextDiagnostics(uri);
      client.open(uri, text);
      expect((await published).diagnostics.length).toBeGreaterThan(0);
      const lines = text.split(/\r\n|\r|\n/);
      for (const line of [0, Math.floor(lines.length / 2), lines.length - 1]) {
        const answers = await everyRequest(uri, line, Math.floor((lines[line]?.length ?? 0) / 2));
        expect(answers).toHaveLength(11);
      }
    }
    expect(client.process.exitCode).toBeNull();
  });

  it('a half-typed file after every keystroke of an example', async () => {
    const example = readFileSync(new URL('../../test/fixtures/chain.nn', import.meta.url), 'utf8');
    const uri = 'file:///tmp/typing.nn';
    client.open(uri, '', 1);
    let version = 1;
    const pending: Promise<unknown>[] = [];
    for (let i = 1; i <= example.length; i++) {
      version++;
      const text = example.slice(0, i);
      client.change(uri, text, version);
      const lines = text.split('\n');
      const position = { line: lines.length - 1, character: lines[lines.length - 1]!.length };
      if (i % 3 === 0) pending.push(client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position }));
      if (i % 5 === 0) pending.push(client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: position.line, character: Math.max(0, position.character - 2) } }));
      if (i % 11 === 0) pending.push(client.connection.sendRequest('textDocument/signatureHelp', { textDocument: { uri }, position }));
      if (i % 17 === 0) pending.push(everyRequest(uri, position.line, position.character));
    }
    const final = client.nextDiagnostics(uri, (p) => p.version === version);
    const answers = await Promise.all(pending);
    expect(answers.length).toBe(pending.length);
    const published = await final;
    expect(published.diagnostics).toEqual([]); // the finished example is clean
    expect(client.process.exitCode).toBeNull();
  });

  it('a 10,000-line file', async () => {
    const body = Array.from({ length: 9_996 }, (_, i) => (i % 2 ? '  relu()' : `  dense(${(i % 7) + 1})`)).join('\n');
    const text = `model Big {\n  input x: [batch, 4]\n${body}\n}\n`;
    expect(text.split('\n').length).toBeGreaterThanOrEqual(10_000);
    const uri = 'file:///tmp/big.nn';
    const published = client.nextDiagnostics(uri);
    client.open(uri, text);
    expect((await published).diagnostics).toEqual([]);
    const answers = await everyRequest(uri, 5_000, 4);
    // The hints asked for cover lines 0–5000; layers start on line 2: 4,999 of them.
    const hints = answers[5] as unknown[];
    expect(hints.length).toBe(4_999);
    expect(client.process.exitCode).toBeNull();
  });
});

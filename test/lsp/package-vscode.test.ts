// `vsce package` turns lsp/vscode/ into an installable .vsix (no dependencies, no signing).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the VS Code extension package', () => {
  it('vsce packages lsp/vscode with the manifest, client, grammar and language configuration', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'nnc-vsix-')), 'nn.vsix');
    const vsce = join(root, 'node_modules', '.bin', 'vsce');
    const r = spawnSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--out', out], { cwd: join(root, 'lsp', 'vscode'), encoding: 'utf8' });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    // A .vsix is a zip: its entry names are stored as plain text.
    const zip = readFileSync(out).toString('latin1');
    for (const entry of ['extension.vsixmanifest', 'extension/package.json', 'extension/extension.js', 'extension/client.js', 'extension/jsonrpc.js', 'extension/syntaxes/nn.tmLanguage.json', 'extension/language-configuration.json']) {
      expect(zip).toContain(entry);
    }
    const manifest = JSON.parse(readFileSync(join(root, 'lsp', 'vscode', 'package.json'), 'utf8'));
    expect(manifest.contributes.languages[0]).toMatchObject({ id: 'nn', extensions: ['.nn'] });
  });
});
